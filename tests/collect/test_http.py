"""The polite fetcher against a real local server: timeouts, queueing, robots caching."""

from __future__ import annotations

import asyncio
import time
from http.server import BaseHTTPRequestHandler

import pytest

from newsdiff.collect.http import Fetcher, parse_retry_after
from newsdiff.config import FetchSettings
from newsdiff.errors import FetchTimeout
from tests.collect.server import Route, Site


def _slow(seconds: float) -> Route:
    def handler(_request: BaseHTTPRequestHandler) -> Route:
        time.sleep(seconds)  # the server is slow; the test itself never sleeps
        return Route(200, b"<html><body><p>slow page</p></body></html>")

    return Route(handler=handler)


def test_queued_fetch_does_not_time_out_while_waiting_for_a_slot(site: Site) -> None:
    """Timeout is per response: a fetch waiting behind another on the same host still succeeds."""
    for path in ("/a", "/b", "/c"):
        with site.lock:
            site.routes[path] = _slow(0.5)
    settings = FetchSettings(
        concurrency=1, per_host_concurrency=1, timeout_s=1.2, respect_robots=False
    )

    async def run() -> list[int]:
        async with Fetcher(settings) as fetcher:
            results = await asyncio.gather(
                *(fetcher.fetch(site.url(p)) for p in ("/a", "/b", "/c"))
            )
        return [r.status for r in results]

    assert asyncio.run(run()) == [200, 200, 200]


def test_slow_response_hits_the_total_timeout(site: Site) -> None:
    with site.lock:
        site.routes["/slow"] = _slow(2.0)
    settings = FetchSettings(timeout_s=0.3, respect_robots=False)

    async def run() -> None:
        async with Fetcher(settings) as fetcher:
            await fetcher.fetch(site.url("/slow"))

    with pytest.raises(FetchTimeout, match="0.3s"):
        asyncio.run(run())


def test_robots_txt_is_fetched_once_per_host(site: Site) -> None:
    site.set("/p1", "<p>one</p>")
    site.set("/p2", "<p>two</p>")
    settings = FetchSettings(respect_robots=True)

    async def run() -> None:
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(fetcher.fetch(site.url("/p1")), fetcher.fetch(site.url("/p2")))
            await fetcher.fetch(site.url("/p1"))

    asyncio.run(run())
    assert site.hits("/robots.txt") == 1
    assert site.hits("/p1") == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected
