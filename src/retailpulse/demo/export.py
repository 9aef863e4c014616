"""Write a generated demo as import files: one CSV per kind, ``<kind>.csv``.

Columns are the schema's field names in schema order; datetimes are ISO 8601 in UTC with a
'Z' suffix; booleans are ``true``/``false``; missing values are empty cells. The bytes depend
only on the data, so the same seed exports the same files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from retailpulse.errors import InputError
from retailpulse.schema import KINDS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.6fZ"


def export(data: Mapping[str, pl.DataFrame], directory: str | Path) -> dict[str, Path]:
    """Write ``<kind>.csv`` for every kind in ``data``; returns kind -> path."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(
            f"The 'directory' parameter of export must be a directory. '{out}' is a file: "
            "choose another path.",
            field="directory",
        )
    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise InputError(
            f"The 'data' parameter of export must hold only kinds in {sorted(KINDS)}. "
            f"Got {unknown} instead.",
            field="data",
        )
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, frame in data.items():
        names = list(KINDS[kind].field_names)
        if list(frame.columns) != names:
            raise InputError(
                f"The '{kind}' frame must have exactly the columns {names}. "
                f"Got {list(frame.columns)} instead.",
                field=kind,
            )
        path = out / f"{kind}.csv"
        tmp = path.with_suffix(".csv.tmp")
        frame.with_columns(
            pl.col(pl.Datetime).dt.convert_time_zone("UTC").dt.strftime(DATETIME_FORMAT)
        ).write_csv(tmp, line_terminator="\n")
        tmp.replace(path)
        paths[kind] = path
    return paths
