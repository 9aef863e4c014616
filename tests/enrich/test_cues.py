"""Cue matching (retailpulse.enrich.cues): negation, the -nya suffix, clause to message."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.enrich.cues import (
    _MARKS,
    _NEGATED,
    _NEGATED_COMPLAINT,
    _NEGATED_PURCHASE,
    _NOT_A_QUESTION,
    CUE_LABELS,
    _join_literals,
    asks_nothing,
    batch_cues,
    clause_cues,
    cue_matrix,
    negated_purchase,
)
from retailpulse.enrich.lexicon import ASPECT_CUES, INTENT_CUES, cue_pattern
from retailpulse.enrich.pipeline import load_model
from retailpulse.enrich.scoring import score


@pytest.mark.parametrize(
    ("text", "purchase", "negated"),
    [
        ("will come back again", True, False),
        ("i will never come back", False, True),
        ("won't come back", False, True),
        ("tidak mau beli lagi di sini", False, True),
        ("不会再来了", False, True),
        ("不想买", False, True),
        ("还会再买", True, False),
        # "can't" is no negator here
        ("i can't wait to get one", True, False),
        ("no problem will order again", True, False),
    ],
)
def test_purchase_cues_under_a_negator_are_no_purchase(
    text: str, purchase: bool, negated: bool
) -> None:
    texts = pl.Series([text])
    cues = cue_matrix(texts, {"purchase_intent": INTENT_CUES["purchase_intent"]})
    assert bool(cues[0, 0]) is purchase
    assert bool(negated_purchase(texts)[0]) is negated


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        # a negated complaint word is no complaint cue (normalisation also reads these as
        # praise: see enrich.negated and test_text.py)
        ("not disappointed at all great jeans", False),
        ("sama sekali tidak kecewa bagus", False),
        ("没有让我失望", False),
        ("so disappointed with the jeans", True),
        ("kecewa berat", True),
        # waiting with nobody serving, in the long forms only: the short ones also open waiting
        # for a sale, no need to wait, 安排了 (arranged)
        ("queued for an hour", True),
        ("antri sejam di kasir", True),
        ("排队排了一个小时", True),
        ("在门店等了好久才有人来", True),
        ("i waited for the sale to buy it", False),
        ("tidak perlu nunggu lama", False),
        ("酒店给我们安排了一个大房间", False),
        # too expensive, unless negated
        ("mahal banget", True),
        ("terlalu mahal untuk kualitas segini", True),
        ("tidak terlalu mahal", False),
        ("tidak mahal banget kok", False),
        # chosen on the train files
        ("bahannya tipis banget", True),
        # unhelpful staff, and people who never came back (rules version 8), unless negated
        ("the cashier was really unhelpful", True),
        ("staff were not helpful at all", True),
        ("waited 20 minutes and she never came back", True),
        ("called twice and nobody answered", True),
        ("not unhelpful at all", False),
        ("she wasn't unhelpful", False),
        ("the sale price isn't bad", False),
        ("she was so helpful", False),
    ],
)
def test_complaint_cues(text: str, complaint: bool) -> None:
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


@pytest.mark.parametrize(
    ("text", "question"),
    [
        # Chinese question words that ask nothing: negated, indefinite (answered by 都 / 也),
        # fillers
        ("服务不怎么样", False),
        ("我也不怎么喜欢", False),
        ("用了没多久就坏了", False),
        ("这家店去哪里都很方便", False),
        ("怎么赞美都不为过", False),
        ("不知道为什么快递一直没到", False),
        ("怎么说呢 质量一般", False),
        ("多少有点失望", False),
        ("不管怎么洗都不掉色", False),
        # real questions keep their cue, a question mark or 吗 whatever else the clause says
        ("这个怎么用", True),
        ("怎么退货", True),
        ("哪里可以买到", True),
        ("这个多少钱", True),
        ("什么时候都可以取货吗", True),
        ("不怎么样吗 ?", True),
    ],
)
def test_chinese_question_words_that_ask_nothing_are_not_question_cues(
    text: str, question: bool
) -> None:
    cues = cue_matrix(pl.Series([text]), {"question": INTENT_CUES["question"]})
    assert bool(cues[0, 0]) is question


def test_asks_nothing_finds_the_chinese_question_words_that_ask_nothing() -> None:
    texts = pl.Series(["服务不怎么样", "质量怎么样 ?", "去哪里都很方便", "哪里可以买到", None, ""])
    assert asks_nothing(texts).tolist() == [True, False, True, False, False, False]


def test_message_has_the_cues_of_its_clauses() -> None:
    texts = pl.Series(["The parcel is late. The staff were rude!", "nothing here", ""])
    s = score(load_model(), texts)
    clause, message = batch_cues(s, len(texts))
    assert clause.shape == (len(s.clause_text), len(CUE_LABELS))
    assert message.shape == (3, len(CUE_LABELS))
    assert message[0, CUE_LABELS.index("delivery")] and message[0, CUE_LABELS.index("service")]
    assert not message[1].any() and not message[2].any()


def _one_regex_per_label(
    texts: list[str | None], cues: dict[str, tuple[str, ...]]
) -> npt.NDArray[np.bool_]:
    """The meaning the automaton must keep: one regex per label on each text."""
    bare = pl.Series(texts, dtype=pl.String).str.replace_all(_MARKS, "$1")
    columns = []
    for label, words in cues.items():
        text = bare
        if label == "praise":
            text = text.str.replace_all("不错", "很好", literal=True).str.replace_all(_NEGATED, " ")
        elif label == "complaint":
            text = text.str.replace_all(_NEGATED_COMPLAINT, " ")
        elif label == "purchase_intent":
            text = text.str.replace_all(_NEGATED_PURCHASE, " ")
        elif label == "question":
            text = text.str.replace_all(_NOT_A_QUESTION, " ")
        columns.append(text.str.contains(cue_pattern(words)).fill_null(False).to_numpy())
    return np.column_stack(columns) if columns else np.zeros((len(texts), 0), dtype=bool)


ALL_CUES = {**INTENT_CUES, **ASPECT_CUES}
_PIECES = [
    *sorted({w for words in ALL_CUES.values() for w in words}),
    "tidak", "not", "no", "nothing", "never", "can't", "very", "不", "没有", "让我", "太", "不错",
    " nya", "nya", "lexpos", " lexneg", "x", "_", "1", "é", "?", ",", " ", "  ", "\t", "好",
    "都", "也", "不知道", "说呢", "有点", "不管", "去",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(_PIECES), max_size=8).map("".join) | st.text(max_size=20),
        min_size=1,
        max_size=30,
    )
)
def test_automaton_keeps_the_meaning_of_one_regex_per_label(texts: list[str]) -> None:
    got = cue_matrix(pl.Series(texts, dtype=pl.String), ALL_CUES)
    np.testing.assert_array_equal(got, _one_regex_per_label(texts, ALL_CUES))


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("top seller", True),
        ("a top!", True),
        ("laptop", False),
        ("topping", False),
        ("top_rated", False),
        ("top1", False),
        ("topé", True),  # ASCII word boundaries: é is not a word byte
        ("很top了", True),
    ],
)
def test_latin_cues_match_whole_ascii_words(text: str, hit: bool) -> None:
    assert bool(cue_matrix(pl.Series([text]), {"x": ("top",)})[0, 0]) is hit


def test_chinese_cues_and_question_mark_match_anywhere() -> None:
    got = cue_matrix(pl.Series(["这家很好吃", "真的吗?", "ok"]), {"p": ("很好",), "q": ("?", "吗")})
    assert got.tolist() == [[True, False], [False, True], [False, False]]


def test_overlapping_cues_of_different_labels_are_all_found() -> None:
    cues = {"complaint": INTENT_CUES["complaint"], "delivery": ASPECT_CUES["delivery"]}
    got = cue_matrix(pl.Series(["parcel not received yet", "received it"]), cues)
    assert got.tolist() == [[True, True], [False, True]]


@pytest.mark.parametrize(
    ("text", "praise"),
    [
        ("tidak suka", False),
        ("不喜欢", False),
        ("suka tapi tidak bagus", True),
        ("不错", True),  # 不错 ("not bad") is praise
        ("不不错", False),
        ("thank不好you", True),  # the removed negation joins "thank you"
        # chosen on the train files, and their negations
        ("mas budi sangat membantu", True),
        ("pelayanannya baik sekali", True),
        ("seller fast respon", True),
        ("kurirnya sigap", True),
        ("性价比高", True),
        ("kurang sigap", False),
        ("pelayanannya tidak baik sekali", False),
        ("性价比不高", False),
    ],
)
def test_praise_after_a_negator_as_the_regex_reads_it(text: str, praise: bool) -> None:
    got = cue_matrix(pl.Series([text]), {"praise": INTENT_CUES["praise"]})
    assert bool(got[0, 0]) is praise
    assert bool(_one_regex_per_label([text], {"praise": INTENT_CUES["praise"]})[0, 0]) is praise


def test_a_cue_the_joins_cannot_bound_falls_back_to_every_negated_text() -> None:
    # a cue whose word before a space ends with a non-word byte may be joined across a Latin
    # negation too: every text with a negator is then rewritten
    cues = ("wow! great", "mantap")
    assert _join_literals("praise", cues) is None
    texts = ["wow! not really great", "wow! great", "wow!no x great", "mantap"]
    got = cue_matrix(pl.Series(texts), {"praise": cues})
    np.testing.assert_array_equal(got, _one_regex_per_label(texts, {"praise": cues}))


def test_null_text_and_label_without_cues() -> None:
    texts: list[str | None] = [None, "", "harga murah"]
    cues: dict[str, tuple[str, ...]] = {"price": ASPECT_CUES["price"], "none": (), "blank": ("",)}
    got = cue_matrix(pl.Series(texts, dtype=pl.String), cues)
    np.testing.assert_array_equal(got, _one_regex_per_label(texts, cues))
    assert not got[0].any()
    assert cue_matrix(pl.Series([], dtype=pl.String), cues).shape == (0, 3)
    assert cue_matrix(pl.Series(["x"]), {}).shape == (1, 0)


def test_messages_have_the_cues_of_their_clauses() -> None:
    clauses = pl.Series(["parcel late", "staff rude", "ok", "harga mahal"])
    clause, message = clause_cues(clauses, np.array([0, 0, 1, 2]), 3)
    np.testing.assert_array_equal(message[0], clause[0] | clause[1])
    np.testing.assert_array_equal(message[1:], clause[2:])


_NEGATORS = [
    "tidak", "belum", "bukan", "kurang", "not", "never", "no", "nothing", "don't", "didn't",
    "isn't", "wasn't", "doesn't", "aren't", "won't", "can't", "不", "没", "没有",
]  # fmt: skip


@pytest.mark.parametrize("negator", _NEGATORS)
def test_every_negator_is_read_as_the_regex_reads_it(negator: str) -> None:
    texts = [
        f"{negator} love it",
        f"{negator} so happy",
        f"{negator}喜欢",
        f"{negator} too disappointed",
        f"{negator} terrible",
        f"{negator}让我失望",
        f"{negator}失望",
    ]
    cues = {"praise": INTENT_CUES["praise"], "complaint": INTENT_CUES["complaint"]}
    got = cue_matrix(pl.Series(texts), cues)
    np.testing.assert_array_equal(got, _one_regex_per_label(texts, cues))


def test_sliced_and_chunked_texts_read_as_whole_ones() -> None:
    texts = pl.Series(["a top", "很好", None, "laptop", "harganya", "tidak suka"])
    cues = {"x": ("top", "很好"), "price": ASPECT_CUES["price"], "praise": INTENT_CUES["praise"]}
    whole = cue_matrix(texts, cues)
    chunked = pl.concat([texts.slice(0, 3), texts.slice(3)], rechunk=False)
    assert chunked.n_chunks() == 2
    np.testing.assert_array_equal(cue_matrix(chunked, cues), whole)
    np.testing.assert_array_equal(cue_matrix(texts.slice(2), cues), whole[2:])
