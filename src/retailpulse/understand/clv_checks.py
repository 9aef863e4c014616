"""Checks and starting values shared by the purchase-count models (BG/NBD, MBG, Pareto/NBD)."""

from __future__ import annotations

import numpy as np

from retailpulse.errors import InputError
from retailpulse.understand.clv_base import FloatArray


def check_transactions_fit_input(arrays: list[FloatArray], who: str) -> None:
    """Refuse summaries a purchase-count model cannot be fitted to, saying why."""
    x, tx, T = arrays
    problems = []
    if (x < 0).any() or (x != np.floor(x)).any():
        problems.append("frequency must be a whole number >= 0")
    if (tx < 0).any():
        problems.append("recency must be >= 0")
    if (tx > T).any():
        problems.append("recency must not exceed T")
    if ((x == 0) & (tx != 0)).any():
        problems.append("recency must be 0 when frequency is 0")
    if (T <= 0).all():
        problems.append("T must be > 0 for some customers")
    if problems:
        raise InputError(
            f"The summary passed to {who}.fit is not a frequency/recency/T summary: "
            f"{'; '.join(problems)}. Build it with rfm_summary()."
        )
    if len(x) < 2:
        raise InputError(
            f"{who} cannot be fitted to {len(x)} customer: it estimates how purchase rates and "
            "drop-out vary across customers, which needs many customers (hundreds or more)."
        )
    if not (x > 0).any():
        raise InputError(
            f"{who} cannot be fitted: none of the {len(x)} customers made a repeat purchase, "
            "so the data say nothing about purchase rates or drop-out. Use a longer "
            "observation period (a later observation_end or an earlier start)."
        )


def transaction_start(arrays: list[FloatArray], weights: FloatArray) -> tuple[float, float]:
    """Starting (r, alpha): shape 1 and the pooled repeat-purchase rate as the mean rate."""
    x, _tx, T = arrays
    total_x = float(np.dot(weights, x))
    total_t = float(np.dot(weights, T))
    rate = max(total_x / max(total_t, 1e-12), 1e-6)
    return 1.0, 1.0 / rate
