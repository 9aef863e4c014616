"""Plan who writes what, where and when: ordinary traffic, the planted crisis, brand answers.

The plan comes before purchases because what a customer experiences (and says) changes how
they buy afterwards (``categories.EFFECTS``); the texts are written after purchases so that
complaints can quote the customer's real order number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retailpulse.demo.categories import CATEGORIES, EFFECTS, INDEX, effect_of
from retailpulse.demo.customers import REGION_CODES, Population
from retailpulse.demo.timeline import local_times
from retailpulse.demo.world import REGIONS, STORES

#: How many of an author's aspect messages change their buying (the first ones in time).
MAX_EFFECT_EVENTS = 3
CRISIS_STORE = "SBY-TP"
CRISIS_DAYS = 4
_ORDINARY = [c for c in CATEGORIES if c.weight > 0]
_ORD_KEYS = np.asarray([c.key for c in _ORDINARY], dtype=object)
_ORD_P = np.array([c.weight for c in _ORDINARY])
_ORD_P = _ORD_P / _ORD_P.sum()
_REPLY_P = np.array([c.reply for c in CATEGORIES])
_OFFSET = {code: REGIONS[code].utc_offset for code in REGION_CODES}
_PHYSICAL = {
    code: (
        [s[0] for s in STORES if s[3] == code and s[0] != "ONLINE"],
        np.array([s[4] for s in STORES if s[3] == code and s[0] != "ONLINE"]),
    )
    for code in REGION_CODES
}


@dataclass
class Events:
    """Inbound messages to write, one row each (arrays aligned)."""

    cust: np.ndarray  # customer index, -1 for the public
    public: np.ndarray  # public author index, -1 for customers
    region: np.ndarray
    lang: np.ndarray
    platform: np.ndarray
    category: np.ndarray
    time: np.ndarray  # days since history start
    store: np.ndarray
    crisis: np.ndarray  # bool
    reply_delay: np.ndarray  # hours until the brand answers; nan = never
    effect: np.ndarray  # purchase-rate multiplier this message plants (1 = none)

    def __len__(self) -> int:
        return len(self.time)


def _platforms(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    out = np.empty(len(region), dtype=object)
    for code in REGION_CODES:
        idx = np.flatnonzero(region == code)
        plats = REGIONS[code].platforms
        p = np.array([s for _, s in plats])
        out[idx] = np.asarray([x for x, _ in plats], dtype=object)[
            rng.choice(len(plats), size=len(idx), p=p / p.sum())
        ]
    return out


def _stores(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    out = np.empty(len(region), dtype=object)
    for code in REGION_CODES:
        idx = np.flatnonzero(region == code)
        ids, w = _PHYSICAL[code]
        out[idx] = np.asarray(ids, dtype=object)[rng.choice(len(ids), size=len(idx), p=w / w.sum())]
    online = rng.random(len(region)) < 0.15
    out[online] = "ONLINE"
    return out


def _langs(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    out = np.empty(len(region), dtype=object)
    for code in REGION_CODES:
        idx = np.flatnonzero(region == code)
        langs = REGIONS[code].languages
        p = np.array([s for _, s in langs])
        out[idx] = np.asarray([x for x, _ in langs], dtype=object)[
            rng.choice(len(langs), size=len(idx), p=p / p.sum())
        ]
    return out


def _fix_platform(
    rng: np.random.Generator, ev_cat: np.ndarray, plat: np.ndarray, region: np.ndarray
) -> None:
    """Reviews and e-mails carry only some kinds of message; move the rest to social."""
    social_only = np.isin(
        ev_cat,
        [
            "question",
            "request_new",
            "chatter",
            "spam",
            "ugc",
            "purchase_intent",
            "competitor_loyal",
            "request_restock",
        ],
    )
    bad = (
        social_only & np.isin(plat, ["review", "blog"])
        | (ev_cat == "ugc") & np.isin(plat, ["email", "web", "wechat"])
        | (ev_cat == "spam") & np.isin(plat, ["email", "web"])
    )
    for i in np.flatnonzero(bad).tolist():
        reg = REGIONS[region[i]]
        options = [p for p, _ in reg.platforms if p not in ("review", "email", "web", "wechat")]
        plat[i] = options[int(rng.integers(0, len(options)))]


def plan_events(
    rng: np.random.Generator,
    pop: Population,
    n_inbound: int,
    msg_start: float,
    end_day: float,
    crisis_start: float,
    public_region: np.ndarray,
    start_weekday: int,
) -> Events:
    """Plan ``n_inbound`` inbound messages: customers', the public's and the crisis."""
    n_crisis = max(120, int(0.012 * n_inbound))
    n_cust = int(0.32 * n_inbound)
    n_pub = n_inbound - n_crisis - n_cust

    # -- customers with a social account, some far more active than others
    acc = np.flatnonzero(pop.account_platform != "")
    activity = rng.lognormal(0.0, 0.9, len(acc))
    ci = acc[rng.choice(len(acc), size=n_cust, p=activity / activity.sum())]
    c_region = pop.region[ci]
    lo = np.maximum(pop.birth[ci], msg_start)
    c_time = local_times(
        rng, lo, np.full(n_cust, end_day), np.array([_OFFSET[r] for r in c_region]), start_weekday
    )
    c_plat = np.where(rng.random(n_cust) < 0.7, pop.account_platform[ci], _platforms(rng, c_region))
    c_store = np.where(rng.random(n_cust) < 0.8, pop.home_store[ci], _stores(rng, c_region))
    c_cat = _ORD_KEYS[rng.choice(len(_ORD_KEYS), size=n_cust, p=_ORD_P)]
    c_cat[c_cat == "spam"] = "chatter"

    # -- the public: a pool of authors per region, a few very active
    n_public_authors = len(public_region)
    pool_w = rng.pareto(1.6, n_public_authors) + 1.0
    p_author = rng.choice(n_public_authors, size=n_pub, p=pool_w / pool_w.sum())
    p_region = public_region[p_author]
    p_time = local_times(
        rng,
        np.full(n_pub, msg_start),
        np.full(n_pub, end_day),
        np.array([_OFFSET[r] for r in p_region]),
        start_weekday,
    )
    p_cat = _ORD_KEYS[rng.choice(len(_ORD_KEYS), size=n_pub, p=_ORD_P)]

    # -- the crisis: delivery failures around one store over a few days, ramping up and down
    sby_cust = np.flatnonzero(
        (pop.account_platform != "")
        & (pop.region == "ID")
        & np.isin(pop.home_store, [CRISIS_STORE, "ONLINE"])
    )
    from_cust = rng.random(n_crisis) < 0.45
    k_cust = int(from_cust.sum())
    cc = sby_cust[rng.integers(0, len(sby_cust), k_cust)]
    shape = np.array([0.15, 0.35, 0.3, 0.2])[:CRISIS_DAYS]
    day = rng.choice(CRISIS_DAYS, size=n_crisis, p=shape / shape.sum())
    k_time = local_times(
        rng,
        crisis_start + day,
        crisis_start + day + 1,
        np.full(n_crisis, _OFFSET["ID"]),
        start_weekday,
    )

    cust = np.concatenate([ci, np.full(n_pub, -1), np.where(from_cust, 0, -1)])
    cust[n_cust + n_pub :][from_cust] = cc
    public = np.concatenate([np.full(n_cust, -1), p_author, np.full(n_crisis, -1)])
    id_public = np.flatnonzero(public_region == "ID")
    public[n_cust + n_pub :][~from_cust] = id_public[
        rng.integers(0, len(id_public), n_crisis - k_cust)
    ]
    region = np.concatenate([c_region, p_region, np.full(n_crisis, "ID", dtype=object)])
    lang = np.concatenate([pop.lang[ci], _langs(rng, p_region), _langs(rng, region[-n_crisis:])])
    plat = np.concatenate([c_plat, _platforms(rng, p_region), _platforms(rng, region[-n_crisis:])])
    category = np.concatenate([c_cat, p_cat, np.full(n_crisis, "crisis_delivery", dtype=object)])
    time = np.concatenate([c_time, p_time, k_time])
    store = np.concatenate(
        [c_store, _stores(rng, p_region), np.full(n_crisis, CRISIS_STORE, dtype=object)]
    )
    crisis = np.concatenate([np.zeros(n_cust + n_pub, dtype=bool), np.ones(n_crisis, dtype=bool)])
    _fix_platform(rng, category, plat, region)

    # -- brand answers: most within hours, e-mail slower, the crisis swamps the team
    cat_i = np.array([INDEX[c] for c in category.tolist()])
    answered = rng.random(len(time)) < _REPLY_P[cat_i]
    median_h = np.where(np.isin(plat, ["email", "web"]), 9.0, 2.5)
    in_crisis_window = (time >= crisis_start) & (time < crisis_start + CRISIS_DAYS + 2)
    answered &= ~(crisis & (rng.random(len(time)) < 0.35))
    median_h = np.where(crisis | in_crisis_window & (region == "ID"), 30.0, median_h)
    delay = np.where(answered, median_h * rng.lognormal(0.0, 1.0, len(time)), np.nan)

    # -- planted effects on the author's later buying
    effect = np.array([effect_of(c) for c in category.tolist()])
    slow = ~(delay <= 24.0)
    complaint = np.array([CATEGORIES[i].intent == "complaint" for i in cat_i.tolist()])
    effect = np.where(complaint & slow, effect * EFFECTS["response_time:slow"], effect)
    effect[cust < 0] = 1.0

    order = np.argsort(time, kind="stable")
    return Events(
        cust[order],
        public[order],
        region[order],
        lang[order],
        plat[order],
        category[order],
        time[order],
        store[order],
        crisis[order],
        delay[order],
        effect[order],
    )


def effect_events(ev: Events) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each customer's first ``MAX_EFFECT_EVENTS`` effective messages as (rows, time, mult)."""
    mask = (ev.cust >= 0) & (ev.effect != 1.0)
    idx = np.flatnonzero(mask)
    c = ev.cust[idx]
    order = np.lexsort((ev.time[idx], c))
    idx, c = idx[order], c[order]
    first = np.r_[True, c[1:] != c[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(c)), 0))
    rank = np.arange(len(c)) - start
    out = []
    for r in range(MAX_EFFECT_EVENTS):
        sel = idx[rank == r]
        out.append((ev.cust[sel], ev.time[sel], ev.effect[sel]))
    return out
