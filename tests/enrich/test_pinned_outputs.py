"""Pinned outputs of tricky messages: speed work on the pipeline must not change a single value.

The expected labels were produced by the pipeline before the throughput work of issue #3 (main
at the merge of the per-language sentiment heads: model fast-2026.11.2, rules version 3); the
probabilities are those of fast-2026.11.3, the same weights with calibrating temperatures
(every label unchanged).
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
    ('en', 'Latn', 'negative', 0.8777797222137451, 0.05019787326455116, 0.07202238589525223, 'anger', 'complaint', 'delivery:negative', '', False),  # noqa: E501
    ('id', 'Latn', 'negative', 0.8663017749786377, 6.070825293136295e-06, 0.13369211554527283, 'sadness', 'complaint', 'product_quality:negative;delivery:negative', '', False),  # noqa: E501
    ('zh', 'Hant', 'positive', 0.42077741026878357, 7.897839168435894e-06, 0.5792146921157837, 'none', 'praise', 'price:positive;service:positive;store:positive', '', False),  # noqa: E501
    ('zh', 'Hans', 'positive', 0.14537495374679565, 3.102059417869896e-05, 0.8545940518379211, 'none', 'praise', 'delivery:negative', '', False),  # noqa: E501
    ('en', 'Latn', 'negative', 0.8546866774559021, 0.1289375275373459, 0.01637585461139679, 'sadness', 'complaint', 'price:negative', '', False),  # noqa: E501
    ('unknown', None, 'positive', 0.19094514846801758, 0.045413676649332047, 0.7636411786079407, 'joy', '', '', '', False),  # noqa: E501
    ('unknown', None, 'neutral', 0.0, 1.0, 0.0, 'none', '', '', '', False),
    ('unknown', None, 'neutral', 0.0, 1.0, 0.0, 'none', '', '', '', False),
    ('id', 'Latn', 'neutral', 0.18386389315128326, 0.6585402488708496, 0.1575959026813507, 'none', 'complaint;request', 'delivery:negative', 'order:A12345', False),  # noqa: E501
    ('en', 'Latn', 'neutral', 0.035586338490247726, 0.674193263053894, 0.29022035002708435, 'joy', '', '', '', True),  # noqa: E501
    ('id', 'Latn', 'neutral', 0.28235626220703125, 0.5226422548294067, 0.19500143826007843, 'none', 'purchase_intent', 'price:positive;store:positive', 'competitor:Tokopedia;product:SKU-1;store:S1', False),  # noqa: E501
    ('other', 'Latn', 'positive', 0.21829700469970703, 0.21253082156181335, 0.5691721439361572, 'surprise', 'praise', 'product_quality:positive', '', False),  # noqa: E501
    ('id', 'Latn', 'negative', 0.8369994759559631, 0.033189211040735245, 0.1298113316297531, 'anger', 'complaint', 'price:negative', '', False),  # noqa: E501
    ('other', None, 'negative', 0.4278702735900879, 0.26359033584594727, 0.30853942036628723, 'none', 'question', '', '', False),  # noqa: E501
    ('id', 'Latn', 'negative', 0.8809348940849304, 0.0020318340975791216, 0.11703333258628845, 'sadness', 'complaint', 'service:negative', '', False),  # noqa: E501
    ('en', 'Latn', 'neutral', 0.1828959733247757, 0.7414655089378357, 0.07563852518796921, 'sadness', 'question;purchase_intent', '', '', False),  # noqa: E501
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
