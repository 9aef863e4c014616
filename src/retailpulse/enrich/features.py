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
import polars as pl
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


def codepoints(
    texts: Sequence[str] | pl.Series,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int32]]:
    """All texts as one code point array ``" t1 \\0 t2 \\0 ..."`` and the text id of each point."""
    if isinstance(texts, pl.Series):
        # joined in Rust: one Python string instead of one per text
        joined = pl.concat_str([pl.lit(" "), pl.col("t").fill_null(""), pl.lit(" \0")])
        buf = pl.DataFrame({"t": texts}).select(joined.str.join("")).item() if len(texts) else "\0"
    else:
        buf = "\0".join(f" {t} " for t in texts) + "\0"
    c = np.frombuffer(buf.encode("utf-32-le"), dtype=np.uint32)
    sentinel = c == 0
    text_id = np.cumsum(sentinel, dtype=np.int32)
    text_id -= sentinel
    return c, text_id


#: Positions hashed per step: the scratch arrays of a step stay in the CPU cache.
_CHUNK = 1 << 15


def _bucket_into(h: U64, salt: int, bits: int, x: U64, y: U64, out: npt.NDArray[np.int32]) -> None:
    """:func:`_bucket` of ``h`` written into ``out``, with scratch arrays ``x`` and ``y``."""
    np.add(h, _SALT[salt], out=x)
    np.multiply(x, _MULT[63], out=x)
    np.right_shift(x, np.uint64(29), out=y)
    np.bitwise_xor(x, y, out=x)
    np.multiply(x, _MULT[62], out=x)
    np.right_shift(x, np.uint64(64 - bits), out=x)
    out[:] = x


def _bucket(h: U64, salt: int, bits: int) -> npt.NDArray[np.int32]:
    """Multiply-shift hashing of ``h`` into ``2**bits`` buckets."""
    out = np.empty(len(h), dtype=np.int32)
    _bucket_into(h, salt, bits, np.empty_like(h), np.empty_like(h), out)
    return out


def _char_ngrams(
    c64: U64, sentinel: npt.NDArray[np.bool_], bits: int
) -> list[npt.NDArray[np.int32]]:
    """Buckets of the character n-grams (:data:`CHAR_NGRAMS`) starting at each position;
    an n-gram with a text separator gets the blank bucket. Computed in cache-sized steps."""
    n = len(c64)
    top = max(CHAR_NGRAMS)
    blank = np.int32(1 << bits)
    outs = {k: np.empty(max(n - k, 0), dtype=np.int32) for k in range(1, top)}
    h, x, y = (np.empty(_CHUNK, dtype=np.uint64) for _ in range(3))
    bad = np.empty(_CHUNK, dtype=bool)
    for a in range(0, max(n - 1, 0), _CHUNK):
        m = min(a + _CHUNK, n) - a
        np.multiply(c64[a : a + m], _MULT[0], out=h[:m])
        bad[:m] = sentinel[a : a + m]
        for k in range(1, top):
            m = min(m, n - k - a)  # n-grams of k + 1 points start before n - k
            if m <= 0:
                break
            np.multiply(c64[a + k : a + k + m], _MULT[k], out=x[:m])
            np.add(h[:m], x[:m], out=h[:m])
            np.bitwise_or(bad[:m], sentinel[a + k : a + k + m], out=bad[:m])
            if k + 1 in CHAR_NGRAMS:
                cols = outs[k][a : a + m]
                _bucket_into(h[:m], k + 1, bits, x[:m], y[:m], cols)
                cols[bad[:m]] = blank
    return [outs[k] for k in range(1, top) if k + 1 in CHAR_NGRAMS]


def feature_blocks(
    texts: Sequence[str] | pl.Series, bits: int = DEFAULT_BITS
) -> list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]]:
    """Blocks of (row, bucket) feature occurrences; rows are sorted within each block.

    Bucket ``2**bits`` (one past the last) marks an n-gram that crosses two texts; its weight
    row is always zero.
    """
    c, text_id = codepoints(texts)
    blank = np.int32(1 << bits)
    c64 = c.astype(np.uint64)
    n = len(c)
    sentinel = c == 0
    blocks: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]] = [
        (text_id[: len(cols)], cols) for cols in _char_ngrams(c64, sentinel, bits)
    ]
    # words: runs of non-space characters; each Han character is a word of its own
    word = ~sentinel & (c != _SPACE)
    han = _is_han(c)
    start = word.copy()
    start[1:] &= ~word[:-1] | han[1:] | han[:-1]
    starts = np.flatnonzero(start)
    if len(starts):
        # a character's offset in its word: its position minus the last word start before it
        pos = np.arange(n, dtype=np.int32)
        last = np.where(start, pos, 0)
        np.maximum.accumulate(last, out=last)
        pos -= last
        pos &= 63
        weights = c64 * _MULT[pos]
        weights[~word] = 0  # spaces and separators add nothing to the word they follow
        # a word's hash is the (wrapping) sum of its characters' weights
        th = np.add.reduceat(weights, starts)
        tid = text_id[starts]
        blocks.append((tid, _bucket(th, 0, bits)))
        with np.errstate(over="ignore"):
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
