"""Training every head of a tier from labelled CSV files (``text,label``).

The project's defaults are the *train* files of the shared data (the sets of
:mod:`retailpulse.enrich.training_data`); intents and aspects are learnt from silver labels
(the cue words of :mod:`retailpulse.enrich.lexicon` found in the same texts), intents also from
the project's hand-labelled dev set. A retailer's own
labelled messages are added with a higher weight. Validation files are never trained on.

The `accurate` tier trains the same heads; its language sentiment heads and its emotion head
also read each message's sentence embedding (:mod:`retailpulse.enrich.embedding`), appended to
the n-gram features with the weight :data:`EMBEDDING_SCALE`.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import scipy.sparse as sp

from retailpulse.enrich.calibration import fit_temperature
from retailpulse.enrich.cues import cue_matrix
from retailpulse.enrich.embedding import DIM, ENCODER, embed
from retailpulse.enrich.features import DEFAULT_BITS
from retailpulse.enrich.gate import DEFAULT_GATE, NGRAM_PREFIX
from retailpulse.enrich.lexicon import ASPECT_CUES, ASPECTS, INTENT_CUES, INTENTS
from retailpulse.enrich.model import LinearModel, empty_model
from retailpulse.enrich.scoring import clause_matrix, message_matrix
from retailpulse.enrich.text import normalise
from retailpulse.enrich.training_data import (
    EMOTION_SETS,
    EMOTION_VALID_MAP,
    EMOTIONS,
    HAND_LABELLED,
    HAND_LABELLED_WEIGHT,
    LANGUAGE_SENTIMENT_SETS,
    LANGUAGE_SETS,
    OWN_WEIGHT,
    SENTIMENT,
    SENTIMENT_SETS,
    Dataset,
    collect,
    hand_labelled_path,
    language_dataset,
    read_labelled,
)
from retailpulse.errors import InputError

#: Regularisation (``alpha``: the L2 penalty per row, as in SGD) of each language head, chosen
#: by cross-validation: the Indonesian one by 3-fold CV of the L-BFGS fit on the train files
#: (alpha 5e-7 → 5e-6: 0.8215 → 0.8232), the English one by the tweets' 5-fold CV of the fast
#: tier (1e-5 / 2e-5 / 4e-5 / 8e-5: macro-F1 0.582 / 0.587 / 0.602 / 0.598).
LANGUAGE_SENTIMENT_ALPHA = {"en": 4e-5, "id": 5e-6, "zh": 2e-6}
#: The shared sentiment head's.
SHARED_SENTIMENT_ALPHA = 2e-6
#: L2 penalty of the emotion head.
EMOTION_ALPHA = 5e-6
#: Weight of the sentence embedding (L2 norm 1) beside the n-gram features (L2 norm about 1) in
#: the accurate tier's heads; chosen by 3-fold cross-validation on the train files (SmSA +
#: PRDECT-ID + EmoT sentiment 0.817 → 0.842, ChnSentiCorp 0.904 → 0.909, emotion 0.685 → 0.730;
#: 0.3 and 1.0 within 0.002 of it).
EMBEDDING_SCALE = 0.5
#: Folds of the out-of-fold scores the sentiment heads' temperatures are fitted on.
CALIBRATION_FOLDS = 3
#: Passes of stochastic gradient descent (log loss, averaged weights) per sigmoid head.
EPOCHS = 12
#: Iterations of L-BFGS per softmax head (multinomial log loss). Each iteration is a pass over
#: the rows, so the fit is a deterministic function of its rows: float rounding in the
#: features (the sentence embeddings) moves the weights by as little, which averaged SGD did
#: not do (a 1e-7 change moved its weights by 32%). See the model card, "Reproducibility".
SOFTMAX_ITERATIONS = 300
#: Softmax heads fitted side by side (the calibration folds, the language heads).
FIT_THREADS = 2


class TextEmbeddings:
    """Sentence embeddings of training texts, each distinct text embedded once per process
    (training and its cross-validated evaluation read the same texts)."""

    def __init__(self) -> None:
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}

    def prepare(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Embed the texts not seen yet; ``progress(done, total)`` over the distinct texts (those
        embedded before count as done) at the start and after each chunk."""
        wanted = list(dict.fromkeys(texts))
        new = [t for t in wanted if t not in self._vectors]
        done = len(wanted) - len(new)
        if progress is not None:
            progress(done, len(wanted))

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, len(wanted))

        if new:
            self._vectors.update(zip(new, embed(new, progress=step), strict=True))

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.prepare(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.vstack([self._vectors[t] for t in texts])


#: The process's training embeddings.
EMBEDDINGS = TextEmbeddings()


def _features(texts: Sequence[str], bits: int, embedded: bool) -> sp.csr_matrix:
    """Message features: the hashed n-grams, then (``embedded``) the scaled sentence
    embedding."""
    x = message_matrix(texts, bits)
    if not embedded:
        return x
    e = sp.csr_matrix(EMBEDDING_SCALE * EMBEDDINGS(texts))
    return sp.csr_matrix(sp.hstack([x, e], format="csr"))


def _split(
    coef: npt.NDArray[np.float32], bits: int, embedded: bool
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32] | None]:
    """(n-gram weights, embedding weights scaled as the model applies them)."""
    n = 1 << bits
    if not embedded:
        return coef, None
    return coef[:n], (EMBEDDING_SCALE * coef[n:]).astype(np.float32)


def _fit_softmax(
    x: sp.csr_matrix,
    labels: Sequence[str],
    classes: Sequence[str],
    weights: Sequence[float],
    alpha: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Weights and biases of a softmax head over ``classes``: multinomial logistic regression
    by L-BFGS, class-balanced row weights, L2 penalty ``alpha`` per row (two classes: binary
    logistic regression, split into two opposite columns)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    y = np.array([classes.index(lab) for lab in labels])
    w = np.asarray(weights, dtype=np.float64)
    counts = np.bincount(y, weights=w, minlength=len(classes))
    w = w * (w.sum() / (len(classes) * np.maximum(counts[y], 1e-9)))  # balanced classes
    # sum_i w_i loss_i + ||coef||^2 / (2C) with C = 1 / (alpha n): SGD's objective times n
    clf = LogisticRegression(C=1.0 / (alpha * x.shape[0]), max_iter=SOFTMAX_ITERATIONS, tol=1e-6)
    with warnings.catch_warnings():
        # a fixed number of iterations is the plan, not a failure
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y, sample_weight=w)
    coef = np.zeros((x.shape[1], len(classes)), dtype=np.float32)
    bias = np.full(len(classes), -10.0, dtype=np.float32)  # a class without rows: never chosen
    if len(clf.classes_) == 2:
        # binary: one weight vector for the second class against the first
        lo, hi = (int(k) for k in clf.classes_)
        coef[:, hi] = clf.coef_[0] / 2
        coef[:, lo] = -clf.coef_[0] / 2
        bias[hi], bias[lo] = clf.intercept_[0] / 2, -clf.intercept_[0] / 2
    else:
        for j, k in enumerate(clf.classes_):
            coef[:, k] = clf.coef_[j]
            bias[k] = clf.intercept_[j]
    return coef, bias


def _fit_sigmoids(
    x: sp.csr_matrix, y: npt.NDArray[np.bool_], weights: npt.NDArray[np.float64], alpha: float
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    from sklearn.linear_model import SGDClassifier

    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    bias = np.full(y.shape[1], -5.0, dtype=np.float32)
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            clf = SGDClassifier(
                loss="log_loss",
                alpha=alpha,
                max_iter=EPOCHS,
                tol=None,
                random_state=0,
                average=True,
                class_weight="balanced",
            )
            clf.fit(x, y[:, j], sample_weight=weights)
            coef[:, j] = clf.coef_[0]
            bias[j] = clf.intercept_[0]
    return coef, bias


def language_sentiment_head(
    data_dir: str | Path,
    language: str,
    bits: int = DEFAULT_BITS,
    own: Sequence[str | Path] = (),
    exclude: frozenset[str] = frozenset(),
    embedded: bool = False,
) -> tuple[
    list[str], npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32] | None
]:
    """Labels, n-gram weights, biases and (``embedded``: the accurate tier) embedding weights of
    one language's sentiment head (see :data:`LANGUAGE_SENTIMENT_SETS`); ``own`` adds a
    retailer's labelled files."""
    ds = language_dataset(Path(data_dir), language, own, exclude)
    labels = [lab for lab in SENTIMENT if lab in set(ds.labels)]
    x = _features(ds.texts, bits, embedded)
    coef, bias = _fit_softmax(x, ds.labels, labels, ds.weights, LANGUAGE_SENTIMENT_ALPHA[language])
    ngram, emb = _split(coef, bits, embedded)
    return labels, ngram, bias, emb


def _in_threads(fn: Callable[[int], object], items: Iterable[int]) -> None:
    """``fn`` on every item, :data:`FIT_THREADS` at a time (an L-BFGS fit is single-threaded
    and spends its time in SciPy's sparse products and scikit-learn's loss, which release the
    GIL); the first error is raised."""
    from sklearn.exceptions import ConvergenceWarning

    # warning filters are process-wide: a fit's own catch_warnings, left in one thread, would
    # restore them under the other thread's feet, so the filter is held here for all of them
    with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=FIT_THREADS) as pool:
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in pool.map(fn, items):
            pass


def language_sentiment_heads(
    data_dir: str | Path,
    language: str,
    excluded: Sequence[frozenset[str]],
    bits: int = DEFAULT_BITS,
    embedded: bool = False,
) -> list[
    tuple[
        list[str], npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32] | None
    ]
]:
    """:func:`language_sentiment_head` once per set of ``excluded`` texts (cross-validation
    folds), :data:`FIT_THREADS` at a time; the sentence embeddings are computed first, once."""
    if embedded:
        EMBEDDINGS.prepare(language_dataset(Path(data_dir), language).texts)
    heads: list[Any] = [None] * len(excluded)

    def fit(i: int) -> None:
        heads[i] = language_sentiment_head(
            data_dir, language, bits, exclude=excluded[i], embedded=embedded
        )

    _in_threads(fit, range(len(excluded)))
    return heads


def _fold_of(texts: Sequence[str], folds: int) -> npt.NDArray[np.int64]:
    """A fold per row by a stable hash of its text, so repeated texts share a fold."""
    return np.array([zlib.crc32(t.encode("utf-8")) % folds for t in texts], dtype=np.int64)


def _temperature(
    texts: Sequence[str],
    labels: Sequence[str],
    classes: Sequence[str],
    weights: Sequence[float],
    alpha: float,
    bits: int,
    embedded: bool,
) -> float:
    """Temperature of a softmax head, fitted on its own training rows' out-of-fold scores
    (each fold scored by the head retrained without it)."""
    x = _features(texts, bits, embedded)
    fold = _fold_of(texts, CALIBRATION_FOLDS)
    scores = np.zeros((len(texts), len(classes)), dtype=np.float64)

    def held_out(k: int) -> None:
        held = np.flatnonzero(fold == k)
        kept = np.flatnonzero(fold != k).tolist()
        if not len(held) or len({labels[i] for i in kept}) < len(classes):
            return
        coef, bias = _fit_softmax(
            x[kept], [labels[i] for i in kept], classes, [weights[i] for i in kept], alpha
        )
        scores[held] = np.asarray(x[held] @ coef) + bias

    _in_threads(held_out, range(CALIBRATION_FOLDS))
    y = [classes.index(lab) for lab in labels]
    return fit_temperature(scores, y, weights)


def sentiment_temperatures(
    data_dir: str | Path,
    bits: int = DEFAULT_BITS,
    *,
    embedded: bool = False,
    own: Sequence[str | Path] = (),
    progress: Callable[[str], None] | None = None,
    shared: bool = True,
) -> dict[str, float]:
    """The calibrating temperature of the shared sentiment head (unless not ``shared``) and of
    each language head, from the same training rows (and ``own`` files) as
    :func:`train_model` uses."""
    root = Path(data_dir)
    say = progress or (lambda _msg: None)
    out: dict[str, float] = {}
    if shared:
        say("calibration (sentiment)")
        ds = collect(root, SENTIMENT_SETS, SENTIMENT)
        for path in own:
            texts, labels = read_labelled(path)
            ds.add(texts, labels, OWN_WEIGHT)
        out["sentiment"] = _temperature(
            ds.texts, ds.labels, SENTIMENT, ds.weights, SHARED_SENTIMENT_ALPHA, bits, False
        )
    for code in LANGUAGE_SENTIMENT_SETS:
        say(f"calibration (sentiment {code})")
        ds = language_dataset(root, code, own)
        classes = [lab for lab in SENTIMENT if lab in set(ds.labels)]
        alpha = LANGUAGE_SENTIMENT_ALPHA[code]
        out[f"sentiment_{code}"] = _temperature(
            ds.texts, ds.labels, classes, ds.weights, alpha, bits, embedded
        )
    return out


def silver_labels(normalised: pl.Series, cues: dict[str, tuple[str, ...]]) -> npt.NDArray[np.bool_]:
    """(n_texts, n_labels) matrix: does the normalised text contain a cue of each label (the
    same negation-aware matching as at prediction time)."""
    return cue_matrix(normalised, cues)


def _thresholds(
    x: sp.csr_matrix,
    y: npt.NDArray[np.bool_],
    coef: npt.NDArray[np.float32],
    bias: npt.NDArray[np.float32],
) -> list[float]:
    """Per label, the probability threshold with the best F1 on the training labels."""
    z = np.asarray(x @ coef) + bias
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    out = []
    for j in range(y.shape[1]):
        best, best_f1 = 0.5, -1.0
        for t in np.arange(0.3, 0.96, 0.05):
            pred = p[:, j] >= t
            tp = float((pred & y[:, j]).sum())
            f1 = 2 * tp / max(float(pred.sum() + y[:, j].sum()), 1.0)
            if f1 > best_f1:
                best, best_f1 = float(t), f1
        out.append(round(best, 2))
    return out


def _multi(labels: Sequence[str], names: Sequence[str]) -> npt.NDArray[np.bool_]:
    y = np.zeros((len(labels), len(names)), dtype=bool)
    for i, lab in enumerate(labels):
        for part in lab.split(";"):
            name = part.split(":")[0].strip()
            if name in names:
                y[i, names.index(name)] = True
    return y


def _add_ngram_twins(
    model: LinearModel,
    root: Path,
    emo: Dataset,
    own: Sequence[str | Path],
    say: Callable[[str], None],
) -> None:
    """The heads of an accurate model's gate (:mod:`retailpulse.enrich.gate`): beside each head
    that reads the sentence embedding, the same head on the n-gram features alone (what the
    fast tier trains, temperature included)."""
    say("n-gram twins of the embedding heads")
    codes = list(LANGUAGE_SENTIMENT_SETS)
    heads: dict[str, tuple[list[str], np.ndarray, np.ndarray, np.ndarray | None]] = {}

    def fit(i: int) -> None:
        heads[codes[i]] = language_sentiment_head(root, codes[i], model.bits, own=own)

    _in_threads(fit, range(len(codes)))
    temperatures = sentiment_temperatures(root, model.bits, own=own, shared=False)
    for code in codes:
        labels, coef, bias, _ = heads[code]
        name = f"{NGRAM_PREFIX}sentiment_{code}"
        model.add_head(name, "softmax", labels, coef, bias)
        model.heads[name].temperature = temperatures[f"sentiment_{code}"]
    x = message_matrix(emo.texts, model.bits)
    coef, bias = _fit_softmax(x, emo.labels, EMOTIONS, emo.weights, EMOTION_ALPHA)
    model.add_head(f"{NGRAM_PREFIX}emotion", "softmax", list(EMOTIONS), coef, bias)


def train_model(
    data_dir: str | Path,
    *,
    own: dict[str, Sequence[str | Path]] | None = None,
    bits: int = DEFAULT_BITS,
    version: str | None = None,
    progress: Callable[[str], None] | None = None,
    tier: str = "fast",
    embed_progress: Callable[[int, int], None] | None = None,
) -> LinearModel:
    """Train every head of ``tier``; ``own`` maps a head (sentiment, emotion, intent, aspect,
    language) to a retailer's labelled CSV files (intent/aspect labels are ';'-joined).
    ``embed_progress(done, total)`` follows the accurate tier's sentence embeddings."""
    say = progress or (lambda _msg: None)
    root = Path(data_dir)
    if not root.is_dir():
        raise InputError(
            f"The training data folder {root} does not exist. Pass --data-dir with the shared "
            "data folder (it holds sentiment/, emotion/ and reviews/)."
        )
    if tier not in ("fast", "accurate"):
        raise InputError(
            f"The tier must be 'fast' or 'accurate'. Got {tier!r} instead.", field="tier"
        )
    own = own or {}
    version = version or f"{tier}-" + dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M")
    embedded = tier == "accurate"
    model = empty_model(version, bits, (ENCODER, DIM) if embedded else None)
    trained_on: dict[str, list[str]] = {}

    def extra(head: str, ds: Dataset) -> None:
        for path in own.get(head, ()):
            texts, labels = read_labelled(path)
            ds.add(texts, labels, OWN_WEIGHT)
            trained_on.setdefault(head, []).append(str(path))

    say("language")
    lang = Dataset([], [], [])
    for rel, code in LANGUAGE_SETS:
        texts, _ = read_labelled(root / rel)
        lang.add(texts, [code] * len(texts))
    extra("language", lang)
    x = message_matrix(lang.texts, bits)
    coef, bias = _fit_softmax(x, lang.labels, ["en", "id"], lang.weights, 1e-5)
    model.add_head("language", "softmax", ["en", "id"], coef, bias)

    say("sentiment")
    sent = collect(root, SENTIMENT_SETS, SENTIMENT)
    extra("sentiment", sent)
    x = message_matrix(sent.texts, bits)
    coef, bias = _fit_softmax(x, sent.labels, SENTIMENT, sent.weights, SHARED_SENTIMENT_ALPHA)
    model.add_head("sentiment", "softmax", list(SENTIMENT), coef, bias)
    emo = collect(root, EMOTION_SETS, EMOTIONS)
    texts, labels = read_labelled(root / "reviews/id_prdect/train.csv", "emotion")
    emo.add(texts, [EMOTION_VALID_MAP.get(lab, lab) for lab in labels])
    extra("emotion", emo)
    if embedded:
        say("sentence embeddings")
        wanted = list(emo.texts)
        for code in LANGUAGE_SENTIMENT_SETS:
            wanted += collect(root, LANGUAGE_SENTIMENT_SETS[code], SENTIMENT).texts
        for path in own.get("sentiment", ()):
            wanted += read_labelled(path)[0]
        EMBEDDINGS.prepare(wanted, embed_progress)
    say("sentiment (" + ", ".join(LANGUAGE_SENTIMENT_SETS) + ")")
    codes = list(LANGUAGE_SENTIMENT_SETS)
    heads: dict[str, tuple[list[str], np.ndarray, np.ndarray, np.ndarray | None]] = {}

    def language_head(i: int) -> None:
        # a retailer's own sentiment files go into every language head too (their texts'
        # n-grams only move the head of their own language)
        heads[codes[i]] = language_sentiment_head(
            root, codes[i], bits, own=own.get("sentiment", ()), embedded=embedded
        )

    _in_threads(language_head, range(len(codes)))
    for code in codes:  # in a fixed order: the model's columns do not depend on the threads
        labels, coef, bias, emb = heads[code]
        model.add_head(f"sentiment_{code}", "softmax", labels, coef, bias, embedding_coef=emb)

    say("emotion")
    x = _features(emo.texts, bits, embedded)
    coef, bias = _fit_softmax(x, emo.labels, EMOTIONS, emo.weights, EMOTION_ALPHA)
    ngram, emb = _split(coef, bits, embedded)
    model.add_head("emotion", "softmax", list(EMOTIONS), ngram, bias, embedding_coef=emb)

    say("intent")
    texts = [t for rel, _ in SENTIMENT_SETS for t in read_labelled(root / rel)[0]]
    y = silver_labels(normalise(texts), INTENT_CUES)
    w = np.ones(len(texts))
    # the project's hand-labelled dev set: gold labels where the cues see none (the held-out
    # half is never trained on)
    t2, l2 = read_labelled(hand_labelled_path(), "intents")
    texts = texts + t2
    y = np.vstack([y, _multi(l2, INTENTS)])
    w = np.concatenate([w, np.full(len(t2), HAND_LABELLED_WEIGHT)])
    for path in own.get("intent", ()):
        t2, l2 = read_labelled(path)
        texts = texts + t2
        y = np.vstack([y, _multi(l2, INTENTS)])
        w = np.concatenate([w, np.full(len(t2), OWN_WEIGHT)])
        trained_on.setdefault("intent", []).append(str(path))
    x = message_matrix(texts, bits)
    coef, bias = _fit_sigmoids(x, y, w, 1e-5)
    model.add_head(
        "intent", "sigmoid", list(INTENTS), coef, bias, thresholds=_thresholds(x, y, coef, bias)
    )

    say("aspects")
    x, cl = clause_matrix(
        [t for rel, _ in SENTIMENT_SETS for t in read_labelled(root / rel)[0]], bits
    )
    y = silver_labels(cl["clause"], ASPECT_CUES)
    w = np.ones(cl.height)
    for path in own.get("aspect", ()):
        t2, l2 = read_labelled(path)
        x = sp.vstack([x, message_matrix(t2, bits)]).tocsr()
        y = np.vstack([y, _multi(l2, ASPECTS)])
        w = np.concatenate([w, np.full(len(t2), OWN_WEIGHT)])
        trained_on.setdefault("aspect", []).append(str(path))
    coef, bias = _fit_sigmoids(x, y, w, 1e-5)
    model.add_head(
        "aspect",
        "sigmoid",
        list(ASPECTS),
        coef,
        bias,
        level="clause",
        thresholds=_thresholds(x, y, coef, bias),
    )

    # calibrated probabilities: each sentiment head's temperature from out-of-fold scores
    temperatures = sentiment_temperatures(
        root, bits, embedded=embedded, own=own.get("sentiment", ()), progress=say
    )
    for name, temperature in temperatures.items():
        model.heads[name].temperature = temperature
    if embedded:
        _add_ngram_twins(model, root, emo, own.get("sentiment", ()), say)

    model.meta = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data_dir_sets": {
            "sentiment": [s for s, _ in SENTIMENT_SETS],
            **{
                f"sentiment_{lang}": [f"{rel} (weight {w:g})" for rel, _, w in sets]
                for lang, sets in LANGUAGE_SENTIMENT_SETS.items()
            },
            "emotion": [s for s, _ in EMOTION_SETS] + ["reviews/id_prdect/train.csv:emotion"],
            "language": [s for s, _ in LANGUAGE_SETS],
            "intent": "silver labels from lexicon cues over the sentiment sets, and the "
            f"hand-labelled dev set {HAND_LABELLED} (weight {HAND_LABELLED_WEIGHT:g})",
            "aspect": "silver labels from lexicon cues over clauses of the sentiment sets",
        },
        "own_files": trained_on,
    }
    if embedded:
        model.meta["gate"] = dict(DEFAULT_GATE)
    return model
