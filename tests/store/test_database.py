from __future__ import annotations

from pathlib import Path

import pytest

from retailpulse.errors import ConfigError, DatabaseUnreachable
from retailpulse.store.database import Database, normalise_url
from retailpulse.store.migrate import current_revision, head_revision
from retailpulse.workspace import Workspace


def test_open_migrates_to_head(rp: Workspace) -> None:
    assert current_revision(rp.db) == head_revision(rp.db)
    assert rp.db.count("messages") == 0


def test_reopen_is_idempotent(db_url: str) -> None:
    first = Database.open(db_url)
    first.close()
    second = Database.open(db_url)
    assert current_revision(second) == head_revision(second)
    second.close()


def test_sqlite_folder_missing_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnreachable) as err:
        Database.open(f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert "database_url" in err.value.message
    assert "RETAILPULSE_DATABASE_URL" in err.value.message


def test_unreachable_postgres_names_the_setting_and_hides_password() -> None:
    with pytest.raises(DatabaseUnreachable) as err:
        Database.open("postgresql://bob:hunter2@127.0.0.1:9/nowhere")
    message = err.value.message
    assert "database_url" in message and "RETAILPULSE_DATABASE_URL" in message
    assert "hunter2" not in message


def test_urls_people_paste() -> None:
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("demo.db") == "sqlite:///demo.db"
    with pytest.raises(ConfigError, match="must start with sqlite:/// or postgresql://"):
        normalise_url("mysql://u@h/db")
    with pytest.raises(ConfigError, match="is empty"):
        normalise_url("  ")


def test_results_and_meta_round_trip(rp: Workspace) -> None:
    rp.save_result("segments", {"as_of": "2024-01-01"}, {"champions": 12})
    rp.save_result("segments", {"as_of": "2024-02-01"}, {"champions": 15})
    got = rp.load_result("segments")
    assert got is not None
    assert got["payload"] == {"champions": 15} and got["params"] == {"as_of": "2024-02-01"}
    assert rp.load_result("nothing") is None
    key = rp.db.secret()
    assert key == rp.db.secret() and len(key) == 64


def test_audit_log(rp: Workspace) -> None:
    rp.db.audit("admin", "identity.unlink", "c1", reason="wrong person")
    assert rp.db.count("audit_log") == 1
