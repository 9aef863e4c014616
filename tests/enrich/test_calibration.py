from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from retailpulse.enrich.calibration import expected_calibration_error, fit_temperature, nll
from retailpulse.enrich.model import LinearModel
from retailpulse.enrich.pipeline import enrich_texts, load_model


def _sample(temperature: float, n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    z = rng.normal(scale=4.0, size=(n, 3))
    p = np.exp(z / temperature)
    p /= p.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    return z, y


def test_fit_temperature_recovers_the_temperature_of_the_data() -> None:
    for true in (0.5, 1.0, 4.0):
        z, y = _sample(true)
        assert fit_temperature(z, y) == pytest.approx(true, rel=0.1)


def test_the_fitted_temperature_minimises_the_nll() -> None:
    z, y = _sample(3.0)
    t = fit_temperature(z, y)
    assert nll(z, y, temperature=t) <= min(nll(z, y, temperature=s) for s in (1.0, 2.0, 5.0))
    # weights count: rows weighted 0 do not move it
    z2 = np.vstack([z, z * 10])
    y2 = np.concatenate([y, y])
    w = np.concatenate([np.ones(len(y)), np.zeros(len(y))])
    assert fit_temperature(z2, y2, w) == pytest.approx(t, rel=1e-3)
    assert fit_temperature(np.zeros((0, 3)), []) == 1.0


def test_expected_calibration_error() -> None:
    z, y = _sample(1.0)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert expected_calibration_error(p, y) < 0.02  # the true probabilities
    sharp = np.exp(z * 5) / np.exp(z * 5).sum(axis=1, keepdims=True)
    assert expected_calibration_error(sharp, y) > 0.1  # over-confident
    assert expected_calibration_error(np.zeros((0, 3)), []) == 0.0


def test_temperatures_soften_probabilities_and_keep_every_label() -> None:
    texts = ["I love it", "barang rusak, kecewa", "质量太差了", "ok", "where is my order?"]
    model = load_model()
    assert all(
        model.heads[h].temperature > 1 for h in ("sentiment", "sentiment_en", "sentiment_id")
    )
    raw = copy.deepcopy(model)
    for head in raw.heads.values():
        head.temperature = 1.0
    calibrated = enrich_texts(texts, model=model)
    untempered = enrich_texts(texts, model=raw)
    assert calibrated["sentiment"].to_list() == untempered["sentiment"].to_list()
    probs = ["p_negative", "p_neutral", "p_positive"]
    top = calibrated.select(probs).to_numpy().max(axis=1)
    assert (top <= untempered.select(probs).to_numpy().max(axis=1) + 1e-9).all()
    assert np.allclose(calibrated.select(probs).to_numpy().sum(axis=1), 1.0)


def test_a_chinese_message_keeps_the_untempered_shared_neutral() -> None:
    model = load_model()
    other = copy.deepcopy(model)
    other.heads["sentiment"].temperature = 50.0
    text = ["物流太慢了，很失望"]
    a, b = enrich_texts(text, model=model), enrich_texts(text, model=other)
    assert a["p_neutral"][0] == pytest.approx(b["p_neutral"][0], abs=1e-7)


def test_temperatures_are_saved_and_trained(tiny_data: Path, tmp_path: Path) -> None:
    from retailpulse.enrich.train import sentiment_temperatures

    temps = sentiment_temperatures(tiny_data, 12)
    assert set(temps) == {"sentiment", "sentiment_en", "sentiment_id", "sentiment_zh"}
    assert all(np.isfinite(t) and t > 0 for t in temps.values())
    model = copy.deepcopy(load_model())
    model.heads["sentiment_id"].temperature = 3.25
    model.save(tmp_path)
    assert LinearModel.load(tmp_path).heads["sentiment_id"].temperature == 3.25
