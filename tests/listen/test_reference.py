"""Reference tables read without a database: the importer's columns, checks and row numbers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from retailpulse.errors import FileFormatError, InputError, MissingColumnError, UnknownKindError
from retailpulse.listen.mapping import resolve_columns
from retailpulse.listen.reference import read_reference
from retailpulse.schema import STAFF


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_are_mapped_and_bad_rows_explained(tmp_path: Path) -> None:
    f = write(
        tmp_path / "staff.csv",
        "Staff ID,Name,Aliases\nE1,Rina,Mbak Rina\nE2,,\nE3,Budi,\n,Tono,\n",
    )
    got = read_reference("staff", f)
    assert got.valid.columns == ["staff_id", "name", "aliases", "store_id", "role"]
    assert got.valid.select("staff_id", "name", "aliases").rows() == [
        ("E1", "Rina", "Mbak Rina"),
        ("E3", "Budi", None),
    ]
    assert got.errors.select("row", "reason").rows() == [
        (2, "'name' is required but empty"),
        (4, "'staff_id' is required but empty"),
    ]


def test_the_last_row_of_a_repeated_key_wins_as_in_an_import(tmp_path: Path) -> None:
    f = write(tmp_path / "p.csv", "sku,name\nP1,Kemeja\nP2,Celana\nP1,Kemeja Linen\n")
    got = read_reference("products", f)
    assert got.valid.select("sku", "name").rows() == [("P2", "Celana"), ("P1", "Kemeja Linen")]
    assert got.errors.select("row", "field", "value").rows() == [(1, "sku", "P1")]
    assert "row 3, which is kept" in got.errors["reason"][0]


def test_formats_other_than_csv(tmp_path: Path) -> None:
    frame = pl.DataFrame({"store_id": ["S1", "S2"], "name": ["Toko Sudirman", "Toko Thamrin"]})
    frame.write_parquet(tmp_path / "s.parquet")
    frame.write_ndjson(tmp_path / "s.jsonl")
    write(tmp_path / "s.tsv", "store_id\tname\nS1\tToko Sudirman\nS2\tToko Thamrin\n")
    for name in ("s.parquet", "s.jsonl", "s.tsv"):
        got = read_reference("stores", tmp_path / name)
        assert got.valid.select("store_id", "name").rows() == frame.rows(), name
        assert got.errors.is_empty(), name


def test_rows_the_reader_cannot_split_are_error_lines(tmp_path: Path) -> None:
    f = write(tmp_path / "p.csv", "sku,name\nP1,a,b\nP2,Celana\n")
    got = read_reference("products", f)
    assert got.valid["sku"].to_list() == ["P2"]
    assert got.errors.select("row", "field", "value").rows() == [(1, "", "P1,a,b")]
    assert "has 3 fields where the header has 2" in got.errors["reason"][0]


def test_a_missing_required_column_names_file_and_field(tmp_path: Path) -> None:
    f = write(tmp_path / "staff.csv", "staff_id,aliases\nE1,Rina\n")
    with pytest.raises(MissingColumnError) as exc:
        read_reference("staff", f)
    assert "staff.csv" in exc.value.message and "'name'" in exc.value.message


def test_the_fixes_named_are_in_the_file_not_options_of_import(tmp_path: Path) -> None:
    """(read_reference serves enrich-file, which has no --map, --delimiter or --format)"""
    f = write(tmp_path / "staff.csv", "id,nama\nE1,Rina\n")
    with pytest.raises(MissingColumnError) as exc:
        read_reference("staff", f)
    assert "no column 'staff_id', 'name'" in exc.value.message
    assert "Rename the columns in the file to 'staff_id', 'name'." in exc.value.message
    assert [d["field"] for d in exc.value.details] == ["staff_id", "name"]
    # (the reader finds the delimiter itself; a header it cannot split is one column)
    with pytest.raises(MissingColumnError, match="save it comma-separated") as one:
        resolve_columns(STAFF, ["staff_id;name"], None, file="x.csv", import_options=False)
    assert "--delimiter" not in one.value.message
    f = write(tmp_path / "staff.dat", "staff_id,name\nE1,Rina\n")
    with pytest.raises(FileFormatError, match=r"Save it as one of .*\.csv"):
        read_reference("staff", f)
    for path in (tmp_path / "staff.csv", tmp_path / "staff.dat"):
        with pytest.raises(InputError) as err:
            read_reference("staff", path)
        assert not any(o in err.value.message for o in ("--map", "--delimiter", "--format"))


def test_a_header_without_rows_and_an_empty_file_give_nothing(tmp_path: Path) -> None:
    for f in (write(tmp_path / "h.csv", "sku,name\n"), write(tmp_path / "e.csv", "")):
        got = read_reference("products", f)
        assert got.valid.is_empty() and got.errors.is_empty()
        assert got.valid.columns == ["sku", "name", "aliases", "category", "price"]


def test_only_reference_kinds_and_existing_files(tmp_path: Path) -> None:
    f = write(tmp_path / "m.csv", "text\nhello\n")
    with pytest.raises(UnknownKindError, match="products, stores, staff"):
        read_reference("messages", f)
    with pytest.raises(InputError, match="does not exist"):
        read_reference("products", tmp_path / "none.csv")
