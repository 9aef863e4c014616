"""SQL tables, generated from the canonical record kinds in :mod:`retailpulse.schema`.

Every canonical table has a surrogate ``id``, the kind's fields, ``raw`` (extra input columns as
JSON), ``row_hash`` (what makes "unchanged" cheap to detect on re-import), and
``imported_at`` / ``updated_at``. The natural key is a unique constraint: upserts go through it.
Fields marked ``pii`` get a ``<name>_hash`` column holding a keyed hash for matching.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from retailpulse.schema import ENRICHMENT_FIELDS, KINDS, Field, RecordKind

metadata = sa.MetaData()


def _column_type(f: Field) -> sa.types.TypeEngine[Any]:
    types: dict[str, sa.types.TypeEngine[Any]] = {
        "str": sa.String(),
        "text": sa.Text(),
        "int": sa.BigInteger(),
        "float": sa.Float(),
        "bool": sa.Boolean(),
        "datetime": sa.DateTime(timezone=False),
        "json": sa.Text(),
    }
    return types[f.type]


def _kind_table(kind: RecordKind) -> sa.Table:
    cols: list[sa.Column[Any]] = [sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)]
    for f in kind.fields:
        cols.append(sa.Column(f.name, _column_type(f), nullable=not f.required))
        if f.pii:
            cols.append(sa.Column(f"{f.name}_hash", sa.String(64), index=True))
    cols += [
        sa.Column("raw", sa.Text),
        sa.Column("row_hash", sa.String(32), nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    ]
    return sa.Table(
        kind.table,
        metadata,
        *cols,
        sa.UniqueConstraint(*kind.key, name=f"uq_{kind.table}_key"),
    )


TABLES: dict[str, sa.Table] = {name: _kind_table(kind) for name, kind in KINDS.items()}

sa.Index("ix_messages_created_at", TABLES["messages"].c.created_at)
sa.Index("ix_messages_author", TABLES["messages"].c.platform, TABLES["messages"].c.author_id)
sa.Index("ix_messages_thread", TABLES["messages"].c.thread_id)
sa.Index("ix_transactions_customer", TABLES["transactions"].c.customer_id)
sa.Index("ix_transactions_created_at", TABLES["transactions"].c.created_at)
sa.Index("ix_surveys_customer", TABLES["surveys"].c.customer_id)
sa.Index("ix_identities_customer", TABLES["identities"].c.customer_id)

message_enrichment = sa.Table(
    "message_enrichment",
    metadata,
    sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), primary_key=True),
    *[sa.Column(f.name, _column_type(f)) for f in ENRICHMENT_FIELDS],
    sa.Column("model_version", sa.String(64), nullable=False, index=True),
    sa.Column("enriched_at", sa.DateTime, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

import_runs = sa.Table(
    "import_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("rows_read", sa.BigInteger, nullable=False, default=0),
    sa.Column("imported", sa.BigInteger, nullable=False, default=0),
    sa.Column("updated", sa.BigInteger, nullable=False, default=0),
    sa.Column("unchanged", sa.BigInteger, nullable=False, default=0),
    sa.Column("quarantined", sa.BigInteger, nullable=False, default=0),
    sa.Column("quarantine_file", sa.Text),
    sa.Column("status", sa.String(20), nullable=False),
)

results = sa.Table(
    "results",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("target", sa.String(200)),
    sa.Column("details", sa.Text),
)


def table_for(kind: str) -> sa.Table:
    """The table of a canonical record kind."""
    return TABLES[kind]


# Tables of other areas register themselves on ``metadata`` (imported last on purpose).
from retailpulse.store import auth_tables, engage_tables  # noqa: E402, F401
