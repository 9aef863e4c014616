from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from retailpulse.cli import main
from retailpulse.enrich import runner, workers
from retailpulse.enrich.entities import Catalog
from retailpulse.enrich.pipeline import enrich_batch, enrich_texts
from retailpulse.enrich.workers import EnrichPool, check_workers, resolve_workers
from retailpulse.errors import InputError, MissingColumnError, ModelError, WorkerLost
from retailpulse.store.database import Database
from retailpulse.store.tables import message_enrichment

from .test_runner import add_messages

TEXTS = [
    "Love the new jacket, fast delivery 😍",
    "barangnya gak sesuai, kecewa bgt kak",
    "快递太慢了，客服也不回复",
    "服務態度很好，下次還來",
    "where is my order #A12345? cheaper at Zalora",
    "",
    None,
    "🙂",
    "https://t.co/abc",
    "kapan restock ukuran L?",
]


@pytest.fixture(scope="module")
def pool() -> Iterator[EnrichPool]:
    catalog = Catalog.from_frames(competitors=("Zalora",))
    with EnrichPool(2, catalog=catalog) as p:
        yield p


def test_pool_gives_what_one_process_gives_for_the_same_batches(pool: EnrichPool) -> None:
    catalog = Catalog.from_frames(competitors=("Zalora",))
    texts = TEXTS * 7  # 70 texts, each seven times: the spam rule counts repeats in a batch
    assert_frame_equal(pool.submit_texts(texts).get(), enrich_texts(texts, catalog=catalog))
    # batches stream through in order, more of them than workers, never split
    table = pa.table({"id": list(range(len(texts))), "text": texts})
    batches = table.to_batches(max_chunksize=9)
    got = list(pool.enrich_batches(batches))
    assert [b.num_rows for b in got] == [9] * 7 + [7]
    for mine, batch in zip(got, batches, strict=True):
        assert mine.equals(enrich_batch(batch, catalog=catalog))
    merged = pl.from_arrow(pa.Table.from_batches(got))
    assert isinstance(merged, pl.DataFrame)
    assert merged["id"].to_list() == list(range(len(texts)))
    (empty,) = pool.enrich_batches([pa.record_batch({"text": pa.array([], pa.string())})])
    assert empty.num_rows == 0
    assert "sentiment" in empty.schema.names


def test_a_worker_error_reaches_the_caller_and_the_pool_goes_on(pool: EnrichPool) -> None:
    bad = pa.record_batch({"body": ["hello"]})
    with pytest.raises(MissingColumnError, match=r"no 'text' column.*--text-column"):
        list(pool.enrich_batches([bad]))
    good = pa.record_batch({"text": ["hello"]})
    (out,) = pool.enrich_batches([good])
    assert out.column("language").to_pylist() == enrich_batch(good).column("language").to_pylist()


def test_bad_worker_counts_and_options_name_the_fix() -> None:
    with pytest.raises(InputError, match="'workers' parameter must be at least 1"):
        check_workers(0)
    with pytest.raises(InputError, match="'enrich_workers' setting must be 0"):
        resolve_workers(-2)
    assert resolve_workers(0) == workers.default_workers() >= 1
    assert resolve_workers(3) == 3
    with pytest.raises(InputError, match="'tier' parameter"):
        EnrichPool(2, tier="turbo")
    with pytest.raises(InputError, match="'tasks' parameter"):
        EnrichPool(2, tasks=["sentiment", "sarcasm"])


def test_enrich_file_with_workers_writes_what_one_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "POOL_MIN_ROWS", 1)
    src = tmp_path / "in.csv"
    pl.DataFrame({"id": [str(i) for i in range(40)], "text": TEXTS * 4}).write_csv(src)
    outs = []
    for n in ("1", "2"):
        out = tmp_path / f"out{n}.csv"
        args = ["enrich-file", str(src), "-o", str(out), "--workers", n, "--batch-size", "7"]
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 0, res.output
        outs.append(pl.read_csv(out, infer_schema=False))
    assert_frame_equal(outs[0], outs[1])
    assert outs[1]["id"].to_list() == [str(i) for i in range(40)]


def test_store_enrichment_with_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "POOL_MIN_ROWS", 1)
    db = Database.open(f"sqlite:///{tmp_path / 'rp.db'}")
    texts = [t or "" for t in TEXTS]
    add_messages(db, texts)
    monkeypatch.setattr(runner, "WORKER_MAX_ROWS", 3)  # a worker's batch stays small
    run = runner.enrich_store(db.engine, batch_size=4, workers=2)
    assert (run.enriched, run.batches) == (len(texts), 4)
    with db.engine.connect() as conn:
        stored = conn.execute(
            sa.select(message_enrichment.c.sentiment).order_by(message_enrichment.c.message_id)
        ).scalars()
        assert list(stored) == enrich_texts(texts)["sentiment"].to_list()
    with pytest.raises(InputError, match="'workers' parameter"):
        runner.enrich_store(db.engine, workers=0)


def test_the_accurate_tier_stays_in_one_process() -> None:
    # its encoder already keeps both cores busy: workers were slower (258 against 325 msgs/s)
    assert workers.use_pool(2, 10**7, "fast")
    assert not workers.use_pool(2, 10**7, "accurate")
    assert not workers.use_pool(1, 10**7, "fast")
    assert not workers.use_pool(2, workers.POOL_MIN_ROWS - 1, "fast")


def test_a_worker_that_dies_raises_instead_of_hanging() -> None:
    with EnrichPool(2) as lost:
        alive = lost.submit_texts(["fine"]).get()
        assert alive["sentiment"].to_list() == enrich_texts(["fine"])["sentiment"].to_list()
        victims = multiprocessing.active_children()
        assert victims
        for proc in victims:
            os.kill(proc.pid or 0, signal.SIGKILL)
        for proc in victims:
            proc.join(timeout=10)
        with pytest.raises(WorkerLost, match="--workers 1"):
            lost.submit_texts(["still there?"]).get()


def test_a_bad_model_folder_is_reported_before_any_worker_starts(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="retailpulse train"):
        EnrichPool(2, model_dir=tmp_path)


def test_a_slice_travels_without_its_parents_rows() -> None:
    batch = pa.record_batch({"text": ["x" * 100] * 10_000, "id": list(range(10_000))})
    part = batch.slice(100, 50)
    data = workers.pack(part)
    assert len(data) < len(workers.pack(batch)) / 50
    assert workers.unpack(data).equals(part)


def test_accurate_tier_in_workers_gives_what_one_process_gives() -> None:
    # the workers' encoder runs on one BLAS thread, the caller's on two: the same labels, the
    # same probabilities up to float rounding
    with EnrichPool(1, tier="accurate") as p:
        mine = p.submit_texts(TEXTS).get()
    ref = enrich_texts(TEXTS, tier="accurate")
    probs = ["p_negative", "p_neutral", "p_positive"]
    assert_frame_equal(mine.drop(probs), ref.drop(probs))
    assert np.allclose(mine.select(probs).to_numpy(), ref.select(probs).to_numpy(), atol=1e-5)
