"""Simulated customer populations with known parameters (tests and benchmarks).

Both simulators draw each customer's latent rates, then their observed summary directly: the
number of purchases in a window is Poisson, and given ``k`` purchases uniform on the window
the ``x``-th arrival time is ``window · Beta(x, k − x + 1)``. With ``discrete=True``, times are
floored to whole periods, as :func:`rfm_summary` reports them.
"""

from __future__ import annotations

import numpy as np
import polars as pl


def _summary(
    x: np.ndarray, tx: np.ndarray, T: np.ndarray, discrete: bool, rng: np.random.Generator
) -> pl.DataFrame:
    if discrete:
        T = np.floor(T)
        tx = np.minimum(np.floor(tx), T)
        tx = np.where(x > 0, tx, 0.0)
    return pl.DataFrame(
        {
            "customer_id": np.arange(len(x), dtype=np.int64),
            "frequency": x.astype(np.float64),
            "recency": tx,
            "T": T,
        }
    )


def simulate_beta_geo(
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: float | np.ndarray,
    *,
    seed: int = 0,
    discrete: bool = False,
) -> pl.DataFrame:
    """A BG/NBD population of ``n`` customers each observed for ``T`` periods."""
    rng = np.random.default_rng(seed)
    T_arr = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    # Repeat purchases made before dropping out: after each one, drop with probability p.
    lifetime_purchases = rng.geometric(p)
    k = rng.poisson(lam * T_arr)
    x = np.minimum(k, lifetime_purchases)
    tx = np.where(x > 0, T_arr * rng.beta(np.maximum(x, 1), np.maximum(k - x + 1, 1)), 0.0)
    return _summary(x, tx, T_arr, discrete, rng)


def simulate_pareto_nbd(
    n: int,
    r: float,
    alpha: float,
    s: float,
    beta: float,
    T: float | np.ndarray,
    *,
    seed: int = 0,
    discrete: bool = False,
) -> pl.DataFrame:
    """A Pareto/NBD population of ``n`` customers each observed for ``T`` periods."""
    rng = np.random.default_rng(seed)
    T_arr = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    window = np.minimum(rng.exponential(1.0 / mu), T_arr)
    x = rng.poisson(lam * window)
    # The last of x uniform arrivals in the window.
    tx = np.where(x > 0, window * rng.beta(np.maximum(x, 1), 1.0), 0.0)
    return _summary(x, tx, T_arr, discrete, rng)


def simulate_spend(
    frequency: np.ndarray, p: float, q: float, v: float, *, seed: int = 0
) -> np.ndarray:
    """Mean spend of each customer's ``frequency`` repeat purchases under Gamma-Gamma
    (0 where frequency is 0)."""
    rng = np.random.default_rng(seed)
    nu = rng.gamma(q, 1.0 / v, len(frequency))
    x = np.asarray(frequency, dtype=np.float64)
    total = rng.gamma(np.maximum(p * x, 1e-12), 1.0 / nu)
    return np.where(x > 0, total / np.maximum(x, 1), 0.0)
