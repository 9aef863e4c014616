"""Customers, their social accounts, identity links and consent ledger.

Each customer carries latent traits drawn from the BG/NBD and Gamma-Gamma priors (purchase
rate, drop-out probability, spend scale) used by ``purchases.py``; they are not exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from retailpulse.demo.names import draw_names, make_handles
from retailpulse.demo.timeline import to_datetime
from retailpulse.demo.world import HISTORY_DAYS, REGIONS, STORES

REGION_CODES = ("ID", "CN", "TW", "SG", "GB")
REGION_SHARE = np.array([0.36, 0.2, 0.12, 0.17, 0.15])
ONLINE_SHARE = 0.12
#: BG/NBD priors (rates per day): lambda ~ Gamma(r, 1/alpha), p ~ Beta(a, b)
BGNBD = {"r": 0.9, "alpha": 95.0, "a": 0.8, "b": 5.0}
#: Gamma-Gamma priors: spend per order ~ Gamma(p, nu), nu ~ Gamma(q, 1/gamma)
GAMMA_GAMMA = {"p": 4.0, "q": 3.5, "gamma": 50.0}

#: Short prefix of each platform in generated author and message ids.
PLATFORM_PREFIX = {
    "instagram": "ig",
    "tiktok": "tt",
    "facebook": "fb",
    "x": "x",
    "weibo": "wb",
    "wechat": "wx",
    "review": "rv",
    "email": "em",
    "web": "web",
    "youtube": "yt",
    "blog": "blog",
}


@dataclass
class Population:
    """Customers with latent traits and their social accounts (arrays aligned by customer)."""

    ids: np.ndarray  # str
    region: np.ndarray  # str region code
    lang: np.ndarray  # phrase-bank language: en / id / zh-Hans / zh-Hant
    home_store: np.ndarray  # str
    birth: np.ndarray  # days since history start (float)
    names: list[str]
    lam: np.ndarray  # purchase rate per day
    p_drop: np.ndarray
    nu: np.ndarray  # spend scale (Gamma-Gamma)
    member: np.ndarray  # bool
    # social accounts: one per customer at most; -1 index means none
    account_platform: np.ndarray  # str ("" when none)
    account_author: np.ndarray  # str ("" when none)
    account_handle: np.ndarray  # str
    linked: np.ndarray  # bool: present in the identities table
    followers: np.ndarray  # int


def _choice(rng: np.random.Generator, items: list[str], probs: np.ndarray, n: int) -> np.ndarray:
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=n, p=probs / probs.sum())]


def draw_population(rng: np.random.Generator, n: int) -> Population:
    """Draw ``n`` customers with their traits and social accounts."""
    region = np.asarray(REGION_CODES, dtype=object)[rng.choice(5, size=n, p=REGION_SHARE)]
    lang = np.empty(n, dtype=object)
    home = np.empty(n, dtype=object)
    names: list[str] = [""] * n
    ascii_names: list[str] = [""] * n
    for code in REGION_CODES:
        idx = np.flatnonzero(region == code)
        reg = REGIONS[code]
        langs = [lg for lg, _ in reg.languages]
        lang[idx] = _choice(rng, langs, np.array([s for _, s in reg.languages]), len(idx))
        shops = [s for s in STORES if s[3] == code and s[0] != "ONLINE"]
        home[idx] = _choice(rng, [s[0] for s in shops], np.array([s[4] for s in shops]), len(idx))
        online = rng.random(len(idx)) < ONLINE_SHARE
        home[idx[online]] = "ONLINE"
        nm, asc = draw_names(rng, code, len(idx))
        for j, i in enumerate(idx.tolist()):
            names[i] = nm[j]
            ascii_names[i] = asc[j]
    # joins grow over time: more recent customers than old ones
    birth = (HISTORY_DAYS - 30) * rng.random(n) ** 0.8
    lam = rng.gamma(BGNBD["r"], 1.0 / BGNBD["alpha"], n)
    p_drop = rng.beta(BGNBD["a"], BGNBD["b"], n)
    nu = rng.gamma(GAMMA_GAMMA["q"], 1.0 / GAMMA_GAMMA["gamma"], n)
    member = rng.random(n) < 0.62
    ids = np.asarray([f"C{i:07d}" for i in range(1, n + 1)], dtype=object)

    # social accounts: about half the customers post somewhere, 60% of those are linked
    has_acc = rng.random(n) < 0.5
    plat = np.full(n, "", dtype=object)
    for code in REGION_CODES:
        idx = np.flatnonzero(has_acc & (region == code))
        plats = [
            p for p, _ in REGIONS[code].platforms if p not in ("email", "web", "review", "blog")
        ]
        shares = np.array([s for p, s in REGIONS[code].platforms if p in plats])
        plat[idx] = _choice(rng, plats, shares, len(idx))
    # a permutation of 8-digit numbers: every account id is distinct, none reveals its owner
    serial = 10_000_000 + (np.arange(n, dtype=np.int64) * 40_353_607 + 12_345) % 90_000_000
    author = np.asarray(
        [
            f"{PLATFORM_PREFIX[p]}_{s}" if p else ""
            for p, s in zip(plat.tolist(), serial.tolist(), strict=True)
        ],
        dtype=object,
    )
    handles = np.asarray(make_handles(rng, ascii_names, np.arange(n) % 997), dtype=object)
    handles[~has_acc] = ""
    linked = has_acc & (rng.random(n) < 0.6)
    followers = np.floor(rng.lognormal(5.2, 1.5, n)).astype(np.int64)
    pop = Population(
        ids,
        region,
        lang,
        home,
        birth,
        names,
        lam,
        p_drop,
        nu,
        member,
        plat,
        author,
        handles,
        linked,
        followers,
    )
    pop.ascii_names = ascii_names  # type: ignore[attr-defined]
    return pop


def _phones(rng: np.random.Generator, region: np.ndarray) -> list[str]:
    """Phone numbers in each region's usual format."""
    n = len(region)
    a, b, c = rng.integers(10, 99, n), rng.integers(1000, 9999, n), rng.integers(1000, 9999, n)
    d = rng.integers(100, 999, n)
    out = []
    for r, x, y, z, w in zip(
        region.tolist(), a.tolist(), b.tolist(), c.tolist(), d.tolist(), strict=True
    ):
        pre = REGIONS[r].phone_prefix
        if r == "ID":
            out.append(f"{pre}{x}-{y}-{z}")
        elif r == "CN":
            out.append(f"{pre}{x + 20} {y} {z}")
        elif r == "TW":
            out.append(f"{pre}{x}-{w}-{z % 1000:03d}")
        elif r == "SG":
            out.append(f"{pre}{8000 + y % 2000} {z}")
        else:
            out.append(f"{pre}{w} {y}{x % 10}{z % 10}")
    return out


def customers_frame(
    rng: np.random.Generator, pop: Population, start: datetime, tiers: np.ndarray
) -> pl.DataFrame:
    """The customers table (PII included: the store hashes and masks it)."""
    n = len(pop.ids)
    ascii_names: list[str] = pop.ascii_names  # type: ignore[attr-defined]
    has_email = rng.random(n) < 0.86
    has_phone = rng.random(n) < 0.78
    dom_pick = rng.integers(0, 4, n).tolist()
    emails: list[str | None] = []
    for i, reg in enumerate(pop.region.tolist()):
        doms = REGIONS[reg].email_domains
        emails.append(
            f"{ascii_names[i]}{i % 89}@{doms[dom_pick[i] % len(doms)]}" if has_email[i] else None
        )
    phones = [p if h else None for p, h in zip(_phones(rng, pop.region), has_phone, strict=True)]
    joined = to_datetime(start, pop.birth)
    return pl.DataFrame(
        {
            "customer_id": pop.ids.tolist(),
            "name": pop.names,
            "email": emails,
            "phone": phones,
            "country": [REGIONS[r].country for r in pop.region.tolist()],
            "language": [lg.split("-")[0] for lg in pop.lang.tolist()],
            "joined_at": joined,
            "loyalty_member": pop.member.tolist(),
            "tier": tiers.tolist(),
            "home_store": pop.home_store.tolist(),
        },
        schema={
            "customer_id": pl.String,
            "name": pl.String,
            "email": pl.String,
            "phone": pl.String,
            "country": pl.String,
            "language": pl.String,
            "joined_at": pl.Datetime("us", "UTC"),
            "loyalty_member": pl.Boolean,
            "tier": pl.String,
            "home_store": pl.String,
        },
    )


def tiers_from_spend(pop: Population, spend: np.ndarray) -> np.ndarray:
    """Loyalty tiers by lifetime spend among members (non-members are 'none')."""
    tiers = np.full(len(pop.ids), "none", dtype=object)
    m = pop.member
    if m.any():
        q = np.quantile(spend[m], [0.5, 0.8, 0.95])
        t = np.full(int(m.sum()), "bronze", dtype=object)
        s = spend[m]
        t[s > q[0]] = "silver"
        t[s > q[1]] = "gold"
        t[s > q[2]] = "platinum"
        tiers[m] = t
    return tiers


PURPOSES = ("email", "sms", "social_dm", "personalisation", "profiling")
_GRANT_P = np.array([0.72, 0.4, 0.35, 0.62, 0.48])


def consents_frame(
    rng: np.random.Generator, pop: Population, start: datetime, end_day: float
) -> tuple[pl.DataFrame, np.ndarray]:
    """The consent ledger and the final profiling consent per customer."""
    n = len(pop.ids)
    granted = rng.random((n, 5)) < _GRANT_P
    granted[pop.linked, 2] |= rng.random(int(pop.linked.sum())) < 0.5
    src = np.asarray(("signup_form", "app", "pos"), dtype=object)[rng.integers(0, 3, n)]
    cust = np.repeat(pop.ids, 5)
    purpose = np.tile(np.asarray(PURPOSES, dtype=object), n)
    at = np.repeat(pop.birth, 5)
    rows_g = granted.reshape(-1)
    source = np.repeat(src, 5)
    # later changes: unsubscribes and new grants from the preference centre
    change = rng.random(n * 5) < 0.05
    ci = np.flatnonzero(change)
    later = at[ci] + (end_day - at[ci]) * rng.random(len(ci))
    new_g = ~rows_g[ci]
    new_src = np.where(new_g, "preference_centre", "unsubscribe_link")
    final = granted.copy().reshape(-1)
    final[ci] = new_g
    frame = pl.DataFrame(
        {
            "customer_id": np.concatenate([cust, cust[ci]]).tolist(),
            "purpose": np.concatenate([purpose, purpose[ci]]).tolist(),
            "granted": np.concatenate([rows_g, new_g]).tolist(),
            "at": to_datetime(start, np.concatenate([at, later])),
            "source": np.concatenate([source, new_src]).tolist(),
        },
        schema={
            "customer_id": pl.String,
            "purpose": pl.String,
            "granted": pl.Boolean,
            "at": pl.Datetime("us", "UTC"),
            "source": pl.String,
        },
    ).sort(["customer_id", "at", "purpose"])
    return frame, final.reshape(n, 5)[:, 4]


def identities_frame(
    rng: np.random.Generator,
    pop: Population,
    start: datetime,
    end_day: float,
    profiling: np.ndarray,
) -> pl.DataFrame:
    """Links between social authors and customers, with how each was made."""
    idx = np.flatnonzero(pop.linked)
    method = np.asarray(("login", "order_match", "email_match", "phone_match", "manual"))[
        rng.choice(5, size=len(idx), p=[0.5, 0.2, 0.17, 0.08, 0.05])
    ]
    consent = (method == "login") | profiling[idx]
    linked_day = pop.birth[idx] + (end_day - pop.birth[idx]) * rng.random(len(idx)) ** 2
    return pl.DataFrame(
        {
            "customer_id": pop.ids[idx].tolist(),
            "platform": pop.account_platform[idx].tolist(),
            "author_id": pop.account_author[idx].tolist(),
            "method": method.tolist(),
            "consent": consent.tolist(),
            "linked_at": to_datetime(start, linked_day),
        },
        schema={
            "customer_id": pl.String,
            "platform": pl.String,
            "author_id": pl.String,
            "method": pl.String,
            "consent": pl.Boolean,
            "linked_at": pl.Datetime("us", "UTC"),
        },
    )
