"""The inbox's state in the store: sync conversations from messages, read the queue, act.

The analytics (grouping and scoring) are the pure functions of :mod:`retailpulse.engage.inbox`;
this module loads their inputs, keeps what people did (status, assignee, tags, notes, replies)
and records every action as a conversation event and in the audit log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import polars as pl
import sqlalchemy as sa

from retailpulse.engage.inbox import build_conversations, prioritise
from retailpulse.engage.sla import SlaPolicy
from retailpulse.errors import InputError, NotFoundError
from retailpulse.store.auth_tables import users
from retailpulse.store.database import Database, utcnow
from retailpulse.store.engage_tables import (
    STATUSES,
    conversation_events,
    conversation_notes,
    conversations,
    replies,
)
from retailpulse.store.tables import TABLES, message_enrichment

M = TABLES["messages"]
I = TABLES["identities"]  # noqa: E741
_SYNC_COLUMNS = (
    "platform",
    "account",
    "thread_id",
    "author_id",
    "author_name",
    "author_handle",
    "author_followers",
    "customer_id",
    "store_id",
    "first_message_id",
    "last_message_id",
    "message_count",
    "subject",
    "language",
    "sentiment",
    "p_negative",
    "emotion",
    "intents",
    "opened_at",
    "last_inbound_at",
)


class User(Protocol):
    """Who acts on the inbox (the web app's signed-in user, the CLI's system user)."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def store_scope(self) -> str | None: ...


def sla_policy(db: Database, base_hours: float) -> SlaPolicy:
    """The SLA policy saved from Settings, else the default with the configured base."""
    saved = db.get_meta("sla_policy")
    if saved:
        data = json.loads(saved)
        return SlaPolicy(**data)
    return SlaPolicy(base_hours=base_hours)


def save_sla_policy(db: Database, policy: SlaPolicy) -> None:
    db.set_meta("sla_policy", json.dumps(policy.to_dict()))


def messages_frame(db: Database, since: datetime | None) -> pl.DataFrame:
    """The enriched messages since ``since`` (from the store; the Workspace gives the same)."""
    cust = (
        sa.select(I.c.customer_id)
        .where(I.c.platform == M.c.platform, I.c.author_id == M.c.author_id)
        .limit(1)
        .scalar_subquery()
    )
    stmt = sa.select(
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
        M.c.rating,
        message_enrichment.c.language,
        message_enrichment.c.sentiment,
        message_enrichment.c.p_negative,
        message_enrichment.c.emotion,
        message_enrichment.c.intents,
        message_enrichment.c.entities,
        message_enrichment.c.is_spam,
        cust.label("customer_id"),
    ).select_from(M.outerjoin(message_enrichment, message_enrichment.c.message_id == M.c.id))
    if since is not None:
        stmt = stmt.where(M.c.created_at >= since)
    schema: dict[str, Any] = {
        "id": pl.Int64,
        "platform": pl.Utf8,
        "kind": pl.Utf8,
        "direction": pl.Utf8,
        "account": pl.Utf8,
        "author_id": pl.Utf8,
        "author_handle": pl.Utf8,
        "author_name": pl.Utf8,
        "author_followers": pl.Int64,
        "thread_id": pl.Utf8,
        "created_at": pl.Datetime("us"),
        "text": pl.Utf8,
        "rating": pl.Float64,
        "language": pl.Utf8,
        "sentiment": pl.Utf8,
        "p_negative": pl.Float64,
        "emotion": pl.Utf8,
        "intents": pl.Utf8,
        "entities": pl.Utf8,
        "is_spam": pl.Boolean,
        "customer_id": pl.Utf8,
    }
    with db.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def sync(
    db: Database,
    *,
    days: float = 30.0,
    window_hours: float = 48.0,
    customer_values: pl.DataFrame | None = None,
) -> dict[str, int]:
    """Rebuild conversations from the last ``days`` of messages; keep people's work."""
    with db.engine.connect() as conn:
        latest = conn.execute(sa.select(sa.func.max(M.c.created_at))).scalar()
    if latest is None:
        return {"messages": 0, "created": 0, "updated": 0}
    frame = messages_frame(db, latest - timedelta(days=days))
    convs = build_conversations(frame, window_hours=window_hours)
    now = utcnow()
    if customer_values is None:
        customer_values = customer_tiers(db)
    if not convs.is_empty():
        static = prioritise(convs, customer_values, now=now).select("key", "static_priority")
        convs = convs.join(static, on="key", how="left")
    created = updated = 0
    with db.begin() as conn:
        existing = {
            r.key: (r.id, r.first_response_at)
            for r in conn.execute(
                sa.select(
                    conversations.c.key, conversations.c.id, conversations.c.first_response_at
                )
            )
        }
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in convs.iter_rows(named=True):
            values = {c: row.get(c) for c in _SYNC_COLUMNS}
            values["static_priority"] = row.get("static_priority") or 0.0
            values["updated_at"] = now
            found = existing.get(row["key"])
            if found is None:
                values["key"] = row["key"]
                values["status"] = "resolved" if row.get("first_response_at") else "new"
                values["first_response_at"] = row.get("first_response_at")
                values["tags"] = ""
                values["assignee_id"] = None
                inserts.append(values)
                created += 1
            else:
                answered = found[1] if found[1] is not None else row.get("first_response_at")
                values["first_response_at"] = answered
                values["_id"] = found[0]
                updates.append(values)
                updated += 1
        if updates:
            stmt = (
                sa.update(conversations)
                .where(conversations.c.id == sa.bindparam("_id"))
                .values({c: sa.bindparam(f"v_{c}") for c in updates[0] if c != "_id"})
            )
            params = [
                {("_id" if k == "_id" else f"v_{k}"): v for k, v in u.items()} for u in updates
            ]
            for start in range(0, len(params), 5000):
                conn.execute(stmt, params[start : start + 5000])
        assigned = assign_by_store(conn, inserts)
        for start in range(0, len(inserts), 1000):
            conn.execute(sa.insert(conversations), inserts[start : start + 1000])
    return {
        "messages": frame.height,
        "created": created,
        "updated": updated,
        "assigned": assigned,
    }


def assign_by_store(conn: sa.Connection, new: list[dict[str, Any]]) -> int:
    """Assignment rule: a new conversation about a store goes to that store's staff user with
    the fewest open conversations; others wait unassigned for agents. Returns how many."""
    staff: dict[str, list[int]] = {}
    for uid, store in conn.execute(
        sa.select(users.c.id, users.c.store_id).where(
            users.c.role == "store", users.c.active, users.c.store_id.is_not(None)
        )
    ):
        staff.setdefault(store, []).append(int(uid))
    if not staff:
        return 0
    load: dict[int, int] = {uid: 0 for ids in staff.values() for uid in ids}
    for uid, n in conn.execute(
        sa.select(conversations.c.assignee_id, sa.func.count())
        .where(conversations.c.status != "resolved", conversations.c.assignee_id.is_not(None))
        .group_by(conversations.c.assignee_id)
    ):
        if uid in load:
            load[int(uid)] = int(n)
    done = 0
    for values in new:
        ids = staff.get(values.get("store_id") or "")
        if ids and values["status"] != "resolved":
            uid = min(ids, key=lambda u: (load[u], u))
            values["assignee_id"] = uid
            load[uid] += 1
            done += 1
    return done


def _frame(rows: Sequence[Any]) -> pl.DataFrame:
    columns = list(rows[0]._mapping.keys())
    return pl.DataFrame(
        [tuple(r) for r in rows], schema=columns, orient="row", infer_schema_length=None
    )


#: How many points the SLA component can add to ``static_priority``.
_SLA_POINTS = 10.0


def queue(
    db: Database,
    user: User,
    customer_values: pl.DataFrame | None,
    *,
    policy: SlaPolicy,
    status: str = "active",
    assignee: str = "",
    now: datetime | None = None,
    limit: int = 50,
) -> pl.DataFrame:
    """Open conversations, highest priority first, with every score component."""
    where: list[sa.ColumnElement[bool]] = []
    if status == "active":
        where.append(conversations.c.status != "resolved")
    elif status:
        if status not in STATUSES:
            raise InputError(
                f"The 'status' filter must be one of {set(STATUSES) | {'active'}}. "
                f"Got {status!r} instead.",
                field="status",
            )
        where.append(conversations.c.status == status)
    if assignee == "me":
        where.append(conversations.c.assignee_id == user.id)
    elif assignee == "none":
        where.append(conversations.c.assignee_id.is_(None))
    if user.store_scope:
        where.append(conversations.c.store_id == user.store_scope)
    with db.engine.connect() as conn:
        # Candidates: the full score is static + at most _SLA_POINTS, so nothing scoring below
        # (limit-th best static) - _SLA_POINTS can reach the first ``limit`` places.
        cutoff = conn.execute(
            sa.select(conversations.c.static_priority)
            .where(*where)
            .order_by(conversations.c.static_priority.desc())
            .offset(limit - 1)
            .limit(1)
        ).scalar()
        if cutoff is not None:
            where.append(conversations.c.static_priority >= float(cutoff) - _SLA_POINTS)
            now = now or utcnow()
            total = conversations.c.static_priority + _sla_points(db, policy, now)
            keep = [
                r[0]
                for r in conn.execute(
                    sa.select(conversations.c.id)
                    .where(*where)
                    .order_by(total.desc(), conversations.c.opened_at)
                    .limit(limit + 5)
                )
            ]
            where = [conversations.c.id.in_(keep)]
        rows = conn.execute(sa.select(conversations).where(*where)).all()
    if not rows:
        return pl.DataFrame()
    frame = _frame(rows)
    now = now or utcnow()
    if customer_values is not None and "clv_rank" in customer_values.columns:
        ids = frame["customer_id"].drop_nulls().unique()
        customer_values = customer_values.filter(pl.col("customer_id").is_in(ids.implode()))
    scored = prioritise(frame, customer_values, now=now, policy=policy)
    return scored.head(limit)


def get(db: Database, conversation_id: int, user: User) -> dict[str, Any]:
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(conversations).where(conversations.c.id == conversation_id)
        ).first()
    if row is None or (user.store_scope and row.store_id != user.store_scope):
        raise NotFoundError(
            f"There is no conversation {conversation_id}. Go back to the inbox to pick one."
        )
    return dict(row._mapping)


def scored_one(
    db: Database, conv: dict[str, Any], customer_values: pl.DataFrame | None, policy: SlaPolicy
) -> dict[str, Any]:
    frame = pl.DataFrame([conv], infer_schema_length=None)
    if customer_values is not None and "clv_rank" in customer_values.columns:
        customer_values = customer_values.filter(
            pl.col("customer_id") == (conv.get("customer_id") or "")
        )
    return prioritise(frame, customer_values, now=utcnow(), policy=policy).row(0, named=True)


def history(db: Database, conversation_id: int) -> dict[str, list[dict[str, Any]]]:
    with db.engine.connect() as conn:
        events = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(conversation_events)
                .where(conversation_events.c.conversation_id == conversation_id)
                .order_by(conversation_events.c.at.desc())
            )
        ]
        notes = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(conversation_notes)
                .where(conversation_notes.c.conversation_id == conversation_id)
                .order_by(conversation_notes.c.at)
            )
        ]
        sent = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(replies)
                .where(replies.c.conversation_id == conversation_id)
                .order_by(replies.c.at)
            )
        ]
    return {"events": events, "notes": notes, "replies": sent}


def _event(conn: sa.Connection, cid: int, actor: User, kind: str, **details: Any) -> None:
    conn.execute(
        sa.insert(conversation_events).values(
            conversation_id=cid,
            at=utcnow(),
            actor=actor.username,
            kind=kind,
            details=json.dumps(details, default=str) if details else None,
        )
    )


def set_status(db: Database, cid: int, user: User, status: str) -> None:
    if status not in STATUSES:
        raise InputError(
            f"The 'status' must be one of {set(STATUSES)}. Got {status!r} instead.",
            field="status",
        )
    conv = get(db, cid, user)
    now = utcnow()
    values: dict[str, Any] = {"status": status, "updated_at": now}
    values["resolved_at"] = now if status == "resolved" else None
    with db.begin() as conn:
        conn.execute(sa.update(conversations).where(conversations.c.id == cid).values(**values))
        _event(conn, cid, user, "status", before=conv["status"], after=status)
    db.audit(user.username, f"conversation.{status}", str(cid))


def assign(db: Database, cid: int, user: User, assignee_id: int | None) -> None:
    conv = get(db, cid, user)
    with db.begin() as conn:
        conn.execute(
            sa.update(conversations)
            .where(conversations.c.id == cid)
            .values(
                assignee_id=assignee_id,
                status="open" if conv["status"] == "new" else conv["status"],
                updated_at=utcnow(),
            )
        )
        _event(conn, cid, user, "assign", assignee_id=assignee_id)
    db.audit(user.username, "conversation.assign", str(cid), assignee_id=assignee_id)


def set_tags(db: Database, cid: int, user: User, tags: str) -> None:
    get(db, cid, user)
    clean = ";".join(
        sorted({t.strip()[:40] for t in tags.replace(",", ";").split(";") if t.strip()})
    )[:500]
    with db.begin() as conn:
        conn.execute(
            sa.update(conversations)
            .where(conversations.c.id == cid)
            .values(tags=clean, updated_at=utcnow())
        )
        _event(conn, cid, user, "tags", tags=clean)
    db.audit(user.username, "conversation.tags", str(cid), tags=clean)


def add_note(db: Database, cid: int, user: User, text: str) -> None:
    get(db, cid, user)
    text = text.strip()
    if not text:
        raise InputError("A note cannot be empty. Write something before saving.", field="text")
    with db.begin() as conn:
        conn.execute(
            sa.insert(conversation_notes).values(
                conversation_id=cid, at=utcnow(), author=user.username, text=text[:10_000]
            )
        )
        _event(conn, cid, user, "note")
    db.audit(user.username, "conversation.note", str(cid))


def reply(db: Database, cid: int, user: User, text: str, *, template_id: str | None = None) -> int:
    """Store a reply as an outbound message marked 'to send'; returns the reply id."""
    conv = get(db, cid, user)
    text = text.strip()
    if not text:
        raise InputError("A reply cannot be empty. Pick a suggestion or write one.", field="text")
    if len(text) > 10_000:
        raise InputError(
            f"A reply may have at most 10000 characters. Got {len(text)} instead.", field="text"
        )
    now = utcnow()
    with db.begin() as conn:
        reply_id = conn.execute(
            sa.insert(replies).values(
                conversation_id=cid,
                at=now,
                author=user.username,
                text=text,
                language=conv.get("language"),
                template_id=template_id or None,
                delivery_status="to_send",
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        external = f"rp-reply-{reply_id}"
        row_hash = hashlib.md5(f"{external}|{text}".encode()).hexdigest()
        message_id = conn.execute(
            sa.insert(M).values(
                platform=conv["platform"],
                external_id=external,
                kind="reply",
                direction="outbound",
                account=conv.get("account"),
                author_id=f"agent:{user.username}",
                author_name=user.name,
                thread_id=conv.get("thread_id"),
                parent_id=None,
                created_at=now,
                text=text,
                raw=json.dumps({"delivery_status": "to_send", "conversation_id": cid}),
                row_hash=row_hash,
                imported_at=now,
                updated_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            sa.update(replies).where(replies.c.id == reply_id).values(message_id=message_id)
        )
        values: dict[str, Any] = {"status": "waiting", "updated_at": now}
        if conv.get("first_response_at") is None:
            values["first_response_at"] = now
        if conv.get("assignee_id") is None:
            values["assignee_id"] = user.id
        conn.execute(sa.update(conversations).where(conversations.c.id == cid).values(**values))
        _event(conn, cid, user, "reply", reply_id=reply_id, template_id=template_id)
    db.audit(user.username, "conversation.reply", str(cid), reply_id=reply_id)
    return int(reply_id)


def bulk(db: Database, ids: list[int], user: User, action: str, value: str = "") -> int:
    """Apply one action to many conversations; returns how many changed."""
    if action not in {"resolve", "open", "waiting", "assign_me", "unassign"}:
        raise InputError(
            "The bulk 'action' must be one of {'resolve', 'open', 'waiting', 'assign_me', "
            f"'unassign'}}. Got {action!r} instead.",
            field="action",
        )
    done = 0
    for cid in ids:
        if action == "resolve":
            set_status(db, cid, user, "resolved")
        elif action in {"open", "waiting"}:
            set_status(db, cid, user, action)
        elif action == "assign_me":
            assign(db, cid, user, user.id)
        else:
            assign(db, cid, user, None)
        done += 1
    return done


def pending_replies(db: Database) -> list[dict[str, Any]]:
    """Replies marked 'to send' (for export until platform delivery exists)."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                replies,
                conversations.c.platform,
                conversations.c.thread_id,
                conversations.c.author_handle,
            )
            .join(conversations, conversations.c.id == replies.c.conversation_id)
            .where(replies.c.delivery_status == "to_send")
            .order_by(replies.c.at)
        )
        return [dict(r._mapping) for r in rows]


def _age_hours(db: Database, now: datetime) -> sa.ColumnElement[Any]:
    """Hours since a conversation opened, computed by the database (no datetime parsing)."""
    opened = conversations.c.opened_at
    if db.is_sqlite:
        return (sa.func.julianday(sa.literal(now.isoformat(" "))) - sa.func.julianday(opened)) * 24
    return sa.extract("epoch", sa.literal(now, sa.DateTime) - opened) / 3600.0


def _sla_points(db: Database, policy: SlaPolicy, now: datetime) -> sa.ColumnElement[Any]:
    """The SLA component's points as a SQL expression (same formula as engage.inbox)."""
    sp = conversations.c.static_priority
    channel = sa.case(
        {p: float(f) for p, f in policy.channel_factors.items()},
        value=conversations.c.platform,
        else_=1.0,
    )
    level = sa.case(
        (sp >= policy.high_threshold, float(policy.level_factors["high"])),
        (sp >= policy.low_threshold, float(policy.level_factors["normal"])),
        else_=float(policy.level_factors["low"]),
    )
    target = policy.base_hours * channel * level
    age = _age_hours(db, now)
    return sa.case(
        (conversations.c.first_response_at.is_not(None), 0.0),
        (age >= target, _SLA_POINTS),
        (age <= 0, 0.0),
        else_=_SLA_POINTS * age / target,
    )


def overdue(
    db: Database, user: User, policy: SlaPolicy, now: datetime | None = None
) -> dict[str, Any]:
    """Unanswered open conversations past their first-response target (counted in SQL)."""
    now = now or utcnow()
    base = [
        conversations.c.status != "resolved",
        conversations.c.first_response_at.is_(None),
    ]
    if user.store_scope:
        base.append(conversations.c.store_id == user.store_scope)
    sp = conversations.c.static_priority
    bands = {
        "high": sp >= policy.high_threshold,
        "normal": sa.and_(sp >= policy.low_threshold, sp < policy.high_threshold),
        "low": sp < policy.low_threshold,
    }
    with db.engine.connect() as conn:
        platforms = [r[0] for r in conn.execute(sa.select(conversations.c.platform).distinct())]
        late = sa.or_(
            sa.false(),
            *[
                sa.and_(
                    conversations.c.platform == p,
                    band,
                    conversations.c.opened_at
                    < now - timedelta(hours=policy.target_hours(p, level)),
                )
                for p in platforms
                for level, band in bands.items()
            ],
        )
        count = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(conversations).where(*base, late)
            ).scalar_one()
        )
        oldest = conn.execute(
            sa.select(conversations.c.id, conversations.c.platform, conversations.c.opened_at)
            .where(*base, late)
            .order_by(conversations.c.opened_at)
            .limit(1)
        ).first()
    return {
        "count": count,
        "oldest": None if oldest is None else (oldest.opened_at, oldest.id, oldest.platform),
        "now": now,
    }


def response_stats(db: Database, since: datetime, policy: SlaPolicy) -> dict[str, Any]:
    """First-response time (median, hours) and SLA compliance over conversations since."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                conversations.c.platform,
                conversations.c.opened_at,
                conversations.c.first_response_at,
            ).where(conversations.c.opened_at >= since)
        ).all()
    hours = [
        (r.first_response_at - r.opened_at).total_seconds() / 3600
        for r in rows
        if r.first_response_at is not None
    ]
    target = [policy.target_hours(r.platform, "normal") for r in rows]
    met = sum(
        1
        for r, t in zip(rows, target, strict=True)
        if r.first_response_at is not None
        and (r.first_response_at - r.opened_at).total_seconds() <= t * 3600
    )
    hours.sort()
    median = hours[len(hours) // 2] if hours else None
    return {
        "conversations": len(rows),
        "answered": len(hours),
        "median_first_response_hours": None if median is None else round(median, 2),
        "sla_compliance": None if not rows else round(met / len(rows), 3),
    }


def customer_tiers(db: Database) -> pl.DataFrame:
    """Tiers on record, without CLV: the values the queue falls back to."""
    from retailpulse.store.tables import table_for

    t = table_for("customers")
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.customer_id, t.c.tier)).all()
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "tier": [r[1] for r in rows],
            "clv": [None] * len(rows),
            "p_alive": [None] * len(rows),
        },
        schema={"customer_id": pl.Utf8, "tier": pl.Utf8, "clv": pl.Float64, "p_alive": pl.Float64},
    )
