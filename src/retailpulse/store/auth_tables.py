"""Tables of the web app's users, their sessions and their API tokens (issue #6).

Passwords are kept as argon2 hashes; session ids and API tokens are kept only as SHA-256
digests, so a copy of the database does not let anyone log in.
"""

from __future__ import annotations

import sqlalchemy as sa

from retailpulse.store.tables import metadata

ROLES = ("admin", "analyst", "agent", "store")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(200)),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("store_id", sa.String(100)),
    sa.Column("language", sa.String(10), nullable=False, server_default="en"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_login_at", sa.DateTime),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("ip", sa.String(64)),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_used_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),
)
