from __future__ import annotations

import json
from datetime import timedelta

import polars as pl
import pytest

from retailpulse.errors import InputError
from retailpulse.understand.questions import Inputs, answer_questions
from voc_synth import make_world


@pytest.fixture(scope="module")
def world():
    return make_world(n_customers=1_500, n_messages=15_000, days=90, seed=8)


def full(w) -> Inputs:
    return Inputs(
        messages=w.messages,
        customers=w.customers,
        transactions=w.transactions,
        surveys=w.surveys,
        campaigns=w.campaigns,
        identities=w.identities,
        customer360=w.customer360,
    )


def test_five_answers_with_evidence(world):
    answers = answer_questions(full(world))
    assert [a.number for a in answers] == [1, 2, 3, 4, 5]
    for a in answers:
        d = a.to_dict()
        json.dumps(d, default=str)
        assert d["verdict"] and 0.0 <= d["confidence"] <= 1.0
        assert d["confidence_level"] in {"high", "medium", "low"}
    q1, q2, q3, q4, q5 = answers
    assert q1.numbers["identified_message_share"] == pytest.approx(0.595, abs=0.05)
    assert len(q1.numbers["segments"]) == 5 and q1.customer_ids
    assert "peak_post" in q2.numbers and "peak_buy" in q2.numbers
    assert q3.numbers["nps_n"] == world.surveys.height
    assert "delivery" in q3.verdict and q3.message_ids
    assert q4.numbers["unmet"] > 0 and q4.message_ids
    assert q5.numbers["campaigns"] and q5.numbers["content"]
    assert "video" in q5.verdict
    assert not q3.doubtful


def test_no_surveys_and_no_transactions_are_doubtful_with_remedies(world):
    data = Inputs(messages=world.messages, customer360=world.customer360)
    answers = answer_questions(data)
    q2, q3, q5 = answers[1], answers[2], answers[4]
    assert q3.doubtful and any("survey" in r.lower() for r in q3.remedies)
    assert q2.doubtful and any("transactions" in r for r in q2.remedies)
    assert q5.doubtful and any("campaign" in r.lower() for r in q5.remedies)
    assert "nps" not in q3.numbers and "nsi" in q3.numbers


def test_period_with_no_data_is_answered_and_doubtful(world):
    later = world.start + timedelta(days=365)
    answers = answer_questions(full(world), since=later)
    assert all(a.doubtful for a in answers[1:4])
    assert "no customer messages" in answers[3].verdict.lower()


def test_single_language(world):
    one = make_world(n_customers=300, n_messages=3_000, days=60, seed=2, languages=("id",))
    answers = answer_questions(Inputs(messages=one.messages, surveys=one.surveys))
    assert answers[2].numbers["messages"] > 0


def test_not_enriched_says_run_enrich(world):
    with pytest.raises(InputError, match="retailpulse enrich"):
        answer_questions(Inputs(messages=world.messages.drop("sentiment", "p_negative")))


def test_partly_enriched_is_flagged(world):
    msgs = world.messages.with_columns(
        pl.when(pl.col("id") % 5 == 0).then(None).otherwise(pl.col("sentiment")).alias("sentiment")
    )
    answers = answer_questions(Inputs(messages=msgs))
    assert any("retailpulse enrich" in r for r in answers[0].remedies)
