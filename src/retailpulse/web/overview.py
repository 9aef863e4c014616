"""Numbers of the Overview page: KPIs, trends and a quick look at the five questions.

Everything here is counted from the store. The five questions' verdicts come from the
understanding layer's ``questions`` result; without it the page shows these measured numbers
and the command that computes the verdicts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from retailpulse.engage import inbox_store
from retailpulse.engage.sla import SlaPolicy
from retailpulse.store.database import Database
from retailpulse.store.engage_tables import conversations
from retailpulse.store.tables import TABLES, message_enrichment
from retailpulse.web.queries import ASPECTS, latest_message_at

M = TABLES["messages"]
E = message_enrichment
S = TABLES["surveys"]
I = TABLES["identities"]  # noqa: E741

QUESTIONS = (
    ("profiles", "How well do we know our customers' profiles?"),
    ("behaviour", "What are their behaviour patterns?"),
    ("satisfaction", "Are customers satisfied?"),
    ("needs", "Are their needs and preferences met?"),
    ("strategies", "Which strategies work to compete?"),
)


def day_expr(db: Database, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    if db.is_sqlite:
        return sa.func.date(column)
    return sa.func.to_char(column, "YYYY-MM-DD")


def _sentiment_counts(db: Database, since: datetime, until: datetime) -> dict[str, int]:
    stmt = (
        sa.select(E.c.sentiment, sa.func.count())
        .select_from(M.join(E, E.c.message_id == M.c.id))
        .where(
            M.c.created_at >= since,
            M.c.created_at < until,
            sa.func.coalesce(M.c.direction, "inbound") == "inbound",
        )
        .group_by(E.c.sentiment)
    )
    with db.engine.connect() as conn:
        return {str(k): int(v) for k, v in conn.execute(stmt) if k}


def sentiment_index(counts: dict[str, int]) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    return round(100.0 * (counts.get("positive", 0) - counts.get("negative", 0)) / total, 1)


def _volume(db: Database, since: datetime, until: datetime) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(M)
        .where(
            M.c.created_at >= since,
            M.c.created_at < until,
            sa.func.coalesce(M.c.direction, "inbound") == "inbound",
        )
    )
    with db.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def nps(db: Database, since: datetime, until: datetime) -> dict[str, Any]:
    stmt = sa.select(
        sa.func.count(S.c.nps),
        sa.func.sum(sa.case((S.c.nps >= 9, 1), else_=0)),
        sa.func.sum(sa.case((S.c.nps <= 6, 1), else_=0)),
        sa.func.avg(S.c.csat),
    ).where(S.c.created_at >= since, S.c.created_at < until)
    with db.engine.connect() as conn:
        n, pro, det, csat = conn.execute(stmt).one()
    n = int(n or 0)
    return {
        "responses": n,
        "nps": None if not n else round(100.0 * (int(pro or 0) - int(det or 0)) / n, 1),
        "csat": None if csat is None else round(float(csat), 2),
    }


def trend(db: Database, since: datetime) -> list[dict[str, Any]]:
    day = day_expr(db, M.c.created_at).label("day")
    stmt = (
        sa.select(
            day,
            sa.func.coalesce(E.c.sentiment, "not enriched").label("sentiment"),
            sa.func.count().label("messages"),
        )
        .select_from(M.outerjoin(E, E.c.message_id == M.c.id))
        .where(M.c.created_at >= since, sa.func.coalesce(M.c.direction, "inbound") == "inbound")
        .group_by(sa.text("1"), sa.text("2"))
        .order_by(sa.text("1"))
    )
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def by_platform(db: Database, since: datetime) -> list[dict[str, Any]]:
    stmt = (
        sa.select(
            M.c.platform,
            sa.func.coalesce(E.c.sentiment, "not enriched").label("sentiment"),
            sa.func.count().label("messages"),
        )
        .select_from(M.outerjoin(E, E.c.message_id == M.c.id))
        .where(M.c.created_at >= since, sa.func.coalesce(M.c.direction, "inbound") == "inbound")
        .group_by(sa.text("1"), sa.text("2"))
    )
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def heatmap(db: Database, since: datetime) -> list[dict[str, Any]]:
    """Inbound messages by weekday and hour (UTC)."""
    if db.is_sqlite:
        dow = sa.cast(sa.func.strftime("%w", M.c.created_at), sa.Integer)
        hour = sa.cast(sa.func.strftime("%H", M.c.created_at), sa.Integer)
    else:
        dow = sa.cast(sa.extract("dow", M.c.created_at), sa.Integer)
        hour = sa.cast(sa.extract("hour", M.c.created_at), sa.Integer)
    stmt = (
        sa.select(dow.label("dow"), hour.label("hour"), sa.func.count().label("messages"))
        .where(M.c.created_at >= since, sa.func.coalesce(M.c.direction, "inbound") == "inbound")
        .group_by(sa.text("1"), sa.text("2"))
    )
    names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    with db.engine.connect() as conn:
        return [
            {"weekday": names[int(r.dow)], "hour": int(r.hour), "messages": int(r.messages)}
            for r in conn.execute(stmt)
        ]


def aspect_counts(db: Database, since: datetime) -> list[dict[str, Any]]:
    out = []
    with db.engine.connect() as conn:
        for aspect in ASPECTS:
            for polarity in ("negative", "positive"):
                token = f"{aspect}:{polarity}"
                n = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(M.join(E, E.c.message_id == M.c.id))
                    .where(M.c.created_at >= since, E.c.aspects.like(f"%{token}%"))
                ).scalar_one()
                if n:
                    out.append({"aspect": aspect, "polarity": polarity, "messages": int(n)})
    return out


def identity_coverage(db: Database, since: datetime) -> dict[str, Any]:
    authors = (
        sa.select(M.c.platform, M.c.author_id)
        .where(M.c.created_at >= since, sa.func.coalesce(M.c.direction, "inbound") == "inbound")
        .distinct()
        .subquery()
    )
    linked = (
        sa.select(sa.func.count())
        .select_from(authors)
        .where(
            sa.exists().where(
                I.c.platform == authors.c.platform, I.c.author_id == authors.c.author_id
            )
        )
    )
    with db.engine.connect() as conn:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(authors)).scalar_one())
        n_linked = int(conn.execute(linked).scalar_one())
        customers = int(
            conn.execute(sa.select(sa.func.count()).select_from(TABLES["customers"])).scalar_one()
        )
    return {
        "authors": total,
        "linked": n_linked,
        "coverage": None if not total else round(n_linked / total, 3),
        "customers": customers,
    }


def open_conversations(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(conversations.c.status, sa.func.count()).group_by(conversations.c.status)
        ).all()
    return {str(k): int(v) for k, v in rows}


def compute(db: Database, policy: SlaPolicy, *, days: int = 30) -> dict[str, Any]:
    """Everything the Overview shows that the store can tell by itself."""
    latest = latest_message_at(db)
    if latest is None:
        return {"empty": True}
    until = latest + timedelta(seconds=1)
    since = until - timedelta(days=days)
    before = since - timedelta(days=days)
    counts = _sentiment_counts(db, since, until)
    counts_before = _sentiment_counts(db, before, since)
    enriched = sum(counts.values())
    volume = _volume(db, since, until)
    return {
        "empty": False,
        "as_of": latest,
        "days": days,
        "volume": volume,
        "volume_before": _volume(db, before, since),
        "enriched": enriched,
        "sentiment_counts": counts,
        "sentiment_index": sentiment_index(counts),
        "sentiment_index_before": sentiment_index(counts_before),
        "survey": nps(db, since, until),
        "responses": inbox_store.response_stats(db, since, policy),
        "conversations": open_conversations(db),
        "coverage": identity_coverage(db, since),
        "trend": trend(db, since),
        "platforms": by_platform(db, since),
        "heatmap": heatmap(db, since),
        "aspects": aspect_counts(db, since) if enriched else [],
    }
