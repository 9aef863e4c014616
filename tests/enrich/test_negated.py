"""Negated complaints read as what they mean (retailpulse.enrich.negated), in raw text."""

from __future__ import annotations

import pytest

from retailpulse.enrich.negated import raw_passes, read_in_raw


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Not disappointed at all!", "satisfied at all!"),
        ("I DON’T regret it", "I satisfied it"),
        ("I dont regret it", "I satisfied it"),
        ("No complaints,  fast delivery", "satisfied,  fast delivery"),
        ("Not   too bad", "good"),
        ("Sama sekali gak kecewa", "Sama sekali puas"),
        ("tdk pernah kecewa belanja di sini", "puas belanja di sini"),
        ("書很好，沒有讓我失望", "書很好，满意"),
        ("一點也不後悔", "满意"),
    ],
)
def test_raw_negated_complaints_are_read_as_what_they_mean(text: str, reading: str) -> None:
    assert read_in_raw([text]) == [reading]


@pytest.mark.parametrize(
    "text",
    [
        "So disappointed, kecewa berat",
        "不得不后悔",  # "cannot help regretting"
        "Nothing special, not good",
        "",
    ],
)
def test_other_texts_are_left_as_they_are(text: str) -> None:
    assert read_in_raw([text]) == [text]


def test_empty_batch_and_every_pass_compiles() -> None:
    assert read_in_raw([]) == []
    assert len(raw_passes()) == 4
