from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from retailpulse.errors import InputError
from retailpulse.understand.experiences import CONTROL, experience_effects, experience_events
from voc_synth import make_world


def planted_orders(w, multipliers: dict[str, float], seed: int = 0) -> pl.DataFrame:
    """Orders at a steady rate per customer, times a multiplier after each planted experience."""
    rng = np.random.default_rng(seed)
    events = experience_events(w.messages)
    first = (
        events.filter(pl.col("experience").is_in(list(multipliers)))
        .sort("at")
        .unique("customer_id", keep="first")
        .with_columns(pl.col("experience").replace_strict(multipliers).alias("m"))
    )
    cust = w.customers.select("customer_id").join(first, on="customer_id", how="left")
    start = w.start - timedelta(days=120)
    total_days = w.days + 240
    rows = []
    for cid, at, m in cust.select("customer_id", "at", "m").iter_rows():
        rate = 0.03  # orders per day
        n = rng.poisson(rate * total_days)
        days = rng.uniform(0, total_days, n)
        times = [start + timedelta(days=float(d)) for d in days]
        if at is not None and m is not None:
            keep_after = rng.random(n) < min(m, 1.0)
            times = [t for t, k in zip(times, keep_after, strict=True) if t < at or k]
            if m > 1:
                extra_days = (w.start + timedelta(days=w.days + 120) - at).days
                extra = rng.poisson(rate * (m - 1) * max(extra_days, 0))
                times += [at + timedelta(days=float(d)) for d in rng.uniform(0, extra_days, extra)]
        rows += [(cid, t) for t in times]
    return pl.DataFrame(rows, schema=["customer_id", "created_at"], orient="row").with_columns(
        pl.col("created_at").cast(pl.Datetime("us", "UTC"))
    )


@pytest.fixture(scope="module")
def world():
    return make_world(n_customers=3_000, n_messages=12_000, days=240, seed=21)


def test_planted_experience_multipliers_are_recovered(world):
    planted = {"delivery:negative": 0.4, "service:positive": 1.8}
    tx = planted_orders(world, planted)
    table = experience_effects(world.messages, tx, window_days=60)
    rows = {r["experience"]: r for r in table.iter_rows(named=True)}
    d, s = rows["delivery:negative"], rows["service:positive"]
    # Customers with both experiences carry one multiplier, which pulls estimates toward 1.
    assert d["relative_hi"] < 0.8 and 0.3 < d["relative"] < 0.6
    assert s["relative_lo"] > 1.2 and 1.4 < s["relative"] < 2.2
    assert set(table["experience"][:2]) == set(planted)
    assert rows[CONTROL]["relative"] == 1.0
    unplanted = table.filter(~pl.col("experience").is_in([*planted, CONTROL]))
    covers = (unplanted["relative_lo"] <= 1) & (unplanted["relative_hi"] >= 1)
    assert covers.mean() >= 0.7


def test_no_transactions_in_windows_gives_empty_table(world):
    tx = pl.DataFrame({"customer_id": ["C000001"], "created_at": [world.start]}).with_columns(
        pl.col("created_at").cast(pl.Datetime("us", "UTC"))
    )
    assert experience_effects(world.messages, tx).is_empty()
    with pytest.raises(InputError, match="lacks the column"):
        experience_effects(world.messages, tx.drop("created_at"))
