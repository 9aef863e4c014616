"""The fast tier's scoring kernel: hashing and weight gathering in one compiled pass (Numba).

:func:`raw_scores` computes what :func:`retailpulse.enrich.scoring._raw_scores` computes with
NumPy and SciPy (:func:`~retailpulse.enrich.features.feature_blocks`, then one sparse product
per block), without building the feature blocks: for each clause it walks the code points of
:func:`~retailpulse.enrich.features.codepoints` once, hashes every character 2-, 3- and 4-gram
and every word unigram and bigram with the same wrapping uint64 arithmetic (the same buckets,
pinned by ``tests/enrich/test_scoring_kernel.py``), and adds each feature's weight row to the
clause's accumulator. N-grams that would cross two texts (the blank bucket) are skipped: their
weight row is zero and they do not count.

Gathering is bound by memory access (a random row of the weight table per feature), so the
kernel reads the int8 weights a model is saved with (8 MB for 2**18 x 32, against 33 MB in
float32, which does not fit the 32 MB L3 cache next to a second worker's copy), sums them
exactly in int32 and multiplies by each column's scale at the end: the result is the exact
score, where the float32 sparse product rounds at every addition (the two differ by about 1e-6
relative). A model whose weights are not int8 (trained in memory) is gathered in float32 and
summed in float64.

Importing this module imports Numba (about 0.5 s) and so is done lazily, by
:mod:`retailpulse.enrich.scoring` on the first batch. The functions are compiled on their first
call and cached on disk (``cache=True``: the package's ``__pycache__``, else Numba's user cache
directory, or ``NUMBA_CACHE_DIR``); where no cache directory is writable they are compiled in
every process instead. ``nogil=True`` lets the two halves of a batch run on two threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from numba import njit

from retailpulse.enrich.compiled import compiled
from retailpulse.enrich.features import _MULT, _SALT, codepoints

#: Features gathered into the int32 accumulator before it is added to the row's float64 total:
#: 127 * 2**23 stays below 2**31.
_FLUSH = 1 << 23


@njit(inline="always")
def _bucket(h: Any, salt: Any, m63: Any, m62: Any, shift: Any) -> Any:
    """``features._bucket_into`` of one hash."""
    x = (h + salt) * m63
    x = x ^ (x >> np.uint64(29))
    x = x * m62
    return np.int32(x >> shift)


@njit(inline="always")
def _is_han(c: Any) -> Any:
    return (c >= 0x3400 and c <= 0x9FFF) or (c >= 0x20000 and c <= 0x2FA1F)


@njit(inline="always")
def _row_buckets(c: Any, a: Any, e: Any, mult: Any, salt: Any, shift: Any, out: Any) -> Any:
    """Buckets of the features of the text ``c[a:e]`` (``c[e]`` is its NUL separator) written
    to ``out``: the character 2-, 3- and 4-grams at each position, then the words and word
    bigrams (``feature_blocks``' blocks, blank ones left out). Returns their number.

    A NUL inside the text separates like a text boundary (n-grams and word bigrams across it
    are blank), so the text's features are those ``feature_blocks`` gives its NUL-separated
    pieces."""
    m0, m1, m2, m3 = mult[0], mult[1], mult[2], mult[3]
    m63, m62, m17 = mult[63], mult[62], mult[17]
    s0, s1, s2, s3, s4 = salt[0], salt[1], salt[2], salt[3], salt[4]
    nf = 0
    # character n-grams starting at i; the salt of an n-gram of k points is salt[k]
    for i in range(a, e - 1):
        c0 = c[i]
        c1 = c[i + 1]
        if c0 == 0 or c1 == 0:
            continue
        h = np.uint64(c0) * m0 + np.uint64(c1) * m1
        out[nf] = _bucket(h, s2, m63, m62, shift)
        nf += 1
        if i + 2 >= e or c[i + 2] == 0:
            continue
        h += np.uint64(c[i + 2]) * m2
        out[nf] = _bucket(h, s3, m63, m62, shift)
        nf += 1
        if i + 3 >= e or c[i + 3] == 0:
            continue
        h += np.uint64(c[i + 3]) * m3
        out[nf] = _bucket(h, s4, m63, m62, shift)
        nf += 1
    # words: runs of characters other than space and NUL, each Han character a word of its
    # own; a word's hash is the wrapping sum of its characters times mult[offset & 63]
    h = np.uint64(0)
    prev_h = np.uint64(0)
    in_word = False
    have_prev = False  # a word before this one in the text, with no NUL between them
    prev_han = False
    off = 0
    for i in range(a, e + 1):
        ci = c[i]
        sep = ci == 0 or ci == 32
        han = not sep and _is_han(ci)
        if in_word and (sep or han or prev_han):
            out[nf] = _bucket(h, s0, m63, m62, shift)
            nf += 1
            if have_prev:
                out[nf] = _bucket(prev_h * m17 + h, s1, m63, m62, shift)
                nf += 1
            have_prev = True
            prev_h = h
            in_word = False
        if sep:
            if ci == 0:
                have_prev = False
        elif in_word:
            h += np.uint64(ci) * mult[off & 63]
            off += 1
        else:
            in_word = True
            h = np.uint64(ci) * m0
            off = 1
        prev_han = han
    return nf


@compiled()
def _scores(
    c: Any, starts: Any, mult: Any, salt: Any, bits: Any, table: Any, scale: Any, acc: Any
) -> Any:
    """Raw scores (``sum of table rows * scale``, float32) and feature counts of the texts
    ``c[starts[r]:starts[r + 1]]``; ``acc`` is the accumulator (int32 for an int8 table,
    float64 for a float one)."""
    n_rows = len(starts) - 1
    n_out = table.shape[1]
    shift = np.uint64(64 - bits)
    longest = 0
    for r in range(n_rows):
        longest = max(longest, starts[r + 1] - starts[r])
    buf = np.empty(5 * longest + 2, np.int32)
    raw = np.empty((n_rows, n_out), np.float32)
    counts = np.empty(n_rows, np.float64)
    total = np.empty(n_out, np.float64)
    for r in range(n_rows):
        nf = _row_buckets(c, starts[r], starts[r + 1] - 1, mult, salt, shift, buf)
        total[:] = 0.0
        for j0 in range(0, nf, _FLUSH):
            acc[:] = 0
            for j in range(j0, min(nf, j0 + _FLUSH)):
                b = buf[j]
                for k in range(n_out):
                    acc[k] += table[b, k]
            for k in range(n_out):
                total[k] += acc[k]
        for k in range(n_out):
            raw[r, k] = total[k] * scale[k]
        counts[r] = nf
    return raw, counts


@compiled()
def _buckets(c: Any, starts: Any, mult: Any, salt: Any, bits: Any) -> Any:
    """Row and bucket of every feature of :func:`_scores`, in the order it gathers them."""
    n_rows = len(starts) - 1
    shift = np.uint64(64 - bits)
    total = 0
    for r in range(n_rows):
        total += 5 * (starts[r + 1] - starts[r]) + 2
    cols = np.empty(total, np.int32)
    rows = np.empty(total, np.int32)
    nf = 0
    for r in range(n_rows):
        got = _row_buckets(c, starts[r], starts[r + 1] - 1, mult, salt, shift, cols[nf:])
        rows[nf : nf + got] = r
        nf += got
    return rows[:nf], cols[:nf]


def _points(
    texts: Sequence[str] | pl.Series,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """The code points of :func:`codepoints` and where each text starts (its leading space;
    the last entry is their number). Texts are located by their lengths, not by their NUL
    separators, so a NUL inside a text cannot shift the rows after it."""
    c, _ = codepoints(texts)
    if isinstance(texts, pl.Series):
        lengths = texts.str.len_chars().fill_null(0).to_numpy().astype(np.int64)
    else:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths + 3, out=starts[1:])  # " text \0"
    if starts[-1] != len(c) and len(lengths):
        raise AssertionError("code points and text lengths disagree")
    return c, starts


def raw_scores(
    texts: Sequence[str] | pl.Series,
    bits: int,
    table: npt.NDArray[np.int8] | npt.NDArray[np.float32],
    scale: npt.NDArray[np.float32] | None = None,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]]:
    """Unscaled scores (features @ weights) and feature counts of normalised texts.

    ``table`` is the weights' first ``2**bits`` rows: int8 with ``scale`` (one per column), or
    float32 without. Equal to the NumPy path (``feature_blocks`` and the sparse product) up to
    float32 rounding, counts exactly."""
    if not 1 <= bits <= 31 or table.shape[0] < 1 << bits:
        raise ValueError(f"a table of {table.shape[0]} rows for {bits} bits")
    c, starts = _points(texts)
    n_out = table.shape[1]
    if table.dtype == np.int8:
        if scale is None:
            raise ValueError("int8 weights need their column scales")
        acc: npt.NDArray[np.int32] | npt.NDArray[np.float64] = np.zeros(n_out, np.int32)
        col_scale = scale.astype(np.float64)
    else:
        acc = np.zeros(n_out, np.float64)
        col_scale = np.ones(n_out, np.float64)
        table = table.astype(np.float32, copy=False)
    raw, counts = _scores(
        c, starts, _MULT, _SALT, bits, np.ascontiguousarray(table), col_scale, acc
    )
    return raw, counts


def feature_buckets(
    texts: Sequence[str] | pl.Series, bits: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Row and bucket of every feature the kernel gathers (for tests: the same as the
    non-blank entries of ``feature_blocks``, per text in block order)."""
    c, starts = _points(texts)
    rows, cols = _buckets(c, starts, _MULT, _SALT, bits)
    return rows, cols
