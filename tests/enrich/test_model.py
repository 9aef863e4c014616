from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retailpulse.enrich.model import FORMAT_EMBEDDING, LinearModel, empty_model
from retailpulse.errors import ModelError


def add_random_head(
    m: LinearModel,
    name: str,
    kind: str,
    labels: list[str],
    rng: np.random.Generator,
    bias: float = 0.0,
    embedding_coef: np.ndarray | None = None,
) -> None:
    """A head with random n-gram weights over all of the model's buckets."""
    weights = rng.normal(size=(2**m.bits, len(labels))).astype(np.float32)
    bias_row = np.full(len(labels), bias, np.float32)
    m.add_head(name, kind, labels, weights, bias_row, embedding_coef=embedding_coef)


def small_model() -> LinearModel:
    m = empty_model("test-1", bits=6)
    rng = np.random.default_rng(0)
    add_random_head(m, "sentiment", "softmax", ["negative", "neutral", "positive"], rng)
    add_random_head(m, "intent", "sigmoid", ["complaint", "question"], rng, bias=1.0)
    return m


def test_save_load_round_trip_keeps_heads_and_weights(tmp_path: Path) -> None:
    m = small_model()
    m.save(tmp_path)
    back = LinearModel.load(tmp_path)
    assert back.version == "test-1"
    assert list(back.heads) == ["sentiment", "intent"]
    assert back.heads["intent"].start == 3
    assert back.weights.shape == (65, 5)
    assert np.allclose(back.weights[-1], 0)
    # int8 storage: error at most half a quantisation step per column
    step = np.abs(m.weights[:-1]).max(axis=0) / 127
    assert (np.abs(back.weights[:-1] - m.weights[:-1]) <= step / 2 + 1e-6).all()


def test_a_loaded_model_keeps_its_int8_weights_until_they_change(tmp_path: Path) -> None:
    small_model().save(tmp_path)
    back = LinearModel.load(tmp_path)
    qw = back.int8_weights()
    assert qw is not None and qw.q.dtype == np.int8 and qw.q.flags.c_contiguous
    assert np.array_equal(qw.q * qw.scale, back.weights[:-1])  # exactly the float weights
    back.weights = back.weights.copy()  # another array: the int8 form no longer applies
    assert back.int8_weights() is None
    again = LinearModel.load(tmp_path)
    again.drop_head("intent")
    assert again.int8_weights() is None and again.quantised is None
    assert small_model().int8_weights() is None  # trained in memory: float weights only


def test_drop_and_replace_head_shift_columns() -> None:
    m = small_model()
    m.drop_head("sentiment")
    assert m.heads["intent"].start == 0
    assert m.weights.shape[1] == 2


def test_model_from_another_version_names_the_fix(tmp_path: Path) -> None:
    small_model().save(tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text())
    doc["format"] = FORMAT_EMBEDDING + 1  # a format this version cannot read
    doc["package_version"] = "9.9.9"
    (tmp_path / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ModelError, match=r"retailpulse train.*9\.9\.9|9\.9\.9.*retailpulse train"):
        LinearModel.load(tmp_path)


def test_missing_model_names_train(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="retailpulse train"):
        LinearModel.load(tmp_path)


def test_corrupt_model_json_names_train(tmp_path: Path) -> None:
    small_model().save(tmp_path)
    (tmp_path / "model.json").write_text("{not json")
    with pytest.raises(ModelError, match="retailpulse train"):
        LinearModel.load(tmp_path)


def test_weights_that_do_not_match_the_json(tmp_path: Path) -> None:
    small_model().save(tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text())
    doc["bits"] = 7
    (tmp_path / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ModelError, match="retailpulse train"):
        LinearModel.load(tmp_path)


def test_unknown_head_names_train() -> None:
    with pytest.raises(ModelError, match="retailpulse train"):
        small_model().head("emotion")


def test_model_with_an_embedding_saves_as_format_2_and_reloads(tmp_path: Path) -> None:
    m = empty_model("accurate-test", 8, ("usem3", 4))
    rng = np.random.default_rng(0)
    add_random_head(m, "a", "softmax", ["x", "y"], rng, embedding_coef=np.ones((4, 2), np.float32))
    add_random_head(m, "b", "sigmoid", ["z"], rng)
    m.save(tmp_path)
    assert '"format": 2' in (tmp_path / "model.json").read_text()
    back = LinearModel.load(tmp_path)
    assert back.tier == "accurate" and back.embedding is not None
    assert np.array_equal(back.embedding.weights, [[1, 1, 0]] * 4)
    back.drop_head("a")
    assert back.embedding.weights.shape == (4, 1) and back.heads["b"].start == 0


def test_an_unknown_encoder_names_retraining(tmp_path: Path) -> None:
    m = empty_model("accurate-test", 8, ("usem3", 4))
    m.save(tmp_path)
    doc = (tmp_path / "model.json").read_text().replace('"usem3"', '"e5-huge"')
    (tmp_path / "model.json").write_text(doc)
    with pytest.raises(ModelError, match="retailpulse train --tier accurate"):
        LinearModel.load(tmp_path)


def test_a_head_cannot_read_an_embedding_the_model_lacks() -> None:
    m = empty_model("fast-test", 8)
    with pytest.raises(ModelError, match="has none"):
        m.add_head(
            "a",
            "softmax",
            ["x", "y"],
            np.zeros((256, 2), np.float32),
            np.zeros(2, np.float32),
            embedding_coef=np.ones((4, 2), np.float32),
        )
