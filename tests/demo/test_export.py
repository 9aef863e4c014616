"""Export writes one import-ready CSV per kind, byte-identical for the same seed."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import polars as pl
import pytest

from retailpulse.demo import DemoData, export
from retailpulse.errors import InputError
from retailpulse.schema import KINDS


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.glob("*.csv")}


def test_one_csv_per_kind_with_schema_headers(small: DemoData, tmp_path: Path) -> None:
    paths = export(small, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {f"{k}.csv" for k in KINDS}
    for kind, path in paths.items():
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert header == list(KINDS[kind].field_names)
        back = pl.read_csv(path, infer_schema=False)
        assert back.height == small[kind].height, kind


def test_datetimes_are_iso_8601_utc_with_z(small: DemoData, tmp_path: Path) -> None:
    export(small, tmp_path)
    back = pl.read_csv(tmp_path / "messages.csv", infer_schema=False)
    stamps = back["created_at"]
    assert stamps.str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$").all()
    parsed = stamps.str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ", time_unit="us").dt.replace_time_zone(
        "UTC"
    )
    assert parsed.equals(small["messages"]["created_at"], check_names=False)


def test_texts_survive_the_round_trip(small: DemoData, tmp_path: Path) -> None:
    export(small, tmp_path)
    back = pl.read_csv(tmp_path / "messages.csv", infer_schema=False)
    assert back["text"].to_list() == small["messages"]["text"].to_list()


def test_same_seed_same_bytes(small: DemoData, small_again: DemoData, tmp_path: Path) -> None:
    export(small, tmp_path / "a")
    export(small_again, tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_a_file_where_the_directory_should_be(small: DemoData, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(InputError, match="must be a directory"):
        export(small, target)


def test_frames_with_other_columns_or_unknown_kinds_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="exactly the columns"):
        export({"stores": pl.DataFrame({"store_id": ["a"]})}, tmp_path)
    with pytest.raises(InputError, match="only kinds in"):
        export({"shops": pl.DataFrame({"store_id": ["a"]})}, tmp_path)
