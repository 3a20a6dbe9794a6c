"""Faults with real worker processes on real PostgreSQL and a real HTTP site (issue 17, item 4):
kill -9 mid-job loses nothing and stores no version twice, a dead worker's host lease expires,
SIGTERM hands running jobs back within a bounded time, a worker that loses the database
reconnects."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg

from newsdiff.workers.schema import conninfo
from tests.workers.conftest import Workers, admin, database_name, query, wait_for, write_config
from tests.workers.helpers import job_rows, outcomes, page, track, versions
from tests.workers.site import LoopbackSite


def test_kill_9_mid_fetch_loses_nothing_and_the_lease_expires(
    site: LoopbackSite, pg_url: str, workers: Workers, tmp_path: Path
) -> None:
    """A worker killed while its request hangs: the job runs again on another worker (stalled
    job handling), the host stays closed until the dead worker's lease expires (one request at
    a time to it: per_host_concurrency 1), and one version is stored."""
    hold = threading.Event()
    site.set("/news/1", page(1), hold=hold)
    aid = track(pg_url, site.url("/news/1"))
    config = write_config(tmp_path / "w.toml", pg_url)
    first = workers.start(config)
    wait_for(lambda: site.count("/news/1") == 1, what="the first worker's request")
    leases = query(pg_url, "SELECT expires_at FROM newsdiff_host_leases")
    assert len(leases) == 1
    expires = leases[0][0].timestamp()
    first.kill9()
    hold.set()  # answers at once from now on (the dead worker's connection is gone)
    workers.start(config)
    wait_for(lambda: versions(pg_url, aid) == 1, what="the version, by the second worker")
    second = site.hits_of("/news/1")[-1]
    assert second.arrived >= expires, "the host was asked again before the dead lease expired"
    assert outcomes(pg_url, aid) == ["new_version"]  # the killed check recorded nothing
    wait_for(lambda: not job_rows(pg_url, "article:1"), what="the job done and deleted")
    wait_for(lambda: not query(pg_url, "SELECT 1 FROM newsdiff_host_leases"), what="no lease")


def test_kill_9_between_the_write_and_the_job_end_stores_no_second_version(
    site: LoopbackSite, pg_url: str, workers: Workers, tmp_path: Path
) -> None:
    """The worst moment: the version is committed, the job not yet marked done (the test holds
    the job's row, so the worker waits there), and the worker is killed. The job runs again and
    finds the same text: 'unchanged', never a second version.

    The fast settings could race under heavy load (the test failed now and then on a busy
    machine; not reproduced on a quiet one): the request, held until the test has locked the
    job's row, could outlive fetch.timeout_s (3 s: an error check, no version), and a worker
    whose event loop stalled for 2 s (the first extraction loads its modules) counted as
    stalled, its running job run a second time. Hence a long fetch timeout and 6 s here."""
    hold = threading.Event()
    site.set("/news/1", page(1), hold=hold)
    aid = track(pg_url, site.url("/news/1"))
    config = write_config(
        tmp_path / "w.toml", pg_url, fetch={"timeout_s": 30}, workers={"stalled_after_s": 6.0}
    )
    first = workers.start(config)
    wait_for(lambda: site.count("/news/1") == 1, what="the first worker's request")
    with psycopg.connect(conninfo(pg_url)) as blocker:
        row = blocker.execute(
            "SELECT id FROM procrastinate_jobs WHERE lock = %s AND status = 'doing' FOR UPDATE",
            ("article:1",),
        ).fetchone()
        assert row is not None
        hold.set()
        wait_for(lambda: versions(pg_url, aid) == 1, what="the version committed")
        first.kill9()
        # its statement ending the job (waiting for the row) is given up, not committed
        wait_for(lambda: not lock_waiters(pg_url), what="the dead worker's statement given up")
        blocker.rollback()
    workers.start(config)
    wait_for(lambda: len(outcomes(pg_url, aid)) == 2, what="the job run again")
    assert outcomes(pg_url, aid) == ["new_version", "unchanged"]
    assert versions(pg_url, aid) == 1


def lock_waiters(url: str) -> list[tuple[object, ...]]:
    """The statements of the database waiting for a lock."""
    return query(
        url,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'",
    )


def test_sigterm_hands_running_jobs_back_in_bounded_time(
    site: LoopbackSite, pg_url: str, workers: Workers, tmp_path: Path
) -> None:
    """SIGTERM while a request hangs: the worker waits workers.shutdown_timeout_s (2 s), then
    cancels the job and puts it back in the queue (nothing recorded) and exits 0; the next
    worker does the job."""
    hold = threading.Event()
    site.set("/news/1", page(1), hold=hold)
    aid = track(pg_url, site.url("/news/1"))
    config = write_config(tmp_path / "w.toml", pg_url, fetch={"timeout_s": 30})
    first = workers.start(config)
    wait_for(lambda: site.count("/news/1") == 1, what="the request")
    started = time.monotonic()
    first.term()
    assert first.proc.wait(15) == 0, first.text()
    assert time.monotonic() - started < 2.0 + 5.0, "longer than shutdown_timeout_s and a margin"
    ((status, attempts),) = job_rows(pg_url, "article:1")
    assert status == "todo" and attempts >= 1, first.text()  # handed back (more than once: the
    # job may have found the host busy after the worker's robots.txt fetch, and come back)
    assert outcomes(pg_url, aid) == []
    assert query(pg_url, "SELECT count(*) FROM newsdiff_host_leases")[0][0] == 0  # released
    hold.set()
    workers.start(config)
    wait_for(lambda: versions(pg_url, aid) == 1, what="the job done by the next worker")
    assert outcomes(pg_url, aid) == ["new_version"]


def test_a_worker_that_loses_the_database_reconnects(
    site: LoopbackSite, pg_url: str, workers: Workers, tmp_path: Path
) -> None:
    """Every connection of the database is cut and new ones refused for a while: the worker
    says so, keeps trying, and carries on when the database is back; the same process."""
    site.set("/news/1", page(1))
    site.set("/news/2", page(2))
    first = track(pg_url, site.url("/news/1"))
    config = write_config(tmp_path / "w.toml", pg_url)
    worker = workers.start(config)
    wait_for(lambda: versions(pg_url, first) == 1, what="a first check")
    name = database_name()
    admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    try:
        admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            name,
        )
        wait_for(lambda: "lost the database" in worker.text(), what="the worker to notice")
    finally:
        admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    second = track(pg_url, site.url("/news/2"))
    wait_for(lambda: versions(pg_url, second) == 1, what="a check after reconnecting")
    assert worker.alive()
    assert worker.text().count("started:") >= 2  # a new procrastinate worker, same process
