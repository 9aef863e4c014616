from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.engage.inbox import COMPONENTS, build_conversations, explain, prioritise
from retailpulse.errors import InputError, MissingColumnError

T0 = datetime(2026, 1, 1, 9, 0)


def frame(rows: list[dict]) -> pl.DataFrame:  # type: ignore[type-arg]
    base = {
        "id": 0,
        "platform": "x",
        "direction": "inbound",
        "author_id": "a",
        "created_at": T0,
        "text": "hi",
        "thread_id": None,
        "kind": "post",
        "sentiment": "neutral",
        "intents": "question",
        "is_spam": False,
    }
    return pl.DataFrame([{**base, "id": i + 1, **r} for i, r in enumerate(rows)])


def test_thread_messages_form_one_conversation_and_outbound_answers_it() -> None:
    msgs = frame(
        [
            {"thread_id": "t1", "author_id": "a", "text": "where is my order?"},
            {"thread_id": "t1", "author_id": "b", "created_at": T0 + timedelta(hours=1)},
            {
                "thread_id": "t1",
                "direction": "outbound",
                "author_id": "brand",
                "created_at": T0 + timedelta(hours=2),
                "intents": "",
            },
        ]
    )
    convs = build_conversations(msgs)
    assert convs.height == 1
    row = convs.row(0, named=True)
    assert row["key"] == "thread:x:t1"
    assert row["message_count"] == 2
    assert row["subject"] == "where is my order?"
    assert row["first_response_at"] == T0 + timedelta(hours=2)


def test_author_messages_split_by_the_window() -> None:
    msgs = frame(
        [
            {"created_at": T0},
            {"created_at": T0 + timedelta(hours=30)},
            {"created_at": T0 + timedelta(hours=100)},
            {"author_id": "z", "created_at": T0},
        ]
    )
    convs = build_conversations(msgs, window_hours=48)
    counts = sorted(convs.filter(pl.col("author_id") == "a")["message_count"].to_list())
    assert counts == [1, 2]
    assert convs.height == 3


def test_what_needs_an_answer() -> None:
    msgs = frame(
        [
            {"author_id": "spam", "is_spam": True, "intents": "complaint"},
            {"author_id": "fan", "intents": "praise", "sentiment": "positive"},
            {"author_id": "dm", "kind": "dm", "intents": "", "sentiment": "positive"},
            {"author_id": "angry", "intents": "", "sentiment": "negative"},
            {"author_id": "review", "kind": "post", "intents": "", "rating": 2.0},
        ]
    )
    convs = build_conversations(msgs)
    assert sorted(convs["author_id"].to_list()) == ["angry", "dm", "review"]


def test_intents_are_united_and_store_taken_from_entities() -> None:
    msgs = frame(
        [
            {"thread_id": "t", "intents": "complaint", "entities": "product:P1;store:S9"},
            {"thread_id": "t", "intents": "question;complaint", "created_at": T0 + timedelta(1)},
        ]
    )
    row = build_conversations(msgs).row(0, named=True)
    assert row["intents"] == "complaint;question"
    assert row["store_id"] == "S9"


def test_bad_input_names_the_fix() -> None:
    with pytest.raises(MissingColumnError, match=r"Workspace\.messages"):
        build_conversations(pl.DataFrame({"id": [1]}))
    with pytest.raises(InputError, match="'window_hours' parameter of build_conversations"):
        build_conversations(frame([{}]), window_hours=0)


def _convs() -> pl.DataFrame:
    return build_conversations(
        frame(
            [
                {
                    "author_id": "vip",
                    "sentiment": "negative",
                    "intents": "complaint",
                    "emotion": "anger",
                    "customer_id": "C1",
                    "author_followers": 10_000,
                },
                {"author_id": "nobody", "intents": "question"},
            ]
        )
    )


VALUES = pl.DataFrame(
    {
        "customer_id": ["C1", "C2", "C3"],
        "clv": [900.0, 50.0, 10.0],
        "tier": ["gold", "none", "none"],
        "p_alive": [0.3, 0.9, 0.9],
    }
)


def test_angry_valuable_customer_comes_first_with_every_component() -> None:
    scored = prioritise(_convs(), VALUES, now=T0 + timedelta(hours=1))
    top = scored.row(0, named=True)
    assert top["author_id"] == "vip"
    assert {f"points_{c}" for c in COMPONENTS} <= set(scored.columns)
    total = sum(top[f"points_{c}"] for c in COMPONENTS)
    assert top["priority"] == pytest.approx(total, abs=0.2)
    assert top["points_value"] == 20.0 and top["tier"] == "gold"
    assert top["points_churn"] == pytest.approx(10.5)
    lines = explain(top)
    assert [ln["points"] for ln in lines] == sorted([ln["points"] for ln in lines], reverse=True)


def test_unknown_customers_and_no_values_add_nothing() -> None:
    scored = prioritise(_convs(), None, now=T0)
    assert scored["points_value"].sum() == 0 and scored["points_churn"].sum() == 0


def test_sla_component_grows_until_overdue() -> None:
    convs = _convs().filter(pl.col("author_id") == "nobody")
    early = prioritise(convs, None, now=T0)["points_sla"][0]
    late = prioritise(convs, None, now=T0 + timedelta(days=3)).row(0, named=True)
    assert early == 0.0
    assert late["points_sla"] == 10.0 and late["minutes_left"] < 0


@settings(max_examples=40, deadline=None)
@given(
    p_neg=st.floats(0, 1),
    followers=st.integers(0, 10**9),
    clv=st.floats(0, 1e6),
    hours=st.floats(0, 500),
)
def test_priority_stays_within_0_and_100(
    p_neg: float, followers: int, clv: float, hours: float
) -> None:
    convs = build_conversations(
        frame(
            [
                {
                    "p_negative": p_neg,
                    "author_followers": followers,
                    "customer_id": "C1",
                    "sentiment": "negative",
                }
            ]
        )
    )
    values = pl.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "clv": [clv, 1.0],
            "tier": ["platinum", None],
            "p_alive": [0.0, 1.0],
        }
    )
    p = prioritise(convs, values, now=T0 + timedelta(hours=hours))["priority"][0]
    assert 0.0 <= p <= 100.0
