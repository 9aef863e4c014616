"""Shared fixtures: every store test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from RETAILPULSE_TEST_DATABASE_URL if set, else a throwaway server started
for the session (see tests/_postgres.py). It is never skipped: no server means a failed run
that says why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import retailpulse
from retailpulse.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    from _postgres import throwaway_postgres

    with throwaway_postgres() as url:
        yield url


def _fresh_postgres_db(server_url: str) -> str:
    name = "rp_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: one SQLite file, or one new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return _fresh_postgres_db(request.getfixturevalue("postgres_server_url"))


@pytest.fixture
def rp(db_url: str, tmp_path: Path) -> Iterator[Workspace]:
    """A workspace on a fresh database, quarantining into tmp_path."""
    ws = retailpulse.open(db_url, env={"RETAILPULSE_QUARANTINE_DIR": str(tmp_path / "quarantine")})
    yield ws
    ws.close()


@pytest.fixture
def sqlite_rp(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace on SQLite only (for tests about files, not about the database)."""
    ws = retailpulse.open(
        f"sqlite:///{tmp_path / 'only.db'}",
        env={"RETAILPULSE_QUARANTINE_DIR": str(tmp_path / "quarantine")},
    )
    yield ws
    ws.close()


@pytest.fixture(autouse=True)
def _no_user_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("RETAILPULSE_") and key != "RETAILPULSE_TEST_DATABASE_URL":
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The small demo retailer, built once per session through `retailpulse demo --no-serve`."""
    from click.testing import CliRunner

    from retailpulse.cli import main

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--db", url])
    assert result.exit_code == 0, result.output
    return url
