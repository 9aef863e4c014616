"""The quarantine file: every row an import could not take, with row number, field and reason.

One CSV per import, written only when something is quarantined, next to nothing else:
``<quarantine_dir>/<file stem>.<kind>.<timestamp>.quarantine.csv`` with columns
``row, field, reason, value, record`` (``record`` is the original row as JSON, so it can be
fixed and imported again). Values are neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import polars as pl

from retailpulse.listen.files import ROW, BadRow
from retailpulse.listen.spreadsheet import neutralise

HEADER = ["row", "field", "reason", "value", "record"]


class QuarantineWriter:
    def __init__(self, directory: Path, source: Path, kind: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        self.path = directory / f"{source.stem}.{kind}.{stamp}.quarantine.csv"
        self.rows = 0
        self._file: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def _out(self) -> csv.DictWriter[str]:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._writer = csv.DictWriter(self._file, HEADER)
            self._writer.writeheader()
        return self._writer

    def _write(self, row: int, field: str, reason: str, value: str | None, record: str) -> None:
        self._out().writerow(
            {
                "row": row,
                "field": field,
                "reason": neutralise(reason),
                "value": neutralise(value) if value is not None else "",
                "record": neutralise(record),
            }
        )

    def bad_rows(self, bad: list[BadRow]) -> None:
        for b in bad:
            self._write(b.row, "", f"row {b.row} {b.reason}", None, b.text)
        self.rows += len(bad)

    def errors(self, errors: pl.DataFrame, frame: pl.DataFrame) -> None:
        records = frame.select(
            pl.col(ROW), pl.struct(pl.exclude(ROW)).struct.json_encode().alias("record")
        )
        joined = errors.join(records, left_on="row", right_on=ROW, how="left")
        for row, fld, reason, value, record in joined.iter_rows():
            self._write(row, fld, reason, value, record or "")
        self.rows += errors.get_column("row").n_unique()

    def duplicates(self, superseded: dict[int, int], key: tuple[str, ...]) -> None:
        names = ", ".join(key)
        for row, winner in sorted(superseded.items()):
            self._write(
                row,
                names,
                f"duplicate key ({names}): row {winner} has the same key and, coming later, "
                "was kept (last wins)",
                None,
                "",
            )
        self.rows += len(superseded)

    def reset(self) -> None:
        """Forget everything written so far (the file is read again from the start)."""
        self.close()
        self._file = None
        self._writer = None
        self.rows = 0
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
