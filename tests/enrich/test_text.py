from __future__ import annotations

import string

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.enrich.negated import read_in_normalised
from retailpulse.enrich.text import (
    CLAUSE_MARK,
    MAX_ANALYSED_CHARS,
    _present_emoji,
    _word_patterns,
    clause_lists,
    clauses,
    normalise,
    normalise_expr,
    traditional_to_simplified,
)


def norm(text: str | None) -> str:
    return str(normalise([text])[0])


def test_emoji_is_kept_and_named() -> None:
    out = norm("Love it 😍")
    assert "😍" in out
    assert "emoji_smiling_face_with_heart_eyes" in out


def test_urls_mentions_and_hashtags() -> None:
    out = norm("@Budi check https://shop.example.com/x?a=1 #SaleTime")
    assert out == "xmention check xurl saletime"


def test_elongations_are_shortened() -> None:
    assert norm("Bagusss bangettt!!!") == "bagus banget !"
    assert norm("sooo good") == "so good lexpos"


def test_digit_padding_is_shortened_and_numbers_are_kept() -> None:
    assert norm("这本书很好，" + "1" * 46) == "这本书很好 111"
    assert norm("这本书很好，" + "１" * 46) == "这本书很好 １１１"
    assert norm("harga 1000000000 murah 8888888888x") == "harga 1000000000 murah 888x"


def test_indonesian_slang_is_expanded_and_negations_kept() -> None:
    assert norm("gak bagus bgt yg ini kak") == "tidak bagus banget yang ini kakak"
    assert norm("ga ga ga") == "tidak tidak tidak"
    assert norm("blm sampai, tdk jelas") == "belum sampai tidak jelas"


def test_chinese_negations_survive_and_traditional_becomes_simplified() -> None:
    assert norm("這間酒店不錯，沒有問題") == "这间酒店不错 没有问题"


def test_english_opinion_words_get_a_polarity_token() -> None:
    assert norm("I hate the awful fit") == "i hate lexneg the awful lexneg fit lexpos"
    assert norm("not good") == "not good lexpos"


def test_question_and_exclamation_marks_are_tokens() -> None:
    assert norm("Where is my order??") == "where is my order ?"


def test_nul_bytes_and_controls_become_spaces() -> None:
    assert norm("a\x00b\x07c") == "a b c"


def test_long_text_is_cut_for_analysis() -> None:
    assert len(norm("x " * 100_000)) <= MAX_ANALYSED_CHARS


def test_none_and_empty() -> None:
    assert normalise([None, ""]).to_list() == ["", ""]


def test_clauses_split_on_punctuation_and_contrast_words() -> None:
    out = clauses(
        pl.Series(["Great fabric, but the price is too high", "", "只是 价格贵但是质量好"])
    )
    assert out.filter(pl.col("row") == 0)["clause"].to_list() == [
        "great lexpos fabric",
        "but the price is too high",
    ]
    assert out.filter(pl.col("row") == 1)["clause"].to_list() == [""]
    assert out.filter(pl.col("row") == 2).height == 2


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Not disappointed at all!", "satisfied lexpos at all !"),
        ("I was not disappointed with this dress", "i was satisfied lexpos with this dress"),
        ("No complaints, fast delivery", "satisfied lexpos fast delivery"),
        ("Not bad for the price", "good lexpos for the price"),
        ("Sama sekali gak kecewa", "sama sekali puas"),
        ("tdk nyesel beli di sini", "puas beli di sini"),
        ("书很好，没有让我失望", "书很好 满意"),
        ("一点也不後悔", "满意"),
        # "cannot help regretting" and a disappointment that is not negated stay as they are
        ("不得不后悔", "不得不后悔"),
        ("so disappointed, kecewa berat", "so disappointed lexneg kecewa berat"),
    ],
)
def test_negated_complaints_are_read_as_what_they_mean(text: str, reading: str) -> None:
    assert norm(text) == reading


NEGATIONS = ["not", "never", "tidak", "belum", "bukan", "不", "没"]


@settings(max_examples=25, deadline=None)
@given(
    before=st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=20),
    negation=st.sampled_from(NEGATIONS),
    after=st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=20),
)
def test_negations_are_never_dropped(before: str, negation: str, after: str) -> None:
    out = norm(f"{before} {negation} {after}")
    assert negation in out


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=200))
def test_any_text_normalises_to_one_line(text: str) -> None:
    out = norm(text)
    assert "\n" not in out
    assert out == out.strip()
    assert every_clause_row_kept(text)


def every_clause_row_kept(text: str) -> bool:
    out = clauses(pl.Series([text, text]))
    return sorted(set(out["row"].to_list())) == [0, 1]


def _reference_expr(expr: pl.Expr, emoji_map: dict[str, str], *, rewrite: bool = True) -> pl.Expr:
    """Normalisation as first written (one pass per step): the fused passes must match it.
    ``rewrite=False`` leaves out the last step, the negated complaints (to be read per clause)."""
    e = (
        expr.fill_null("")
        .str.replace_all(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]", " ")
        .str.slice(0, MAX_ANALYSED_CHARS)
        .str.to_lowercase()
        .str.replace_all(r"(?:https?://|www\.)\S+", " xurl ")
        .str.replace_all(r"@[\w.]+", " xmention ")
        .str.replace_all(r"#(\w+)", " $1 ")
    )
    words = r"(?-u:\b)(but|however|tapi|tetapi|namun|padahal)(?-u:\b)|(但是|可是|不过|但)"
    e = e.str.replace_all(r"([.;,。；，！!?？\n]+)", "$1 xclause ").str.replace_all(
        words, " xclause $0"
    )
    if emoji_map:
        e = e.str.replace_many(emoji_map, leftmost=True)
    for ch in string.ascii_lowercase:
        e = e.str.replace_all(ch * 3 + "+", ch)
    for d in string.digits + "０１２３４５６７８９":
        e = e.str.replace_all(d * 10 + "+", d * 3)
    e = e.str.replace_all(r"!+", " ! ").str.replace_all(r"[?？]+", " ? ")
    e = e.str.replace_many(traditional_to_simplified())
    e = e.str.replace_all(r"[^\w\s!?'\p{So}\p{Sk}\u200d\ufe0f]", " ").str.replace_all(r"\s+", "  ")
    e = pl.lit("  ") + e + pl.lit("  ")
    e = e.str.replace_many(_word_patterns()).str.replace_all(r"\s+", " ")
    return (read_in_normalised(e) if rewrite else e).str.strip_chars()


_TRICKY = st.sampled_from(
    [
        "aaa",
        "Sooo",
        "!!",
        "?？",
        "  ",
        "\u3000",
        "\xa0",
        "\t",
        "\n",
        ".",
        ", ",
        "但是",
        "這",
        "😍",
        "👍🏽",
        "gak",
        "bgt",
        "good",
        "bad",
        "#tag",
        "@me",
        "http://x.y/z",
        "\x01",
        "'",
        "é",
        "xclause",
        "but",
        "nyaaa",
        "ok",
        "—",
        "…",
        "5",
        "1111111111",
        "000000000",
        "１１１１１１１１１１",
        "_",
        "zzzz",
        "bbb",
        "?.",
        ".?",
        "!.!",
        ",!",
        "...?",
        "。！",
        "？，",
        "\x1e",
        "\x1f",
        " but ",
        "good bad",
        "gak ok",
        "xclausexclause",
        "not disappointed",
        " not bad",
        "gak nyesel",
        "tidak kecewa",
        "不后悔",
        "不得不后悔",
        "没有让我失望",
        "得",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(_TRICKY, st.text(max_size=4)), max_size=12), max_size=6))
def test_fused_normalisation_matches_the_step_by_step_reference(parts: list[list[str]]) -> None:
    texts = pl.Series(["".join(p) for p in parts] + ["Sooo gooood!!! 但是 這 😍 bgt"])
    emoji_map = _present_emoji(texts)
    frame = pl.DataFrame({"t": texts})
    got = frame.select(normalise_expr(pl.col("t"), clauses=True, emoji_map=emoji_map))
    want = frame.select(_reference_expr(pl.col("t"), emoji_map))
    assert got.to_series().to_list() == want.to_series().to_list()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(_TRICKY, st.text(max_size=4)), max_size=12), max_size=6))
def test_clause_lists_match_the_step_by_step_reference(parts: list[list[str]]) -> None:
    # clause_lists marks clauses with fewer passes (a mark may repeat where only an empty
    # clause comes between): its clauses must be the reference's, split and stripped, with
    # negated complaints read within each clause (a message's own "xclause" splits too)
    texts = pl.Series(["".join(p) for p in parts] + ["Wow!.! ok...? gak, but 但是 這 😍 bgt"])
    want = (
        pl.DataFrame({"t": texts})
        .select(_reference_expr(pl.col("t"), _present_emoji(texts), rewrite=False))
        .to_series()
        .to_list()
    )
    split = [[p.strip() for p in w.split(CLAUSE_MARK) if p.strip()] for w in want]
    read = pl.DataFrame({"c": [c for cs in split for c in cs]}, schema={"c": pl.String})
    flat = iter(read.select(read_in_normalised(pl.col("c")).str.strip_chars())["c"].to_list())
    want_clauses = [[next(flat) for _ in cs] for cs in split]
    got = clause_lists(texts)
    assert got["clauses"].to_list() == want_clauses
    assert got["normalised"].to_list() == [" ".join(c) for c in want_clauses]
