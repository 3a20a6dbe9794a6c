"""The scheduler's tick shares the queue fairly between feeds and articles (issue 17, item 5:
with every feed due, articles still get checked), and keeps the queue's statistics true."""

from __future__ import annotations

import json

import pytest
from procrastinate import App

from newsdiff.config import settings_from_dict
from newsdiff.workers import scheduler
from newsdiff.workers.jobs import CHECK_ARTICLE, item_job
from newsdiff.workers.scheduler import alternate, keep_statistics, share_room, tick
from tests.workers.conftest import WORKERS, query
from tests.workers.test_jobs import waiting, with_app


@pytest.mark.parametrize(
    ("room", "feeds_due", "articles_due", "expected"),
    [
        (10, 100, 100, (5, 5)),  # both due: half each
        (11, 100, 100, (6, 5)),
        (10, 2, 100, (2, 8)),  # few feeds due: articles take the rest
        (10, 100, 3, (7, 3)),  # few articles due: feeds take the rest
        (10, 0, 100, (0, 10)),
        (10, 100, 0, (10, 0)),
        (10, 4, 3, (4, 3)),
        (1, 100, 100, (0, 1)),  # round half to even: one job goes to the articles ...
        (3, 100, 100, (2, 1)),  # ... and the odd one of three to the feeds
    ],
)
def test_share_room(
    room: int, feeds_due: int, articles_due: int, expected: tuple[int, int]
) -> None:
    assert share_room(room, feeds_due, articles_due) == expected


def test_alternate() -> None:
    assert alternate([1, 2, 3], ["a"]) == [1, "a", 2, 3]
    assert alternate([1], ["a", "b", "c"]) == [1, "a", "b", "c"]
    assert alternate([], ["a"]) == ["a"]


def _due_items(url: str, feeds: int, articles: int) -> None:
    """``feeds`` feeds and ``articles`` articles, all due (overdue by their index: item 0
    most)."""
    query(
        url,
        "INSERT INTO feeds (url, added_at, next_poll_at, error_count) "
        "SELECT 'http://127.0.0.1:9/feed/' || g, now(), now() - g * interval '1 minute', 0 "
        "FROM generate_series(1, %s::int) AS g",
        feeds,
    )
    query(
        url,
        "INSERT INTO articles (url, first_seen_at, status, next_check_at, failure_count, "
        "version_count) SELECT 'http://127.0.0.1:9/a/' || g, now(), 'tracking', "
        "now() - g * interval '1 minute', 0, 0 FROM generate_series(1, %s::int) AS g",
        articles,
    )


def test_a_tick_defers_feeds_and_articles_alike(pg_url: str) -> None:
    """With more feeds and articles due than room in the queue, one tick defers as many of
    each, the most overdue first, in turns."""
    _due_items(pg_url, feeds=50, articles=50)
    settings = settings_from_dict(
        {"database": {"url": pg_url}, "workers": {**WORKERS, "queue_depth": 10}}
    )

    async def body(a: App) -> None:
        report = await tick(a, settings)
        assert (report.feeds, report.articles) == (5, 5)

    with_app(pg_url, body)
    locks = waiting(pg_url)
    assert [lock.split(":")[0] for lock in locks] == ["feed", "article"] * 5
    feeds = query(pg_url, "SELECT id FROM feeds ORDER BY next_poll_at LIMIT 5")
    articles = query(pg_url, "SELECT id FROM articles ORDER BY next_check_at LIMIT 5")
    assert sorted(locks) == sorted(
        [f"feed:{r[0]}" for r in feeds] + [f"article:{r[0]}" for r in articles]
    )


def test_a_tick_gives_what_one_kind_leaves_to_the_other(pg_url: str) -> None:
    _due_items(pg_url, feeds=2, articles=50)
    settings = settings_from_dict(
        {"database": {"url": pg_url}, "workers": {**WORKERS, "queue_depth": 10}}
    )

    async def body(a: App) -> None:
        report = await tick(a, settings)
        assert (report.feeds, report.articles) == (2, 8)
        report = await tick(a, settings)  # the queue is full
        assert (report.queued, report.feeds, report.articles) == (10, 0, 0)

    with_app(pg_url, body)


def planned_waiting(url: str) -> float:
    rows = query(
        url, "EXPLAIN (FORMAT JSON) SELECT 1 FROM procrastinate_jobs WHERE status = 'todo'"
    )
    plan = rows[0][0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def test_statistics_taken_on_an_empty_queue_are_refreshed(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """procrastinate's fetch is planned from the jobs table's statistics: taken while the queue
    was empty, they make each fetch test every waiting job. The tick analyzes the table when
    the planner expects far fewer jobs than wait."""
    monkeypatch.setattr(scheduler, "_last_analyze", -scheduler.ANALYZE_EVERY_S)
    query(pg_url, "ANALYZE procrastinate_jobs")  # the queue is empty now
    waiting_jobs = 400

    async def body(a: App) -> None:
        await a.job_manager.batch_defer_jobs_async(
            [item_job(CHECK_ARTICLE, i) for i in range(1, waiting_jobs + 1)]
        )
        assert planned_waiting(pg_url) < waiting_jobs * scheduler.STATS_OFF_BY
        assert await keep_statistics(a, waiting_jobs)
        assert planned_waiting(pg_url) > waiting_jobs * 0.9
        assert not await keep_statistics(a, waiting_jobs)  # true now: nothing to do

    with_app(pg_url, body)


def test_a_tick_leaves_the_articles_of_a_host_backing_off(pg_url: str) -> None:
    """Articles of a host that asked everyone to stay away (429/503 Retry-After) stay due and
    are not deferred; the other hosts' articles are, and once the host may be asked again
    its articles are deferred too."""
    query(
        pg_url,
        "INSERT INTO articles (url, first_seen_at, status, next_check_at, failure_count, "
        "version_count) SELECT 'http://' || h || '.example/a/' || g, now(), 'tracking', "
        "now() - g * interval '1 minute', 0, 0 "
        "FROM generate_series(1, 3) AS g, unnest(ARRAY['rest', 'busy']) AS h",
    )
    query(
        pg_url,
        "INSERT INTO newsdiff_hosts (host, backoff_until) "
        "VALUES ('rest.example', now() + interval '1 hour')",
    )
    settings = settings_from_dict({"database": {"url": pg_url}, "workers": WORKERS})

    def deferred_hosts() -> list[str]:
        rows = query(
            pg_url,
            "SELECT a.url FROM procrastinate_jobs j JOIN articles a "
            "ON j.lock = 'article:' || a.id ORDER BY j.id",
        )
        return [r[0].split("//")[1].split("/")[0] for r in rows]

    async def body(a: App) -> None:
        report = await tick(a, settings)
        assert (report.resting_hosts, report.articles) == (1, 3)
        assert deferred_hosts() == ["busy.example"] * 3
        query(pg_url, "UPDATE newsdiff_hosts SET backoff_until = now() - interval '1 second'")
        report = await tick(a, settings)
        assert (report.resting_hosts, report.articles) == (0, 3)
        assert sorted(deferred_hosts()) == ["busy.example"] * 3 + ["rest.example"] * 3

    with_app(pg_url, body)


def test_a_tick_defers_the_most_overdue_articles_not_queued_yet(pg_url: str) -> None:
    """Each tick defers the most overdue articles that have no job yet: after those that
    earlier ticks deferred (still waiting), the next ones."""
    _due_items(pg_url, feeds=0, articles=30)
    settings = settings_from_dict(
        {"database": {"url": pg_url}, "workers": {**WORKERS, "queue_depth": 10}}
    )
    by_due = [r[0] for r in query(pg_url, "SELECT id FROM articles ORDER BY next_check_at")]

    async def body(a: App) -> None:
        await tick(a, settings)
        assert sorted(waiting(pg_url)) == sorted(f"article:{i}" for i in by_due[:10])
        done = by_due[:4]  # checked: their jobs gone, due again in an hour
        query(
            pg_url,
            "DELETE FROM procrastinate_jobs WHERE lock = ANY(%s)",
            [f"article:{i}" for i in done],
        )
        query(
            pg_url,
            "UPDATE articles SET next_check_at = now() + interval '1 hour' WHERE id = ANY(%s)",
            done,
        )
        report = await tick(a, settings)
        assert report.articles == 4
        assert sorted(waiting(pg_url)) == sorted(f"article:{i}" for i in by_due[4:14])

    with_app(pg_url, body)
