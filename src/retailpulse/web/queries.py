"""SQL reads behind the pages: the message stream, KPIs, customers and their timeline.

Every filter value is bound as a parameter (never spliced into SQL); text search uses LIKE
with escaping, which works for Chinese and any other script without a tokenizer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import polars as pl
import sqlalchemy as sa

from retailpulse.store.database import Database
from retailpulse.store.tables import TABLES, message_enrichment

M = TABLES["messages"]
E = message_enrichment
C = TABLES["customers"]
I = TABLES["identities"]  # noqa: E741
T = TABLES["transactions"]
S = TABLES["surveys"]

PAGE_SIZE = 50
ASPECTS = (
    "price",
    "product_quality",
    "service",
    "delivery",
    "availability",
    "store",
    "online",
    "promotion",
)
SENTIMENTS = ("negative", "neutral", "positive")
EMOTIONS = ("anger", "fear", "joy", "love", "sadness", "surprise", "none")
INTENTS = ("complaint", "question", "praise", "purchase_intent", "request")


def token_in(column: sa.ColumnElement[Any], token: str) -> sa.ColumnElement[bool]:
    """``column`` (a ';'-joined list) contains ``token`` as a whole item."""
    esc = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(
        column == token,
        column.like(f"{esc};%", escape="\\"),
        column.like(f"%;{esc}", escape="\\"),
        column.like(f"%;{esc};%", escape="\\"),
    )


def _prefix_in(column: sa.ColumnElement[Any], prefix: str) -> sa.ColumnElement[bool]:
    esc = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(column.like(f"{esc}%", escape="\\"), column.like(f"%;{esc}%", escape="\\"))


@dataclass
class StreamFilters:
    """Filters of the Listen stream; empty strings mean 'any'."""

    q: str = ""
    platform: str = ""
    language: str = ""
    sentiment: str = ""
    emotion: str = ""
    intent: str = ""
    aspect: str = ""
    store: str = ""
    product: str = ""
    days: int = 0
    direction: str = "inbound"
    page: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    def active(self) -> dict[str, str]:
        keys = (
            "q",
            "platform",
            "language",
            "sentiment",
            "emotion",
            "intent",
            "aspect",
            "store",
            "product",
        )
        out = {k: str(getattr(self, k)) for k in keys if getattr(self, k)}
        if self.days:
            out["days"] = str(self.days)
        return out


def latest_message_at(db: Database) -> datetime | None:
    with db.engine.connect() as conn:
        value = conn.execute(
            sa.select(sa.func.max(M.c.created_at)).where(
                sa.func.coalesce(M.c.direction, "inbound") == "inbound"
            )
        ).scalar()
    return value if isinstance(value, datetime) else None


def _customer_id_expr() -> sa.ScalarSelect[Any]:
    return (
        sa.select(I.c.customer_id)
        .where(I.c.platform == M.c.platform, I.c.author_id == M.c.author_id)
        .limit(1)
        .scalar_subquery()
    )


def stream(db: Database, f: StreamFilters, *, store_scope: str | None) -> dict[str, Any]:
    """One page of messages, newest first, with their enrichment."""
    cols = [
        M.c.id,
        M.c.platform,
        M.c.kind,
        M.c.direction,
        M.c.account,
        M.c.author_id,
        M.c.author_handle,
        M.c.author_name,
        M.c.author_followers,
        M.c.thread_id,
        M.c.created_at,
        M.c.text,
        M.c.url,
        M.c.rating,
        M.c.likes,
        M.c.shares,
        M.c.replies,
        E.c.language,
        E.c.script,
        E.c.sentiment,
        E.c.p_negative,
        E.c.p_positive,
        E.c.emotion,
        E.c.intents,
        E.c.aspects,
        E.c.entities,
        E.c.is_spam,
        _customer_id_expr().label("customer_id"),
    ]
    where: list[sa.ColumnElement[bool]] = []
    if f.direction:
        where.append(sa.func.coalesce(M.c.direction, "inbound") == f.direction)
    if f.q:
        where.append(M.c.text.icontains(f.q[:200], autoescape=True))
    if f.platform:
        # compared through an expression so SQLite walks the created_at index (newest first)
        # instead of sorting every message of a large platform
        where.append(sa.func.coalesce(M.c.platform, "") == f.platform)
    if f.language:
        where.append(E.c.language == f.language)
    if f.sentiment:
        where.append(E.c.sentiment == f.sentiment)
    if f.emotion:
        where.append(E.c.emotion == f.emotion)
    if f.intent:
        where.append(token_in(E.c.intents, f.intent))
    if f.aspect:
        where.append(_prefix_in(E.c.aspects, f"{f.aspect}:"))
    if f.store:
        where.append(token_in(E.c.entities, f"store:{f.store}"))
    if f.product:
        where.append(token_in(E.c.entities, f"product:{f.product}"))
    if store_scope:
        where.append(token_in(E.c.entities, f"store:{store_scope}"))
    if f.days:
        latest = latest_message_at(db)
        if latest is not None:
            where.append(M.c.created_at >= latest - timedelta(days=f.days))
    page = max(1, f.page)
    stmt = (
        sa.select(*cols)
        .select_from(M.outerjoin(E, E.c.message_id == M.c.id))
        .where(*where)
        .order_by(M.c.created_at.desc(), M.c.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    with db.engine.connect() as conn:
        rows = [decorate(dict(r._mapping)) for r in conn.execute(stmt)]
    return {"rows": rows[:PAGE_SIZE], "page": page, "has_next": len(rows) > PAGE_SIZE}


def decorate(row: dict[str, Any]) -> dict[str, Any]:
    """Split the ';'-joined enrichment strings into lists for display."""
    row["intent_list"] = [x for x in (row.get("intents") or "").split(";") if x]
    row["aspect_list"] = [
        tuple(x.split(":", 1)) if ":" in x else (x, "neutral")
        for x in (row.get("aspects") or "").split(";")
        if x
    ]
    row["entity_list"] = [
        tuple(x.split(":", 1)) if ":" in x else ("entity", x)
        for x in (row.get("entities") or "").split(";")
        if x
    ]
    row["enriched"] = row.get("sentiment") is not None
    return row


def facet_values(db: Database) -> dict[str, list[str]]:
    """Values to offer in the stream's filter menus."""
    with db.engine.connect() as conn:
        platforms = [r[0] for r in conn.execute(sa.select(M.c.platform).distinct()) if r[0]]
        languages = [r[0] for r in conn.execute(sa.select(E.c.language).distinct()) if r[0]]
        stores = [r[0] for r in conn.execute(sa.select(TABLES["stores"].c.store_id)) if r[0]]
        products = [r[0] for r in conn.execute(sa.select(TABLES["products"].c.sku)) if r[0]]
    return {
        "platform": sorted(platforms),
        "language": sorted(languages),
        "sentiment": list(SENTIMENTS),
        "emotion": list(EMOTIONS),
        "intent": list(INTENTS),
        "aspect": list(ASPECTS),
        "store": sorted(stores),
        "product": sorted(products)[:500],
    }


def get_message(db: Database, message_id: int) -> dict[str, Any] | None:
    rows = stream_by_ids(db, [message_id])
    return rows[0] if rows else None


def stream_by_ids(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    stmt = (
        sa.select(
            M.c.id,
            M.c.platform,
            M.c.kind,
            M.c.direction,
            M.c.author_id,
            M.c.author_name,
            M.c.author_handle,
            M.c.created_at,
            M.c.text,
            M.c.url,
            M.c.thread_id,
            E.c.language,
            E.c.sentiment,
            E.c.emotion,
            E.c.intents,
            E.c.aspects,
            E.c.entities,
        )
        .select_from(M.outerjoin(E, E.c.message_id == M.c.id))
        .where(M.c.id.in_(ids))
        .order_by(M.c.created_at)
    )
    with db.engine.connect() as conn:
        return [decorate(dict(r._mapping)) for r in conn.execute(stmt)]


def thread_messages(
    db: Database,
    platform: str,
    thread_id: str | None,
    author_id: str | None,
    since: datetime,
    until: datetime,
) -> list[dict[str, Any]]:
    """The messages of a conversation: its thread, or its author's messages in its window."""
    if thread_id:
        cond = sa.and_(M.c.platform == platform, M.c.thread_id == thread_id)
    else:
        cond = sa.and_(
            M.c.platform == platform,
            M.c.author_id == author_id,
            M.c.created_at >= since,
            M.c.created_at <= until,
        )
    stmt = sa.select(M.c.id).where(cond).order_by(M.c.created_at).limit(200)
    with db.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(stmt)]
    return stream_by_ids(db, ids) if ids else []


def store_name(db: Database, store_id: str | None) -> str | None:
    """A store's name for display, else its id."""
    if not store_id:
        return None
    st = TABLES["stores"]
    with db.engine.connect() as conn:
        name = conn.execute(sa.select(st.c.name).where(st.c.store_id == store_id)).scalar()
    return str(name) if name else store_id


# -- customers -----------------------------------------------------------------------------


def customer_tiers(db: Database) -> pl.DataFrame:
    """Tiers on record, without CLV (the inbox's fallback values)."""
    from retailpulse.engage.inbox_store import customer_tiers as tiers

    return tiers(db)


def top_spenders(db: Database, limit: int = 50) -> list[str]:
    """Customer ids with the highest spend on record."""
    stmt = (
        sa.select(T.c.customer_id)
        .group_by(T.c.customer_id)
        .order_by(sa.func.sum(T.c.total).desc())
        .limit(limit)
    )
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(stmt)]


def search_customers(
    db: Database,
    q: str,
    *,
    store_scope: str | None,
    limit: int = 50,
    default_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Customers whose id or name contains ``q`` (else ``default_ids``), with order totals."""
    where: list[sa.ColumnElement[bool]] = []
    if q:
        where.append(
            sa.or_(
                C.c.customer_id.icontains(q[:200], autoescape=True),
                C.c.name.icontains(q[:200], autoescape=True),
            )
        )
    elif default_ids is not None:
        where.append(C.c.customer_id.in_(default_ids))
    if store_scope:
        where.append(C.c.home_store == store_scope)
    cols = [C.c.customer_id, C.c.name, C.c.country, C.c.tier, C.c.home_store, C.c.loyalty_member]
    with db.engine.connect() as conn:
        found = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(*cols).where(*where).order_by(C.c.customer_id).limit(limit)
            )
        ]
        ids = [c["customer_id"] for c in found]
        totals = (
            {
                r.customer_id: r
                for r in conn.execute(
                    sa.select(
                        T.c.customer_id,
                        sa.func.count().label("orders"),
                        sa.func.sum(T.c.total).label("spend"),
                        sa.func.max(T.c.created_at).label("last_order_at"),
                    )
                    .where(T.c.customer_id.in_(ids))
                    .group_by(T.c.customer_id)
                )
            }
            if ids
            else {}
        )
    for c in found:
        t = totals.get(c["customer_id"])
        c["orders"] = t.orders if t is not None else 0
        c["spend"] = t.spend if t is not None else None
        c["last_order_at"] = t.last_order_at if t is not None else None
    found.sort(key=lambda c: -(c["spend"] or 0.0))
    return found


def mask_email(value: str | None) -> str | None:
    if not value or "@" not in value:
        return value
    name, domain = value.split("@", 1)
    return f"{name[:1]}•••@{domain}"


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return "•••" + value[-3:]


def customer_360(
    db: Database, customer_id: str, *, store_scope: str | None
) -> dict[str, Any] | None:
    """Profile, identity links with their evidence, and a timeline; None when not visible."""
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(C).where(C.c.customer_id == customer_id)).first()
        if row is None:
            return None
        profile = dict(row._mapping)
        if store_scope and profile.get("home_store") != store_scope:
            return None
        profile["email"] = mask_email(profile.get("email"))
        profile["phone"] = mask_phone(profile.get("phone"))
        identities = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(I.c.platform, I.c.author_id, I.c.method, I.c.consent, I.c.linked_at)
                .where(I.c.customer_id == customer_id)
                .order_by(I.c.linked_at)
            )
        ]
        orders = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(
                    T.c.order_id,
                    T.c.created_at,
                    T.c.store_id,
                    T.c.channel,
                    T.c.total,
                    T.c.discount,
                    T.c.currency,
                )
                .where(T.c.customer_id == customer_id)
                .order_by(T.c.created_at.desc())
                .limit(200)
            )
        ]
        surveys = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(
                    S.c.response_id,
                    S.c.created_at,
                    S.c.nps,
                    S.c.csat,
                    S.c.text,
                    S.c.channel,
                    S.c.store_id,
                )
                .where(S.c.customer_id == customer_id)
                .order_by(S.c.created_at.desc())
                .limit(200)
            )
        ]
        msg_ids: list[int] = []
        for ident in identities:
            msg_ids += [
                r[0]
                for r in conn.execute(
                    sa.select(M.c.id)
                    .where(M.c.platform == ident["platform"], M.c.author_id == ident["author_id"])
                    .order_by(M.c.created_at.desc())
                    .limit(200)
                )
            ]
    messages = stream_by_ids(db, msg_ids) if msg_ids else []
    timeline: list[dict[str, Any]] = []
    timeline += [{"kind": "message", "at": m["created_at"], "item": m} for m in messages]
    timeline += [{"kind": "order", "at": o["created_at"], "item": o} for o in orders]
    timeline += [{"kind": "survey", "at": s["created_at"], "item": s} for s in surveys]
    timeline.sort(key=lambda e: e["at"] or datetime.min, reverse=True)
    spend = sum(float(o["total"] or 0) for o in orders)
    return {
        "profile": profile,
        "identities": identities,
        "timeline": timeline[:300],
        "counts": {"messages": len(messages), "orders": len(orders), "surveys": len(surveys)},
        "spend": round(spend, 2),
    }
