"""BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam, Denizel & Filiztekin 2007).

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, alpha); after each
repeat purchase (BG/NBD), or also at the first one (MBG/NBD), they drop out with probability
p ~ Beta(a, b). The likelihood of one customer with ``x`` repeat purchases, the last at
``t_x``, observed for ``T`` periods is::

    A1 = lnΓ(r+x) − lnΓ(r) + r ln α
    A2 = lnΓ(a+b) + lnΓ(b+x+k) − lnΓ(b) − lnΓ(a+b+x+k)          k = 0 BG, 1 MBG
    L  = exp(A1 + A2) · [ (α+T)^−(r+x) + 1[x>0 or MBG] · a/(b+x−1+k) · (α+t_x)^−(r+x) ]

The fit evaluates the gamma-function terms once per distinct ``x`` and the logarithms once
per distinct ``T`` / ``t_x``, so the cost per evaluation is a few vector operations over the
distinct (x, t_x, T) rows; the gradient is analytic.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1

from retailpulse.understand.clv_base import (
    CLVFitter,
    FloatArray,
    frequency_recency_T,
    unique_rows,
)
from retailpulse.understand.clv_checks import check_transactions_fit_input, transaction_start

#: Rows per block of the row-level likelihood terms (keeps temporaries in cache).
_BLOCK = 8_192


class BetaGeo(CLVFitter):
    """BG/NBD purchase model; ``params_`` = {r, alpha, a, b}."""

    _param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    _columns: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")
    #: 0 for BG/NBD (no drop-out at the first purchase), 1 for MBG/NBD.
    _k: ClassVar[int] = 0

    def _validate(self, arrays: list[FloatArray]) -> None:
        check_transactions_fit_input(arrays, type(self).__name__)

    def _start(self, arrays: list[FloatArray], weights: FloatArray) -> FloatArray:
        r, alpha = transaction_start(arrays, weights)
        return np.array([r, alpha, 1.0, 2.0])

    def _precompute(self, arrays: list[FloatArray], weights: FloatArray) -> Any:
        x, tx, T = arrays
        ux, ix = np.unique(x, return_inverse=True)
        uT, iT = np.unique(T, return_inverse=True)
        utx, itx = np.unique(tx, return_inverse=True)
        # Sums over customers of terms that depend on x or T alone, as weights per value.
        by_x = np.bincount(ix, weights, len(ux))
        by_T = np.bincount(iT, weights, len(uT))
        by_T_x = np.bincount(iT, weights * x, len(uT))
        # Rows whose bracket has a second term (all for MBG, repeat buyers for BG).
        rows = np.ones_like(x, dtype=bool) if self._k else x > 0
        row = (ix[rows], iT[rows], itx[rows], weights[rows], x[rows])
        return float(weights.sum()), ux, uT, utx, by_x, by_T, by_T_x, row

    def _nll_and_grad(self, params: FloatArray, data: Any) -> tuple[float, FloatArray]:
        r, alpha, a, b = (float(v) for v in params)
        n, ux, uT, utx, by_x, by_T, by_T_x, (ix, iT, itx, w, x) = data
        k = self._k
        # Terms that depend on x only, once per distinct x.
        a12 = (
            gammaln(r + ux)
            - gammaln(r)
            + r * np.log(alpha)
            + gammaln(a + b)
            + gammaln(b + ux + k)
            - gammaln(b)
            - gammaln(a + b + ux + k)
        )
        d1_r = digamma(r + ux) - digamma(r) + np.log(alpha)
        d2_a = digamma(a + b) - digamma(a + b + ux + k)
        d2_b = digamma(a + b) + digamma(b + ux + k) - digamma(b) - digamma(a + b + ux + k)
        with np.errstate(divide="ignore", invalid="ignore"):
            bx = b + ux - 1 + k
            log_a_bx = np.where(ux + k > 0, np.log(a) - np.log(bx), -np.inf)
            inv_bx = np.where(ux + k > 0, 1.0 / bx, 0.0)
        lT, iaT = np.log(alpha + uT), 1.0 / (alpha + uT)
        ltx, iatx = np.log(alpha + utx), 1.0 / (alpha + utx)
        # ln L = A1 + A2 + A3 + softplus(d), d = ln(second term / first term).
        ll = float(np.dot(by_x, a12) - r * np.dot(by_T, lT) - np.dot(by_T_x, lT))
        g_r = float(np.dot(by_x, d1_r) - np.dot(by_T, lT))
        g_alpha = r / alpha * n - r * float(np.dot(by_T, iaT)) - float(np.dot(by_T_x, iaT))
        g_a = float(np.dot(by_x, d2_a))
        g_b = float(np.dot(by_x, d2_b))
        # Row-level part in cache-sized blocks.
        for lo in range(0, len(w), _BLOCK):
            sl = slice(lo, lo + _BLOCK)
            wb, xb, ib = w[sl], x[sl], ix[sl]
            diff = lT[iT[sl]]
            diff -= ltx[itx[sl]]
            rx = xb + r
            d = rx * diff
            d += log_a_bx[ib]
            e = np.abs(d)
            np.negative(e, out=e)
            np.exp(e, out=e)
            ll += float(np.dot(wb, np.maximum(d, 0.0))) + float(np.dot(wb, np.log1p(e)))
            w4 = np.where(d >= 0, 1.0, e)
            w4 *= wb
            w4 /= 1.0 + e
            g_r += float(np.dot(w4, diff))
            dia = iaT[iT[sl]]
            dia -= iatx[itx[sl]]
            dia *= rx
            g_alpha += float(np.dot(w4, dia))
            g_a += float(w4.sum()) / a
            g_b -= float(np.dot(w4, inv_bx[ib]))
        return -ll, -np.array([g_r, g_alpha, g_a, g_b])

    # --- predictions -----------------------------------------------------------------------------
    def _odds_dead(self, x: FloatArray, tx: FloatArray, T: FloatArray) -> FloatArray:
        r, alpha, a, b = self._p()
        k = self._k
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = a / (b + x - 1 + k) * np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + tx)))
        return np.where((x > 0) | (k > 0), odds, 0.0)

    def p_alive(self, summary: Any) -> FloatArray:
        """Probability each customer is still active at the end of observation."""
        x, tx, T = frequency_recency_T(summary, f"{type(self).__name__}.p_alive")
        (ux, utx, uT), inverse = unique_rows(x, tx, T)
        out = np.asarray(1.0 / (1.0 + self._odds_dead(ux, utx, uT)))
        return out if inverse is None else out[inverse]

    def expected_purchases(self, t: float, summary: Any = None) -> Any:
        """Expected repeat purchases in the next ``t`` periods, per customer of ``summary``
        (conditional on their history), or for a new customer when ``summary`` is None."""
        r, alpha, a, b = self._p()
        k = self._k
        if summary is None:
            z = t / (alpha + t)
            h = hyp2f1(r, b + k, a + b - 1 + k, z)
            lead = (a + b - 1) / (a - 1) if k == 0 else b / (a - 1)
            return float(lead * (1 - (alpha / (alpha + t)) ** r * h))
        x0, tx0, T0 = frequency_recency_T(summary, f"{type(self).__name__}.expected_purchases")
        (x, tx, T), inverse = unique_rows(x0, tx0, T0)
        zs = t / (alpha + T + t)
        hs = hyp2f1(r + x, b + x + k, a + b + x - 1 + k, zs)
        leads = (a + b + x - 1 + k) / (a - 1)
        decay = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
        out = np.asarray(leads * (1 - decay * hs) / (1.0 + self._odds_dead(x, tx, T)))
        return out if inverse is None else out[inverse]


class ModifiedBetaGeo(BetaGeo):
    """MBG/NBD: like BG/NBD but a customer may also drop out right after the first purchase,
    so customers with no repeat purchase are not assumed alive; ``params_`` = {r, alpha, a, b}.
    """

    _k: ClassVar[int] = 1

    def _start(self, arrays: list[FloatArray], weights: FloatArray) -> FloatArray:
        r, alpha = transaction_start(arrays, weights)
        return np.array([r, alpha, 1.0, 2.0])
