"""`newsdiff worker` refuses what it cannot work with in one line (issue 17, bad input), and
`newsdiff poll` and `newsdiff db upgrade` refuse to run beside workers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import Result
from sqlalchemy.engine import make_url

from newsdiff.collect.lock import ADVISORY_KEY
from newsdiff.workers.schema import conninfo
from tests.test_cli import run
from tests.workers.conftest import PG_URL, query


def one_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def env_for(url: str) -> dict[str, str]:
    return {"NEWSDIFF_DATABASE_URL": url}


def test_sqlite_is_bad_config(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nd.sqlite'}"
    assert run("init", env=env_for(url)).exit_code == 0
    result = run("worker", env=env_for(url))
    assert result.exit_code == 2
    line = one_line(result)
    assert "database.url" in line and "needs PostgreSQL" in line and "newsdiff poll" in line


def test_unknown_queue_is_bad_usage(pg_url: str) -> None:
    result = run("worker", "--queues", "feeds,nope", env=env_for(pg_url))
    assert result.exit_code == 2
    assert "unknown queue 'nope'" in one_line(result)


@pytest.fixture
def empty_schema_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("NEWSDIFF_TEST_DATABASE_URL not set")
    schema = f"nd_w_empty_{os.getpid()}"
    url = (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg")
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    query(url, f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    yield url
    query(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_an_unmigrated_database_is_refused(empty_schema_url: str) -> None:
    result = run("worker", env=env_for(empty_schema_url))
    assert result.exit_code == 1
    assert "not initialised: run `newsdiff init`" in one_line(result)


def test_a_newer_database_is_refused(pg_url: str) -> None:
    (current,) = query(pg_url, "SELECT version_num FROM alembic_version")[0]
    query(pg_url, "UPDATE alembic_version SET version_num = '9999'")
    try:
        result = run("worker", env=env_for(pg_url))
    finally:
        query(pg_url, "UPDATE alembic_version SET version_num = %s", current)
    assert result.exit_code == 1
    assert "unknown to this newsdiff (too new?): upgrade newsdiff" in one_line(result)


@pytest.mark.parametrize(
    ("recorded", "message"),
    [
        ("99.0.0", "newer than this newsdiff's"),
        ("3.0.0", "stop every worker, then run `newsdiff db upgrade`"),
    ],
)
def test_a_queue_of_another_procrastinate_is_refused(
    pg_url: str, recorded: str, message: str
) -> None:
    (current,) = query(
        pg_url, "SELECT version FROM newsdiff_worker_schema WHERE component = 'procrastinate'"
    )[0]
    query(
        pg_url,
        "UPDATE newsdiff_worker_schema SET version = %s WHERE component = 'procrastinate'",
        recorded,
    )
    try:
        result = run("worker", env=env_for(pg_url))
    finally:
        query(
            pg_url,
            "UPDATE newsdiff_worker_schema SET version = %s WHERE component = 'procrastinate'",
            current,
        )
    assert result.exit_code == 1
    assert message in one_line(result)


def test_poll_and_upgrade_refuse_beside_workers(pg_url: str) -> None:
    """A worker holds the poll lock shared (as every running worker does): poll stops at once,
    status 0 as beside another poll; db upgrade refuses (exit 1)."""
    with psycopg.connect(conninfo(pg_url), autocommit=True) as worker:
        worker.execute("SELECT pg_advisory_lock_shared(%s)", (ADVISORY_KEY,))
        result = run("poll", env=env_for(pg_url))
        assert result.exit_code == 0
        last = result.output.strip().splitlines()[-1]  # after the example user agent's warning
        assert "1 `newsdiff worker` process polls this database; not starting" in last
        result = run("db", "upgrade", env=env_for(pg_url))
        assert result.exit_code == 1
        assert "stop them all, then upgrade" in one_line(result)
    result = run("db", "upgrade", env=env_for(pg_url))
    assert result.exit_code == 0, result.output
