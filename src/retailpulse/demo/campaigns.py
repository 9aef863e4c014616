"""Campaigns: a planted win-back campaign with a randomised control group, and seasonal ones.

The planted campaign targets loyalty members with at least 90 days of tenure at its start;
20% of them are held out as controls. Treated customers buy at a higher rate during the
campaign (``RATE_LIFT``) and their campaign orders carry its 15% discount. The true effect
is measured exactly by re-running the purchase process without the campaign on the same
random numbers (see ``purchases.simulate``). The seasonal campaigns (Singles' Day in mainland
China, Lebaran in Indonesia, a linen launch everywhere) raise their market's purchase rate
while they run and discount its orders, with no control group: their effect shows against
the other markets and the weeks around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from retailpulse.demo.customers import Population
from retailpulse.demo.timeline import to_datetime

CAMPAIGN_ID = "CMP-2026-08-WINBACK"
CONTROL_SHARE = 0.2
RATE_LIFT = 1.6
#: discount the campaign's orders carry
DISCOUNT = 0.15
#: campaign window, in days before the end of the data
WINDOW = (80.0, 50.0)
TARGET = "members_tenure_90d"


@dataclass
class Campaign:
    start: float
    end: float
    target: np.ndarray  # indexes of targeted customers
    treated: np.ndarray  # bool per target row


def plan_campaign(rng: np.random.Generator, pop: Population, end_day: float) -> Campaign:
    start, end = end_day - WINDOW[0], end_day - WINDOW[1]
    target = np.flatnonzero(pop.member & (pop.birth < start - 90))
    treated = rng.random(len(target)) >= CONTROL_SHARE
    return Campaign(start, end, target, treated)


#: Ordinary campaigns (no control group): id, name, goal, channels, start and end (days before
#: the end of the data), target segment, market (None = all), purchase-rate multiplier during
#: the campaign for customers of that market, and the discount their orders then carry.
SEASONAL: tuple[tuple[str, str, str, str, float, float, str, str | None, float, float], ...] = (
    (
        "CMP-2025-11-SINGLES",
        "双十一 Singles' Day",
        "revenue",
        "weibo|wechat",
        360.0,
        349.0,
        "region_CN",
        "CN",
        1.8,
        0.25,
    ),
    (
        "CMP-2026-03-LEBARAN",
        "Lebaran Collection 2026",
        "revenue",
        "instagram|tiktok|facebook",
        240.0,
        215.0,
        "region_ID",
        "ID",
        1.4,
        0.2,
    ),
    (
        "CMP-2026-06-LINEN",
        "Linen Season Launch",
        "awareness",
        "instagram|tiktok|x|facebook",
        150.0,
        120.0,
        "all",
        None,
        1.1,
        0.0,
    ),
)


def seasonal_windows(
    pop: Population, end_day: float
) -> list[tuple[np.ndarray, float, float, float, float]]:
    """(customer rows, start, end, rate multiplier, discount) of each ordinary campaign."""
    out = []
    for _cid, _n, _g, _ch, s, e, _t, market, mult, disc in SEASONAL:
        rows = np.flatnonzero(pop.region == market) if market else np.arange(len(pop.ids))
        out.append((rows, end_day - s, end_day - e, mult, disc))
    return out


def campaigns_frame(c: Campaign, start: datetime, end_day: float) -> pl.DataFrame:
    """The planted campaign and the ordinary ones (no control group) of the same year."""
    rows = [
        (
            CAMPAIGN_ID,
            "Come back to Lumora: members' double points",
            "repeat_purchase",
            "email|wechat|instagram",
            c.start,
            c.end,
            TARGET,
            CONTROL_SHARE,
        ),
    ] + [
        (cid, name, goal, ch, end_day - s, end_day - e, target, 0.0)
        for cid, name, goal, ch, s, e, target, _m, _x, _d in SEASONAL
    ]
    return pl.DataFrame(
        {
            "campaign_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "goal": [r[2] for r in rows],
            "channels": [r[3] for r in rows],
            "start": to_datetime(start, np.array([r[4] for r in rows])),
            "end": to_datetime(start, np.array([r[5] for r in rows])),
            "target_segment": [r[6] for r in rows],
            "control_share": [float(r[7]) for r in rows],
        }
    )


def assignment_frame(c: Campaign, pop: Population) -> pl.DataFrame:
    """Who was targeted and in which group (ground truth; not a canonical record kind)."""
    return pl.DataFrame(
        {
            "campaign_id": [CAMPAIGN_ID] * len(c.target),
            "customer_id": pop.ids[c.target].tolist(),
            "group": np.where(c.treated, "treatment", "control").tolist(),
        }
    )


def window_counts(cust: np.ndarray, times: np.ndarray, n: int, lo: float, hi: float) -> np.ndarray:
    """Purchases per customer in [lo, hi)."""
    sel = (times >= lo) & (times < hi)
    return np.bincount(cust[sel], minlength=n)
