"""Politeness shared by every worker on the database: a :class:`~newsdiff.collect.http.HostGate`
whose state is the ``newsdiff_hosts`` and ``newsdiff_host_leases`` tables
(:mod:`newsdiff.workers.schema` has them and the functions that change them).

Before each request the fetcher takes a lease on the host (``newsdiff_take_host``: one round trip,
under the host row's lock, on the database's clock); after it, the lease is released. So, for all
workers on all machines together:

- at most ``fetch.per_host_concurrency`` requests are in flight to a host;
- with a delay (``fetch.min_host_delay_s``, or the host's robots.txt Crawl-delay when longer),
  they go one at a time, each starting the delay after the previous one started *and* ended. The
  second half is what makes the gap hold as the server sees it: the time between being granted a
  slot and the request reaching the server varies (a busy event loop, a new connection), but a
  request that has ended has certainly arrived. A worker that has not read the host's
  robots.txt yet keeps the Crawl-delay the others know (the last one given, for a day);
- a 429 or 503 backs the host off for everyone, for its Retry-After (:data:`DEFAULT_BACKOFF_S`
  without one, at most :data:`MAX_BACKOFF_S`);
- a lease whose worker died (``kill -9``, a lost machine) expires after ``fetch.timeout_s`` and
  a margin (:func:`lease_seconds`): no request outlives the fetch's total timeout.

A busy host never blocks a worker's other jobs: the job awaits the host asynchronously (the
event loop runs the others) for at most ``workers.host_wait_s``, and no more than
``per_host_concurrency`` of one worker's jobs wait for the same host; beyond that it raises
:class:`HostBusy` and the job goes back to the queue, to run when the host should be free.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from newsdiff.collect.http import HostSlot

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

logger = logging.getLogger(__name__)

#: a lease outlives the fetch's total timeout by this much before it is taken for dead
LEASE_MARGIN_S = 5.0
#: how long a host is left alone after a 429/503 without Retry-After
DEFAULT_BACKOFF_S = 60.0
#: the longest a host is left alone after one 429/503, whatever its Retry-After says
MAX_BACKOFF_S = 6 * 3600.0
#: how often a job waiting for a host at its concurrency asks again
FULL_POLL_S = 0.1
#: how long a job is put back when the host state cannot be read (the database is failing)
UNREACHABLE_RETRY_S = 10.0
#: the delay kept after a robots.txt fetch: its Crawl-delay is known to nobody yet, and workers
#: starting together would otherwise each fetch it at once
ROBOTS_DELAY_S = 1.0


class HandBack(BaseException):  # noqa: N818 - a signal like CancelledError, not an error
    """Not an error: the job is to go back to the queue and run again in ``retry_in`` seconds,
    having done nothing. A ``BaseException``, like ``asyncio.CancelledError`` and for the same
    reason: the unit operations' last-resort handlers (``except Exception``: record the failure
    as a check) must let it through, since nothing was checked."""

    def __init__(self, reason: str, retry_in: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_in = retry_in


class HostBusy(HandBack):
    """The host is not free within ``workers.host_wait_s`` (or backs off for a while)."""


def lease_seconds(timeout_s: float) -> float:
    """How long a lease lasts: the fetch's whole timeout, and a margin as long (at most
    :data:`LEASE_MARGIN_S`) for the event loop to get round to releasing it."""
    return timeout_s + min(LEASE_MARGIN_S, timeout_s)


def holder_name() -> str:
    """Who holds a lease, for people reading the table: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class _Lease:
    def __init__(self, gate: SharedGate, host: str) -> None:
        self._gate = gate
        self._host = host

    async def back_off(self, seconds: float | None) -> None:
        await self._gate.back_off(self._host, seconds)


class SharedGate:
    """The host gate of a worker process, on the database behind ``pool``."""

    def __init__(
        self,
        pool: AsyncConnectionPool,
        *,
        per_host_concurrency: int,
        lease_s: float,
        max_wait_s: float,
        holder: str | None = None,
    ) -> None:
        self.pool = pool
        self.per_host_concurrency = per_host_concurrency
        self.lease_s = lease_s
        self.max_wait_s = max_wait_s
        self.holder = holder or holder_name()
        self._waiting: dict[str, int] = {}
        self.waits = self.handed_back = 0  # counts, for logs and benchmarks

    @asynccontextmanager
    async def slot(
        self, host: str, delay: float, *, robots: bool = False
    ) -> AsyncIterator[HostSlot]:
        # robots.txt: its Crawl-delay is known to nobody yet (workers starting together would
        # each fetch it at once); keep ROBOTS_DELAY_S around it, and learn no delay from it
        if robots:
            lease = await self._acquire(host, max(delay, ROBOTS_DELAY_S), learn=False)
        else:
            lease = await self._acquire(host, delay)
        try:
            yield _Lease(self, host)
        finally:
            await self._release(lease)

    async def _take(self, host: str, delay: float, learn: bool) -> tuple[int | None, float | None]:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT lease_id, wait_s FROM newsdiff_take_host(%s, %s, %s, %s, %s, %s)",
                (host, self.per_host_concurrency, delay, self.lease_s, self.holder, learn),
            )
            row = await cur.fetchone()
        assert row is not None
        return row[0], row[1]

    async def _acquire(self, host: str, delay: float, *, learn: bool = True) -> int:
        import psycopg
        import psycopg_pool

        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait_s
        waiting = False
        try:
            while True:
                try:
                    lease, wait = await self._take(host, delay, learn)
                except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
                    logger.warning("host %s: cannot reach the shared host state: %s", host, exc)
                    raise HostBusy(
                        f"host state unreachable ({exc.__class__.__name__})", UNREACHABLE_RETRY_S
                    ) from None
                if lease is not None:
                    return lease
                hint = wait if wait is not None else max(delay, FULL_POLL_S)
                # a little jitter: jobs waiting for one host do not all ask again at once
                hint *= 1 + random.uniform(0, 0.1)
                if not waiting:
                    if self._waiting.get(host, 0) >= self.per_host_concurrency:
                        raise self._busy(host, hint)
                    self._waiting[host] = self._waiting.get(host, 0) + 1
                    waiting = True
                if loop.time() + hint > deadline:
                    raise self._busy(host, hint)
                self.waits += 1
                await asyncio.sleep(hint)  # the host's own pace, not a poll for a test
        finally:
            if waiting:
                self._waiting[host] -= 1
                if not self._waiting[host]:
                    del self._waiting[host]

    def _busy(self, host: str, wait: float) -> HostBusy:
        self.handed_back += 1
        return HostBusy(f"host {host} busy for {wait:.1f}s", wait)

    async def _release(self, lease: int) -> None:
        import psycopg
        import psycopg_pool

        try:
            async with self.pool.connection() as conn:
                await conn.execute("SELECT newsdiff_release_host(%s)", (lease,))
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            logger.warning("lease %s not released (it expires by itself): %s", lease, exc)

    async def back_off(self, host: str, seconds: float | None) -> None:
        import psycopg
        import psycopg_pool

        wait = DEFAULT_BACKOFF_S if seconds is None else min(max(seconds, 0.0), MAX_BACKOFF_S)
        if wait <= 0:
            return
        logger.info("host %s asks to slow down: every worker leaves it alone for %gs", host, wait)
        try:
            async with self.pool.connection() as conn:
                await conn.execute("SELECT newsdiff_back_off_host(%s, %s)", (host, wait))
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            logger.warning("host %s: back-off not recorded: %s", host, exc)
