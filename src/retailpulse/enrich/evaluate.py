"""Validation figures of a model: the shared *valid* files and the hand-labelled intent/aspect set.

Figures (all through the full pipeline, as a user gets them):

* ``sentiment/<lang> macro_f1`` and ``accuracy`` on the sentiment valid files;
* ``emotion/<lang> macro_f1`` on the emotion valid files (optimism and happy count as joy);
* ``language/<lang> accuracy``: share of a valid file's messages detected as its language;
* ``intent macro_f1`` / ``aspect macro_f1`` on the hand-labelled set (``text,intents,aspects``;
  the aspect score compares aspect names, ignoring polarity), and ``aspect polarity accuracy``
  over aspects found in both.
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retailpulse.enrich.calibration import expected_calibration_error
from retailpulse.enrich.gate import NGRAM_PREFIX, gate_of
from retailpulse.enrich.lexicon import ASPECTS, INTENTS
from retailpulse.enrich.model import LinearModel
from retailpulse.enrich.pipeline import enrich_texts, load_model
from retailpulse.enrich.train import language_sentiment_heads
from retailpulse.enrich.training_data import (
    EMOTION_VALID_MAP,
    SENTIMENT,
    VALID_SETS,
    read_labelled,
)

#: Valid files the shipped model also trains on (the only English tweet sentiment data with
#: a neutral class): their figures are cross-validated, never in-sample.
TRAINED_VALID = {"sentiment/en_tweeteval/valid.csv": "en"}
#: Folds of that cross-validation.
CV_FOLDS = 5


def macro_f1(
    truth: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None
) -> float:
    """Macro-averaged F1 over ``labels`` (default: the labels present in ``truth``)."""
    names = sorted(set(truth)) if labels is None else list(labels)
    scores = []
    for lab in names:
        tp = sum(1 for t, p in zip(truth, pred, strict=True) if t == lab and p == lab)
        fp = sum(1 for t, p in zip(truth, pred, strict=True) if t != lab and p == lab)
        fn = sum(1 for t, p in zip(truth, pred, strict=True) if t == lab and p != lab)
        scores.append(2 * tp / max(2 * tp + fp + fn, 1))
    return float(np.mean(scores)) if scores else 0.0


def multilabel_macro_f1(
    truth: list[set[str]], pred: list[set[str]], labels: Sequence[str]
) -> float:
    """Macro F1 over labels that occur in ``truth`` (each label a binary decision per text)."""
    scores = []
    for lab in labels:
        tp = sum(1 for t, p in zip(truth, pred, strict=True) if lab in t and lab in p)
        fp = sum(1 for t, p in zip(truth, pred, strict=True) if lab not in t and lab in p)
        fn = sum(1 for t, p in zip(truth, pred, strict=True) if lab in t and lab not in p)
        if tp + fn:
            scores.append(2 * tp / max(2 * tp + fp + fn, 1))
    return float(np.mean(scores)) if scores else 0.0


def _split(value: str) -> set[str]:
    return {v.split(":")[0] for v in value.split(";") if v}


def evaluate_gold(
    model: LinearModel | None, path: str | Path, tier: str = "fast"
) -> dict[str, float]:
    """Intent and aspect figures on a hand-labelled CSV (``text,language,intents,aspects``)."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = enrich_texts([r["text"] for r in rows], model=model, tier=tier)
    figures: dict[str, float] = {}
    langs = sorted({r.get("language", "all") for r in rows})
    for lang in [*langs, "all"]:
        idx = [i for i, r in enumerate(rows) if lang == "all" or r.get("language") == lang]
        ti = [_split(rows[i]["intents"]) for i in idx]
        pi = [_split(out["intents"][i] or "") for i in idx]
        ta = [_split(rows[i]["aspects"]) for i in idx]
        pa = [_split(out["aspects"][i] or "") for i in idx]
        figures[f"intent/{lang} macro_f1"] = round(multilabel_macro_f1(ti, pi, INTENTS), 3)
        figures[f"aspect/{lang} macro_f1"] = round(multilabel_macro_f1(ta, pa, ASPECTS), 3)
    both = total = 0
    for r, pred in zip(rows, out["aspects"].to_list(), strict=True):
        truth = dict(a.split(":") for a in r["aspects"].split(";") if ":" in a)
        for a in (pred or "").split(";"):
            if ":" in a and a.split(":")[0] in truth:
                total += 1
                both += truth[a.split(":")[0]] == a.split(":")[1]
    figures["aspect polarity accuracy"] = round(both / max(total, 1), 3)
    return figures


def cross_validated_sentiment(
    model: LinearModel | None,
    data_dir: str | Path,
    rel: str = "sentiment/en_tweeteval/valid.csv",
    folds: int = CV_FOLDS,
) -> dict[str, float]:
    """Out-of-fold sentiment figures of a valid file the language head trains on.

    The file is cut into ``folds`` folds (fixed seed); for each, the language's sentiment head
    is retrained without the fold's texts (the folds' heads side by side, in threads) and put
    in a copy of ``model``, which then enriches the fold through the full pipeline. Every
    prediction comes from a model that never saw it.
    """
    root = Path(data_dir)
    lang = TRAINED_VALID[rel]
    base = model or LinearModel.load()
    texts, labels = read_labelled(root / rel)
    order = np.random.default_rng(0).permutation(len(texts))
    pred: list[str] = [""] * len(texts)
    probs = np.zeros((len(texts), 3))
    held = [order[k::folds] for k in range(folds)]
    heads = language_sentiment_heads(
        root,
        lang,
        [frozenset(texts[i] for i in idx) for idx in held],
        base.bits,
        embedded=base.embedding is not None,
    )
    name = f"sentiment_{lang}"
    # a gated accurate model answers confident messages with the head's n-gram twin: it is
    # refitted per fold too
    twins = (
        language_sentiment_heads(
            root, lang, [frozenset(texts[i] for i in idx) for idx in held], base.bits
        )
        if gate_of(base) is not None
        else [None] * len(held)
    )
    for idx, (names, coef, bias, emb), twin in zip(held, heads, twins, strict=True):
        fold = [texts[i] for i in idx]
        m = copy.deepcopy(base)
        m.add_head(name, "softmax", names, coef, bias, embedding_coef=emb)
        # the fold's head keeps the full head's temperature (one number, fitted on
        # out-of-fold scores of all the head's rows: mildly optimistic for the ECE)
        m.heads[name].temperature = base.heads[name].temperature
        if twin is not None:
            t_names, t_coef, t_bias, _ = twin
            m.add_head(NGRAM_PREFIX + name, "softmax", t_names, t_coef, t_bias)
            m.heads[NGRAM_PREFIX + name].temperature = base.heads[NGRAM_PREFIX + name].temperature
        out = enrich_texts(fold, model=m, tasks=["language", "sentiment"])
        for i, p in zip(idx, out["sentiment"].to_list(), strict=True):
            pred[i] = p
        probs[idx] = out.select(PROBABILITIES).to_numpy()
    acc = float(np.mean([a == b for a, b in zip(labels, pred, strict=True)]))
    return {
        f"sentiment/{lang} macro_f1 ({folds}-fold CV)": round(
            macro_f1(labels, pred, sorted(set(labels))), 3
        ),
        f"sentiment/{lang} accuracy ({folds}-fold CV)": round(acc, 3),
        f"sentiment/{lang} ECE ({folds}-fold CV)": _ece(probs, labels),
    }


#: The sentiment probability columns, in the order of :data:`SENTIMENT`.
PROBABILITIES = ["p_negative", "p_neutral", "p_positive"]


def _ece(probs: np.ndarray, labels: Sequence[str]) -> float:
    """Expected calibration error of sentiment probabilities, rounded for a report."""
    y = [SENTIMENT.index(lab) for lab in labels]
    return round(expected_calibration_error(probs, y), 3)


def evaluate(
    model: LinearModel | None,
    data_dir: str | Path,
    gold: str | Path | None = None,
    tier: str = "fast",
) -> dict[str, float]:
    """All validation figures of ``model`` (the tier's shipped one when ``None``)."""
    root = Path(data_dir)
    model = model or load_model(None, tier)
    figures: dict[str, float] = {}
    for task, lang, rel in VALID_SETS:
        if not (root / rel).exists():
            continue
        texts, labels = read_labelled(root / rel)
        labels = [EMOTION_VALID_MAP.get(lab, lab) for lab in labels]
        out = enrich_texts(
            texts, model=model, tier=tier, tasks=["language", "sentiment", "emotion"]
        )
        pred = out[task].to_list()
        if rel in TRAINED_VALID and f"sentiment_{lang}" in model.heads:
            figures.update(cross_validated_sentiment(model, root, rel))
            detected = out["language"].to_list()
            figures[f"language/{lang} accuracy"] = round(
                float(np.mean([d == lang for d in detected])), 3
            )
            continue
        figures[f"{task}/{lang} macro_f1"] = round(macro_f1(labels, pred, sorted(set(labels))), 3)
        if task == "sentiment":
            acc = float(np.mean([a == b for a, b in zip(labels, pred, strict=True)]))
            figures[f"{task}/{lang} accuracy"] = round(acc, 3)
            figures[f"{task}/{lang} ECE"] = _ece(out.select(PROBABILITIES).to_numpy(), labels)
            detected = out["language"].to_list()
            figures[f"language/{lang} accuracy"] = round(
                float(np.mean([d == lang for d in detected])), 3
            )
    if gold is not None and Path(gold).exists():
        figures.update(evaluate_gold(model, gold, tier))
    return figures
