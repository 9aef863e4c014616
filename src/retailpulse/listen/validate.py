"""Validate a chunk of input rows against a canonical record kind, vectorised in Polars.

:func:`validate` takes a frame whose columns are already the kind's field names (plus ``__row``
and ``raw``), all strings or datetimes, and returns the typed valid rows and one error line per
(row, field) problem. A row with any problem is left out of the valid frame: it goes to
quarantine, never silently away.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from retailpulse.listen.files import ROW
from retailpulse.listen.timestamps import parse_timestamps
from retailpulse.schema import Field, RecordKind

ERROR_SCHEMA = {"row": pl.Int64, "field": pl.Utf8, "reason": pl.Utf8, "value": pl.Utf8}

#: Spellings people use for the canonical choices.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "platform": {
        "twitter": "x",
        "x.com": "x",
        "fb": "facebook",
        "meta": "facebook",
        "ig": "instagram",
        "insta": "instagram",
        "douyin": "tiktok",
        "weixin": "wechat",
        "yt": "youtube",
        "reviews": "review",
        "google_review": "review",
        "mail": "email",
        "website": "web",
    },
    "kind": {"comments": "comment", "message": "dm", "direct_message": "dm", "posts": "post"},
    "direction": {"in": "inbound", "out": "outbound", "incoming": "inbound", "sent": "outbound"},
    "tier": {"": "none", "member": "bronze"},
}
DEFAULTS: dict[tuple[str, str], str] = {
    ("messages", "kind"): "post",
    ("messages", "direction"): "inbound",
    ("identities", "method"): "manual",
}
_TRUE = ["true", "t", "yes", "y", "1", "ya", "是", "on"]
_FALSE = ["false", "f", "no", "n", "0", "tidak", "否", "off"]
_INT_RE = r"^[+-]?\d+(\.0*)?$"


_DTYPES: dict[str, pl.DataType] = {
    "str": pl.Utf8(),
    "text": pl.Utf8(),
    "json": pl.Utf8(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "datetime": pl.Datetime("us", "UTC"),
}


@dataclass
class Validated:
    valid: pl.DataFrame
    errors: pl.DataFrame


def _typed(f: Field, col: pl.Expr) -> tuple[pl.Expr, pl.Expr, str]:
    """(typed value, bad-value condition, reason) for one field."""
    s = col.cast(pl.Utf8).str.strip_chars()
    if f.type in ("str", "json"):
        if f.choices:
            norm = s.str.to_lowercase().str.replace_all(r"[\s-]+", "_")
            aliases = CHOICE_ALIASES.get(f.name, {})
            mapped = norm.replace(aliases) if aliases else norm
            bad = mapped.is_not_null() & ~mapped.is_in(list(f.choices))
            reason = f"must be one of {', '.join(f.choices)}"
            return mapped, bad, reason
        return s.str.replace_all("\x00", ""), pl.lit(False), ""
    if f.type == "text":
        return col.cast(pl.Utf8).str.replace_all("\x00", ""), pl.lit(False), ""
    if f.type == "int":
        ok = s.str.contains(_INT_RE)
        value: pl.Expr = pl.when(ok).then(s.str.replace(r"\.0*$", "").cast(pl.Int64, strict=False))
        return value, s.is_not_null() & (~ok | value.is_null()), "must be a whole number"
    if f.type == "float":
        value = s.str.replace(r"^([+-]?\d+),(\d+)$", "$1.$2").cast(pl.Float64, strict=False)
        bad = s.is_not_null() & (value.is_null() | value.is_nan() | value.is_infinite())
        return value, bad, "must be a number"
    if f.type == "bool":
        low = s.str.to_lowercase()
        truth: pl.Expr = pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
        return truth, s.is_not_null() & truth.is_null(), "must be true or false"
    if f.type == "datetime":
        value = col.map_batches(parse_timestamps, return_dtype=pl.Datetime("us", "UTC"))
        bad = col.is_not_null() & value.is_null()
        return value, bad, "is not an ISO 8601 date-time (e.g. 2024-05-01T10:30:00+07:00)"
    raise ValueError(f.type)


def validate(kind: RecordKind, frame: pl.DataFrame) -> Validated:
    """Split a chunk into typed valid rows and error lines (row, field, reason, value)."""
    exprs: list[pl.Expr] = [pl.col(ROW)]
    checks: list[tuple[str, pl.Expr, str]] = []
    for f in kind.fields:
        default = DEFAULTS.get((kind.name, f.name))
        if f.name not in frame.columns:
            # Absent column: typed nulls (or the default), nothing to check.
            exprs.append(pl.lit(default, dtype=_DTYPES[f.type]).alias(f.name))
            continue
        col: pl.Expr = pl.col(f.name)
        if frame.schema[f.name] == pl.Utf8:
            col = pl.when(col.str.strip_chars() == "").then(None).otherwise(col)
        if default is not None:
            col = col.fill_null(pl.lit(default))
        value, bad, reason = _typed(f, col)
        exprs.append(value.alias(f.name))
        if reason:
            checks.append((f.name, bad, f"'{f.name}' {reason}"))
        if f.required:
            checks.append((f.name, value.is_null() & ~bad, f"'{f.name}' is required but empty"))
        if f.min is not None or f.max is not None:
            lo = f.min if f.min is not None else float("-inf")
            hi = f.max if f.max is not None else float("inf")
            out = value.is_not_null() & ~value.is_between(lo, hi)
            msg = f"'{f.name}' must be between {lo:g} and {hi:g}"
            if f.max is None:
                msg = f"'{f.name}' must be at least {lo:g}"
            checks.append((f.name, out & ~bad, msg))
    exprs.append(pl.col("raw") if "raw" in frame.columns else pl.lit(None, pl.Utf8).alias("raw"))
    flags = [cond.fill_null(False).alias(f"__bad{i}") for i, (_, cond, _) in enumerate(checks)]
    flagged = frame.select([*exprs, *flags])
    any_bad = pl.any_horizontal([pl.col(f"__bad{i}") for i in range(len(checks))])
    bad_rows = flagged.filter(any_bad) if checks else flagged.clear()
    valid = flagged.filter(~any_bad) if checks else flagged
    valid = valid.select([ROW, *kind.field_names, "raw"])
    if bad_rows.height == 0:
        return Validated(valid=valid, errors=pl.DataFrame(schema=ERROR_SCHEMA))
    originals = frame.filter(pl.col(ROW).is_in(bad_rows.get_column(ROW).implode()))
    parts = []
    for i, (name, _, reason) in enumerate(checks):
        hit = bad_rows.filter(pl.col(f"__bad{i}")).select(ROW)
        if hit.height:
            parts.append(
                hit.join(
                    originals.select(ROW, pl.col(name).cast(pl.Utf8).alias("value")), on=ROW
                ).select(
                    pl.col(ROW).alias("row"),
                    pl.lit(name).alias("field"),
                    pl.lit(reason).alias("reason"),
                    pl.col("value"),
                )
            )
    errors = pl.concat(parts).sort("row", maintain_order=True)
    return Validated(valid=valid, errors=errors)
