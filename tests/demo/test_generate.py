"""The generated frames follow the canonical schema, hang together, and are deterministic."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from retailpulse.demo import SIZES, DemoData, generate, ground_truth
from retailpulse.errors import InputError
from retailpulse.schema import KINDS

_TYPES = {
    "str": pl.String,
    "text": pl.String,
    "int": pl.Int64,
    "float": pl.Float64,
    "bool": pl.Boolean,
    "datetime": pl.Datetime("us", "UTC"),
}


def test_every_kind_with_exactly_the_schema_columns_and_types(small: DemoData) -> None:
    assert set(small) == set(KINDS)
    for name, kind in KINDS.items():
        frame = small[name]
        assert frame.columns == list(kind.field_names), name
        for f in kind.fields:
            assert frame.schema[f.name] == _TYPES[f.type], (name, f.name)
        assert frame.height > 0, name


def test_values_respect_required_choices_and_ranges(small: DemoData) -> None:
    for name, kind in KINDS.items():
        frame = small[name]
        for f in kind.fields:
            col = frame[f.name]
            if f.required:
                assert col.null_count() == 0, (name, f.name)
            if f.choices:
                bad = set(col.drop_nulls().unique().to_list()) - set(f.choices)
                assert not bad, (name, f.name, bad)
            if f.min is not None and col.drop_nulls().len():
                assert col.drop_nulls().min() >= f.min, (name, f.name)  # type: ignore[operator]
            if f.max is not None and col.drop_nulls().len():
                assert col.drop_nulls().max() <= f.max, (name, f.name)  # type: ignore[operator]


def test_natural_keys_are_unique(small: DemoData) -> None:
    for name, kind in KINDS.items():
        frame = small[name]
        assert frame.select(kind.key).is_duplicated().sum() == 0, name


def test_references_resolve(small: DemoData) -> None:
    customers = set(small["customers"]["customer_id"])
    stores = set(small["stores"]["store_id"])
    orders = set(small["transactions"]["order_id"])
    assert set(small["transactions"]["customer_id"]) <= customers
    assert set(small["transactions"]["store_id"]) <= stores
    assert set(small["order_lines"]["order_id"]) == orders
    assert set(small["order_lines"]["sku"]) <= set(small["products"]["sku"])
    assert set(small["staff"]["store_id"]) <= stores
    assert set(small["customers"]["home_store"]) <= stores
    assert set(small["identities"]["customer_id"]) <= customers
    assert set(small["consents"]["customer_id"]) <= customers
    assert set(small["surveys"]["customer_id"].drop_nulls()) <= customers
    assert set(small["surveys"]["store_id"].drop_nulls()) <= stores


def test_order_totals_are_their_lines_less_the_discount(small: DemoData) -> None:
    gross = (
        small["order_lines"]
        .group_by("order_id")
        .agg((pl.col("quantity") * pl.col("unit_price")).sum().alias("gross"))
    )
    joined = small["transactions"].join(gross, on="order_id")
    diff = (joined["gross"] - joined["discount"] - joined["total"]).abs()
    assert diff.max() < 0.011  # type: ignore[operator]


def test_threads_hang_together(small: DemoData) -> None:
    m = small["messages"]
    ids = set(zip(m["platform"], m["external_id"], strict=True))
    with_parent = m.filter(pl.col("parent_id").is_not_null())
    assert with_parent.height > 0
    for plat, parent in zip(with_parent["platform"], with_parent["parent_id"], strict=True):
        assert (plat, parent) in ids
    # a reply comes after the message it answers
    parents = m.select(
        pl.col("platform"),
        pl.col("external_id").alias("parent_id"),
        pl.col("created_at").alias("parent_at"),
    )
    j = with_parent.join(parents, on=["platform", "parent_id"])
    assert j.height == with_parent.height
    assert (j["created_at"] > j["parent_at"]).all()


def test_inbound_and_outbound_with_some_left_unanswered(small: DemoData) -> None:
    m = small["messages"]
    inbound = m.filter(pl.col("direction") == "inbound", pl.col("kind") != "reply")
    answered = set(m.filter(pl.col("direction") == "outbound")["parent_id"].drop_nulls())
    share = inbound["external_id"].is_in(list(answered)).mean()
    assert 0.4 < share < 0.85  # type: ignore[operator]


def test_sizes() -> None:
    assert set(SIZES) == {"small", "medium", "large"}
    assert SIZES["small"][0] == 20_000
    assert SIZES["large"][0] >= 100_000


def test_small_size_has_the_promised_volume(small: DemoData) -> None:
    assert small["customers"].height == 20_000
    assert 45_000 <= small["messages"].height <= 60_000
    # messages grow with the planned inbound volume; large must pass one million
    per_inbound = small["messages"].height / SIZES["small"][1]
    assert per_inbound * SIZES["large"][1] >= 1_000_000


def test_same_seed_same_data_other_seed_other_data(small: DemoData, small_again: DemoData) -> None:
    for kind in small:
        assert small[kind].equals(small_again[kind]), kind
    other = generate("small", seed=8)
    assert not small["messages"].equals(other["messages"])
    assert not small["transactions"].equals(other["transactions"])


def test_end_moves_the_calendar(small: DemoData) -> None:
    end = datetime.fromisoformat("2027-03-01T00:00:00+00:00")
    moved = ground_truth(generate("small", seed=7, end=end))
    base = ground_truth(small)
    shift = end - base["calendar"]["end"]
    assert moved["crisis"]["start"] == base["crisis"]["start"] + shift


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"size": "huge"}, "'size' parameter of generate must be one of"),
        ({"size": "small", "seed": -1}, "'seed' parameter of generate must be a non-negative"),
        ({"size": "small", "seed": "7"}, "'seed' parameter of generate must be a non-negative"),
        (
            {"size": "small", "end": datetime(2026, 1, 1)},
            "'end' parameter of generate must be a timezone-aware",
        ),
    ],
)
def test_bad_arguments_name_the_fix(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        generate(**kwargs)  # type: ignore[arg-type]


def test_each_social_account_belongs_to_one_person(small: DemoData) -> None:
    ids = small["identities"]
    assert ids.select("platform", "author_id").is_duplicated().sum() == 0
    inbound = small["messages"].filter(pl.col("direction") == "inbound")
    names = inbound.group_by("platform", "author_id").agg(pl.col("author_name").n_unique())
    assert (names["author_name"] == 1).all()
