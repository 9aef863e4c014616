"""Map an input file's columns onto a record kind's fields.

File columns match fields by name, ignoring case, spaces and hyphens ("Created At" →
``created_at``); ``--map col=field`` and ``--mapping FILE`` (JSON or TOML ``{"col": "field"}``)
override. Columns that match no field are kept, as JSON, in the record's ``raw`` column.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from retailpulse.errors import InputError, MissingColumnError
from retailpulse.listen.files import DELIMITERS, ROW
from retailpulse.schema import RecordKind


def normalise_name(name: str) -> str:
    return re.sub(r"[\s\-./]+", "_", name.strip().lower()).strip("_")


def parse_map_options(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``("Col A=text", ...)`` → ``{"Col A": "text"}``."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(
                f"--map takes column=field (e.g. --map 'Message Body=text'). Got {pair!r} instead.",
                field="map",
            )
        col, fld = pair.split("=", 1)
        out[col.strip()] = fld.strip()
    return out


def load_mapping_file(path: str | Path) -> dict[str, str]:
    p = Path(path)
    if not p.exists():
        raise InputError(f"The mapping file {p} does not exist. Check the path.")
    text = p.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            f"The mapping file {p} must be JSON (or TOML) of the form "
            f'{{"file column": "field"}}: {exc}'
        ) from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise InputError(f"The mapping file {p} must map column names to field names as strings.")
    return {str(k): str(v) for k, v in data.items()}


@dataclass
class ColumnPlan:
    renames: dict[str, str]
    extras: list[str]

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        exprs = [pl.col(ROW)] + [pl.col(src).alias(dst) for src, dst in self.renames.items()]
        if self.extras == ["raw"]:
            raw = pl.col("raw").cast(pl.Utf8).alias("raw")  # our own export, imported back
        elif self.extras:
            raw = pl.struct([pl.col(c) for c in self.extras]).struct.json_encode().alias("raw")
        else:
            raw = pl.lit(None, dtype=pl.Utf8).alias("raw")
        return frame.select([*exprs, raw])


def resolve_columns(
    kind: RecordKind,
    columns: list[str],
    mapping: dict[str, str] | None,
    *,
    file: str,
    delimiter: str | None = None,
    import_options: bool = True,
) -> ColumnPlan:
    """Decide which file column feeds which field; raise naming any missing required field
    (with ``import_options=False``, the fix the message names is in the file, not an option of
    ``retailpulse import``)."""
    mapping = mapping or {}
    fields = set(kind.field_names)
    for col, fld in mapping.items():
        if fld not in fields:
            close = difflib.get_close_matches(fld, sorted(fields), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise InputError(
                f"--map {col}={fld}: '{fld}' is not a field of {kind.name}. "
                f"Fields: {', '.join(kind.field_names)}.{hint}",
                field="map",
            )
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for col in columns:
        if col in mapping:
            renames[col] = mapping[col]
            taken.add(mapping[col])
    for col in columns:
        if col in renames:
            continue
        norm = normalise_name(col)
        if norm in fields and norm not in taken:
            renames[col] = norm
            taken.add(norm)
    extras = [c for c in columns if c not in renames and c != ROW]
    missing = [f for f in kind.required if f not in taken]
    if missing:
        raise MissingColumnError(
            _missing_message(kind, missing, columns, file, delimiter, import_options),
            field=missing[0],
            details=[{"field": m, "reason": "missing column"} for m in missing],
        )
    return ColumnPlan(renames, extras)


def mapped(
    kind: RecordKind,
    frame: pl.DataFrame,
    mapping: dict[str, str] | None,
    *,
    file: str,
    delimiter: str | None = None,
    import_options: bool = True,
) -> pl.DataFrame:
    """A chunk of a file (its columns and the row numbers ``ROW``) with the kind's field names
    as columns: :func:`resolve_columns` on its columns, applied (unvalidated)."""
    columns = [c for c in frame.columns if c != ROW]
    plan = resolve_columns(
        kind, columns, mapping, file=file, delimiter=delimiter, import_options=import_options
    )
    return plan.apply(frame)


def _missing_message(
    kind: RecordKind,
    missing: list[str],
    columns: list[str],
    file: str,
    delimiter: str | None,
    import_options: bool = True,
) -> str:
    names = ", ".join(f"'{m}'" for m in missing)
    msg = f"{file} has no column {names}, which {kind.name} need."
    if len(columns) == 1:
        other = [d for d in DELIMITERS if d != delimiter and d in columns[0]]
        if other:
            shown = "\\t" if other[0] == "\t" else other[0]
            fix = (
                f"pass --delimiter '{shown}'"
                if import_options
                else "save it comma-separated (.csv) or tab-separated (.tsv)"
            )
            return (
                msg + f" Its header reads as one column, so its delimiter is probably {shown!r}: "
                f"{fix}."
            )
    found = ", ".join(columns[:12]) + (" ..." if len(columns) > 12 else "")
    if not import_options:
        return msg + f" Columns found: {found}. Rename the columns in the file to {names}."
    hints = []
    for m in missing:
        close = difflib.get_close_matches(m, [normalise_name(c) for c in columns], n=1, cutoff=0.5)
        if close:
            original = next(c for c in columns if normalise_name(c) == close[0])
            hints.append(f"--map '{original}={m}'")
    hint = (
        f" Try {' '.join(hints)}." if hints else f" Map one with --map 'your column={missing[0]}'."
    )
    return msg + f" Columns found: {found}.{hint}"
