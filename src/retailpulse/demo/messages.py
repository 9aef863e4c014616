"""The messages table: inbound customer messages, brand replies and follow-ups.

Threads hang together: a comment's parent is the brand post it answers; a brand reply's parent
is the message it answers, in the same thread; some customers write back. Complaints in DMs
quote the customer's real order number, so authors can be linked to customers by order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

import numpy as np
import polars as pl

from retailpulse.demo.categories import CATEGORIES, INDEX
from retailpulse.demo.channels import (
    AGENTS,
    DECLARED,
    DM_PLATFORMS,
    ONLINE_STAFF,
    ORDER_CATS,
    PREFIX,
    REGION_STORES,
    STORE_STAFF,
    PublicAuthors,
    engagement,
    external_ids,
    frame,
    url,
)
from retailpulse.demo.customers import Population
from retailpulse.demo.experience import Events
from retailpulse.demo.purchases import Orders
from retailpulse.demo.textgen import compose, compose_replies
from retailpulse.demo.timeline import to_datetime
from retailpulse.demo.world import PRODUCTS, REGIONS

CHUNK = 100_000


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
    quoted = orders.order_id.gather(j[ok]).to_list()
    found = [""] * len(cust)
    for k, oid in zip(np.flatnonzero(ok).tolist(), quoted, strict=True):
        found[k] = oid
    return found


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
    kind[np.isin(plat, DM_PLATFORMS)] = "dm"
    kind[plat == "review"] = "review"
    kind[(plat == "youtube") & (r < 0.85)] = "comment"
    kind[(cat == "ugc") & (plat != "review")] = "post"
    kind[plat == "blog"] = "post"
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
    customer_emails: list[str | None],
) -> pl.DataFrame:
    """One row per planned event, with author, thread, text and engagement.

    Built in chunks of ``CHUNK`` events so the Python objects of one chunk at a time are
    alive, not a million rows' worth (the finished chunks are compact Arrow frames).
    """
    authors = _Authors(
        np.asarray(pop.names, dtype=object),
        np.asarray(customer_emails, dtype=object),
        np.asarray(pub.names, dtype=object),
        np.asarray(pub.handles, dtype=object),
        pub.followers,
    )
    parts = [
        _inbound_chunk(rng, pop, _slice(ev, lo, lo + CHUNK), lo, orders, posts, authors, start)
        for lo in range(0, len(ev), CHUNK)
    ]
    return pl.concat(parts, how="vertical_relaxed")


@dataclass
class _Authors:
    customer_names: np.ndarray
    customer_emails: np.ndarray
    public_names: np.ndarray
    public_handles: np.ndarray
    public_followers: np.ndarray


def _slice(ev: Events, lo: int, hi: int) -> Events:
    return Events(*(getattr(ev, f.name)[lo:hi] for f in fields(ev)))


def _inbound_chunk(
    rng: np.random.Generator,
    pop: Population,
    ev: Events,
    offset: int,
    orders: Orders,
    posts: pl.DataFrame,
    pub: _Authors,
    start: datetime,
) -> pl.DataFrame:
    n = len(ev)
    is_c = ev.cust >= 0
    ci = np.where(is_c, ev.cust, 0)
    pi = np.where(is_c, 0, ev.public)
    plat = ev.platform
    # authors: customers post from their own account where they have one on that platform
    own = is_c & (pop.account_platform[ci] == plat)
    handle = np.where(is_c, pop.account_handle[ci], pub.public_handles[pi])
    handle = np.where(handle == "", pub.public_handles[ci % len(pub.public_handles)], handle)
    author_id = np.where(
        own,
        pop.account_author[ci],
        # other authors get opaque 9-digit ids (a permutation: distinct, not guessable)
        [
            f"{PREFIX[p]}_{(k * 387_420_489 + 777) % 1_000_000_000:09d}"
            for p, k in zip(
                plat.tolist(),
                np.where(is_c, ci, len(pop.ids) + pi).tolist(),
                strict=True,
            )
        ],
    )
    name = np.where(is_c, pub.customer_names[ci], pub.public_names[pi])
    followers = np.where(is_c, pop.followers[ci], pub.public_followers[pi])
    # e-mails come from an address: the customer's own where the CRM has it
    email = plat == "email"
    crm = pub.customer_emails[ci]
    from_crm = email & is_c & (crm != None)  # noqa: E711
    author_id[from_crm] = crm[from_crm]
    other = np.flatnonzero(email & ~from_crm)
    author_id[other] = [f"{handle[i].lower()}@gmail.com" for i in other.tolist()]
    handle = np.where(email, author_id, handle)
    # what the message is about
    store = ev.store.copy()
    cat = ev.category
    physical = np.isin(cat, ["praise_store", "complaint_staff", "praise_staff", "complaint_stock"])
    fix = np.flatnonzero(physical & (store == "ONLINE"))
    store[fix] = [
        REGION_STORES[r][int(u * len(REGION_STORES[r]))]
        for r, u in zip(ev.region[fix], rng.random(len(fix)), strict=True)
    ]
    u = rng.random(n)
    staff = [
        (STORE_STAFF[s] or ONLINE_STAFF)[int(x * len(STORE_STAFF[s] or ONLINE_STAFF))]
        for s, x in zip(store.tolist(), u.tolist(), strict=True)
    ]
    product = rng.integers(0, len(PRODUCTS), n)
    product2 = (product + rng.integers(1, len(PRODUCTS), n)) % len(PRODUCTS)
    comp = [
        REGIONS[r].competitors[int(x * len(REGIONS[r].competitors))]
        for r, x in zip(ev.region.tolist(), rng.random(n).tolist(), strict=True)
    ]
    want_order = is_c & np.isin(cat, ORDER_CATS)
    order = np.asarray(
        _last_orders(orders, np.where(want_order, ev.cust, -1), ev.time, 60.0), dtype=object
    )
    has_order = order != ""
    kind = _kinds(rng, plat, cat, has_order)
    # public posts cannot quote a private order number
    order[~np.isin(kind, ["dm", "review"])] = ""
    days = np.where(ev.crisis, rng.integers(4, 9, n), rng.integers(3, 15, n))
    texts = compose(
        rng,
        lang=ev.lang.tolist(),
        category=cat.tolist(),
        platform=plat.tolist(),
        store=store.tolist(),
        region=ev.region.tolist(),
        staff=staff,
        product=product.tolist(),
        product2=product2.tolist(),
        competitor=comp,
        order=order.tolist(),
        days=days.tolist(),
        extra_tags=[""] * n,
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
    ext = np.asarray(external_ids(plat, offset + np.arange(n)), dtype=object)
    thread = np.where(kind == "comment", parent, ext)
    public_kind = ~np.isin(kind, ["dm"])
    boost = np.where(ev.crisis, 3.0, 1.0) * np.where(cat == "ugc", 2.0, 1.0)
    likes, shares, replies, views = engagement(
        rng, followers.astype(np.float64), boost, public_kind
    )
    fmt = np.where(cat == "ugc", "reel", "p")
    declared = [DECLARED.get(p, {}).get(lg) for p, lg in zip(plat, ev.lang, strict=True)]
    return frame(
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
                url(p, e, h, f) if k != "dm" else None
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
    lang_r = ev.lang[rows].tolist()
    first = [
        nm if lg.startswith("zh") or " " not in nm else nm.split(" ")[0]
        for nm, lg in zip(names.tolist(), lang_r, strict=True)
    ]
    agent = [
        "" if lg.startswith("zh") else AGENTS[r][int(x * len(AGENTS[r]))]
        for lg, r, x in zip(lang_r, ev.region[rows].tolist(), rng.random(m).tolist(), strict=True)
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
    ext = np.asarray(external_ids(plat, serial), dtype=object)
    acc = inbound["account"].to_numpy()[rows]
    reply = frame(
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
    staff = [(STORE_STAFF[s] or ONLINE_STAFF)[0] for s in store.tolist()]
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
    fu_ext = external_ids(plat[b], 40_000_000 + np.arange(k))
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
    both: pl.DataFrame = pl.concat([reply, follow], how="vertical_relaxed")
    return both
