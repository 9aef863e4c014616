"""Per-customer frequency / recency / age summaries of a transaction log, in lifetimes' idiom.

:func:`rfm_summary` reproduces lifetimes' ``summary_data_from_transaction_data`` exactly:
purchases are first mapped to periods (``freq``: hour, day, week starting Monday, month);
purchases in the same period collapse into one (their values summed); then, per customer,

- ``frequency`` = number of distinct purchase periods minus one (the *repeat* purchases),
- ``recency`` = periods between the first and the last purchase,
- ``T`` = periods between the first purchase and ``observation_end``,
- ``monetary_value`` = mean value of the repeat purchase periods (0 with no repeat).

:func:`calibration_holdout` splits the log at ``calibration_end`` like lifetimes'
``calibration_and_holdout_data``: the calibration summary plus, per calibration customer,
the holdout purchase-period count, the mean value of the holdout transactions (raw, not per
period, as in lifetimes) and the holdout duration in periods.

Unlike lifetimes, input that would be silently dropped or distorted is refused with a message
that names the fix: transactions after ``observation_end``, non-positive amounts (returns),
NaN/inf amounts, missing ids or dates, and time strings that mix time zones.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import polars as pl

from retailpulse.errors import InputError, MissingColumnError
from retailpulse.understand.rfm_sorted import aggregate_sorted

Freq = Literal["H", "D", "W", "M"]
FREQS: tuple[str, ...] = ("H", "D", "W", "M")

NonPositive = Literal["raise", "drop", "keep"]


def _check_columns(frame: pl.DataFrame, columns: dict[str, str | None], func: str) -> None:
    for role, name in columns.items():
        if name is not None and name not in frame.columns:
            raise MissingColumnError(
                f"The '{role}' parameter of {func} names the column '{name}', which is not in "
                f"the transactions. Use one of: {', '.join(frame.columns)}.",
                field=name,
            )


def _as_datetime(frame: pl.DataFrame, time_col: str) -> pl.DataFrame:
    """Make ``time_col`` a Datetime column; strings must agree on having a time zone."""
    dtype = frame.schema[time_col]
    if isinstance(dtype, pl.Datetime):
        return frame
    if dtype == pl.Date:
        return frame.with_columns(pl.col(time_col).cast(pl.Datetime("us")))
    if dtype in (pl.Int32, pl.Int64, pl.UInt32, pl.UInt64):
        # CDNOW style YYYYMMDD integers.
        parsed = pl.col(time_col).cast(pl.String).str.strptime(pl.Datetime("us"), "%Y%m%d")
        try:
            return frame.with_columns(parsed)
        except pl.exceptions.PolarsError as exc:
            raise InputError(
                f"The time column '{time_col}' holds integers that are not YYYYMMDD dates. "
                "Give dates as ISO 8601 strings or YYYYMMDD.",
                field=time_col,
            ) from exc
    if dtype != pl.String:
        raise InputError(
            f"The time column '{time_col}' has type {dtype}; it must hold dates or datetimes "
            "(ISO 8601 strings, YYYYMMDD, or a Datetime/Date column).",
            field=time_col,
        )
    col = pl.col(time_col).str.strip_chars()
    has_zone = col.str.contains(r"(Z|[+-]\d\d:?\d\d)$")
    flags = frame.select(has_zone.any().alias("any"), has_zone.all().alias("all")).row(0)
    if flags[0] and not flags[1]:
        raise InputError(
            f"The time column '{time_col}' mixes times with a time zone offset and times "
            "without one, so their order is ambiguous. Give every time an offset (or 'Z'), "
            "or none.",
            field=time_col,
        )
    try:
        if flags[1]:
            parsed = col.str.to_datetime(time_zone="UTC", time_unit="us")
        elif frame.select(col.str.len_chars().max()).item() == 8:
            parsed = col.str.strptime(pl.Datetime("us"), "%Y%m%d")
        else:
            parsed = col.str.to_datetime(time_unit="us")
        return frame.with_columns(parsed.alias(time_col))
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            f"The time column '{time_col}' has values that are not dates: {exc}. "
            "Use ISO 8601 (2024-05-31 or 2024-05-31T10:00:00Z) or YYYYMMDD.",
            field=time_col,
        ) from exc


def _end_value(end: datetime | date | str, dtype: pl.DataType, name: str) -> datetime:
    """``observation_end`` as a datetime comparable with a column of ``dtype``."""
    if isinstance(end, str):
        try:
            end = datetime.fromisoformat(end)
        except ValueError as exc:
            raise InputError(
                f"The '{name}' value '{end}' is not an ISO 8601 date. Use e.g. 2024-05-31.",
                field=name,
            ) from exc
    if not isinstance(end, datetime):
        end = datetime(end.year, end.month, end.day)
    zone = dtype.time_zone if isinstance(dtype, pl.Datetime) else None
    if zone is None and end.tzinfo is not None:
        raise InputError(
            f"The '{name}' value {end.isoformat()} has a time zone but the transaction times "
            "have none. Pass a naive date, or give the transaction times a time zone.",
            field=name,
        )
    if zone is not None and end.tzinfo is None:
        import zoneinfo

        end = end.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return end


def _period_index(col: pl.Expr, freq: str, time_zone: str | None = None) -> pl.Expr:
    """An integer period number: hours, days, Monday-based weeks or months since the epoch,
    counted on the local calendar of ``time_zone`` (integer arithmetic, no truncation)."""
    if freq == "M":
        return (col.dt.year().cast(pl.Int64) * 12 + col.dt.month().cast(pl.Int64)).alias("_p")
    local = col.dt.replace_time_zone(None) if time_zone not in (None, "UTC") else col
    us = local.dt.epoch("us")
    if freq == "H":
        return (us // 3_600_000_000).alias("_p")
    days = us // 86_400_000_000
    if freq == "W":
        # 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
        return ((days + 3) // 7).alias("_p")
    return days.alias("_p")


def _period_of(end: datetime, dtype: pl.DataType, freq: str) -> int:
    zone = dtype.time_zone if isinstance(dtype, pl.Datetime) else None
    value: int = pl.select(_period_index(pl.lit(end, dtype=dtype), freq, zone)).item()
    return value


def _prepare(
    transactions: pl.DataFrame,
    customer_col: str,
    time_col: str,
    value_col: str | None,
    freq: str,
    nonpositive: str,
    func: str,
) -> pl.DataFrame:
    if freq not in FREQS:
        raise InputError(
            f"The 'freq' parameter of {func} must be one of {{{', '.join(FREQS)}}}. "
            f"Got '{freq}' instead.",
            field="freq",
        )
    if nonpositive not in ("raise", "drop", "keep"):
        raise InputError(
            f"The 'nonpositive' parameter of {func} must be one of {{'raise', 'drop', 'keep'}}. "
            f"Got '{nonpositive}' instead.",
            field="nonpositive",
        )
    _check_columns(
        transactions,
        {"customer_col": customer_col, "time_col": time_col, "value_col": value_col},
        func,
    )
    cols = [customer_col, time_col] + ([value_col] if value_col else [])
    frame = transactions.select(cols)
    frame = _as_datetime(frame, time_col)
    nulls = frame.select(pl.col(customer_col, time_col).null_count()).row(0)
    if nulls[0] or nulls[1]:
        which = customer_col if nulls[0] else time_col
        raise InputError(
            f"{max(nulls)} transactions have no '{which}'. Drop or fill them before summarising.",
            field=which,
        )
    if value_col is not None:
        if not frame.schema[value_col].is_numeric():
            raise InputError(
                f"The value column '{value_col}' has type {frame.schema[value_col]}; it must "
                "be numeric.",
                field=value_col,
            )
        v = pl.col(value_col).cast(pl.Float64)
        frame = frame.with_columns(v)
        bad = frame.select((v.is_null() | v.is_nan() | v.is_infinite()).sum()).item()
        if bad:
            raise InputError(
                f"{bad} transactions have a missing, NaN or infinite '{value_col}'. Fix or "
                "drop those rows first.",
                field=value_col,
            )
        nonpos = frame.select((v <= 0).sum()).item()
        if nonpos and nonpositive == "raise":
            raise InputError(
                f"{nonpos} transactions have a zero or negative '{value_col}' (returns or "
                "free orders). Net returns against their orders first, or pass "
                "nonpositive='drop' to leave them out or nonpositive='keep' to count them as "
                "purchases (lifetimes' behaviour).",
                field=value_col,
            )
        if nonpos and nonpositive == "drop":
            frame = frame.filter(v > 0)
    return frame


def _check_after_end(
    frame: pl.DataFrame, time_col: str, end: datetime, end_period: int, name: str
) -> None:
    """Refuse transactions in a period after the one holding ``end`` (lifetimes keeps the
    whole period of ``end``)."""
    late = frame.select((pl.col("_p") > end_period).sum()).item()
    if late:
        last = frame.select(pl.col(time_col).max()).item()
        raise InputError(
            f"{late} transactions are dated after {name} ({end.isoformat()}); the latest is "
            f"{last}. Pass a later {name} or filter those transactions out first.",
            field=name,
        )


def _summarise(
    frame: pl.DataFrame,
    customer_col: str,
    time_col: str,
    value_col: str | None,
    end_period: int,
    freq_multiplier: float,
) -> pl.DataFrame:
    p = pl.col("_p")
    aggs = [
        p.min().alias("_first"),
        p.max().alias("_last"),
        p.n_unique().alias("_n"),
    ]
    if value_col is not None:
        v = pl.col(value_col)
        aggs += [v.sum().alias("_sum"), v.filter(p == p.min()).sum().alias("_first_sum")]
    g = aggregate_sorted(frame, customer_col, value_col)
    if g is None:
        g = frame.group_by(customer_col).agg(aggs)
    freq_col = (pl.col("_n") - 1).cast(pl.Float64)
    out = [
        pl.col(customer_col),
        freq_col.alias("frequency"),
        ((pl.col("_last") - pl.col("_first")) / freq_multiplier).cast(pl.Float64).alias("recency"),
        ((end_period - pl.col("_first")) / freq_multiplier).cast(pl.Float64).alias("T"),
    ]
    if value_col is not None:
        out.append(
            pl.when(freq_col > 0)
            .then((pl.col("_sum") - pl.col("_first_sum")) / freq_col)
            .otherwise(0.0)
            .alias("monetary_value")
        )
    return g.select(out).sort(customer_col)


def rfm_summary(
    transactions: pl.DataFrame,
    customer_col: str,
    time_col: str,
    value_col: str | None = None,
    observation_end: datetime | date | str | None = None,
    freq: Freq = "D",
    *,
    freq_multiplier: float = 1.0,
    nonpositive: NonPositive = "raise",
) -> pl.DataFrame:
    """Summarise a transaction log into one row per customer: frequency, recency, T
    (and monetary_value when ``value_col`` is given), exactly like lifetimes.

    ``observation_end`` defaults to the latest transaction. Transactions after it raise
    :class:`InputError`. Zero/negative amounts raise unless ``nonpositive`` is 'drop' (leave
    them out) or 'keep' (count them as purchases, as lifetimes does). Sorted by customer.
    """
    frame = _prepare(
        transactions, customer_col, time_col, value_col, freq, nonpositive, "rfm_summary"
    )
    if frame.height == 0:
        raise InputError("rfm_summary got no transactions. Pass a non-empty transaction log.")
    dtype = frame.schema[time_col]
    zone = frame.schema[time_col].time_zone  # type: ignore[attr-defined]
    frame = frame.with_columns(_period_index(pl.col(time_col), freq, zone))
    if observation_end is None:
        end_period = frame.select(pl.col("_p").max()).item()
    else:
        end = _end_value(observation_end, dtype, "observation_end")
        end_period = _period_of(end, dtype, freq)
        _check_after_end(frame, time_col, end, end_period, "observation_end")
    return _summarise(frame, customer_col, time_col, value_col, end_period, freq_multiplier)


def calibration_holdout(
    transactions: pl.DataFrame,
    customer_col: str,
    time_col: str,
    calibration_end: datetime | date | str,
    observation_end: datetime | date | str | None = None,
    value_col: str | None = None,
    freq: Freq = "D",
    *,
    freq_multiplier: float = 1.0,
    nonpositive: NonPositive = "raise",
) -> pl.DataFrame:
    """Calibration summary (``frequency_cal``, ``recency_cal``, ``T_cal``,
    ``monetary_value_cal``) and holdout outcome (``frequency_holdout``,
    ``monetary_value_holdout``, ``duration_holdout``) per calibration customer, like lifetimes'
    ``calibration_and_holdout_data``. Customers first seen in the holdout are not included.
    """
    frame = _prepare(
        transactions, customer_col, time_col, value_col, freq, nonpositive, "calibration_holdout"
    )
    dtype = frame.schema[time_col]
    zone = frame.schema[time_col].time_zone  # type: ignore[attr-defined]
    frame = frame.with_columns(_period_index(pl.col(time_col), freq, zone))
    cal_end = _end_value(calibration_end, dtype, "calibration_end")
    cal_period = _period_of(cal_end, dtype, freq)
    if observation_end is None:
        obs_period = frame.select(pl.col("_p").max()).item()
    else:
        obs_end = _end_value(observation_end, dtype, "observation_end")
        obs_period = _period_of(obs_end, dtype, freq)
        late = frame.select((pl.col(time_col) > obs_end).sum()).item()
        if late:
            raise InputError(
                f"{late} transactions are dated after observation_end ({obs_end}). Pass a "
                "later observation_end or filter those transactions out first.",
                field="observation_end",
            )
    if obs_period <= cal_period:
        raise InputError(
            "observation_end must fall in a later period than calibration_end "
            f"({cal_end}). Pass a later observation_end or an earlier calibration_end.",
            field="calibration_end",
        )
    # Split on the timestamp itself, as lifetimes does: a holdout purchase may share the
    # calibration end's period.
    cal = frame.filter(pl.col(time_col) <= cal_end)
    if cal.height == 0:
        raise InputError(
            f"No transactions on or before calibration_end ({cal_end}). Pass a later "
            "calibration_end.",
            field="calibration_end",
        )
    summary = _summarise(cal, customer_col, time_col, value_col, cal_period, freq_multiplier)
    summary = summary.rename({c: f"{c}_cal" for c in summary.columns if c != customer_col})
    hold = frame.filter(pl.col(time_col) > cal_end)
    hold_sum = hold.group_by(customer_col).agg(
        pl.col("_p").n_unique().cast(pl.Float64).alias("frequency_holdout"),
        # lifetimes averages the raw holdout transactions (not the per-period sums).
        *([pl.col(value_col).mean().alias("monetary_value_holdout")] if value_col else []),
    )
    out = summary.join(hold_sum, on=customer_col, how="left").with_columns(
        pl.col("^.*_holdout$").fill_null(0.0),
        pl.lit((obs_period - cal_period) / freq_multiplier, dtype=pl.Float64).alias(
            "duration_holdout"
        ),
    )
    return out.sort(customer_col)
