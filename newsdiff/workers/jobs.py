"""The procrastinate app and its tasks: the poll cycle's two unit operations as jobs, and the
scheduler that defers them.

========================  ===========  =====================================================
task                      queue        does
========================  ===========  =====================================================
``newsdiff.poll_feed``    feeds        :func:`~newsdiff.collect.poll.poll_feed` (feed_id)
``newsdiff.check_article`` articles    :func:`~newsdiff.collect.poll.check_article`
                                       (article_id)
``newsdiff.schedule``     scheduler    every ``workers.tick_s``: stalled jobs run again, due
                                       feeds and articles deferred (:mod:`.scheduler`)
========================  ===========  =====================================================

One at a time per item: each job of a feed or an article carries the item's ``lock`` (procrastinate
never runs two jobs with one lock at once) and ``queueing_lock`` (at most one such job waits),
both ``feed:ID`` / ``article:ID``; the scheduler also skips items with a job waiting or running,
so a job handed back to the queue (:class:`~newsdiff.workers.hosts.HandBack`) never meets a
second one there.

What goes back to the queue (the retry strategy): a job handed back (a busy host, a stopping
worker), and one whose outcome the database refused to record (a few times, spaced out). A
malformed payload, an unknown task or anything else fails for good, logged; the item itself
is due again and the scheduler defers a fresh job for it.

``app`` is importable for procrastinate's own command line (``procrastinate --app
newsdiff.workers.jobs.app shell``), which connects to the configured ``database.url``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import procrastinate
from procrastinate import JobContext, RetryDecision
from procrastinate.job_context import AbortReason
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy

from newsdiff.collect.poll import PollContext, check_article, poll_feed
from newsdiff.errors import NewsdiffError, StoreError
from newsdiff.workers.hosts import HandBack, HostBusy

logger = logging.getLogger(__name__)

T = TypeVar("T")

FEEDS, ARTICLES, SCHEDULER = "feeds", "articles", "scheduler"
QUEUES = (FEEDS, ARTICLES, SCHEDULER)
POLL_FEED, CHECK_ARTICLE, SCHEDULE = (
    "newsdiff.poll_feed",
    "newsdiff.check_article",
    "newsdiff.schedule",
)
#: what the scheduler job's lock and queueing lock are called
SCHEDULE_LOCK = "newsdiff:schedule"
#: the scheduler first; feeds and articles in the order deferred (feeds first in each tick)
PRIORITY = {POLL_FEED: 0, CHECK_ARTICLE: 0, SCHEDULE: 10}
#: a check the database refused to record is tried again this many times
STORE_RETRIES = 5
#: the key of the worker's PollContext in procrastinate's job context
CONTEXT_KEY = "newsdiff"
MAX_ID = 2**63 - 1


class MalformedJob(NewsdiffError):
    """A job whose arguments are not what its task takes (written by hand, or by another
    version): it fails for good, and the item is deferred afresh by the scheduler."""


def _in(seconds: float) -> RetryDecision:
    return RetryDecision(retry_at=datetime.now(UTC) + timedelta(seconds=seconds))


class _Retry(BaseRetryStrategy):
    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, HostBusy):
            # later each time it finds the host busy: jobs queued behind a slow host do not
            # come back to it all together, again and again
            spread = min(30.0, 0.2 * 2 ** min(job.attempts, 8)) * random.uniform(0.5, 1.0)
            return _in(exception.retry_in + spread)
        if isinstance(exception, HandBack):
            return _in(exception.retry_in)
        if isinstance(exception, StoreError) and job.attempts < STORE_RETRIES:
            return _in(min(300, 5 * 2**job.attempts))
        return None


def _configured_conninfo() -> str:
    """The configured database as a libpq URI (for procrastinate's command line)."""
    from newsdiff.config import load_settings
    from newsdiff.workers.schema import conninfo

    return conninfo(load_settings().database.url)


app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(conninfo=_configured_conninfo, min_size=1),
)


def lock_of(kind: str, item_id: int) -> str:
    """The lock (and queueing lock) of the job of one feed or article: ``feed:7``."""
    return f"{kind}:{item_id}"


def item_job(task: str, item_id: int) -> Job:
    """The job for one item, as the scheduler defers it."""
    kind, arg, queue = (
        ("feed", "feed_id", FEEDS) if task == POLL_FEED else ("article", "article_id", ARTICLES)
    )
    lock = lock_of(kind, item_id)
    return Job(
        id=None,
        queue=queue,
        lock=lock,
        queueing_lock=lock,
        task_name=task,
        priority=PRIORITY[task],
        task_kwargs={arg: item_id},
    )


def _poll_context(context: JobContext) -> PollContext:
    ctx = context.additional_context.get(CONTEXT_KEY)
    if not isinstance(ctx, PollContext):  # pragma: no cover - a worker set up by hand
        raise RuntimeError("newsdiff jobs run in `newsdiff worker` (no PollContext given)")
    return ctx


def _item_id(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise MalformedJob(f"malformed job: {name} must be a positive integer, got {value!r}")
    return value


async def _unit(context: JobContext, operation: Awaitable[T]) -> T:
    """Run one unit operation; cancelled because the worker stops, it is handed back."""
    try:
        return await operation
    except asyncio.CancelledError:
        if context.abort_reason() == AbortReason.SHUTDOWN:
            raise HandBack("the worker is stopping", 0.0) from None
        raise


@app.task(name=POLL_FEED, queue=FEEDS, pass_context=True, retry=_Retry())
async def poll_feed_job(context: JobContext, feed_id: Any = None) -> str:
    """Poll one feed."""
    fid = _item_id("feed_id", feed_id)
    outcome = await _unit(context, poll_feed(_poll_context(context), fid))
    if not outcome.recorded:
        raise StoreError(f"feed {fid}: outcome not recorded: {outcome.error}")
    tail = f": {outcome.error}" if outcome.error else f", {outcome.new_articles} new articles"
    return f"feed {fid} {outcome.status}{tail}"


@app.task(name=CHECK_ARTICLE, queue=ARTICLES, pass_context=True, retry=_Retry())
async def check_article_job(context: JobContext, article_id: Any = None) -> str:
    """Check one article."""
    aid = _item_id("article_id", article_id)
    outcome = await _unit(context, check_article(_poll_context(context), aid))
    if not outcome.recorded:
        raise StoreError(f"article {aid}: check not recorded: {outcome.error}")
    tail = f" (version {outcome.version})" if outcome.version else ""
    return f"article {aid} {outcome.outcome}{tail}"


@app.task(name=SCHEDULE, queue=SCHEDULER, pass_context=True, priority=PRIORITY[SCHEDULE])
async def schedule_job(context: JobContext, timestamp: int) -> str:
    """One tick of the scheduler (deferred by every worker's periodic deferrer; procrastinate
    keeps it to one job per tick, and the lock to one at a time)."""
    from newsdiff.workers.scheduler import tick

    settings = _poll_context(context).settings
    report = await tick(context.app, settings)
    if settings.alerts:
        await _defer_alerts()
    return report.line()


ALERTS_LOCK = "newsdiff:alerts"


async def _defer_alerts() -> None:
    """Alerts go out after each scheduler tick, as after each `newsdiff poll`: one job at a time
    (a slow or hanging receiver delays alerts, never the scheduling)."""
    try:
        await send_alerts_job.configure(
            lock=ALERTS_LOCK, queueing_lock=ALERTS_LOCK, priority=PRIORITY[SCHEDULE]
        ).defer_async()
    except procrastinate.exceptions.AlreadyEnqueued:
        pass  # the one waiting will see these changes too


@app.task(name="newsdiff.send_alerts", queue=SCHEDULER, pass_context=True)
async def send_alerts_job(context: JobContext) -> str:
    """Send what the configured alerts match among the new changes (newsdiff.alerts): each
    change once, failures retried at the next run."""
    from newsdiff.alerts import send_alerts

    ctx = _poll_context(context)
    report = await asyncio.to_thread(send_alerts, ctx.settings, ctx.database)
    return report.line()


def register_schedule(tick_s: int) -> None:
    """Make ``newsdiff.schedule`` periodic, every ``tick_s`` seconds (once per process)."""
    key = (SCHEDULE, "")
    if key in app.periodic_registry.periodic_tasks:
        return
    app.periodic_registry.register_task(
        task=schedule_job,
        cron=f"* * * * * */{tick_s}",  # the sixth field is seconds
        periodic_id="",
        configure_kwargs={
            "lock": SCHEDULE_LOCK,
            "queueing_lock": SCHEDULE_LOCK,
            "priority": PRIORITY[SCHEDULE],
        },
    )
