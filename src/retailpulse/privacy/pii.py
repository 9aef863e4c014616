"""Personal data: normalise emails and phones, hash them with a key for matching, mask them
for display. The keyed hash (HMAC-SHA256) lets identity matching compare values without
showing them, and without a rainbow table being of use to anyone who copies the database alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl

_PHONE_JUNK = re.compile(r"[^\d+]")


def normalise_email(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    return v or None


def normalise_phone(value: str | None) -> str | None:
    """Digits with an optional leading '+'; '00' international prefix becomes '+'."""
    if value is None:
        return None
    v = _PHONE_JUNK.sub("", value.strip())
    if v.startswith("00"):
        v = "+" + v[2:]
    v = v[0] + v[1:].replace("+", "") if v else v
    return v or None


def keyed_hash(value: str | None, key: bytes) -> str | None:
    if value is None:
        return None
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_email(value: str | None) -> str | None:
    """``jane.doe@example.com`` → ``j•••@example.com``."""
    if not value:
        return value
    local, _, domain = value.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def mask_phone(value: str | None) -> str | None:
    """``+6281234567890`` → ``•••7890``."""
    if not value:
        return value
    return "•••" + value[-4:]


def normalise_and_hash(frame: pl.DataFrame, column: str, kind: str, key: bytes) -> pl.DataFrame:
    """Replace ``column`` by its normalised form and add ``<column>_hash``."""
    norm = normalise_email if kind == "email" else normalise_phone
    values = [norm(v) for v in frame.get_column(column).to_list()]
    hashes = [keyed_hash(v, key) for v in values]
    return frame.with_columns(
        pl.Series(column, values, dtype=pl.Utf8),
        pl.Series(f"{column}_hash", hashes, dtype=pl.Utf8),
    )
