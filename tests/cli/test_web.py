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


def test_demo_serve_creates_the_demo_admin_and_says_how_to_sign_in(
    tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    import retailpulse
    from retailpulse.cli.web import serve_workspace
    from retailpulse.web import auth

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    ws = retailpulse.open(f"sqlite:///{tmp_path / 'demo.db'}")
    seed(ws.db)
    serve_workspace(ws, host="127.0.0.1", port=8799, demo=True)
    out = capsys.readouterr().out
    password = out.split("with the password: ")[1].split()[0]
    assert "Sign in at http://127.0.0.1:8799/login as 'demo'" in out
    assert auth.authenticate(ws.db, "demo", password) is not None
    assert served and served[0][1]["port"] == 8799  # type: ignore[index]
    serve_workspace(ws, host="127.0.0.1", port=8799, demo=True)  # again: password reset
    again = capsys.readouterr().out.split("with the password: ")[1].split()[0]
    assert again != password and auth.authenticate(ws.db, "demo", password) is None
    ws.close()
