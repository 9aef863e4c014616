"""Tables of the engagement inbox (issue #6): conversations, their events, notes and replies.

A conversation groups the inbound messages that need one answer (a thread, or one author on
one channel within a window). Its ``key`` is stable across rebuilds so that status, assignee,
tags and notes survive a re-sync. Priority is computed when the queue is read (SLA time left
changes by the minute); the inputs that do not change are kept here, with ``static_priority``
(the score without its SLA part, at most 10 points less than the full score) so the queue can
pick its candidates in SQL.
"""

from __future__ import annotations

import sqlalchemy as sa

from retailpulse.store.tables import metadata

STATUSES = ("new", "open", "waiting", "resolved")
DELIVERY_STATUSES = ("to_send", "sent", "failed")

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(400), nullable=False, unique=True),
    sa.Column("platform", sa.String(40), nullable=False),
    sa.Column("account", sa.String(200)),
    sa.Column("thread_id", sa.String(200)),
    sa.Column("author_id", sa.String(200)),
    sa.Column("author_name", sa.String(200)),
    sa.Column("author_handle", sa.String(200)),
    sa.Column("author_followers", sa.BigInteger),
    sa.Column("customer_id", sa.String(100), index=True),
    sa.Column("store_id", sa.String(100), index=True),
    sa.Column("first_message_id", sa.Integer),
    sa.Column("last_message_id", sa.Integer),
    sa.Column("message_count", sa.Integer, nullable=False, server_default="1"),
    sa.Column("subject", sa.Text),
    sa.Column("language", sa.String(20)),
    sa.Column("sentiment", sa.String(20)),
    sa.Column("p_negative", sa.Float),
    sa.Column("emotion", sa.String(20)),
    sa.Column("intents", sa.String(200)),
    sa.Column("static_priority", sa.Float, nullable=False, server_default="0"),
    sa.Column("status", sa.String(20), nullable=False, server_default="new", index=True),
    sa.Column("assignee_id", sa.Integer, sa.ForeignKey("users.id"), index=True),
    sa.Column("tags", sa.String(500), nullable=False, server_default=""),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("last_inbound_at", sa.DateTime, nullable=False),
    sa.Column("first_response_at", sa.DateTime),
    sa.Column("resolved_at", sa.DateTime),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
sa.Index("ix_conversations_static_priority", conversations.c.static_priority)

conversation_events = sa.Table(
    "conversation_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "conversation_id",
        sa.Integer,
        sa.ForeignKey("conversations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("details", sa.Text),
)

conversation_notes = sa.Table(
    "conversation_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "conversation_id",
        sa.Integer,
        sa.ForeignKey("conversations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

replies = sa.Table(
    "replies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "conversation_id",
        sa.Integer,
        sa.ForeignKey("conversations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id")),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("language", sa.String(20)),
    sa.Column("template_id", sa.String(100)),
    sa.Column("delivery_status", sa.String(20), nullable=False, server_default="to_send"),
    sa.Column("delivered_at", sa.DateTime),
)
