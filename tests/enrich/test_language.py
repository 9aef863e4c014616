from __future__ import annotations

import numpy as np
import polars as pl

from retailpulse.enrich.language import detect


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
