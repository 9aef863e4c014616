from __future__ import annotations

import polars as pl

from retailpulse.enrich.spam import spam_flags
from retailpulse.enrich.text import normalise


def flags(texts: list[str]) -> list[bool]:
    s = pl.Series(texts)
    return spam_flags(s, normalise(s)).to_list()


def test_promotional_and_bot_like_messages_are_flagged() -> None:
    out = flags(
        [
            "GIVEAWAY!!! follow me and check my bio https://spam.example",
            "Jual followers murah hubungi 0812-3456-7890",
            "加微信 代购 正品",
            "The dress arrived on time, thanks!",
            "Where is my order?",
        ]
    )
    assert out == [True, True, False, False, False]


def test_copy_paste_repeats_in_a_batch_count() -> None:
    text = "cek bio untuk promo murah sekali"
    assert flags([text, text, text, "hello"]) == [True, True, True, False]
    assert flags(["nice shoes", "nice shoes", "nice shoes"]) == [False, False, False]
