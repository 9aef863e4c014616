"""Vectorised ISO 8601 timestamp parsing: zones honoured, naive means UTC.

Accepted: ``2024-01-05``, ``2024-01-05 10:00``, ``2024-01-05T10:00:00Z``,
``2024-01-05T10:00:00.123+07:00``, ``+0700`` / ``+07`` offsets, ``2024/01/05 10:00``, and
the same with a trailing ``UTC``/``GMT``. Values already typed as datetimes pass through.
Anything else becomes null, so the caller can quarantine the row with a reason.
"""

from __future__ import annotations

import polars as pl

_NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)

_WITH_TIME = (
    r"^(\d{4}[-/]\d{1,2}[-/]\d{1,2} \d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"  # local time
    r" ?([+-]\d{2}(?::?\d{2})?)?$"  # optional offset
)

UTC = "UTC"
_FAST = "%Y-%m-%dT%H:%M:%S%.f%z"  # what most exports write: 2024-03-01T10:00:00+07:00


def parse_timestamps(values: pl.Series) -> pl.Series:
    """Parse a column of timestamps to ``Datetime("us", "UTC")``; unparseable values → null."""
    if values.dtype == pl.Datetime:
        tz = getattr(values.dtype, "time_zone", None)
        out = values.dt.replace_time_zone(UTC) if tz is None else values.dt.convert_time_zone(UTC)
        return out.dt.cast_time_unit("us")
    if values.dtype == pl.Date:
        return values.cast(pl.Datetime("us")).dt.replace_time_zone(UTC)
    text = values.cast(pl.Utf8)
    fast = text.str.strptime(pl.Datetime("us", UTC), _FAST, strict=False)
    todo = fast.is_null() & text.is_not_null()
    if not todo.any():
        return fast.alias(values.name)
    slow = _parse_general(text.filter(todo))
    return fast.scatter(todo.arg_true(), slow).alias(values.name)


def _parse_general(values: pl.Series) -> pl.Series:
    s = (
        values.cast(pl.Utf8)
        .str.strip_chars()
        .str.replace(r"^(\d{4}[-/]\d{1,2}[-/]\d{1,2})[Tt ]", "$1 ")
        .str.replace(r"(?i)\s*(Z|UTC|GMT)$", "+00:00")
    )
    frame = pl.DataFrame({"s": s})
    parts = frame.select(
        pl.col("s").str.extract(_WITH_TIME, 1).alias("local"),
        pl.col("s").str.extract(_WITH_TIME, 2).alias("offset"),
        pl.col("s"),
    )
    local = pl.coalesce(pl.col("local").str.replace(",", "."), pl.col("s"))
    naive = pl.coalesce(
        [local.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in _NAIVE_FORMATS]
    )
    off = pl.col("offset").str.replace(":", "")
    sign = pl.when(off.str.slice(0, 1) == "-").then(-1).otherwise(1)
    hours = off.str.slice(1, 2).cast(pl.Int64, strict=False).fill_null(0)
    minutes = off.str.slice(3, 2).cast(pl.Int64, strict=False).fill_null(0)
    offset_minutes = (sign * (hours * 60 + minutes)).fill_null(0)
    out = parts.select(
        (naive - pl.duration(minutes=offset_minutes)).dt.replace_time_zone(UTC).alias(values.name)
    ).to_series()
    return out
