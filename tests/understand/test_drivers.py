from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from retailpulse.errors import InputError
from retailpulse.understand.drivers import (
    _corr,
    driver_features,
    drivers_report,
    key_drivers,
    relative_weights,
    shapley_r2,
)
from voc_synth import make_world


def planted_frame(n: int = 4_000, seed: int = 0) -> tuple[pl.DataFrame, list[str]]:
    """Six correlated drivers with well separated true effects on the outcome."""
    rng = np.random.default_rng(seed)
    p = 6
    cov = 0.3 * np.ones((p, p)) + 0.7 * np.eye(p)
    x = rng.multivariate_normal(np.zeros(p), cov, n)
    beta = np.array([0.05, 0.8, 0.15, 0.5, 0.3, 1.1])
    y = x @ beta + rng.normal(0, 1.0, n)
    names = [f"d{i}" for i in range(p)]
    frame = pl.DataFrame({**{nm: x[:, i] for i, nm in enumerate(names)}, "outcome": y})
    truth = [names[i] for i in np.argsort(-beta)]
    return frame, truth


@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_planted_ranking_is_recovered(method):
    frame, truth = planted_frame()
    table = key_drivers(frame, "outcome", [f"d{i}" for i in range(6)], method=method, n_boot=100)
    assert table["importance"].sum() == pytest.approx(1.0)
    rho = spearmanr([truth.index(d) for d in table["driver"]], table["rank"].to_list()).statistic
    assert rho >= 0.9
    assert (table["importance_lo"] <= table["importance"]).all()
    assert (table["importance"] <= table["importance_hi"]).all()


def test_relative_weights_close_to_shapley_and_sum_to_r2():
    frame, _ = planted_frame(n=2_000, seed=4)
    xy = frame.to_numpy()
    corr = _corr(xy)
    rw, sh = relative_weights(corr), shapley_r2(corr)
    beta = np.linalg.lstsq(np.column_stack([xy[:, :-1], np.ones(len(xy))]), xy[:, -1], rcond=None)[
        0
    ]
    fitted = np.column_stack([xy[:, :-1], np.ones(len(xy))]) @ beta
    r2 = 1 - ((xy[:, -1] - fitted) ** 2).sum() / ((xy[:, -1] - xy[:, -1].mean()) ** 2).sum()
    assert rw.sum() == pytest.approx(r2, abs=1e-6)
    assert sh.sum() == pytest.approx(r2, abs=1e-6)
    assert np.abs(rw - sh).max() < 0.02


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_shapley_is_efficient_and_nonnegative_for_any_seed(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(200, 4))
    y = x @ rng.normal(size=4) + rng.normal(size=200)
    corr = _corr(np.column_stack([x, y]))
    weights = shapley_r2(corr)
    assert weights.min() > -1e-9
    assert weights.sum() <= 1.0 + 1e-9


def test_bad_method_and_too_few_rows():
    frame, _ = planted_frame(n=100)
    with pytest.raises(InputError, match="'method' parameter of key_drivers"):
        key_drivers(frame, "outcome", ["d0", "d1"], method="lasso")
    with pytest.raises(InputError, match="at least 16 customers"):
        key_drivers(frame.head(5), "outcome", ["d0", "d1", "d2", "d3", "d4", "d5"])
    with pytest.raises(InputError, match="lacks the column"):
        key_drivers(frame, "nps", ["d0"])


def test_behavioural_driver_planted_in_repeat_purchase():
    """Customers with a bad delivery experience stop buying: delivery must lead the ranking."""
    w = make_world(n_customers=3_000, n_messages=30_000, days=180, seed=11)
    cutoff = w.start + timedelta(days=120)
    feats = driver_features(w.messages, w.transactions, cutoff=cutoff, horizon_days=60)
    bad = feats.filter(pl.col("aspect_delivery") < 0)["customer_id"]
    rng = np.random.default_rng(0)
    after = pl.col("created_at") >= cutoff
    drop = (
        w.transactions.filter(after & pl.col("customer_id").is_in(bad.implode()))
        .select("order_id")
        .filter(
            pl.Series(
                rng.random(
                    w.transactions.filter(after & pl.col("customer_id").is_in(bad.implode())).height
                )
                < 0.8
            )
        )
    )
    trans = w.transactions.join(drop, on="order_id", how="anti")
    feats = driver_features(
        w.messages,
        trans,
        cutoff=cutoff,
        horizon_days=60,
        surveys=w.surveys,
        campaigns=w.campaigns,
        customer360=w.customer360,
    )
    assert {"aspect_delivery", "fast_response", "campaign_contact", "ugc"} <= set(feats.columns)
    table = key_drivers(feats, "repeat_purchase", n_boot=50)
    top = table.row(0, named=True)
    assert top["driver"] == "aspect_delivery"
    assert top["correlation"] > 0
    assert top["importance_lo"] > table["importance_hi"][1:].max() / 2
    report = drivers_report(feats, n_boot=20)
    assert "repeat_purchase" in report["outcomes"]
    assert "clv_change" in report["skipped"]


def test_no_transactions_leaves_outcomes_unknown():
    w = make_world(n_customers=300, n_messages=3_000, days=60, seed=2)
    feats = driver_features(w.messages, None, cutoff=w.start + timedelta(days=40))
    assert feats["repeat_purchase"].null_count() == feats.height
    report = drivers_report(feats, n_boot=10)
    assert report["outcomes"] == {}
    assert "transactions" in report["skipped"]["repeat_purchase"]
