from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from retailpulse.enrich.runner import count_pending, enrich_store, model_version
from retailpulse.schema import MESSAGES
from retailpulse.store.database import Database
from retailpulse.store.tables import TABLES, message_enrichment
from retailpulse.store.upsert import upsert_frame


def add_messages(db: Database, texts: list[str]) -> None:
    frame = pl.DataFrame(
        {
            "platform": ["x"] * len(texts),
            "external_id": [f"m{i}" for i in range(len(texts))],
            "created_at": [dt.datetime(2026, 1, 1)] * len(texts),
            "text": texts,
        }
    )
    upsert_frame(db, MESSAGES, frame)


def test_enriches_pending_messages_resumes_and_reenriches_on_new_version(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'rp.db'}")
    add_messages(db, ["great shop", "barang rusak", "快递太慢", "where is order #A12345?", ""])
    version = model_version()
    assert count_pending(db.engine, version) == 5
    calls: list[tuple[int, int]] = []
    run = enrich_store(db.engine, batch_size=2, progress=lambda d, t: calls.append((d, t)))
    assert (run.pending, run.enriched, run.batches) == (5, 5, 3)
    assert calls[-1] == (5, 5)
    assert count_pending(db.engine, version) == 0
    assert enrich_store(db.engine).enriched == 0  # nothing left: a re-run is a no-op
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(message_enrichment)).mappings().all()
    assert len(rows) == 5
    assert {r["model_version"] for r in rows} == {version}
    by_text = {r["message_id"]: r for r in rows}
    assert any("order:A12345" in (r["entities"] or "") for r in by_text.values())
    # a crash after the first batch: drop the later rows, the next run does only those
    with db.engine.begin() as conn:
        conn.execute(sa.delete(message_enrichment).where(message_enrichment.c.message_id > 2))
        # and pretend message 1 was enriched by an older model
        conn.execute(
            sa.update(message_enrichment)
            .where(message_enrichment.c.message_id == 1)
            .values(model_version="fast-old")
        )
    again = enrich_store(db.engine, batch_size=10)
    assert again.enriched == 4
    with db.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(message_enrichment)).scalar_one()
        ids = conn.execute(sa.select(TABLES["messages"].c.id)).scalars().all()
    assert n == len(ids) == 5


def test_switching_the_tier_re_enriches_every_message(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'rp.db'}")
    add_messages(db, ["great shop", "barang rusak", "快递太慢"])
    assert enrich_store(db.engine).enriched == 3
    accurate = model_version("accurate")
    assert accurate.startswith("accurate-") and accurate != model_version("fast")
    assert count_pending(db.engine, accurate) == 3
    run = enrich_store(db.engine, tier="accurate")
    assert run.enriched == 3 and count_pending(db.engine, accurate) == 0
    with db.engine.connect() as conn:
        stamps = conn.execute(sa.select(message_enrichment.c.model_version)).scalars().all()
    assert set(stamps) == {accurate}
    assert enrich_store(db.engine, tier="accurate").enriched == 0
