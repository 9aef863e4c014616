"""What the web app reads from: the Workspace when there is one, else the store directly.

Analysis results (questions, segments, CLV, alerts...) are produced by other layers and kept
by the Workspace. The app asks for them by name and shows "not computed yet: run ..." when a
result is absent, so pages fill in as enrichment and understanding land.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from retailpulse.engage.inbox import rank_customer_values
from retailpulse.settings import Settings
from retailpulse.store.database import Database

#: Result name → the command that computes it (shown on pages when the result is missing).
RESULT_COMMANDS: dict[str, str] = {
    "questions": "retailpulse understand questions",
    "segments": "retailpulse customers",
    "customer_values": "retailpulse customers",
    "loyalty": "retailpulse customers",
    "satisfaction": "retailpulse understand satisfaction",
    "needs": "retailpulse understand needs",
    "topics": "retailpulse understand topics",
    "drivers": "retailpulse understand drivers",
    "alerts": "retailpulse understand crisis",
    "points": "retailpulse mobilize points",
    "enrichment": "retailpulse enrich",
}


#: Result name → the names other layers save it under (first found wins).
RESULT_NAMES: dict[str, tuple[str, ...]] = {
    "segments": ("customers.segments", "segments"),
    "loyalty": ("customers.segments", "loyalty"),
}


@dataclass
class Backend:
    """The app's handle on data: a database, optionally a Workspace, and the settings."""

    db: Database
    settings: Settings
    workspace: Any = None
    cache_seconds: float = 60.0
    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict, repr=False)

    def result(self, name: str) -> Any:
        """The payload of a computed result, or None when it has not been computed."""
        ws = self.workspace
        method = getattr(ws, name, None) if ws is not None else None
        if callable(method) and name not in {"messages"}:
            try:
                value = method()
            except Exception:  # a result that cannot be computed yet reads as absent
                value = None
            if value is not None:
                return value.to_dicts() if isinstance(value, pl.DataFrame) else value
        for stored in RESULT_NAMES.get(name, (name,)):
            loaded = self.db.load_result(stored)
            if loaded is not None and loaded["payload"] is not None:
                return loaded["payload"]
        return None

    def result_meta(self, name: str) -> dict[str, Any] | None:
        loaded = next(
            (
                r
                for r in (self.db.load_result(n) for n in RESULT_NAMES.get(name, (name,)))
                if r is not None
            ),
            None,
        )
        if loaded is None:
            return None
        return {"params": loaded["params"], "created_at": loaded["created_at"]}

    def cached(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept for ``cache_seconds`` under ``name``."""
        hit = self._cache.get(name)
        if hit is not None and time.monotonic() - hit[0] < self.cache_seconds:
            return hit[1]
        value = compute()
        self._cache[name] = (time.monotonic(), value)
        return value

    def customer_values(self) -> pl.DataFrame | None:
        """customer_id, clv, tier, p_alive (kept for ``cache_seconds``; see _customer_values)."""
        value: pl.DataFrame | None = self.cached(
            "customer_values", lambda: rank_customer_values(self._customer_values())
        )
        return value

    def _customer_values(self) -> pl.DataFrame | None:
        """From the CLV result, else the tiers on record (no CLV, no churn risk)."""
        payload = self.result("customer_values")
        if isinstance(payload, list) and payload:
            return pl.DataFrame(payload, infer_schema_length=None)
        if isinstance(payload, dict) and payload.get("customer_id"):
            return pl.DataFrame(payload)
        from retailpulse.web import queries

        return queries.customer_tiers(self.db)


def missing(name: str) -> dict[str, str]:
    """What a page shows for an absent result."""
    return {"name": name, "command": RESULT_COMMANDS.get(name, "retailpulse --help")}
