"""Workers run on a real PostgreSQL (``NEWSDIFF_TEST_DATABASE_URL``, in a schema of the session's
own, emptied for each test), with real worker processes (``python -m newsdiff worker``) and
real HTTP sites on loopback addresses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.workers.site import LoopbackSite

PG_URL = os.environ.get("NEWSDIFF_TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]


# fast worker settings: ticks every second, a worker silent 2 s is stalled, a lease of a dead
# worker expires after 2 x fetch.timeout_s
WORKERS = {
    "tick_s": 1,
    "heartbeat_s": 0.5,
    "stalled_after_s": 2.0,
    "shutdown_timeout_s": 2.0,
    "reconnect_max_s": 1.0,
    "host_wait_s": 1.0,
    "concurrency": 4,
}


def admin_dsn() -> str:
    assert PG_URL
    return (
        make_url(PG_URL)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
    )


def database_name() -> str:
    assert PG_URL
    return str(make_url(PG_URL).database)


def admin(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        cur = conn.execute(sql.encode() if not params else sql, params or None)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement on the database at ``url`` (committed); its rows."""
    import psycopg

    from newsdiff.workers.schema import conninfo

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        cur = conn.execute(sql, params or None)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


@pytest.fixture(scope="session")
def session_db() -> Iterator[str]:
    """A schema of the session's own in the test database, first on the search path of every
    connection made with the URL (DROP DATABASE would cost a checkpoint: seconds each)."""
    from newsdiff.store.db import migrate
    from newsdiff.workers.schema import prepare

    if not PG_URL:  # a conftest's pytestmark marks nothing: each test needing it skips here
        pytest.skip("NEWSDIFF_TEST_DATABASE_URL not set")
    schema = f"nd_w_{os.getpid()}"
    base = make_url(PG_URL).set(drivername="postgresql+psycopg")
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )
    query(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    query(url, f'CREATE SCHEMA "{schema}"')
    migrate(url)
    prepare(url)
    yield url
    query(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _empty(url: str) -> None:
    from newsdiff.store.models import Base

    names = [t.name for t in Base.metadata.sorted_tables] + [
        "procrastinate_jobs",
        "procrastinate_events",
        "procrastinate_periodic_defers",
        "procrastinate_workers",
        "newsdiff_host_leases",
        "newsdiff_hosts",
    ]
    query(url, f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")


@pytest.fixture
def pg_url(session_db: str) -> str:
    """The session's database, emptied: newsdiff's schema current, the worker schema
    prepared, no rows, no jobs, no host state."""
    _empty(session_db)
    return session_db


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    s = LoopbackSite("127.0.0.1").start()
    s.set("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    yield s
    s.stop()


@pytest.fixture
def other_site() -> Iterator[LoopbackSite]:
    s = LoopbackSite("127.0.0.2").start()
    s.set("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    yield s
    s.stop()


def wait_for(condition: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
    """Poll ``condition`` until it is truthy (returned) or ``timeout`` passes (fail)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:g}s: {what or condition}")
        time.sleep(0.05)


def write_config(path: Path, url: str, **sections: dict[str, Any]) -> Path:
    """A config file: the database, quick fetches, fast worker settings, and ``sections``."""
    import tomllib  # noqa: F401 - the file must parse; settings_from_dict checks it in the worker

    raw: dict[str, dict[str, Any]] = {
        "database": {"url": url},
        "fetch": {"timeout_s": 3, "user_agent": "newsdiff-test/1.0", "per_host_concurrency": 1},
        "workers": dict(WORKERS),
        "captures": {"enabled": False},
    }
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    lines = []
    for name, values in raw.items():
        lines.append(f"[{name}]")
        for key, value in values.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, str):
                lines.append(f'{key} = "{value}"')
            else:
                lines.append(f"{key} = {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class WorkerProcess:
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def term(self) -> None:
        os.kill(self.proc.pid, signal.SIGTERM)


class Workers:
    """Starts worker processes and makes sure none outlives the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[WorkerProcess] = []

    def start(self, config: Path, *args: str) -> WorkerProcess:
        log = self.tmp_path / f"worker-{len(self.started)}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIFF_")}
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newsdiff", "worker", "--config", str(config), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=ROOT,
                env=env,
            )
        worker = WorkerProcess(proc, log)
        self.started.append(worker)
        return worker

    def stop_all(self) -> None:
        for w in self.started:
            if w.alive():
                w.proc.kill()
            w.proc.wait(10)
            # shown by pytest when the test failed
            print(f"--- worker {w.pid} ---\n{w.text()[-6000:]}")


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    ws = Workers(tmp_path)
    yield ws
    ws.stop_all()
