"""Pinned outputs of tricky messages: speed work on the pipeline must not change a single value.

The expected rows were produced by the pipeline before the throughput work of issue #3 (same
shipped model). Labels, entities and flags must match exactly, probabilities to 1e-6. A change
of the model or of the rules' meaning changes these rows on purpose: regenerate them then.
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
    ("en", "Latn", "negative", 1.0, 3.604954025540826e-18, 2.8316641566272782e-12, "anger", "complaint", "delivery:negative", "", False),  # noqa: E501
    ("id", "Latn", "negative", 0.9999852180480957, 7.993412694456712e-22, 1.4793607078900095e-05, "sadness", "complaint", "product_quality:negative;delivery:negative", "", False),  # noqa: E501
    ("zh", "Hant", "positive", 0.33480092883110046, 1.5305075066862628e-05, 0.6651837825775146, "none", "praise", "price:positive;service:positive;store:positive", "", False),  # noqa: E501
    ("zh", "Hans", "positive", 0.006423332262784243, 3.0349192456924357e-05, 0.9935463070869446, "none", "praise", "delivery:negative", "", False),  # noqa: E501
    ("en", "Latn", "negative", 1.0, 1.4162988115629105e-08, 1.7423783708014953e-17, "anger", "complaint", "price:negative", "", False),  # noqa: E501
    ("unknown", None, "positive", 2.796807393679046e-06, 5.352174606287896e-11, 0.9999972581863403, "joy", "", "", "", False),  # noqa: E501
    ("unknown", None, "neutral", 0.0, 1.0, 0.0, "none", "", "", "", False),
    ("unknown", None, "neutral", 0.0, 1.0, 0.0, "none", "", "", "", False),
    ("id", "Latn", "neutral", 0.023268969729542732, 0.9753687381744385, 0.0013622171245515347, "none", "complaint;purchase_intent;request", "delivery:negative", "order:A12345", False),  # noqa: E501
    ("en", "Latn", "neutral", 1.1287225788692012e-05, 0.5000017881393433, 0.4999869465827942, "joy", "", "", "", True),  # noqa: E501
    ("id", "Latn", "neutral", 0.31105369329452515, 0.5223519206047058, 0.16659435629844666, "fear", "purchase_intent", "price:positive;store:positive", "competitor:Tokopedia;product:SKU-1;store:S1", False),  # noqa: E501
    ("other", "Latn", "positive", 0.0009654704481363297, 0.00020080397371202707, 0.9988337159156799, "surprise", "praise", "product_quality:positive", "", False),  # noqa: E501
    ("id", "Latn", "negative", 0.9996558427810669, 1.993250542398073e-08, 0.00034418152063153684, "anger", "complaint", "price:negative", "", False),  # noqa: E501
    ("other", None, "negative", 0.9349455237388611, 0.03391103819012642, 0.031143436208367348, "none", "question", "", "", False),  # noqa: E501
    ("id", "Latn", "negative", 0.9999991655349731, 7.728703744699916e-13, 8.488160574415815e-07, "sadness", "complaint", "service:negative", "", False),  # noqa: E501
    ("en", "Latn", "neutral", 0.29353630542755127, 0.5832239389419556, 0.12323982268571854, "sadness", "question;purchase_intent", "", "", False),  # noqa: E501
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
