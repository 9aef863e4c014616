from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from retailpulse.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_import_status_export(db_url: str, tmp_path: Path) -> None:
    f = tmp_path / "m.csv"
    f.write_text(
        "Platform,External ID,Created At,Message Body\n"
        "instagram,1,2024-01-01T10:00:00+08:00,好看\n"
        "ig,2,2024-01-02,Bagus bgt kak\n",
        encoding="utf-8",
    )
    code, out = run(
        "import", "messages", str(f), "--map", "Message Body=text", "--db", db_url, "--json"
    )
    assert code == 0, out
    report = json.loads(out)
    assert (report["imported"], report["rows_read"]) == (2, 2)
    code, out = run("status", "--db", db_url, "--json")
    assert json.loads(out)["counts"]["messages"] == 2
    assert json.loads(out)["needs_enrichment"] == 2
    code, out = run("export", "messages", "-o", str(tmp_path / "o.csv"), "--db", db_url)
    assert code == 0 and "Wrote 2 messages" in out


def test_errors_are_one_line_with_the_fix(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    code, out = run("import", "tweets", str(tmp_path / "a.csv"), "--db", db)
    assert code == 1 and "Unknown kind 'tweets'" in out and "Traceback" not in out
    code, out = run("import", "messages", str(tmp_path / "missing.csv"), "--db", db)
    assert code == 1 and "does not exist" in out
    code, out = run("status", "--db", "postgresql://u:secret@127.0.0.1:9/x")
    assert code == 1 and "database_url" in out and "secret" not in out
    code, out = run("import", "messages", str(tmp_path / "a.csv"), "--map", "oops", "--db", db)
    assert code == 1 and "--map takes column=field" in out


def test_plugins_kinds_settings() -> None:
    code, out = run("plugins")
    assert code == 0 and "retailpulse.listen.sources (built-in): register_sources" in out
    code, out = run("kinds")
    assert "messages (key: platform, external_id)" in out
    code, out = run("settings", "--json")
    assert any(s["name"] == "database_url" for s in json.loads(out))
