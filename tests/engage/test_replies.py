from __future__ import annotations

import pytest

from retailpulse.engage.replies import LANGUAGES, PLACEHOLDERS, TEMPLATES, render, suggest
from retailpulse.errors import InputError


def test_every_intent_has_templates_in_every_language() -> None:
    for intent in ("complaint", "question", "praise", "purchase_intent", "request", ""):
        for lang in LANGUAGES:
            assert any(t.intent == intent and t.language == lang for t in TEMPLATES)


def test_placeholders_filled_and_defaults_used() -> None:
    out = suggest("complaint", "en", {"customer_name": "Alice", "order": "#A1", "store": None})
    assert out[0]["text"].startswith("Hi Alice")
    assert "#A1" in out[0]["text"]
    assert all("{" not in s["text"] for s in out)
    assert "our store" in out[1]["text"]


def test_language_fallbacks() -> None:
    assert suggest("question", "ms", {})[0]["language"] == "id"
    assert suggest("question", "jv", {})[0]["language"] == "id"
    assert suggest("question", "other", {})[0]["language"] == "en"
    zh = suggest("praise", "zh", {"customer_name": "王芳"})
    assert zh[0]["text"].startswith("非常感谢王芳")


def test_general_templates_when_no_intent() -> None:
    out = suggest("", "en", {})
    assert [s["intent"] for s in out] == ["general"]


def test_unknown_placeholder_is_refused() -> None:
    with pytest.raises(InputError, match="placeholders"):
        render("Hello {email}", {}, "en")
    assert set(PLACEHOLDERS) == {"customer_name", "order", "store", "agent_name"}
