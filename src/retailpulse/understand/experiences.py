"""What each experience did to buying: an event study around the customer's own messages.

For every linked customer and experience type (an aspect with negative or positive polarity,
a fast or slow brand reply, a positive public post), the moment of their first such message
splits their orders into the ``window_days`` before and after it. Per experience type the
after/before rate ratio is a ratio of sums with a cluster-robust (per customer) interval, and
``relative`` divides it by the same ratio around neutral contacts (messages with no aspect
opinion), which removes the general trend and the fact that people write when they buy.
A relative effect below 1 means the experience was followed by less buying than a neutral
contact. Only customers whose whole windows lie inside the transaction history count.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import polars as pl

from retailpulse.understand.inputs import (
    explode_aspects,
    inbound,
    require_columns,
    require_enriched,
)
from retailpulse.understand.needs import first_responses
from retailpulse.understand.stats import z_value

CONTROL = "neutral contact"


def experience_events(messages: pl.DataFrame, fast_hours: float = 24.0) -> pl.DataFrame:
    """First moment of each experience per linked customer: ``customer_id, experience, at``."""
    msgs = inbound(require_enriched(messages)).filter(pl.col("customer_id").is_not_null())
    cols = ("id", "customer_id", "created_at")
    asp = explode_aspects(msgs.select(*cols, "aspects"), keep=cols)
    opinion = asp.filter(pl.col("polarity") != "neutral").select(
        "customer_id",
        (pl.col("aspect") + ":" + pl.col("polarity")).alias("experience"),
        pl.col("created_at").alias("at"),
    )
    with_opinion = asp.filter(pl.col("polarity") != "neutral")["id"].unique()
    neutral = msgs.filter(~pl.col("id").is_in(with_opinion.implode())).select(
        "customer_id", pl.lit(CONTROL).alias("experience"), pl.col("created_at").alias("at")
    )
    resp = first_responses(messages).filter(pl.col("customer_id").is_not_null())
    replies = resp.select(
        "customer_id",
        pl.when(pl.col("response_hours").is_not_null() & (pl.col("response_hours") <= fast_hours))
        .then(pl.lit("reply:fast"))
        .otherwise(pl.lit("reply:slow or none"))
        .alias("experience"),
        pl.col("created_at").alias("at"),
    )
    ugc = msgs.filter(
        pl.col("kind").is_in(["post", "review"]) & (pl.col("sentiment") == "positive")
    ).select(
        "customer_id", pl.lit("ugc:posted").alias("experience"), pl.col("created_at").alias("at")
    )
    return (
        pl.concat([opinion, neutral, replies, ugc])
        .group_by("customer_id", "experience")
        .agg(pl.col("at").min())
    )


def experience_effects(
    messages: pl.DataFrame,
    transactions: pl.DataFrame,
    *,
    window_days: int = 90,
    min_customers: int = 20,
    level: float = 0.95,
) -> pl.DataFrame:
    """Per experience: ``customers, orders_before, orders_after, ratio, relative (+ interval)``.

    Sorted by the size of the effect (``|log relative|``), largest first; the control row
    (``neutral contact``) has ``relative`` 1.
    """
    require_columns(transactions, ("customer_id", "created_at"), "transactions")
    z = z_value(level)
    events = experience_events(messages)
    if events.is_empty() or transactions.is_empty():
        return _empty()
    lo_t, hi_t = transactions["created_at"].min(), transactions["created_at"].max()
    w = timedelta(days=window_days)
    events = events.filter((pl.col("at") - w >= lo_t) & (pl.col("at") + w <= hi_t))
    tx = transactions.select("customer_id", pl.col("created_at").alias("t"))
    counted = (
        events.join(tx, on="customer_id", how="left")
        .with_columns(
            ((pl.col("t") >= pl.col("at") - w) & (pl.col("t") < pl.col("at"))).alias("_b"),
            ((pl.col("t") >= pl.col("at")) & (pl.col("t") < pl.col("at") + w)).alias("_a"),
        )
        .group_by("customer_id", "experience")
        .agg(pl.col("_b").sum().alias("before"), pl.col("_a").sum().alias("after"))
    )
    stats = []
    for (exp,), part in counted.group_by("experience"):
        a = part["after"].to_numpy().astype(float)
        b = part["before"].to_numpy().astype(float)
        if a.size < min_customers:
            continue
        stats.append((str(exp), a.size, a.sum(), b.sum(), *_ratio(a, b)))
    if not stats:
        return _empty()
    table = pl.DataFrame(
        stats,
        schema=["experience", "customers", "orders_after", "orders_before", "log_ratio", "se"],
        orient="row",
    )
    control = table.filter(pl.col("experience") == CONTROL)
    c_log, c_se = (control["log_ratio"][0], control["se"][0]) if control.height else (0.0, 0.0)
    rel = pl.col("log_ratio") - c_log
    rel_se = (pl.col("se") ** 2 + (0.0 if not control.height else c_se**2)).sqrt()
    rel_se = pl.when(pl.col("experience") == CONTROL).then(pl.lit(0.0)).otherwise(rel_se)
    return (
        table.with_columns(
            pl.col("log_ratio").exp().alias("ratio"),
            (pl.col("log_ratio") - z * pl.col("se")).exp().alias("ratio_lo"),
            (pl.col("log_ratio") + z * pl.col("se")).exp().alias("ratio_hi"),
            rel.exp().alias("relative"),
            (rel - z * rel_se).exp().alias("relative_lo"),
            (rel + z * rel_se).exp().alias("relative_hi"),
            rel.abs().alias("_size"),
        )
        .sort("_size", descending=True)
        .drop("_size", "log_ratio", "se")
        .with_columns(pl.lit(window_days).alias("window_days"))
    )


def _ratio(after: np.ndarray, before: np.ndarray) -> tuple[float, float]:
    """Log of sum(after)/sum(before) and its per-customer (ratio estimator) standard error."""
    n = after.size
    sa, sb = after.sum() + 0.5, before.sum() + 0.5
    r = sa / sb
    resid = after - r * before
    var_r = (resid**2).sum() / max(n - 1, 1) * n / (sb**2)
    se = math.sqrt(max(var_r, 1e-12)) / r
    return math.log(r), se


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "experience": pl.String,
            "customers": pl.Int64,
            "orders_after": pl.Float64,
            "orders_before": pl.Float64,
            "ratio": pl.Float64,
            "ratio_lo": pl.Float64,
            "ratio_hi": pl.Float64,
            "relative": pl.Float64,
            "relative_lo": pl.Float64,
            "relative_hi": pl.Float64,
            "window_days": pl.Int32,
        }
    )
