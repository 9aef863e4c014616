"""Survey answers after purchases: NPS and CSAT follow what the customer went through.

A respondent's scores rise and fall with the planted effects of their experiences up to the
survey (the same log multipliers that change their buying), plus noise: promoters are the
customers who keep buying, detractors the ones who drift away.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from retailpulse.demo.customers import Population
from retailpulse.demo.purchases import Orders
from retailpulse.demo.textgen import compose_survey
from retailpulse.demo.timeline import to_datetime


def surveys_frame(
    rng: np.random.Generator,
    pop: Population,
    orders: Orders,
    store: np.ndarray,
    effects: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    start: datetime,
    end_day: float,
    share: float = 0.12,
) -> pl.DataFrame:
    """One row per answered post-purchase survey (about ``share`` of recent orders)."""
    recent = np.flatnonzero(orders.time > end_day - 400)
    pick = recent[rng.random(len(recent)) < share]
    t = orders.time[pick] + rng.uniform(0.5, 4.0, len(pick))
    keep = t < end_day
    pick, t = pick[keep], t[keep]
    cust = orders.cust[pick]
    logm = np.zeros(len(pick))
    n = len(pop.ids)
    for rows, when, mult in effects:
        tt = np.full(n, np.inf)
        mm = np.ones(n)
        tt[rows] = when
        mm[rows] = mult
        logm += np.where(tt[cust] <= t, np.log(mm[cust]), 0.0)
    nps = np.clip(np.rint(7.3 + 2.4 * logm + rng.normal(0, 1.7, len(pick))), 0, 10).astype(int)
    csat = np.clip(np.rint(3.9 + 1.2 * logm + rng.normal(0, 0.7, len(pick))), 1, 5).astype(int)
    tone = np.where(nps <= 6, "neg", np.where(nps <= 8, "neu", "pos"))
    lang = pop.lang[cust].tolist()
    text = compose_survey(rng, lang, tone.tolist())
    has_text = rng.random(len(pick)) < 0.6
    channel = np.asarray(("email", "sms", "app", "in_store"), dtype=object)[
        rng.choice(4, size=len(pick), p=[0.45, 0.15, 0.25, 0.15])
    ]
    # a third of in-store kiosk answers are anonymous
    anonymous = (channel == "in_store") & (rng.random(len(pick)) < 0.33)
    order = np.argsort(t, kind="stable")
    return pl.DataFrame(
        {
            "response_id": [f"R{i:08d}" for i in range(1, len(pick) + 1)],
            "customer_id": np.where(anonymous, None, pop.ids[cust])[order].tolist(),
            "created_at": to_datetime(start, t[order]),
            "nps": nps[order],
            "csat": csat[order],
            "text": [text[i] if has_text[i] and text[i] else None for i in order.tolist()],
            "channel": channel[order].tolist(),
            "store_id": store[pick][order].tolist(),
        },
        schema_overrides={"nps": pl.Int64, "csat": pl.Int64},
    )
