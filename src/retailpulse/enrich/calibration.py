"""Calibrated sentiment probabilities: temperature scaling and its measures.

A linear head trained with little regularisation on separable text data is over-confident: the
shipped heads put more than 0.999 on 36-93% of the valid messages while being right on 87-92%.
Temperature scaling (Guo et al. 2017, "On calibration of modern neural networks") divides a
head's scores by one number fitted on held-out scores, which leaves every label unchanged and
makes the probabilities mean what they say. Pure functions over arrays.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize_scalar

#: Range of the fitted temperature (log scale).
_LOG_T = (-2.0, 4.0)


def _log_softmax(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    z = z - z.max(axis=1, keepdims=True)
    out: npt.NDArray[np.float64] = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return out


def nll(
    scores: npt.ArrayLike,
    y: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    temperature: float = 1.0,
) -> float:
    """Mean (weighted) negative log-likelihood of labels ``y`` (column indices) under
    ``softmax(scores / temperature)``."""
    z = np.asarray(scores, dtype=np.float64) / temperature
    yi = np.asarray(y, dtype=np.int64)
    w = np.ones(len(yi)) if weights is None else np.asarray(weights, dtype=np.float64)
    lp = _log_softmax(z)[np.arange(len(yi)), yi]
    return float(-(w * lp).sum() / w.sum())


def fit_temperature(
    scores: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> float:
    """The temperature that minimises the (weighted) NLL of held-out ``scores``."""
    z = np.asarray(scores, dtype=np.float64)
    if len(z) == 0:
        return 1.0
    res = minimize_scalar(
        lambda log_t: nll(z, y, weights, float(np.exp(log_t))), bounds=_LOG_T, method="bounded"
    )
    return float(np.exp(res.x))


def expected_calibration_error(probs: npt.ArrayLike, y: npt.ArrayLike, bins: int = 10) -> float:
    """ECE: the gap between confidence (top probability) and accuracy, averaged over
    ``bins`` equal-width confidence bins weighted by their share of the rows."""
    p = np.asarray(probs, dtype=np.float64)
    if len(p) == 0:
        return 0.0
    conf = p.max(axis=1)
    correct = p.argmax(axis=1) == np.asarray(y)
    which = np.minimum((conf * bins).astype(np.int64), bins - 1)
    total = 0.0
    for b in range(bins):
        rows = which == b
        if rows.any():
            total += abs(conf[rows].mean() - correct[rows].mean()) * rows.mean()
    return float(total)
