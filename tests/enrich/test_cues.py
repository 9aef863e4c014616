"""Cue matching (retailpulse.enrich.cues): negation, the -nya suffix, clause to message."""

from __future__ import annotations

import polars as pl
import pytest

from retailpulse.enrich.cues import CUE_LABELS, batch_cues, cue_matrix
from retailpulse.enrich.lexicon import ASPECT_CUES, INTENT_CUES
from retailpulse.enrich.pipeline import load_model
from retailpulse.enrich.scoring import score


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not disappointed at all great jeans", False),
        ("sama sekali tidak kecewa bagus", False),
        ("没有让我失望", False),
        ("so disappointed with the jeans", True),
        ("kecewa berat", True),
    ],
)
def test_negated_complaint_word_is_not_a_complaint_cue(text: str, complaint: bool) -> None:
    # the sentiment head itself still reads "not disappointed" as negative (model card)
    cues = cue_matrix(pl.Series([text]), {"complaint": INTENT_CUES["complaint"]})
    assert bool(cues[0, 0]) is complaint


@pytest.mark.parametrize(
    ("text", "price"),
    [("harganya mahal", True), ("harga nya mahal", True), ("punya saya", False)],
)
def test_nya_suffix_is_ignored(text: str, price: bool) -> None:
    cues = cue_matrix(pl.Series([text]), {"price": ASPECT_CUES["price"]})
    assert bool(cues[0, 0]) is price


def test_question_word_ending_in_nya_is_kept() -> None:
    cues = cue_matrix(pl.Series(["mau tanya kak"]), {"question": INTENT_CUES["question"]})
    assert bool(cues[0, 0])


def test_message_has_the_cues_of_its_clauses() -> None:
    texts = pl.Series(["The parcel is late. The staff were rude!", "nothing here", ""])
    s = score(load_model(), texts)
    clause, message = batch_cues(s, len(texts))
    assert clause.shape == (len(s.clause_text), len(CUE_LABELS))
    assert message.shape == (3, len(CUE_LABELS))
    assert message[0, CUE_LABELS.index("delivery")] and message[0, CUE_LABELS.index("service")]
    assert not message[1].any() and not message[2].any()
