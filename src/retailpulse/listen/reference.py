"""Reference tables (products, stores, staff) read from a file into memory, without a database.

:func:`read_reference` takes the importer's reading path: the file is opened by
:func:`~retailpulse.listen.files.open_table` (CSV, TSV, JSONL, Parquet or XLSX), its columns are
mapped by :func:`~retailpulse.listen.mapping.resolve_columns` (the same synonyms, and the same
error naming a missing required column) and its rows checked by
:func:`~retailpulse.listen.validate.validate`. What ``retailpulse import`` would quarantine comes
back as error lines instead of a quarantine file, and a key repeated in the file keeps its last
row, as an import does. ``retailpulse enrich-file --products/--stores/--staff`` builds its entity
catalog this way.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from retailpulse.errors import FileFormatError, UnknownKindError
from retailpulse.listen.files import FORMATS, ROW, BadRow, RaggedFile, TableFile, open_table
from retailpulse.listen.mapping import mapped, resolve_columns
from retailpulse.listen.validate import ERROR_SCHEMA, Validated, validate
from retailpulse.schema import RecordKind, get_kind

#: The kinds :func:`read_reference` reads: the tables the entity catalog is built from.
REFERENCE_KINDS = ("products", "stores", "staff")


def read_reference(
    kind: str, path: str | Path, *, mapping: dict[str, str] | None = None
) -> Validated:
    """The valid rows of a products, stores or staff file and an error line per problem.

    ``valid`` has the kind's fields as columns, typed, one row per key (the last row of a key
    wins). ``errors`` has ``row, field, reason, value`` (row: the 1-based data row of the file),
    sorted by row: rows that failed validation, rows that could not be split into the header's
    columns, and rows whose key comes again later. An empty (0-byte) file gives no rows and no
    errors. Raises :class:`~retailpulse.errors.InputError` (a missing file, an unknown format,
    a missing required column) with a message that names the fix.
    """
    k = _reference_kind(kind)
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise FileFormatError(
            f"Cannot tell the format of {p} from its suffix '{p.suffix}'. Save it as one of "
            f"{', '.join(sorted(set(FORMATS)))}."
        )
    if p.is_file() and p.stat().st_size == 0:
        valid = _no_rows(k).select(k.field_names)
        return Validated(valid=valid, errors=pl.DataFrame(schema=ERROR_SCHEMA))
    table = open_table(p)
    try:
        valid, errors = _read(k, table, mapping)
    except RaggedFile:
        # a malformed row: read again with the exact reader, which reports it with its number
        table = open_table(p, delimiter=table.delimiter, fast=False)
        valid, errors = _read(k, table, mapping)
    kept, repeated = _last_per_key(k, valid)
    errors = pl.concat([errors, repeated]).sort("row", maintain_order=True)
    return Validated(valid=kept.select(k.field_names), errors=errors)


def _reference_kind(kind: str) -> RecordKind:
    k = get_kind(kind)
    if k.name not in REFERENCE_KINDS:
        raise UnknownKindError(
            f"'{kind}' is not a reference table. Use one of: {', '.join(REFERENCE_KINDS)}.",
            field="kind",
        )
    return k


def _no_rows(k: RecordKind) -> pl.DataFrame:
    """An empty frame with the columns and types :func:`validate` gives ``k``."""
    return validate(k, pl.DataFrame(schema={ROW: pl.Int64})).valid


def _read(
    k: RecordKind, table: TableFile, mapping: dict[str, str] | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid rows with their ``__row``, error lines) of every chunk of ``table``."""
    file = str(table.path)
    if table.columns:
        # a file whose header lacks a required column fails even when it has no data row
        resolve_columns(
            k, table.columns, mapping, file=file, delimiter=table.delimiter, import_options=False
        )
    valid = [_no_rows(k)]
    errors = [pl.DataFrame(schema=ERROR_SCHEMA)]
    for chunk in table.chunks():
        errors.append(_bad_rows(chunk.bad))
        if chunk.frame.height:
            frame = mapped(
                k, chunk.frame, mapping, file=file, delimiter=table.delimiter, import_options=False
            )
            checked = validate(k, frame)
            valid.append(checked.valid)
            errors.append(checked.errors)
    return pl.concat(valid), pl.concat(errors)


def _bad_rows(bad: list[BadRow]) -> pl.DataFrame:
    """Rows the reader could not split (wrong number of fields, not JSON) as error lines."""
    return pl.DataFrame(
        {
            "row": [b.row for b in bad],
            "field": [""] * len(bad),
            "reason": [b.reason for b in bad],
            "value": [b.text for b in bad],
        },
        schema=ERROR_SCHEMA,
    )


def _last_per_key(k: RecordKind, valid: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the last row of each key, an error line for each earlier row of a repeated key)."""
    key = list(k.key)
    names = ", ".join(key)
    marked = valid.with_columns(pl.col(ROW).max().over(key).alias("__kept"))
    earlier = marked.filter(pl.col(ROW) != pl.col("__kept"))
    repeated = earlier.select(
        pl.col(ROW).alias("row"),
        pl.lit(names).alias("field"),
        pl.format(f"'{names}' comes again in row {{}}, which is kept", pl.col("__kept")).alias(
            "reason"
        ),
        pl.concat_str([pl.col(c).cast(pl.Utf8) for c in key], separator="|").alias("value"),
    )
    kept = marked.filter(pl.col(ROW) == pl.col("__kept")).drop("__kept")
    return kept, repeated
