"""Export canonical records to CSV, JSONL or Parquet.

Exports can be imported again unchanged (same column names). Emails and phones are masked
unless ``include_pii`` is set; CSV cells that a spreadsheet would run as formulas are
neutralised.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from retailpulse.errors import FileFormatError
from retailpulse.listen.spreadsheet import neutralise_frame
from retailpulse.privacy.pii import mask_email, mask_phone
from retailpulse.schema import get_kind
from retailpulse.store.database import Database

EXPORT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}


def export_frame(frame: pl.DataFrame, path: str | Path, format: str | None = None) -> int:
    """Write a frame; returns the rows written."""
    p = Path(path)
    fmt = format or EXPORT_FORMATS.get(p.suffix.lower())
    if fmt not in ("csv", "jsonl", "parquet"):
        raise FileFormatError(
            f"The export format must be one of csv, jsonl, parquet (from the suffix of {p} "
            f"or --format). Got {fmt!r} instead."
        )
    p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        out = frame.with_columns(
            [
                pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
                for c, t in frame.schema.items()
                if t == pl.Datetime
            ]
        )
        neutralise_frame(out).write_csv(p)
    elif fmt == "jsonl":
        frame.write_ndjson(p)
    else:
        frame.write_parquet(p)
    return frame.height


def export_kind(
    db: Database,
    kind: str,
    path: str | Path,
    *,
    format: str | None = None,
    include_pii: bool = False,
) -> int:
    """Export one kind of record from the store."""
    k = get_kind(kind)
    frame = db.read_frame(k.table)
    cols = [*k.field_names]
    if "raw" in frame.columns:
        cols.append("raw")
    frame = frame.select(cols)
    if not include_pii:
        for f in k.fields:
            if f.pii:
                masker = mask_email if f.pii == "email" else mask_phone
                frame = frame.with_columns(
                    pl.col(f.name).map_elements(masker, return_dtype=pl.Utf8)
                )
    return export_frame(frame, path, format)
