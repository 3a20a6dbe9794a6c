"""The shared host gate on real PostgreSQL, two gates standing for two workers (no processes:
the gate's rules, fast). The cross-process version is in test_polite.py."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from psycopg_pool import AsyncConnectionPool

from newsdiff.workers.hosts import HostBusy, SharedGate
from newsdiff.workers.schema import conninfo
from tests.workers.conftest import query


@asynccontextmanager
async def gates(url: str, n: int = 2, **kwargs: Any) -> AsyncIterator[list[SharedGate]]:
    pool = AsyncConnectionPool(conninfo(url), min_size=1, max_size=6, open=False)
    await pool.open(wait=True)
    options = {"per_host_concurrency": 1, "lease_s": 30.0, "max_wait_s": 5.0, **kwargs}
    try:
        yield [SharedGate(pool, holder=f"worker {i}", **options) for i in range(n)]
    finally:
        await pool.close()


def run(url: str, body: Callable[[list[SharedGate]], Awaitable[None]], **kwargs: Any) -> None:
    async def go() -> None:
        async with gates(url, **kwargs) as gs:
            await body(gs)

    asyncio.run(go())


def test_concurrency_holds_across_gates(pg_url: str) -> None:
    in_flight = peak = 0

    async def request(gate: SharedGate) -> None:
        nonlocal in_flight, peak
        async with gate.slot("a.example", 0.0):
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.05)  # the request takes a while
            in_flight -= 1

    async def body(gs: list[SharedGate]) -> None:
        await asyncio.gather(*(request(gs[i % 2]) for i in range(4)))

    run(pg_url, body, per_host_concurrency=2, max_wait_s=30.0)
    assert peak == 2


def test_delay_counts_from_the_start_and_the_end_of_the_last_request(pg_url: str) -> None:
    spans: list[tuple[float, float]] = []

    async def request(gate: SharedGate) -> None:
        async with gate.slot("a.example", 0.2):
            began = time.monotonic()
            await asyncio.sleep(0.05)
            spans.append((began, time.monotonic()))

    async def body(gs: list[SharedGate]) -> None:
        await asyncio.gather(*(request(gs[i % 2]) for i in range(4)))

    run(pg_url, body, per_host_concurrency=2, max_wait_s=30.0)
    spans.sort()
    for (_, end), (begin, _) in zip(spans, spans[1:], strict=False):
        assert begin - end >= 0.2 - 0.01  # one at a time, 0.2 s after the last one ended


def test_other_hosts_are_not_held_up(pg_url: str) -> None:
    async def body(gs: list[SharedGate]) -> None:
        async with gs[0].slot("slow.example", 0.0):
            began = time.monotonic()
            async with gs[1].slot("fast.example", 0.0):
                pass
            assert time.monotonic() - began < 1.0

    run(pg_url, body)


def test_a_long_wait_hands_the_job_back(pg_url: str) -> None:
    async def body(gs: list[SharedGate]) -> None:
        async with gs[0].slot("a.example", 10.0):
            pass
        with pytest.raises(HostBusy) as caught:
            async with gs[1].slot("a.example", 10.0):
                pass
        assert 9.0 < caught.value.retry_in < 11.5  # when the host is free again
        assert gs[1].handed_back == 1

    run(pg_url, body, max_wait_s=1.0)


def test_back_off_holds_for_every_gate(pg_url: str) -> None:
    async def body(gs: list[SharedGate]) -> None:
        async with gs[0].slot("a.example", 0.0) as slot:
            await slot.back_off(120.0)  # a 429 with Retry-After: 120
        with pytest.raises(HostBusy) as caught:
            async with gs[1].slot("a.example", 0.0):
                pass
        assert 110 < caught.value.retry_in < 135
        async with gs[1].slot("b.example", 0.0):  # another host: no wait
            pass

    run(pg_url, body, max_wait_s=1.0)
    rows = query(pg_url, "SELECT host FROM newsdiff_hosts WHERE backoff_until > now()")
    assert rows == [("a.example",)]


def test_a_dead_holders_lease_expires(pg_url: str) -> None:
    async def body(gs: list[SharedGate]) -> None:
        # a lease taken by a worker that then died: never released
        lease = await gs[0]._acquire("a.example", 0.0)
        assert lease
        began = time.monotonic()
        async with gs[1].slot("a.example", 0.0):
            waited = time.monotonic() - began
        assert 0.5 <= waited < 3.0  # the lease lasted lease_s (1 s)

    run(pg_url, body, lease_s=1.0, max_wait_s=5.0)


def test_one_worker_keeps_few_jobs_waiting_for_one_host(pg_url: str) -> None:
    """Past per_host_concurrency jobs of one worker waiting for a host, the others go back to
    the queue at once: a worker's job slots are not all spent on one busy host."""
    outcomes: list[str] = []

    async def request(gate: SharedGate) -> None:
        try:
            async with gate.slot("a.example", 0.0):
                await asyncio.sleep(0.3)
            outcomes.append("fetched")
        except HostBusy:
            outcomes.append("handed back")

    async def body(gs: list[SharedGate]) -> None:
        await asyncio.gather(*(request(gs[0]) for _ in range(5)))

    run(pg_url, body, n=1, max_wait_s=5.0)
    assert sorted(outcomes) == ["fetched", "fetched", "handed back", "handed back", "handed back"]


def test_a_worker_new_to_a_host_keeps_the_delay_the_others_know(pg_url: str) -> None:
    """A worker fetching robots.txt (delay not yet known to it: 0) waits the Crawl-delay
    another worker has been keeping."""

    async def body(gs: list[SharedGate]) -> None:
        async with gs[0].slot("a.example", 10.0):
            pass
        with pytest.raises(HostBusy) as caught:
            async with gs[1].slot("a.example", 0.0):
                pass
        assert caught.value.retry_in > 9.0

    run(pg_url, body, max_wait_s=1.0)


def in_flight(url: str, host: str) -> tuple[int, int]:
    """The host's count of requests in flight, and its leases."""
    ((counted, leases),) = query(
        url,
        "SELECT in_flight, (SELECT count(*) FROM newsdiff_host_leases WHERE host = %s) "
        "FROM newsdiff_hosts WHERE host = %s",
        host,
        host,
    )
    return counted, leases


def test_a_dead_workers_lease_expires_and_is_counted_out(pg_url: str) -> None:
    """A lease never released (its worker died) holds the host until it expires; the next
    take drops it and counts it out, and its late release (a worker that was only slow)
    changes nothing: the host's count stays the number of its leases."""
    ((dead, _),) = query(
        pg_url, "SELECT * FROM newsdiff_take_host('a.example', 1, 0, 0.3, 'dead', true)"
    )
    assert dead is not None and in_flight(pg_url, "a.example") == (1, 1)

    async def body(gs: list[SharedGate]) -> None:
        async with gs[0].slot("a.example", 0.0):  # waits for the expiry
            assert in_flight(pg_url, "a.example") == (1, 1)
            query(pg_url, "SELECT newsdiff_release_host(%s)", dead)  # too late
            assert in_flight(pg_url, "a.example") == (1, 1)
        assert in_flight(pg_url, "a.example") == (0, 0)

    run(pg_url, body, max_wait_s=10.0)


def test_the_count_follows_the_leases(pg_url: str) -> None:
    """Many requests at once from two gates, on hosts with and without a delay: the count
    of each host ends at 0, as its leases."""

    async def request(gate: SharedGate, host: str, delay: float) -> None:
        async with gate.slot(host, delay):
            await asyncio.sleep(0.01)  # the request takes a while

    async def body(gs: list[SharedGate]) -> None:
        await asyncio.gather(
            *(
                request(gs[i % 2], f"{'ab'[i // 2 % 2]}.example", 0.02 * (i // 2 % 2))
                for i in range(12)  # three per gate and host: none handed back
            )
        )

    run(pg_url, body, per_host_concurrency=3, max_wait_s=30.0)
    assert in_flight(pg_url, "a.example") == (0, 0)
    assert in_flight(pg_url, "b.example") == (0, 0)
