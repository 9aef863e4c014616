from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.errors import InputError
from retailpulse.understand.satisfaction import (
    csat,
    net_sentiment,
    nps,
    review_stars,
    satisfaction_report,
    sentiment_trend,
)
from voc_synth import make_world


@pytest.fixture(scope="module")
def world():
    return make_world(n_customers=1_000, n_messages=12_000, days=84, seed=1)


def test_net_sentiment_matches_hand_count(world):
    msgs = world.messages.filter((pl.col("direction") == "inbound") & ~pl.col("is_spam"))
    pos = (msgs["sentiment"] == "positive").sum()
    neg = (msgs["sentiment"] == "negative").sum()
    row = net_sentiment(world.messages).row(0, named=True)
    assert row["n"] == msgs.height
    assert row["nsi"] == pytest.approx(100 * (pos - neg) / msgs.height)
    assert row["nsi_lo"] < row["nsi"] < row["nsi_hi"]


def test_aspect_nsi_recovers_planted_ordering(world):
    table = net_sentiment(world.messages, ["aspect"])
    worst = table.sort("nsi")["aspect"][0]
    best = table.sort("nsi", descending=True)["aspect"][0]
    assert worst == "delivery"  # planted P(negative) 0.5
    assert best == "store"  # planted P(negative) 0.15


def test_segment_and_store_dimensions(world):
    by_seg = net_sentiment(world.messages, ["segment"], customer360=world.customer360)
    assert set(by_seg["segment"]) == {"champions", "loyal", "potential", "at_risk", "hibernating"}
    by_store = net_sentiment(world.messages, ["store", "channel"])
    assert set(by_store["store"]) == {"S1", "S2", "S3", "S4"}
    assert by_store["n"].sum() > 0


def test_unknown_dimension_names_the_choices(world):
    with pytest.raises(InputError, match=r"'by' parameter of net_sentiment.*'aspect'"):
        net_sentiment(world.messages, ["colour"])


def test_not_enriched_says_run_enrich(world):
    raw = world.messages.drop("sentiment", "aspects")
    with pytest.raises(InputError, match="retailpulse enrich"):
        net_sentiment(raw)
    empty = world.messages.with_columns(pl.lit(None, pl.String).alias("sentiment"))
    with pytest.raises(InputError, match="retailpulse enrich"):
        net_sentiment(empty)


def test_period_with_no_data_gives_empty_tables(world):
    later = world.start + timedelta(days=400)
    assert net_sentiment(world.messages, since=later).is_empty()
    assert net_sentiment(world.messages, ["aspect"], since=later).is_empty()
    assert sentiment_trend(world.messages, since=later).is_empty()
    assert nps(world.surveys, since=later).is_empty()
    report = satisfaction_report(world.messages, since=later)
    assert report["overall"] == [] and report["nps"] == []


def test_bad_since_names_the_format(world):
    with pytest.raises(InputError, match="ISO 8601"):
        net_sentiment(world.messages, since="last tuesday")
    with pytest.raises(InputError, match="before 'until'"):
        net_sentiment(world.messages, since="2025-03-01", until="2025-02-01")


def test_single_language(world):
    one = make_world(n_customers=200, n_messages=2_000, days=28, seed=3, languages=("zh",))
    table = net_sentiment(one.messages.filter(pl.col("direction") == "inbound"), ["language"])
    assert table["language"].to_list() == ["zh"]


def test_nps_and_csat_match_hand_count(world):
    s = world.surveys
    promoters, detractors = (s["nps"] >= 9).sum(), (s["nps"] <= 6).sum()
    row = nps(s).row(0, named=True)
    assert row["nps"] == pytest.approx(100 * (promoters - detractors) / s.height)
    assert row["nps_lo"] < row["nps"] < row["nps_hi"]
    c = csat(s).row(0, named=True)
    assert c["csat"] == pytest.approx((s["csat"] >= 4).mean())
    assert c["csat_lo"] < c["csat"] < c["csat_hi"]
    by_store = nps(s, ["store_id", "period"])
    assert by_store["n"].sum() == s.height


def test_nps_by_missing_column_names_it(world):
    with pytest.raises(InputError, match="region"):
        nps(world.surveys, ["region"])


def test_review_stars(world):
    row = review_stars(world.messages).row(0, named=True)
    reviews = world.messages.filter(pl.col("rating").is_not_null() & ~pl.col("is_spam"))
    assert row["n"] == reviews.height
    assert row["stars"] == pytest.approx(reviews["rating"].mean())


def test_trend_marks_a_planted_drop_and_not_noise():
    w = make_world(n_customers=500, n_messages=30_000, days=84, seed=5)
    cut = w.start + timedelta(days=70)
    late = (pl.col("created_at") >= cut) & (pl.col("direction") == "inbound")
    msgs = w.messages.with_columns(
        pl.when(late & (pl.col("id") % 2 == 0))
        .then(pl.lit("negative"))
        .otherwise(pl.col("sentiment"))
        .alias("sentiment")
    )
    trend = sentiment_trend(msgs, period="week")
    flagged = trend.filter(pl.col("significant"))
    assert flagged["period"].to_list() == [cut]
    assert flagged["change"][0] < 0


def test_report_without_surveys(world):
    report = satisfaction_report(world.messages, customer360=world.customer360)
    assert report["nps"] == [] and report["csat"] == []
    assert report["overall"][0]["n"] > 0
    assert {r["aspect"] for r in report["by_aspect"]} >= {"delivery", "price"}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["negative", "neutral", "positive"]), min_size=1, max_size=60))
def test_nsi_bounds_property(labels):
    n = len(labels)
    frame = pl.DataFrame(
        {
            "id": list(range(n)),
            "created_at": [world_start()] * n,
            "text": ["x"] * n,
            "platform": ["x"] * n,
            "direction": ["inbound"] * n,
            "language": ["en"] * n,
            "sentiment": labels,
            "p_negative": [0.3] * n,
            "p_neutral": [0.3] * n,
            "p_positive": [0.4] * n,
            "emotion": ["none"] * n,
            "intents": [""] * n,
            "aspects": [""] * n,
            "entities": [""] * n,
            "is_spam": [False] * n,
            "customer_id": [None] * n,
        },
        schema_overrides={"customer_id": pl.String},
    )
    row = net_sentiment(frame).row(0, named=True)
    assert -100 <= row["nsi_lo"] <= row["nsi"] <= row["nsi_hi"] <= 100


def world_start():
    from datetime import UTC, datetime

    return datetime(2025, 1, 6, tzinfo=UTC)
