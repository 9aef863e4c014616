from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.enrich.features import feature_blocks, hashed_features


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
