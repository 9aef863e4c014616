from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.enrich.language import chinese_script, detect, script_counts
from retailpulse.enrich.text import MAX_ANALYSED_CHARS


def run(texts: list[str | None], p_en: list[float]) -> tuple[list[str], list[str | None]]:
    return detect(pl.Series(texts, dtype=pl.String), np.array(p_en, dtype=np.float32))


def test_scripts_and_head_decisions() -> None:
    lang, script = run(
        [
            "the dress is lovely",
            "bajunya bagus",
            "这家店很好",
            "這家店很好",
            "Привет",
            "",
            "😀 123",
        ],
        [0.95, 0.05, 0.5, 0.5, 0.5, 0.5, 0.5],
    )
    assert lang == ["en", "id", "zh", "zh", "other", "unknown", "unknown"]
    assert script == ["Latn", "Latn", "Hans", "Hant", None, None, None]


def test_unsure_latin_text_goes_to_langid() -> None:
    lang, _ = run(["Saya suka makan nasi lemak di kedai mamak", "je voudrais un café"], [0.5, 0.5])
    assert lang[0] in {"ms", "id"}
    assert lang[1] == "other"


def test_urls_and_mentions_are_not_letters() -> None:
    lang, _ = run(["@someone https://example.com/abc"], [0.5])
    assert lang == ["unknown"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=60)), max_size=8))
def test_script_counts_equal_the_regex_counts(texts: list[str | None]) -> None:
    # the code point table must count exactly what Polars' regex classes count
    raw = pl.Series([*texts, "汉字 kana カナ ñ https://例え.jp @名前 Ωμέγα"], dtype=pl.String)
    t = pl.col("t").fill_null("").str.slice(0, MAX_ANALYSED_CHARS)
    t_clean = t.str.replace_all(r"(?:https?://|www\.)\S+|@[\w.]+", " ")
    want = pl.DataFrame({"t": raw}).select(
        t_clean.str.count_matches(r"\p{L}").alias("letters"),
        t_clean.str.count_matches(r"\p{Han}").alias("han"),
        t_clean.str.count_matches(r"\p{Latin}").alias("latin"),
        t_clean.str.count_matches(r"[\p{Hiragana}\p{Katakana}\p{Hangul}]").alias("kana"),
    )
    assert script_counts(raw).equals(want)


def test_chinese_script_counts_traditional_and_simplified_only_characters() -> None:
    assert chinese_script(pl.Series(["這個很好", "这个很好", "很好", None])) == [
        "Hant",
        "Hans",
        "Hans",
        "Hans",
    ]
