"""Service-level policy: how soon a conversation must get its first answer.

The target depends on the channel (a DM or a public complaint is answered faster than a
review or an e-mail) and on the conversation's priority level. Targets are hours; ``due_at``
is the conversation's opening time plus its target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from retailpulse.errors import InputError

LEVELS = ("high", "normal", "low")

#: Channel multipliers of the base target: slower channels get more time.
DEFAULT_CHANNEL_FACTORS: dict[str, float] = {
    "review": 6.0,
    "email": 6.0,
    "survey": 6.0,
    "blog": 6.0,
    "web": 2.0,
}
DEFAULT_LEVEL_FACTORS: dict[str, float] = {"high": 0.5, "normal": 1.0, "low": 2.0}


@dataclass(frozen=True)
class SlaPolicy:
    """First-response targets per channel and priority level.

    ``base_hours`` is the target of a normal-priority conversation on a fast channel (a DM or a
    public comment); ``channel_factors`` and ``level_factors`` scale it.
    """

    base_hours: float = 4.0
    channel_factors: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CHANNEL_FACTORS)
    )
    level_factors: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_LEVEL_FACTORS))
    high_threshold: float = 60.0
    low_threshold: float = 30.0

    def __post_init__(self) -> None:
        if not self.base_hours > 0:
            raise InputError(
                f"The 'base_hours' parameter of SlaPolicy must be a positive number of hours. "
                f"Got {self.base_hours!r} instead.",
                field="base_hours",
            )
        for name, factor in {**self.channel_factors, **self.level_factors}.items():
            if not factor > 0:
                raise InputError(
                    f"Every SLA factor must be positive. Got {factor!r} for '{name}' instead.",
                    field=name,
                )
        missing = set(LEVELS) - set(self.level_factors)
        if missing:
            raise InputError(
                f"The 'level_factors' of SlaPolicy must cover {set(LEVELS)}. "
                f"Missing {sorted(missing)}.",
                field="level_factors",
            )

    def level(self, static_score: float) -> str:
        """The priority level of a conversation from its score without the SLA component."""
        if static_score >= self.high_threshold:
            return "high"
        if static_score >= self.low_threshold:
            return "normal"
        return "low"

    def target_hours(self, platform: str, level: str) -> float:
        """Hours allowed for the first response."""
        if level not in LEVELS:
            raise InputError(
                f"The 'level' parameter of SlaPolicy.target_hours must be one of {set(LEVELS)}. "
                f"Got {level!r} instead.",
                field="level",
            )
        return (
            self.base_hours
            * float(self.channel_factors.get(platform, 1.0))
            * float(self.level_factors[level])
        )

    def due_at(self, opened_at: datetime, platform: str, level: str) -> datetime:
        return opened_at + timedelta(hours=self.target_hours(platform, level))

    def to_dict(self) -> dict[str, object]:
        return {
            "base_hours": self.base_hours,
            "channel_factors": dict(self.channel_factors),
            "level_factors": dict(self.level_factors),
            "high_threshold": self.high_threshold,
            "low_threshold": self.low_threshold,
        }


def met_target(
    opened_at: datetime, first_response_at: datetime | None, target_hours: float, now: datetime
) -> bool | None:
    """Whether the first response came in time; None while the clock is still running."""
    deadline = opened_at + timedelta(hours=target_hours)
    if first_response_at is None:
        return False if now > deadline else None
    return first_response_at <= deadline
