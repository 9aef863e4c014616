from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from retailpulse.errors import InputError
from retailpulse.understand.behaviour import (
    activity_heatmap,
    behaviour_report,
    campaign_effects,
    channel_preference,
    content_engagement,
    peak_times,
    promotion_response,
)
from voc_synth import make_world


@pytest.fixture(scope="module")
def world():
    return make_world(n_customers=2_000, n_messages=20_000, days=90, seed=6)


def boosted_transactions(w, campaign_row: int = 0, extra: float = 1.0):
    """Add orders for the campaign's target segment during the campaign."""
    camp = w.campaigns.row(campaign_row, named=True)
    target = w.customer360.filter(pl.col("segment") == camp["target_segment"])["customer_id"]
    rng = np.random.default_rng(0)
    n = int(extra * target.len())
    span = (camp["end"] - camp["start"]).total_seconds()
    new = pl.DataFrame(
        {
            "order_id": [f"X{i}" for i in range(n)],
            "customer_id": rng.choice(target.to_numpy(), n),
            "created_at": [
                camp["start"] + timedelta(seconds=float(s)) for s in rng.uniform(0, span, n)
            ],
            "store_id": ["S1"] * n,
            "channel": ["online"] * n,
            "total": [50.0] * n,
            "discount": [5.0] * n,
            "currency": ["SGD"] * n,
        }
    ).with_columns(pl.col("created_at").cast(pl.Datetime("us", "UTC")))
    return pl.concat([w.transactions, new])


def test_heatmap_finds_the_evening_peak(world):
    heat = activity_heatmap(world.messages, world.transactions)
    assert set(heat["activity"]) == {"post", "buy"}
    posts = heat.filter(pl.col("activity") == "post")
    assert posts["share"].sum() == pytest.approx(1.0)
    by_hour = posts.group_by("hour").agg(pl.col("share").sum()).sort("share", descending=True)
    assert by_hour["hour"][0] in (19, 20, 21)
    peaks = peak_times(heat, top=2)
    assert peaks.height == 4


def test_heatmap_by_segment_and_time_zone(world):
    heat = activity_heatmap(
        world.messages,
        None,
        customer360=world.customer360,
        by_segment=True,
        time_zone="Asia/Singapore",
    )
    assert set(heat["activity"]) == {"post"}
    assert heat.group_by("segment").agg(pl.col("share").sum())["share"].to_list() == pytest.approx(
        [1.0] * 5
    )
    with pytest.raises(InputError, match="IANA zone"):
        activity_heatmap(world.messages, time_zone="Mars/Olympus")


def test_channel_preference_shares(world):
    table = channel_preference(world.messages, world.transactions, customer360=world.customer360)
    sums = table.group_by("segment", "activity").agg(pl.col("share").sum())
    assert sums["share"].to_list() == pytest.approx([1.0] * sums.height)
    assert "all" in set(table["segment"])


def test_content_formats_rank_by_engagement(world):
    table = content_engagement(world.messages)
    assert table["format"].to_list()[0] == "video"  # planted 3x engagement
    assert table["format"].to_list()[-1] == "text"
    video = table.row(0, named=True)
    assert video["rate_lo"] < video["rate"] < video["rate_hi"] and video["lift"] > 1


def test_promotion_response(world):
    table = promotion_response(world.transactions, customer360=world.customer360)
    overall = table.filter(pl.col("segment") == "all").row(0, named=True)
    assert overall["discounted_share"] == pytest.approx(0.3, abs=0.03)


def test_campaign_effect_against_other_customers(world):
    trans = boosted_transactions(world, 0, extra=1.0)
    table = campaign_effects(world.campaigns, transactions=trans, customer360=world.customer360)
    k1 = table.filter(pl.col("campaign_id") == "K1").row(0, named=True)
    k2 = table.filter(pl.col("campaign_id") == "K2").row(0, named=True)
    assert k1["lo"] > 1.5 and k1["baseline"].startswith("other customers")
    assert k2["lo"] < 1 < k2["hi"]


def test_report_without_transactions(world):
    report = behaviour_report(
        world.messages, customer360=world.customer360, campaigns=world.campaigns
    )
    assert report["promotions"] == []
    assert {r["activity"] for r in report["peak_times"]} == {"post"}
    assert {r["metric"] for r in report["campaigns"]} == {"messages"}


def test_period_with_no_data(world):
    later = world.start + timedelta(days=400)
    assert activity_heatmap(world.messages, world.transactions, since=later).is_empty()
    assert content_engagement(world.messages, since=later).is_empty()


def test_campaign_targets_all_tier_country_or_unknown(world):
    camps = pl.DataFrame(
        {
            "campaign_id": ["A", "B", "C", "D"],
            "name": ["everyone", "gold tier", "Singapore", "mystery"],
            "start": [world.start + timedelta(days=40)] * 4,
            "end": [world.start + timedelta(days=50)] * 4,
            "target_segment": ["all", "gold", "region_SG", "members_tenure_90d"],
        }
    ).with_columns(pl.col("start", "end").cast(pl.Datetime("us", "UTC")))
    table = campaign_effects(
        camps, transactions=world.transactions, customers=world.customers
    ).filter(pl.col("metric") == "orders")
    rows = {r["campaign_id"]: r for r in table.iter_rows(named=True)}
    assert rows["A"]["baseline"] == "the period before" and rows["A"]["other_before"] == 0
    assert rows["A"]["target_before"] > 0
    assert rows["B"]["baseline"].startswith("other customers") and rows["B"]["other_before"] > 0
    assert rows["C"]["target_before"] > 0 and rows["C"]["other_before"] > 0
    assert rows["D"]["ratio"] is None and "matches no customer" in rows["D"]["baseline"]
