"""A small facade over SQLite (embedded default) and PostgreSQL.

Reads anywhere, writes through one path (:mod:`retailpulse.store.upsert`). Opening a database
runs the Alembic migrations to head, so a new file or an old one is always current.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from retailpulse.errors import ConfigError, DatabaseUnreachable
from retailpulse.store import tables

URL_HINT = "Set it with --db URL or the environment variable RETAILPULSE_DATABASE_URL."


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste; choose our drivers."""
    url = url.strip()
    if not url:
        raise ConfigError(f"The setting 'database_url' is empty. {URL_HINT}")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if "://" not in url:
        url = f"sqlite:///{url}"
    if not (url.startswith("sqlite") or url.startswith("postgresql")):
        raise ConfigError(
            f"The setting 'database_url' must start with sqlite:/// or postgresql://. "
            f"Got {url!r} instead. {URL_HINT}"
        )
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the store keeps."""
    return datetime.now(UTC).replace(tzinfo=None)


class Database:
    """One database: an engine plus the few operations every layer needs."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    # -- opening ----------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Database:
        """Open (creating and migrating if needed) the database at ``url``."""
        url = normalise_url(url)
        if url.startswith("sqlite"):
            path = sa.engine.make_url(url).database
            if path and path != ":memory:":
                parent = Path(path).expanduser().resolve().parent
                if not parent.is_dir():
                    raise DatabaseUnreachable(
                        f"Cannot open the database {url}: the folder {parent} does not exist. "
                        f"Create it, or point 'database_url' elsewhere. {URL_HINT}"
                    )
            engine = sa.create_engine(url, connect_args={"timeout": 30})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        db = cls(engine, url)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise DatabaseUnreachable(
                f"Cannot reach the database {db.safe_url}: {reason}. Check the setting "
                f"'database_url' (the server is running, the user and password are right). "
                f"{URL_HINT}"
            ) from exc
        if migrate:
            from retailpulse.store.migrate import upgrade

            upgrade(db)
        return db

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection inside one transaction (committed on success)."""
        with self.engine.begin() as conn:
            yield conn

    # -- meta and keys ----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(tables.meta.c.value).where(tables.meta.c.key == key)
            ).first()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.begin() as conn:
            conn.execute(sa.delete(tables.meta).where(tables.meta.c.key == key))
            conn.execute(sa.insert(tables.meta).values(key=key, value=value))

    def secret(self, configured: str = "") -> bytes:
        """The key for keyed hashes and signatures: the setting, else one kept in the store."""
        if configured:
            return configured.encode()
        value = self.get_meta("secret_key")
        if value is None:
            value = secrets.token_hex(32)
            self.set_meta("secret_key", value)
        return value.encode()

    # -- counts, results, audit -------------------------------------------------------
    def count(self, table: str) -> int:
        t = tables.metadata.tables[table]
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())

    def save_result(self, name: str, params: dict[str, Any], payload: Any) -> None:
        """Keep an analysis result (with the parameters that made it) for pages to show."""
        row = {
            "name": name,
            "params": json.dumps(params, default=str, sort_keys=True),
            "payload": json.dumps(payload, default=str),
            "created_at": utcnow(),
        }
        with self.begin() as conn:
            conn.execute(sa.delete(tables.results).where(tables.results.c.name == name))
            conn.execute(sa.insert(tables.results).values(**row))

    def load_result(self, name: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(tables.results).where(tables.results.c.name == name)
            ).first()
        if row is None:
            return None
        return {
            "name": row.name,
            "params": json.loads(row.params),
            "payload": json.loads(row.payload),
            "created_at": row.created_at,
        }

    def audit(self, actor: str, action: str, target: str | None = None, **details: Any) -> None:
        with self.begin() as conn:
            conn.execute(
                sa.insert(tables.audit_log).values(
                    at=utcnow(),
                    actor=actor,
                    action=action,
                    target=target,
                    details=json.dumps(details, default=str) if details else None,
                )
            )

    def read_frame(self, name: str, columns: list[str] | None = None) -> Any:
        """A whole table as a Polars frame (see :mod:`retailpulse.store.frames`)."""
        from retailpulse.store.frames import read_table

        return read_table(self, name, columns=columns)
