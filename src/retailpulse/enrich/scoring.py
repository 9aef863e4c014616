"""Raw head scores for a batch: clause features once, message scores by summing clauses.

A message is cut into clauses (:func:`retailpulse.enrich.text.clauses`); each clause gets its
hashed features and the product with all heads' weights in one pass. Because the heads are
linear, a message's score is the sum of its clauses' raw scores divided by
``sqrt(number of features of the message)``, which is exactly the score of the message's summed
feature vector: training (:func:`message_matrix`) and prediction use the same features.

The clauses' raw scores come from the compiled kernel of
:mod:`retailpulse.enrich.scoring_kernel` (hashing and gathering in one pass, from the model's
int8 weights) when Numba can be imported, else from the NumPy path below
(:func:`~retailpulse.enrich.features.feature_blocks` and one sparse product per block), which
stays the reference the kernel is tested against. The two agree to float32 rounding (about
1e-6 relative), the feature counts exactly.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import numpy.typing as npt
import polars as pl
import scipy.sparse as sp

from retailpulse.enrich.features import block_matrices, feature_blocks
from retailpulse.enrich.model import LinearModel
from retailpulse.enrich.text import clauses


@dataclass
class Scores:
    """Raw (pre-activation, bias included) scores of one batch."""

    clause_rows: npt.NDArray[np.int64]  # message index of each clause
    clause_text: pl.Series  # normalised clauses
    clause: npt.NDArray[np.float32]  # (n_clauses, n_outputs), scaled per clause
    message: npt.NDArray[np.float32]  # (n_messages, n_outputs), scaled per message


def _counts(
    blocks: list[tuple[np.ndarray, np.ndarray]], n: int, bits: int
) -> npt.NDArray[np.float64]:
    """Features per text (n-grams that cross two texts, the blank bucket, do not count)."""
    counts = np.zeros(n, dtype=np.float64)
    for rows, cols in blocks:
        counts += np.bincount(rows[cols < (1 << bits)], minlength=n)
    return counts


#: Batches with at least this many clauses are scored in two threads.
PARALLEL_MIN = 4_000

#: Score with the compiled kernel when Numba can be imported (``False``: always the NumPy path).
USE_KERNEL = True

_kernel_module: list[ModuleType | None] = []
_kernel_lock = threading.Lock()


def _kernel() -> ModuleType | None:
    """:mod:`retailpulse.enrich.scoring_kernel`, imported on first use (it imports Numba), or
    ``None`` where Numba cannot be imported."""
    with _kernel_lock:  # the two halves of a first batch ask at once
        if not _kernel_module:
            try:
                from retailpulse.enrich import scoring_kernel
            except ImportError:  # Numba missing, or built for another NumPy
                _kernel_module.append(None)
            else:
                _kernel_module.append(scoring_kernel)
        return _kernel_module[0]


def _raw_scores(
    model: LinearModel, ctext: pl.Series
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]]:
    """Unscaled scores (features @ weights) and feature counts of normalised clauses."""
    kernel = _kernel() if USE_KERNEL else None
    if kernel is None:
        return _raw_scores_numpy(model, ctext)
    table = model.int8_weights()
    if table is None:  # weights trained in memory: gathered in float32
        out: tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]] = kernel.raw_scores(
            ctext, model.bits, model.weights
        )
    else:
        out = kernel.raw_scores(ctext, model.bits, table.q, table.scale)
    return out


def _raw_scores_numpy(
    model: LinearModel, ctext: pl.Series
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]]:
    """:func:`_raw_scores` in NumPy and SciPy: the reference, and the path without Numba."""
    n_c = len(ctext)
    blank = 1 << model.bits
    blocks = feature_blocks(ctext, model.bits)
    raw = np.zeros((n_c, model.weights.shape[1]), dtype=np.float32)
    counts = np.zeros(n_c, dtype=np.float64)
    ones = np.ones(max((len(cols) for _, cols in blocks), default=0), dtype=np.float32)
    for rows, cols in blocks:
        # the same CSR matrix as block_matrices builds; rows are sorted, so the row pointers
        # are binary searches, and the row lengths give the counts
        indptr = np.searchsorted(rows, np.arange(n_c + 1, dtype=rows.dtype))
        m = sp.csr_matrix((ones[: len(cols)], cols, indptr), shape=(n_c, blank + 1))
        raw += m @ model.weights
        # n-grams that cross two texts (the blank bucket) do not count
        counts += np.diff(indptr) - np.bincount(rows[np.flatnonzero(cols == blank)], minlength=n_c)
    return raw, counts


def score(model: LinearModel, texts: pl.Series, cl: pl.DataFrame | None = None) -> Scores:
    """Scores of every head for raw ``texts`` (normalisation included); ``cl`` is
    ``clauses(texts)`` when the caller has it already."""
    cl = clauses(texts) if cl is None else cl
    rows = cl["row"].to_numpy().astype(np.int64)
    ctext = cl["clause"]
    n_c, n_m = len(ctext), len(texts)
    # two halves in two threads: the kernel, NumPy and SciPy release the GIL in the heavy loops
    cut = [0, n_c // 2, n_c] if n_c >= PARALLEL_MIN else [0, n_c]
    parts = [ctext.slice(a, b - a) for a, b in itertools.pairwise(cut)]
    if len(parts) > 1:
        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            done = list(pool.map(lambda part: _raw_scores(model, part), parts))
    else:
        done = [_raw_scores(model, parts[0])]
    raw = np.concatenate([d[0] for d in done]) if n_c else done[0][0]
    counts = np.concatenate([d[1] for d in done]) if n_c else done[0][1]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    if len(starts) != n_m:  # defensive: every message has at least one clause
        raise AssertionError("clause split lost a message")
    message = np.add.reduceat(raw, starts, axis=0) if n_c else raw.copy()
    msg_counts = np.add.reduceat(counts, starts) if n_c else counts
    # in place, in float32: the same values as dividing and adding into new arrays
    clause = np.divide(raw, np.sqrt(np.maximum(counts, 1.0)).astype(np.float32)[:, None])
    clause += model.bias
    message /= np.sqrt(np.maximum(msg_counts, 1.0)).astype(np.float32)[:, None]
    message += model.bias
    return Scores(rows, ctext, clause, message)


def message_matrix(texts: Sequence[str], bits: int) -> sp.csr_matrix:
    """Training features of whole messages: the scaled sum of their clauses' counts."""
    cl = clauses(pl.Series(list(texts), dtype=pl.String))
    rows = cl["row"].to_numpy().astype(np.int64)
    ctext = cl["clause"].to_list()
    blocks = feature_blocks(ctext, bits)
    mats = block_matrices(blocks, len(ctext), bits)
    x = mats[0]
    for other in mats[1:]:
        x = x + other
    agg = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, np.arange(len(rows)))),
        shape=(len(texts), len(rows)),
    )
    m = sp.csr_matrix(agg @ x)[:, : 1 << bits]
    counts = agg @ _counts(blocks, len(ctext), bits)
    return sp.csr_matrix(sp.diags((1.0 / np.sqrt(np.maximum(counts, 1.0))).astype(np.float32)) @ m)


def clause_matrix(texts: Sequence[str], bits: int) -> tuple[sp.csr_matrix, pl.DataFrame]:
    """Training features of clauses, with the clause frame (``row``, ``clause``)."""
    cl = clauses(pl.Series(list(texts), dtype=pl.String))
    ctext = cl["clause"].to_list()
    blocks = feature_blocks(ctext, bits)
    mats = block_matrices(blocks, len(ctext), bits)
    x = mats[0]
    for other in mats[1:]:
        x = x + other
    counts = _counts(blocks, len(ctext), bits)
    scale = sp.diags((1.0 / np.sqrt(np.maximum(counts, 1.0))).astype(np.float32))
    return sp.csr_matrix(scale @ x[:, : 1 << bits]), cl
