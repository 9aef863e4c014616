from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from retailpulse.errors import InputError
from retailpulse.understand.needs import (
    aspect_importance_performance,
    first_responses,
    needs_report,
    preferences_by_segment,
    unmet_by_aspect,
    unmet_needs,
    unstocked_requests,
)
from voc_synth import ASPECTS, make_world


@pytest.fixture(scope="module")
def world():
    return make_world(n_customers=800, n_messages=10_000, days=60, seed=2)


def test_importance_performance_quadrants(world):
    table = aspect_importance_performance(world.messages)
    assert set(table["aspect"]) == set(ASPECTS)
    assert table["importance"].sum() == pytest.approx(1.0, abs=0.02)  # one aspect per message
    delivery = table.filter(pl.col("aspect") == "delivery").row(0, named=True)
    assert delivery["quadrant"] in {"fix first", "monitor"}
    store = table.filter(pl.col("aspect") == "store").row(0, named=True)
    assert store["quadrant"] in {"keep up", "possible overkill"}


def test_first_responses_find_the_reply(world):
    resp = first_responses(world.messages)
    inbound = world.messages.filter(pl.col("direction") == "inbound", ~pl.col("is_spam"))
    assert resp.height == inbound.height
    replied_share = resp["replied_at"].is_not_null().mean()
    assert replied_share == pytest.approx(0.7, abs=0.03)  # planted reply share
    assert (resp["response_hours"].drop_nulls() > 0).all()
    assert resp["response_hours"].median() == pytest.approx(6 * 0.693, rel=0.15)


def test_unmet_needs_are_unanswered_asks(world):
    unmet = unmet_needs(world.messages, sla_hours=24)
    assert unmet.height > 0
    assert set(unmet["status"]) <= {"unanswered", "late"}
    assert unmet["intents"].str.contains("complaint|request|question").all()
    late = unmet.filter(pl.col("status") == "late")
    assert (late["response_hours"] > 24).all()
    by_aspect = unmet_by_aspect(unmet, world.messages)
    assert (by_aspect["unmet"] <= by_aspect["asked"]).all()


def test_all_answered_means_no_unmet():
    w = make_world(n_customers=200, n_messages=2_000, days=30, seed=4, reply_share=1.0)
    unmet = unmet_needs(w.messages, sla_hours=1_000)
    assert unmet.is_empty()


def test_unstocked_requests_rank_availability(world):
    products = pl.DataFrame({"sku": [f"SKU{i}" for i in range(1, 30)], "name": ["x"] * 29})
    table = unstocked_requests(world.messages, products)
    assert table.height > 0
    assert table["in_catalogue"].any() and not table["in_catalogue"].all()
    assert table["availability_complaints"].to_list() == sorted(
        table["availability_complaints"].to_list(), reverse=True
    )


def test_preferences_by_segment_lift(world):
    prefs = preferences_by_segment(world.messages, customer360=world.customer360)
    assert set(prefs["segment"]) <= {"champions", "loyal", "potential", "at_risk", "hibernating"}
    weighted = prefs.group_by("segment").agg(pl.col("share").sum())
    assert weighted["share"].to_list() == pytest.approx([1.0] * weighted.height, abs=0.01)


def test_period_with_no_data(world):
    later = world.start + timedelta(days=500)
    assert aspect_importance_performance(world.messages, since=later).is_empty()
    assert unmet_needs(world.messages, since=later).is_empty()
    report = needs_report(world.messages, since=later)
    assert report["unmet_total"] == 0 and report["importance_performance"] == []


def test_not_enriched(world):
    with pytest.raises(InputError, match="retailpulse enrich"):
        needs_report(world.messages.drop("aspects"))
