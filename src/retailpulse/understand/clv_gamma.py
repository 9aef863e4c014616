"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie's note on it).

Each purchase of a customer is worth z ~ Gamma(p, ν) with the customer's own scale
ν ~ Gamma(q, γ) (``v`` = γ here, as in lifetimes). With ``x`` repeat purchases averaging
``m``, the log-likelihood of that mean is::

    lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm + v)

Only customers with a repeat purchase (x > 0) inform the fit; the model assumes spend does not
depend on purchase frequency. The expected spend per purchase of a customer shrinks their own
mean toward the population mean ``p v / (q − 1)``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import polars as pl
from scipy.special import digamma, gammaln

from retailpulse.errors import InputError, ModelError
from retailpulse.understand.clv_base import CLVFitter, FloatArray, summary_arrays

_COLS = ("frequency", "monetary_value")


class GammaGamma(CLVFitter):
    """Gamma-Gamma spend model; ``params_`` = {p, q, v}. Fit on a summary with
    ``frequency`` and ``monetary_value``; rows with frequency 0 are left out."""

    _param_names: ClassVar[tuple[str, ...]] = ("p", "q", "v")
    _columns: ClassVar[tuple[str, ...]] = _COLS

    def fit(self, summary: pl.DataFrame) -> Self:
        """Fit on the repeat customers of ``summary``; returns ``self``."""
        x, m = summary_arrays(summary, _COLS, "GammaGamma.fit")
        repeat = summary.filter(pl.col("frequency") > 0)
        if repeat.height < 2:
            raise InputError(
                f"GammaGamma cannot be fitted: {repeat.height} customer(s) made a repeat "
                "purchase, and the spend model learns only from repeat purchases. Use a longer "
                "observation period or more customers."
            )
        if (m[x > 0] <= 0).any():
            raise InputError(
                "GammaGamma needs a monetary_value > 0 for every customer with frequency > 0; "
                f"{int((m[x > 0] <= 0).sum())} have 0 or less (returns netted to nothing?). "
                "Drop those customers or build the summary with nonpositive='drop'."
            )
        super().fit(repeat)
        return self

    def _start(self, arrays: list[FloatArray], weights: FloatArray) -> FloatArray:
        _x, m = arrays
        mean = float(np.dot(weights, m) / weights.sum())
        return np.array([1.0, 2.0, mean])

    def _precompute(self, arrays: list[FloatArray], weights: FloatArray) -> Any:
        x, m = arrays
        ux, ix = np.unique(x, return_inverse=True)
        by_x = np.bincount(ix, weights, len(ux))
        # Sums that do not depend on the parameters.
        w_x_logm = float(np.dot(weights * x, np.log(m)))
        w_logm = float(np.dot(weights, np.log(m)))
        w_x_logx = float(np.dot(weights * x, np.log(x)))
        return x, m, weights, ux, ix, by_x, w_x_logm, w_logm, w_x_logx

    def _nll_and_grad(self, params: FloatArray, data: Any) -> tuple[float, FloatArray]:
        x, m, w, ux, _ix, by_x, w_x_logm, w_logm, w_x_logx = data
        p, q, v = (float(t) for t in params)
        n = float(w.sum())
        # Gamma-function terms once per distinct frequency.
        pux = p * ux
        g_terms = gammaln(pux + q) - gammaln(pux) - gammaln(q)
        d_pq = digamma(pux + q)
        d_p = ux * (d_pq - digamma(pux))
        d_q = d_pq - digamma(q)
        log_xm_v = np.log(x * m + v)
        px_q = p * x + q
        ll = (
            float(np.dot(by_x, g_terms))
            + q * np.log(v) * n
            + p * w_x_logm
            - w_logm
            + p * w_x_logx
            - float(np.dot(w * px_q, log_xm_v))
        )
        g_p = float(np.dot(by_x, d_p)) + w_x_logm + w_x_logx - float(np.dot(w * x, log_xm_v))
        g_q = float(np.dot(by_x, d_q)) + np.log(v) * n - float(np.dot(w, log_xm_v))
        g_v = q / v * n - float(np.dot(w * px_q, 1.0 / (x * m + v)))
        return -ll, -np.array([g_p, g_q, g_v])

    def population_mean_spend(self) -> float:
        """Expected spend per purchase of a customer we know nothing about, p v / (q − 1)."""
        p, q, v = self._p()
        if q <= 1:
            raise ModelError(
                f"The fitted q = {q:.3g} is <= 1, so the population mean spend is infinite. "
                "Check the monetary values for extreme outliers and refit."
            )
        return p * v / (q - 1)

    def expected_spend(self, summary: pl.DataFrame) -> FloatArray:
        """Expected spend per future purchase of each customer of ``summary``."""
        x, m = summary_arrays(summary, _COLS, "GammaGamma.expected_spend")
        p, q, _v = self._p()
        pop = self.population_mean_spend()
        weight = p * x / (p * x + q - 1)
        return np.asarray((1 - weight) * pop + weight * m)
