from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from retailpulse.enrich.entities import _FUZZY_SCORE, Catalog, _nearest, order_numbers
from retailpulse.enrich.text import normalise


def catalog() -> Catalog:
    products = pl.DataFrame(
        {
            "sku": ["SKU-1", "SKU-2"],
            "name": ["Linen Shirt", "Denim Jacket"],
            "aliases": ["kemeja linen|亞麻襯衫", None],
        }
    )
    stores = pl.DataFrame(
        {"store_id": ["JKT01"], "name": ["Grand Indonesia"], "aliases": ["GI mall|大印尼店"]}
    )
    staff = pl.DataFrame({"staff_id": ["E7"], "name": ["Rina"], "aliases": ["Kak Rina"]})
    return Catalog.from_frames(
        products=products, stores=stores, staff=staff, competitors=["Zalora", "Tokopedia"]
    )


def match(texts: list[str]) -> list[str]:
    s = pl.Series(texts)
    return catalog().match(normalise(s), s)


def test_products_stores_staff_and_competitors() -> None:
    out = match(
        [
            "Love the linen shirt from Grand Indonesia, Rina was so helpful",
            "kemeja linen nya bagus, lebih murah dari zalora",
            "nothing here",
        ]
    )
    assert out[0] == "product:SKU-1;staff:E7;store:JKT01"
    assert out[1] == "competitor:Zalora;product:SKU-1"
    assert out[2] == ""


def test_typos_are_matched_fuzzily() -> None:
    assert match(["cheaper at tokopeda"]) == ["competitor:Tokopedia"]
    assert match(["my denim jakcet tore"]) == [""]  # fuzzy matching is for single long words


def test_chinese_aliases_match_in_both_scripts() -> None:
    assert match(["亚麻衬衫很好，大印尼店服务好"]) == ["product:SKU-1;store:JKT01"]


def test_order_numbers() -> None:
    out = match(
        ["Where is order #A12345?", "pesanan no INV-2024-0091 belum sampai", "订单号 778899123"]
    )
    assert out == ["order:A12345", "order:INV-2024-0091", "order:778899123"]
    assert order_numbers(["order 55512345 and order #B98765"]) == [["55512345", "B98765"]]


def test_empty_catalog_still_finds_orders() -> None:
    s = pl.Series(["order #Z99999 missing", ""])
    assert Catalog().match(normalise(s), s) == ["order:Z99999", ""]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abcdeopst", min_size=5, max_size=10), max_size=20))
def test_nearest_picks_what_extract_one_picks(words: list[str]) -> None:
    # batch scoring (cdist) must choose like one extractOne call per word, ties included
    index = {a: {f"competitor:{a}"} for a in ("tokopedia", "shopee", "shopes", "bestdeal")}
    want = {}
    for w in [*words, "shopee", "shope", "tokopeda"]:
        best = process.extractOne(w, list(index), scorer=fuzz.ratio, score_cutoff=_FUZZY_SCORE)
        if best is not None:
            want[w] = index[best[0]]
    assert _nearest([*words, "shopee", "shope", "tokopeda"], index) == want
