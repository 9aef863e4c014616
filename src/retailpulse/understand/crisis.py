"""Crisis signals: spikes of negative messages per topic, aspect, store and product.

Each series counts negative messages per day. Its baseline for a day blends the mean of the
same weekday over the previous ``weeks`` weeks with the 28-day level times the weekday
factor (pooled over all series), so weekly seasonality does not raise alarms. The spread is
negative-binomial, ``expected + phi * expected²``, with ``phi`` estimated from the history.
A day is a spike when its count is at least ``min_count``, at least ``min_ratio`` times the
baseline, and ``z >= z_threshold``. Alerts are scored 0-100 from their speed (z and growth),
reach (followers and views of the authors) and the value of the customers involved (CLV
weighted by tier), and carry their driving terms and example messages.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from retailpulse.understand.inputs import (
    Moment,
    customer_attributes,
    explode_aspects,
    explode_entities,
    in_period,
    inbound,
    require_enriched,
    slim,
    to_utc,
)
from retailpulse.understand.topics import tokens

SERIES_TYPES = ("all", "aspect", "store", "product", "topic")
TIER_WEIGHT = {"none": 1.0, "bronze": 1.2, "silver": 1.5, "gold": 2.0, "platinum": 3.0}


@dataclass(frozen=True)
class SpikeResult:
    """Per series and day: the baseline, the z-score and the spike flags."""

    expected: NDArray[np.float64]
    z: NDArray[np.float64]
    flags: NDArray[np.bool_]
    phi: float


def detect_spikes(
    counts: NDArray[np.float64],
    first_weekday: int,
    *,
    weeks: int = 4,
    z_threshold: float = 3.0,
    min_count: int = 5,
    min_ratio: float = 2.0,
    blend: float = 0.5,
) -> SpikeResult:
    """Flag spikes in a (series × days) matrix of daily negative counts.

    ``first_weekday`` is the weekday (Monday 0) of column 0. Days with less than two weeks
    of history are never flagged.
    """
    k, d = counts.shape
    x = counts.astype(np.float64)
    weekday = (first_weekday + np.arange(d)) % 7
    by_day = np.array([x[:, weekday == w].sum() for w in range(7)])
    days_per = np.array([(weekday == w).sum() for w in range(7)])
    pooled = by_day / np.maximum(days_per, 1)
    factor = pooled / max(pooled.mean(), 1e-9) if pooled.sum() > 0 else np.ones(7)
    factor = np.where(factor > 0, factor, 1.0)
    # Trailing 28-day level, deseasonalised, excluding the day itself.
    deseason = x / factor[weekday]
    csum = np.concatenate([np.zeros((k, 1)), np.cumsum(deseason, axis=1)], axis=1)
    idx = np.arange(d)
    lo = np.maximum(idx - 28, 0)
    span = np.maximum(idx - lo, 1)
    level = (csum[:, idx] - csum[:, lo]) / span
    # Same weekday over the previous weeks.
    same = np.zeros((k, d))
    n_same = np.zeros(d)
    for w in range(1, weeks + 1):
        lag = 7 * w
        if lag >= d:
            break
        same[:, lag:] += x[:, :-lag]
        n_same[lag:] += 1
    same_mean = np.where(n_same > 0, same / np.maximum(n_same, 1), level * factor[weekday])
    expected = blend * same_mean + (1 - blend) * level * factor[weekday]
    history = idx >= 14
    phi = _overdispersion(x[:, history], expected[:, history])
    var = expected + phi * expected**2 + 0.5
    z = (x - expected) / np.sqrt(var)
    flags = (
        history[None, :]
        & (x >= min_count)
        & (x >= min_ratio * np.maximum(expected, 0.5))
        & (z >= z_threshold)
    )
    return SpikeResult(expected=expected, z=z, flags=flags, phi=phi)


def _overdispersion(obs: NDArray[np.float64], exp: NDArray[np.float64]) -> float:
    """Method-of-moments NB dispersion on cells within 3 Poisson sd (robust to spikes)."""
    mask = exp > 1.0
    if not mask.any():
        return 0.0
    o, e = obs[mask], exp[mask]
    keep = np.abs(o - e) <= 3 * np.sqrt(e) + 1
    if keep.sum() < 10:
        return 0.0
    o, e = o[keep], e[keep]
    phi = float(((o - e) ** 2 - e).sum() / (e**2).sum())
    # Trimming shrinks the variance; a factor 1.5 restores roughly what the trim removed.
    return float(np.clip(1.5 * phi, 0.0, 1.0))


def negative_events(messages: pl.DataFrame, topics: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per (negative message, series): ``series, key, id, day, reach, customer_id``.

    A message is negative for the ``all``, ``store``, ``product`` and ``topic`` series when its
    sentiment is negative, and for an ``aspect`` series when that aspect's polarity is.
    """
    msgs = inbound(require_enriched(messages)).with_columns(
        pl.col("created_at").dt.truncate("1d").alias("day"),
        (
            pl.col("author_followers").fill_null(0).cast(pl.Float64)
            + pl.col("views").fill_null(0).cast(pl.Float64)
        ).alias("reach"),
    )
    cols = ("id", "day", "reach", "customer_id")
    neg = msgs.filter(pl.col("sentiment") == "negative")
    parts = [neg.select(pl.lit("all").alias("series"), pl.lit("all").alias("key"), *cols)]
    asp = explode_aspects(msgs.select(*cols, "aspects"), keep=cols)
    parts.append(
        asp.filter(pl.col("polarity") == "negative").select(
            pl.lit("aspect").alias("series"), pl.col("aspect").alias("key"), *cols
        )
    )
    ents = explode_entities(neg.select(*cols, "entities"), keep=cols)
    parts.append(
        ents.filter(pl.col("entity_type").is_in(["store", "product"])).select(
            pl.col("entity_type").alias("series"), pl.col("entity_id").alias("key"), *cols
        )
    )
    if topics is not None and not topics.is_empty():
        tp = topics.select("id", pl.col("topic").cast(pl.String).alias("key")).filter(
            pl.col("key") != "-1"
        )
        parts.append(
            neg.select(*cols)
            .join(tp, on="id", how="inner")
            .select(pl.lit("topic").alias("series"), "key", *cols)
        )
    return pl.concat([p.with_columns(pl.col("key").cast(pl.String)) for p in parts])


def crisis_alerts(
    messages: pl.DataFrame,
    *,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    topics: pl.DataFrame | None = None,
    since: Moment = None,
    until: Moment = None,
    z_threshold: float = 3.0,
    min_count: int = 5,
    min_ratio: float = 2.0,
    examples: int = 3,
    n_terms: int = 6,
) -> pl.DataFrame:
    """Alerts (one per series and spike day) with score, reach, value, terms and examples.

    The baseline uses all history before ``until``; only spike days in ``[since, until)`` are
    returned, highest score first.
    """
    hi = to_utc(until, "until")
    msgs = slim(messages)
    if hi is not None:
        msgs = msgs.filter(pl.col("created_at") < hi)
    events = negative_events(msgs, topics)
    if events.is_empty():
        return _empty_alerts()
    first = events["day"].min()
    last = events["day"].max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    n_days = (last - first).days + 1
    daily = events.group_by("series", "key", "day").agg(
        pl.len().alias("count"), pl.col("reach").sum().alias("reach")
    )
    keys = daily.select("series", "key").unique().sort("series", "key").with_row_index("row")
    daily = daily.join(keys, on=["series", "key"]).with_columns(
        ((pl.col("day") - pl.lit(first)).dt.total_days()).alias("col")
    )
    matrix = np.zeros((keys.height, n_days))
    matrix[daily["row"].to_numpy(), daily["col"].to_numpy()] = daily["count"].to_numpy()
    res = detect_spikes(
        matrix, first.weekday(), z_threshold=z_threshold, min_count=min_count, min_ratio=min_ratio
    )
    rows, cols = np.nonzero(res.flags)
    if rows.size == 0:
        return _empty_alerts()
    prev = np.where(cols > 0, matrix[rows, np.maximum(cols - 1, 0)], 0.0)
    flagged = pl.DataFrame(
        {
            "row": rows.astype(np.uint32),
            "col": cols.astype(np.int64),
            "negatives": matrix[rows, cols],
            "expected": res.expected[rows, cols],
            "z": res.z[rows, cols],
            "previous_day": prev,
        }
    ).join(keys, on="row")
    flagged = flagged.with_columns(
        (pl.lit(first) + pl.duration(days=pl.col("col"))).alias("day")
    ).drop("row", "col")
    flagged = in_period(flagged, "day", since, None)
    if flagged.is_empty():
        return _empty_alerts()
    return _describe(
        flagged, events, msgs, customer_attributes(customers, customer360), examples, n_terms
    )


def _describe(
    flagged: pl.DataFrame,
    events: pl.DataFrame,
    msgs: pl.DataFrame,
    attrs: pl.DataFrame,
    examples: int,
    n_terms: int,
) -> pl.DataFrame:
    involved = events.join(flagged.select("series", "key", "day"), on=["series", "key", "day"])
    value = attrs.with_columns(
        (
            pl.col("clv").fill_null(0.0)
            * pl.col("tier").replace_strict(TIER_WEIGHT, default=1.0, return_dtype=pl.Float64)
        ).alias("value")
    ).select("customer_id", "value")
    agg = (
        involved.join(value, on="customer_id", how="left")
        .sort("reach", descending=True)
        .group_by("series", "key", "day")
        .agg(
            pl.col("reach").sum().alias("reach"),
            pl.col("customer_id").drop_nulls().n_unique().alias("customers"),
            pl.col("value").fill_null(0.0).sum().alias("customer_value"),
            pl.col("id").head(examples).alias("example_ids"),
            pl.col("id").alias("_ids"),
        )
    )
    out = flagged.join(agg, on=["series", "key", "day"], how="left")
    growth = (pl.col("negatives") / pl.max_horizontal(pl.col("previous_day"), pl.lit(1.0))).alias(
        "velocity"
    )
    out = out.with_columns(growth)
    speed = (pl.col("z") / 10).clip(0, 1) * 0.7 + (pl.col("velocity") / 10).clip(0, 1) * 0.3
    reach = ((pl.col("reach") + 1).log10() / 6).clip(0, 1)
    worth = ((pl.col("customer_value") + 1).log10() / 5).clip(0, 1)
    out = out.with_columns((100 * (0.4 * speed + 0.3 * reach + 0.3 * worth)).alias("score"))
    out = out.with_columns(
        pl.when(pl.col("score") >= 60)
        .then(pl.lit("high"))
        .when(pl.col("score") >= 40)
        .then(pl.lit("medium"))
        .otherwise(pl.lit("low"))
        .alias("severity")
    )
    terms = [
        ";".join(
            _driving_terms(
                row["_ids"], row["series"], row["key"], row["day"], events, msgs, n_terms
            )
        )
        for row in out.select("_ids", "series", "key", "day").iter_rows(named=True)
    ]
    return (
        out.with_columns(pl.Series("terms", terms, dtype=pl.String))
        .drop("_ids")
        .sort("score", descending=True)
        .select(
            "series",
            "key",
            "day",
            "score",
            "severity",
            "negatives",
            "expected",
            "z",
            "velocity",
            "reach",
            "customers",
            "customer_value",
            "terms",
            "example_ids",
        )
    )


def _driving_terms(
    ids: list[Any],
    series: str,
    key: str,
    day: datetime,
    events: pl.DataFrame,
    msgs: pl.DataFrame,
    n_terms: int,
) -> list[str]:
    """Words over-represented in the spike's messages against the series' last 28 days."""
    base_ids = events.filter(
        (pl.col("series") == series)
        & (pl.col("key") == key)
        & (pl.col("day") < day)
        & (pl.col("day") >= day - timedelta(days=28))
    )["id"]
    texts = msgs.select("id", "text", "language")
    spike = texts.filter(pl.col("id").is_in(pl.Series(ids[:500]).implode()))
    base = texts.filter(pl.col("id").is_in(base_ids.head(2_000).implode()))
    a, b = Counter[str](), Counter[str]()
    for t, lang in spike.select("text", "language").iter_rows():
        a.update(set(tokens(t or "", lang)))
    for t, lang in base.select("text", "language").iter_rows():
        b.update(set(tokens(t or "", lang)))
    na, nb = max(spike.height, 1), max(base.height, 1)
    scored = sorted(
        ((math.log((a[w] + 0.5) / na) - math.log((b[w] + 0.5) / nb), w) for w in a if a[w] >= 2),
        reverse=True,
    )
    return [w for _, w in scored[:n_terms]]


def _empty_alerts() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "series": pl.String,
            "key": pl.String,
            "day": pl.Datetime("us", "UTC"),
            "score": pl.Float64,
            "severity": pl.String,
            "negatives": pl.Float64,
            "expected": pl.Float64,
            "z": pl.Float64,
            "velocity": pl.Float64,
            "reach": pl.Float64,
            "customers": pl.UInt32,
            "customer_value": pl.Float64,
            "terms": pl.String,
            "example_ids": pl.List(pl.Int64),
        }
    )
