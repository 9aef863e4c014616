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
from typing import Any

import polars as pl
import sqlalchemy as sa

from retailpulse.listen.export import export_kind
from retailpulse.listen.importer import ImportReport, Progress, import_file
from retailpulse.schema import KINDS, get_kind
from retailpulse.settings import Settings, load_settings
from retailpulse.store import tables
from retailpulse.store.database import Database

#: The steps ``Workspace.refresh`` runs, in order (method names).
PIPELINE: tuple[str, ...] = ()


class Workspace:
    """A store plus the settings it was opened with."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

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
        from retailpulse.store.frames import read_table

        msgs = self.frame("messages")
        enr = read_table(self.db, "message_enrichment")
        if require_enriched and (enr.height < msgs.height):
            raise InputError(
                f"{msgs.height - enr.height:,} of {msgs.height:,} messages are not enriched "
                "yet. Run `retailpulse enrich` first."
            )
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
