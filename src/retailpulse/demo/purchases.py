"""Purchases: a BG/NBD process with piecewise rate changes, Gamma-Gamma spend, basket lines.

Each customer buys first when joining, then at exponential gaps with rate ``lambda`` and, after
each purchase, drops out with probability ``p`` (BG/NBD). Planted experiences and the campaign
multiply the rate from given times on (``Modifiers``); the exponential's memorylessness makes
the piecewise-rate draw exact. Random numbers are drawn per step for every customer, so two
runs that differ only in their modifiers share their randomness (common random numbers): the
campaign's true effect is the difference between the run with and without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from retailpulse.demo.customers import GAMMA_GAMMA, Population
from retailpulse.demo.timeline import to_datetime
from retailpulse.demo.world import CURRENCY, PRODUCTS, STORES

MAX_STEPS = 400


@dataclass
class Modifiers:
    """Per-customer rate multipliers: ``mult[:, k]`` applies from ``breaks[:, k-1]`` on."""

    breaks: np.ndarray  # (n, K) sorted, np.inf where unused
    mult: np.ndarray  # (n, K + 1)


def build_modifiers(
    n: int,
    events: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    windows: list[tuple[np.ndarray, float, float, float]],
) -> Modifiers:
    """Combine step effects ``(rows, time, multiplier)`` and window effects
    ``(rows, start, end, multiplier)`` into sorted breakpoints with segment multipliers."""
    cols_t: list[np.ndarray] = []
    for rows, t, _m in events:
        col = np.full(n, np.inf)
        col[rows] = t
        cols_t.append(col)
    for rows, s, e, _wm in windows:
        for v in (s, e):
            col = np.full(n, np.inf)
            col[rows] = v
            cols_t.append(col)
    if not cols_t:
        return Modifiers(np.full((n, 0), np.inf), np.ones((n, 1)))
    breaks = np.sort(np.column_stack(cols_t), axis=1)
    k = breaks.shape[1]
    points = np.column_stack([np.full(n, -np.inf), breaks])  # left end of each segment
    mult = np.ones((n, k + 1))
    for rows, t, m in events:
        col = np.full(n, np.inf)
        col[rows] = t
        mm = np.ones(n)
        mm[rows] = m
        mult *= np.where(points >= col[:, None], mm[:, None], 1.0)
    for rows, s, e, wm in windows:
        inside = np.zeros((n, k + 1), dtype=bool)
        inside[rows] = (points[rows] >= s) & (points[rows] < e)
        mult *= np.where(inside, wm, 1.0)
    return Modifiers(breaks, mult)


def _next_time(
    t: np.ndarray, e: np.ndarray, lam: np.ndarray, breaks: np.ndarray, mult: np.ndarray
) -> np.ndarray:
    """Time at which the cumulative hazard from ``t`` reaches ``e`` (piecewise constant rate)."""
    n, k = breaks.shape
    out = np.full(n, np.inf)
    remaining = e.copy()
    done = np.zeros(n, dtype=bool)
    lo_prev = np.full(n, -np.inf)
    for j in range(k + 1):
        hi = breaks[:, j] if j < k else np.full(n, np.inf)
        lo = np.maximum(t, lo_prev)
        rate = lam * mult[:, j]
        with np.errstate(invalid="ignore"):
            length = np.maximum(hi - lo, 0.0)  # empty (nan) past the last break
            hazard = rate * length
        hit = ~done & (remaining <= hazard)
        out[hit] = lo[hit] + remaining[hit] / rate[hit]
        done |= hit
        remaining = np.where(done, remaining, remaining - np.nan_to_num(hazard, posinf=0.0))
        lo_prev = hi
    return out


def simulate(
    birth: np.ndarray,
    lam: np.ndarray,
    p_drop: np.ndarray,
    end_day: float,
    mods: Modifiers,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Purchase times (days) as (customer index, time), sorted by time.

    Each customer buys at ``birth``, then at exponential gaps of rate ``lam`` (times the
    modifiers); after each repeat purchase they drop out with probability ``p_drop``.
    """
    rng = np.random.default_rng(seed)
    n = len(birth)
    t = birth.copy()
    alive = np.ones(n, dtype=bool)
    who: list[np.ndarray] = [np.arange(n)]
    when: list[np.ndarray] = [t.copy()]
    for step in range(MAX_STEPS):
        u = rng.random(n)
        e = rng.exponential(1.0, n)
        if step:  # BG/NBD: a customer may drop out after each repeat purchase, not the first
            alive &= u >= p_drop
        idx = np.flatnonzero(alive)
        if len(idx) == 0:
            break
        nt = _next_time(t[idx], e[idx], lam[idx], mods.breaks[idx], mods.mult[idx])
        ok = nt < end_day
        alive[idx[~ok]] = False
        t[idx[ok]] = nt[ok]
        who.append(idx[ok])
        when.append(nt[ok])
    cust = np.concatenate(who)
    times = np.concatenate(when)
    order = np.lexsort((cust, times))
    return cust[order], times[order]


_PHYSICAL = {s[3]: [x[0] for x in STORES if x[3] == s[3] and x[0] != "ONLINE"] for s in STORES}
_STORE_IDS = [s[0] for s in STORES]
_STORE_SERIES = pl.Series("store_id", _STORE_IDS, dtype=pl.String)
_CHANNEL_SERIES = pl.Series("channel", ["store", "online", "app", "social"], dtype=pl.String)
_SKU_SERIES = pl.Series("sku", [p[0] for p in PRODUCTS], dtype=pl.String)


@dataclass
class Orders:
    """Transactions and their lines as frames, plus per-order arrays other modules use."""

    transactions: pl.DataFrame
    order_lines: pl.DataFrame
    cust: np.ndarray
    time: np.ndarray
    order_id: pl.Series
    total: np.ndarray


def build_orders(
    rng: np.random.Generator,
    pop: Population,
    cust: np.ndarray,
    times: np.ndarray,
    start: datetime,
    promo: np.ndarray,
) -> Orders:
    """Turn purchase times into orders with stores, channels, spend and basket lines.

    ``promo`` is each order's campaign discount rate (0 outside campaigns).
    """
    m = len(cust)
    # stores and channels as small-integer codes; strings only appear in the Arrow columns
    code_of = {name: k for k, name in enumerate(_STORE_IDS)}
    online_code = code_of["ONLINE"]
    home_code = np.fromiter((code_of[h] for h in pop.home_store.tolist()), np.int64)[cust]
    region = pop.region[cust]
    store = home_code.copy()
    r = rng.random(m)
    # a tenth of in-store customers' orders happen online, a tenth at another store nearby
    in_store = home_code != online_code
    store[in_store & (r < 0.1)] = online_code
    other = in_store & (r >= 0.1) & (r < 0.2)
    for reg, shops in _PHYSICAL.items():
        rows = np.flatnonzero(other & (region == reg))
        codes = np.array([code_of[x] for x in shops])
        store[rows] = codes[rng.integers(0, len(codes), len(rows))]
    online = store == online_code
    channel = np.zeros(m, dtype=np.int64)  # 0 = store
    channel[online] = 1 + rng.choice(3, size=int(online.sum()), p=[0.45, 0.45, 0.1])

    # Gamma-Gamma spend target, realised as a basket of catalogue items
    spend = rng.gamma(GAMMA_GAMMA["p"], 1.0 / pop.nu[cust])
    prices = np.array([p[7] for p in PRODUCTS])
    popularity = rng.dirichlet(np.full(len(PRODUCTS), 2.0))
    n_items = np.clip(np.rint(spend / prices.mean()), 1, 6).astype(np.int64)
    n_lines = np.minimum(n_items, 1 + rng.poisson(1.5, m)).clip(1, 4)
    line_order = np.repeat(np.arange(m), n_lines)
    first = np.concatenate([[0], np.cumsum(n_lines)[:-1]])
    sku_i = rng.choice(len(PRODUCTS), size=len(line_order), p=popularity)
    extra = n_items - n_lines
    qty = np.ones(len(line_order))
    qty[first] += extra
    gross = np.bincount(line_order, weights=qty * prices[sku_i], minlength=m)
    disc_rate = np.where(rng.random(m) < 0.12, rng.choice([0.05, 0.1, 0.2], size=m), 0.0)
    disc_rate = np.where(promo > 0, promo, disc_rate)
    discount = np.round(gross * disc_rate, 2)
    total = np.round(gross - discount, 2)

    ids = pl.select(
        pl.concat_str(
            pl.lit("LM"), pl.int_range(1, m + 1, dtype=pl.Int64).cast(pl.String).str.zfill(8)
        ).alias("order_id")
    ).to_series()
    customer_ids = pl.Series("customer_id", pop.ids.tolist(), dtype=pl.String)
    tx = pl.DataFrame(
        [
            ids,
            customer_ids.gather(cust),
            to_datetime(start, times, "created_at"),
            _STORE_SERIES.gather(store).alias("store_id"),
            _CHANNEL_SERIES.gather(channel).alias("channel"),
            pl.Series("total", total),
            pl.Series("discount", discount),
            pl.Series("currency", [CURRENCY], dtype=pl.String).gather(np.zeros(m, np.int64)),
        ]
    )
    # the same sku drawn twice in one order is one line with a larger quantity
    lines = (
        pl.DataFrame(
            [
                ids.gather(line_order),
                _SKU_SERIES.gather(sku_i).alias("sku"),
                pl.Series("quantity", qty),
                pl.Series("unit_price", prices[sku_i]),
            ]
        )
        .group_by(["order_id", "sku"], maintain_order=True)
        .agg(pl.col("quantity").sum(), pl.col("unit_price").first())
    )
    return Orders(tx, lines, cust, times, ids, total)
