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
    "questions": "retailpulse questions",
    "segments": "retailpulse customers",
    "customer_values": "retailpulse customers",
    "loyalty": "retailpulse customers",
    "satisfaction": "retailpulse satisfaction",
    "needs": "retailpulse needs",
    "topics": "retailpulse topics",
    "drivers": "retailpulse drivers",
    "alerts": "retailpulse alerts",
    "enrichment": "retailpulse enrich",
}

#: Result name → the names other layers save it under (first found wins).
RESULT_NAMES: dict[str, tuple[str, ...]] = {
    "questions": ("voc.questions", "questions"),
    "segments": ("customers.segments", "segments"),
    "loyalty": ("customers.segments", "loyalty"),
    "satisfaction": ("voc.satisfaction", "satisfaction"),
    "needs": ("voc.needs", "needs"),
    "topics": ("voc.topics", "topics"),
    "drivers": ("voc.drivers", "drivers"),
    "alerts": ("voc.alerts", "alerts"),
}

#: How long computed customer values (CLV fit) are kept by one app process, in seconds.
CUSTOMER_VALUES_SECONDS = 3600.0


@dataclass
class Backend:
    """The app's handle on data: a database, optionally a Workspace, and the settings."""

    db: Database
    settings: Settings
    workspace: Any = None
    cache_seconds: float = 60.0
    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict, repr=False)

    def result(self, name: str) -> Any:
        """The payload of a stored result, or None when it has not been computed.

        Pages never compute: the pipeline (``retailpulse demo``, the commands named in
        :data:`RESULT_COMMANDS`) saves results and pages read them.
        """
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
        """customer_id, clv, tier, p_alive and clv_rank (see :meth:`_customer_values`)."""
        hit = self._cache.get("customer_values")
        if hit is not None and time.monotonic() - hit[0] < CUSTOMER_VALUES_SECONDS:
            cached: pl.DataFrame | None = hit[1]
            return cached
        value = rank_customer_values(self._customer_values())
        self._cache["customer_values"] = (time.monotonic(), value)
        return value

    def _customer_values(self) -> pl.DataFrame | None:
        """A stored ``customer_values`` result; else the Workspace's CLV predictions joined to
        the tiers on record (computed once per process and hour); else the tiers alone."""
        from retailpulse.web import queries

        payload = self.result("customer_values")
        if isinstance(payload, list) and payload:
            return pl.DataFrame(payload, infer_schema_length=None)
        tiers = queries.customer_tiers(self.db)
        predict = getattr(self.workspace, "customer_predictions", None)
        if callable(predict) and tiers.height:
            try:
                pred, _info = predict()
            except Exception:  # no fit possible yet (too few orders): tiers alone
                pred = None
            if isinstance(pred, pl.DataFrame) and pred.height:
                return tiers.drop("clv", "p_alive").join(
                    pred.select(
                        pl.col("customer_id").cast(pl.Utf8),
                        pl.col("clv").cast(pl.Float64),
                        pl.col("p_alive").cast(pl.Float64),
                    ),
                    on="customer_id",
                    how="left",
                )
        return tiers


def missing(name: str) -> dict[str, str]:
    """What a page shows for an absent result."""
    return {"name": name, "command": RESULT_COMMANDS.get(name, "retailpulse --help")}
