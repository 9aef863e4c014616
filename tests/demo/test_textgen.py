"""Phrase banks are rich, complete and well-formed; generated texts read like the real thing."""

from __future__ import annotations

import re
import string

import numpy as np
import polars as pl
import pytest

from retailpulse.demo import DemoData
from retailpulse.demo.categories import CATEGORIES
from retailpulse.demo.textgen import BANKS, LANGS, compose, slangify
from retailpulse.demo.world import COMPETITOR_NAMES, STAFF

SLOTS = {
    "brand",
    "product",
    "product2",
    "garment",
    "shoe",
    "bag",
    "store",
    "staff",
    "competitor",
    "order",
    "days",
    "size",
    "color",
    "price",
    "item",
    "city",
    "name",
}
TONES = ("neg", "pos", "neu")


def _templates(lang: str) -> list[str]:
    mod = BANKS[lang].mod
    out: list[str] = []
    for group in (mod.OPENERS, mod.EXTRAS, mod.CLOSERS, mod.BODIES, mod.REPLIES, mod.SURVEY):
        for items in group.values():
            out += list(items)
    return out + list(mod.POSTS)


@pytest.mark.parametrize("lang", LANGS)
def test_bank_covers_every_category_and_tone(lang: str) -> None:
    mod = BANKS[lang].mod
    assert set(mod.BODIES) == {c.key for c in CATEGORIES}
    for tone in TONES:
        assert mod.OPENERS[tone] and mod.EXTRAS[tone] and mod.CLOSERS[tone] and mod.SURVEY[tone]
    assert set(mod.REPLIES) >= {
        "complaint",
        "question",
        "praise",
        "purchase_intent",
        "request",
        "crisis",
        "none",
    }


@pytest.mark.parametrize("lang", LANGS)
def test_bank_has_hundreds_of_templates_and_many_combinations(lang: str) -> None:
    mod = BANKS[lang].mod
    bodies = sum(len(v) for v in mod.BODIES.values())
    assert bodies >= 200
    assert len(set(_templates(lang))) >= 300
    combos = sum(
        len(v) * (1 + len(mod.OPENERS[t])) * (1 + len(mod.EXTRAS[t])) * (1 + len(mod.CLOSERS[t]))
        for k, v in mod.BODIES.items()
        for t in [next(c.tone for c in CATEGORIES if c.key == k)]
    )
    assert combos >= 100_000


@pytest.mark.parametrize("lang", LANGS)
def test_every_template_uses_only_known_slots(lang: str) -> None:
    for template in _templates(lang):
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        assert names <= SLOTS, (template, names - SLOTS)


def test_compose_fills_every_slot() -> None:
    rng = np.random.default_rng(0)
    cats = [c.key for c in CATEGORIES]
    n = len(cats) * len(LANGS)
    texts = compose(
        rng,
        lang=[lg for lg in LANGS for _ in cats],
        category=cats * len(LANGS),
        platform=["instagram"] * n,
        store=["JKT-GI"] * n,
        region=["ID"] * n,
        staff=[0] * n,
        product=[i % 40 for i in range(n)],
        product2=[1] * n,
        competitor=["Shopee"] * n,
        order=["LM00000042"] * n,
        days=[5] * n,
        extra_tags=[""] * n,
    )
    assert len(texts) == n
    assert not any("{" in t or "}" in t for t in texts)


def test_slangify_rewrites_formal_indonesian() -> None:
    out = slangify("saya sudah bayar tapi barang yang saya pesan tidak datang", 3)
    assert "sudah" not in out and "yang" not in out and "tidak" not in out


def _inbound(small: DemoData) -> pl.DataFrame:
    return small["messages"].filter(pl.col("direction") == "inbound")


def test_texts_are_varied(small: DemoData) -> None:
    texts = _inbound(small)["text"]
    assert texts.n_unique() / texts.len() > 0.8
    # lengths vary from a few words to several sentences
    lengths = texts.str.len_chars()
    assert lengths.min() < 20 < 150 < lengths.max()  # type: ignore[operator]


def test_all_languages_and_scripts_are_present(small: DemoData) -> None:
    texts = _inbound(small)["text"]
    hant = texts.str.contains("[們這還說買運貨訂]")
    hans = texts.str.contains("[们这还说买运货订]")
    indo = texts.str.contains(r"\b(gak|bgt|yg|kak|mantul|udah|tdk)\b")
    mixed = texts.str.contains(r"\b(gak|bgt|kak|udah)\b") & texts.str.contains(
        r"\b(worth it|sold out|literally|honestly|OOTD|restock|checkout)\b"
    )
    for mask in (hant, hans, indo, mixed):
        assert mask.sum() > 100
    assert not (hant & hans).any()


def test_emoji_hashtags_staff_and_competitors_appear(small: DemoData) -> None:
    texts = _inbound(small)["text"]
    assert texts.str.contains("[\U0001f300-\U0001faff]").sum() > 1000
    assert texts.str.contains("#").sum() > 1000
    joined = "\n".join(texts.to_list())
    named = [s for s in STAFF if any(a in joined for a in s[2].split("|"))]
    assert len(named) >= len(STAFF) * 0.8
    for name, forms in COMPETITOR_NAMES.items():
        assert any(f in joined for f in {name, *forms.values()}), name


def test_platforms_cover_the_social_channels(small: DemoData) -> None:
    platforms = set(small["messages"]["platform"])
    assert platforms >= {
        "facebook",
        "instagram",
        "tiktok",
        "x",
        "wechat",
        "weibo",
        "review",
        "email",
        "youtube",
        "blog",
    }


def test_order_numbers_quoted_in_dms_are_real_orders(small: DemoData) -> None:
    dms = _inbound(small).filter(pl.col("kind") == "dm")
    quoted = dms["text"].str.extract_all(r"LM\d{8}").explode().drop_nulls()
    assert quoted.len() > 300
    assert set(quoted) <= set(small["transactions"]["order_id"])
    # and the quoting author is that order's customer when the author is a linked customer
    links = small["identities"].select("author_id", "customer_id")
    q = (
        dms.with_columns(pl.col("text").str.extract(r"(LM\d{8})").alias("order_id"))
        .join(links, on="author_id")
        .join(
            small["transactions"].select("order_id", pl.col("customer_id").alias("buyer")),
            on="order_id",
        )
    )
    assert q.height > 20
    assert (q["customer_id"] == q["buyer"]).all()


def test_reviews_carry_ratings_in_range(small: DemoData) -> None:
    reviews = small["messages"].filter(pl.col("kind") == "review")
    assert reviews["rating"].null_count() == 0
    assert set(reviews["rating"].unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert re.search(r"\S", reviews["text"][0])


def test_no_doubled_mentions_or_empty_slots(small: DemoData) -> None:
    texts = small["messages"]["text"]
    assert not texts.str.contains("@@").any()
    assert not texts.str.contains(r"\{\w+\}").any()
