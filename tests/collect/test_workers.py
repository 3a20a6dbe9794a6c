"""Extraction off the event loop: the ExtractionPool (threads, then worker processes), change
stats computed ahead of the write, and failures that stay one failed check."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from newsdiff.collect.articles import track_url
from newsdiff.collect.extract import extract_article
from newsdiff.collect.http import Fetcher
from newsdiff.collect.poll import PollContext, check_article, run_poll
from newsdiff.collect.workers import ExtractionPool, extract_for_store
from newsdiff.config import Settings
from newsdiff.errors import ExtractionError
from newsdiff.store.db import Database
from newsdiff.store.models import Article, Check, Version
from newsdiff.store.versions import (
    STAT_FIELDS,
    ChangeStats,
    VersionFields,
    add_version,
    change_stats,
    latest_text,
)
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site, article_html

PARAS = [
    "The council's children's services were found to have failed on every count that the "
    "inspectors examined during their three weeks in the borough this autumn.",
    "Ministers said an interim director would be appointed before the end of the month and "
    "that the council's leader had offered to answer questions from the committee.",
    "Families who spoke at the public meeting said they had raised their concerns with the "
    "department two years ago and had heard nothing back since then.",
]
EDITED = [PARAS[0].replace("every count", "most counts"), PARAS[1], "A new paragraph. " * 5]
WHEN = datetime(2008, 11, 12, 9, 30, tzinfo=UTC)


def _stats(version: Version) -> tuple[Any, ...]:
    return (version.title_changed, *(getattr(version, name) for name in STAT_FIELDS))


def _article(database: Database, url: str) -> int:
    article, _ = track_url(database, url)
    return article.id


def _add(
    database: Database,
    article_id: int,
    title: str,
    paras: list[str],
    stats: ChangeStats | None = None,
) -> Version:
    with database.write() as session:
        article = session.get(Article, article_id)
        assert article is not None
        result = add_version(
            session,
            article,
            VersionFields(
                title=title,
                paragraphs=paras,
                extractor="test",
                extractor_version="1",
            ),
            captured_at=WHEN,
            stats=stats,
        )
        assert result.created
        return result.version


def test_stats_computed_ahead_equal_stats_computed_inside(database: Database) -> None:
    ahead, inside = (
        _article(database, "https://a.example/1"),
        _article(database, "https://a.example/2"),
    )
    for article_id in (ahead, inside):
        _add(database, article_id, "Council failed", PARAS)
    with database.read() as session:
        previous = latest_text(session, ahead)
    stats = change_stats("Council failed, inspectors say", EDITED, previous)
    assert stats is not None and stats.against == 1
    got = _add(database, ahead, "Council failed, inspectors say", EDITED, stats=stats)
    want = _add(database, inside, "Council failed, inspectors say", EDITED)
    assert _stats(got) == _stats(want)
    assert got.title_changed and got.paragraphs_inserted == 1 and got.words_added > 0
    # the same text as the latest: no version would be made, so no stats
    with database.read() as session:
        assert (
            change_stats("Council failed, inspectors say", EDITED, latest_text(session, ahead))
            is None
        )


def test_the_extraction_job_diffs_a_new_text_once_for_stats_and_edits(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paragraph diff behind the change stats is the one the analyser reuses: one
    compare() per new text in the extraction job, and the same edits as analysed apart."""
    from newsdiff.diff import align
    from newsdiff.store.edits import compute_edits

    article_id = _article(database, "https://a.example/once")
    _add(database, article_id, "Council failed", PARAS)
    with database.read() as session:
        previous = latest_text(session, article_id)
    calls: list[int] = []
    original = align._Comparer.compare

    def counted(self: Any, old: Any, new: Any) -> Any:
        calls.append(1)
        return original(self, old, new)

    monkeypatch.setattr(align._Comparer, "compare", counted)
    body = article_html("Council failed, inspectors say", EDITED).encode()
    extraction, stats, edits = extract_for_store(
        extract_article, body, "https://a.example/once", previous=previous
    )
    assert stats is not None and edits is not None and edits.edits
    assert len(calls) == 1
    apart = compute_edits(previous, extraction.title, extraction.paragraphs)
    assert len(calls) == 2  # without the diff, the analyser computes it
    assert apart == edits


def test_stale_stats_are_not_used(database: Database) -> None:
    article_id = _article(database, "https://a.example/3")
    _add(database, article_id, "Council failed", PARAS)
    with database.read() as session:
        previous = latest_text(session, article_id)
    stale = change_stats("Council failed", EDITED, previous)  # against version 1
    assert stale is not None
    _add(database, article_id, "Council failed", PARAS[:2])  # another writer adds version 2
    third = _add(database, article_id, "Council failed", EDITED, stats=stale)
    assert third.number == 3
    # against version 1, the third paragraph was deleted; against version 2 it never existed
    assert stale.counts[STAT_FIELDS.index("paragraphs_deleted")] == 1
    assert third.paragraphs_deleted == 0
    assert (third.paragraphs_unchanged, third.paragraphs_modified) == (1, 1)


def _die(parent: int) -> None:
    if os.getpid() == parent:
        raise RuntimeError("ran in the test's own process")
    os._exit(3)


def _pid(_: Any) -> int:
    return os.getpid()


@contextmanager
def _workers_up(pool: ExtractionPool) -> Iterator[None]:
    """Hold the pool's one thread until its worker processes are up: the jobs of the block
    then all go to them. The thread is let go at the end."""
    gate = threading.Event()
    held = pool.submit(gate.wait, 120)
    deadline = time.monotonic() + 120
    while not pool.uses_processes:
        assert time.monotonic() < deadline, "the worker processes never came up"
        time.sleep(0.01)  # polling interval of the condition above, not a wait
    try:
        yield
    finally:
        gate.set()
        held.result(timeout=120)


def test_pool_moves_to_processes_with_the_same_results() -> None:
    pages = [
        article_html(f"Story {i}", [f"Story {i} opens here. {p}" for p in PARAS]).encode()
        for i in range(6)
    ]
    with ExtractionPool(2, after=0, threads=1) as pool, _workers_up(pool):
        futures = [
            pool.submit(
                extract_for_store, extract_article, body, f"https://a.example/{i}", previous=None
            )
            for i, body in enumerate(pages)
        ]
        results = [f.result(timeout=120) for f in futures]
        assert pool.in_processes == len(pages)
    for i, (extraction, stats, edits) in enumerate(results):
        inline = extract_article(pages[i], f"https://a.example/{i}")
        assert extraction == inline
        assert stats is not None and stats.against is None
        assert edits is not None and edits.edits == () and edits.against_hash is None
        assert stats.counts[STAT_FIELDS.index("paragraphs_inserted")] == len(inline.paragraphs)


def test_one_process_means_threads_only() -> None:
    with ExtractionPool(1, after=0) as pool:
        pids = {pool.submit(_pid, i).result(timeout=60) for i in range(5)}
    assert pids == {os.getpid()} and pool.in_processes == 0


def test_a_dead_worker_fails_its_jobs_only() -> None:
    with ExtractionPool(2, after=0, threads=1) as pool:
        with _workers_up(pool):
            doomed = [pool.submit(_die, os.getpid()) for _ in range(3)]
            errors = [f.exception(timeout=120) for f in doomed]
        assert all(isinstance(e, ExtractionError) and "worker died" in str(e) for e in errors)
        # the next jobs get fresh workers
        deadline = time.monotonic() + 120
        while pool.submit(_pid, 0).result(timeout=120) == os.getpid():
            assert time.monotonic() < deadline, "no worker process took a job again"
            time.sleep(0.01)  # polling interval of the condition above, not a wait


def _boom(*_: Any, **__: Any) -> Any:
    raise ValueError("lxml choked")


def test_an_extractor_crash_is_a_recorded_failed_check(
    site: Site, db_url: str, clock: Clock
) -> None:
    settings = make_settings(db_url)
    site.set("/news/a", article_html("A story", PARAS))
    database = Database(db_url)
    article_id = _article(database, site.url("/news/a"))

    async def go() -> Any:
        async with Fetcher(settings.fetch) as fetcher:
            ctx = PollContext(settings, database, fetcher, clock=clock, extractor=_boom)
            return await check_article(ctx, article_id)

    outcome = asyncio.run(go())
    assert outcome.outcome == "error" and "ValueError: lxml choked" in (outcome.error or "")
    with database.read() as session:
        checks = list(session.scalars(select(Check)))
    database.dispose()
    assert [c.outcome for c in checks] == ["error"]


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


def test_poll_with_worker_processes(site: Site, settings: Settings, clock: Clock) -> None:
    for i in range(4):
        site.set(f"/news/{i}", article_html(f"Story {i}", [f"Story {i}. {p}" for p in PARAS]))
    database = Database(settings.database.url)
    for i in range(4):
        _article(database, site.url(f"/news/{i}"))
    with ExtractionPool(2, after=0, threads=1) as pool, _workers_up(pool):
        first = run_poll(settings, database, force=True, clock=clock, executor=pool)
        for i in range(4):
            site.set(f"/news/{i}", article_html(f"Story {i}", [f"Story {i}. {p}" for p in EDITED]))
        clock.advance(hours=1)
        second = run_poll(settings, database, force=True, clock=clock, executor=pool)
        assert pool.in_processes == 8
    assert (first.new_versions, first.failures) == (4, 0)
    assert (second.new_versions, second.failures) == (4, 0)
    with database.read() as session:
        latest = list(session.scalars(select(Version).where(Version.number == 2)))
        assert len(latest) == 4
        assert all(v.paragraphs_inserted == 1 and v.words_added > 0 for v in latest)
        assert len(list(session.scalars(select(Check)))) == 8
    database.dispose()


KILLED_POLL = """
import os, sys, threading, time
from newsdiff.collect.workers import ExtractionPool

def ids(_):
    return os.getpid(), os.getppid()

if __name__ == "__main__":
    pool = ExtractionPool(2, after=0, threads=1)
    gate = threading.Event()
    pool.submit(gate.wait, 120)
    while not pool.uses_processes:
        time.sleep(0.01)
    seen = {pool.submit(ids, i).result(timeout=120) for i in range(4)}
    print(" ".join(f"{pid} {parent}" for pid, parent in seen), flush=True)
    time.sleep(120)  # killed here
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "zombie"
    return status.split("State:", 1)[1].split("\n", 1)[0].lower()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_killed_poll_leaves_no_workers(tmp_path: Path) -> None:
    script = tmp_path / "killed_poll.py"
    script.write_text(KILLED_POLL)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        numbers = [int(n) for n in proc.stdout.readline().split()]
        assert numbers, "the script printed no worker ids"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    left = set(numbers)  # the workers and the forkserver they came from
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in left):
        assert time.monotonic() < deadline, f"still running: {[p for p in left if _alive(p)]}"
        time.sleep(0.05)  # polling interval of the condition above, not a wait
