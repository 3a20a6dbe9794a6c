"""One job per item (issue 17, item 2) and bad jobs (a malformed payload, an unknown task, an
article deleted meanwhile): a worker fails them, alone, and carries on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Job

from newsdiff.config import settings_from_dict
from newsdiff.workers.jobs import CHECK_ARTICLE, app, item_job
from newsdiff.workers.scheduler import tick
from newsdiff.workers.schema import conninfo
from tests.workers.conftest import WORKERS, Workers, query, wait_for, write_config
from tests.workers.helpers import outcomes, page, track, versions
from tests.workers.site import LoopbackSite


def with_app(url: str, body: Callable[[App], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        with app.replace_connector(PsycopgConnector(conninfo=conninfo(url), min_size=1)):
            async with app.open_async():
                return await body(app)

    return asyncio.run(go())


def waiting(url: str) -> list[str]:
    rows = query(url, "SELECT lock FROM procrastinate_jobs WHERE status = 'todo' ORDER BY id")
    return [r[0] for r in rows]


def test_one_job_per_item(site: LoopbackSite, pg_url: str) -> None:
    settings = settings_from_dict({"database": {"url": pg_url}, "workers": WORKERS})
    first = track(pg_url, site.url("/news/1"))
    second = track(pg_url, site.url("/news/2"))

    async def body(a: App) -> None:
        await a.job_manager.defer_job_async(item_job(CHECK_ARTICLE, first))
        with pytest.raises(AlreadyEnqueued):  # the queueing lock: one job waits per item
            await a.job_manager.defer_job_async(item_job(CHECK_ARTICLE, first))
        await tick(a, settings)  # the scheduler skips the article that has a job
        assert waiting(pg_url) == [f"article:{first}", f"article:{second}"]
        me = await a.job_manager.register_worker()  # a live worker (else its job is stalled)
        running = await a.job_manager.fetch_job(queues=None, worker_id=me)
        assert running is not None and running.lock == f"article:{first}"
        await tick(a, settings)  # ... and the one whose job runs
        assert waiting(pg_url) == [f"article:{second}"]
        # the lock: the job of an item is not run while another of the same item runs
        await a.job_manager.defer_job_async(item_job(CHECK_ARTICLE, first))
        nxt = await a.job_manager.fetch_job(queues=None, worker_id=me)
        assert nxt is not None and nxt.lock == f"article:{second}"
        assert await a.job_manager.fetch_job(queues=None, worker_id=me) is None

    with_app(pg_url, body)


def test_bad_jobs_fail_alone(
    site: LoopbackSite, pg_url: str, workers: Workers, tmp_path: Path
) -> None:
    site.set("/news/1", page(1))
    deleted = track(pg_url, site.url("/news/gone"))
    query(pg_url, "DELETE FROM articles WHERE id = %s", deleted)
    bad = [
        ("newsdiff.check_article", {"article_id": "x"}),
        ("newsdiff.check_article", {}),
        ("newsdiff.check_article", {"article_id": 1, "extra": True}),
        ("newsdiff.poll_feed", {"feed_id": -1}),
        ("newsdiff.nope", {"x": 1}),
        ("newsdiff.check_article", {"article_id": deleted}),
    ]

    async def body(a: App) -> None:
        for i, (task, kwargs) in enumerate(bad):
            lock = f"bad:{i}"
            await a.job_manager.defer_job_async(
                Job(
                    id=None,
                    queue="articles",
                    lock=lock,
                    queueing_lock=lock,
                    task_name=task,
                    task_kwargs=kwargs,
                )
            )

    with_app(pg_url, body)
    worker = workers.start(write_config(tmp_path / "w.toml", pg_url))
    wait_for(
        lambda: (
            query(pg_url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")[0][0]
            == 5
        ),
        what="five bad jobs failed",
    )
    good = track(pg_url, site.url("/news/1"))
    wait_for(lambda: versions(pg_url, good) == 1, what="the worker carries on")
    assert worker.alive()
    assert outcomes(pg_url, deleted) == []  # the deleted article's job did nothing, and ended
    assert query(pg_url, "SELECT count(*) FROM procrastinate_jobs WHERE lock = 'bad:5'") == [(0,)]
