"""Satisfaction: net sentiment index, NPS, CSAT and review stars, with intervals and trends.

- **Net sentiment index (NSI)**: ``100 * (positive - negative) / messages`` over customers'
  inbound, non-spam messages; per aspect it uses the aspect's own polarity.
- **NPS**: ``100 * (promoters (9-10) - detractors (0-6)) / answers``.
- **CSAT**: share of answers scoring 4 or 5 (Wilson interval), and the mean score.
- **Stars**: mean review rating with a normal interval, and the share of 4-5 stars.

Every measure can be split by the dimensions of :mod:`retailpulse.understand.dimensions`
(channel, store, aspect, language, segment, tier, period, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from retailpulse.understand.dimensions import check_dimensions, check_period, sliced
from retailpulse.understand.inputs import (
    Moment,
    customer_attributes,
    in_period,
    inbound,
    require_columns,
    require_enriched,
    slim,
)
from retailpulse.understand.stats import (
    mean_exprs,
    net_score_exprs,
    two_sided_p,
    wilson_exprs,
    z_value,
)


def net_sentiment(
    messages: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    period: str = "week",
    since: Moment = None,
    until: Moment = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """Net sentiment index per group of ``by``: ``n, positive, negative, nsi, nsi_lo, nsi_hi``."""
    dims = check_dimensions(by, "net_sentiment")
    check_period(period, "net_sentiment")
    z = z_value(level)
    msgs = inbound(in_period(require_enriched(messages), "created_at", since, until))
    attrs = customer_attributes(customers, customer360)
    long = sliced(msgs, dims, attrs, period)
    agg = _counts(long, dims)
    return agg.with_columns(net_score_exprs("positive", "negative", "n", "nsi", z)).sort(
        dims or "n"
    )


def _counts(long: pl.DataFrame, dims: list[str]) -> pl.DataFrame:
    exprs = [
        pl.len().alias("n"),
        (pl.col("polarity") == "positive").sum().alias("positive"),
        (pl.col("polarity") == "negative").sum().alias("negative"),
    ]
    if dims:
        return long.group_by(dims).agg(exprs)
    out = long.select(exprs)
    return out if out["n"][0] else out.clear()


def nps(
    surveys: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    period: str = "month",
    since: Moment = None,
    until: Moment = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """NPS per group: ``n, promoters, passives, detractors, nps, nps_lo, nps_hi``.

    ``by`` may name survey columns (``channel``, ``store_id``) and ``period``.
    """
    require_columns(surveys, ("created_at", "nps"), "surveys")
    z = z_value(level)
    frame = _survey_frame(surveys, by, period, since, until, "nps")
    exprs = [
        pl.len().alias("n"),
        (pl.col("nps") >= 9).sum().alias("promoters"),
        ((pl.col("nps") >= 7) & (pl.col("nps") <= 8)).sum().alias("passives"),
        (pl.col("nps") <= 6).sum().alias("detractors"),
    ]
    agg = frame.group_by(list(by)).agg(exprs) if by else frame.select(exprs)
    agg = agg.filter(pl.col("n") > 0)
    return agg.with_columns(net_score_exprs("promoters", "detractors", "n", "nps", z)).sort(
        list(by) or "n"
    )


def csat(
    surveys: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    period: str = "month",
    since: Moment = None,
    until: Moment = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """CSAT per group: ``n, satisfied, csat (share 4-5), csat_lo, csat_hi, mean_score``."""
    require_columns(surveys, ("created_at", "csat"), "surveys")
    z = z_value(level)
    frame = _survey_frame(surveys, by, period, since, until, "csat")
    exprs = [
        pl.len().alias("n"),
        (pl.col("csat") >= 4).sum().alias("satisfied"),
        pl.col("csat").mean().alias("mean_score"),
    ]
    agg = frame.group_by(list(by)).agg(exprs) if by else frame.select(exprs)
    agg = agg.filter(pl.col("n") > 0)
    return agg.with_columns(wilson_exprs("satisfied", "n", "csat", z)).sort(list(by) or "n")


def _survey_frame(
    surveys: pl.DataFrame,
    by: Sequence[str],
    period: str,
    since: Moment,
    until: Moment,
    score: str,
) -> pl.DataFrame:
    every = check_period(period, score)
    frame = in_period(surveys, "created_at", since, until).filter(pl.col(score).is_not_null())
    if "period" in by:
        frame = frame.with_columns(pl.col("created_at").dt.truncate(every).alias("period"))
    require_columns(frame, [b for b in by if b != "period"], "surveys")
    return frame


def review_stars(
    messages: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    period: str = "month",
    since: Moment = None,
    until: Moment = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """Mean review stars per group: ``n, stars, stars_lo, stars_hi, top2 (share 4-5)``."""
    dims = check_dimensions(by, "review_stars")
    z = z_value(level)
    msgs = inbound(in_period(require_enriched(messages), "created_at", since, until))
    msgs = msgs.filter(pl.col("rating").is_not_null())
    long = sliced(msgs, dims, customer_attributes(customers, customer360), period)
    exprs = [*mean_exprs("rating", "stars", z), (pl.col("rating") >= 4).mean().alias("top2")]
    agg = long.group_by(dims).agg(exprs) if dims else long.select(exprs)
    return agg.filter(pl.col("n") > 0).sort(dims or "n")


def sentiment_trend(
    messages: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    period: str = "week",
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    since: Moment = None,
    until: Moment = None,
    level: float = 0.95,
    alpha: float = 0.01,
) -> pl.DataFrame:
    """NSI per period (and group) with the change from the previous period marked.

    ``change`` is the NSI difference from the previous period of the same group, ``p_value``
    a two-sample normal test of it, and ``significant`` is ``p_value < alpha`` (alpha 0.01 by
    default, a guard against the many comparisons a trend chart makes).
    """
    dims = [d for d in check_dimensions(by, "sentiment_trend") if d != "period"]
    table = net_sentiment(
        messages,
        [*dims, "period"],
        customer360=customer360,
        customers=customers,
        period=period,
        since=since,
        until=until,
        level=level,
    )
    if table.is_empty():
        return table.with_columns(
            pl.lit(None, pl.Float64).alias("change"),
            pl.lit(None, pl.Float64).alias("p_value"),
            pl.lit(False).alias("significant"),
        )
    table = table.sort([*dims, "period"])
    prev = [
        pl.col("nsi").shift(1).over(dims) if dims else pl.col("nsi").shift(1),
        pl.col("nsi_se").shift(1).over(dims) if dims else pl.col("nsi_se").shift(1),
    ]
    table = table.with_columns(prev[0].alias("_prev"), prev[1].alias("_prev_se"))
    diff = (table["nsi"] - table["_prev"]).to_numpy().astype(float)
    se = np.sqrt((table["nsi_se"] ** 2 + table["_prev_se"] ** 2).to_numpy().astype(float))
    p = two_sided_p(diff, se)
    return table.drop("_prev", "_prev_se").with_columns(
        pl.Series("change", diff).fill_nan(None),
        pl.Series("p_value", p),
        pl.Series("significant", p < alpha),
    )


def satisfaction_report(
    messages: pl.DataFrame,
    *,
    surveys: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    customer360: pl.DataFrame | None = None,
    since: Moment = None,
    until: Moment = None,
    period: str = "week",
    level: float = 0.95,
) -> dict[str, Any]:
    """All satisfaction measures as JSON-ready tables (the CLI and web page show this)."""
    messages = slim(in_period(messages, "created_at", since, until), text=False)
    kw: dict[str, Any] = {
        "customer360": customer360,
        "customers": customers,
        "since": since,
        "until": until,
        "level": level,
    }
    report: dict[str, Any] = {
        "overall": net_sentiment(messages, **kw).to_dicts(),
        "by_channel": net_sentiment(messages, ["channel"], **kw).to_dicts(),
        "by_aspect": net_sentiment(messages, ["aspect"], **kw).to_dicts(),
        "by_language": net_sentiment(messages, ["language"], **kw).to_dicts(),
        "by_store": net_sentiment(messages, ["store"], **kw).to_dicts(),
        "by_segment": net_sentiment(messages, ["segment"], **kw).to_dicts(),
        "trend": sentiment_trend(messages, period=period, **kw).to_dicts(),
        "stars": review_stars(messages, **kw).to_dicts(),
        "stars_by_channel": review_stars(messages, ["channel"], **kw).to_dicts(),
    }
    if surveys is not None and surveys.height:
        skw: dict[str, Any] = {"since": since, "until": until, "level": level}
        report["nps"] = nps(surveys, **skw).to_dicts() if "nps" in surveys.columns else []
        report["csat"] = csat(surveys, **skw).to_dicts() if "csat" in surveys.columns else []
        report["nps_trend"] = (
            nps(surveys, ["period"], **skw).to_dicts() if "nps" in surveys.columns else []
        )
    else:
        report["nps"] = report["csat"] = report["nps_trend"] = []
    return report
