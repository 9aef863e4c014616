from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from _web_seed import seed
from retailpulse.cli import main


def test_users_add_list_token_and_inbox_sync(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    run = CliRunner().invoke
    r = run(
        main, ["users", "add", "boss", "--role", "admin", "--password", "longenough1", "--db", db]
    )
    assert r.exit_code == 0, r.output
    assert "Added boss (admin)" in r.output
    r = run(
        main, ["users", "add", "boss", "--role", "admin", "--password", "longenough1", "--db", db]
    )
    assert r.exit_code != 0 and "already exists" in r.output
    r = run(
        main, ["users", "add", "shop", "--role", "store", "--password", "longenough1", "--db", db]
    )
    assert r.exit_code != 0 and "needs a store id" in r.output
    r = run(main, ["users", "add", "weak", "--role", "agent", "--password", "short", "--db", db])
    assert r.exit_code != 0 and "at least 8 characters" in r.output
    r = run(main, ["users", "list", "--json", "--db", db])
    assert json.loads(r.output)[0]["username"] == "boss"
    r = run(main, ["users", "token", "boss", "--name", "script", "--db", db])
    assert r.exit_code == 0 and r.output.startswith("rp_")
    r = run(main, ["users", "token", "ghost", "--name", "x", "--db", db])
    assert r.exit_code != 0 and "There is no user 'ghost'" in r.output

    import retailpulse

    ws = retailpulse.open(db)
    seed(ws.db)
    ws.close()
    r = run(main, ["inbox", "sync", "--json", "--db", db])
    assert r.exit_code == 0, r.output
    counts = json.loads(r.output)
    assert counts["created"] == 5 and counts["messages"] == 8
