"""One tick of the scheduler: what ``newsdiff.schedule`` does every ``workers.tick_s``.

1. Jobs of stalled workers run again: a worker that has not beaten its heart for
   ``workers.stalled_after_s`` (killed, frozen, cut off) left its running jobs ``doing``; they go
   back to ``todo`` (procrastinate's stalled-job handling). Their work was either never recorded
   or recorded whole (each unit operation writes in short transactions), so running them again
   stores no version twice: the same text is "unchanged" against the latest version.
2. The queue is topped up to ``workers.queue_depth`` waiting jobs: due feeds (next_poll_at
   passed) first, then due articles (tracking, next_check_at passed), most overdue first, in
   one statement each that also skips
   - items that already have a job waiting or running (so an item has at most one job, and a
     job handed back to the queue never meets a second one there), and
   - articles of hosts backing off (429/503 Retry-After): they stay due, and are deferred when
     the host may be asked again.
   Articles are deferred interleaved by host, so consecutive jobs go to different hosts.

The tick never holds a transaction across the deferring: each batch insert is its own.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from dataclasses import dataclass
from urllib.parse import urlsplit

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from newsdiff.config import Settings
from newsdiff.store.models import utcnow
from newsdiff.workers.jobs import CHECK_ARTICLE, POLL_FEED, item_job

logger = logging.getLogger(__name__)

#: jobs inserted per statement
DEFER_BATCH = 200

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

_DUE_ARTICLES = f"""
SELECT a.id, a.url FROM articles a
 WHERE a.status = 'tracking' AND a.next_check_at <= %(now)s
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                    WHERE j.queueing_lock = 'article:' || a.id AND j.status = 'todo')
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                    WHERE j.lock = 'article:' || a.id AND j.status = 'doing')
   AND NOT (coalesce({_HOST_SQL}, '') = ANY(%(resting)s::text[]))
 ORDER BY a.next_check_at, a.id
 LIMIT %(limit)s
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


async def tick(app: procrastinate.App, settings: Settings) -> TickReport:
    """One scheduler tick (see the module's docstring)."""
    report = TickReport()
    report.stalled = await retry_stalled(app, settings.workers.stalled_after_s)
    run = app.connector.execute_query_all_async
    now = utcnow()
    rows = await run(_QUEUED, tasks=[POLL_FEED, CHECK_ARTICLE])
    report.queued = int(rows[0]["n"])
    room = settings.workers.queue_depth - report.queued
    if room <= 0:
        return report
    feeds = [r["id"] for r in await run(_DUE_FEEDS, now=now, limit=room)]
    report.feeds = await _defer(app, [item_job(POLL_FEED, fid) for fid in feeds])
    room -= len(feeds)
    if room <= 0:
        return report
    resting = [r["host"] for r in await run(_RESTING_HOSTS)]
    report.resting_hosts = len(resting)
    due = await run(_DUE_ARTICLES, now=now, limit=room, resting=resting)
    order = interleave_by_host([(r["id"], r["url"]) for r in due])
    report.articles = await _defer(app, [item_job(CHECK_ARTICLE, aid) for aid in order])
    if report.feeds or report.articles or report.stalled:
        logger.info("schedule: %s", report.line())
    return report
