"""Fixtures of the enrichment tests: a tiny labelled data folder laid out like shared/data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from retailpulse.enrich.training_data import EMOTION_SETS, LANGUAGE_SETS, SENTIMENT_SETS

EN_POS = ["I love this dress, great quality", "amazing service, thank you", "perfect fit and cheap"]
EN_NEG = [
    "terrible quality, broken zipper",
    "worst delivery ever, still waiting",
    "so disappointed",
]
EN_NEU = ["it is a dress", "the store opens at nine", "size medium in blue"]
ID_POS = ["barangnya bagus banget, mantap", "pelayanan ramah dan cepat", "harga murah, puas"]
ID_NEG = ["kecewa, barang rusak", "pengiriman lambat sekali", "tidak sesuai pesanan"]
ID_NEU = ["toko buka jam sembilan", "pesanan dikirim besok", "ukuran m warna biru"]
ZH_POS = ["质量很好，非常满意", "服务态度好，推荐", "价格便宜，不错"]
ZH_NEG = ["质量太差，很失望", "快递太慢了", "房间很脏，不会再来"]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with every file the trainer reads, a few rows each."""
    root = tmp_path_factory.mktemp("data")
    sent = {
        "en": [(t, "positive") for t in EN_POS]
        + [(t, "negative") for t in EN_NEG]
        + [(t, "neutral") for t in EN_NEU],
        "id": [(t, "positive") for t in ID_POS]
        + [(t, "negative") for t in ID_NEG]
        + [(t, "neutral") for t in ID_NEU],
        "zh": [(t, "positive") for t in ZH_POS] + [(t, "negative") for t in ZH_NEG],
    }
    emo_en = [(t, "joy") for t in EN_POS] + [(t, "anger") for t in EN_NEG]
    emo_id = [(t, "happy") for t in ID_POS] + [(t, "sadness") for t in ID_NEG]
    files: dict[str, list[tuple[str, str]]] = {
        "reviews/en_clothing/train.csv": sent["en"],
        "emotion/en_tweeteval/train.csv": emo_en,
        "sentiment/id_smsa/train.csv": sent["id"],
        "emotion/id_emot/train.csv": emo_id,
        "sentiment/zh_chnsenticorp/train.csv": sent["zh"],
        "sentiment/en_tweeteval/valid.csv": sent["en"],
        "sentiment/id_smsa/valid.csv": sent["id"],
        "sentiment/zh_chnsenticorp/valid.csv": sent["zh"],
        "emotion/en_tweeteval/valid.csv": emo_en,
        "emotion/id_emot/valid.csv": emo_id,
    }
    for rel, rows in files.items():
        _write(root / rel, ["text", "label"], [list(r) for r in rows])
    prdect = [[t, "positive", "happy"] for t in ID_POS] + [[t, "negative", "anger"] for t in ID_NEG]
    _write(root / "reviews/id_prdect/train.csv", ["text", "label", "emotion"], prdect)
    needed = {rel for rel, _ in SENTIMENT_SETS} | {rel for rel, _ in EMOTION_SETS}
    needed |= {rel for rel, _ in LANGUAGE_SETS}
    assert all((root / rel).exists() for rel in needed)
    return root
