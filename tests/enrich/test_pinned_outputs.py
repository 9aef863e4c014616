"""Pinned outputs of tricky messages: speed work on the pipeline must not change a single value.

The expected rows were produced by the pipeline before the throughput work of issue #3 (main
at the merge of the per-language sentiment heads: model fast-2026.11.2, rules version 3).
Labels, entities and flags must match exactly, probabilities to 1e-6. A change of the model or
of the rules' meaning changes these rows on purpose: regenerate them then.
"""

from __future__ import annotations

import polars as pl
import pytest

from retailpulse.enrich.entities import Catalog
from retailpulse.enrich.pipeline import ENRICHMENT_COLUMNS, enrich_texts

TEXTS = [
    "Sooo disappointed!!! My parcel STILL hasn't arrived 😡 @zalora_id https://t.co/xyz",
    "barangnya bagusss bgt, tp pengirimannya lama gak nyampe2... #kecewa",
    "這間酒店服務態度不錯，但是房間太小了，價錢也貴",
    "不错，但是物流太慢了！",
    "not bad at all, but the price is way too high",
    "1️⃣ 🇮🇩 👍🏽 ❤️ 👨‍👩‍👧",
    "https://shop.example.com/item?id=1 @cs_help",
    ", , ; ...",
    "Order #A12345 belum sampai, tolong dicek kak",
    "GIVEAWAY!!! follow me & cek bio 0812-3456-7890 https://a.b https://c.d",
    "Tokopeda lebih murah dari Mega Store, mau beli Kaos Polos",
    "wow 没想到 quality sebagus ini",
    "saya nak beli baju ni tapi harga mahal sangat",
    "Привет, как дела?",
    "tidak kecewa sama sekali, pelayanan ramah",
    "a\x00b\x01c question?? where can i buy",
]

# fmt: off
EXPECTED = [
    ("en", "Latn", "negative", 1.0, 4.5782579116693256e-11, 9.228534048055792e-10, "anger", "complaint", "delivery:negative", "", False),  # noqa: E501
    ("id", "Latn", "negative", 1.0, 0.0, 6.170252797130129e-16, "sadness", "complaint", "product_quality:negative;delivery:negative", "", False),  # noqa: E501
    ("zh", "Hant", "positive", 0.3192504942417145, 7.897839168435894e-06, 0.680741548538208, "none", "praise", "price:positive;service:positive;store:positive", "", False),  # noqa: E501
    ("zh", "Hans", "positive", 0.014816557057201862, 3.102059417869896e-05, 0.9851524233818054, "none", "praise", "delivery:negative", "", False),  # noqa: E501
    ("en", "Latn", "negative", 0.9999998807907104, 1.4645333124008175e-07, 5.122663835547929e-15, "sadness", "complaint", "price:negative", "", False),  # noqa: E501
    ("unknown", None, "positive", 1.766221976140514e-05, 2.1010666817478096e-10, 0.9999823570251465, "joy", "", "", "", False),  # noqa: E501
    ("unknown", None, "neutral", 0.0, 1.0, 0.0, "none", "", "", "", False),
    ("unknown", None, "neutral", 0.0, 1.0, 0.0, "none", "", "", "", False),
    ("id", "Latn", "neutral", 4.128103414657858e-11, 1.0, 2.296118807240677e-12, "none", "complaint;request", "delivery:negative", "order:A12345", False),  # noqa: E501
    ("en", "Latn", "neutral", 1.286939266265108e-08, 0.5070514678955078, 0.4929485023021698, "joy", "", "", "", True),  # noqa: E501
    ("id", "Latn", "neutral", 9.73771238932386e-06, 0.9999902248382568, 9.454216964854822e-09, "none", "purchase_intent", "price:positive;store:positive", "competitor:Tokopedia;product:SKU-1;store:S1", False),  # noqa: E501
    ("other", "Latn", "positive", 0.0005170279182493687, 0.0004185251018498093, 0.9990645051002502, "surprise", "praise", "product_quality:positive", "", False),  # noqa: E501
    ("id", "Latn", "negative", 1.0, 5.3689237652460416e-27, 6.770366111139145e-16, "anger", "complaint", "price:negative", "", False),  # noqa: E501
    ("other", None, "negative", 0.9111814498901367, 0.01988500915467739, 0.06893356889486313, "none", "question", "", "", False),  # noqa: E501
    ("id", "Latn", "negative", 1.0, 0.0, 3.7221714740400005e-17, "sadness", "complaint", "service:negative", "", False),  # noqa: E501
    ("en", "Latn", "neutral", 0.04508982226252556, 0.9548810720443726, 2.908513488364406e-05, "sadness", "question;purchase_intent", "", "", False),  # noqa: E501
]
# fmt: on


def _catalog() -> Catalog:
    products = pl.DataFrame(
        {"sku": ["SKU-1"], "name": ["Kaos Polos"], "aliases": ["plain tee|素色T恤"]}
    )
    stores = pl.DataFrame({"store_id": ["S1"], "name": ["Mega Store"], "aliases": [None]})
    return Catalog.from_frames(
        products=products, stores=stores, competitors=["Tokopedia", "Zalora"]
    )


def _check(rows: list[tuple[object, ...]], expected: list[tuple[object, ...]]) -> None:
    assert len(rows) == len(expected)
    for i, (got, want) in enumerate(zip(rows, expected, strict=True)):
        for name, g, w in zip(ENRICHMENT_COLUMNS, got, want, strict=True):
            if name.startswith("p_"):
                assert g == pytest.approx(w, abs=1e-6), (i, name)
            else:
                assert g == w, (i, name, TEXTS[i])


def test_tricky_messages_keep_their_pinned_outputs() -> None:
    out = enrich_texts(TEXTS, catalog=_catalog())
    assert out.columns == list(ENRICHMENT_COLUMNS)
    _check(list(out.iter_rows()), EXPECTED)


def test_pinned_outputs_do_not_depend_on_the_batch_around_them() -> None:
    # the same messages inside a larger batch (two-thread scoring, other texts around them)
    filler = [f"plain message number {i} about nothing much" for i in range(5_000)]
    out = enrich_texts(filler + TEXTS + filler, catalog=_catalog())
    rows = list(out.slice(len(filler), len(TEXTS)).iter_rows())
    _check(rows, EXPECTED)
