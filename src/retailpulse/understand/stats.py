"""Interval and test helpers shared by the voice-of-customer measures.

Net scores (net sentiment index, NPS) are means of a variable taking -1, 0 or +1, so their
standard error is ``sqrt((p+ + p- - (p+ - p-)^2) / n)``; proportions use the Wilson interval;
rates use the log rate-ratio normal approximation. All intervals are two-sided at ``level``.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy import stats as sps

from retailpulse.errors import InputError


def z_value(level: float) -> float:
    """Two-sided normal quantile for a confidence ``level`` in (0, 1)."""
    if not 0.5 <= level < 1.0:
        raise InputError(
            f"The 'level' parameter must be in [0.5, 1). Got {level!r} instead.", field="level"
        )
    return float(sps.norm.ppf(0.5 + level / 2.0))


def net_score_exprs(pos: str, neg: str, n: str, prefix: str, z: float) -> list[pl.Expr]:
    """Expressions adding ``{prefix}``, ``{prefix}_lo``, ``{prefix}_hi`` (x100 scale).

    ``pos``/``neg``/``n`` name count columns; the score is ``100 * (pos - neg) / n``.
    """
    p_pos = pl.col(pos) / pl.col(n)
    p_neg = pl.col(neg) / pl.col(n)
    score = p_pos - p_neg
    var = (p_pos + p_neg - score * score).clip(lower_bound=0.0)
    se = (var / pl.col(n)).sqrt()
    # A tiny-sample floor so an all-positive group of 3 does not get a zero-width interval.
    se = pl.max_horizontal(se, 1.0 / (pl.col(n) + 1.0))
    return [
        (100 * score).alias(prefix),
        (100 * se).alias(f"{prefix}_se"),
        (100 * (score - z * se).clip(-1.0, 1.0)).alias(f"{prefix}_lo"),
        (100 * (score + z * se).clip(-1.0, 1.0)).alias(f"{prefix}_hi"),
    ]


def wilson(k: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (``(0, 1)`` when ``n`` is 0)."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_exprs(k: str, n: str, prefix: str, z: float) -> list[pl.Expr]:
    """Expressions adding ``{prefix}``, ``{prefix}_lo``, ``{prefix}_hi`` for ``k / n``."""
    nn = pl.col(n).cast(pl.Float64)
    p = pl.col(k) / nn
    denom = 1 + z * z / nn
    centre = (p + z * z / (2 * nn)) / denom
    half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).sqrt() / denom
    return [
        p.alias(prefix),
        (centre - half).clip(lower_bound=0.0).alias(f"{prefix}_lo"),
        (centre + half).clip(upper_bound=1.0).alias(f"{prefix}_hi"),
    ]


def mean_exprs(value: str, prefix: str, z: float) -> list[pl.Expr]:
    """Aggregations: ``{prefix}`` mean of ``value`` with a normal interval and ``n``."""
    v = pl.col(value).drop_nulls()
    n = v.count()
    se = v.std() / n.cast(pl.Float64).sqrt()
    return [
        n.alias("n"),
        v.mean().alias(prefix),
        (v.mean() - z * se).alias(f"{prefix}_lo"),
        (v.mean() + z * se).alias(f"{prefix}_hi"),
    ]


def two_sided_p(diff: NDArray[np.float64], se: NDArray[np.float64]) -> NDArray[np.float64]:
    """p-values of a normal test of ``diff / se`` (1.0 where ``se`` is 0 or missing)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        zs = np.abs(diff) / se
    p = 2.0 * sps.norm.sf(zs)
    return np.where(np.isfinite(p), p, 1.0)


def rate_ratio(
    count_a: float, exposure_a: float, count_b: float, exposure_b: float, z: float = 1.96
) -> tuple[float, float, float]:
    """Ratio of two Poisson rates (a over b) with a log-normal interval (0.5 added to counts)."""
    if exposure_a <= 0 or exposure_b <= 0:
        return float("nan"), float("nan"), float("nan")
    ca, cb = count_a + 0.5, count_b + 0.5
    ratio = (ca / exposure_a) / (cb / exposure_b)
    se = math.sqrt(1 / ca + 1 / cb)
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)


def bootstrap_mean_diff(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    *,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Difference of means ``mean(a) - mean(b)`` with a percentile bootstrap interval."""
    if a.size == 0 or b.size == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    ia = rng.integers(0, a.size, size=(n_boot, min(a.size, 20_000)))
    ib = rng.integers(0, b.size, size=(n_boot, min(b.size, 20_000)))
    # Resampling at most 20k per side keeps the cost flat; the se is rescaled to the full n.
    diffs = a[ia].mean(axis=1) - b[ib].mean(axis=1)
    scale_a = math.sqrt(min(a.size, 20_000) / a.size)
    scale_b = math.sqrt(min(b.size, 20_000) / b.size)
    centre = float(a.mean() - b.mean())
    spread = (diffs - diffs.mean()) * max(scale_a, scale_b)
    lo_q, hi_q = np.quantile(spread, [(1 - level) / 2, (1 + level) / 2])
    return centre, centre + float(lo_q), centre + float(hi_q)


def coverage_level(share: float) -> str:
    """Words for a data-coverage share: high (>= 0.6), medium (>= 0.3), low."""
    if share >= 0.6:
        return "high"
    if share >= 0.3:
        return "medium"
    return "low"
