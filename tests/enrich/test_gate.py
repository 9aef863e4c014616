"""The accurate tier's gate: the encoder reads only the messages the n-gram heads are unsure of."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from retailpulse.enrich import pipeline
from retailpulse.enrich.gate import (
    DEFAULT_GATE,
    EMBEDDED_HEADS,
    NGRAM_PREFIX,
    gate_of,
    ngram_view,
    uncertain,
)
from retailpulse.enrich.model import LinearModel, softmax
from retailpulse.enrich.pipeline import enrich_texts, load_model, nothing_to_judge
from retailpulse.enrich.scoring import score
from retailpulse.enrich.text import clause_lists
from retailpulse.enrich.train import train_model
from retailpulse.enrich.training_data import hand_labelled_path

GOLD = hand_labelled_path()
OPINION = ["sentiment", "p_negative", "p_neutral", "p_positive", "emotion", "intents", "aspects"]


def _texts() -> list[str]:
    with GOLD.open(encoding="utf-8") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    return [*texts[:300], "", "https://shop.example/p/1", "😀😍", "bagus " * 5_000]


def _ngram_only(model: LinearModel) -> LinearModel:
    """The accurate model as the gate sees it: its n-gram twins, no encoder."""
    return dataclasses.replace(ngram_view(model), embedding=None)


def _unsure(model: LinearModel, texts: list[str], ngram: pl.DataFrame) -> np.ndarray:
    gate = gate_of(model)
    assert gate is not None
    p = ngram.select("p_negative", "p_neutral", "p_positive").to_numpy()
    view = _ngram_only(model)
    e = view.head("emotion")
    p_emotion = softmax(score(view, pl.Series(texts, dtype=pl.String)).message[:, e.start : e.stop])
    empty = nothing_to_judge(clause_lists(pl.Series(texts, dtype=pl.String))["normalised"])
    assert empty.sum() == 2  # the empty text and the lone link
    return uncertain(gate, p.max(axis=1), p_emotion.max(axis=1), empty)


def _count(counts: list[int], batch: list[str | None], real: Any, **kw: Any) -> Any:
    counts.append(len(batch))
    return real(batch, **kw)


def test_uncertain_reads_both_thresholds_and_never_an_empty_message() -> None:
    p_sent = np.array([0.8, 0.4, 0.8, 0.4])
    p_emo = np.array([0.9, 0.9, 0.5, 0.5])
    empty = np.array([False, False, False, True])
    gate = {"sentiment": 0.7, "emotion": 0.8}
    assert uncertain(gate, p_sent, p_emo, empty).tolist() == [False, True, True, False]
    # emotion not asked: only the sentiment counts
    assert uncertain(gate, p_sent, None, empty).tolist() == [False, True, False, False]


def test_the_shipped_accurate_model_is_gated() -> None:
    model = load_model(None, "accurate")
    assert gate_of(model) == DEFAULT_GATE
    assert gate_of(load_model(None, "fast")) is None
    fast = load_model(None, "fast")
    for name in EMBEDDED_HEADS:
        twin, head = model.head(NGRAM_PREFIX + name), fast.head(name)
        # the twins are the fast tier's heads (same training code and data) and never read
        # the embedding
        assert twin.labels == head.labels and twin.temperature == head.temperature
        assert np.array_equal(
            model.weights[:, twin.start : twin.stop], fast.weights[:, head.start : head.stop]
        )
        assert model.embedding is not None
        assert not model.embedding.weights[:, twin.start : twin.stop].any()


def test_each_message_gets_the_ngram_answer_or_the_embedded_one() -> None:
    model = load_model(None, "accurate")
    texts = _texts()
    gated = enrich_texts(texts, model=model, tier="accurate")
    full = enrich_texts(texts, model=model, tier="accurate", embed_all=True)
    ngram = enrich_texts(texts, model=_ngram_only(model))
    unsure = _unsure(model, texts, ngram)
    assert 0 < unsure.sum() < len(texts)
    for col in OPINION:
        want = [f if u else g for f, g, u in zip(full[col], ngram[col], unsure, strict=True)]
        got = gated[col].to_list()
        if col.startswith("p_"):
            assert np.allclose(got, want, atol=1e-6), col
        else:
            assert got == want, col
    # the tasks that do not read the embedding are the same either way
    for col in ("language", "script", "entities", "is_spam"):
        assert gated[col].to_list() == full[col].to_list()


def test_only_the_unsure_messages_are_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_model(None, "accurate")
    texts = _texts()
    seen: list[list[str | None]] = []
    real = pipeline.embed  # type: ignore[attr-defined]

    encoders: list[str] = []

    def spy(batch: list[str | None], **kw: Any) -> np.ndarray:
        seen.append(list(batch))
        encoders.append(kw["encoder"])
        return real(batch, **kw)

    monkeypatch.setattr(pipeline, "embed", spy)
    enrich_texts(texts, model=model, tier="accurate")
    ngram = enrich_texts(texts, model=_ngram_only(model))
    unsure = _unsure(model, texts, ngram)
    assert len(seen) == 1
    assert seen[0] == [t for t, u in zip(texts, unsure, strict=True) if u]
    assert "" not in seen[0] and "https://shop.example/p/1" not in seen[0]
    seen.clear()
    enrich_texts(texts, model=model, tier="accurate", embed_all=True)
    assert seen == [texts]
    # embedded by the encoder the model learnt from
    assert model.embedding is not None and set(encoders) == {model.embedding.encoder}


def test_sentiment_alone_is_gated_on_sentiment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_model(None, "accurate")
    texts = _texts()
    counts: list[int] = []
    real = pipeline.embed  # type: ignore[attr-defined]
    monkeypatch.setattr(pipeline, "embed", lambda b, **kw: _count(counts, b, real, **kw))
    enrich_texts(texts, model=model, tier="accurate", tasks=["sentiment"])
    enrich_texts(texts, model=model, tier="accurate", tasks=["sentiment", "emotion"])
    # emotion adds its own unsure messages
    assert 0 < counts[0] < counts[1]


def test_an_accurate_model_without_a_gate_embeds_every_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = load_model(None, "accurate")
    old = dataclasses.replace(model, meta={k: v for k, v in model.meta.items() if k != "gate"})
    assert gate_of(old) is None
    counts: list[int] = []
    real = pipeline.embed  # type: ignore[attr-defined]
    monkeypatch.setattr(pipeline, "embed", lambda b, **kw: _count(counts, b, real, **kw))
    texts = _texts()
    out = enrich_texts(texts, model=old, tier="accurate")
    assert counts == [len(texts)]
    full = enrich_texts(texts, model=model, tier="accurate", embed_all=True)
    assert out["sentiment"].to_list() == full["sentiment"].to_list()


def test_training_an_accurate_model_fits_the_fast_tiers_heads_as_twins(
    tiny_data: Path,
) -> None:
    steps: list[str] = []
    accurate = train_model(
        tiny_data, bits=12, version="accurate-test", tier="accurate", progress=steps.append
    )
    fast = train_model(tiny_data, bits=12, version="fast-test")
    assert steps[-1] == "n-gram twins of the embedding heads"
    assert gate_of(accurate) == DEFAULT_GATE
    for name in EMBEDDED_HEADS:
        twin, head = accurate.head(NGRAM_PREFIX + name), fast.head(name)
        assert twin.temperature == head.temperature
        assert np.array_equal(
            accurate.weights[:, twin.start : twin.stop], fast.weights[:, head.start : head.stop]
        )
        assert np.array_equal(
            accurate.bias[twin.start : twin.stop], fast.bias[head.start : head.stop]
        )


def test_cross_validation_refits_the_twin_without_the_fold(
    tiny_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retailpulse.enrich import evaluate
    from retailpulse.enrich.train import language_sentiment_head

    model = train_model(tiny_data, bits=12, version="accurate-test", tier="accurate")
    folds: list[tuple[list[str], LinearModel]] = []
    real = evaluate.enrich_texts  # type: ignore[attr-defined]

    def spy(texts: list[str], **kw: Any) -> pl.DataFrame:
        folds.append((list(texts), kw["model"]))
        return real(texts, **kw)

    monkeypatch.setattr(evaluate, "enrich_texts", spy)
    evaluate.cross_validated_sentiment(model, tiny_data)
    assert len(folds) == evaluate.CV_FOLDS
    name = NGRAM_PREFIX + "sentiment_en"
    for texts, m in folds:
        # the twin answering the fold's confident messages never saw them
        _, coef, bias, _ = language_sentiment_head(tiny_data, "en", 12, exclude=frozenset(texts))
        twin = m.head(name)
        assert np.array_equal(m.weights[:-1, twin.start : twin.stop], coef)
        assert np.array_equal(m.bias[twin.start : twin.stop], bias)
        assert twin.temperature == model.head(name).temperature
