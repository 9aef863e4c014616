"""What every CLV fitter shares: input checks, the unique-row compression, the bounded
log-parameter L-BFGS fit with convergence checks, and versioned JSON persistence.

A fitter subclass supplies ``_columns`` (the summary columns it reads), ``_param_names``,
``_start`` (starting values) and ``_nll_and_grad`` (weighted negative log-likelihood of the
unique rows and its gradient with respect to the *natural* parameters).
"""

from __future__ import annotations

import json
import math
import warnings
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from retailpulse.errors import InputError, MissingColumnError, ModelError, NotFittedError

FloatArray = NDArray[np.float64]

#: Version of the JSON written by :meth:`CLVFitter.to_json`; bumped when its shape changes.
FORMAT_VERSION = 1
FORMAT_NAME = "retailpulse.clv"

#: Parameters are fitted as logs within these bounds; a fit ending on one is reported.
LOG_BOUND = math.log(1e-6), math.log(1e6)
#: Largest gradient (of the mean log-likelihood in log parameters) accepted as converged.
GRAD_TOL = 1e-5


class ConvergenceWarning(UserWarning):
    """A fit ended without meeting the convergence test (only with ``on_failure='warn'``)."""


def _check_frame(frame: pl.DataFrame, columns: tuple[str, ...], who: str) -> None:
    if not isinstance(frame, pl.DataFrame):
        raise InputError(
            f"{who} takes a polars DataFrame with columns {', '.join(columns)}. "
            f"Got {type(frame).__name__} instead; build it with rfm_summary()."
        )
    for col in columns:
        if col not in frame.columns:
            raise MissingColumnError(
                f"{who} needs the column '{col}', which the summary does not have "
                f"(it has: {', '.join(frame.columns)}). Build the summary with rfm_summary().",
                field=col,
            )


def summary_arrays(frame: pl.DataFrame, columns: tuple[str, ...], who: str) -> list[FloatArray]:
    """The given summary columns as float arrays, refusing nulls, NaN and infinities."""
    _check_frame(frame, columns, who)
    out: list[FloatArray] = []
    for col in columns:
        series = frame.get_column(col)
        if not series.dtype.is_numeric():
            raise InputError(f"The '{col}' column passed to {who} must be numeric.", field=col)
        arr = series.cast(pl.Float64).to_numpy()
        if series.null_count() or not np.isfinite(arr).all():
            bad = int(series.null_count() + (~np.isfinite(arr)).sum())
            raise InputError(
                f"{bad} rows of '{col}' passed to {who} are missing, NaN or infinite. "
                "Fix or drop those customers first.",
                field=col,
            )
        out.append(np.ascontiguousarray(arr, dtype=np.float64))
    return out


def _integer_compress(arrays: list[FloatArray]) -> tuple[list[FloatArray], FloatArray] | None:
    """Unique rows through one int64 key when every column holds small whole numbers (the
    usual case for period-based summaries); ``None`` otherwise."""
    sizes = []
    for arr in arrays:
        if len(arr) == 0 or arr.min() < 0 or arr.max() >= 2**20:
            return None
        if not np.array_equal(arr, np.floor(arr)):
            return None
        sizes.append(int(arr.max()) + 1)
    if math.prod(sizes) >= 2**62:
        return None
    key = np.zeros(len(arrays[0]), dtype=np.int64)
    for arr, size in zip(arrays, sizes, strict=True):
        key = key * size + arr.astype(np.int64)
    uniq, counts = np.unique(key, return_counts=True)
    out: list[FloatArray] = []
    for size in reversed(sizes):
        out.append((uniq % size).astype(np.float64))
        uniq = uniq // size
    return out[::-1], counts.astype(np.float64)


def compress(
    frame: pl.DataFrame, columns: tuple[str, ...], arrays: list[FloatArray] | None = None
) -> tuple[list[FloatArray], FloatArray]:
    """Unique rows of ``columns`` and how many customers share each (the fit's weights)."""
    if arrays is not None:
        fast = _integer_compress(arrays)
        if fast is not None:
            return fast
    uniq = frame.select(pl.col(c).cast(pl.Float64) for c in columns).group_by(columns).len()
    out = [uniq.get_column(c).to_numpy().astype(np.float64) for c in columns]
    return out, uniq.get_column("len").to_numpy().astype(np.float64)


class CLVFitter(ABC):
    """Base of the CLV fitters (estimator contract: ``__init__`` stores settings only)."""

    _param_names: ClassVar[tuple[str, ...]] = ()
    _columns: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, *, penalizer: float = 0.0, max_iter: int = 500, on_failure: str = "raise"
    ) -> None:
        self.penalizer = penalizer
        self.max_iter = max_iter
        self.on_failure = on_failure

    # --- what subclasses provide -------------------------------------------------------------
    def _validate(self, arrays: list[FloatArray]) -> None:
        """Model-specific checks of the summary arrays (raise InputError); none by default."""
        return None

    @abstractmethod
    def _start(self, arrays: list[FloatArray], weights: FloatArray) -> FloatArray:
        """Starting values of the natural parameters."""

    def _precompute(self, arrays: list[FloatArray], weights: FloatArray) -> Any:
        """What the likelihood needs from the unique rows, computed once per fit."""
        return arrays, weights

    @abstractmethod
    def _nll_and_grad(self, params: FloatArray, data: Any) -> tuple[float, FloatArray]:
        """Weighted sum of negative log-likelihoods and its gradient in natural parameters."""

    # --- the fit ---------------------------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        """The settings of this fitter (what a run records as provenance)."""
        return {
            "penalizer": self.penalizer,
            "max_iter": self.max_iter,
            "on_failure": self.on_failure,
        }

    def _check_settings(self) -> None:
        name = type(self).__name__
        if self.on_failure not in ("raise", "warn"):
            raise InputError(
                f"The 'on_failure' parameter of {name} must be one of {{'raise', 'warn'}}. "
                f"Got '{self.on_failure}' instead.",
                field="on_failure",
            )
        if not (math.isfinite(self.penalizer) and self.penalizer >= 0):
            raise InputError(
                f"The 'penalizer' parameter of {name} must be a number >= 0. "
                f"Got {self.penalizer!r} instead.",
                field="penalizer",
            )

    def fit(self, summary: pl.DataFrame) -> Self:
        """Fit by maximum likelihood on the unique rows of ``summary``; returns ``self``."""
        self._check_settings()
        name = type(self).__name__
        arrays = summary_arrays(summary, self._columns, f"{name}.fit")
        self._validate(arrays)
        uniq, weights = compress(summary, self._columns, arrays)
        n = float(weights.sum())
        start = np.log(self._start(uniq, weights))
        start = np.clip(start, LOG_BOUND[0] + 1.0, LOG_BOUND[1] - 1.0)
        pen = self.penalizer
        data = self._precompute(uniq, weights)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            params = np.exp(theta)
            nll, grad = self._nll_and_grad(params, data)
            value = nll / n + pen * float(np.sum(params**2))
            g = (grad / n + 2.0 * pen * params) * params
            if not math.isfinite(value) or not np.isfinite(g).all():
                return math.inf, np.zeros_like(theta)
            return value, g

        # The optimiser works on 3-5 numbers: BLAS threads only add start-up cost (10x on a
        # busy machine), so it runs single-threaded.
        with threadpool_limits(1, "blas"):
            res = minimize(
                objective,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=[LOG_BOUND] * len(start),
                options={"maxiter": self.max_iter, "gtol": 1e-9, "ftol": 1e-13},
            )
        params = np.exp(res.x)
        problems: list[str] = []
        at_bound = [
            p
            for p, t in zip(self._param_names, res.x, strict=True)
            if min(abs(t - LOG_BOUND[0]), abs(t - LOG_BOUND[1])) < 1e-3
        ]
        if at_bound:
            problems.append(
                f"{', '.join(at_bound)} ran to the bound [1e-6, 1e6], so the data do not "
                "identify them"
            )
        grad_norm = float(np.max(np.abs(res.jac))) if res.jac is not None else math.nan
        # L-BFGS-B reports an abnormal line search when it cannot improve on a point that is
        # already optimal to machine precision; the gradient is the real test.
        if not at_bound and not (grad_norm < GRAD_TOL):
            reason = "" if res.success else f" ({res.message})"
            problems.append(f"the gradient is still {grad_norm:.2g} at the end{reason}")
        self.params_ = dict(zip(self._param_names, (float(p) for p in params), strict=True))
        self.log_likelihood_ = -float(self._nll_and_grad(params, data)[0])
        self.n_customers_ = int(n)
        self.n_unique_rows_ = len(weights)
        self.n_iterations_ = int(res.nit)
        self.converged_ = not problems
        if problems:
            msg = (
                f"{name} did not converge on {int(n)} customers: {'; '.join(problems)}. "
                "Use more customers or a longer observation period, or set a small penalizer "
                "(e.g. 0.001)."
            )
            if self.on_failure == "raise":
                raise ModelError(msg)
            warnings.warn(msg, ConvergenceWarning, stacklevel=2)
        return self

    # --- state -----------------------------------------------------------------------------------
    def _require_fit(self) -> dict[str, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet. Call fit(summary) or load "
                "saved parameters first."
            )
        return self.params_

    def _p(self) -> tuple[float, ...]:
        params = self._require_fit()
        return tuple(params[k] for k in self._param_names)

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"<{type(self).__name__}: not fitted>"
        ps = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"<{type(self).__name__}: {ps}; fitted on {self.n_customers_} customers>"

    def summary_dict(self) -> dict[str, Any]:
        """Parameters and fit diagnostics as plain JSON-ready values."""
        self._require_fit()
        return {
            "model": type(self).__name__,
            "params": dict(self.params_),
            "log_likelihood": self.log_likelihood_,
            "n_customers": self.n_customers_,
            "n_unique_rows": self.n_unique_rows_,
            "n_iterations": self.n_iterations_,
            "converged": self.converged_,
            "settings": self.get_params(),
        }

    def to_json(self) -> str:
        """The fitted model as versioned JSON (never a pickle)."""
        body = {"format": FORMAT_NAME, "version": FORMAT_VERSION, **self.summary_dict()}
        return json.dumps(body, indent=2, sort_keys=True)

    def save(self, path: str | Path) -> None:
        """Write :meth:`to_json` to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> CLVFitter:
        """Rebuild a fitted model from :meth:`summary_dict` / the saved JSON."""
        if body.get("format") != FORMAT_NAME or body.get("version") != FORMAT_VERSION:
            raise ModelError(
                f"Not a {FORMAT_NAME} v{FORMAT_VERSION} model (format={body.get('format')!r}, "
                f"version={body.get('version')!r}). Refit the model with this version."
            )
        if body.get("model") != cls.__name__:
            raise ModelError(
                f"The file holds a {body.get('model')} model, not a {cls.__name__}. "
                f"Load it with {body.get('model')}.load() or clv.load_model()."
            )
        params = body.get("params", {})
        if set(params) != set(cls._param_names) or not all(
            isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in params.values()
        ):
            raise ModelError(
                f"The saved {cls.__name__} parameters {params} are not the positive finite "
                f"values of {', '.join(cls._param_names)}. Refit and save again."
            )
        model = cls(**body.get("settings", {}))
        model.params_ = {k: float(params[k]) for k in cls._param_names}
        model.log_likelihood_ = float(body.get("log_likelihood", math.nan))
        model.n_customers_ = int(body.get("n_customers", 0))
        model.n_unique_rows_ = int(body.get("n_unique_rows", 0))
        model.n_iterations_ = int(body.get("n_iterations", 0))
        model.converged_ = bool(body.get("converged", False))
        return model

    @classmethod
    def from_json(cls, text: str) -> CLVFitter:
        """Parse :meth:`to_json` output."""
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"The model file is not valid JSON ({exc}). Save it again.") from exc
        return cls.from_dict(body)

    @classmethod
    def load(cls, path: str | Path) -> CLVFitter:
        """Read a model written by :meth:`save`."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"Cannot read the model file {path}: {exc}.") from exc
        return cls.from_json(text)


def unique_rows(*arrays: FloatArray) -> tuple[list[FloatArray], NDArray[np.intp] | None]:
    """Distinct rows of whole-number arrays and the index mapping each row back (``None``
    when the arrays are not small whole numbers): predictions are computed once per row."""
    sizes = []
    for arr in arrays:
        if len(arr) < 1000 or arr.min() < 0 or arr.max() >= 2**20:
            return list(arrays), None
        if not np.array_equal(arr, np.floor(arr)):
            return list(arrays), None
        sizes.append(int(arr.max()) + 1)
    if math.prod(sizes) >= 2**62:
        return list(arrays), None
    key = np.zeros(len(arrays[0]), dtype=np.int64)
    for arr, size in zip(arrays, sizes, strict=True):
        key = key * size + arr.astype(np.int64)
    uniq, inverse = np.unique(key, return_inverse=True)
    out: list[FloatArray] = []
    for size in reversed(sizes):
        out.append((uniq % size).astype(np.float64))
        uniq = uniq // size
    return out[::-1], inverse


def frequency_recency_T(
    summary: pl.DataFrame, who: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The frequency, recency and T arrays of a summary, checked for consistency."""
    x, tx, T = summary_arrays(summary, ("frequency", "recency", "T"), who)
    problems = []
    if (x < 0).any() or (x != np.floor(x)).any():
        problems.append("frequency must be a whole number >= 0")
    if (tx < 0).any():
        problems.append("recency must be >= 0")
    if (tx > T).any():
        problems.append("recency must not exceed T")
    if ((x == 0) & (tx != 0)).any():
        problems.append("recency must be 0 when frequency is 0")
    if problems:
        raise InputError(
            f"The summary passed to {who} is not a frequency/recency/T summary: "
            f"{'; '.join(problems)}. Build it with rfm_summary()."
        )
    return x, tx, T
