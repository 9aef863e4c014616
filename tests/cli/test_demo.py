from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

import retailpulse
from retailpulse.cli import main


def test_demo_imports_every_kind_and_is_idempotent(demo_db: str) -> None:
    rp = retailpulse.open(demo_db)
    counts = rp.status()["counts"]
    assert counts["customers"] >= 15_000 and counts["messages"] >= 40_000
    assert all(n > 0 for n in counts.values()), counts
    langs = set(rp.frame("messages").get_column("language").drop_nulls().unique().to_list())
    assert {"en", "id"} <= langs
    assert rp.db.count("import_runs") == len(counts)
    rp.close()


def test_demo_export_writes_importable_files(tmp_path: Path) -> None:
    out = tmp_path / "files"
    result = CliRunner().invoke(main, ["demo", "--export", str(out), "--size", "small"])
    assert result.exit_code == 0, result.output
    names = sorted(p.stem for p in out.glob("*.csv"))
    assert names == sorted(retailpulse.KINDS)
    header = pl.read_csv(out / "messages.csv", n_rows=1).columns
    assert header == list(retailpulse.KINDS["messages"].field_names)
