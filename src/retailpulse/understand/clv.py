"""Customer lifetime value, in lifetimes' idiom but fast and strict.

Prepare a summary with :func:`rfm_summary` (or :func:`calibration_holdout`), fit a purchase
model (:class:`BetaGeo`, :class:`ModifiedBetaGeo`, :class:`ParetoNBD`) and the
:class:`GammaGamma` spend model, then :func:`customer_lifetime_value` discounts the expected
margin of each future month::

    CLV = Σ_{k=1..months} margin · E[spend] · (E[X(k months)] − E[X(k−1 months)]) / (1+d)^k

with ``d`` the monthly discount rate (lifetimes' formula, plus the margin). Models are saved
as versioned JSON (:meth:`CLVFitter.save`, :func:`load_model`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from retailpulse.errors import InputError, ModelError
from retailpulse.understand.clv_base import (
    CLVFitter,
    ConvergenceWarning,
    FloatArray,
    frequency_recency_T,
    unique_rows,
)
from retailpulse.understand.clv_bgnbd import BetaGeo, ModifiedBetaGeo
from retailpulse.understand.clv_gamma import GammaGamma
from retailpulse.understand.clv_pareto import ParetoNBD
from retailpulse.understand.rfm import calibration_holdout, rfm_summary

PurchaseModel = BetaGeo | ParetoNBD

#: Periods per month for each summary frequency (lifetimes' factors).
PERIODS_PER_MONTH = {"H": 30 * 24.0, "D": 30.0, "W": 4.345, "M": 1.0}

MODELS: dict[str, type[CLVFitter]] = {
    "BetaGeo": BetaGeo,
    "ModifiedBetaGeo": ModifiedBetaGeo,
    "ParetoNBD": ParetoNBD,
    "GammaGamma": GammaGamma,
}


def load_model(path: str | Path) -> CLVFitter:
    """Load any saved CLV model, whichever class wrote it."""
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"Cannot read the model file {path}: {exc}. Save it again.") from exc
    name = body.get("model") if isinstance(body, dict) else None
    if name not in MODELS:
        raise ModelError(
            f"The file {path} holds no known CLV model (model={name!r}). Known: "
            f"{', '.join(MODELS)}."
        )
    return MODELS[name].from_dict(body)


def customer_lifetime_value(
    purchase_model: PurchaseModel,
    spend_model: GammaGamma,
    summary: pl.DataFrame,
    *,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    freq: str = "D",
) -> FloatArray:
    """Discounted expected margin over the next ``months`` for each customer of ``summary``.

    ``discount_rate`` is per month; ``margin`` is the share of spend that is profit (1.0
    gives revenue); ``freq`` is the period unit the summary was built with.
    """
    if freq not in PERIODS_PER_MONTH:
        raise InputError(
            "The 'freq' parameter of customer_lifetime_value must be one of "
            f"{{{', '.join(PERIODS_PER_MONTH)}}}. Got '{freq}' instead.",
            field="freq",
        )
    if not (isinstance(months, int) and months >= 1):
        raise InputError(
            f"The 'months' parameter of customer_lifetime_value must be an integer >= 1. "
            f"Got {months!r} instead.",
            field="months",
        )
    if not (0 <= discount_rate < 1):
        raise InputError(
            "The 'discount_rate' parameter of customer_lifetime_value is a monthly rate in "
            f"[0, 1). Got {discount_rate!r} instead.",
            field="discount_rate",
        )
    if not (0 < margin <= 1):
        raise InputError(
            "The 'margin' parameter of customer_lifetime_value is the profit share of spend, "
            f"in (0, 1]. Got {margin!r} instead.",
            field="margin",
        )
    spend = spend_model.expected_spend(summary)
    factor = PERIODS_PER_MONTH[freq]
    # Expected purchases depend on (frequency, recency, T) only: discount them once per
    # distinct row, then multiply by each customer's expected spend.
    x, tx, T = frequency_recency_T(summary, "customer_lifetime_value")
    (ux, utx, uT), inverse = unique_rows(x, tx, T)
    distinct = pl.DataFrame({"frequency": ux, "recency": utx, "T": uT})
    discounted = np.zeros(distinct.height)
    previous = np.zeros(distinct.height)
    for k in range(1, months + 1):
        cumulative = purchase_model.expected_purchases(k * factor, distinct)
        discounted += (cumulative - previous) / (1 + discount_rate) ** k
        previous = cumulative
    if inverse is not None:
        discounted = discounted[inverse]
    return np.asarray(margin * spend * discounted)


def predict(
    purchase_model: PurchaseModel,
    summary: pl.DataFrame,
    *,
    horizon: float,
    spend_model: GammaGamma | None = None,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    freq: str = "D",
) -> pl.DataFrame:
    """``summary`` plus ``p_alive``, ``expected_purchases`` (next ``horizon`` periods) and,
    with a spend model, ``expected_spend`` (per purchase) and ``clv``."""
    cols: dict[str, Any] = {
        "p_alive": purchase_model.p_alive(summary),
        "expected_purchases": purchase_model.expected_purchases(horizon, summary),
    }
    if spend_model is not None:
        cols["expected_spend"] = spend_model.expected_spend(summary)
        cols["clv"] = customer_lifetime_value(
            purchase_model,
            spend_model,
            summary,
            months=months,
            discount_rate=discount_rate,
            margin=margin,
            freq=freq,
        )
    return summary.with_columns(
        pl.Series(k, np.asarray(v, dtype=np.float64)) for k, v in cols.items()
    )


def holdout_check(purchase_model: PurchaseModel, cal_hold: pl.DataFrame) -> pl.DataFrame:
    """Predicted versus actual holdout purchases per calibration frequency (0..6, 7+), the
    standard check of a fitted purchase model."""
    needed = ("frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout")
    missing = [c for c in needed if c not in cal_hold.columns]
    if missing:
        raise InputError(
            f"holdout_check needs the column '{missing[0]}'. Build the frame with "
            "calibration_holdout().",
            field=missing[0],
        )
    summary = cal_hold.select(
        pl.col("frequency_cal").alias("frequency"),
        pl.col("recency_cal").alias("recency"),
        pl.col("T_cal").alias("T"),
    )
    duration = float(cal_hold.get_column("duration_holdout")[0])
    predicted = purchase_model.expected_purchases(duration, summary)
    frame = pl.DataFrame(
        {
            "frequency_cal": cal_hold.get_column("frequency_cal")
            .clip(upper_bound=7)
            .cast(pl.Int64),
            "actual": cal_hold.get_column("frequency_holdout"),
            "predicted": predicted,
        }
    )
    return (
        frame.group_by("frequency_cal")
        .agg(pl.len().alias("customers"), pl.col("actual").mean(), pl.col("predicted").mean())
        .sort("frequency_cal")
    )


__all__ = [
    "PERIODS_PER_MONTH",
    "BetaGeo",
    "CLVFitter",
    "ConvergenceWarning",
    "GammaGamma",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "calibration_holdout",
    "customer_lifetime_value",
    "holdout_check",
    "load_model",
    "predict",
    "rfm_summary",
]
