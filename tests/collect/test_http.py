"""The polite fetcher against a real local server: timeouts, queueing, Retry-After, robots.txt."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from newsdiff.collect.http import MAX_RETRY_AFTER_S, ROBOTS_MAX_BYTES, Fetcher, parse_retry_after
from newsdiff.collect.robots import ROBOTS_RETRY_S
from newsdiff.config import FetchSettings
from newsdiff.errors import BlockedByRobots, FetchError, FetchTimeout
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


NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 60 ", 60.0),
        ("1.5", 1.5),
        ("0", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),
        ("99999999999999", MAX_RETRY_AFTER_S),
        ("9" * 5000, MAX_RETRY_AFTER_S),  # int() refuses this many digits
        ("²", None),  # str.isdigit() says yes
        ("٣٠", None),  # Arabic-Indic digits: float() would read them
        ("-5", None),
        ("+5", None),
        ("1e9", None),
        ("inf", None),
        ("nan", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER_S),
        ("Fri, 31 Dec 9999 23:59:59 -2300", MAX_RETRY_AFTER_S),  # past year 9999 in UTC
        ("Mon, 01 Jan 0001 00:00:00 +2300", 0.0),
        ("Fri, 31 Dec 99999 23:59:59 GMT", None),
        ("Wed, 21 Oct 99999999999999999999 07:28:00 GMT", None),
        ("Wed, 32 Oct 2015 07:28:00 GMT", None),
    ],
    ids=lambda v: repr(v)[:40],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_retry_after_is_clamped_to_a_week() -> None:
    assert MAX_RETRY_AFTER_S == 7 * 24 * 3600
    assert timedelta(seconds=parse_retry_after("99999999999999") or 0) == timedelta(days=7)


# -- robots.txt (RFC 9309) ----------------------------------------------------------------------


class Monotonic:
    """An injectable monotonic clock the tests move forward."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _fetch_all(
    site: Site, paths: list[str], clock: Monotonic | None = None, **settings: Any
) -> list[int | str]:
    """Each path fetched in turn with one fetcher: its status, or the error's class name and
    message."""
    fetch_settings = FetchSettings(**{"timeout_s": 5.0, **settings})

    async def run() -> list[int | str]:
        out: list[int | str] = []
        async with Fetcher(fetch_settings, clock=clock or Monotonic()) as fetcher:
            for path in paths:
                try:
                    out.append((await fetcher.fetch(site.url(path))).status)
                except FetchError as exc:
                    out.append(f"{exc.__class__.__name__}: {exc}")
        return out

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(404, True), (410, True), (401, True), (403, True), (429, False), (500, False), (503, False)],
)
def test_robots_txt_status_decides(site: Site, status: int, allowed: bool) -> None:
    """4xx: no robots.txt, everything allowed; 5xx (and 429): disallowed for now."""
    site.set("/robots.txt", "oops", status=status, headers={"Content-Type": "text/plain"})
    site.set("/a", "<p>a</p>")
    site.set("/b", "<p>b</p>")
    outcomes = _fetch_all(site, ["/a", "/b"])
    if allowed:
        assert outcomes == [200, 200]
    else:
        message = (
            f"BlockedByRobots: robots.txt unavailable (HTTP {status}): "
            "not fetching from the site for now"
        )
        assert outcomes == [message, message]
        assert site.hits("/a") == 0
    assert site.hits("/robots.txt") == 1  # asked once per run, whatever it said


def test_robots_txt_timeout_blocks_for_now(site: Site) -> None:
    with site.lock:
        site.routes["/robots.txt"] = _slow(2.0)
    site.set("/a", "<p>a</p>")
    [outcome] = _fetch_all(site, ["/a"], timeout_s=0.3)
    assert outcome == (
        "BlockedByRobots: robots.txt unavailable (FetchTimeout: no complete response within "
        "0.3s): not fetching from the site for now"
    )
    assert site.hits("/a") == 0


def test_unreachable_host_is_blocked_by_its_robots_txt() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = FetchSettings(timeout_s=5.0)

    async def run() -> None:
        async with Fetcher(settings) as fetcher:
            await fetcher.fetch(f"http://127.0.0.1:{port}/a")

    with pytest.raises(BlockedByRobots, match=r"robots.txt unavailable \(FetchError: ConnectError"):
        asyncio.run(run())


def test_unavailable_robots_txt_is_asked_again_after_a_while(site: Site) -> None:
    site.set("/robots.txt", "down", status=503, headers={"Content-Type": "text/plain"})
    site.set("/a", "<p>a</p>")
    clock = Monotonic()
    settings = FetchSettings(timeout_s=5.0)

    async def run() -> list[int | str]:
        out: list[int | str] = []
        async with Fetcher(settings, clock=clock) as fetcher:
            for step in range(4):
                if step == 1:  # the site recovers, but the verdict stands for a while
                    site.set("/robots.txt", "User-agent: *\nAllow: /\n")
                    clock.now += ROBOTS_RETRY_S - 1
                if step == 2:
                    clock.now += 1
                try:
                    out.append((await fetcher.fetch(site.url("/a"))).status)
                except BlockedByRobots:
                    out.append("blocked")
                out.append(site.hits("/robots.txt"))
        return out

    assert asyncio.run(run()) == ["blocked", 1, "blocked", 1, 200, 2, 200, 2]


def test_oversized_robots_txt_is_parsed_up_to_the_cap(site: Site) -> None:
    """RFC 9309: parse at least the first 500 KiB; today's rules apply, later ones are lost."""
    head = "User-agent: *\nDisallow: /private/\n"
    filler = "# " + "x" * 98 + "\n"
    body = head + filler * (ROBOTS_MAX_BYTES // len(filler)) + "Disallow: /late/\n"
    assert len(body) > ROBOTS_MAX_BYTES
    site.set("/robots.txt", body, headers={"Content-Type": "text/plain"})
    for path in ("/private/a", "/late/a", "/ok"):
        site.set(path, "<p>page</p>")
    outcomes = _fetch_all(site, ["/private/a", "/late/a", "/ok"])
    assert outcomes == ["BlockedByRobots: disallowed by robots.txt", 200, 200]


def test_robots_txt_redirects_are_followed(site: Site) -> None:
    site.set("/robots.txt", status=301, headers={"Location": "/r1"})
    site.set("/r1", status=302, headers={"Location": site.url("/rules.txt")})
    site.set("/rules.txt", "User-agent: *\nDisallow: /private/\n")
    site.set("/ok", "<p>ok</p>")
    outcomes = _fetch_all(site, ["/private/a", "/ok"])
    assert outcomes == ["BlockedByRobots: disallowed by robots.txt", 200]


@pytest.mark.parametrize("location", ["mailto:webmaster@example.org", "/robots.txt"])
def test_robots_txt_redirect_nowhere_allows_everything(site: Site, location: str) -> None:
    """A redirect to a non-http URL, or one loop too many: as if there were no robots.txt."""
    site.set("/robots.txt", status=302, headers={"Location": location})
    site.set("/ok", "<p>ok</p>")
    assert _fetch_all(site, ["/ok"]) == [200]
    assert site.hits("/robots.txt") == (1 if location.startswith("mailto") else 6)
