"""RFM scores and named customer segments, with the rules visible, and movement between dates.

Scores (1-5, 5 best) rank customers against each other at the ``as_of`` date:

- **R** from days since the last purchase (fewer days, higher score),
- **F** from the number of distinct purchase days,
- **M** from total spend,

each cut into quintiles of the customers' ranks (ties share a score). Segments come from R and
the combined **FM** score (``ceil((F + M) / 2)``) through :data:`SEGMENT_RULES`, checked in
order, first match wins; every one of the 25 (R, FM) cells has exactly one segment.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl

from retailpulse.errors import InputError
from retailpulse.understand.rfm import _check_columns, _end_value

#: (segment, R from, R to, FM from, FM to, what it means) - first match wins.
SEGMENT_RULES: tuple[tuple[str, int, int, int, int, str], ...] = (
    ("champions", 5, 5, 4, 5, "bought very recently, buy often and spend the most"),
    ("champions", 4, 4, 5, 5, "bought recently, buy most often and spend the most"),
    ("new", 5, 5, 1, 1, "first purchase very recently"),
    ("loyal", 3, 5, 3, 5, "buy regularly and spend well"),
    ("promising", 4, 5, 1, 2, "recent buyers with few purchases so far"),
    ("can't lose", 1, 2, 5, 5, "were among the best customers, not seen for a long time"),
    ("can't lose", 1, 1, 4, 4, "frequent big spenders, not seen for the longest time"),
    ("at risk", 1, 2, 3, 4, "used to buy regularly, not recently"),
    ("hibernating", 2, 3, 1, 2, "few, small purchases, a while ago"),
    ("lost", 1, 1, 1, 2, "few purchases, long ago"),
)

SEGMENTS: tuple[str, ...] = (
    "champions",
    "loyal",
    "promising",
    "new",
    "at risk",
    "can't lose",
    "hibernating",
    "lost",
)


def segment_rules() -> pl.DataFrame:
    """The rules as a frame, for showing to users."""
    return pl.DataFrame(
        [
            {"segment": s, "r_from": r0, "r_to": r1, "fm_from": f0, "fm_to": f1, "meaning": m}
            for s, r0, r1, f0, f1, m in SEGMENT_RULES
        ]
    )


def _segment_expr() -> pl.Expr:
    r, fm = pl.col("r_score"), pl.col("fm_score")
    chain: Any = None
    for name, r0, r1, f0, f1, _ in SEGMENT_RULES:
        cond = r.is_between(r0, r1) & fm.is_between(f0, f1)
        chain = (
            pl.when(cond).then(pl.lit(name))
            if chain is None
            else chain.when(cond).then(pl.lit(name))
        )
    if chain is None:  # pragma: no cover - SEGMENT_RULES is never empty
        return pl.lit(None, dtype=pl.String).alias("segment")
    expr: pl.Expr = chain.otherwise(pl.lit(None, dtype=pl.String)).alias("segment")
    return expr


def _quintile(col: pl.Expr, bins: int) -> pl.Expr:
    """Score 1..bins from the average rank (ties share a score)."""
    n = pl.len()
    return ((col.rank("average") - 0.5) / n * bins).floor().cast(pl.Int64).clip(0, bins - 1) + 1


def rfm_scores(
    transactions: pl.DataFrame,
    *,
    customer_col: str = "customer_id",
    time_col: str = "created_at",
    value_col: str = "total",
    as_of: datetime | date | str | None = None,
    bins: int = 5,
) -> pl.DataFrame:
    """Per customer: ``last_purchase``, ``recency_days``, ``frequency`` (distinct purchase
    days), ``monetary`` (total spend), ``r_score``, ``f_score``, ``m_score``, ``fm_score``,
    ``rfm`` (e.g. "545") and ``segment``, using the transactions up to ``as_of``."""
    if not isinstance(bins, int) or not 2 <= bins <= 10:
        raise InputError(
            f"The 'bins' parameter of rfm_scores must be an integer in 2..10. Got {bins!r} "
            "instead.",
            field="bins",
        )
    _check_columns(
        transactions,
        {"customer_col": customer_col, "time_col": time_col, "value_col": value_col},
        "rfm_scores",
    )
    frame = transactions.select(customer_col, time_col, value_col)
    dtype = frame.schema[time_col]
    if not isinstance(dtype, pl.Datetime | pl.Date):
        raise InputError(
            f"The time column '{time_col}' of rfm_scores must be a Datetime or Date column. "
            f"Got {dtype}; parse it first.",
            field=time_col,
        )
    if as_of is not None:
        end = _end_value(as_of, dtype, "as_of")
        frame = frame.filter(pl.col(time_col) <= end)
    else:
        end = frame.select(pl.col(time_col).max()).item()
    if frame.height == 0:
        raise InputError("rfm_scores found no transactions up to as_of. Pass a later as_of.")
    end_day = pl.lit(end, dtype=dtype).cast(pl.Date)
    per = frame.group_by(customer_col).agg(
        pl.col(time_col).max().alias("last_purchase"),
        pl.col(time_col).cast(pl.Date).n_unique().alias("frequency"),
        pl.col(value_col).sum().alias("monetary"),
    )
    per = per.with_columns(
        (end_day - pl.col("last_purchase").cast(pl.Date)).dt.total_days().alias("recency_days")
    )
    per = per.with_columns(
        _quintile(-pl.col("recency_days"), bins).alias("r_score"),
        _quintile(pl.col("frequency"), bins).alias("f_score"),
        _quintile(pl.col("monetary"), bins).alias("m_score"),
    )
    scale = 5 / bins
    per = per.with_columns(
        ((pl.col("f_score") + pl.col("m_score")) / 2).ceil().cast(pl.Int64).alias("fm_score"),
        pl.concat_str(
            [pl.col("r_score"), pl.col("f_score"), pl.col("m_score")], separator=""
        ).alias("rfm"),
    )
    scored = per.with_columns(
        (pl.col("r_score") * scale).ceil().cast(pl.Int64).alias("r_score5"),
        (pl.col("fm_score") * scale).ceil().cast(pl.Int64).alias("fm_score5"),
    )
    seg = scored.select(
        pl.col(customer_col),
        pl.col("r_score5").alias("r_score"),
        pl.col("fm_score5").alias("fm_score"),
    ).with_columns(_segment_expr())
    return per.join(seg.select(customer_col, "segment"), on=customer_col).sort(customer_col)


def segment_sizes(scores: pl.DataFrame) -> pl.DataFrame:
    """Customers, share, mean recency/frequency/spend and total spend per segment."""
    total = scores.height
    return (
        scores.group_by("segment")
        .agg(
            pl.len().alias("customers"),
            pl.col("recency_days").mean().alias("mean_recency_days"),
            pl.col("frequency").mean().alias("mean_frequency"),
            pl.col("monetary").mean().alias("mean_monetary"),
            pl.col("monetary").sum().alias("total_monetary"),
        )
        .with_columns((pl.col("customers") / total).alias("share"))
        .with_columns(
            pl.col("segment")
            .replace_strict({s: i for i, s in enumerate(SEGMENTS)}, default=99)
            .alias("_order")
        )
        .sort("_order")
        .drop("_order")
    )


def segment_movement(
    transactions: pl.DataFrame,
    start: datetime | date | str,
    end: datetime | date | str,
    *,
    customer_col: str = "customer_id",
    time_col: str = "created_at",
    value_col: str = "total",
) -> pl.DataFrame:
    """How many customers moved from each segment at ``start`` to each at ``end``
    (``from_segment`` is "not yet a customer" for those who first bought in between)."""
    cols = {"customer_col": customer_col, "time_col": time_col, "value_col": value_col}
    a = rfm_scores(transactions, as_of=start, **cols).select(customer_col, "segment")  # type: ignore[arg-type]
    b = rfm_scores(transactions, as_of=end, **cols).select(customer_col, "segment")  # type: ignore[arg-type]
    moved = b.join(a, on=customer_col, how="left", suffix="_start").select(
        pl.col("segment_start").fill_null("not yet a customer").alias("from_segment"),
        pl.col("segment").alias("to_segment"),
    )
    return (
        moved.group_by("from_segment", "to_segment")
        .len("customers")
        .sort("from_segment", "to_segment")
    )
