"""Hashed word and character n-gram features, computed in NumPy without a Python loop per text.

A batch of normalised texts is turned into one array of Unicode code points. Every n-gram gets
a 64-bit hash (a sum of code points times fixed random multipliers per position, then the
splitmix64 finaliser) and lands in one of ``2**bits`` buckets. The hash depends on nothing but
the text and :data:`HASH_SEED`, so saved weights stay valid across NumPy, Polars and Python
versions (Python's ``hash`` and Polars' hash are not stable across releases).

Features of one text:

* character 2-, 3- and 4-grams of `` text `` (spaces at the edges mark word boundaries);
* word unigrams and bigrams, where a word is a run of non-space characters and each Han
  character is a word of its own (so Chinese gets character unigrams and bigrams).

Counts are scaled by ``1 / sqrt(number of features of the text)`` (see :func:`row_scale`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

HASH_SEED = 20_261_122
#: Default number of hash buckets is ``2**DEFAULT_BITS``.
DEFAULT_BITS = 18
CHAR_NGRAMS = (2, 3, 4)

U64 = npt.NDArray[np.uint64]

_rng = np.random.default_rng(HASH_SEED)
_MULT: U64 = np.asarray(
    (_rng.integers(1, 2**63 - 1, size=64, dtype=np.int64).astype(np.uint64) << 1) | 1,
    dtype=np.uint64,
)
_SALT: U64 = _rng.integers(1, 2**63 - 1, size=8, dtype=np.int64).astype(np.uint64)
_SPACE = np.uint32(32)


def _mix(x: U64) -> U64:
    """splitmix64 finaliser (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return x


def _is_han(c: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    return ((c >= 0x3400) & (c <= 0x9FFF)) | ((c >= 0x20000) & (c <= 0x2FA1F))


def codepoints(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int32]]:
    """All texts as one code point array ``" t1 \\0 t2 \\0 ..."`` and the text id of each point."""
    buf = "\0".join(f" {t} " for t in texts) + "\0"
    c = np.frombuffer(buf.encode("utf-32-le"), dtype=np.uint32)
    sentinel = c == 0
    text_id = np.cumsum(sentinel, dtype=np.int32)
    text_id -= sentinel
    return c, text_id


def _bucket(h: U64, salt: int, bits: int) -> npt.NDArray[np.int32]:
    """Multiply-shift hashing of ``h`` into ``2**bits`` buckets."""
    with np.errstate(over="ignore"):
        x = (h + _SALT[salt]) * _MULT[63]
        x = x ^ (x >> np.uint64(29))
        x = x * _MULT[62]
    out: npt.NDArray[np.int32] = (x >> np.uint64(64 - bits)).astype(np.int32)
    return out


def feature_blocks(
    texts: Sequence[str], bits: int = DEFAULT_BITS
) -> list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]]:
    """Blocks of (row, bucket) feature occurrences; rows are sorted within each block.

    Bucket ``2**bits`` (one past the last) marks an n-gram that crosses two texts; its weight
    row is always zero.
    """
    c, text_id = codepoints(texts)
    blank = np.int32(1 << bits)
    c64 = c.astype(np.uint64)
    n = len(c)
    blocks: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]] = []
    sentinel = c == 0
    with np.errstate(over="ignore"):
        h = c64 * _MULT[0]
        bad = sentinel.copy()
        for k in range(1, max(CHAR_NGRAMS)):
            h = h[: n - k] + c64[k:] * _MULT[k]
            bad = bad[: n - k] | sentinel[k:]
            if k + 1 in CHAR_NGRAMS:
                cols = _bucket(h, k + 1, bits)
                cols[bad] = blank
                blocks.append((text_id[: n - k], cols))
        # words: runs of non-space characters; each Han character is a word of its own
        word = ~sentinel & (c != _SPACE)
        han = _is_han(c)
        prev_word = np.concatenate(([False], word[:-1]))
        prev_han = np.concatenate(([False], han[:-1]))
        start = word & (~prev_word | han | prev_han)
        pos_all = np.flatnonzero(word)
        if len(pos_all):
            token_of = np.cumsum(start)[pos_all] - 1
            starts = np.flatnonzero(start)
            offset = pos_all - starts[token_of]
            weights = c64[pos_all] * _MULT[offset % 64]
            first = np.searchsorted(pos_all, starts)
            th = np.add.reduceat(weights, first)
            tid = text_id[starts]
            blocks.append((tid, _bucket(th, 0, bits)))
            big = th[:-1] * _MULT[17] + th[1:]
            cols = _bucket(big, 1, bits)
            cols[tid[1:] != tid[:-1]] = blank
            blocks.append((tid[:-1], cols))
    return blocks


def block_matrices(
    blocks: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]], n_rows: int, bits: int
) -> list[sp.csr_matrix]:
    """One CSR matrix (``n_rows`` x ``2**bits + 1``) of counts per block, built without sorting."""
    out = []
    for rows, cols in blocks:
        indptr = np.zeros(n_rows + 1, dtype=np.int32 if len(cols) < 2**31 else np.int64)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
        data = np.ones(len(cols), dtype=np.float32)
        out.append(sp.csr_matrix((data, cols, indptr), shape=(n_rows, (1 << bits) + 1)))
    return out


def row_scale(
    blocks: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]], n_rows: int, bits: int
) -> npt.NDArray[np.float32]:
    """``1 / sqrt(features per row)`` (1 for rows without features); n-grams that cross two
    texts (the blank bucket) do not count."""
    counts = np.zeros(n_rows, dtype=np.float64)
    for rows, cols in blocks:
        counts += np.bincount(rows[cols < (1 << bits)], minlength=n_rows)
    out: npt.NDArray[np.float32] = (1.0 / np.sqrt(np.maximum(counts, 1.0))).astype(np.float32)
    return out


def hashed_features(texts: Sequence[str], bits: int = DEFAULT_BITS) -> sp.csr_matrix:
    """Scaled feature matrix (``len(texts)`` x ``2**bits``) of already normalised texts."""
    blocks = feature_blocks(texts, bits)
    mats = block_matrices(blocks, len(texts), bits)
    m = mats[0]
    for other in mats[1:]:
        m = m + other
    m = m[:, : 1 << bits]
    return sp.csr_matrix(sp.diags(row_scale(blocks, len(texts), bits)) @ m)
