"""RFM scores, named segments, their rules, sizes and movement."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.errors import InputError, MissingColumnError
from retailpulse.understand.segments import (
    SEGMENT_RULES,
    SEGMENTS,
    rfm_scores,
    segment_movement,
    segment_rules,
    segment_sizes,
)
from understand import understand_fixtures as r


def test_every_r_fm_cell_has_exactly_one_first_match() -> None:
    for rs in range(1, 6):
        for fm in range(1, 6):
            names = [
                n for n, r0, r1, f0, f1, _ in SEGMENT_RULES if r0 <= rs <= r1 and f0 <= fm <= f1
            ]
            assert names, (rs, fm)
            assert names[0] in SEGMENTS
    assert set(segment_rules()["segment"]) == set(SEGMENTS)


def test_scores_on_the_small_retailer() -> None:
    s = rfm_scores(r.transactions(), as_of="2024-06-30")
    c1 = s.filter(pl.col("customer_id") == "c1").row(0, named=True)
    assert (c1["frequency"], c1["monetary"], c1["recency_days"]) == (3, 300.0, 10)
    c3 = s.filter(pl.col("customer_id") == "c3").row(0, named=True)
    assert c3["recency_days"] == 5 and c3["r_score"] == 5
    c4 = s.filter(pl.col("customer_id") == "c4").row(0, named=True)
    assert c4["r_score"] == 1 and c4["segment"] == "lost"
    assert c1["segment"] == "champions"


def test_as_of_ignores_later_purchases_and_movement_counts_everyone() -> None:
    tx = r.transactions()
    early = rfm_scores(tx, as_of="2024-02-15")
    assert set(early["customer_id"]) == {"c1", "c2", "c4"}
    moves = segment_movement(tx, "2024-02-15", "2024-06-30")
    assert moves["customers"].sum() == 4
    new = moves.filter(pl.col("from_segment") == "not yet a customer")
    assert new["customers"].sum() == 1  # c3 first bought in June


def test_sizes_add_up() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    tx = pl.DataFrame(
        {
            "customer_id": rng.integers(0, 500, n),
            "created_at": np.datetime64("2024-01-01")
            + rng.integers(0, 365, n).astype("timedelta64[D]"),
            "total": rng.gamma(2, 20, n),
        }
    )
    s = rfm_scores(tx)
    sizes = segment_sizes(s)
    assert sizes["customers"].sum() == s.height
    assert sizes["share"].sum() == pytest.approx(1.0)
    assert s["segment"].null_count() == 0


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 200), st.floats(1, 300)),
        min_size=1,
        max_size=80,
    )
)
def test_scores_are_in_range_and_monotone_in_recency(rows: list[tuple[int, int, float]]) -> None:
    tx = pl.DataFrame(
        {
            "customer_id": [x[0] for x in rows],
            "created_at": [datetime(2024, 1, 1) + timedelta(days=x[1]) for x in rows],
            "total": [x[2] for x in rows],
        }
    ).with_columns(pl.col("created_at").cast(pl.Datetime("us")))
    s = rfm_scores(tx)
    for c in ("r_score", "f_score", "m_score", "fm_score"):
        assert s[c].is_between(1, 5).all()
    ordered = s.sort("recency_days")
    assert (ordered["r_score"].diff().drop_nulls() <= 0).all()


def test_bad_input_is_named() -> None:
    tx = r.transactions()
    with pytest.raises(MissingColumnError, match="'amount'"):
        rfm_scores(tx, value_col="amount")
    with pytest.raises(InputError, match="'bins' parameter of rfm_scores"):
        rfm_scores(tx, bins=1)
    with pytest.raises(InputError, match="no transactions up to as_of"):
        rfm_scores(tx, as_of="2020-01-01")
    with pytest.raises(InputError, match="must be a Datetime or Date"):
        rfm_scores(tx.with_columns(pl.col("created_at").cast(pl.String)))
