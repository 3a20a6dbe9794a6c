"""When to check an article next: often while young, slower while unchanged, back to the minimum
after a change, stop after ``stop_after``; ``gone`` after repeated 404/410. Pure functions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdiff.config import ScheduleSettings

TRACKING, STOPPED, GONE = "tracking", "stopped", "gone"


@dataclass(frozen=True)
class Next:
    """The article's next state: status, next check time and interval (seconds)."""

    status: str
    next_check_at: datetime | None
    interval: int


def _clamp(seconds: float, s: ScheduleSettings) -> int:
    low, high = s.min_interval.total_seconds(), s.max_interval.total_seconds()
    return int(min(max(seconds, low), high))


def _finish(now: datetime, first_seen: datetime, interval: int, s: ScheduleSettings) -> Next:
    nxt = now + timedelta(seconds=interval)
    if nxt - first_seen > s.stop_after:
        return Next(STOPPED, None, interval)
    return Next(TRACKING, nxt, interval)


def after_change(now: datetime, first_seen: datetime, s: ScheduleSettings) -> Next:
    """A new version (or the first one): back to the minimum interval."""
    return _finish(now, first_seen, _clamp(0, s), s)


def after_unchanged(
    now: datetime, first_seen: datetime, interval: int | None, s: ScheduleSettings
) -> Next:
    """Nothing changed: the interval grows by ``growth`` up to ``max_interval``."""
    current = interval or int(s.min_interval.total_seconds())
    return _finish(now, first_seen, _clamp(current * s.growth, s), s)


def after_failure(
    now: datetime,
    first_seen: datetime,
    interval: int | None,
    s: ScheduleSettings,
    *,
    retry_after: float | None = None,
) -> Next:
    """A failed fetch (5xx, timeout, 429): retry later, honouring Retry-After, without sleeping."""
    current = interval or int(s.min_interval.total_seconds())
    usable = retry_after is not None and math.isfinite(retry_after)
    wait = retry_after if usable and retry_after is not None else current
    wait = min(max(wait, s.min_interval.total_seconds()), s.max_interval.total_seconds())
    nxt = now + timedelta(seconds=wait)
    if nxt - first_seen > s.stop_after:
        return Next(STOPPED, None, current)
    return Next(TRACKING, nxt, current)


def after_missing(
    now: datetime, first_seen: datetime, interval: int | None, failures: int, s: ScheduleSettings
) -> Next:
    """A 404/410: ``gone`` once it happened ``gone_after`` times in a row, else retry."""
    if failures >= s.gone_after:
        return Next(GONE, None, interval or 0)
    return after_failure(now, first_seen, interval, s)


def feed_after_failure(
    now: datetime,
    interval: timedelta,
    errors: int,
    s: ScheduleSettings,
    *,
    retry_after: float | None = None,
) -> datetime:
    """When to poll a feed again after its ``errors``-th failure in a row: the feed interval,
    doubling per failure up to 36 times it, and no sooner than a ``Retry-After`` (clamped to
    ``max_interval``, as for articles: a server cannot pause a feed for years)."""
    backoff: timedelta = interval * min(2 ** max(errors - 1, 0), 36)
    if retry_after is not None and math.isfinite(retry_after) and retry_after > 0:
        wait = min(retry_after, s.max_interval.total_seconds())
        backoff = max(backoff, timedelta(seconds=wait))
    return now + backoff
