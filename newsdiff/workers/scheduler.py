"""One tick of the scheduler: what ``newsdiff.schedule`` does every ``workers.tick_s``.

1. Jobs of stalled workers run again: a worker that has not beaten its heart for
   ``workers.stalled_after_s`` (killed, frozen, cut off) left its running jobs ``doing``; they go
   back to ``todo`` (procrastinate's stalled-job handling). Their work was either never recorded
   or recorded whole (each unit operation writes in short transactions), so running them again
   stores no version twice: the same text is "unchanged" against the latest version.
2. The queue is topped up to ``workers.queue_depth`` waiting jobs, **shared fairly between feeds
   and articles**: of the room in the queue, half goes to due feeds (next_poll_at passed) and
   half to due articles (tracking, next_check_at passed), each kind most overdue first; what
   one kind leaves unused (fewer of it due) goes to the other. So neither starves the other:
   with every one of 10,000 feeds due, articles still get half of what the workers take, and
   the deferred jobs alternate feed, article, feed... (the workers take them in that order).
   Each kind's statement also skips
   - items that already have a job waiting or running (so an item has at most one job, and a
     job handed back to the queue never meets a second one there), and
   - articles of hosts backing off (429/503 Retry-After): they stay due, and are deferred when
     the host may be asked again.
   Articles are deferred interleaved by host, so consecutive jobs go to different hosts.
3. The queue's statistics are kept true: procrastinate's fetch is planned from them, and
   statistics taken on an empty queue make each fetch test every waiting job (tens of
   milliseconds each with a thousand waiting). When the planner expects far fewer waiting
   jobs than there are, the tick analyzes the jobs table (at most once a minute).

The tick never holds a transaction across the deferring: each batch insert is its own.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from newsdiff.config import Settings
from newsdiff.store.models import utcnow
from newsdiff.workers.jobs import CHECK_ARTICLE, POLL_FEED, item_job

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: jobs inserted per statement
DEFER_BATCH = 200
#: the share of the queue's room that goes to feeds when articles are due too
FEED_SHARE = 0.5
#: the jobs table is analyzed when the planner expects fewer than this fraction of the jobs
#: waiting, and at least this many wait ...
STATS_OFF_BY = 0.25
STATS_MIN_WAITING = 100
#: ... and not more often than this (seconds)
ANALYZE_EVERY_S = 60.0

# the host of a URL, in SQL: what lies between "scheme://" and the path (lower case)
_HOST_SQL = r"lower(substring(a.url FROM '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)'))"

_QUEUED = """
SELECT count(*) AS n FROM procrastinate_jobs
 WHERE status = 'todo' AND task_name = ANY(%(tasks)s)
"""

_DUE_FEEDS = """
SELECT f.id FROM feeds f
 WHERE (f.next_poll_at IS NULL OR f.next_poll_at <= %(now)s)
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                    WHERE j.queueing_lock = 'feed:' || f.id AND j.status = 'todo')
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                    WHERE j.lock = 'feed:' || f.id AND j.status = 'doing')
 ORDER BY f.next_poll_at NULLS FIRST, f.id
 LIMIT %(limit)s
"""

# Ordered by next_check_at alone (ties in any order), so that the index on (status,
# next_check_at) gives the order and the scan stops at the limit: the articles read are those
# already queued (the most overdue, deferred by earlier ticks) and the room's worth after them,
# not every due article (sorted by (next_check_at, id), it read and sorted all of them: 40 ms
# a tick with 10,000 due, most of it the host pattern below computed on each row).
_DUE_ARTICLES = """
SELECT a.id, a.url FROM articles a
 WHERE a.status = 'tracking' AND a.next_check_at <= %(now)s
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                    WHERE j.queueing_lock = 'article:' || a.id AND j.status = 'todo')
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                    WHERE j.lock = 'article:' || a.id AND j.status = 'doing')
   {resting}
 ORDER BY a.next_check_at
 LIMIT %(limit)s
"""

#: the articles of hosts backing off left out (only when some host does)
_NOT_RESTING = f"AND NOT (coalesce({_HOST_SQL}, '') = ANY(%(resting)s::text[]))"

_PLANNED_WAITING = """
EXPLAIN (FORMAT JSON) SELECT 1 FROM procrastinate_jobs WHERE status = 'todo'
"""

_RESTING_HOSTS = """
SELECT host FROM newsdiff_hosts WHERE backoff_until > clock_timestamp()
"""


@dataclass
class TickReport:
    stalled: int = 0
    feeds: int = 0
    articles: int = 0
    queued: int = 0  # waiting before the tick
    resting_hosts: int = 0
    analyzed: bool = False  # the jobs table's statistics were refreshed

    def line(self) -> str:
        return (
            f"{self.feeds} feeds and {self.articles} articles deferred "
            f"({self.queued} were waiting), {self.stalled} stalled jobs run again, "
            f"{self.resting_hosts} hosts backing off"
        )


def interleave_by_host(rows: list[tuple[int, str]]) -> list[int]:
    """Article ids in turns by host (each host's own order kept): a, b, c, a, b, a..."""
    by_host: dict[str, deque[int]] = defaultdict(deque)
    for article_id, url in rows:
        try:
            host = urlsplit(url).netloc.lower()
        except ValueError:
            host = ""
        by_host[host].append(article_id)
    order: list[int] = []
    queues = list(by_host.values())
    while queues:
        for q in queues:
            order.append(q.popleft())
        queues = [q for q in queues if q]
    return order


async def retry_stalled(app: procrastinate.App, stalled_after_s: float) -> int:
    """Put the jobs of workers silent for ``stalled_after_s`` back in the queue."""
    manager = app.job_manager
    count = 0
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
        try:
            await manager.retry_job(job)
        except Exception as exc:  # noqa: BLE001 - one job must not stop the tick
            logger.warning("stalled job %s not run again: %s", job.call_string, exc)
            continue
        logger.warning("job %s of a stalled worker runs again", job.call_string)
        count += 1
    return count


async def _defer(app: procrastinate.App, jobs: list[procrastinate.jobs.Job]) -> int:
    """Insert ``jobs`` in batches; a batch refused for a queueing lock taken meanwhile (a job
    deferred by hand) goes one by one, skipping the item already waiting."""
    manager = app.job_manager
    done = 0
    for start in range(0, len(jobs), DEFER_BATCH):
        batch = jobs[start : start + DEFER_BATCH]
        try:
            await manager.batch_defer_jobs_async(batch)
            done += len(batch)
        except AlreadyEnqueued:
            for job in batch:
                try:
                    await manager.defer_job_async(job)
                    done += 1
                except AlreadyEnqueued:
                    pass
    return done


def share_room(room: int, feeds_due: int, articles_due: int) -> tuple[int, int]:
    """How many feeds and articles one tick defers, given the room in the queue and how many
    of each are due (step 2 of the module's docstring): a share each, what one kind leaves
    unused to the other."""
    feed_share = min(feeds_due, round(room * FEED_SHARE))
    articles = min(articles_due, room - feed_share)
    feeds = min(feeds_due, room - articles)
    return feeds, articles


def alternate(first: list[T], second: list[T]) -> list[T]:
    """``first`` and ``second`` in turns (a, b, a, b, ...), the longer one's rest at the end."""
    out: list[T] = []
    for a, b in zip(first, second, strict=False):
        out += (a, b)
    shorter = min(len(first), len(second))
    return out + first[shorter:] + second[shorter:]


_last_analyze = -ANALYZE_EVERY_S


async def keep_statistics(app: procrastinate.App, waiting: int) -> bool:
    """Analyze the jobs table when the planner expects far fewer waiting jobs than
    ``waiting`` (step 3 of the module's docstring); whether it did."""
    global _last_analyze
    now = time.monotonic()
    if waiting < STATS_MIN_WAITING or now - _last_analyze < ANALYZE_EVERY_S:
        return False
    run = app.connector.execute_query_all_async
    rows = await run(_PLANNED_WAITING)
    plan = rows[0]["QUERY PLAN"]
    if isinstance(plan, str):
        plan = json.loads(plan)
    planned = float(plan[0]["Plan"]["Plan Rows"])
    if planned >= waiting * STATS_OFF_BY:
        return False
    _last_analyze = now
    try:
        await app.connector.execute_query_async("ANALYZE procrastinate_jobs")
    except Exception as exc:  # noqa: BLE001 - not the table's owner: autovacuum will do it
        logger.warning("the job queue's statistics are off, and not analyzed: %s", exc)
        return False
    logger.info(
        "job queue analyzed: the planner expected %d waiting jobs, not %d", planned, waiting
    )
    return True


async def tick(app: procrastinate.App, settings: Settings) -> TickReport:
    """One scheduler tick (see the module's docstring)."""
    report = TickReport()
    report.stalled = await retry_stalled(app, settings.workers.stalled_after_s)
    run = app.connector.execute_query_all_async
    now = utcnow()
    rows = await run(_QUEUED, tasks=[POLL_FEED, CHECK_ARTICLE])
    report.queued = int(rows[0]["n"])
    report.analyzed = await keep_statistics(app, report.queued)
    room = settings.workers.queue_depth - report.queued
    if room <= 0:
        return report
    # each kind up to the whole room: what one leaves unused goes to the other
    feeds = [r["id"] for r in await run(_DUE_FEEDS, now=now, limit=room)]
    resting = [r["host"] for r in await run(_RESTING_HOSTS)]
    report.resting_hosts = len(resting)
    due = await run(
        _DUE_ARTICLES.format(resting=_NOT_RESTING if resting else ""),
        now=now,
        limit=room,
        resting=resting,
    )
    n_feeds, n_articles = share_room(room, len(feeds), len(due))
    order = interleave_by_host([(r["id"], r["url"]) for r in due[:n_articles]])
    jobs = alternate(
        [item_job(POLL_FEED, fid) for fid in feeds[:n_feeds]],
        [item_job(CHECK_ARTICLE, aid) for aid in order],
    )
    await _defer(app, jobs)
    report.feeds, report.articles = n_feeds, len(order)
    if report.feeds or report.articles or report.stalled:
        logger.info("schedule: %s", report.line())
    return report
