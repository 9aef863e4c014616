"""Pinned outputs of tricky messages: speed work on the pipeline must not change a single value.

The expected rows are those of model fast-2026.11.5 (softmax heads fitted by L-BFGS, the
English one with alpha 4e-5; rules version 3). The labels were first pinned before the
throughput work of issue #3 (model fast-2026.11.2) and held through it and through the
calibration of fast-2026.11.3. The L-BFGS retraining (fast-2026.11.4) changed the labels of two
messages: the emotion of "not bad at all, but the price...", and the sentiment, emotion,
intents and aspect polarities of "Tokopeda lebih murah dari Mega Store...", a competitor price
comparison now read as negative. fast-2026.11.5 kept every label and moved probabilities;
fast-2026.11.6 (a new intent head) kept every row. Rules version 4 reads negated complaints as
what they mean (retailpulse.enrich.negated): "tidak kecewa sama sekali, pelayanan ramah", pinned
until then as a negative service complaint, is now positive praise (service:positive), and
"not bad at all, ..." keeps its labels with other probabilities.
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
    ('en', 'Latn', 'negative', 0.9577056765556335, 0.025925930589437485, 0.01636844128370285, 'anger', 'complaint', 'delivery:negative', '', False),  # noqa: E501
    ('id', 'Latn', 'negative', 0.8632702231407166, 9.796190170163754e-07, 0.13672876358032227, 'sadness', 'complaint', 'product_quality:negative;delivery:negative', '', False),  # noqa: E501
    ('zh', 'Hant', 'positive', 0.3411191403865814, 3.807291795965284e-05, 0.6588427424430847, 'none', 'praise', 'price:positive;service:positive;store:positive', '', False),  # noqa: E501
    ('zh', 'Hans', 'positive', 0.2008255422115326, 0.000167751670232974, 0.7990067601203918, 'none', 'praise', 'delivery:negative', '', False),  # noqa: E501
    ('en', 'Latn', 'negative', 0.7890719175338745, 0.11658450216054916, 0.09434354305267334, 'joy', 'complaint', 'price:negative', '', False),  # noqa: E501
    ('unknown', None, 'positive', 0.10458996891975403, 0.0059812613762915134, 0.8894287347793579, 'joy', '', '', '', False),  # noqa: E501
    ('unknown', None, 'neutral', 0.0, 1.0, 0.0, 'none', '', '', '', False),
    ('unknown', None, 'neutral', 0.0, 1.0, 0.0, 'none', '', '', '', False),
    ('id', 'Latn', 'neutral', 0.40151000022888184, 0.5321064591407776, 0.06638355553150177, 'none', 'complaint;request', 'delivery:negative', 'order:A12345', False),  # noqa: E501
    ('en', 'Latn', 'neutral', 0.03513539955019951, 0.673909604549408, 0.29095497727394104, 'joy', '', '', '', True),  # noqa: E501
    ('id', 'Latn', 'negative', 0.46236684918403625, 0.34861844778060913, 0.189014732837677, 'fear', 'complaint;purchase_intent', 'price:negative;store:negative', 'competitor:Tokopedia;product:SKU-1;store:S1', False),  # noqa: E501
    ('other', 'Latn', 'positive', 0.28815770149230957, 0.12453558295965195, 0.5873066782951355, 'surprise', 'praise', 'product_quality:positive', '', False),  # noqa: E501
    ('id', 'Latn', 'negative', 0.9065519571304321, 0.020083816722035408, 0.0733642652630806, 'anger', 'complaint', 'price:negative', '', False),  # noqa: E501
    ('other', None, 'negative', 0.47314801812171936, 0.25048932433128357, 0.2763625681400299, 'none', 'question', '', '', False),  # noqa: E501
    ('id', 'Latn', 'positive', 0.16296717524528503, 0.00524011068046093, 0.8317927122116089, 'joy', 'praise', 'service:positive', '', False),  # noqa: E501
    ('en', 'Latn', 'neutral', 0.19202478229999542, 0.7597405910491943, 0.04823461174964905, 'sadness', 'question;purchase_intent', '', '', False),  # noqa: E501
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
