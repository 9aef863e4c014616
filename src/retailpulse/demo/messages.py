"""The messages table: brand posts, inbound customer messages, brand replies and follow-ups.

Threads hang together: a comment's parent is the brand post it answers; a brand reply's parent
is the message it answers, in the same thread; some customers write back. Complaints in DMs
quote the customer's real order number, so authors can be linked to customers by order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from retailpulse.demo.categories import CATEGORIES, INDEX
from retailpulse.demo.customers import REGION_CODES, Population
from retailpulse.demo.experience import Events
from retailpulse.demo.names import draw_names, make_handles
from retailpulse.demo.purchases import Orders
from retailpulse.demo.textgen import (
    compose,
    compose_posts,
    compose_replies,
    staff_at,
)
from retailpulse.demo.timeline import local_times, to_datetime
from retailpulse.demo.world import PRODUCTS, REGIONS, STORES

CHUNK = 200_000
_PREFIX = {
    "instagram": "ig",
    "tiktok": "tt",
    "facebook": "fb",
    "x": "x",
    "weibo": "wb",
    "wechat": "wx",
    "review": "rv",
    "email": "em",
    "web": "web",
}
_DECLARED = {
    "x": {"en": "en", "id": "in", "zh-Hans": "zh", "zh-Hant": "zh"},
    "review": {"en": "en", "id": "id", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"},
    "facebook": {"en": "en_GB", "id": "id_ID", "zh-Hans": "zh_CN", "zh-Hant": "zh_TW"},
}
_DM_PLATFORMS = ("email", "web", "wechat")
_ORDER_CATS = (
    "complaint_delivery",
    "complaint_quality",
    "complaint_price",
    "question",
    "crisis_delivery",
)
_STORE_STAFF = {s[0]: staff_at(s[0]) for s in STORES}
_ONLINE_STAFF = staff_at("ONLINE")
_REGION_STORES = {
    code: [s[0] for s in STORES if s[3] == code and s[0] != "ONLINE"] for code in REGION_CODES
}
_REGION_LANG = {"ID": "id", "CN": "zh-Hans", "TW": "zh-Hant", "SG": "en", "GB": "en"}


@dataclass
class PublicAuthors:
    names: list[str]
    handles: list[str]
    region: np.ndarray
    followers: np.ndarray


def public_authors(rng: np.random.Generator, n: int) -> PublicAuthors:
    """People who write about the brand but are not (known) customers."""
    from retailpulse.demo.customers import REGION_SHARE

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


def _external_ids(platform: np.ndarray, serial: np.ndarray) -> list[str]:
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
        elif p == "wechat":
            out.append(f"wx{s * 2654435761 % 16**12:012x}")
        else:
            out.append(f"{_PREFIX.get(p, p)}-{s:09d}")
    return out


def _url(platform: str, ext: str, handle: str, fmt: str) -> str | None:
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
    return None


def _engagement(
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


def _frame(cols: dict[str, list[object] | np.ndarray | pl.Series]) -> pl.DataFrame:
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
    from retailpulse.demo.customers import REGION_SHARE

    region = np.asarray(REGION_CODES, dtype=object)[rng.choice(5, size=n, p=REGION_SHARE)]
    plat = np.empty(n, dtype=object)
    for code in REGION_CODES:
        idx = np.flatnonzero(region == code)
        opts = [p for p in REGIONS[code].accounts if p not in ("email", "web", "review", "wechat")]
        plat[idx] = np.asarray(opts, dtype=object)[rng.integers(0, len(opts), len(idx))]
    offs = np.array([REGIONS[r].utc_offset for r in region.tolist()])
    t = np.sort(local_times(rng, np.full(n, msg_start), np.full(n, end_day), offs, start_weekday))
    lang = [_REGION_LANG[r] for r in region.tolist()]
    stores = [
        _REGION_STORES[r][int(u * len(_REGION_STORES[r]))]
        for r, u in zip(region.tolist(), rng.random(n).tolist(), strict=True)
    ]
    staff = [
        _STORE_STAFF[s][int(u * len(_STORE_STAFF[s]))]
        for s, u in zip(stores, rng.random(n).tolist(), strict=True)
    ]
    product = rng.integers(0, len(PRODUCTS), n).tolist()
    texts = compose_posts(rng, lang=lang, store=stores, product=product, staff=staff)
    video = (plat == "tiktok") | ((plat == "instagram") & (rng.random(n) < 0.45))
    fmt = np.where(video & (plat == "instagram"), "reel", "p")
    serial = 9_000_000 + np.arange(n)
    ext = _external_ids(plat, serial)
    account = [REGIONS[r].accounts[p] for r, p in zip(region.tolist(), plat.tolist(), strict=True)]
    followers = np.array(
        [
            {"ID": 480_000, "CN": 260_000, "TW": 95_000, "SG": 120_000, "GB": 210_000}[r]
            for r in region.tolist()
        ]
    )
    boost = np.where(video, 2.4, 1.0) * rng.lognormal(0, 0.5, n)
    likes, shares, replies, views = _engagement(rng, followers * 0.2, boost, np.ones(n, bool))
    return _frame(
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
            "url": [_url(p, e, a, f) for p, e, a, f in zip(plat, ext, account, fmt, strict=True)],
            "rating": [None] * n,
            "likes": likes,
            "shares": shares,
            "replies": replies,
            "views": views,
            "language": [None] * n,
        }
    )


def _last_orders(orders: Orders, cust: np.ndarray, time: np.ndarray, max_age: float) -> list[str]:
    """The customer's latest order id before ``time`` (within ``max_age`` days), else ''."""
    key = orders.cust.astype(np.float64) * 10_000.0 + orders.time
    srt = np.argsort(key, kind="stable")
    k = key[srt]
    q = cust.astype(np.float64) * 10_000.0 + time
    pos = np.searchsorted(k, q) - 1
    ok = (cust >= 0) & (pos >= 0)
    j = srt[np.clip(pos, 0, len(srt) - 1)]
    ok &= (orders.cust[j] == cust) & (time - orders.time[j] < max_age)
    return np.where(ok, orders.order_id[j], "").tolist()


def _kinds(
    rng: np.random.Generator, plat: np.ndarray, cat: np.ndarray, has_order: np.ndarray
) -> np.ndarray:
    n = len(plat)
    r = rng.random(n)
    kind = np.full(n, "mention", dtype=object)
    social = np.isin(plat, ["instagram", "facebook", "tiktok"])
    kind[social & (r < 0.5)] = "comment"
    kind[social & (r >= 0.5) & (r < 0.78)] = "dm"
    kind[(plat == "x") & (r < 0.28)] = "dm"
    kind[(plat == "weibo") & (r < 0.45)] = "comment"
    kind[np.isin(plat, _DM_PLATFORMS)] = "dm"
    kind[plat == "review"] = "review"
    kind[(cat == "ugc") & (plat != "review")] = "post"
    # complaints quoting an order are usually sent privately
    kind[has_order & np.isin(plat, ["instagram", "facebook", "tiktok", "x"]) & (r < 0.85)] = "dm"
    return kind


def _ratings(rng: np.random.Generator, cat: np.ndarray, kind: np.ndarray) -> np.ndarray:
    tone = np.array([CATEGORIES[INDEX[c]].tone for c in cat.tolist()], dtype=object)
    r = rng.random(len(cat))
    stars = np.where(
        tone == "neg",
        np.where(r < 0.65, 1.0, 2.0),
        np.where(tone == "pos", np.where(r < 0.3, 4.0, 5.0), np.where(r < 0.5, 3.0, 4.0)),
    )
    return np.where(kind == "review", stars, np.nan)


def inbound_messages(
    rng: np.random.Generator,
    pop: Population,
    ev: Events,
    orders: Orders,
    posts: pl.DataFrame,
    pub: PublicAuthors,
    start: datetime,
) -> pl.DataFrame:
    """One row per planned event, with author, thread, text and engagement."""
    n = len(ev)
    is_c = ev.cust >= 0
    ci = np.where(is_c, ev.cust, 0)
    pi = np.where(is_c, 0, ev.public)
    plat = ev.platform
    # authors: customers post from their own account where they have one on that platform
    own = is_c & (pop.account_platform[ci] == plat)
    handle = np.where(is_c, pop.account_handle[ci], np.asarray(pub.handles, dtype=object)[pi])
    handle = np.where(
        handle == "", np.asarray(pub.handles, dtype=object)[ci % len(pub.handles)], handle
    )
    author_id = np.where(
        own,
        pop.account_author[ci],
        np.where(
            is_c,
            [f"{_PREFIX[p]}_c{c}" for p, c in zip(plat, ci, strict=True)],
            [f"{_PREFIX[p]}_p{c}" for p, c in zip(plat, pi, strict=True)],
        ),
    )
    name = np.where(
        is_c, np.asarray(pop.names, dtype=object)[ci], np.asarray(pub.names, dtype=object)[pi]
    )
    followers = np.where(is_c, pop.followers[ci], pub.followers[pi])
    email = plat == "email"
    author_id[email & is_c] = [f"mail:{pop.ids[c].lower()}" for c in ci[email & is_c]]
    # what the message is about
    store = ev.store.copy()
    cat = ev.category
    physical = np.isin(cat, ["praise_store", "complaint_staff", "praise_staff", "complaint_stock"])
    fix = np.flatnonzero(physical & (store == "ONLINE"))
    store[fix] = [
        _REGION_STORES[r][int(u * len(_REGION_STORES[r]))]
        for r, u in zip(ev.region[fix], rng.random(len(fix)), strict=True)
    ]
    u = rng.random(n)
    staff = [
        (_STORE_STAFF[s] or _ONLINE_STAFF)[int(x * len(_STORE_STAFF[s] or _ONLINE_STAFF))]
        for s, x in zip(store.tolist(), u.tolist(), strict=True)
    ]
    product = rng.integers(0, len(PRODUCTS), n)
    product2 = (product + rng.integers(1, len(PRODUCTS), n)) % len(PRODUCTS)
    comp = [
        REGIONS[r].competitors[int(x * len(REGIONS[r].competitors))]
        for r, x in zip(ev.region.tolist(), rng.random(n).tolist(), strict=True)
    ]
    want_order = is_c & np.isin(cat, _ORDER_CATS)
    order = np.asarray(
        _last_orders(orders, np.where(want_order, ev.cust, -1), ev.time, 60.0), dtype=object
    )
    has_order = order != ""
    kind = _kinds(rng, plat, cat, has_order)
    # public posts cannot quote a private order number
    order[~np.isin(kind, ["dm", "review"])] = ""
    days = np.where(ev.crisis, rng.integers(4, 9, n), rng.integers(3, 15, n))
    tags = [""] * n
    texts: list[str] = []
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        texts += compose(
            rng,
            lang=ev.lang[lo:hi].tolist(),
            category=cat[lo:hi].tolist(),
            platform=plat[lo:hi].tolist(),
            store=store[lo:hi].tolist(),
            region=ev.region[lo:hi].tolist(),
            staff=staff[lo:hi],
            product=product[lo:hi].tolist(),
            product2=product2[lo:hi].tolist(),
            competitor=comp[lo:hi],
            order=order[lo:hi].tolist(),
            days=days[lo:hi].tolist(),
            extra_tags=tags[lo:hi],
        )
    # comments hang under the latest brand post of the same account
    account = np.asarray(
        [
            REGIONS[r].accounts.get(p, REGIONS[r].accounts[next(iter(REGIONS[r].accounts))])
            for r, p in zip(ev.region, plat, strict=True)
        ],
        dtype=object,
    )
    parent = np.full(n, None, dtype=object)
    post_acc = posts["account"].to_numpy()
    post_plat = posts["platform"].to_numpy()
    post_t = (posts["created_at"].dt.epoch("us").to_numpy() - int(start.timestamp() * 1e6)) / 864e8
    post_ext = posts["external_id"].to_numpy()
    for key in set(
        zip(account[kind == "comment"].tolist(), plat[kind == "comment"].tolist(), strict=True)
    ):
        rows = np.flatnonzero((kind == "comment") & (account == key[0]) & (plat == key[1]))
        mine = np.flatnonzero((post_acc == key[0]) & (post_plat == key[1]))
        if len(mine) == 0:
            kind[rows] = "mention"
            continue
        pos = np.searchsorted(post_t[mine], ev.time[rows]) - 1
        ok = pos >= 0
        parent[rows[ok]] = post_ext[mine[pos[ok]]]
        kind[rows[~ok]] = "mention"
    ext = np.asarray(_external_ids(plat, np.arange(n)), dtype=object)
    thread = np.where(kind == "comment", parent, ext)
    public_kind = ~np.isin(kind, ["dm"])
    boost = np.where(ev.crisis, 3.0, 1.0) * np.where(cat == "ugc", 2.0, 1.0)
    likes, shares, replies, views = _engagement(
        rng, followers.astype(np.float64), boost, public_kind
    )
    fmt = np.where(cat == "ugc", "reel", "p")
    declared = [_DECLARED.get(p, {}).get(lg) for p, lg in zip(plat, ev.lang, strict=True)]
    return _frame(
        {
            "platform": plat.tolist(),
            "external_id": ext.tolist(),
            "kind": kind.tolist(),
            "direction": ["inbound"] * n,
            "account": account.tolist(),
            "author_id": author_id.tolist(),
            "author_handle": [
                "@" + h if p in ("x", "instagram", "tiktok") else h
                for h, p in zip(handle, plat, strict=True)
            ],
            "author_name": name.tolist(),
            "author_followers": np.where(
                np.isin(plat, ["email", "web", "review"]), np.nan, followers.astype(np.float64)
            ),
            "thread_id": thread.tolist(),
            "parent_id": parent.tolist(),
            "created_at": to_datetime(start, ev.time),
            "text": texts,
            "url": [
                _url(p, e, h, f) if k != "dm" else None
                for p, e, h, f, k in zip(plat, ext, handle, fmt, kind, strict=True)
            ],
            "rating": _ratings(rng, cat, kind),
            "likes": likes,
            "shares": shares,
            "replies": replies,
            "views": views,
            "language": declared,
        }
    )


def replies_and_followups(
    rng: np.random.Generator,
    ev: Events,
    inbound: pl.DataFrame,
    start: datetime,
    end_day: float,
) -> pl.DataFrame:
    """Brand answers (some late, some never) and customers writing back."""
    has = ~np.isnan(ev.reply_delay)
    t_reply = ev.time + np.nan_to_num(ev.reply_delay) / 24.0
    rows = np.flatnonzero(has & (t_reply < end_day))
    m = len(rows)
    kind_in = inbound["kind"].to_numpy()[rows]
    group = np.asarray(
        [CATEGORIES[INDEX[c]].intent for c in ev.category[rows].tolist()], dtype=object
    )
    group[ev.crisis[rows]] = "crisis"
    group[np.isin(group, ["none"]) & np.isin(ev.category[rows], ["spam"])] = "none"
    names = inbound["author_name"].to_numpy()[rows]
    first = [
        (nm.split(" ")[0] if " " in nm and nm.split(" ")[0] not in ("Kak", "Mas") else nm)
        for nm in names.tolist()
    ]
    agents = np.asarray(["Maya", "Rina", "Daniel", "Budi", "Ayu", "Oliver", "Priya", "Hannah"])
    agent = [
        "" if lg.startswith("zh") else str(agents[int(x * 3) + (0 if r == "ID" else 2)])
        for lg, r, x in zip(ev.lang[rows], ev.region[rows], rng.random(m), strict=True)
    ]
    texts = compose_replies(
        rng,
        lang=ev.lang[rows].tolist(),
        group=group.tolist(),
        name=first,
        store=ev.store[rows].tolist(),
        agent=agent,
    )
    serial = 20_000_000 + np.arange(m)
    plat = ev.platform[rows]
    ext = np.asarray(_external_ids(plat, serial), dtype=object)
    acc = inbound["account"].to_numpy()[rows]
    reply = _frame(
        {
            "platform": plat.tolist(),
            "external_id": ext.tolist(),
            "kind": np.where(kind_in == "dm", "dm", "reply").tolist(),
            "direction": ["outbound"] * m,
            "account": acc.tolist(),
            "author_id": [
                f"brand_{p}_{r.lower()}" for p, r in zip(plat, ev.region[rows], strict=True)
            ],
            "author_handle": acc.tolist(),
            "author_name": [f"Lumora {r}" for r in ev.region[rows].tolist()],
            "author_followers": [None] * m,
            "thread_id": inbound["thread_id"].to_numpy()[rows].tolist(),
            "parent_id": inbound["external_id"].to_numpy()[rows].tolist(),
            "created_at": to_datetime(start, t_reply[rows]),
            "text": texts,
            "url": [None] * m,
            "rating": [None] * m,
            "likes": [None] * m,
            "shares": [None] * m,
            "replies": [None] * m,
            "views": [None] * m,
            "language": [None] * m,
        }
    )
    # some customers write back: thanks when answered fast, anger when it took more than a day
    back = rng.random(m) < np.where(ev.reply_delay[rows] > 24, 0.45, 0.18)
    back &= ~np.isin(ev.category[rows], ["spam", "ugc", "chatter"])
    b = np.flatnonzero(back)
    tb = t_reply[rows][b] + rng.lognormal(-1.5, 1.0, len(b))
    keep = tb < end_day
    b, tb = b[keep], tb[keep]
    angry = (ev.reply_delay[rows][b] > 24) & (rng.random(len(b)) < 0.7) | ev.crisis[rows][b]
    cat = np.where(angry, "followup_angry", "followup_thanks").astype(object)
    src = rows[b]
    k = len(b)
    store = ev.store[src]
    staff = [(_STORE_STAFF[s] or _ONLINE_STAFF)[0] for s in store.tolist()]
    fu_text = compose(
        rng,
        lang=ev.lang[src].tolist(),
        category=cat.tolist(),
        platform=plat[b].tolist(),
        store=store.tolist(),
        region=ev.region[src].tolist(),
        staff=staff,
        product=[0] * k,
        product2=[1] * k,
        competitor=[""] * k,
        order=[""] * k,
        days=[3] * k,
        extra_tags=[""] * k,
    )
    fu_ext = _external_ids(plat[b], 40_000_000 + np.arange(k))
    cols = ("account", "author_id", "author_handle", "author_name", "author_followers", "thread_id")
    base = inbound[src].select(cols)
    follow = base.with_columns(
        pl.Series("platform", plat[b].tolist(), dtype=pl.String),
        pl.Series("external_id", fu_ext, dtype=pl.String),
        pl.Series("kind", np.where(kind_in[b] == "dm", "dm", "reply").tolist(), dtype=pl.String),
        pl.lit("inbound").alias("direction"),
        pl.Series("parent_id", ext[b].tolist(), dtype=pl.String),
        to_datetime(start, tb, "created_at"),
        pl.Series("text", fu_text, dtype=pl.String),
        pl.lit(None, pl.String).alias("url"),
        pl.lit(None, pl.Float64).alias("rating"),
        *(pl.lit(None, pl.Int64).alias(c) for c in ("likes", "shares", "replies", "views")),
        pl.Series("language", inbound["language"].to_numpy()[src].tolist(), dtype=pl.String),
    ).select(reply.columns)
    return pl.concat([reply, follow], how="vertical_relaxed")
