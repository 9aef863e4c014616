"""Import a file of canonical records into the store: validated, deduplicated, never lost.

Two passes keep memory flat and make "last wins" exact for keys repeated in one file:

1. read chunks → map columns → validate → spool valid rows to Arrow IPC on disk, write invalid
   rows to the quarantine file, remember each valid row's key hash;
2. mark every valid row whose key appears again later in the file as superseded (quarantined
   with the row that wins), then upsert the rest batch by batch, one transaction per batch.

Invariant, checked before returning: imported + updated + unchanged + quarantined = rows read.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from retailpulse.listen.files import ROW, Chunk, RaggedFile, open_table
from retailpulse.listen.mapping import mapped, resolve_columns
from retailpulse.listen.quarantine import QuarantineWriter
from retailpulse.listen.validate import validate
from retailpulse.privacy.pii import normalise_and_hash
from retailpulse.schema import RecordKind, get_kind
from retailpulse.store import tables
from retailpulse.store.database import Database, utcnow
from retailpulse.store.upsert import UpsertCounts, row_hashes, upsert_batch

#: progress(phase, done, total): phase is "read" (bytes) or "write" (rows).
Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    """What an import did; ``summary()`` is what the CLI prints."""

    kind: str
    file: str
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    quarantine_file: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def balanced(self) -> bool:
        return self.imported + self.updated + self.unchanged + self.quarantined == self.rows_read

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "quarantine_file": self.quarantine_file,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        rate = self.rows_read / self.seconds if self.seconds else 0.0
        lines = [
            f"{self.kind} from {self.file}: {self.rows_read:,} rows read → "
            f"{self.imported:,} imported, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.quarantined:,} quarantined ({self.seconds:.1f} s, {rate:,.0f} rows/s)"
        ]
        if self.duplicates:
            lines.append(
                f"{self.duplicates:,} row(s) repeated a key found again later in the file; "
                "the last one was kept and the earlier ones are listed in the quarantine file."
            )
        if self.quarantine_file:
            lines.append(
                f"Quarantined rows, with row number, field and reason: {self.quarantine_file}"
            )
        lines += self.warnings
        return "\n".join(lines)


def _key_hash(frame: pl.DataFrame, key: tuple[str, ...]) -> np.ndarray:
    return frame.select(pl.struct(list(key)).hash(seed=7)).to_series().to_numpy()


def _apply_pii(kind: RecordKind, frame: pl.DataFrame, secret: bytes) -> pl.DataFrame:
    for f in kind.fields:
        if f.pii:
            frame = normalise_and_hash(frame, f.name, f.pii, secret)
    return frame


def _table_empty(db: Database, kind: RecordKind) -> bool:
    t = tables.table_for(kind.table)
    with db.engine.connect() as conn:
        return conn.execute(sa.select(t.c.id).limit(1)).first() is None


def import_file(
    db: Database,
    kind: str | RecordKind,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    format: str | None = None,
    batch_size: int = 50_000,
    quarantine_dir: str | Path = "quarantine",
    secret: bytes | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file of ``kind`` records; see the module docstring for the guarantees."""
    started = time.perf_counter()
    k = get_kind(kind) if isinstance(kind, str) else kind
    table = open_table(path, format=format, delimiter=delimiter, encoding=encoding, sheet=sheet)
    report = ImportReport(kind=k.name, file=str(path), delimiter=table.delimiter)
    key = secret if secret is not None else db.secret()
    if table.columns:
        resolve_columns(k, table.columns, mapping, file=str(path), delimiter=table.delimiter)
    quarantine = QuarantineWriter(Path(quarantine_dir), Path(path), k.name)
    spool = Path(tempfile.mkdtemp(prefix="retailpulse-import-"))
    run_id = _start_run(db, k.name, str(path))
    try:
        try:
            parts, rows, hashes = _read_pass(
                k,
                table.chunks(batch_size),
                table,
                mapping,
                key,
                quarantine,
                spool,
                report,
                progress,
            )
        except RaggedFile:
            # A malformed row: read again with the exact reader (nothing was written yet).
            quarantine.reset()
            shutil.rmtree(spool, ignore_errors=True)
            spool.mkdir()
            report.rows_read = 0
            table = open_table(
                path, format=format, delimiter=table.delimiter, encoding=encoding, fast=False
            )
            parts, rows, hashes = _read_pass(
                k,
                table.chunks(batch_size),
                table,
                mapping,
                key,
                quarantine,
                spool,
                report,
                progress,
            )
        report.encoding = table.decode.encoding if table.decode else None
        if table.decode:
            report.warnings += table.decode.warnings()
        superseded = _superseded(rows, hashes)
        if superseded:
            report.duplicates = len(superseded)
            quarantine.duplicates(superseded, k.key)
        counts = _write_pass(db, k, parts, superseded, batch_size, progress)
        report.imported, report.updated, report.unchanged = (
            counts.inserted,
            counts.updated,
            counts.unchanged,
        )
        report.quarantined = quarantine.rows
        report.quarantine_file = str(quarantine.path) if quarantine.rows else None
    finally:
        quarantine.close()
        shutil.rmtree(spool, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    if not report.balanced:
        raise AssertionError(f"import counts do not add up: {report.as_dict()}")
    _finish_run(db, run_id, report)
    return report


def _read_pass(
    k: RecordKind,
    chunks: Any,
    table: Any,
    mapping: dict[str, str] | None,
    secret: bytes,
    quarantine: QuarantineWriter,
    spool: Path,
    report: ImportReport,
    progress: Progress | None,
) -> tuple[list[Path], np.ndarray, np.ndarray]:
    parts: list[Path] = []
    all_rows: list[np.ndarray] = []
    all_hashes: list[np.ndarray] = []
    chunk: Chunk
    for i, chunk in enumerate(chunks):
        report.rows_read += chunk.frame.height + len(chunk.bad)
        quarantine.bad_rows(chunk.bad)
        if chunk.frame.height:
            frame = mapped(k, chunk.frame, mapping, file=report.file, delimiter=table.delimiter)
            checked = validate(k, frame)
            if checked.errors.height:
                quarantine.errors(checked.errors, frame)
            valid = _apply_pii(k, checked.valid, secret)
            if valid.height:
                part = spool / f"part-{i:06d}.arrow"
                valid.write_ipc(part)
                parts.append(part)
                all_rows.append(valid.get_column(ROW).to_numpy())
                all_hashes.append(_key_hash(valid, k.key))
        if progress:
            progress("read", table.bytes_done, table.size)
    rows = np.concatenate(all_rows) if all_rows else np.empty(0, dtype=np.int64)
    hashes = np.concatenate(all_hashes) if all_hashes else np.empty(0, dtype=np.uint64)
    return parts, rows, hashes


def _superseded(rows: np.ndarray, hashes: np.ndarray) -> dict[int, int]:
    """Row → winning row, for valid rows whose key appears again later in the file."""
    if rows.size == 0:
        return {}
    # Last occurrence per hash: unique on the reversed array gives the last index.
    rev = hashes[::-1]
    _, first_in_rev, inverse = np.unique(rev, return_index=True, return_inverse=True)
    last_idx = (len(hashes) - 1 - first_in_rev)[inverse][::-1]
    dup = np.nonzero(last_idx != np.arange(len(hashes)))[0]
    return {int(rows[i]): int(rows[last_idx[i]]) for i in dup}


def _write_pass(
    db: Database,
    k: RecordKind,
    parts: list[Path],
    superseded: dict[int, int],
    batch_size: int,
    progress: Progress | None,
) -> UpsertCounts:
    counts = UpsertCounts()
    total = sum(pl.scan_ipc(p).select(pl.len()).collect().item() for p in parts)
    assume_new = _table_empty(db, k)
    drop = pl.Series(list(superseded), dtype=pl.Int64) if superseded else None
    now = utcnow()
    done = 0
    hash_cols: list[str] | None = None
    for part in parts:
        frame = pl.read_ipc(part)
        done += frame.height
        if drop is not None:
            frame = frame.filter(~pl.col(ROW).is_in(drop.implode()))
        frame = frame.drop(ROW)
        if hash_cols is None:
            hash_cols = list(frame.columns)
        frame = frame.with_columns(row_hashes(frame, hash_cols))
        for start in range(0, frame.height, batch_size):
            counts += upsert_batch(
                db, k, frame.slice(start, batch_size), now=now, assume_new=assume_new
            )
        if progress:
            progress("write", done, total)
    return counts


def _start_run(db: Database, kind: str, file: str) -> int:
    with db.begin() as conn:
        result = conn.execute(
            sa.insert(tables.import_runs).values(
                kind=kind,
                file=file,
                started_at=utcnow(),
                rows_read=0,
                imported=0,
                updated=0,
                unchanged=0,
                quarantined=0,
                status="running",
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def _finish_run(db: Database, run_id: int, report: ImportReport) -> None:
    with db.begin() as conn:
        conn.execute(
            sa.update(tables.import_runs)
            .where(tables.import_runs.c.id == run_id)
            .values(
                finished_at=utcnow(),
                rows_read=report.rows_read,
                imported=report.imported,
                updated=report.updated,
                unchanged=report.unchanged,
                quarantined=report.quarantined,
                quarantine_file=report.quarantine_file,
                status="done",
            )
        )


def report_json(report: ImportReport) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False)
