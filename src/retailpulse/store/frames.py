"""Tables to Polars frames, typed from the table definitions.

Datetimes come back as ``Datetime("us", "UTC")`` on both SQLite (stored as text) and
PostgreSQL (stored as naive UTC timestamps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

from retailpulse.store import tables

if TYPE_CHECKING:
    from retailpulse.store.database import Database

_INTERNAL = ("row_hash", "imported_at", "updated_at")


def polars_type(column: sa.Column[Any]) -> pl.DataType:
    t = column.type
    if isinstance(t, sa.Boolean):
        return pl.Boolean()
    if isinstance(t, sa.Integer):
        return pl.Int64()
    if isinstance(t, sa.Float):
        return pl.Float64()
    if isinstance(t, sa.DateTime):
        return pl.Datetime("us", "UTC")
    return pl.Utf8()


def frame_from_rows(rows: list[Any], columns: list[sa.Column[Any]], sqlite: bool) -> pl.DataFrame:
    """Build a typed frame from driver rows of the given columns."""
    schema: dict[str, pl.DataType] = {}
    raw_schema: dict[str, pl.DataType] = {}
    for c in columns:
        typ = polars_type(c)
        schema[c.name] = typ
        raw_schema[c.name] = pl.Utf8() if (sqlite and typ == pl.Datetime) else typ
        if not sqlite and typ == pl.Datetime:
            raw_schema[c.name] = pl.Datetime("us")
    frame = pl.DataFrame(rows, schema=raw_schema, orient="row")
    fixes = []
    for name, typ in schema.items():
        if typ == pl.Datetime:
            col = pl.col(name)
            if sqlite:
                col = col.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", strict=False)
            fixes.append(col.dt.replace_time_zone("UTC").alias(name))
    return frame.with_columns(fixes) if fixes else frame


def read_table(
    db: Database,
    name: str,
    columns: list[str] | None = None,
    where: sa.ColumnElement[bool] | None = None,
    include_internal: bool = False,
) -> pl.DataFrame:
    """A table (or some of its columns / rows) as a typed Polars frame."""
    table = tables.metadata.tables[name]
    cols = [
        c
        for c in table.columns
        if (columns is None or c.name in columns)
        and (include_internal or columns is not None or c.name not in _INTERNAL)
    ]
    if columns is not None:
        unknown = set(columns) - {c.name for c in table.columns}
        if unknown:
            raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    query = sa.select(*cols)
    if where is not None:
        query = query.where(where)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": False})
    with db.engine.connect() as conn:
        cursor = conn.exec_driver_sql(str(compiled), compiled.params or {})  # type: ignore[arg-type]
        rows = list(cursor.fetchall())
    return frame_from_rows(rows, cols, db.is_sqlite)
