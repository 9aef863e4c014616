"""Pinned outputs of tricky messages: speed work on the pipeline must not change a single value.

The expected rows are those of model fast-2026.11.9 (softmax heads fitted by L-BFGS, the
English one with alpha 4e-5; rules version 6). The labels were first pinned before the
throughput work of issue #3 (model fast-2026.11.2) and held through it and through the
calibration of fast-2026.11.3. The L-BFGS retraining (fast-2026.11.4) changed the labels of two
messages: the emotion of "not bad at all, but the price...", and the sentiment, emotion,
intents and aspect polarities of "Tokopeda lebih murah dari Mega Store...", a competitor price
comparison now read as negative. fast-2026.11.5 kept every label and moved probabilities;
fast-2026.11.6 (a new intent head) kept every row. Rules version 4 reads negated complaints as
what they mean (retailpulse.enrich.negated): "tidak kecewa sama sekali, pelayanan ramah", pinned
until then as a negative service complaint, is now positive praise (service:positive), and
"not bad at all, ..." keeps its labels with other probabilities. fast-2026.11.7 (retrained with
those rules) kept every label and moved probabilities. Rules version 5 (short information
questions neutral, Chinese question words that ask nothing, new praise and complaint cues) and
fast-2026.11.8 (a new intent head) kept every row, and so did rules version 6 (shop-chat
question frames, new praise and complaint cues) with fast-2026.11.9 (a new intent head).
Masking the retailer's own names out of what the opinion tasks read (retailpulse.enrich.names)
kept every label and moved the probabilities of "Tokopeda lebih murah dari Mega Store, mau beli
Kaos Polos", whose store and product names the heads no longer read.
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
    ('en', 'Latn', 'negative', 0.9605497717857361, 0.02616223879158497, 0.013288050889968872, 'anger', 'complaint', 'delivery:negative', '', False),  # noqa: E501
    ('id', 'Latn', 'negative', 0.9593855142593384, 8.48867330205394e-07, 0.04061366990208626, 'sadness', 'complaint', 'product_quality:negative;delivery:negative', '', False),  # noqa: E501
    ('zh', 'Hant', 'positive', 0.34387001395225525, 3.468344220891595e-05, 0.6560953259468079, 'none', 'praise', 'price:positive;service:positive;store:positive', '', False),  # noqa: E501
    ('zh', 'Hans', 'positive', 0.1956220418214798, 0.00015938375145196915, 0.8042185306549072, 'none', 'praise', 'delivery:negative', '', False),  # noqa: E501
    ('en', 'Latn', 'negative', 0.7867415547370911, 0.11801968514919281, 0.09523876756429672, 'joy', 'complaint', 'price:negative', '', False),  # noqa: E501
    ('unknown', None, 'positive', 0.11732217669487, 0.0048674955032765865, 0.8778102993965149, 'joy', '', '', '', False),  # noqa: E501
    ('unknown', None, 'neutral', 0.0, 1.0, 0.0, 'none', '', '', '', False),
    ('unknown', None, 'neutral', 0.0, 1.0, 0.0, 'none', '', '', '', False),
    ('id', 'Latn', 'neutral', 0.3904872238636017, 0.5386900305747986, 0.07082273066043854, 'none', 'complaint;request', 'delivery:negative', 'order:A12345', False),  # noqa: E501
    ('en', 'Latn', 'neutral', 0.03541724383831024, 0.6712428331375122, 0.29333993792533875, 'joy', '', '', '', True),  # noqa: E501
    ('id', 'Latn', 'negative', 0.5839465260505676, 0.18925532698631287, 0.2267981469631195, 'fear', 'complaint;purchase_intent', 'price:negative;store:negative', 'competitor:Tokopedia;product:SKU-1;store:S1', False),  # noqa: E501
    ('other', 'Latn', 'positive', 0.2615449130535126, 0.10970117151737213, 0.6287539005279541, 'surprise', 'praise', 'product_quality:positive', '', False),  # noqa: E501
    ('id', 'Latn', 'negative', 0.895292341709137, 0.020979557186365128, 0.0837281122803688, 'anger', 'complaint', 'price:negative', '', False),  # noqa: E501
    ('other', None, 'negative', 0.48163700103759766, 0.24094922840595245, 0.2774137854576111, 'none', 'question', '', '', False),  # noqa: E501
    ('id', 'Latn', 'positive', 0.09568385034799576, 0.0029471644666045904, 0.9013689160346985, 'joy', 'praise', 'service:positive', '', False),  # noqa: E501
    ('en', 'Latn', 'neutral', 0.19260329008102417, 0.7592897415161133, 0.04810696467757225, 'sadness', 'question;purchase_intent', '', '', False),  # noqa: E501
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
