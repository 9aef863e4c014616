"""Enrichment in worker processes: one single-threaded enrichment per core.

In one process, enrichment runs its stages on threads, but they share one Polars thread pool
and one interpreter: on this project's 2-core benchmark machine they keep about 1.6-1.7 cores
busy, and the extra threads cost CPU. :class:`EnrichPool` instead starts ``workers`` processes
(the ``spawn`` method: Polars is not fork-safe), each with one Polars thread and every stage on
one thread, and hands each whole batches as Arrow IPC bytes (pickling a slice of an Arrow
batch would copy its parent's whole buffers). Batches come back in input order. A batch is
never split: the spam rule counts repeated texts within a batch, so the same batches give the
same output as in one process.

The pool is for large inputs (``retailpulse enrich-file`` and ``retailpulse enrich`` from
:data:`POOL_MIN_ROWS` messages); starting two workers takes 2-3 seconds (importing Polars and
NumPy, loading the model, a first enrichment), so small inputs are enriched in the calling
process. Spark has no use for it: there every executor already runs
:func:`~retailpulse.enrich.pipeline.enrich_batch` on its own partitions.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import polars as pl
import pyarrow as pa

from retailpulse.enrich.entities import Catalog
from retailpulse.errors import InputError, WorkerLost

#: Inputs with fewer messages than this are enriched in the calling process. Measured with
#: ``retailpulse enrich-file`` (2 cores, 2026-11-23): 100,000 messages took 9.0-9.3 s with two
#: workers against 7.4-8.1 s in one process (starting the workers costs 2-3 s); 400,000 took
#: 18.7 s against 20.5 s. The two lines cross near 240,000. Again with the compiled scoring
#: kernel (``benchmarks/pool_threshold.py``, two runs of two repeats): 100,000 6.4-7.4 s with
#: workers against 5.3-7.2 s; 250,000 9.4-10.2 against 9.7-9.8; 400,000 13.3-15.8 against
#: 12.8-18.0; 600,000 18.2-21.6 against 20.7-24.2; 1,000,000 29.5-36.6 against 31.5-41.5: the
#: crossing is still between 250,000 and 400,000.
POOL_MIN_ROWS = 250_000


def use_pool(workers: int, rows: int, tier: str) -> bool:
    """Whether ``rows`` messages go to ``workers`` processes: with the fast tier from
    :data:`POOL_MIN_ROWS`, never with the accurate tier, whose sentence encoder already keeps
    both cores busy in one process (2026-11-23, 6,000 messages in 1,500-message batches:
    831 messages/s in one process, 797 with two single-threaded workers)."""
    return workers > 1 and tier == "fast" and rows >= POOL_MIN_ROWS


#: Batches in flight per worker: one running, one waiting, so a worker never idles.
IN_FLIGHT_PER_WORKER = 2

_STATE: dict[str, Any] = {}


def default_workers() -> int:
    """One worker per core the process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def check_workers(workers: int) -> int:
    """``workers`` when it is at least 1."""
    if workers < 1:
        raise InputError(
            "The 'workers' parameter must be at least 1 (1 enriches in this process). "
            f"Got {workers} instead.",
            field="workers",
        )
    return workers


def resolve_workers(workers: int) -> int:
    """The setting ``enrich_workers`` as a process count: 0 means one per core."""
    if workers < 0:
        raise InputError(
            "The 'enrich_workers' setting must be 0 (one per core) or a positive number of "
            f"processes. Got {workers} instead.",
            field="enrich_workers",
        )
    return default_workers() if workers == 0 else workers


def single_threaded() -> None:
    """Run every stage of an enrichment in the calling thread (one worker process per core
    does the parallel work)."""
    from retailpulse.enrich import embedding, pipeline, scoring, text

    embedding.THREADS = 1
    pipeline.STAGE_THREADS = 1
    scoring.PARALLEL_MIN = sys.maxsize
    text.PARALLEL_PARTS = 1


def _start(
    tier: str,
    tasks: tuple[str, ...] | None,
    catalog: Catalog | None,
    model_dir: str | None,
    text_column: str,
) -> None:
    from retailpulse.enrich.pipeline import enrich_texts

    single_threaded()
    _STATE.update(
        tier=tier, tasks=tasks, catalog=catalog, model_dir=model_dir, text_column=text_column
    )
    # load the model and build the regexes and tables once, before the first batch
    args = {k: v for k, v in _STATE.items() if k != "text_column"}
    enrich_texts(["warm up 😀 好 gak"], **args)


def pack(batch: pa.RecordBatch) -> bytes:
    """``batch`` as Arrow IPC bytes: only its own rows (pickling a slice of a batch would copy
    every buffer it shares with its parent)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def unpack(data: bytes) -> pa.RecordBatch:
    """The batch of :func:`pack`."""
    return pa.ipc.open_stream(data).read_next_batch()


def _enrich_batch(data: bytes) -> bytes:
    from retailpulse.enrich.pipeline import enrich_batch

    return pack(enrich_batch(unpack(data), **_STATE))


def _enrich_texts(texts: pl.Series) -> pl.DataFrame:
    from retailpulse.enrich.pipeline import enrich_texts

    args = {k: v for k, v in _STATE.items() if k != "text_column"}
    return enrich_texts(texts, **args)


def _ready() -> int:
    return os.getpid()


T = TypeVar("T")

LOST = (
    "An enrichment worker process stopped before it finished (it was killed, often for lack "
    "of memory). Re-run with --workers 1 (setting enrich_workers=1) or a smaller --batch-size; "
    "`retailpulse enrich` resumes where it stopped."
)


def _result(future: Future[T]) -> T:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerLost(LOST) from exc


class EnrichPool:
    """``workers`` enrichment processes with the same tier, tasks, catalog and model.

    Use it as a context manager; :meth:`enrich_batches` streams Arrow batches through it and
    :meth:`submit_texts` hands one batch of texts to the next free worker. A worker that
    dies (killed, out of memory) raises :class:`~retailpulse.errors.WorkerLost` instead of
    leaving the caller waiting.
    """

    def __init__(
        self,
        workers: int,
        *,
        tier: str = "fast",
        tasks: Sequence[str] | None = None,
        catalog: Catalog | None = None,
        model_dir: str | Path | None = None,
        text_column: str = "text",
    ) -> None:
        from retailpulse.enrich.pipeline import check_tasks, check_tier, load_model

        self.workers = check_workers(workers)
        check_tier(tier)
        checked = None if tasks is None else check_tasks(tasks)
        if model_dir is not None:
            # a bad folder is reported here, not by a dying worker
            load_model(str(model_dir), tier)
        self._args = (
            tier,
            checked,
            catalog,
            None if model_dir is None else str(model_dir),
            text_column,
        )
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> EnrichPool:
        """Start the worker processes (each loads the model and enriches once before its first
        call) and wait for the first answers."""
        if self._pool is not None:
            return self
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=mp.get_context("spawn"),
            initializer=_start,
            initargs=self._args,
        )
        # a worker reads POLARS_MAX_THREADS when it imports Polars: set it while the workers
        # start (one per call submitted before any has finished), for the children only
        previous = os.environ.get("POLARS_MAX_THREADS")
        os.environ["POLARS_MAX_THREADS"] = "1"
        try:
            ready = [pool.submit(_ready) for _ in range(self.workers)]
        finally:
            if previous is None:
                del os.environ["POLARS_MAX_THREADS"]
            else:
                os.environ["POLARS_MAX_THREADS"] = previous
        self._pool = pool
        try:
            for f in ready:  # a worker that fails to start surfaces here as WorkerLost
                _result(f)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> EnrichPool:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        pool = self.start()._pool
        assert pool is not None
        try:
            return pool.submit(fn, *args)
        except BrokenProcessPool as exc:
            raise WorkerLost(LOST) from exc

    def enrich_batches(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The batches with the enrichment columns added (as
        :func:`~retailpulse.enrich.pipeline.enrich_batch`), in input order. At most
        :data:`IN_FLIGHT_PER_WORKER` batches per worker are read ahead."""
        pending: deque[Future[bytes]] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        for batch in batches:
            pending.append(self._submit(_enrich_batch, pack(batch)))
            if len(pending) >= limit:
                yield unpack(_result(pending.popleft()))
        while pending:
            yield unpack(_result(pending.popleft()))

    def submit_texts(self, texts: pl.Series | Sequence[str | None]) -> Pending:
        """Start enriching ``texts`` (one batch, on one worker); ``.get()`` on the result waits
        for the enrichment columns (as :func:`~retailpulse.enrich.pipeline.enrich_texts`)."""
        series = texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts))
        return Pending(self._submit(_enrich_texts, series.cast(pl.String)))


class Pending:
    """Enrichment columns being computed by a worker (see :meth:`EnrichPool.submit_texts`)."""

    def __init__(self, future: Future[pl.DataFrame]) -> None:
        self._future = future

    def get(self) -> pl.DataFrame:
        return _result(self._future)
