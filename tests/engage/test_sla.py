from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from retailpulse.engage.sla import SlaPolicy, met_target
from retailpulse.errors import InputError


def test_targets_by_channel_and_level() -> None:
    p = SlaPolicy(base_hours=4)
    assert p.target_hours("instagram", "normal") == 4
    assert p.target_hours("instagram", "high") == 2
    assert p.target_hours("review", "low") == 48
    assert p.level(75) == "high" and p.level(40) == "normal" and p.level(5) == "low"
    t0 = datetime(2026, 1, 1)
    assert p.due_at(t0, "x", "normal") == t0 + timedelta(hours=4)


def test_met_target() -> None:
    t0 = datetime(2026, 1, 1)
    assert met_target(t0, t0 + timedelta(hours=1), 4, t0 + timedelta(hours=9)) is True
    assert met_target(t0, t0 + timedelta(hours=5), 4, t0 + timedelta(hours=9)) is False
    assert met_target(t0, None, 4, t0 + timedelta(hours=1)) is None
    assert met_target(t0, None, 4, t0 + timedelta(hours=5)) is False


def test_bad_policies_name_the_fix() -> None:
    with pytest.raises(InputError, match="'base_hours' parameter of SlaPolicy"):
        SlaPolicy(base_hours=0)
    with pytest.raises(InputError, match="must be positive"):
        SlaPolicy(channel_factors={"x": -1})
    with pytest.raises(InputError, match="must cover"):
        SlaPolicy(level_factors={"high": 1})
    with pytest.raises(InputError, match="'level' parameter"):
        SlaPolicy().target_hours("x", "urgent")
