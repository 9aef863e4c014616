"""Neutralise spreadsheet formulas in exported cells (CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is run as a
formula by Excel, LibreOffice and Google Sheets. Exports prefix such text cells with a single
quote, which spreadsheets show as plain text. Numbers stay numbers.
"""

from __future__ import annotations

import re

import polars as pl

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: str) -> str:
    if value and value.startswith(_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The same rule applied to every text column of a frame."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Utf8:
            col = pl.col(name)
            risky = col.str.contains(r"^[=+\-@\t\r]") & ~col.str.contains(_NUMBER.pattern)
            exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)
