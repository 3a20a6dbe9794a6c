"""Recording what a check saw, and scheduling the article's next check from it: one observation
in its own transaction (:func:`record_one`), or many checks that found nothing new in one
transaction (:class:`CheckBatch`).

Most checks find the page as it was. Each of them is still recorded as its own ``checks`` row
and reschedules its own article, but a poll that writes them one transaction at a time spends
more CPU on the database than on the fetch. A :class:`CheckBatch` collects such observations
for a moment (:data:`BATCH_LINGER_S`, or until :data:`BATCH_SIZE` wait) and writes them
together, keeping what :func:`~newsdiff.collect.poll.check_article` promises:

1. one short write transaction, opened after the network I/O, never held across it;
2. the article rows are locked first and read afresh
   (:func:`~newsdiff.store.observations.record_seen_again`: ``SELECT ... FOR UPDATE`` in id
   order on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), each check still its own row;
3. an observation is recorded as "seen again" only if the article still holds what the check
   compared against (:func:`~newsdiff.store.observations.still_seen`): if another process
   stored a new version meanwhile,
   the check is handed back (``None``) and looks again, rather than calling the old bytes the
   latest text;
4. each check waits for its batch: when :meth:`CheckBatch.record` returns, the row is committed.
   A batch the database refuses fails every check in it, each then recorded as an error on its
   own, as a single write would.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newsdiff.collect import schedule
from newsdiff.config import ScheduleSettings
from newsdiff.errors import HTTPStatusError, NewsdiffError

if TYPE_CHECKING:  # imported where used: a poll with nothing to do never needs them
    import asyncio

    from newsdiff.store.db import Database
    from newsdiff.store.models import Article
    from newsdiff.store.observations import Observation, Plan, SeenArticle

logger = logging.getLogger(__name__)

#: the most checks one batch writes (one transaction: the write lock is held for a few ms)
BATCH_SIZE = 100
#: how long the first check of a batch waits for others before the batch is written
BATCH_LINGER_S = 0.05


@dataclass(frozen=True)
class CheckOutcome:
    article_id: int
    url: str
    outcome: str
    http_status: int | None = None
    version: int | None = None
    error: str | None = None
    recorded: bool = True  # False: the database refused to record the failure too


def record_one(
    session: Any,
    article: Article,
    obs: Observation,
    s: ScheduleSettings,
    error: NewsdiffError | None,
) -> CheckOutcome:
    """Record ``obs`` and schedule the article's next check from what it was."""
    from newsdiff.store.observations import SEEN_AGAIN, record_observation

    recorded = record_observation(session, article, obs)
    now, first_seen, interval = obs.checked_at, article.first_seen_at, article.check_interval
    outcome = recorded.outcome
    if outcome == "new_version":
        article.failure_count = 0
        nxt = schedule.after_change(now, first_seen, s)
    elif outcome in SEEN_AGAIN:
        article.failure_count = 0
        nxt = schedule.after_unchanged(now, first_seen, interval, s)
    elif outcome == "gone":
        article.failure_count = (article.failure_count or 0) + 1
        nxt = schedule.after_missing(now, first_seen, interval, article.failure_count, s)
    elif outcome == "blocked":
        nxt = schedule.after_unchanged(now, first_seen, interval, s)
    elif outcome == "skipped":
        nxt = schedule.Next(schedule.STOPPED, None, interval or 0)
    else:
        article.failure_count = (article.failure_count or 0) + 1
        retry = error.retry_after if isinstance(error, HTTPStatusError) else None
        nxt = schedule.after_failure(now, first_seen, interval, s, retry_after=retry)
    article.status = nxt.status
    article.next_check_at = nxt.next_check_at
    article.check_interval = nxt.interval
    message = recorded.check.error
    if message:
        logger.info("article %s: %s: %s", article.url, outcome, message)
    number = recorded.version.number if recorded.version is not None else None
    return CheckOutcome(
        article.id, article.url, outcome, obs.http_status, version=number, error=message
    )


def _plan(s: ScheduleSettings) -> Plan:
    def plan(article: SeenArticle, obs: Observation) -> tuple[str, datetime | None, int]:
        nxt = schedule.after_unchanged(
            obs.checked_at, article.first_seen_at, article.check_interval, s
        )
        return nxt.status, nxt.next_check_at, nxt.interval

    return plan


def write_batch(
    database: Database, observations: Sequence[Observation], s: ScheduleSettings
) -> list[CheckOutcome | None]:
    """Record seen-again observations in one transaction
    (:func:`~newsdiff.store.observations.record_seen_again`); for each, its outcome, or
    ``None`` when the article changed since the check read it (nothing recorded)."""
    from newsdiff.store.observations import record_seen_again

    with database.write() as session:
        results = record_seen_again(session, observations, _plan(s))
    outcomes: list[CheckOutcome | None] = []
    for obs, result in zip(observations, results, strict=True):
        if result == "recorded":
            outcomes.append(
                CheckOutcome(obs.article_id, obs.final_url or "?", obs.outcome, obs.http_status)
            )
        elif result == "changed":
            outcomes.append(None)
        else:
            outcomes.append(
                CheckOutcome(obs.article_id, "?", "error", error="article removed while checking")
            )
    return outcomes


class CheckBatch:
    """Writes seen-again checks together (see the module docstring). One per event loop;
    ``await batch.record(obs)`` returns once ``obs`` is committed."""

    def __init__(
        self,
        database: Database,
        schedule_settings: ScheduleSettings,
        *,
        size: int = BATCH_SIZE,
        linger: float = BATCH_LINGER_S,
    ) -> None:
        self.database = database
        self.schedule = schedule_settings
        self.size = size
        self.linger = linger
        self.batches = 0  # transactions written, for reports and tests
        self._pending: list[tuple[Observation, asyncio.Future[CheckOutcome | None]]] = []
        self._timer: asyncio.TimerHandle | None = None

    async def record(self, obs: Observation) -> CheckOutcome | None:
        """Record ``obs`` with the next batch: its outcome, or ``None`` when the article
        changed meanwhile (nothing recorded: the caller looks again). Raises what the batch's
        transaction raised."""
        from newsdiff.store.observations import SEEN_AGAIN

        if obs.outcome not in SEEN_AGAIN or obs.fields is not None:
            raise ValueError(f"only checks that saw nothing new are batched, not {obs.outcome!r}")
        import asyncio

        loop = asyncio.get_running_loop()
        future: asyncio.Future[CheckOutcome | None] = loop.create_future()
        self._pending.append((obs, future))
        if len(self._pending) >= self.size:
            self.flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.linger, self.flush)
        return await future

    def flush(self) -> None:
        """Write what waits now (in the event loop's thread, like every write of a poll)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch = [(obs, future) for obs, future in self._pending if not future.done()]
        self._pending = []
        if not batch:
            return
        try:
            outcomes = write_batch(self.database, [obs for obs, _ in batch], self.schedule)
        except Exception as exc:  # noqa: BLE001 - each waiting check records its own failure
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        self.batches += 1
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():
                future.set_result(outcome)
