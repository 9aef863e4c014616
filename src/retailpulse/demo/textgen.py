"""Compose message texts from the phrase banks: opener × body × extra × closer × emoji × tags.

All random choices are drawn up front with numpy; the loop only indexes and fills slots, so a
million texts take seconds. Indonesian texts are partly rewritten into chat slang, English
ones partly lower-cased, so one template shows up in several registers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import NamedTuple

import numpy as np

from retailpulse.demo import phrases_en, phrases_id, phrases_zh, phrases_zh_hant
from retailpulse.demo.categories import CATEGORIES
from retailpulse.demo.world import (
    BRAND,
    BRAND_ZH_HANS,
    BRAND_ZH_HANT,
    COMPETITOR_NAMES,
    PRODUCTS,
    STAFF,
    STORE_MENTIONS,
    STORES,
    UNSTOCKED,
    product_mention,
    staff_mention,
)

LANGS = ("en", "id", "zh-Hans", "zh-Hant")

EMOJI = {
    "neg": ("😡", "😤", "🙄", "😞", "😭", "💔", "👎", "😑", "🤬", "😩", "😒", "🥲"),
    "pos": ("😍", "🥰", "✨", "💕", "🔥", "👌", "😊", "🙌", "💯", "🛍️", "👗", "❤️", "🤩", "💖"),
    "neu": ("🙏", "😊", "🤔", "👋", "🙂", "📦", "👀"),
}
#: How many emoji a text carries on each platform (mean of a Poisson draw).
EMOJI_RATE = {
    "instagram": 1.4,
    "tiktok": 1.6,
    "facebook": 0.8,
    "x": 0.6,
    "weibo": 0.7,
    "wechat": 0.4,
    "review": 0.2,
    "youtube": 0.8,
    "blog": 0.3,
    "email": 0.05,
    "web": 0.05,
    "sms": 0.1,
}
#: Chance of an extra sentence, by platform (reviews and e-mails run long, X short).
EXTRA_RATE = {
    "review": 0.8,
    "blog": 0.95,
    "youtube": 0.3,
    "email": 0.85,
    "web": 0.6,
    "facebook": 0.45,
    "instagram": 0.3,
    "tiktok": 0.2,
    "x": 0.15,
    "weibo": 0.35,
    "wechat": 0.45,
}
CITY = {
    "Jakarta": {"zh-Hans": "雅加达", "zh-Hant": "雅加達"},
    "Surabaya": {"zh-Hans": "泗水", "zh-Hant": "泗水"},
    "Shanghai": {"zh-Hans": "上海", "zh-Hant": "上海"},
    "Taipei": {"zh-Hans": "台北", "zh-Hant": "台北"},
    "Singapore": {"zh-Hans": "新加坡", "zh-Hant": "新加坡"},
    "London": {"zh-Hans": "伦敦", "zh-Hant": "倫敦"},
}
_FX = {"en": (1.0, "$"), "id": (15_800.0, "Rp "), "zh-Hans": (7.2, "¥"), "zh-Hant": (32.0, "NT$")}
_STORE_CITY = {s[0]: s[2] for s in STORES}
_GARMENTS = [
    i for i, p in enumerate(PRODUCTS) if p[6] in ("tops", "bottoms", "dresses", "outerwear")
]
_SHOES = [i for i, p in enumerate(PRODUCTS) if p[6] == "footwear"]
_BAGS = [i for i, p in enumerate(PRODUCTS) if p[6] in ("bags", "outerwear")]
_STORE_REGION_CITY = {
    "ID": "Jakarta",
    "CN": "Shanghai",
    "TW": "Taipei",
    "SG": "Singapore",
    "GB": "London",
}


@dataclass(frozen=True)
class Bank:
    lang: str
    mod: ModuleType
    joiner: str
    brand: tuple[str, ...]
    #: body templates per category, split by whether they quote an order number
    with_order: dict[str, tuple[str, ...]]
    without_order: dict[str, tuple[str, ...]]


def _bank(lang: str, mod: ModuleType, joiner: str, brand: tuple[str, ...]) -> Bank:
    bodies: dict[str, tuple[str, ...]] = mod.BODIES
    return Bank(
        lang,
        mod,
        joiner,
        brand,
        {k: tuple(b for b in v if "{order}" in b) for k, v in bodies.items()},
        {k: tuple(b for b in v if "{order}" not in b) for k, v in bodies.items()},
    )


BANKS: dict[str, Bank] = {
    "en": _bank("en", phrases_en, " ", (BRAND, "@" + BRAND.lower())),
    "id": _bank("id", phrases_id, " ", (BRAND, BRAND.lower())),
    "zh-Hans": _bank("zh-Hans", phrases_zh, "", (BRAND_ZH_HANS, BRAND)),
    "zh-Hant": _bank("zh-Hant", phrases_zh_hant, "", (BRAND_ZH_HANT, BRAND)),
}

_SLANG_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, phrases_id.SLANG), key=len, reverse=True)) + r")\b"
)


def slangify(text: str, salt: int) -> str:
    """Rewrite formal Indonesian words into chat forms, choosing variants by ``salt``."""

    def sub(m: re.Match[str]) -> str:
        forms = phrases_id.SLANG[m.group(1)]
        return forms[(salt + m.start()) % len(forms)]

    return _SLANG_RE.sub(sub, text)


@functools.lru_cache(maxsize=8192)
def _slang_part(template: str, variant: int) -> str:
    """A template rewritten into one of five chat-slang variants (cached: templates repeat)."""
    return slangify(template, variant * 7919)


def _pick(options: tuple[str, ...], u: float) -> str:
    return options[int(u * len(options))]


def price_text(lang: str, usd: float) -> str:
    """A product price as a customer in that language would write it."""
    rate, sym = _FX[lang]
    v = usd * rate
    if lang == "id":
        return f"{sym}{round(v / 1000):,}rb".replace(",", ".")
    if lang == "zh-Hant":
        return f"{sym}{round(v, -1):,.0f}"
    return f"{sym}{v:,.0f}"


def city_text(city: str, lang: str) -> str:
    return CITY.get(city, {}).get(lang, city)


def store_text(store_id: str, lang: str, u: float) -> str:
    mentions = STORE_MENTIONS.get(store_id, {})
    opts = mentions.get(lang) or mentions.get("en") or (store_id,)
    return _pick(opts, u)


def competitor_text(name: str, lang: str) -> str:
    return COMPETITOR_NAMES.get(name, {}).get(lang, name) if lang.startswith("zh") else name


class _Ctx(NamedTuple):
    lang: str
    bank: Bank
    row: list[float]
    product: int
    product2: int
    store: str
    region: str
    staff: int
    competitor: str
    order: str
    days: int


def _city(c: _Ctx) -> str:
    return city_text(_STORE_CITY.get(c.store) or _STORE_REGION_CITY[c.region], c.lang)


#: How each slot is filled; only the slots a text uses are computed.
_SLOT_MAKERS: dict[str, Callable[[_Ctx], object]] = {
    "brand": lambda c: _pick(c.bank.brand, c.row[8]),
    "product": lambda c: product_mention(c.product, c.lang),
    "product2": lambda c: product_mention(c.product2, c.lang),
    "garment": lambda c: product_mention(_GARMENTS[c.product % len(_GARMENTS)], c.lang),
    "shoe": lambda c: product_mention(_SHOES[c.product % len(_SHOES)], c.lang),
    "bag": lambda c: product_mention(_BAGS[c.product % len(_BAGS)], c.lang),
    "store": lambda c: store_text(c.store, c.lang, c.row[9]),
    "staff": lambda c: staff_mention(c.staff, c.lang) if c.staff >= 0 else "",
    "competitor": lambda c: competitor_text(c.competitor, c.lang),
    "order": lambda c: c.order,
    "days": lambda c: c.days,
    "size": lambda c: _pick(c.bank.mod.SIZES, c.row[10]),
    "color": lambda c: _pick(c.bank.mod.COLORS, c.row[11]),
    "price": lambda c: price_text(c.lang, PRODUCTS[c.product][7] * (1.25 + 0.5 * c.row[10])),
    "item": lambda c: _pick(UNSTOCKED[c.lang], c.row[2]),
    "city": _city,
}


class _Slots(dict[str, object]):
    """Slot values made on first use (``str.format_map`` asks only for the slots it needs)."""

    def __init__(self, ctx: _Ctx) -> None:
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> object:
        return _SLOT_MAKERS[key](self.ctx)


def compose(
    rng: np.random.Generator,
    *,
    lang: list[str],
    category: list[str],
    platform: list[str],
    store: list[str],
    region: list[str],
    staff: list[int],
    product: list[int],
    product2: list[int],
    competitor: list[str],
    order: list[str],
    days: list[int],
    extra_tags: list[str],
) -> list[str]:
    """One customer text per row. ``order`` is '' when no order number may be quoted."""
    n = len(lang)
    # python lists: indexing them is several times faster than indexing numpy arrays
    u = rng.random((n, 12)).tolist()
    n_emoji = rng.poisson(1.0, n).tolist()
    tag_count = rng.integers(1, 4, n).tolist()
    salt = rng.integers(0, 1_000_003, n).tolist()
    out: list[str] = []
    tone_of = {c.key: c.tone for c in CATEGORIES}
    for i in range(n):
        lg = lang[i]
        bank = BANKS[lg]
        mod = bank.mod
        cat = category[i]
        tone = tone_of[cat]
        plat = platform[i]
        row = u[i]
        quote = bool(order[i]) and bool(bank.with_order[cat]) and row[0] < 0.75
        bodies = bank.with_order[cat] if quote else bank.without_order[cat]
        if not bodies:
            bodies = mod.BODIES[cat]
        parts: list[str] = []
        short = cat in ("spam", "followup_thanks", "followup_angry")
        body = _pick(bodies, row[3])
        if not short and row[1] < 0.5:
            opener = _pick(mod.OPENERS[tone], row[2])
            parts.append(opener)
            if opener.endswith(",") and body[:1].isupper() and body[1:2].islower():
                body = body[0].lower() + body[1:]  # "Hi team, do you..."
        parts.append(body)
        if not short and row[4] < EXTRA_RATE.get(plat, 0.3):
            parts.append(_pick(mod.EXTRAS[tone], row[5]))
        if not short and row[6] < 0.45:
            parts.append(_pick(mod.CLOSERS[tone], row[7]))
        if lg == "id" and salt[i] % 10 < 6:
            parts = [_slang_part(x, salt[i] % 5) for x in parts]
        text = bank.joiner.join(parts)
        ctx = _Ctx(
            lg,
            bank,
            row,
            product[i],
            product2[i],
            store[i],
            region[i],
            staff[i],
            competitor[i],
            order[i],
            days[i],
        )
        text = text.format_map(_Slots(ctx)).replace("@@", "@")
        if lg in ("en", "id") and salt[i] % 7 == 0 and plat not in ("email", "review"):
            text = text.lower()
        k = min(int(n_emoji[i] * EMOJI_RATE.get(plat, 0.5) + 0.5 * row[1]), 4)
        if k:
            pool = EMOJI[tone]
            emo = "".join(pool[(salt[i] + j * 5) % len(pool)] for j in range(k))
            text = text + ("" if lg.startswith("zh") else " ") + emo
        tags = _hashtags(mod, cat, plat, tag_count[i], salt[i])
        if extra_tags[i]:
            tags.append(extra_tags[i])
        if tags:
            text = text + " " + " ".join(tags)
        out.append(text)
    return out


def _hashtags(mod: ModuleType, cat: str, plat: str, count: int, salt: int) -> list[str]:
    tags: dict[str, tuple[str, ...]] = mod.HASHTAGS
    if plat in ("email", "web", "review", "wechat"):
        return []
    if cat == "ugc":
        pool = tags["ugc"]
        picked = [pool[(salt + 3 * j) % len(pool)] for j in range(count + 1)]
        return list(dict.fromkeys([*picked, tags["brand"][salt % len(tags["brand"])]]))
    if cat == "crisis_delivery" and salt % 2 == 0:
        return [tags["crisis"][salt % len(tags["crisis"])]]
    if CATEGORIES_TONE.get(cat) == "neg" and salt % 4 == 0:
        return [tags["neg"][salt % len(tags["neg"])]]
    if CATEGORIES_TONE.get(cat) == "pos" and salt % 3 == 0:
        return [tags["brand"][salt % len(tags["brand"])]]
    return []


CATEGORIES_TONE = {c.key: c.tone for c in CATEGORIES}

REPLY_GROUP = {
    "complaint": "complaint",
    "question": "question",
    "praise": "praise",
    "purchase_intent": "purchase_intent",
    "request": "request",
    "none": "none",
}


def compose_replies(
    rng: np.random.Generator,
    *,
    lang: list[str],
    group: list[str],
    name: list[str],
    store: list[str],
    agent: list[str],
) -> list[str]:
    """Brand replies, signed by the answering agent on some platforms."""
    n = len(lang)
    u = rng.random((n, 3)).tolist()
    out = []
    for i in range(n):
        mod = BANKS[lang[i]].mod
        text = _pick(mod.REPLIES[group[i]], u[i][0]).format_map(
            {"name": name[i], "store": store_text(store[i], lang[i], u[i][1])}
        )
        if agent[i] and u[i][2] < 0.6:
            text += f" ^{agent[i]}" if not lang[i].startswith("zh") else f"（{agent[i]}）"
        out.append(text)
    return out


def compose_posts(
    rng: np.random.Generator,
    *,
    lang: list[str],
    store: list[str],
    product: list[int],
    staff: list[int],
) -> list[str]:
    """Brand posts (content) with the brand's hashtags."""
    n = len(lang)
    u = rng.random((n, 5))
    out = []
    for i in range(n):
        lg = lang[i]
        mod = BANKS[lg].mod
        text = _pick(mod.POSTS, u[i, 0]).format_map(
            {
                "brand": BANKS[lg].brand[0],
                "product": product_mention(product[i], lg),
                "store": store_text(store[i], lg, u[i, 1]),
                "staff": staff_mention(staff[i], lg),
                "color": _pick(mod.COLORS, u[i, 2]),
            }
        )
        tags = mod.HASHTAGS["brand"]
        ugc = mod.HASHTAGS["ugc"]
        text += f" {_pick(tags, u[i, 3])} {_pick(ugc, u[i, 4])}"
        out.append(text)
    return out


def compose_survey(rng: np.random.Generator, lang: list[str], tone: list[str]) -> list[str]:
    """Free-text survey answers ('' when the respondent wrote nothing)."""
    u = rng.random(len(lang))
    return [
        _pick(BANKS[lg].mod.SURVEY[t], float(x)) for lg, t, x in zip(lang, tone, u, strict=True)
    ]


def staff_at(store_id: str) -> list[int]:
    """Indexes of the staff working at a store."""
    return [i for i, s in enumerate(STAFF) if s[3] == store_id]
