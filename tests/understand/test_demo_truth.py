"""The demo retailer's planted driver and crisis, found from its exact experience labels.

The demo generator plants purchase-rate multipliers after customers' experiences and a
delivery crisis at one store. Enrichment is another area's work, so these tests label the
messages with the demo's ground truth (what enrichment would ideally say) and check that the
analytics find what was planted.
"""

from __future__ import annotations

import polars as pl
import pytest
from scipy.stats import spearmanr

from retailpulse.demo import generate, ground_truth
from retailpulse.understand.crisis import crisis_alerts
from retailpulse.understand.experiences import experience_effects

ASPECT = {
    "complaint_delivery": "delivery:negative",
    "crisis_delivery": "delivery:negative",
    "complaint_staff": "service:negative",
    "complaint_price": "price:negative",
    "complaint_quality": "product_quality:negative",
    "complaint_app": "online:negative",
    "complaint_stock": "availability:negative",
    "praise_delivery": "delivery:positive",
    "praise_staff": "service:positive",
    "praise_product": "product_quality:positive",
    "praise_store": "store:positive",
}


@pytest.fixture(scope="module")
def demo():
    data = generate("small", seed=7)
    return data, ground_truth(data)


def labelled(data, truth, label) -> pl.DataFrame:
    """Demo messages with enrichment columns filled from the planted categories."""
    ex = truth["drivers"]["experiences"].select("platform", "external_id", "category")
    crisis = set(truth["crisis"]["message_ids"])
    ids = (
        data["identities"]
        .unique(["platform", "author_id"], keep="last")
        .select("platform", "author_id", "customer_id")
    )
    m = (
        data["messages"]
        .with_row_index("id")
        .with_columns(pl.col("id").cast(pl.Int64))
        .join(ex, on=["platform", "external_id"], how="left")
        .join(ids, on=["platform", "author_id"], how="left")
        .with_columns(
            pl.when(pl.col("external_id").is_in(list(crisis)))
            .then(pl.lit("crisis_delivery"))
            .otherwise(pl.col("category"))
            .alias("category")
        )
    )
    aspects = label(pl.col("category")).fill_null("")
    negative = aspects.str.contains(":negative")
    return m.with_columns(
        aspects.alias("aspects"),
        pl.when(negative).then(pl.lit("negative")).otherwise(pl.lit("neutral")).alias("sentiment"),
        pl.lit("id").alias("language"),
        pl.lit(0.0).alias("p_negative"),
        pl.lit(1.0).alias("p_neutral"),
        pl.lit(0.0).alias("p_positive"),
        pl.lit("none").alias("emotion"),
        pl.lit("").alias("intents"),
        pl.when(pl.col("external_id").is_in(list(crisis)))
        .then(pl.lit(f"store:{truth['crisis']['store_id']}"))
        .otherwise(pl.lit(""))
        .alias("entities"),
        pl.lit(False).alias("is_spam"),
    ).drop("category")


def test_planted_drivers_ranked_by_the_event_study(demo):
    data, truth = demo
    msgs = labelled(data, truth, lambda c: c + ":negative")
    table = experience_effects(msgs, data["transactions"], window_days=90)
    table = table.filter(~pl.col("experience").str.starts_with("reply"))
    planted = (
        truth["drivers"]["experiences"]
        .group_by((pl.col("category") + ":negative").alias("experience"))
        .agg(pl.col("multiplier").first())
    )
    joined = table.join(planted, on="experience", how="inner")
    assert joined.height >= 10
    assert spearmanr(joined["relative"], joined["multiplier"]).statistic >= 0.8
    strongest = joined.sort("relative").row(0, named=True)
    assert strongest["experience"] == "complaint_delivery:negative"  # the planted driver
    assert strongest["relative_hi"] < 0.6


def test_planted_crisis_is_the_top_alert(demo):
    data, truth = demo
    msgs = labelled(data, truth, lambda c: c.replace_strict(ASPECT, default=None))
    alerts = crisis_alerts(msgs, customers=data["customers"])
    crisis = truth["crisis"]
    top = alerts.filter(pl.col("series") != "all").head(2)
    assert set(zip(top["series"], top["key"], strict=True)) == {
        ("aspect", "delivery"),
        ("store", crisis["store_id"]),
    }
    assert all(crisis["start"] <= d < crisis["end"] for d in top["day"])
