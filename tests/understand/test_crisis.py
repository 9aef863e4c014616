from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from retailpulse.errors import InputError
from retailpulse.understand.crisis import crisis_alerts, detect_spikes
from voc_synth import make_world

WEEKLY = np.array([0.8, 0.8, 0.9, 1.0, 1.1, 1.5, 1.6])  # Monday .. Sunday


def simulate(n_series: int, days: int, seed: int, spikes: bool):
    """Negative-binomial daily counts with weekly seasonality, optionally one spike each."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(2, 40, n_series)
    mean = base[:, None] * WEEKLY[np.arange(days) % 7][None, :]
    shape = 20.0  # NB dispersion phi = 1/20
    counts = rng.poisson(rng.gamma(shape, mean / shape))
    spike_days = np.full(n_series, -1)
    if spikes:
        spike_days = rng.integers(35, days, n_series)
        rows = np.arange(n_series)
        m = mean[rows, spike_days]
        counts[rows, spike_days] += rng.poisson(np.maximum(2.5 * m, 10))
    return counts.astype(float), spike_days


def test_injected_spikes_are_found():
    counts, spike_days = simulate(400, 120, seed=1, spikes=True)
    res = detect_spikes(counts, first_weekday=0)
    rows = np.arange(counts.shape[0])
    recall = res.flags[rows, spike_days].mean()
    assert recall >= 0.95


def test_normal_traffic_has_at_most_one_false_alarm_per_30_days():
    counts, _ = simulate(400, 120, seed=2, spikes=False)
    res = detect_spikes(counts, first_weekday=0)
    evaluated = counts.shape[0] * (counts.shape[1] - 14)
    per_30_days = res.flags.sum() / evaluated * 30
    assert per_30_days <= 1.0
    # Weekend peaks alone (seasonality) never alarm.
    assert res.flags.sum() < 0.01 * evaluated


def test_spikes_in_spiky_data_do_not_alarm_on_other_days():
    counts, spike_days = simulate(300, 120, seed=3, spikes=True)
    res = detect_spikes(counts, first_weekday=0)
    others = res.flags.copy()
    others[np.arange(counts.shape[0]), spike_days] = False
    assert others.sum() / (counts.shape[0] * 106) * 30 <= 1.0


@pytest.fixture(scope="module")
def crisis_world():
    w = make_world(n_customers=1_500, n_messages=40_000, days=84, seed=9)
    day = w.start + timedelta(days=75, hours=10)
    n = 120
    base = w.messages.filter(pl.col("direction") == "inbound").head(n)
    planted = base.with_columns(
        (pl.col("id") + 10_000_000).alias("id"),
        (pl.lit("crisis") + pl.col("external_id")).alias("external_id"),
        (pl.lit("crisis") + pl.col("external_id")).alias("thread_id"),
        pl.lit(day).alias("created_at"),
        pl.lit("Store S2 refund refused, manager rude, delivery late scam").alias("text"),
        pl.lit("en").alias("language"),
        pl.lit("negative").alias("sentiment"),
        pl.lit("service:negative").alias("aspects"),
        pl.lit("store:S2").alias("entities"),
        pl.lit(False).alias("is_spam"),
    )
    return w, pl.concat([w.messages, planted]), day


def test_planted_crisis_is_the_top_alert(crisis_world):
    w, msgs, day = crisis_world
    alerts = crisis_alerts(msgs, customer360=w.customer360)
    assert alerts.height >= 1
    top = alerts.head(3)
    assert {("store", "S2"), ("aspect", "service")} <= set(
        zip(top["series"], top["key"], strict=True)
    )
    s2 = alerts.filter((pl.col("series") == "store") & (pl.col("key") == "S2")).row(0, named=True)
    assert s2["day"].date() == day.date()
    assert s2["negatives"] >= 120
    assert {"refund", "refused", "scam"} & set(s2["terms"].split(";"))
    assert len(s2["example_ids"]) == 3 and min(s2["example_ids"]) >= 10_000_000
    assert s2["customer_value"] > 0 and s2["reach"] > 0
    assert 0 <= s2["score"] <= 100


def test_normal_world_raises_no_high_alert(crisis_world):
    w, _, _ = crisis_world
    alerts = crisis_alerts(w.messages, customer360=w.customer360)
    assert alerts.filter(pl.col("negatives") >= 60).is_empty()


def test_since_limits_the_alert_days(crisis_world):
    w, msgs, day = crisis_world
    assert crisis_alerts(msgs, since=day + timedelta(days=2)).is_empty()
    later = w.start + timedelta(days=365)
    assert crisis_alerts(msgs, since=later).is_empty()


def test_topic_series_uses_given_assignments(crisis_world):
    _w, msgs, _ = crisis_world
    topics = msgs.select(
        "id", (pl.col("text").str.contains("refund")).cast(pl.Int64).alias("topic")
    )
    alerts = crisis_alerts(msgs, topics=topics)
    assert ("topic", "1") in set(zip(alerts["series"], alerts["key"], strict=True))


def test_not_enriched(crisis_world):
    w, _, _ = crisis_world
    with pytest.raises(InputError, match="retailpulse enrich"):
        crisis_alerts(w.messages.drop("entities"))
