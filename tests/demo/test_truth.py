"""What the demo plants can be found in the data: the crisis, the campaign lift, the drivers."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl

from retailpulse.demo import DemoData, ground_truth


def test_crisis_is_a_spike_of_messages_at_its_store(small: DemoData) -> None:
    crisis = ground_truth(small)["crisis"]
    m = small["messages"]
    ids = set(crisis["message_ids"])
    assert len(ids) == crisis["messages"] > 100
    planted = m.filter(pl.col("external_id").is_in(list(ids)))
    assert planted.height == len(ids)
    assert planted["created_at"].min() >= crisis["start"]  # type: ignore[operator]
    assert planted["created_at"].max() < crisis["end"]  # type: ignore[operator]
    # daily inbound Indonesian-market volume: the crisis days stand far above the usual days
    daily = (
        m.filter(pl.col("direction") == "inbound", pl.col("account").str.contains("(?i)lumora"))
        .filter(
            pl.col("account").is_in(
                ["@lumora.id", "Lumora Indonesia", "@LumoraID", "halo@lumora.co.id", "lumora.co.id"]
            )
        )
        .group_by(pl.col("created_at").dt.date().alias("day"))
        .len()
    )
    in_window = daily.filter(
        pl.col("day") >= crisis["start"].date(), pl.col("day") < crisis["end"].date()
    )["len"]
    outside = daily.filter(
        (pl.col("day") < crisis["start"].date()) | (pl.col("day") >= crisis["end"].date())
    )["len"]
    assert in_window.max() > 3 * outside.median()  # type: ignore[operator]
    # the crisis is about the crisis store's delivery, named in the texts
    texts = " ".join(planted["text"].to_list()).lower()
    assert "surabaya" in texts or "泗水" in texts


def test_campaign_has_a_control_group_and_a_measurable_lift(small: DemoData) -> None:
    truth = ground_truth(small)["campaign"]
    row = small["campaigns"].filter(pl.col("campaign_id") == truth["campaign_id"])
    assert row.height == 1
    assert row["control_share"][0] == 0.2
    groups = truth["assignment"]
    share = (groups["group"] == "control").mean()
    assert 0.17 < share < 0.23  # type: ignore[operator]
    assert truth["true_lift_purchases_per_customer"] > 0
    assert truth["true_relative_lift"] > 0.2
    # measured from the exported transactions: treated buy more in the window than controls
    tx = small["transactions"].filter(
        pl.col("created_at") >= truth["start"], pl.col("created_at") < truth["end"]
    )
    counts = groups.join(tx.group_by("customer_id").len(), on="customer_id", how="left")
    counts = counts.with_columns(pl.col("len").fill_null(0))
    t = counts.filter(pl.col("group") == "treatment")["len"].to_numpy()
    c = counts.filter(pl.col("group") == "control")["len"].to_numpy()
    diff = t.mean() - c.mean()
    se = np.sqrt(t.var() / len(t) + c.var() / len(c))
    assert diff / se > 3
    # campaign orders carry its discount
    treated = set(groups.filter(pl.col("group") == "treatment")["customer_id"])
    promo = tx.filter(pl.col("customer_id").is_in(list(treated)))
    assert (promo["discount"] > 0).all()


def _repeat_within(small: DemoData, exp: pl.DataFrame, days: int) -> float:
    """Share of customers who bought again within ``days`` after their message."""
    m = small["messages"].select("platform", "external_id", "created_at")
    e = exp.join(m, on=["platform", "external_id"])
    tx = small["transactions"].select("customer_id", pl.col("created_at").alias("bought_at"))
    j = e.join(tx, on="customer_id", how="left").with_columns(
        (
            (pl.col("bought_at") > pl.col("created_at"))
            & (pl.col("bought_at") <= pl.col("created_at") + timedelta(days=days))
        ).alias("again")
    )
    per = j.group_by("customer_id").agg(pl.col("again").any())
    return float(per["again"].mean())  # type: ignore[arg-type]


def test_delivery_is_the_strongest_planted_driver(small: DemoData) -> None:
    drivers = ground_truth(small)["drivers"]
    assert drivers["driver_aspect"] == "delivery" == drivers["ranking"][0]
    exp = drivers["experiences"].filter(pl.col("counted"))
    mult = drivers["multipliers"]
    assert mult["delivery:negative"] == min(mult.values())
    first = exp.unique("customer_id", keep="first", maintain_order=True)
    bad = first.filter(pl.col("category").is_in(["complaint_delivery", "crisis_delivery"]))
    good = first.filter(pl.col("category").is_in(["praise_delivery", "praise_staff"]))
    assert bad.height > 200 and good.height > 200
    # the planted effect shows in behaviour: fewer come back after a delivery failure
    assert _repeat_within(small, bad, 120) < 0.85 * _repeat_within(small, good, 120)


def test_surveys_follow_experience(small: DemoData) -> None:
    exp = ground_truth(small)["drivers"]["experiences"].filter(pl.col("counted"))
    hurt = set(exp.filter(pl.col("multiplier") < 0.5)["customer_id"])
    s = small["surveys"]
    hurt_nps = s.filter(pl.col("customer_id").is_in(list(hurt)))["nps"].mean()
    all_nps = s["nps"].mean()
    assert hurt_nps < all_nps  # type: ignore[operator]


def test_seasonal_campaigns_lift_their_market_while_they_run(small: DemoData) -> None:
    truth = ground_truth(small)["seasonal_campaigns"]
    singles = truth["CMP-2025-11-SINGLES"]
    assert singles["market"] == "CN" and singles["rate_multiplier"] > 1
    cn = small["customers"].filter(pl.col("country") == "CN")["customer_id"]
    tx = small["transactions"].filter(pl.col("customer_id").is_in(cn.to_list()))
    days = (singles["end"] - singles["start"]).days
    during = tx.filter(pl.col("created_at").is_between(singles["start"], singles["end"], "left"))
    before = tx.filter(
        pl.col("created_at").is_between(
            singles["start"] - timedelta(days=60), singles["start"], "left"
        )
    )
    assert during.height / days > 1.3 * before.height / 60
    assert (during["discount"] > 0).mean() > 0.9  # type: ignore[operator]
    assert set(truth) <= set(small["campaigns"]["campaign_id"])


def test_ground_truth_as_json_round_trips(small: DemoData) -> None:
    import json

    plain = ground_truth(small, as_json=True)
    again = json.loads(json.dumps(plain))
    assert again == plain
    assert again["crisis"]["start"].endswith("Z")
    assert (
        len(again["campaign"]["assignment"]) == ground_truth(small)["campaign"]["assignment"].height
    )
    assert again["drivers"]["driver_aspect"] == "delivery"
