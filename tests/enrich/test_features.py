from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.enrich.features import _CHUNK, _MULT, _bucket, feature_blocks, hashed_features


def test_features_are_deterministic_and_pinned() -> None:
    # Saved weights depend on these buckets: a change of the hash breaks every model.
    blocks = feature_blocks(["good"], bits=18)
    first_char_bigram = int(blocks[0][1][0])
    word = int(blocks[3][1][0])
    assert (first_char_bigram, word) == (251943, 68957)


def test_rows_follow_texts_and_scale_is_one_over_sqrt_count() -> None:
    x = hashed_features(["good day", "", "好吃"], bits=12)
    assert x.shape == (3, 4096)
    assert x[1].nnz <= 1  # only the "  " bigram of an empty text
    row = x[0].toarray().ravel()
    unit = row[row > 0].min()
    total = row.sum() / unit  # number of feature occurrences
    assert np.isclose(unit, 1 / np.sqrt(total))


def test_han_characters_are_words_of_their_own() -> None:
    blocks = feature_blocks(["好吃"], bits=12)
    words, bigrams = blocks[3], blocks[4]
    assert len(words[0]) == 2
    assert (bigrams[1] < 4096).sum() == 1


def test_word_bigrams_do_not_cross_texts() -> None:
    blocks = feature_blocks(["a", "b"], bits=12)
    bigram_cols = blocks[4][1]
    assert (bigram_cols == 4096).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=8))
def test_any_texts_give_valid_buckets(texts: list[str]) -> None:
    clean = [t.replace("\x00", " ") for t in texts]
    for rows, cols in feature_blocks(clean, bits=10):
        assert len(rows) == len(cols)
        assert ((cols >= 0) & (cols <= 1024)).all()
        if len(rows):
            assert rows.min() >= 0 and rows.max() < max(len(clean), 1)
            assert (np.diff(rows) >= 0).all()


def _reference_blocks(texts: list[str], bits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The hashing as first written (whole-array passes): the chunked code must match it."""
    buf = "\0".join(f" {t} " for t in texts) + "\0"
    c = np.frombuffer(buf.encode("utf-32-le"), dtype=np.uint32)
    sentinel = c == 0
    text_id = np.cumsum(sentinel, dtype=np.int32) - sentinel
    blank = np.int32(1 << bits)
    c64, n = c.astype(np.uint64), len(c)
    out = []
    with np.errstate(over="ignore"):
        h, bad = c64 * _MULT[0], sentinel.copy()
        for k in range(1, 4):
            h = h[: n - k] + c64[k:] * _MULT[k]
            bad = bad[: n - k] | sentinel[k:]
            cols = _bucket(h, k + 1, bits)
            cols[bad] = blank
            out.append((text_id[: n - k], cols))
        word = ~sentinel & (c != 32)
        han = ((c >= 0x3400) & (c <= 0x9FFF)) | ((c >= 0x20000) & (c <= 0x2FA1F))
        prev_word = np.concatenate(([False], word[:-1]))
        prev_han = np.concatenate(([False], han[:-1]))
        start = word & (~prev_word | han | prev_han)
        pos_all = np.flatnonzero(word)
        if len(pos_all):
            token_of = np.cumsum(start)[pos_all] - 1
            starts = np.flatnonzero(start)
            weights = c64[pos_all] * _MULT[(pos_all - starts[token_of]) % 64]
            th = np.add.reduceat(weights, np.searchsorted(pos_all, starts))
            tid = text_id[starts]
            out.append((tid, _bucket(th, 0, bits)))
            cols = _bucket(th[:-1] * _MULT[17] + th[1:], 1, bits)
            cols[tid[1:] != tid[:-1]] = blank
            out.append((tid[:-1], cols))
    return out


def _same(a: list[tuple[np.ndarray, np.ndarray]], b: list[tuple[np.ndarray, np.ndarray]]) -> None:
    assert len(a) == len(b)
    for (ra, ca), (rb, cb) in zip(a, b, strict=True):
        assert np.array_equal(ra, rb) and np.array_equal(ca, cb)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=8), st.sampled_from([8, 12, 18]))
def test_chunked_hashing_matches_the_reference(texts: list[str], bits: int) -> None:
    clean = [t.replace("\x00", " ") for t in texts]
    _same(feature_blocks(clean, bits), _reference_blocks(clean, bits))
    _same(feature_blocks(pl.Series(clean, dtype=pl.String), bits), _reference_blocks(clean, bits))


def test_hashing_across_step_boundaries_matches_the_reference() -> None:
    # total lengths just around multiples of the step size, words longer than 64 characters
    for extra in range(-4, 5):
        n_points = 2 * _CHUNK + extra
        text = ("ab 好吃 " + "x" * 70 + " ") * (n_points // 70)
        texts = [text[: n_points - 3], "ok"]
        _same(feature_blocks(texts, 18), _reference_blocks(texts, 18))
