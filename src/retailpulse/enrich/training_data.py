"""The training data: the labelled sets of the shared data folder each head learns from, the
validation files, and reading a labelled CSV (``text,label``).

Paths are relative to the shared data folder (``../shared/data``; see its README for each
set's source and terms). Validation files are never trained on, except the English tweet one,
which the English head learns from and whose figure is therefore cross-validated.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from retailpulse.errors import FileFormatError, InputError, MissingColumnError

SENTIMENT = ("negative", "neutral", "positive")
EMOTIONS = ("anger", "fear", "joy", "love", "sadness", "none")

_NEG, _POS = "negative", "positive"
#: (path under the shared data folder, label mapping or None to keep the label).
SENTIMENT_SETS: tuple[tuple[str, dict[str, str] | None], ...] = (
    ("reviews/en_clothing/train.csv", None),
    (
        "emotion/en_tweeteval/train.csv",
        {"anger": _NEG, "sadness": _NEG, "joy": _POS, "optimism": _POS},
    ),
    ("sentiment/id_smsa/train.csv", None),
    ("reviews/id_prdect/train.csv", None),
    (
        "emotion/id_emot/train.csv",
        {"anger": _NEG, "fear": _NEG, "sadness": _NEG, "happy": _POS, "love": _POS},
    ),
    ("sentiment/zh_chnsenticorp/train.csv", None),
)
#: Per-language sentiment heads: language → (path, label mapping, source weight). The shared
#: head above covers every language (and clauses); a language head replaces it for messages
#: detected as that language. A head whose data has no neutral class (Chinese) is a polarity
#: head: it splits the shared head's non-neutral probability between negative and positive.
#: The English tweet *valid* file is the only English tweet data with a neutral class, so the
#: English head trains on it too (weighted); its figure is cross-validated, never in-sample
#: (:func:`retailpulse.enrich.evaluate.cross_validated_sentiment`).
LANGUAGE_SENTIMENT_SETS: dict[str, tuple[tuple[str, dict[str, str] | None, float], ...]] = {
    "en": (
        ("reviews/en_clothing/train.csv", None, 1.0),
        (
            "emotion/en_tweeteval/train.csv",
            {"anger": _NEG, "sadness": _NEG, "joy": _POS, "optimism": _POS},
            1.0,
        ),
        ("sentiment/en_tweeteval/valid.csv", None, 10.0),
    ),
    "id": (
        ("sentiment/id_smsa/train.csv", None, 1.0),
        ("reviews/id_prdect/train.csv", None, 1.0),
        (
            "emotion/id_emot/train.csv",
            {"anger": _NEG, "fear": _NEG, "sadness": _NEG, "happy": _POS, "love": _POS},
            1.0,
        ),
    ),
    "zh": (("sentiment/zh_chnsenticorp/train.csv", None, 1.0),),
}
EMOTION_SETS: tuple[tuple[str, dict[str, str] | None], ...] = (
    ("emotion/en_tweeteval/train.csv", {"optimism": "joy"}),
    ("emotion/id_emot/train.csv", {"happy": "joy"}),
    ("sentiment/id_smsa/train.csv", {"neutral": "none", "negative": "", "positive": ""}),
)
LANGUAGE_SETS: tuple[tuple[str, str], ...] = (
    ("reviews/en_clothing/train.csv", "en"),
    ("emotion/en_tweeteval/train.csv", "en"),
    ("sentiment/id_smsa/train.csv", "id"),
    ("reviews/id_prdect/train.csv", "id"),
    ("emotion/id_emot/train.csv", "id"),
)
#: Validation files (never trained on): (task, language, path).
VALID_SETS: tuple[tuple[str, str, str], ...] = (
    ("sentiment", "en", "sentiment/en_tweeteval/valid.csv"),
    ("sentiment", "id", "sentiment/id_smsa/valid.csv"),
    ("sentiment", "zh", "sentiment/zh_chnsenticorp/valid.csv"),
    ("emotion", "en", "emotion/en_tweeteval/valid.csv"),
    ("emotion", "id", "emotion/id_emot/valid.csv"),
)
EMOTION_VALID_MAP = {"optimism": "joy", "happy": "joy"}
#: Weight of a retailer's own labelled rows relative to a default row.
OWN_WEIGHT = 3.0
#: The project's hand-labelled intent/aspect set that the intent head trains on (the *dev*
#: half; the held-out half, ``tests/enrich/data/intent_aspect_heldout.csv``, is never trained
#: on), packaged so that ``retailpulse train`` finds it anywhere.
HAND_LABELLED = "data/intent_aspect_gold.csv"
#: Weight of a hand-labelled row beside a silver-labelled one in the intent head, chosen by
#: 4-fold cross-validation on the dev set alone (weights 0 / 3 / 10 / 20: intent macro-F1
#: 0.618 / 0.620 / 0.624 / 0.590).
HAND_LABELLED_WEIGHT = 10.0


def read_labelled(path: str | Path, label_column: str = "label") -> tuple[list[str], list[str]]:
    """Texts and labels of a labelled CSV (UTF-8, header with ``text`` and ``label``)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"The labelled file {p} does not exist. Check the path.")
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            names = reader.fieldnames or []
            for col in ("text", label_column):
                if col not in names:
                    raise MissingColumnError(
                        f"The labelled file {p} has no '{col}' column (columns: "
                        f"{', '.join(names) or 'none'}). Add a header with text,{label_column}.",
                        field=col,
                    )
            rows = [(r["text"] or "", (r[label_column] or "").strip()) for r in reader]
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"The labelled file {p} is not UTF-8 ({exc}). Save it as UTF-8."
        ) from exc
    return [t for t, _ in rows], [lab for _, lab in rows]


def hand_labelled_path() -> Path:
    """The packaged hand-labelled set (``text,language,intents,aspects,source``; intents and
    aspects ';'-joined, aspects as ``aspect:polarity``)."""
    return Path(str(resources.files("retailpulse.enrich").joinpath(HAND_LABELLED)))


@dataclass
class Dataset:
    texts: list[str]
    labels: list[str]
    weights: list[float]

    def add(self, texts: Sequence[str], labels: Sequence[str], weight: float = 1.0) -> None:
        self.texts.extend(texts)
        self.labels.extend(labels)
        self.weights.extend([weight] * len(texts))


def collect(
    data_dir: Path,
    sets: Sequence[tuple[str, dict[str, str] | None] | tuple[str, dict[str, str] | None, float]],
    allowed: Sequence[str],
    exclude: frozenset[str] = frozenset(),
) -> Dataset:
    """Labelled rows of ``sets`` (``(path, mapping[, source weight])``), classes balanced within
    each source; texts in ``exclude`` are left out (cross-validation folds)."""
    ds = Dataset([], [], [])
    for entry in sets:
        rel, mapping = entry[0], entry[1]
        source_weight = entry[2] if len(entry) > 2 else 1.0
        texts, labels = read_labelled(data_dir / rel)
        if exclude:
            keep_rows = [i for i, t in enumerate(texts) if t not in exclude]
            texts, labels = [texts[i] for i in keep_rows], [labels[i] for i in keep_rows]
        if mapping:
            labels = [mapping.get(lab, lab) for lab in labels]
        keep = [i for i, lab in enumerate(labels) if lab in allowed]
        kept = [labels[i] for i in keep]
        # balance the classes within each source, so that no source's class mix (and its
        # domain words, such as @mentions in tweets) decides the class
        counts = {lab: kept.count(lab) for lab in sorted(set(kept))}
        for lab in counts:
            idx = [i for i, k in zip(keep, kept, strict=True) if k == lab]
            weight = source_weight * len(kept) / (len(counts) * counts[lab])
            ds.add([texts[i] for i in idx], [lab] * len(idx), weight)
    return ds


def language_dataset(
    root: Path, language: str, own: Sequence[str | Path] = (), exclude: frozenset[str] = frozenset()
) -> Dataset:
    """Training rows of one language's sentiment head, with a retailer's own files."""
    ds = collect(root, LANGUAGE_SENTIMENT_SETS[language], SENTIMENT, exclude)
    for path in own:
        texts, labels = read_labelled(path)
        ds.add(texts, labels, OWN_WEIGHT)
    return ds
