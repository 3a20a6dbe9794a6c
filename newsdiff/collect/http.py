"""Polite HTTP: one shared async client with global and per-host limits, a total timeout per
response, a size cap enforced while streaming, recorded redirects (loops stopped), robots.txt
(protego, cached per host, Crawl-delay respected) and the configured User-Agent.

Errors are translated into :mod:`newsdiff.errors` at this boundary. A 304 is a result, not an error.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from newsdiff.config import FetchSettings
from newsdiff.errors import (
    BlockedByRobots,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    UnsupportedContent,
)

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_CODES = (301, 302, 303, 307, 308)
ROBOTS_MAX_BYTES = 500_000
MAX_CRAWL_DELAY_S = 30.0


@dataclass(frozen=True)
class FetchResult:
    """A completed response (2xx, or 304 when ``not_modified``)."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    redirects: tuple[str, ...] = ()
    duration_ms: int = 0
    # what was sent for the final response (Host left out): kept with the raw capture
    request_headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type", ""))


def charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if it names one."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP date (``Retry-After``, ``Memento-Datetime``...) as an aware datetime, or None."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = parse_http_date(value)
    if when is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    robots: Protego | None = None
    robots_loaded: bool = False
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_allowed: float = 0.0


class Fetcher:
    """Fetch pages politely. Use as ``async with Fetcher(settings) as fetcher:``."""

    def __init__(
        self, settings: FetchSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, _Host] = {}

    async def __aenter__(self) -> Fetcher:
        limits = httpx.Limits(
            max_connections=self.settings.concurrency * 2,
            max_keepalive_connections=self.settings.concurrency,
        )
        self._client = httpx.AsyncClient(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.settings.timeout_s),
            follow_redirects=False,
            limits=limits,
            transport=self._transport,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("Fetcher used outside `async with`")
        return self._client

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(asyncio.Semaphore(self.settings.per_host_concurrency))
        return host

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] | None = None,
        accept_header: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    ) -> FetchResult:
        """GET ``url`` following redirects. ``accept`` restricts content types (checked before the
        body is read). Raises a :class:`FetchError` subclass on failure."""
        headers = {"Accept": accept_header}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        result = await self._follow(url, headers, accept)
        duration = int((time.monotonic() - started) * 1000)
        return FetchResult(
            url=url,
            final_url=result.final_url,
            status=result.status,
            headers=result.headers,
            body=result.body,
            redirects=result.redirects,
            duration_ms=duration,
            request_headers=result.request_headers,
        )

    async def _follow(
        self, url: str, headers: dict[str, str], accept: tuple[str, ...] | None
    ) -> FetchResult:
        current = url
        seen = [url]
        redirects: list[str] = []
        for _ in range(self.settings.max_redirects + 1):
            await self._check_robots(current)
            got = await self._get_once(current, headers, accept)
            status, resp_headers, body, location, sent = got
            if status in REDIRECT_CODES and location:
                target = urljoin(current, location)
                if target in seen:
                    raise FetchError(f"redirect loop: {' -> '.join([*seen, target])}", url=url)
                seen.append(target)
                redirects.append(target)
                current = target
                continue
            if status == 304:
                return FetchResult(
                    url, current, status, resp_headers, b"", tuple(redirects), request_headers=sent
                )
            if status >= 400:
                retry = parse_retry_after(resp_headers.get("retry-after"))
                raise HTTPStatusError(
                    f"HTTP {status}", status=status, url=current, retry_after=retry
                )
            return FetchResult(
                url, current, status, resp_headers, body, tuple(redirects), request_headers=sent
            )
        raise FetchError(f"more than {self.settings.max_redirects} redirects", url=url)

    async def _get_once(
        self, url: str, headers: dict[str, str], accept: tuple[str, ...] | None
    ) -> tuple[int, dict[str, str], bytes, str | None, dict[str, str]]:
        host = self._host(url)
        async with self._global, host.semaphore:
            await self._wait_crawl_delay(host)
            # The total timeout covers the response only, not the wait for a free slot: a
            # fetch queued behind slow ones must not time out before it has started.
            try:
                async with (
                    asyncio.timeout(self.settings.timeout_s),
                    self.client.stream("GET", url, headers=headers) as response,
                ):
                    lower = {k.lower(): v for k, v in response.headers.items()}
                    sent = {
                        k: v for k, v in response.request.headers.items() if k.lower() != "host"
                    }
                    status = response.status_code
                    if status in REDIRECT_CODES or status == 304 or status >= 400:
                        return status, lower, b"", lower.get("location"), sent
                    ctype = lower.get("content-type", "").split(";")[0].strip().lower()
                    if accept is not None and ctype and not ctype.startswith(accept):
                        raise UnsupportedContent(
                            f"not a page: content type {ctype}", content_type=ctype, url=url
                        )
                    declared = lower.get("content-length", "")
                    if declared.isdigit() and int(declared) > self.settings.max_bytes:
                        raise TooLarge(
                            f"response of {int(declared):,} bytes exceeds fetch.max_bytes "
                            f"({self.settings.max_bytes:,})",
                            url=url,
                        )
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > self.settings.max_bytes:
                            raise TooLarge(
                                f"response exceeds fetch.max_bytes ({self.settings.max_bytes:,})",
                                url=url,
                            )
                        chunks.append(chunk)
                    return status, lower, b"".join(chunks), None, sent
            except TimeoutError:
                raise FetchTimeout(
                    f"no complete response within {self.settings.timeout_s:g}s", url=url
                ) from None
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"timed out: {exc.__class__.__name__}", url=url) from exc
            except httpx.DecodingError as exc:
                raise FetchError(f"cannot decode response: {exc}", url=url) from exc
            except httpx.HTTPError as exc:
                raise FetchError(
                    f"{exc.__class__.__name__}: {exc}" or "HTTP error", url=url
                ) from exc

    async def _wait_crawl_delay(self, host: _Host) -> None:
        delay = 0.0
        if host.robots is not None:
            delay = min(
                float(host.robots.crawl_delay(self.settings.user_agent) or 0.0), MAX_CRAWL_DELAY_S
            )
        if delay <= 0:
            return
        now = time.monotonic()
        wait = host.next_allowed - now
        host.next_allowed = max(now, host.next_allowed) + delay
        if wait > 0:
            await asyncio.sleep(wait)

    async def _check_robots(self, url: str) -> None:
        if not self.settings.respect_robots:
            return
        host = self._host(url)
        if not host.robots_loaded:
            async with host.robots_lock:
                if not host.robots_loaded:
                    host.robots = await self._load_robots(url)
                    host.robots_loaded = True
        if host.robots is not None and not host.robots.can_fetch(url, self.settings.user_agent):
            raise BlockedByRobots("disallowed by robots.txt", url=url)

    async def _load_robots(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            async with asyncio.timeout(min(self.settings.timeout_s, 10.0)):
                response = await self.client.get(robots_url, follow_redirects=True)
        except (TimeoutError, httpx.HTTPError) as exc:
            logger.info("robots.txt of %s unreachable (%s): allowing", parts.netloc, exc)
            return None
        if response.status_code >= 400 or len(response.content) > ROBOTS_MAX_BYTES:
            return None
        try:
            return Protego.parse(response.text)
        except Exception as exc:  # noqa: BLE001 - a broken robots.txt must not stop polling
            logger.info("robots.txt of %s unparseable (%s): allowing", parts.netloc, exc)
            return None
