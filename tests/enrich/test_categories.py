from __future__ import annotations

import pytest

from retailpulse.enrich.categories import add_category, categories
from retailpulse.enrich.model import LinearModel
from retailpulse.enrich.pipeline import enrich_texts, load_model
from retailpulse.errors import InputError

EXAMPLES = [
    "no parking space at the mall again",
    "parking is full every weekend",
    "parkir penuh, susah cari tempat parkir",
    "parkirnya mahal banget",
    "停车位太少了",
    "停车场很难找",
]


def fresh() -> LinearModel:
    m = load_model()
    return LinearModel(m.version, m.bits, dict(m.heads), m.weights.copy(), m.bias.copy(), {})


def test_category_from_examples_is_reported_as_an_aspect() -> None:
    model = add_category(fresh(), "parking", EXAMPLES)
    assert categories(model) == ["parking"]
    out = enrich_texts(
        ["the parking was full and the staff rude", "lovely dress", "tempat parkir sempit"],
        model=model,
    )
    aspects = out["aspects"].to_list()
    assert "parking:" in aspects[0]
    assert "parking" not in aspects[1]
    assert "parking:" in aspects[2]


def test_bad_names_and_too_few_examples() -> None:
    with pytest.raises(InputError, match="lower-case"):
        add_category(fresh(), "Parking Lot", EXAMPLES)
    with pytest.raises(InputError, match="at least 3"):
        add_category(fresh(), "parking", ["parking full", ""])
