"""Exported demo files import cleanly: every row valid, nothing quarantined, texts intact."""

from __future__ import annotations

from pathlib import Path

import retailpulse
from retailpulse.demo import DemoData, export
from retailpulse.schema import IMPORT_ORDER


def test_a_slice_of_every_kind_imports_without_quarantine(small: DemoData, tmp_path: Path) -> None:
    # every 25th row keeps all kinds of values while keeping the test quick
    sliced = {kind: small[kind].gather_every(25) for kind in small}
    export(sliced, tmp_path / "files")
    rp = retailpulse.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        for kind in IMPORT_ORDER:
            report = rp.import_file(kind, tmp_path / "files" / f"{kind}.csv")
            assert report.quarantined == 0, (kind, report.quarantine_file)
            assert report.imported == sliced[kind].height, kind
        stored = rp.frame("messages").sort("external_id")
        expected = sliced["messages"].sort("external_id")
        assert stored["text"].to_list() == expected["text"].to_list()
        assert stored["created_at"].equals(expected["created_at"])
        assert stored["parent_id"].to_list() == expected["parent_id"].to_list()
        nps = rp.frame("surveys").sort("response_id")["nps"]
        assert nps.equals(sliced["surveys"].sort("response_id")["nps"])
    finally:
        rp.close()
