"""The one write path for canonical records: upsert by natural key, counting what changed.

A batch is classified against the stored rows by its natural key and a hash of its content:
new rows are inserted, changed rows updated, identical rows left alone. Each batch runs in one
transaction, so an import killed at any moment and run again ends with every row exactly once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from retailpulse.schema import RecordKind
from retailpulse.store.database import Database, utcnow
from retailpulse.store.tables import table_for

SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"
_NULL = "\x1f"


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: UpsertCounts) -> UpsertCounts:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


def _as_text(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    col = pl.col(column)
    if dtype == pl.Datetime:
        col = col.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f")
    return col.cast(pl.Utf8).fill_null(_NULL)


def row_hashes(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """A stable content hash per row (MD5 of the canonical values, 32 hex chars)."""
    joined = frame.select(
        pl.concat_str([_as_text(frame, c) for c in columns], separator="\x1e").alias("j")
    ).get_column("j")
    return pl.Series(
        "row_hash",
        [hashlib.md5(v.encode("utf-8"), usedforsecurity=False).hexdigest() for v in joined],
        dtype=pl.Utf8,
    )


def _db_values(frame: pl.DataFrame, sqlite: bool) -> pl.DataFrame:
    """Columns in the form the driver stores: naive UTC datetimes (text on SQLite)."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Datetime:
            col = pl.col(name)
            if getattr(dtype, "time_zone", None):
                col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            exprs.append(col.dt.strftime(SQLITE_DATETIME) if sqlite else col)
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _placeholders(conn: Connection, n: int) -> str:
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    return ", ".join([mark] * n)


def _existing(conn: Connection, kind: RecordKind, keys: pl.DataFrame, sqlite: bool) -> pl.DataFrame:
    """Stored (key..., id, old_hash) for the keys of a batch, via a temporary key table."""
    table = _quote(conn, kind.table)
    cols = [_quote(conn, k) for k in kind.key]
    conn.exec_driver_sql("DROP TABLE IF EXISTS _rp_keys")
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE _rp_keys AS SELECT {', '.join(cols)} FROM {table} WHERE 1=0"
    )
    values = _db_values(keys, sqlite)
    conn.exec_driver_sql(
        f"INSERT INTO _rp_keys ({', '.join(cols)}) VALUES ({_placeholders(conn, len(cols))})",
        values.rows(),  # type: ignore[arg-type]
    )
    join = " AND ".join(f"t.{c} = k.{c}" for c in cols)
    result = conn.exec_driver_sql(
        f"SELECT t.id, t.row_hash, {', '.join('k.' + c for c in cols)} "
        f"FROM _rp_keys k JOIN {table} t ON {join}"
    ).fetchall()
    conn.exec_driver_sql("DROP TABLE _rp_keys")
    schema: dict[str, pl.DataType | type[pl.DataType]] = {"id": pl.Int64, "old_hash": pl.Utf8}
    schema.update({k: values.schema[k] for k in kind.key})
    return pl.DataFrame(result, schema=schema, orient="row")


def upsert_batch(
    db: Database,
    kind: RecordKind,
    frame: pl.DataFrame,
    *,
    now: datetime | None = None,
    assume_new: bool = False,
) -> UpsertCounts:
    """Upsert one batch (unique natural keys; includes ``row_hash``) in one transaction.

    ``assume_new`` skips the look-up of stored keys: the caller knows the table held none of
    them (an import into a table that was empty when it started, whose keys are unique).
    """
    if frame.height == 0:
        return UpsertCounts()
    now = now or utcnow()
    sqlite = db.is_sqlite
    table = table_for(kind.table)
    data_cols = [c.name for c in table.columns if c.name in frame.columns and c.name != "id"]
    with db.begin() as conn:
        keyed = _db_values(frame.select(data_cols), sqlite)
        if assume_new:
            existing = pl.DataFrame(
                schema={"id": pl.Int64, "old_hash": pl.Utf8}
                | {k: keyed.schema[k] for k in kind.key}
            )
        else:
            existing = _existing(conn, kind, frame.select(list(kind.key)), sqlite)
        joined = keyed.join(existing, on=list(kind.key), how="left", nulls_equal=False)
        new = joined.filter(pl.col("id").is_null())
        changed = joined.filter(
            pl.col("id").is_not_null() & (pl.col("old_hash") != pl.col("row_hash"))
        )
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
        qt = _quote(conn, kind.table)
        if new.height:
            cols = [*data_cols, "imported_at", "updated_at"]
            rows = new.select(data_cols).with_columns(
                pl.lit(stamp).alias("imported_at"), pl.lit(stamp).alias("updated_at")
            )
            conn.exec_driver_sql(
                f"INSERT INTO {qt} ({', '.join(_quote(conn, c) for c in cols)}) "
                f"VALUES ({_placeholders(conn, len(cols))})",
                rows.rows(),  # type: ignore[arg-type]
            )
        if changed.height:
            set_cols = [c for c in data_cols if c not in kind.key]
            mark = "?" if sqlite else "%s"
            assignments = ", ".join(f"{_quote(conn, c)} = {mark}" for c in set_cols)
            rows = changed.select(set_cols).with_columns(
                pl.lit(stamp).alias("updated_at"), changed.get_column("id")
            )
            conn.exec_driver_sql(
                f"UPDATE {qt} SET {assignments}, updated_at = {mark} WHERE id = {mark}",
                rows.rows(),  # type: ignore[arg-type]
            )
    return UpsertCounts(
        inserted=new.height,
        updated=changed.height,
        unchanged=frame.height - new.height - changed.height,
    )


def upsert_frame(
    db: Database, kind: RecordKind, frame: pl.DataFrame, *, batch_size: int = 50_000
) -> UpsertCounts:
    """Upsert a whole frame of canonical records (computing ``row_hash`` if absent)."""
    if "raw" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("raw"))
    if "row_hash" not in frame.columns:
        cols = [c for c in frame.columns if c not in ("row_hash",)]
        frame = frame.with_columns(row_hashes(frame, cols))
    counts = UpsertCounts()
    for start in range(0, frame.height, batch_size):
        counts += upsert_batch(db, kind, frame.slice(start, batch_size))
    return counts


def delete_where(db: Database, table: str, column: str, values: list[object]) -> int:
    """Delete rows whose ``column`` is in ``values``; returns how many."""
    t = table_for(table)
    with db.begin() as conn:
        result = conn.execute(sa.delete(t).where(t.c[column].in_(values)))
    return int(result.rowcount or 0)
