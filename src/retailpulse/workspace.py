"""The one object a user, the CLI, the web app and a notebook talk to.

    >>> import retailpulse
    >>> rp = retailpulse.open("sqlite:///demo.db")
    >>> rp.import_file("messages", "messages.csv")
    >>> rp.messages()            # enriched messages, one Polars frame

A Workspace loads frames from the store, calls the pure functions of the analytics layers and
keeps their results (with their parameters) so pages show them without recomputing. No other
module orchestrates.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

import retailpulse.workspace_customers as wc
import retailpulse.workspace_voice as wv

if TYPE_CHECKING:
    from retailpulse.enrich.runner import EnrichRun
from retailpulse.listen.export import export_kind
from retailpulse.listen.importer import ImportReport, Progress, import_file
from retailpulse.schema import KINDS, get_kind
from retailpulse.settings import Settings, load_settings
from retailpulse.store import tables
from retailpulse.store.database import Database

#: The steps ``Workspace.refresh`` runs, in order (method names).
PIPELINE: tuple[str, ...] = (
    "enrich_messages",
    "understand_identities",
    "understand_customers",
    "understand_voice",
    "sync_inbox",
)


class Workspace:
    """A store plus the settings it was opened with."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<Workspace {self.db.safe_url}>"

    def close(self) -> None:
        self.db.close()

    @property
    def secret(self) -> bytes:
        return self.db.secret(self.settings.secret_key)

    # -- listen -----------------------------------------------------------------------
    def import_file(
        self,
        kind: str,
        path: str | Path,
        *,
        mapping: dict[str, str] | None = None,
        delimiter: str | None = None,
        encoding: str | None = None,
        sheet: str | None = None,
        format: str | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import one file of records of ``kind``; see :func:`listen.importer.import_file`."""
        self._cache.clear()
        return import_file(
            self.db,
            kind,
            path,
            mapping=mapping,
            delimiter=delimiter,
            encoding=encoding,
            sheet=sheet,
            format=format,
            batch_size=self.settings.batch_size,
            quarantine_dir=self.settings.quarantine_dir,
            secret=self.secret,
            progress=progress,
        )

    def export(
        self, kind: str, path: str | Path, *, format: str | None = None, include_pii: bool = False
    ) -> int:
        return export_kind(self.db, kind, path, format=format, include_pii=include_pii)

    # -- frames -----------------------------------------------------------------------
    def frame(self, kind: str) -> pl.DataFrame:
        """All records of a kind (canonical columns + ``id``)."""
        k = get_kind(kind)
        cols = ["id", *k.field_names] + [f"{f.name}_hash" for f in k.fields if f.pii]
        frame: pl.DataFrame = self.db.read_frame(k.table, columns=cols)
        return frame

    def messages(self, *, require_enriched: bool = False) -> pl.DataFrame:
        """Messages joined with their enrichment and the customer they are linked to.

        ``language`` is the detected language where enrichment ran, else the declared one.
        With ``require_enriched``, raise if any message still needs ``retailpulse enrich``.
        """
        from retailpulse.errors import InputError

        out = self._cache.get("messages")
        if out is None:
            out = self._cache["messages"] = self._load_messages()
        pending = out.get_column("model_version").null_count()
        if require_enriched and pending:
            raise InputError(
                f"{pending:,} of {out.height:,} messages are not enriched "
                "yet. Run `retailpulse enrich` first."
            )
        return out

    def _load_messages(self) -> pl.DataFrame:
        from retailpulse.store.frames import read_table

        msgs = self.frame("messages")
        enr = read_table(self.db, "message_enrichment")
        enr = enr.rename({"language": "detected_language"}).drop("enriched_at")
        out = msgs.join(enr, left_on="id", right_on="message_id", how="left")
        out = out.with_columns(pl.coalesce("detected_language", "language").alias("language")).drop(
            "detected_language"
        )
        links = self.frame("identities").filter(pl.col("consent").fill_null(True))
        links = links.sort("linked_at", nulls_last=False).unique(
            subset=["platform", "author_id"], keep="last"
        )
        return out.join(
            links.select("platform", "author_id", "customer_id"),
            on=["platform", "author_id"],
            how="left",
        )

    # -- status -----------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """Row counts per kind, what still needs enrichment, and the last imports."""
        counts = {name: self.db.count(k.table) for name, k in KINDS.items()}
        enriched = self.db.count("message_enrichment")
        with self.db.engine.connect() as conn:
            runs = (
                conn.execute(
                    sa.select(tables.import_runs).order_by(tables.import_runs.c.id.desc()).limit(10)
                )
                .mappings()
                .all()
            )
        return {
            "database": self.db.safe_url,
            "counts": counts,
            "enriched": enriched,
            "needs_enrichment": max(counts["messages"] - enriched, 0),
            "recent_imports": [dict(r) for r in runs],
        }

    # -- enrich -----------------------------------------------------------------------
    def enrich(
        self,
        *,
        tier: str | None = None,
        model_dir: str | Path | None = None,
        batch_size: int | None = None,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> EnrichRun:
        """Enrich every stored message not yet enriched by the current model version, with
        the retailer's products, stores, staff and competitors as the entity catalog;
        ``workers`` defaults to the setting ``enrich_workers`` (0: one per core)."""
        from retailpulse.enrich.entities import Catalog
        from retailpulse.enrich.runner import enrich_store
        from retailpulse.enrich.workers import resolve_workers

        catalog = Catalog.from_frames(
            products=self.frame("products"),
            stores=self.frame("stores"),
            staff=self.frame("staff"),
            competitors=tuple(self.settings.competitors),
        )
        self._cache.clear()
        return enrich_store(
            self.db.engine,
            tier=tier or self.settings.enrich_tier,
            model_dir=model_dir,
            catalog=catalog,
            batch_size=batch_size or self.settings.batch_size,
            workers=resolve_workers(self.settings.enrich_workers if workers is None else workers),
            progress=progress,
        )

    def enrich_messages(self) -> str:
        """Pipeline step: enrich what is pending."""
        run = self.enrich()
        return f"enrich: {run.enriched:,} messages enriched with model {run.model_version}"

    # -- understand: customers (see workspace_customers) -----------------------------
    def customer_predictions(self) -> tuple[pl.DataFrame | None, dict[str, Any]]:
        """CLV, P(alive) and expected purchases per customer, or None with the reason."""
        return wc.customer_predictions(self)

    def customer360(self) -> pl.DataFrame:
        """The 360 frame: one row per customer."""
        return wc.customer360(self)

    def customer(self, customer_id: str) -> dict[str, Any]:
        """The 360 row of one customer."""
        return wc.customer(self, customer_id)

    def segments(self, as_of: str | None = None) -> dict[str, Any]:
        """Segments, CLV fit and loyalty per segment (stored as 'customers.segments')."""
        return wc.segments(self, as_of)

    def link_identities(self, actor: str = "system") -> dict[str, int]:
        """Link authors to customers from evidence; keep links, audit and suggestions."""
        return wc.link_identities(self, actor)

    def understand_identities(self) -> str:
        """Pipeline step: evidence-based identity links."""
        return wc.understand_identities(self)

    def customer_values(self) -> pl.DataFrame:
        """customer_id, clv, tier, p_alive, segment (stored as 'customer_values')."""
        return wc.customer_values(self)

    def sync_inbox(self) -> str:
        """Pipeline step: inbox conversations from the messages that need an answer."""
        return wc.sync_inbox(self)

    def understand_customers(self) -> str:
        """Pipeline step: segments, CLV and loyalty."""
        return wc.understand_customers(self)

    # -- understand: the voice of the customer (see workspace_voice) -----------------
    def questions(self, since: str | None = None, until: str | None = None) -> list[Any]:
        """The five questions, each with verdict, numbers, confidence and evidence."""
        return wv.questions(self, since, until)

    def satisfaction(
        self, since: str | None = None, until: str | None = None, period: str = "week"
    ) -> dict[str, Any]:
        """Net sentiment, NPS, CSAT and stars by channel, aspect, store, segment, period."""
        return wv.satisfaction(self, since, until, period)

    def needs(
        self, since: str | None = None, until: str | None = None, sla_hours: float = 48.0
    ) -> dict[str, Any]:
        """Aspect importance x performance, unmet asks, unstocked products."""
        return wv.needs(self, since, until, sla_hours)

    def topics(
        self,
        since: str | None = None,
        until: str | None = None,
        n_topics: int | None = None,
        seed: int = 0,
        recent_days: int = 7,
    ) -> dict[str, Any]:
        """Topics in customers' messages, labelled, with emerging ones flagged."""
        return wv.topics(self, since, until, n_topics, seed, recent_days)

    def drivers(
        self,
        since: str | None = None,
        until: str | None = None,
        cutoff: str | None = None,
        horizon_days: int = 90,
        method: str = "relative_weights",
        boot: int = 200,
    ) -> dict[str, Any]:
        """Which experiences drive loyalty outcomes, with bootstrap intervals."""
        return wv.drivers(self, since, until, cutoff, horizon_days, method, boot)

    def alerts(
        self, since: str | None = None, until: str | None = None, days: int = 7
    ) -> list[dict[str, Any]]:
        """Crisis signals: spikes of negative messages, scored."""
        return wv.alerts(self, since, until, days)

    def understand_voice(self) -> str:
        """Pipeline step: all voice-of-the-customer reports."""
        return wv.understand_voice(self)

    # -- the pipeline -----------------------------------------------------------------
    def refresh(self, progress: Callable[[str], None] | None = None) -> list[str]:
        """Run every step after import (enrich, understand, ...) and keep the results.

        Returns one summary line per step. Steps are methods listed in :data:`PIPELINE`.
        """
        lines = []
        for name in PIPELINE:
            if progress:
                progress(f"running {name}")
            lines.append(getattr(self, name)())
        return lines

    # -- results ----------------------------------------------------------------------
    def save_result(self, name: str, params: dict[str, Any], payload: Any) -> None:
        self.db.save_result(name, params, payload)

    def load_result(self, name: str) -> dict[str, Any] | None:
        return self.db.load_result(name)


def open(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
) -> Workspace:
    """Open a workspace on ``url`` (else the ``database_url`` setting), migrating the store."""
    if settings is None:
        settings = load_settings(
            config_file=config_file,
            env=os.environ if env is None else env,
            database_url=url,
        )
    elif url is not None:
        settings = settings.replace(database_url=url)
    db = Database.open(settings.database_url)
    return Workspace(db, settings)
