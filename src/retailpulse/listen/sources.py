"""Sources: where records come from. A Source yields frames of canonical records.

The built-in ``file`` source wraps the importers; platform connectors (``listen/platforms``)
and plugins register further sources through the ``register_sources`` hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

import polars as pl

from retailpulse.hookspecs import hookimpl
from retailpulse.listen.files import ROW, open_table
from retailpulse.listen.mapping import mapped
from retailpulse.schema import get_kind


@runtime_checkable
class Source(Protocol):
    """Anything that yields (kind, frame) pairs of canonical records."""

    name: ClassVar[str]
    description: ClassVar[str]

    def read(self) -> Iterator[tuple[str, pl.DataFrame]]:
        """Yield (kind name, frame with the kind's field names as columns)."""
        ...


class FileSource:
    """Records from a CSV, TSV, JSONL, Parquet or XLSX file (unvalidated; see importer)."""

    name: ClassVar[str] = "file"
    description: ClassVar[str] = "CSV, TSV, JSONL, Parquet or XLSX files, with column mappings"

    def __init__(self, kind: str, path: str | Path, mapping: dict[str, str] | None = None):
        self.kind = get_kind(kind)
        self.path = Path(path)
        self.mapping = mapping

    def read(self) -> Iterator[tuple[str, pl.DataFrame]]:
        table = open_table(self.path)
        for chunk in table.chunks():
            frame = mapped(self.kind, chunk.frame, self.mapping, file=str(self.path))
            yield self.kind.name, frame.drop(ROW)


@hookimpl
def register_sources() -> list[type[object]]:
    return [FileSource]
