"""Generate the demo retailer: every canonical kind as a Polars frame, plus what was planted.

``generate(size, seed)`` is deterministic: the same arguments give the same frames (and the
same CSV bytes from ``export``). Each part draws from its own child of the seed, so the
parts do not shift each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from retailpulse.demo import campaigns as camp
from retailpulse.demo.categories import CATEGORIES, DRIVER_RANKING, EFFECTS, INDEX
from retailpulse.demo.channels import brand_posts, public_authors
from retailpulse.demo.customers import (
    BGNBD,
    GAMMA_GAMMA,
    consents_frame,
    customers_frame,
    draw_population,
    identities_frame,
    tiers_from_spend,
)
from retailpulse.demo.experience import (
    CRISIS_DAYS,
    CRISIS_STORE,
    MAX_EFFECT_EVENTS,
    effect_events,
    plan_events,
)
from retailpulse.demo.messages import inbound_messages, replies_and_followups
from retailpulse.demo.purchases import build_modifiers, build_orders, simulate
from retailpulse.demo.surveys import surveys_frame
from retailpulse.demo.timeline import DTYPE
from retailpulse.demo.world import (
    DEFAULT_END,
    HISTORY_DAYS,
    MESSAGE_DAYS,
    products_frame,
    staff_frame,
    stores_frame,
)
from retailpulse.errors import InputError
from retailpulse.schema import KINDS

#: size -> (customers, inbound messages)
SIZES: dict[str, tuple[int, int]] = {
    "small": (20_000, 29_000),
    "medium": (60_000, 150_000),
    "large": (120_000, 640_000),
}
#: The crisis starts this many days before the end of the data.
CRISIS_BEFORE_END = 38


class DemoData(Mapping[str, pl.DataFrame]):
    """Frames by kind (canonical columns, in schema order) and the planted ground truth."""

    def __init__(self, frames: dict[str, pl.DataFrame], truth: dict[str, Any]) -> None:
        self._frames = frames
        self.truth = truth

    def __getitem__(self, kind: str) -> pl.DataFrame:
        return self._frames[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v.height}" for k, v in self._frames.items())
        return f"DemoData({counts})"


def _check(size: str, seed: int, end: datetime | None) -> None:
    if size not in SIZES:
        raise InputError(
            f"The 'size' parameter of generate must be one of {set(SIZES)}. Got {size!r} instead.",
            field="size",
        )
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InputError(
            f"The 'seed' parameter of generate must be a non-negative int. Got {seed!r} instead.",
            field="seed",
        )
    if end is not None and end.tzinfo is None:
        raise InputError(
            "The 'end' parameter of generate must be a timezone-aware datetime "
            f"(e.g. datetime(2026, 11, 1, tzinfo=UTC)). Got {end!r} instead.",
            field="end",
        )


def _canonical(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Columns exactly as in the schema, with the schema's types."""
    casts: dict[str, Any] = {
        "str": pl.String,
        "text": pl.String,
        "int": pl.Int64,
        "float": pl.Float64,
        "bool": pl.Boolean,
        "datetime": DTYPE,
        "json": pl.String,
    }
    return frame.select([pl.col(f.name).cast(casts[f.type]) for f in KINDS[kind].fields])


def generate(size: str = "small", seed: int = 7, *, end: datetime | None = None) -> DemoData:
    """Generate the demo retailer.

    ``size`` is 'small' (~20k customers, ~50k messages), 'medium' (~60k, ~250k) or 'large'
    (~120k customers, over 1M messages). ``end`` moves the whole calendar so the data ends
    at a given moment (default 2026-11-01 UTC); the data then covers ``HISTORY_DAYS`` days
    of purchases and ``MESSAGE_DAYS`` days of messages before it.
    """
    _check(size, seed, end)
    end_at = end or DEFAULT_END
    start = end_at - timedelta(days=HISTORY_DAYS)
    end_day = float(HISTORY_DAYS)
    msg_start = end_day - MESSAGE_DAYS
    start_weekday = start.weekday()
    n_cust, n_in = SIZES[size]
    seeds = np.random.SeedSequence(seed).spawn(12)
    rngs = [np.random.default_rng(s) for s in seeds]

    pop = draw_population(rngs[0], n_cust)
    crisis_start = float(np.floor(end_day - CRISIS_BEFORE_END))
    pub = public_authors(rngs[9], max(2_000, n_in // 5))
    events = plan_events(
        rngs[1], pop, n_in, msg_start, end_day, crisis_start, pub.region, start_weekday
    )
    campaign = camp.plan_campaign(rngs[2], pop, end_day)
    effects = effect_events(events)
    treated_rows = campaign.target[campaign.treated]
    seasonal = camp.seasonal_windows(pop, end_day)
    season = [(rows, s, e, m) for rows, s, e, m, _d in seasonal]
    window = [(treated_rows, campaign.start, campaign.end, camp.RATE_LIFT)]
    sim_seed = int(seeds[3].generate_state(1)[0])
    mods = build_modifiers(n_cust, effects, season + window)
    cust, times = simulate(pop.birth, pop.lam, pop.p_drop, end_day, mods, sim_seed)
    mods0 = build_modifiers(n_cust, effects, season)
    cust0, times0 = simulate(pop.birth, pop.lam, pop.p_drop, end_day, mods0, sim_seed)
    del mods, mods0

    promo = np.zeros(len(cust))
    for rows, s, e, _m, disc in seasonal:
        member = np.zeros(n_cust, dtype=bool)
        member[rows] = True
        promo[member[cust] & (times >= s) & (times < e)] = disc
    is_treated = np.zeros(n_cust, dtype=bool)
    is_treated[treated_rows] = True
    promo[is_treated[cust] & (times >= campaign.start) & (times < campaign.end)] = camp.DISCOUNT
    orders = build_orders(rngs[4], pop, cust, times, start, promo)
    spend = np.bincount(orders.cust, weights=orders.total, minlength=n_cust)
    tiers = tiers_from_spend(pop, spend)
    customers = customers_frame(rngs[5], pop, start, tiers)
    consents, profiling = consents_frame(rngs[6], pop, start, end_day)
    identities = identities_frame(rngs[7], pop, start, end_day, profiling)

    n_posts = max(150, n_in // 90)
    posts = brand_posts(rngs[8], n_posts, start, msg_start, end_day, start_weekday)
    inbound = inbound_messages(
        rngs[10], pop, events, orders, posts, pub, start, customers["email"].to_list()
    )
    answers = replies_and_followups(rngs[10], events, inbound, start, end_day)
    messages = pl.concat([posts, inbound, answers], how="vertical_relaxed").sort(
        ["created_at", "platform", "external_id"]
    )
    store_arr = orders.transactions["store_id"].to_numpy()
    surveys = surveys_frame(rngs[11], pop, orders, store_arr, effects, start, end_day)

    frames = {
        "stores": stores_frame(),
        "staff": staff_frame(),
        "products": products_frame(),
        "customers": customers,
        "consents": consents,
        "identities": identities,
        "transactions": orders.transactions,
        "order_lines": orders.order_lines,
        "surveys": surveys,
        "campaigns": camp.campaigns_frame(campaign, start, end_day),
        "messages": messages,
    }
    frames = {k: _canonical(k, v) for k, v in frames.items()}
    truth = _truth(
        pop, events, campaign, cust, times, cust0, times0, start, end_day, crisis_start, inbound
    )
    return DemoData(frames, truth)


def _truth(
    pop: Any,
    events: Any,
    campaign: camp.Campaign,
    cust: np.ndarray,
    times: np.ndarray,
    cust0: np.ndarray,
    times0: np.ndarray,
    start: datetime,
    end_day: float,
    crisis_start: float,
    inbound: pl.DataFrame,
) -> dict[str, Any]:
    n = len(pop.ids)
    y1 = camp.window_counts(cust, times, n, campaign.start, campaign.end)
    y0 = camp.window_counts(cust0, times0, n, campaign.start, campaign.end)
    tr = campaign.target[campaign.treated]
    ct = campaign.target[~campaign.treated]
    att = float((y1[tr] - y0[tr]).mean()) if len(tr) else 0.0
    base = float(y0[tr].mean()) if len(tr) else 0.0
    crisis_rows = inbound.filter(pl.Series(events.crisis))
    day = timedelta(days=1)
    return {
        "calendar": {
            "start": start,
            "end": start + end_day * day,
            "messages_from": start + (end_day - MESSAGE_DAYS) * day,
        },
        "crisis": {
            "store_id": CRISIS_STORE,
            "aspect": "delivery",
            "topic": "warehouse delivery failure (late, missing and cancelled orders)",
            "language": "id",
            "start": start + crisis_start * day,
            "end": start + (crisis_start + CRISIS_DAYS) * day,
            "messages": int(events.crisis.sum()),
            "message_ids": crisis_rows["external_id"].to_list(),
        },
        "drivers": {
            "driver_aspect": "delivery",
            "ranking": list(DRIVER_RANKING),
            "multipliers": dict(EFFECTS),
            "note": "purchase-rate multiplier applied from the message's time on, for each "
            "customer's first three messages that plant an effect",
            "experiences": _experiences(pop, events, inbound),
        },
        "campaign": {
            "campaign_id": camp.CAMPAIGN_ID,
            "start": start + campaign.start * day,
            "end": start + campaign.end * day,
            "rate_multiplier": camp.RATE_LIFT,
            "treated": len(tr),
            "control": len(ct),
            "true_lift_purchases_per_customer": att,
            "true_relative_lift": att / base if base else 0.0,
            "treated_mean_purchases": float(y1[tr].mean()) if len(tr) else 0.0,
            "control_mean_purchases": float(y1[ct].mean()) if len(ct) else 0.0,
            "assignment": camp.assignment_frame(campaign, pop),
        },
        "seasonal_campaigns": {
            cid: {
                "market": market or "all",
                "start": start + (end_day - s) * day,
                "end": start + (end_day - e) * day,
                "rate_multiplier": mult,
                "discount": disc,
            }
            for cid, _n, _g, _c, s, e, _t, market, mult, disc in camp.SEASONAL
        },
        "processes": {"bgnbd": dict(BGNBD), "gamma_gamma": dict(GAMMA_GAMMA)},
    }


def _experiences(pop: Any, events: Any, inbound: pl.DataFrame) -> pl.DataFrame:
    """Every customer message that planted an effect on its author's buying."""
    rows = np.flatnonzero((events.cust >= 0) & (events.effect != 1.0))
    cats = events.category[rows]
    first: dict[int, int] = {}
    counted = []
    for c in events.cust[rows].tolist():  # rows are in time order
        first[c] = first.get(c, 0) + 1
        counted.append(first[c] <= MAX_EFFECT_EVENTS)
    return pl.DataFrame(
        {
            "customer_id": pop.ids[events.cust[rows]].tolist(),
            "platform": events.platform[rows].tolist(),
            "external_id": inbound["external_id"].to_numpy()[rows].tolist(),
            "category": cats.tolist(),
            "aspect": [CATEGORIES[INDEX[c]].aspect for c in cats.tolist()],
            "multiplier": events.effect[rows],
            "counted": counted,
        }
    )


def ground_truth(data: DemoData, *, as_json: bool = False) -> dict[str, Any]:
    """What was planted in a generated demo (crisis, drivers, campaign lift).

    With ``as_json``, a copy made of plain JSON types: datetimes as ISO 8601 strings ('Z'),
    frames (the campaign assignment, the planting messages) as lists of row dicts, so it can be
    stored with a run (``Workspace.save_result``) or written to a file.
    """
    if not as_json:
        return data.truth
    converted: dict[str, Any] = _jsonable(data.truth)
    return converted


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, pl.DataFrame):
        return [_jsonable(row) for row in value.to_dicts()]
    if isinstance(value, np.generic):
        return value.item()
    return value
