"""Enrich the messages in the store that the current model version has not enriched yet.

Each batch is read, enriched and written (``message_enrichment``, one row per message, with the
model version) in its own transaction, in message id order. A crash loses at most the batch in
flight (with worker processes, the batches read ahead for them); the next run picks up every
message without a row of the current version, so a model change re-enriches everything and an
interrupted run resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from retailpulse.enrich.entities import Catalog
from retailpulse.enrich.pipeline import (
    ENRICHMENT_COLUMNS,
    RULES_VERSION,
    check_tier,
    enrich_texts,
    load_model,
)
from retailpulse.enrich.workers import (
    IN_FLIGHT_PER_WORKER,
    EnrichPool,
    Pending,
    check_workers,
    use_pool,
)
from retailpulse.store.tables import TABLES, message_enrichment

#: Messages per batch (and transaction) when worker processes enrich: two workers with
#: 10,000-message batches and the caller peaked at 1,141 MB in ``benchmarks/enrich.py``.
WORKER_MAX_ROWS = 10_000


@dataclass
class EnrichRun:
    """What a run did."""

    model_version: str
    pending: int
    enriched: int
    batches: int


def model_version(tier: str = "fast", model_dir: str | Path | None = None) -> str:
    """The version stamp written with each enrichment row: the model version and the version
    of the pipeline's rules (cue lexicons, polarity rules), so a change of either re-enriches."""
    check_tier(tier)
    model = load_model(None if model_dir is None else str(model_dir), tier)
    return f"{model.version}+rules{RULES_VERSION}"


def _pending(version: str) -> sa.Select[tuple[int, str | None]]:
    msgs = TABLES["messages"]
    me = message_enrichment
    return (
        sa.select(msgs.c.id, msgs.c.text)
        .select_from(msgs.outerjoin(me, me.c.message_id == msgs.c.id))
        .where(sa.or_(me.c.message_id.is_(None), me.c.model_version != version))
        .order_by(msgs.c.id)
    )


def count_pending(engine: sa.Engine, version: str) -> int:
    """Messages without an enrichment row of ``version``."""
    q = sa.select(sa.func.count()).select_from(_pending(version).subquery())
    with engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def enrich_store(
    engine: sa.Engine,
    *,
    tier: str = "fast",
    model_dir: str | Path | None = None,
    catalog: Catalog | None = None,
    batch_size: int = 20_000,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> EnrichRun:
    """Enrich every pending message; ``progress(done, total)`` is called after each batch.
    With ``workers`` > 1 and enough pending messages
    (:func:`~retailpulse.enrich.workers.use_pool`), whole batches of at most
    :data:`WORKER_MAX_ROWS` go to that many worker processes, several at a time."""
    check_workers(workers)
    version = model_version(tier, model_dir)
    total = count_pending(engine, version)
    if use_pool(workers, total, tier):
        # a worker's memory grows with its batch (about 800 MB at 50,000 messages): keep each
        # worker's batch, and with it the transaction, to WORKER_MAX_ROWS
        size = min(batch_size, WORKER_MAX_ROWS)
        with EnrichPool(workers, tier=tier, catalog=catalog, model_dir=model_dir) as pool:
            ahead = workers * IN_FLIGHT_PER_WORKER
            return _run(engine, version, total, size, pool.submit_texts, progress, ahead)

    def enrich(texts: list[str | None]) -> _Later:
        return _Later(lambda: enrich_texts(texts, tier=tier, catalog=catalog, model_dir=model_dir))

    return _run(engine, version, total, batch_size, enrich, progress)


class _Later:
    """Enrichment in this process, run when its columns are asked for (the in-process
    counterpart of :class:`~retailpulse.enrich.workers.Pending`)."""

    def __init__(self, compute: Callable[[], pl.DataFrame]) -> None:
        self._compute = compute

    def get(self) -> pl.DataFrame:
        return self._compute()


def _read(engine: sa.Engine, version: str, after: int, batch_size: int) -> list[Any]:
    q = _pending(version).where(TABLES["messages"].c.id > after).limit(batch_size)
    with engine.connect() as conn:
        return list(conn.execute(q).all())


def _write(engine: sa.Engine, version: str, ids: list[int], out: pl.DataFrame) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    records = out.with_columns(
        pl.Series("message_id", ids),
        pl.lit(version).alias("model_version"),
        pl.lit(now).alias("enriched_at"),
    ).select("message_id", *ENRICHMENT_COLUMNS, "model_version", "enriched_at")
    with engine.begin() as conn:
        for i in range(0, len(ids), 500):  # stay below SQLite's bound-parameter limit
            chunk = ids[i : i + 500]
            conn.execute(
                sa.delete(message_enrichment).where(message_enrichment.c.message_id.in_(chunk))
            )
        conn.execute(sa.insert(message_enrichment), records.to_dicts())


def _run(
    engine: sa.Engine,
    version: str,
    total: int,
    batch_size: int,
    submit: Callable[[list[str | None]], Pending | _Later],
    progress: Callable[[int, int], None] | None,
    ahead: int = 1,
) -> EnrichRun:
    """Batches in id order, each written in its own transaction. Up to ``ahead`` batches are
    read and handed to ``submit`` before the oldest is written, so worker processes enrich
    while the caller writes; with ``ahead=1`` a batch is read, enriched and written in turn."""
    done = batches = 0
    after = -1
    queue: deque[tuple[list[int], Pending | _Later]] = deque()
    while True:
        while len(queue) < ahead:
            rows = _read(engine, version, after, batch_size)
            if not rows:
                break
            after = rows[-1][0]
            queue.append(([r[0] for r in rows], submit([r[1] for r in rows])))
        if not queue:
            break
        ids, job = queue.popleft()
        _write(engine, version, ids, job.get())
        done += len(ids)
        batches += 1
        if progress is not None:
            progress(done, total)
    return EnrichRun(model_version=version, pending=total, enriched=done, batches=batches)
