from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from retailpulse.schema import CONSENTS, CUSTOMERS
from retailpulse.store.upsert import row_hashes, upsert_frame
from retailpulse.workspace import Workspace


def customers(n: int, tier: str = "gold") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "name": [f"Siti {i}" for i in range(n)],
            "tier": [tier] * n,
            "loyalty_member": [True] * n,
        }
    )


def test_upsert_counts_and_keys(rp: Workspace) -> None:
    first = upsert_frame(rp.db, CUSTOMERS, customers(30), batch_size=7)
    assert (first.inserted, first.updated, first.unchanged) == (30, 0, 0)
    mixed = pl.concat([customers(20), customers(40).slice(20).with_columns(tier=pl.lit("silver"))])
    second = upsert_frame(rp.db, CUSTOMERS, mixed, batch_size=9)
    assert (second.inserted, second.updated, second.unchanged) == (10, 10, 20)
    assert rp.db.count("customers") == 40


def test_datetime_keys_round_trip(rp: Workspace) -> None:
    at = datetime(2024, 5, 1, 10, 30, 15, 123456, tzinfo=UTC)
    frame = pl.DataFrame(
        {
            "customer_id": ["c1", "c1"],
            "purpose": ["email", "email"],
            "granted": [True, False],
            "at": [at, at.replace(day=2)],
        }
    ).with_columns(pl.col("at").dt.cast_time_unit("us"))
    assert upsert_frame(rp.db, CONSENTS, frame).inserted == 2
    again = upsert_frame(rp.db, CONSENTS, frame)
    assert again.unchanged == 2
    stored = rp.frame("consents").sort("at").get_column("at").to_list()
    assert stored[0] == at


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=20) | st.none(), min_size=1, max_size=5))
def test_row_hash_is_deterministic_and_sensitive(values: list[str | None]) -> None:
    frame = pl.DataFrame({"a": values}, schema={"a": pl.Utf8})
    h1 = row_hashes(frame, ["a"])
    assert h1.to_list() == row_hashes(frame, ["a"]).to_list()
    # a null and an empty string are different values
    nulls = pl.DataFrame({"a": [None, ""]}, schema={"a": pl.Utf8})
    assert row_hashes(nulls, ["a"]).n_unique() == 2
