"""Read tabular files (CSV, TSV, JSONL, Parquet, XLSX) as chunks of string columns.

Every chunk carries ``__row``: the 1-based data row number in the file (the header is not a
row), which is what quarantine reports name. Rows that cannot be split into the header's
columns are returned as ``bad`` rows with a reason instead of being dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from retailpulse.errors import FileFormatError, InputError
from retailpulse.listen.encoding import DecodeReport, iter_lines, open_report

ROW = "__row"
FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
}
DELIMITERS = (",", "\t", ";", "|")

csv.field_size_limit(sys.maxsize)


class RaggedFile(Exception):
    """The fast reader met a row it cannot place; read the file again the exact way."""


@dataclass
class BadRow:
    row: int
    reason: str
    text: str


@dataclass
class Chunk:
    frame: pl.DataFrame
    bad: list[BadRow] = field(default_factory=list)


@dataclass
class TableFile:
    """An input file opened for chunked reading."""

    path: Path
    format: str
    columns: list[str]
    delimiter: str | None = None
    decode: DecodeReport | None = None
    size: int = 0
    _reader: Callable[[int], Iterator[Chunk]] | None = None

    @property
    def bytes_done(self) -> int:
        return self.decode.bytes_read if self.decode else 0

    def chunks(self, rows: int = 50_000) -> Iterator[Chunk]:
        assert self._reader is not None
        yield from self._reader(rows)


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _frame(columns: list[str], data: list[list[str | None]], rows: list[int]) -> pl.DataFrame:
    series = [pl.Series(name, col, dtype=pl.Utf8) for name, col in zip(columns, data, strict=True)]
    return pl.DataFrame([pl.Series(ROW, rows, dtype=pl.Int64), *series])


def _rows_frame(columns: list[str], records: list[list[str]], rows: list[int]) -> pl.DataFrame:
    """Row-major string records → frame; empty cells become null."""
    names = [f"c{i}" for i in range(len(columns))]
    frame = pl.DataFrame(records, schema={n: pl.Utf8 for n in names}, orient="row").select(
        [
            pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)).alias(c)
            for n, c in zip(names, columns, strict=True)
        ]
    )
    return frame.insert_column(0, pl.Series(ROW, rows, dtype=pl.Int64))


def sniff_delimiter(header: str) -> str:
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _clean_utf8(path: Path) -> bool:
    """True when the whole file is valid UTF-8 without NUL bytes (the fast reader's domain)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        while block := f.read(16 << 20):
            if b"\x00" in block:
                return False
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _arrow_reader(
    path: Path, table: TableFile, columns: list[str], delimiter: str, bom: bool
) -> Callable[[int], Iterator[Chunk]]:
    """Chunks from pyarrow's CSV reader; raises RaggedFile on the first malformed row."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(len(columns))]
    ragged: list[int] = []

    def handler(_row: Any) -> str:
        ragged.append(1)
        return "skip"

    def read(chunk_rows: int) -> Iterator[Chunk]:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                block_size=8 << 20,
                use_threads=True,
                column_names=names,
                skip_rows=1,
                encoding="utf-8",
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=handler
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        start = 0
        for batch in reader:
            if ragged:
                raise RaggedFile(str(path))
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            frame = frame.rename(dict(zip(names, columns, strict=True)))
            for offset in range(0, frame.height, chunk_rows):
                part = frame.slice(offset, chunk_rows)
                n = part.height
                part = part.insert_column(
                    0, pl.Series(ROW, range(start + 1, start + n + 1), dtype=pl.Int64)
                )
                start += n
                assert table.decode is not None
                table.decode.bytes_read = min(
                    table.size, int(table.decode.bytes_read + batch.nbytes * n / batch.num_rows)
                )
                yield Chunk(part)
        if ragged:
            raise RaggedFile(str(path))
        assert table.decode is not None
        table.decode.bytes_read = table.size

    return read


def _open_delimited(
    path: Path, fmt: str, delimiter: str | None, encoding: str | None, fast: bool = True
) -> TableFile:
    report = open_report(path, encoding)
    lines = iter_lines(path, report)
    header_line = next(lines, None)
    if header_line is None or not header_line.strip():
        raise InputError(f"{path} is empty: it needs a header row and at least one data row.")
    if delimiter is None:
        delimiter = "\t" if fmt == "tsv" else sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))
    columns = [h.strip() for h in header]
    table = TableFile(path, fmt, columns, delimiter, report, path.stat().st_size)
    if (
        fast
        and report.encoding == "utf-8"
        and len(set(columns)) == len(columns)
        and _clean_utf8(path)
    ):
        table._reader = _arrow_reader(path, table, columns, delimiter, report.bom)
        return table

    def read(chunk_rows: int) -> Iterator[Chunk]:
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        width = len(columns)
        records: list[list[str]] = []
        rows: list[int] = []
        bad: list[BadRow] = []
        n = 0
        for record in reader:
            if len(record) == width:
                n += 1
                records.append(record)
                rows.append(n)
            elif not record or (len(record) == 1 and not record[0].strip()):
                continue
            else:
                n += 1
                bad.append(
                    BadRow(
                        n,
                        f"has {len(record)} fields where the header has {width}: check the "
                        f"delimiter ({delimiter!r}) and the quoting of this row",
                        delimiter.join(record),
                    )
                )
            if len(rows) + len(bad) >= chunk_rows:
                yield Chunk(_rows_frame(columns, records, rows), bad)
                records, rows, bad = [], [], []
        if rows or bad:
            yield Chunk(_rows_frame(columns, records, rows), bad)

    table._reader = read
    return table


def _open_jsonl(path: Path, encoding: str | None) -> TableFile:
    report = open_report(path, encoding)
    table = TableFile(path, "jsonl", [], None, report, path.stat().st_size)
    with open(path, "rb") as f:
        first = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if table.size == 0:
        raise InputError(f"{path} is empty: it needs one JSON object per line.")

    def read(chunk_rows: int) -> Iterator[Chunk]:
        columns: list[str] = []
        records: list[dict[str, Any]] = []
        rows: list[int] = []
        bad: list[BadRow] = []
        n = 0

        def flush() -> Chunk:
            data = [[_cell(r.get(c)) for r in records] for c in columns]
            return Chunk(_frame(list(columns), data, rows), bad)

        lines = iter_lines(path, report)
        if first == b"[":
            raise FileFormatError(
                f"{path} is a JSON array; retailpulse reads JSON Lines (one object per line). "
                "Convert it with: jq -c '.[]' file.json > file.jsonl"
            )
        for line in lines:
            if not line.strip():
                continue
            n += 1
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append(BadRow(n, f"is not valid JSON ({exc.msg})", line.rstrip("\r\n")))
                continue
            if not isinstance(obj, dict):
                bad.append(BadRow(n, "is not a JSON object", line.rstrip("\r\n")))
                continue
            for key in obj:
                if key not in columns:
                    columns.append(key)
            records.append(obj)
            rows.append(n)
            if len(rows) + len(bad) >= chunk_rows:
                yield flush()
                records, rows, bad = [], [], []
        if rows or bad:
            yield flush()
        table.columns = columns

    table._reader = read
    return table


def _open_parquet(path: Path) -> TableFile:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise FileFormatError(f"{path} is not a readable Parquet file: {exc}") from exc
    columns = list(pf.schema_arrow.names)
    table = TableFile(path, "parquet", columns, None, None, path.stat().st_size)
    table.decode = DecodeReport(encoding="utf-8")

    def read(chunk_rows: int) -> Iterator[Chunk]:
        start = 0
        for batch in pf.iter_batches(batch_size=chunk_rows):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            frame = frame.with_columns(
                [
                    pl.col(c).cast(pl.Utf8)
                    for c, t in frame.schema.items()
                    if not (t == pl.Datetime or t == pl.Date)
                ]
            )
            n = frame.height
            frame = frame.with_columns(
                pl.Series(ROW, range(start + 1, start + n + 1), dtype=pl.Int64)
            ).select([ROW, *columns])
            start += n
            assert table.decode is not None
            table.decode.bytes_read = int(table.size * start / max(pf.metadata.num_rows, 1))
            yield Chunk(frame)

    table._reader = read
    return table


def _open_xlsx(path: Path, sheet: str | None) -> TableFile:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        ws = wb.get_sheet_by_name(sheet) if sheet else wb.get_sheet_by_index(0)
        values = ws.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for broken files
        raise FileFormatError(f"{path} is not a readable spreadsheet: {exc}") from exc
    values = [r for r in values if any(_cell(v) is not None for v in r)]
    if not values:
        raise InputError(f"{path} is empty: its first sheet needs a header row and data rows.")
    columns = [str(_cell(v) or f"column_{i + 1}").strip() for i, v in enumerate(values[0])]
    body = values[1:]
    table = TableFile(path, "xlsx", columns, None, None, path.stat().st_size)
    table.decode = DecodeReport(encoding="xlsx")

    def read(chunk_rows: int) -> Iterator[Chunk]:
        for start in range(0, len(body), chunk_rows):
            part = body[start : start + chunk_rows]
            data = [
                [_cell(r[i]) if i < len(r) else None for r in part] for i in range(len(columns))
            ]
            rows = list(range(start + 1, start + len(part) + 1))
            assert table.decode is not None
            table.decode.bytes_read = int(table.size * (start + len(part)) / len(body))
            yield Chunk(_frame(columns, data, rows))

    table._reader = read
    return table


def open_table(
    path: str | Path,
    *,
    format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    fast: bool = True,
) -> TableFile:
    """Open an input file for chunked reading; the format comes from the suffix unless given.

    Clean UTF-8 delimited files go through pyarrow's CSV reader; should it meet a malformed
    row it raises :class:`RaggedFile` and the caller opens the file again with ``fast=False``,
    the exact line-by-line reader that quarantines such rows with their row numbers.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"The file {p} does not exist. Check the path.")
    if p.is_dir():
        raise InputError(f"{p} is a folder; give the path of a file inside it.")
    fmt = format or FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise FileFormatError(
            f"Cannot tell the format of {p} from its suffix '{p.suffix}'. Use one of "
            f"{', '.join(sorted(set(FORMATS)))} or pass --format csv|tsv|jsonl|parquet|xlsx."
        )
    if p.stat().st_size == 0:
        raise InputError(f"{p} is empty: it needs a header row and at least one data row.")
    if fmt in ("csv", "tsv"):
        return _open_delimited(p, fmt, delimiter, encoding, fast)
    if fmt == "jsonl":
        return _open_jsonl(p, encoding)
    if fmt == "parquet":
        return _open_parquet(p)
    if fmt == "xlsx":
        return _open_xlsx(p, sheet)
    raise FileFormatError(
        f"The format must be one of csv, tsv, jsonl, parquet, xlsx. Got {fmt!r} instead."
    )
