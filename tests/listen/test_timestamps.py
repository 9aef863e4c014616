from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from retailpulse.listen.timestamps import parse_timestamps

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)).map(
    lambda d: d.replace(microsecond=d.microsecond)
)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60)


@given(moments, offsets, st.sampled_from(["T", " "]), st.booleans())
def test_any_iso_offset_round_trips_to_utc(
    moment: datetime, minutes: int, sep: str, colon: bool
) -> None:
    tz = timezone(timedelta(minutes=minutes))
    aware = moment.replace(tzinfo=tz)
    text = aware.isoformat(sep=sep)
    if not colon:
        text = text[:-3] + text[-2:]
    got = parse_timestamps(pl.Series([text])).item()
    assert got == aware.astimezone(UTC)


def test_forms_and_failures() -> None:
    values = [
        "2024-01-05",
        "2024/01/05 10:00",
        "2024-01-05T10:00:00Z",
        "2024-01-05 10:00 UTC",
        "05/01/2024",
        "yesterday",
        None,
        "2024-02-30",
    ]
    got = parse_timestamps(pl.Series(values)).to_list()
    assert got[0] == datetime(2024, 1, 5, tzinfo=UTC)
    assert got[1] == got[2] == got[3] == datetime(2024, 1, 5, 10, tzinfo=UTC)
    assert got[4:] == [None, None, None, None]


def test_typed_datetimes_pass_through() -> None:
    naive = pl.Series([datetime(2024, 1, 1, 12)])
    assert parse_timestamps(naive).item() == datetime(2024, 1, 1, 12, tzinfo=UTC)
