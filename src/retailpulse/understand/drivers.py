"""Key drivers of loyalty outcomes, measured in behaviour, with bootstrap intervals.

:func:`driver_features` builds one row per customer: the experiences before a cutoff
(the polarity they expressed per aspect, how fast the brand answered them, whether a campaign
targeted them, whether they posted positive UGC) and the outcomes after it (repeat purchase
within the horizon, spend, becoming a promoter, CLV change when two CLV columns are given).

:func:`key_drivers` splits the outcome's R² between the drivers: Johnson's relative weights
(default; Johnson 2000) or the exact Shapley decomposition of R² (Lindeman, Merenda & Gold;
feasible up to 14 drivers). Intervals come from a seeded bootstrap over customers. Each driver
also has a performance in [0, 1] and an impact × performance quadrant.
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from retailpulse.errors import InputError
from retailpulse.understand.inputs import (
    ASPECTS,
    Moment,
    customer_attributes,
    explode_aspects,
    inbound,
    require_columns,
    require_enriched,
    to_utc,
)
from retailpulse.understand.needs import first_responses

METHODS = ("relative_weights", "shapley")
OUTCOMES = (
    "repeat_purchase",
    "orders_next",
    "order_rate_change",
    "spend_next",
    "promoter",
    "clv_change",
)
#: Drivers whose value is a share in [0, 1]; the aspect drivers are polarities in [-1, 1].
SHARE_DRIVERS = ("fast_response", "campaign_contact", "ugc")


def _corr(x: NDArray[np.float64]) -> NDArray[np.float64]:
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    z = (x - x.mean(axis=0)) / sd
    c = (z.T @ z) / x.shape[0]
    np.fill_diagonal(c, 1.0)
    return np.asarray(c)


def _weighted_corr(x: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
    """Correlation matrix of the rows of ``x`` weighted by ``w`` (bootstrap counts)."""
    total = w.sum()
    mean = (w @ x) / total
    cov = ((x * w[:, None]).T @ x) / total - np.outer(mean, mean)
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    sd[sd == 0] = 1.0
    c = cov / np.outer(sd, sd)
    np.fill_diagonal(c, 1.0)
    return np.asarray(c)


def relative_weights(corr: NDArray[np.float64]) -> NDArray[np.float64]:
    """Johnson's relative weights from the correlation matrix of ``[drivers..., outcome]``.

    Returns one raw weight per driver; they sum to the model R².
    """
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 1e-10, None)
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.solve(lam, rxy)
    return np.asarray((lam**2) @ (beta**2))


def shapley_r2(corr: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exact Shapley decomposition of R² (average marginal R² gain over all orderings)."""
    p = corr.shape[0] - 1
    if p > 14:
        raise InputError(
            f"The exact Shapley decomposition handles at most 14 drivers. Got {p} instead; "
            "use method='relative_weights'."
        )
    r2: dict[int, float] = {0: 0.0}
    for size in range(1, p + 1):
        for subset in itertools.combinations(range(p), size):
            idx = list(subset)
            rxx = corr[np.ix_(idx, idx)]
            rxy = corr[idx, -1]
            sol = np.linalg.lstsq(rxx, rxy, rcond=None)[0]
            r2[sum(1 << i for i in idx)] = float(rxy @ sol)
    weights = np.zeros(p)
    fact = [math.factorial(i) for i in range(p + 1)]
    for mask, value in r2.items():
        size = bin(mask).count("1")
        for j in range(p):
            if mask & (1 << j):
                continue
            w = fact[size] * fact[p - size - 1] / fact[p]
            weights[j] += w * (r2[mask | (1 << j)] - value)
    return weights


def key_drivers(
    frame: pl.DataFrame,
    outcome: str,
    drivers: list[str] | None = None,
    *,
    method: str = "relative_weights",
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> pl.DataFrame:
    """Relative importance of ``drivers`` for ``outcome``, with bootstrap intervals.

    Returns per driver: ``importance`` (share of the explained R², sums to 1), ``raw`` (R²
    points), ``importance_lo/hi``, ``correlation`` (direction), ``performance`` in [0, 1],
    ``rank`` and ``quadrant`` (impact × performance). Rows with a null outcome are dropped;
    null drivers are filled with the driver's mean.
    """
    if method not in METHODS:
        raise InputError(
            f"The 'method' parameter of key_drivers must be one of {set(METHODS)}. "
            f"Got {method!r} instead.",
            field="method",
        )
    drivers = drivers or [c for c in frame.columns if c.startswith("aspect_") or c in SHARE_DRIVERS]
    require_columns(frame, [*drivers, outcome], "driver")
    data = frame.filter(pl.col(outcome).is_not_null())
    if data.height < len(drivers) + 10:
        raise InputError(
            f"Key drivers need at least {len(drivers) + 10} customers with a known "
            f"'{outcome}'; got {data.height}. Widen the period or import more transactions "
            "and surveys."
        )
    x = (
        data.select(
            [
                pl.col(d).cast(pl.Float64).fill_null(pl.col(d).cast(pl.Float64).mean())
                for d in drivers
            ]
        )
        .fill_null(0.0)
        .to_numpy()
    )
    y = data[outcome].cast(pl.Float64).to_numpy()
    xy = np.column_stack([x, y])
    decompose = relative_weights if method == "relative_weights" else shapley_r2
    raw = decompose(_corr(xy))
    rng = np.random.default_rng(seed)
    boots = np.empty((n_boot, len(drivers)))
    centred = xy - xy.mean(axis=0)
    for b in range(n_boot):
        counts = np.bincount(rng.integers(0, xy.shape[0], xy.shape[0]), minlength=xy.shape[0])
        w = decompose(_weighted_corr(centred, counts.astype(np.float64)))
        boots[b] = w / max(w.sum(), 1e-12)
    share = raw / max(raw.sum(), 1e-12)
    lo, hi = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2], axis=0)
    corr_y = _corr(xy)[:-1, -1]
    perf = np.array([_performance(d, x[:, i]) for i, d in enumerate(drivers)])
    table = pl.DataFrame(
        {
            "driver": drivers,
            "importance": share,
            "importance_lo": lo,
            "importance_hi": hi,
            "raw": raw,
            "correlation": corr_y,
            "performance": perf,
        }
    ).with_columns(pl.col("importance").rank("ordinal", descending=True).alias("rank"))
    imp_cut, perf_cut = float(np.mean(share)), float(np.median(perf))
    high_imp = pl.col("importance") >= imp_cut
    high_perf = pl.col("performance") >= perf_cut
    quadrant = (
        pl.when(high_imp & ~high_perf)
        .then(pl.lit("improve first"))
        .when(high_imp & high_perf)
        .then(pl.lit("strength to keep"))
        .when(~high_imp & high_perf)
        .then(pl.lit("maintain"))
        .otherwise(pl.lit("low priority"))
    )
    return (
        table.with_columns(quadrant.alias("quadrant"))
        .with_columns(pl.lit(outcome).alias("outcome"), pl.lit(float(raw.sum())).alias("r2"))
        .sort("rank")
    )


def _performance(driver: str, values: NDArray[np.float64]) -> float:
    """How well the retailer does on a driver, in [0, 1] (aspects: polarity rescaled)."""
    if driver in SHARE_DRIVERS:
        return float(np.clip(values.mean(), 0, 1))
    nonzero = values[values != 0]
    mean = float(nonzero.mean()) if nonzero.size else 0.0
    return (mean + 1.0) / 2.0


def driver_features(
    messages: pl.DataFrame,
    transactions: pl.DataFrame | None,
    *,
    cutoff: Moment,
    horizon_days: int = 90,
    lookback_days: int = 180,
    surveys: pl.DataFrame | None = None,
    campaigns: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    customer360: pl.DataFrame | None = None,
    fast_hours: float = 24.0,
) -> pl.DataFrame:
    """One row per linked customer: experiences before ``cutoff``, outcomes after it.

    Drivers: ``aspect_<a>`` (mean polarity the customer expressed about aspect a, 0 if never),
    ``fast_response`` (share of their messages the brand answered within ``fast_hours``),
    ``campaign_contact`` (a campaign targeted their segment), ``ugc`` (they posted a positive
    public post or review). Outcomes: ``repeat_purchase`` (ordered within ``horizon_days``
    after the cutoff), ``orders_next`` (orders in the horizon), ``order_rate_change`` (log of
    the customer's order rate in the horizon over their rate in the lookback: each customer
    is their own baseline), ``spend_next``, ``promoter`` (NPS 9-10 after the cutoff, null
    when not surveyed) and ``clv_change`` (when the 360 frame has ``clv`` and ``clv_before``).
    """
    at = to_utc(cutoff, "cutoff")
    if at is None:
        raise InputError("The 'cutoff' parameter of driver_features is required (a date).")
    start, end = at - timedelta(days=lookback_days), at + timedelta(days=horizon_days)
    msgs = inbound(require_enriched(messages)).filter(
        (pl.col("created_at") >= start) & (pl.col("created_at") < at)
    )
    linked = msgs.filter(pl.col("customer_id").is_not_null())
    base = linked.select("customer_id").unique()
    aspects = (
        explode_aspects(linked.select("id", "customer_id", "aspects"), keep=("id", "customer_id"))
        .group_by("customer_id")
        .agg(
            [
                pl.col("score").filter(pl.col("aspect") == a).mean().alias(f"aspect_{a}")
                for a in ASPECTS
            ]
        )
    )
    out = base.join(aspects, on="customer_id", how="left").with_columns(
        [pl.col(f"aspect_{a}").fill_null(0.0) for a in ASPECTS]
    )
    resp = first_responses(messages).filter(
        pl.col("customer_id").is_not_null()
        & (pl.col("created_at") >= start)
        & (pl.col("created_at") < at)
    )
    fast = resp.group_by("customer_id").agg(
        (pl.col("response_hours").fill_null(1e9) <= fast_hours).mean().alias("fast_response")
    )
    ugc = (
        linked.filter(
            pl.col("kind").is_in(["post", "review"]) & (pl.col("sentiment") == "positive")
        )
        .select("customer_id")
        .unique()
        .with_columns(pl.lit(1.0).alias("ugc"))
    )
    out = (
        out.join(fast, on="customer_id", how="left")
        .join(ugc, on="customer_id", how="left")
        .with_columns(pl.col("ugc").fill_null(0.0))
    )
    attrs = customer_attributes(customers, customer360)
    out = out.join(attrs.select("customer_id", "segment"), on="customer_id", how="left")
    out = out.with_columns(_campaign_contact(campaigns, at).alias("campaign_contact"))
    out = out.join(_outcomes(transactions, surveys, at, end), on="customer_id", how="left")
    if transactions is not None:
        before = (
            transactions.filter((pl.col("created_at") >= start) & (pl.col("created_at") < at))
            .group_by("customer_id")
            .agg(pl.len().cast(pl.Float64).alias("_before"))
        )
        out = (
            out.join(before, on="customer_id", how="left")
            .with_columns(
                (
                    ((pl.col("orders_next").fill_null(0.0) + 0.5) / horizon_days).log()
                    - ((pl.col("_before").fill_null(0.0) + 0.5) / lookback_days).log()
                ).alias("order_rate_change")
            )
            .drop("_before")
        )
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("order_rate_change"))
    if transactions is not None:
        out = out.with_columns(
            pl.col("repeat_purchase", "orders_next", "spend_next").fill_null(0.0)
        )
    if customer360 is not None and {"clv", "clv_before"} <= set(customer360.columns):
        change = customer360.select(
            "customer_id", (pl.col("clv") - pl.col("clv_before")).alias("clv_change")
        )
        out = out.join(change, on="customer_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("clv_change"))
    return out.drop("segment").sort("customer_id")


def _campaign_contact(campaigns: pl.DataFrame | None, at: datetime) -> pl.Expr:
    if campaigns is None or campaigns.is_empty() or "target_segment" not in campaigns.columns:
        return pl.lit(0.0)
    started = campaigns
    if "start" in campaigns.columns:
        started = campaigns.filter(pl.col("start").is_null() | (pl.col("start") < at))
    targets = started["target_segment"].drop_nulls().unique().to_list()
    if "all" in targets:
        return pl.lit(1.0)
    return pl.col("segment").is_in(targets).fill_null(False).cast(pl.Float64)


def _outcomes(
    transactions: pl.DataFrame | None,
    surveys: pl.DataFrame | None,
    at: datetime,
    end: datetime,
) -> pl.DataFrame:
    frames: list[pl.DataFrame] = []
    if transactions is not None:
        require_columns(transactions, ("customer_id", "created_at", "total"), "transactions")
        nxt = transactions.filter((pl.col("created_at") >= at) & (pl.col("created_at") < end))
        frames.append(
            nxt.group_by("customer_id").agg(
                pl.lit(1.0).alias("repeat_purchase"),
                pl.len().cast(pl.Float64).alias("orders_next"),
                pl.col("total").sum().alias("spend_next"),
            )
        )
    else:
        frames.append(
            pl.DataFrame(
                schema={
                    "customer_id": pl.String,
                    "repeat_purchase": pl.Float64,
                    "orders_next": pl.Float64,
                    "spend_next": pl.Float64,
                }
            )
        )
    if surveys is not None and "nps" in surveys.columns:
        later = surveys.filter(
            (pl.col("created_at") >= at)
            & (pl.col("created_at") < end)
            & pl.col("nps").is_not_null()
        )
        frames.append(
            later.sort("created_at")
            .group_by("customer_id")
            .agg((pl.col("nps").last() >= 9).cast(pl.Float64).alias("promoter"))
        )
    else:
        frames.append(pl.DataFrame(schema={"customer_id": pl.String, "promoter": pl.Float64}))
    return frames[0].join(frames[1], on="customer_id", how="full", coalesce=True)


def drivers_report(
    features: pl.DataFrame,
    *,
    outcomes: tuple[str, ...] = (
        "repeat_purchase",
        "order_rate_change",
        "promoter",
        "clv_change",
    ),
    method: str = "relative_weights",
    n_boot: int = 200,
    seed: int = 0,
) -> dict[str, Any]:
    """Key drivers of each outcome that has enough data; the others say why they are missing."""
    report: dict[str, Any] = {"customers": features.height, "outcomes": {}, "skipped": {}}
    for outcome in outcomes:
        known = features[outcome].drop_nulls().len() if outcome in features.columns else 0
        if known and features[outcome].drop_nulls().n_unique() > 1:
            try:
                table = key_drivers(features, outcome, method=method, n_boot=n_boot, seed=seed)
            except InputError as exc:
                report["skipped"][outcome] = exc.message
                continue
            report["outcomes"][outcome] = table.to_dicts()
        else:
            report["skipped"][outcome] = (
                f"No variation in '{outcome}' among {known} customers: import "
                + ("transactions" if outcome != "promoter" else "NPS surveys")
                + " after the cutoff."
            )
    return report
