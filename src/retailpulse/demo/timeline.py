"""Time helpers: days since the history start as floats, turned into UTC datetimes."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

DAY_US = 86_400_000_000
DTYPE = pl.Datetime("us", "UTC")


def to_datetime(start: datetime, days: np.ndarray, name: str = "") -> pl.Series:
    """UTC datetimes ``start + days`` (vectorised; microsecond precision)."""
    base = int(start.timestamp() * 1_000_000)
    us = base + np.floor(np.asarray(days, dtype=np.float64) * DAY_US).astype(np.int64)
    return pl.Series(name, us, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


#: Relative posting activity by local hour (0-23): quiet nights, lunch and evening peaks.
HOUR_WEIGHTS = np.array(
    [2, 1, 1, 0.5, 0.5, 1, 2, 4, 5, 5, 5, 6, 8, 7, 5, 5, 5, 6, 7, 9, 10, 10, 8, 4], dtype=float
)
#: Relative activity by weekday (Monday first): weekends busier.
WEEKDAY_WEIGHTS = np.array([0.92, 0.9, 0.93, 0.95, 1.02, 1.18, 1.1])


def local_times(
    rng: np.random.Generator,
    lo: np.ndarray,
    hi: np.ndarray,
    utc_offset_hours: np.ndarray,
    start_weekday: int,
) -> np.ndarray:
    """Draw one time per row in [lo, hi) (days) with weekday and local-hour patterns."""
    n = len(lo)
    span = np.maximum(hi - lo, 1e-3)
    # weekday pattern by rejection (two rounds keep it cheap and nearly exact)
    day = np.floor(lo + span * rng.random(n))
    for _ in range(2):
        wd = (day.astype(np.int64) + start_weekday) % 7
        redo = rng.random(n) > WEEKDAY_WEIGHTS[wd] / WEEKDAY_WEIGHTS.max()
        day[redo] = np.floor(lo[redo] + span[redo] * rng.random(int(redo.sum())))
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    t = day + (hour + rng.random(n) - utc_offset_hours) / 24.0
    out: np.ndarray = np.clip(t, lo, np.maximum(hi - 1e-6, lo))
    return out
