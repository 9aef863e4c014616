"""Web app, auth and engagement inbox tables (issue #6).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from retailpulse.store.auth_tables import api_tokens, sessions, users
from retailpulse.store.engage_tables import (
    conversation_events,
    conversation_notes,
    conversations,
    replies,
)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: In dependency order: a table comes after the tables its foreign keys point to.
_TABLES = (
    users,
    sessions,
    api_tokens,
    conversations,
    conversation_events,
    conversation_notes,
    replies,
)


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(bind, checkfirst=True)
