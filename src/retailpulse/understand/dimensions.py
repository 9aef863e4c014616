"""Slice enriched messages by the dimensions the satisfaction and needs measures group on.

A dimension is one of :data:`DIMENSIONS`. ``aspect`` gives one row per (message, aspect) with
the aspect's own polarity; ``store`` and ``product`` one row per mentioned entity; ``segment``
and ``tier`` come from the customer attributes; ``period`` truncates ``created_at``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from retailpulse.errors import InputError
from retailpulse.understand.inputs import explode_aspects, explode_entities

DIMENSIONS: tuple[str, ...] = (
    "channel",
    "kind",
    "store",
    "product",
    "aspect",
    "language",
    "segment",
    "tier",
    "period",
)
PERIODS: dict[str, str] = {"day": "1d", "week": "1w", "month": "1mo"}


def check_dimensions(by: Sequence[str], func: str) -> list[str]:
    """Validate ``by`` against :data:`DIMENSIONS` with a message naming the choices."""
    dims = list(by)
    for d in dims:
        if d not in DIMENSIONS:
            raise InputError(
                f"The 'by' parameter of {func} must hold values from "
                f"{{{', '.join(repr(x) for x in DIMENSIONS)}}}. Got {d!r} instead.",
                field="by",
            )
    return dims


def check_period(period: str, func: str) -> str:
    """Validate a period name and return its Polars duration string."""
    if period not in PERIODS:
        raise InputError(
            f"The 'period' parameter of {func} must be one of "
            f"{{{', '.join(repr(p) for p in PERIODS)}}}. Got {period!r} instead.",
            field="period",
        )
    return PERIODS[period]


def sliced(
    messages: pl.DataFrame,
    by: Sequence[str],
    attributes: pl.DataFrame,
    period: str = "week",
    value: str = "sentiment",
) -> pl.DataFrame:
    """Messages with one column per dimension in ``by`` and a ``polarity`` column.

    ``polarity`` is the message ``value`` column, or the aspect's own polarity when ``aspect``
    is among the dimensions. Rows whose dimension is unknown (no store mentioned, customer not
    linked) are dropped for that dimension.
    """
    out = messages.with_columns(pl.col(value).alias("polarity"))
    keep = [c for c in out.columns if c not in ("aspects",)]
    if "aspect" in by:
        out = explode_aspects(out, keep=[*keep]).drop("score")
    if "store" in by or "product" in by:
        ents = explode_entities(out.select("id", "entities"), keep=("id",))
        for dim in ("store", "product"):
            if dim in by:
                one = (
                    ents.filter(pl.col("entity_type") == dim)
                    .select("id", pl.col("entity_id").alias(dim))
                    .unique()
                )
                out = out.join(one, on="id", how="inner")
    if "channel" in by:
        out = out.with_columns(pl.col("platform").alias("channel"))
    if "segment" in by or "tier" in by:
        cols = ["customer_id", *[d for d in ("segment", "tier") if d in by]]
        out = out.join(attributes.select(cols), on="customer_id", how="inner")
    if "period" in by:
        out = out.with_columns(pl.col("created_at").dt.truncate(PERIODS[period]).alias("period"))
    for dim in by:
        out = out.filter(pl.col(dim).is_not_null())
    return out
