"""Channel plumbing shared by the message builders: platform ids and URLs, engagement counts,
the public authors, and the brand's own posts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from retailpulse.demo.customers import PLATFORM_PREFIX, REGION_CODES, REGION_SHARE
from retailpulse.demo.names import draw_names, make_handles
from retailpulse.demo.textgen import compose_posts, staff_at
from retailpulse.demo.timeline import local_times, to_datetime
from retailpulse.demo.world import PRODUCTS, REGIONS, STORES

PREFIX = PLATFORM_PREFIX
DECLARED = {
    "x": {"en": "en", "id": "in", "zh-Hans": "zh", "zh-Hant": "zh"},
    "review": {"en": "en", "id": "id", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"},
    "facebook": {"en": "en_GB", "id": "id_ID", "zh-Hans": "zh_CN", "zh-Hant": "zh_TW"},
}
DM_PLATFORMS = ("email", "web", "wechat")
ORDER_CATS = (
    "complaint_delivery",
    "complaint_quality",
    "complaint_price",
    "question",
    "crisis_delivery",
)
STORE_STAFF = {s[0]: staff_at(s[0]) for s in STORES}
ONLINE_STAFF = staff_at("ONLINE")
REGION_STORES = {
    code: [s[0] for s in STORES if s[3] == code and s[0] != "ONLINE"] for code in REGION_CODES
}
#: customer-care agents who sign replies, per market
AGENTS = {
    "ID": ("Maya", "Rina", "Budi", "Ayu"),
    "CN": ("",),
    "TW": ("怡君",),
    "SG": ("Daniel", "Priya"),
    "GB": ("Oliver", "Hannah"),
}
REGION_LANG = {"ID": "id", "CN": "zh-Hans", "TW": "zh-Hant", "SG": "en", "GB": "en"}


@dataclass
class PublicAuthors:
    names: list[str]
    handles: list[str]
    region: np.ndarray
    followers: np.ndarray


def public_authors(rng: np.random.Generator, n: int) -> PublicAuthors:
    """People who write about the brand but are not (known) customers."""
    region = np.asarray(REGION_CODES, dtype=object)[rng.choice(5, size=n, p=REGION_SHARE)]
    names = [""] * n
    ascii_: list[str] = [""] * n
    for code in REGION_CODES:
        idx = np.flatnonzero(region == code)
        nm, asc = draw_names(rng, code, len(idx))
        for j, i in enumerate(idx.tolist()):
            names[i], ascii_[i] = nm[j], asc[j]
    handles = make_handles(rng, ascii_, 1000 + np.arange(n) % 8999)
    followers = np.floor(rng.lognormal(5.6, 1.7, n)).astype(np.int64)
    influencers = rng.random(n) < 0.004
    followers[influencers] *= 60
    return PublicAuthors(names, handles, region, followers)


def external_ids(platform: np.ndarray, serial: np.ndarray) -> list[str]:
    out = []
    for p, s in zip(platform.tolist(), serial.tolist(), strict=True):
        if p == "x":
            out.append(str(1_790_000_000_000_000_000 + s * 1013))
        elif p == "instagram":
            out.append(str(17_900_000_000_000_000 + s * 37))
        elif p == "tiktok":
            out.append(str(7_300_000_000_000_000_000 + s * 977))
        elif p == "weibo":
            out.append(str(4_900_000_000_000_000 + s * 53))
        elif p == "facebook":
            out.append(f"1029384756_{10_000_000_000 + s * 7}")
        elif p == "youtube":
            out.append(f"Ugx{s * 2654435761 % 16**10:010x}")
        elif p == "wechat":
            out.append(f"wx{s * 2654435761 % 16**12:012x}")
        else:
            out.append(f"{PREFIX.get(p, p)}-{s:09d}")
    return out


def url(platform: str, ext: str, handle: str, fmt: str) -> str | None:
    if platform == "instagram":
        return f"https://www.instagram.com/{fmt}/{ext[-11:]}/"
    if platform == "x":
        return f"https://x.com/{handle.lstrip('@')}/status/{ext}"
    if platform == "tiktok":
        return f"https://www.tiktok.com/@{handle.lstrip('@')}/video/{ext}"
    if platform == "facebook":
        return f"https://www.facebook.com/{ext}"
    if platform == "weibo":
        return f"https://weibo.com/detail/{ext}"
    if platform == "youtube":
        return f"https://www.youtube.com/watch?v={ext[-11:]}"
    if platform == "blog":
        site = handle.lstrip("@").replace("_", "-").replace(".", "-")
        return f"https://{site}.blogspot.com/{ext}.html"
    return None


def engagement(
    rng: np.random.Generator, followers: np.ndarray, boost: np.ndarray, public: np.ndarray
) -> tuple[np.ndarray, ...]:
    n = len(followers)
    views = np.floor((followers * rng.uniform(0.05, 0.6, n) + rng.poisson(30, n)) * boost)
    likes = np.floor(views * rng.beta(1.2, 30, n))
    shares = rng.binomial(likes.astype(np.int64), 0.08)
    replies = rng.poisson(0.3 + likes * 0.02)
    cols = []
    for a in (likes, shares, replies, views):
        v = a.astype(np.float64)
        v[~public] = np.nan
        cols.append(v)
    return tuple(cols)


def frame(cols: Mapping[str, Any]) -> pl.DataFrame:
    ints = ("author_followers", "likes", "shares", "replies", "views")
    df = pl.DataFrame(cols, strict=False)
    return df.with_columns([pl.col(c).cast(pl.Float64).fill_nan(None).cast(pl.Int64) for c in ints])


def brand_posts(
    rng: np.random.Generator,
    n: int,
    start: datetime,
    msg_start: float,
    end_day: float,
    start_weekday: int,
) -> pl.DataFrame:
    """The brand's own content, spread over the accounts by market size."""
    region = np.asarray(REGION_CODES, dtype=object)[rng.choice(5, size=n, p=REGION_SHARE)]
    plat = np.empty(n, dtype=object)
    for code in REGION_CODES:
        idx = np.flatnonzero(region == code)
        opts = [
            p
            for p in REGIONS[code].accounts
            if p not in ("email", "web", "review", "wechat", "blog")
        ]
        plat[idx] = np.asarray(opts, dtype=object)[rng.integers(0, len(opts), len(idx))]
    offs = np.array([REGIONS[r].utc_offset for r in region.tolist()])
    t = np.sort(local_times(rng, np.full(n, msg_start), np.full(n, end_day), offs, start_weekday))
    lang = [REGION_LANG[r] for r in region.tolist()]
    stores = [
        REGION_STORES[r][int(u * len(REGION_STORES[r]))]
        for r, u in zip(region.tolist(), rng.random(n).tolist(), strict=True)
    ]
    staff = [
        STORE_STAFF[s][int(u * len(STORE_STAFF[s]))]
        for s, u in zip(stores, rng.random(n).tolist(), strict=True)
    ]
    product = rng.integers(0, len(PRODUCTS), n).tolist()
    texts = compose_posts(rng, lang=lang, store=stores, product=product, staff=staff)
    video = (plat == "tiktok") | ((plat == "instagram") & (rng.random(n) < 0.45))
    fmt = np.where(video & (plat == "instagram"), "reel", "p")
    serial = 9_000_000 + np.arange(n)
    ext = external_ids(plat, serial)
    account = [REGIONS[r].accounts[p] for r, p in zip(region.tolist(), plat.tolist(), strict=True)]
    followers = np.array(
        [
            {"ID": 480_000, "CN": 260_000, "TW": 95_000, "SG": 120_000, "GB": 210_000}[r]
            for r in region.tolist()
        ]
    )
    boost = np.where(video, 2.4, 1.0) * rng.lognormal(0, 0.5, n)
    likes, shares, replies, views = engagement(rng, followers * 0.2, boost, np.ones(n, bool))
    return frame(
        {
            "platform": plat.tolist(),
            "external_id": ext,
            "kind": ["post"] * n,
            "direction": ["outbound"] * n,
            "account": account,
            "author_id": [f"brand_{p}_{r.lower()}" for p, r in zip(plat, region, strict=True)],
            "author_handle": account,
            "author_name": [f"Lumora {r}" for r in region.tolist()],
            "author_followers": followers,
            "thread_id": ext,
            "parent_id": [None] * n,
            "created_at": to_datetime(start, t),
            "text": texts,
            "url": [url(p, e, a, f) for p, e, a, f in zip(plat, ext, account, fmt, strict=True)],
            "rating": [None] * n,
            "likes": likes,
            "shares": shares,
            "replies": replies,
            "views": views,
            "language": [None] * n,
        }
    )
