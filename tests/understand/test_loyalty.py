"""The five loyalty measures, the index and the quadrant."""

from __future__ import annotations

import polars as pl
import pytest

from retailpulse.errors import InputError
from retailpulse.understand.loyalty import INDEX_WEIGHTS, loyalty_by_segment, loyalty_measures
from retailpulse.understand.segments import rfm_scores
from understand import understand_fixtures as r


def measures() -> pl.DataFrame:
    msgs = r.messages().with_columns(
        pl.when(pl.col("author_id").is_in(["ig-siti", "x-siti"]))
        .then(pl.lit("c1"))
        .when(pl.col("author_id") == "x-wei")
        .then(pl.lit("c3"))
        .otherwise(None)
        .alias("customer_id")
    )
    clv = pl.DataFrame({"customer_id": ["c1", "c2", "c3", "c4"], "clv": [500.0, 80.0, 60.0, 10.0]})
    return loyalty_measures(r.transactions(), surveys=r.surveys(), messages=msgs, clv=clv)


def row(m: pl.DataFrame, cid: str) -> dict[str, object]:
    return m.filter(pl.col("customer_id") == cid).row(0, named=True)


def test_weights_sum_to_one() -> None:
    assert sum(INDEX_WEIGHTS.values()) == pytest.approx(1.0)


def test_each_measure_on_the_small_retailer() -> None:
    m = measures()
    c1, c2, c3 = row(m, "c1"), row(m, "c2"), row(m, "c3")
    assert c1["purchase_days"] == 3
    assert c1["discount_spend_share"] == pytest.approx(80 / 300)
    assert c1["price_score"] == pytest.approx(1 - 80 / 300)
    assert c2["discount_spend_share"] == pytest.approx(1.0)
    assert c1["recommend_score"] == pytest.approx(1.0)  # latest NPS 10
    assert c2["recommend_score"] == pytest.approx(0.3)
    # c3 was not surveyed: positive public mentions, smoothed (1 + 1) / (1 + 2).
    assert c3["recommend_score"] == pytest.approx(2 / 3)
    # c1 named a competitor with purchase intent: a switching signal.
    assert c1["switching_signals"] == 1 and c1["competitor_mentions"] == 1
    assert c1["clv_score"] > c2["clv_score"] > row(m, "c4")["clv_score"]
    assert c1["repeat_score"] > c2["repeat_score"]


def test_index_uses_stated_weights_and_reports_coverage() -> None:
    m = measures()
    for rec in m.iter_rows(named=True):
        present = {k: w for k, w in INDEX_WEIGHTS.items() if rec[k] is not None}
        want = sum(rec[k] * w for k, w in present.items()) / sum(present.values()) * 100
        assert rec["loyalty_index"] == pytest.approx(want)
        assert rec["index_coverage"] == pytest.approx(sum(present.values()))
    assert row(m, "c4")["recommend_score"] is None


def test_quadrant() -> None:
    m = measures()
    assert set(m["quadrant"].drop_nulls()) <= {
        "true loyalty",
        "latent loyalty",
        "spurious loyalty",
        "no loyalty",
    }
    c1 = row(m, "c1")
    assert c1["quadrant"] == "true loyalty"


def test_per_segment() -> None:
    m = measures()
    seg = loyalty_by_segment(m, rfm_scores(r.transactions()))
    assert seg["customers"].sum() == 4
    assert seg["repeat_purchase_rate"].is_between(0, 1).all()


def test_promotion_share_and_missing_column() -> None:
    camp = pl.DataFrame({"start": [r.dt(2024, 3, 1)], "end": [r.dt(2024, 3, 31)]})
    m = loyalty_measures(r.transactions(), campaigns=camp)
    assert row(m, "c1")["promo_order_share"] == pytest.approx(1 / 3)
    with pytest.raises(InputError, match="'total'"):
        loyalty_measures(r.transactions().drop("total"))
