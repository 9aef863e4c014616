from __future__ import annotations

import csv
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from retailpulse.enrich import train
from retailpulse.enrich.evaluate import evaluate, macro_f1, multilabel_macro_f1
from retailpulse.enrich.lexicon import INTENTS
from retailpulse.enrich.model import LinearModel
from retailpulse.enrich.pipeline import enrich_texts
from retailpulse.enrich.train import (
    _fit_softmax,
    language_sentiment_head,
    language_sentiment_heads,
    train_model,
)
from retailpulse.enrich.training_data import (
    HAND_LABELLED_WEIGHT,
    LANGUAGE_SENTIMENT_SETS,
    SENTIMENT,
    collect,
    hand_labelled_path,
    read_labelled,
)
from retailpulse.errors import InputError, MissingColumnError


def test_trains_every_head_saves_and_reloads(tiny_data: Path, tmp_path: Path) -> None:
    steps: list[str] = []
    model = train_model(tiny_data, bits=12, version="fast-test", progress=steps.append)
    assert steps == [
        "language",
        "sentiment",
        "sentiment (en, id, zh)",
        "emotion",
        "intent",
        "aspects",
        "calibration (sentiment)",
        "calibration (sentiment en)",
        "calibration (sentiment id)",
        "calibration (sentiment zh)",
    ]
    assert set(model.heads) == {
        "language",
        "sentiment",
        "sentiment_en",
        "sentiment_id",
        "sentiment_zh",
        "emotion",
        "intent",
        "aspect",
    }
    # Chinese data has no neutral class: its head is a polarity head
    assert model.heads["sentiment_zh"].labels == ["negative", "positive"]
    model.save(tmp_path)
    back = LinearModel.load(tmp_path)
    out = enrich_texts(["I love this dress, great quality", "kecewa, barang rusak"], model=back)
    assert out["sentiment"].to_list() == ["positive", "negative"]
    figures = evaluate(back, tiny_data)
    # the English head learns from the English valid file, so its figure is cross-validated
    assert "sentiment/en macro_f1" not in figures
    assert 0.0 <= figures["sentiment/en macro_f1 (5-fold CV)"] <= 1.0
    assert set(figures) >= {"sentiment/id accuracy", "emotion/en macro_f1", "language/zh accuracy"}


def test_own_labelled_file_is_added(tiny_data: Path, tmp_path: Path) -> None:
    own = tmp_path / "own.csv"
    with own.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows([["parkir penuh terus", "complaint"], ["antri kasir lama", "complaint"]])
    model = train_model(tiny_data, bits=12, own={"intent": [own]})
    assert model.meta["own_files"] == {"intent": [str(own)]}


def test_missing_data_folder_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--data-dir"):
        train_model(tmp_path / "nowhere")


def test_labelled_file_without_label_column_names_it(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("text,stars\nhello,5\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="'label'"):
        read_labelled(p)


def test_labelled_file_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "latin1.csv"
    p.write_bytes("text,label\ncaf\xe9,positive\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_labelled(p)


def test_macro_f1_oracles() -> None:
    assert macro_f1(["a", "b"], ["a", "b"]) == 1.0
    assert macro_f1(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.5
    truth = [{"x"}, {"y"}, set()]
    assert multilabel_macro_f1(truth, [{"x"}, set(), set()], ["x", "y", "z"]) == 0.5


def test_cross_validation_folds_leave_their_texts_out(tiny_data: Path) -> None:
    texts, _ = read_labelled(tiny_data / "sentiment/en_tweeteval/valid.csv")
    sets = LANGUAGE_SENTIMENT_SETS["en"]
    full = collect(tiny_data, sets, SENTIMENT)
    fold = frozenset(texts[:3])
    held = collect(tiny_data, sets, SENTIMENT, exclude=fold)
    assert not fold & set(held.texts)
    # the valid texts also occur in the tiny clothing file: every copy is left out
    assert len(full.texts) - len(held.texts) == sum(t in fold for t in full.texts)


def test_own_sentiment_file_reaches_the_language_heads(tiny_data: Path, tmp_path: Path) -> None:
    own = tmp_path / "own.csv"
    with own.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows([["antri kasir lama banget", "negative"]] * 3)
    base = language_sentiment_head(tiny_data, "id", bits=12)
    mine = language_sentiment_head(tiny_data, "id", bits=12, own=[own])
    assert not np.allclose(base[1], mine[1])


def test_training_rows_do_not_depend_on_the_string_hash_seed(tiny_data: Path) -> None:
    # SGD sees the rows in this order; Python's string hashing changes per process, so an
    # order taken from a set would change the trained model from run to run
    code = (
        "import sys; from pathlib import Path; "
        "from retailpulse.enrich.training_data import collect, SENTIMENT, SENTIMENT_SETS; "
        "ds = collect(Path(sys.argv[1]), SENTIMENT_SETS, SENTIMENT); "
        "print(hashlib.md5(repr((ds.texts, ds.labels, ds.weights)).encode()).hexdigest())"
    )
    seen = set()
    for seed in ("1", "2", "3"):
        out = subprocess.run(
            [sys.executable, "-c", "import hashlib; " + code, str(tiny_data)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        seen.add(out.stdout.strip())
    assert len(seen) == 1


def _three_class_rows(n: int = 2000, dim: int = 2000) -> tuple[sp.csr_matrix, list[str]]:
    """Sparse rows of three classes, each with a few weak features of its own."""
    rng = np.random.default_rng(3)
    labels = [SENTIMENT[i % 3] for i in range(n)]
    dense = rng.random((n, dim)) * (rng.random((n, dim)) < 0.02)
    for i in range(n):
        dense[i, (i % 3) * 5 : (i % 3) * 5 + 5] += 0.3 * rng.random(5)
    return sp.csr_matrix(dense.astype(np.float32)), labels


def test_softmax_fit_is_deterministic_and_insensitive_to_rounding() -> None:
    x, labels = _three_class_rows()
    weights = [1.0] * len(labels)
    coef, bias = _fit_softmax(x, labels, SENTIMENT, weights, 1e-6)
    again, again_bias = _fit_softmax(x, labels, SENTIMENT, weights, 1e-6)
    np.testing.assert_array_equal(coef, again)
    np.testing.assert_array_equal(bias, again_bias)
    # float rounding in the features (1e-7, as between two embedding batches) moves the
    # weights by as little (7e-5 here; averaged SGD, 12 epochs, moved them by 21%)
    noisy = x.copy()
    noisy.data += np.random.default_rng(4).normal(0, 1e-7, len(noisy.data)).astype(np.float32)
    moved, _ = _fit_softmax(noisy, labels, SENTIMENT, weights, 1e-6)
    assert np.linalg.norm(moved - coef) / np.linalg.norm(coef) < 1e-3
    # and it learns: the training rows are mostly right
    pred = np.asarray(x @ coef + bias).argmax(axis=1)
    assert np.mean(pred == [SENTIMENT.index(lab) for lab in labels]) > 0.9


def test_softmax_class_without_rows_is_never_chosen() -> None:
    x, labels = _three_class_rows()
    kept = [i for i, lab in enumerate(labels) if lab != "neutral"]
    coef, bias = _fit_softmax(
        x[kept], [labels[i] for i in kept], SENTIMENT, [1.0] * len(kept), 1e-6
    )
    scores = np.asarray(x @ coef + bias)
    assert not (scores.argmax(axis=1) == SENTIMENT.index("neutral")).any()
    # the two classes it saw get opposite halves of one binary weight vector
    np.testing.assert_allclose(coef[:, 0], -coef[:, 2])


def test_heads_fitted_in_threads_equal_one_at_a_time(
    tiny_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both = train_model(tiny_data, bits=12, version="fast-test")
    monkeypatch.setattr(train, "FIT_THREADS", 1)
    one = train_model(tiny_data, bits=12, version="fast-test")
    np.testing.assert_array_equal(both.weights, one.weights)
    np.testing.assert_array_equal(both.bias, one.bias)
    assert {n: h.temperature for n, h in both.heads.items()} == {
        n: h.temperature for n, h in one.heads.items()
    }


def test_cross_validation_heads_in_threads_equal_one_at_a_time(tiny_data: Path) -> None:
    texts, _ = read_labelled(tiny_data / "sentiment/en_tweeteval/valid.csv")
    excluded = [frozenset(texts[k::3]) for k in range(3)]
    heads = language_sentiment_heads(tiny_data, "en", excluded, bits=12)
    for fold, (labels, coef, bias, emb) in zip(excluded, heads, strict=True):
        one = language_sentiment_head(tiny_data, "en", bits=12, exclude=fold)
        assert labels == one[0] and emb is None
        np.testing.assert_array_equal(coef, one[1])
        np.testing.assert_array_equal(bias, one[2])


def test_fits_stopped_by_the_iteration_limit_do_not_warn(
    tiny_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a fixed number of iterations is the plan: no "failed to converge" for the user, also when
    # the fits run in threads (warning filters are process-wide)
    monkeypatch.setattr(train, "SOFTMAX_ITERATIONS", 2)
    texts, _ = read_labelled(tiny_data / "sentiment/en_tweeteval/valid.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        language_sentiment_heads(
            tiny_data, "en", [frozenset(texts[k::4]) for k in range(4)], bits=12
        )
        language_sentiment_head(tiny_data, "id", bits=12)
    assert not [w for w in caught if "converge" in str(w.message)]


def test_intent_head_learns_the_hand_labelled_dev_set_never_the_held_out_one(
    tiny_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fits: list[tuple[np.ndarray, np.ndarray]] = []
    real = train._fit_sigmoids

    def spy(
        x: sp.csr_matrix, y: np.ndarray, w: np.ndarray, alpha: float
    ) -> tuple[np.ndarray, np.ndarray]:
        fits.append((y.copy(), w.copy()))
        return real(x, y, w, alpha)

    monkeypatch.setattr(train, "_fit_sigmoids", spy)
    train_model(tiny_data, bits=12)
    y, w = fits[0]  # the intent head (the aspect head is fitted second)
    texts, intents = read_labelled(hand_labelled_path(), "intents")
    assert len(texts) > 500
    # the dev rows come last, with their gold labels and their weight
    gold = y[-len(texts) :]
    assert np.all(w[-len(texts) :] == HAND_LABELLED_WEIGHT)
    assert np.all(w[: -len(texts)] == 1.0)
    for row, labels in zip(gold, intents, strict=True):
        assert {INTENTS[j] for j in np.flatnonzero(row)} == {v for v in labels.split(";") if v}
    held_out = read_labelled(
        Path(__file__).parent / "data" / "intent_aspect_heldout.csv", "intents"
    )
    assert not set(held_out[0]) & set(texts)
