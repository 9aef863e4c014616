from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from retailpulse.listen.spreadsheet import neutralise, neutralise_frame
from retailpulse.workspace import Workspace


def test_export_neutralises_formulas_and_masks_pii(sqlite_rp: Workspace, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text(
        "customer_id,name,email,phone\n"
        'c1,=HYPERLINK("http://evil"),Ana@Mail.com,+62 812-3456-7890\n'
        "c2,@admin,bo@mail.com,-1234\n",
        encoding="utf-8",
    )
    sqlite_rp.import_file("customers", src)
    out = tmp_path / "out.csv"
    sqlite_rp.export("customers", out)
    frame = pl.read_csv(out).sort("customer_id")
    assert frame.get_column("name").to_list() == ['\'=HYPERLINK("http://evil")', "'@admin"]
    assert frame.get_column("email").to_list() == ["a•••@mail.com", "b•••@mail.com"]
    assert frame.get_column("phone").to_list()[0] == "•••7890"
    full = tmp_path / "full.csv"
    sqlite_rp.export("customers", full, include_pii=True)
    assert (
        pl.read_csv(full).sort("customer_id").get_column("phone").to_list()[0] == "+6281234567890"
    )


def test_export_round_trips_through_import(sqlite_rp: Workspace, tmp_path: Path) -> None:
    src = tmp_path / "m.csv"
    src.write_text(
        "platform,external_id,created_at,text,likes\n"
        "x,1,2024-01-01T10:00:00+07:00,Mantul kak 👍,3\n",
        encoding="utf-8",
    )
    sqlite_rp.import_file("messages", src)
    for suffix in (".csv", ".jsonl", ".parquet"):
        out = tmp_path / f"export{suffix}"
        sqlite_rp.export("messages", out)
        again = sqlite_rp.import_file("messages", out)
        assert (again.imported, again.updated, again.unchanged) == (0, 0, 1), suffix


@given(st.text(max_size=30))
def test_neutralised_cells_never_start_a_formula(value: str) -> None:
    out = neutralise(value)
    number = value.strip() != "" and value.lstrip("+-").replace(".", "", 1).isdigit()
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r")) or number
    frame_out = neutralise_frame(pl.DataFrame({"v": [value]})).item()
    assert frame_out == out or number
