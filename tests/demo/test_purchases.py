"""The purchase process is BG/NBD: checked against the model's closed form and by properties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import hyp2f1

from retailpulse.demo.purchases import Modifiers, _next_time, build_modifiers, simulate


def _expected_repeats(t: float, r: float, alpha: float, a: float, b: float) -> float:
    """E[X(t)] of BG/NBD (Fader, Hardie and Lee 2005, eq. 9)."""
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def test_repeat_purchases_match_the_bgnbd_closed_form() -> None:
    r, alpha, a, b = 0.9, 95.0, 1.8, 5.0
    n, horizon = 60_000, 365.0
    rng = np.random.default_rng(1)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    none = Modifiers(np.full((n, 0), np.inf), np.ones((n, 1)))
    cust, _ = simulate(np.zeros(n), lam, p, horizon, none, seed=2)
    repeats = (len(cust) - n) / n
    expected = _expected_repeats(horizon, r, alpha, a, b)
    assert abs(repeats - expected) / expected < 0.03


def test_a_rate_multiplier_scales_purchases_while_it_applies() -> None:
    n = 20_000
    lam = np.full(n, 0.05)
    p = np.zeros(n)
    rows = np.arange(n // 2)
    mods = build_modifiers(n, [], [(rows, 100.0, 200.0, 2.0)])
    cust, times = simulate(np.zeros(n), lam, p, 300.0, mods, seed=3)
    inside = (times >= 100) & (times < 200)
    treated = np.isin(cust, rows)
    ratio = inside[treated].sum() / inside[~treated].sum()
    assert abs(ratio - 2.0) < 0.15
    outside = (times > 0) & ~inside
    assert 0.93 < outside[treated].sum() / outside[~treated].sum() < 1.07


@settings(max_examples=60, deadline=None)
@given(
    t=st.floats(0, 50),
    e=st.floats(0.01, 5),
    lam=st.floats(0.01, 2),
    b1=st.floats(0, 60),
    gap=st.floats(0.1, 30),
    m1=st.floats(0.1, 3),
    m2=st.floats(0.1, 3),
)
def test_next_time_spends_exactly_the_drawn_hazard(
    t: float, e: float, lam: float, b1: float, gap: float, m1: float, m2: float
) -> None:
    breaks = np.array([[b1, b1 + gap]])
    mult = np.array([[1.0, m1, m2]])
    out = float(_next_time(np.array([t]), np.array([e]), np.array([lam]), breaks, mult)[0])
    assert out >= t
    # integrate the piecewise rate from t to out: it must equal e
    edges = [-np.inf, b1, b1 + gap, np.inf]
    hazard = 0.0
    for k in range(3):
        lo, hi = max(t, edges[k]), min(out, edges[k + 1])
        if hi > lo:
            hazard += lam * mult[0, k] * (hi - lo)
    assert abs(hazard - e) < 1e-6 * max(1.0, e)
