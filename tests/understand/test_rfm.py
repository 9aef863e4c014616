"""rfm_summary / calibration_holdout: lifetimes' semantics, and refusals of bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.errors import InputError, MissingColumnError
from retailpulse.understand.rfm import calibration_holdout, rfm_summary

DATA = Path(__file__).parent / "data"


def cdnow_head() -> pl.DataFrame:
    """The CDNOW transactions of customers 1-1500 (whitespace separated, as shipped)."""
    rows = [line.split() for line in (DATA / "cdnow_first1500.txt").read_text().splitlines()[1:]]
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": [r[1] for r in rows],
            "dollar_value": [float(r[3]) for r in rows],
        }
    )


@pytest.mark.parametrize("freq", ["D", "W"])
def test_matches_lifetimes_summary_on_cdnow(freq: str) -> None:
    ours = rfm_summary(
        cdnow_head(),
        "customer_id",
        "date",
        "dollar_value",
        "1998-06-30",
        freq=freq,
        nonpositive="keep",
    )
    ref = pl.read_csv(
        DATA / f"lifetimes_summary_{freq}.csv", schema_overrides={"customer_id": pl.String}
    )
    assert ours.height == ref.height
    joined = ref.join(ours, on="customer_id", suffix="_ours")
    for col in ("frequency", "recency", "T", "monetary_value"):
        diff = (joined[col] - joined[f"{col}_ours"]).abs().max()
        assert diff is not None and diff < 1e-6, col


def test_matches_lifetimes_calibration_holdout_on_cdnow() -> None:
    ours = calibration_holdout(
        cdnow_head(),
        "customer_id",
        "date",
        "1997-09-30",
        "1998-06-30",
        "dollar_value",
        freq="W",
        nonpositive="keep",
    )
    ref = pl.read_csv(
        DATA / "lifetimes_calibration_W.csv", schema_overrides={"customer_id": pl.String}
    )
    assert ours.height == ref.height
    joined = ref.join(ours, on="customer_id", suffix="_ours")
    for col in ref.columns[1:]:
        diff = (joined[col] - joined[f"{col}_ours"]).abs().max()
        assert diff is not None and diff < 1e-6, col


def test_same_day_purchases_collapse_and_monetary_is_mean_of_repeats() -> None:
    tx = pl.DataFrame(
        {
            "c": ["a", "a", "a", "a", "b"],
            "t": ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-09", "2024-01-03"],
            "v": [10.0, 5.0, 20.0, 40.0, 7.0],
        }
    )
    s = rfm_summary(tx, "c", "t", "v", "2024-01-10")
    a = s.filter(pl.col("c") == "a").row(0, named=True)
    assert a == {"c": "a", "frequency": 2.0, "recency": 8.0, "T": 9.0, "monetary_value": 30.0}
    b = s.filter(pl.col("c") == "b").row(0, named=True)
    assert b["frequency"] == 0.0 and b["monetary_value"] == 0.0 and b["T"] == 7.0


def test_weeks_start_on_monday_and_months_count_calendar_months() -> None:
    tx = pl.DataFrame({"c": ["a", "a", "a"], "t": ["2024-01-07", "2024-01-08", "2024-03-31"]})
    w = rfm_summary(tx, "c", "t", freq="W").row(0, named=True)
    # Sunday 7 Jan and Monday 8 Jan fall in different Monday-based weeks.
    assert w["frequency"] == 2.0 and w["recency"] == w["T"]
    m = rfm_summary(tx, "c", "t", freq="M").row(0, named=True)
    assert (m["frequency"], m["recency"], m["T"]) == (1.0, 2.0, 2.0)


def test_transactions_after_observation_end_are_refused() -> None:
    tx = pl.DataFrame({"c": ["a", "a"], "t": ["2024-01-01", "2024-02-01"], "v": [1.0, 2.0]})
    with pytest.raises(InputError, match=r"after observation_end.*later observation_end"):
        rfm_summary(tx, "c", "t", "v", "2024-01-15")


@pytest.mark.parametrize("bad", [0.0, -5.0])
def test_zero_or_negative_amounts_are_refused_with_the_fix(bad: float) -> None:
    tx = pl.DataFrame({"c": ["a", "a"], "t": ["2024-01-01", "2024-01-02"], "v": [10.0, bad]})
    with pytest.raises(InputError, match="nonpositive='drop'"):
        rfm_summary(tx, "c", "t", "v")
    dropped = rfm_summary(tx, "c", "t", "v", nonpositive="drop")
    assert dropped["frequency"].to_list() == [0.0]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), None])
def test_nan_inf_and_missing_amounts_are_refused(bad: float | None) -> None:
    tx = pl.DataFrame({"c": ["a", "a"], "t": ["2024-01-01", "2024-01-02"], "v": [10.0, bad]})
    with pytest.raises(InputError, match="missing, NaN or infinite 'v'"):
        rfm_summary(tx, "c", "t", "v")


def test_mixed_time_zones_are_refused() -> None:
    tx = pl.DataFrame({"c": ["a", "a"], "t": ["2024-01-01T10:00:00+07:00", "2024-01-02T10:00:00"]})
    with pytest.raises(InputError, match="mixes times with a time zone"):
        rfm_summary(tx, "c", "t")


def test_offsets_are_converted_to_utc() -> None:
    tx = pl.DataFrame({"c": ["a", "a"], "t": ["2024-01-01T23:30:00-02:00", "2024-01-02T00:30:00Z"]})
    # Both are 2 Jan in UTC: one purchase day.
    assert rfm_summary(tx, "c", "t")["frequency"].to_list() == [0.0]


def test_aware_observation_end_with_naive_times_is_refused() -> None:
    tx = pl.DataFrame({"c": ["a"], "t": [datetime(2024, 1, 1)]})
    with pytest.raises(InputError, match="has a time zone but the transaction times"):
        rfm_summary(tx, "c", "t", observation_end=datetime(2024, 2, 1, tzinfo=UTC))


def test_unknown_column_names_the_missing_one() -> None:
    tx = pl.DataFrame({"c": ["a"], "t": ["2024-01-01"]})
    with pytest.raises(MissingColumnError, match=r"'amount'.*not in the transactions"):
        rfm_summary(tx, "c", "t", "amount")
    with pytest.raises(MissingColumnError, match="'customer'"):
        rfm_summary(tx, "customer", "t")


def test_bad_freq_names_the_choices() -> None:
    tx = pl.DataFrame({"c": ["a"], "t": ["2024-01-01"]})
    with pytest.raises(InputError, match=r"'freq' parameter of rfm_summary must be one of"):
        rfm_summary(tx, "c", "t", freq="Q")  # type: ignore[arg-type]


def test_missing_ids_are_refused() -> None:
    tx = pl.DataFrame({"c": ["a", None], "t": ["2024-01-01", "2024-01-02"]})
    with pytest.raises(InputError, match="have no 'c'"):
        rfm_summary(tx, "c", "t")


def test_calibration_end_must_precede_observation_end() -> None:
    tx = pl.DataFrame({"c": ["a", "a"], "t": ["2024-01-01", "2024-01-05"]})
    with pytest.raises(InputError, match="later period than calibration_end"):
        calibration_holdout(tx, "c", "t", "2024-02-01", "2024-02-01")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 60), st.floats(0.5, 500.0)),
        min_size=1,
        max_size=40,
    )
)
def test_summary_invariants(rows: list[tuple[int, int, float]]) -> None:
    tx = pl.DataFrame(
        {
            "c": [r[0] for r in rows],
            "t": [
                datetime(2024, 1, 1) + (datetime(2024, 1, 2) - datetime(2024, 1, 1)) * r[1]
                for r in rows
            ],
            "v": [r[2] for r in rows],
        }
    )
    s = rfm_summary(tx, "c", "t", "v", observation_end=datetime(2024, 3, 31))
    assert s.height == len({r[0] for r in rows})
    assert (s["recency"] <= s["T"]).all()
    assert (s["frequency"] <= s["recency"]).all()  # at most one purchase period per day
    days = tx.group_by("c").agg(pl.col("t").n_unique().alias("n")).sort("c")
    assert (s.sort("c")["frequency"] + 1).to_list() == days["n"].cast(pl.Float64).to_list()
    assert ((s["frequency"] == 0) == (s["monetary_value"] == 0)).all()


def test_periods_follow_the_columns_local_calendar() -> None:
    tx = pl.DataFrame(
        {"c": ["a", "a"], "t": [datetime(2024, 1, 1, 16, 30), datetime(2024, 1, 1, 17, 30)]}
    ).with_columns(pl.col("t").dt.replace_time_zone("UTC"))
    # 16:30 and 17:30 UTC are 23:30 on 1 Jan and 00:30 on 2 Jan in Jakarta (UTC+7).
    assert rfm_summary(tx, "c", "t")["frequency"].to_list() == [0.0]
    local = tx.with_columns(pl.col("t").dt.convert_time_zone("Asia/Jakarta"))
    assert rfm_summary(local, "c", "t")["frequency"].to_list() == [1.0]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-5, 10**6), st.integers(0, 2000), st.floats(0.5, 500.0)),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(["D", "W", "M"]),
)
def test_integer_sort_path_equals_the_group_by_path(
    rows: list[tuple[int, int, float]], freq: str
) -> None:
    tx = pl.DataFrame(
        {
            "c": [r[0] % 7 * 100_003 - 5 for r in rows],
            "t": [datetime(2020, 1, 1) + timedelta(hours=r[1] * 7) for r in rows],
            "v": [r[2] for r in rows],
        }
    )
    fast = rfm_summary(tx, "c", "t", "v", freq=freq)  # type: ignore[arg-type]
    slow = rfm_summary(tx.with_columns(pl.col("c").cast(pl.String)), "c", "t", "v", freq=freq)  # type: ignore[arg-type]
    slow = slow.with_columns(pl.col("c").cast(pl.Int64)).sort("c")
    assert fast["c"].to_list() == slow["c"].to_list()
    for col in ("frequency", "recency", "T"):
        assert fast[col].to_list() == slow[col].to_list(), col
    diff = (fast["monetary_value"] - slow["monetary_value"]).abs().max()
    assert diff is not None and diff < 1e-9


def test_huge_unsigned_ids_take_the_group_by_path() -> None:
    tx = pl.DataFrame(
        {"c": [2**63 + 5, 2**63 + 5, 7], "t": ["2024-01-01", "2024-01-03", "2024-01-02"]},
        schema={"c": pl.UInt64, "t": pl.String},
    )
    s = rfm_summary(tx, "c", "t")
    assert s["c"].to_list() == [7, 2**63 + 5]
    assert s["frequency"].to_list() == [0.0, 1.0]
