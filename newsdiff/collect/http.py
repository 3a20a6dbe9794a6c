"""Polite HTTP: one shared async client with global and per-host limits, a total timeout per
response, a size cap enforced while streaming, recorded redirects (loops stopped), robots.txt
(protego, cached per origin, Crawl-delay respected) and the configured User-Agent.

Everything a server sends is untrusted, so :meth:`Fetcher.fetch` raises nothing but
:class:`~newsdiff.errors.FetchError` subclasses (and ``CancelledError``):

- URLs, given or redirected to, are checked before httpx sees them (http(s) only, a host, at most
  :data:`MAX_URL_CHARS`), since httpx raises ``InvalidURL`` (not an ``HTTPError``), urllib a
  ``ValueError`` and anyio an ``ExceptionGroup`` for the odd ones;
- every body, whether a page, a feed or robots.txt, goes through one reader that takes the raw
  stream and undoes Content-Encoding itself within the size cap (:mod:`newsdiff.collect.decode`),
  so a compression bomb costs neither memory nor time, and the total timeout covers decoding;
- Retry-After is parsed without raising and clamped to :data:`MAX_RETRY_AFTER_S`;
- whatever else escapes httpx or h11 is translated as a last resort, its traceback logged.

A 304 is a result, not an error. robots.txt follows RFC 9309 (:mod:`newsdiff.collect.robots`).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import re
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from newsdiff.collect.decode import BodyDecoder, DecodeError, OverBudget
from newsdiff.collect.robots import (
    ALLOW_ALL,
    MAX_CRAWL_DELAY_S,
    ROBOTS_MAX_BYTES,
    ROBOTS_MAX_REDIRECTS,
    RobotsRules,
    parse_robots,
    rules_for_status,
)
from newsdiff.config import FetchSettings
from newsdiff.errors import (
    BadRedirect,
    BlockedByRobots,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    UnsupportedContent,
)

logger = logging.getLogger(__name__)

__all__ = [
    "HTML_TYPES",
    "MAX_CRAWL_DELAY_S",
    "MAX_RETRY_AFTER_S",
    "MAX_URL_CHARS",
    "ROBOTS_MAX_BYTES",
    "Fetcher",
    "FetchResult",
    "HostGate",
    "HostSlot",
    "LocalGate",
    "charset_of",
    "check_url",
    "parse_http_date",
    "parse_retry_after",
    "resolve_redirect",
]

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_CODES = (301, 302, 303, 307, 308)
#: the answers that ask a client to slow down: the whole host backs off (see HostSlot.back_off)
BACKOFF_CODES = (429, 503)
#: httpx's own limit; a longer URL (given or redirected to) is a FetchError, not httpx.InvalidURL
MAX_URL_CHARS = 65_536
#: the longest wait a Retry-After may ask for: a week. Longer (or an absurd date) is read as a
#: week, so a schedule never overflows a timedelta and a site never parks an article for years
MAX_RETRY_AFTER_S = 7 * 24 * 3600.0
ROBOTS_TIMEOUT_S = 10.0
#: an unwanted body (a redirect's, an error page's) declared at most this long is read and
#: dropped, so that the connection goes back to the pool: httpcore closes a connection whose
#: response was not read to its end, and the next request to the host would open a new one
DRAIN_BYTES = 16 * 1024
CLIP_CHARS = 200  # URLs and messages quoted in an error are cut to this

# ASCII digits only: "²".isdigit() is True and float("²") raises. A fraction is tolerated.
_DELTA_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


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
    except (TypeError, ValueError, OverflowError):  # a 20-digit year overflows a C long
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), between 0 and
    :data:`MAX_RETRY_AFTER_S`; None when absent or unreadable. Never raises."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return min(float(value), MAX_RETRY_AFTER_S)  # 300 digits make inf: clamped too
    when = parse_http_date(value)
    if when is None:
        return None
    now = now or datetime.now(UTC)
    try:
        seconds = (when - now).total_seconds()
    except OverflowError:  # an offset pushes year 1 or 9999 out of range
        return MAX_RETRY_AFTER_S if when.year >= now.year else 0.0
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


def clip(text: str, limit: int = CLIP_CHARS) -> str:
    """``text`` on one line, cut to about ``limit`` characters for an error message."""
    line = " ".join(text.split())
    return line if len(line) <= limit else f"{line[:limit]}… ({len(line):,} characters)"


def check_url(url: str, *, redirect: bool = False) -> httpx.URL:
    """``url`` parsed, or a :class:`FetchError` saying in one line why it cannot be fetched.

    With ``redirect`` it is a :class:`BadRedirect` that says so (the error's ``url``, the page
    that redirected, is the caller's to set)."""

    def refuse(problem: str, detail: str = "") -> FetchError:
        tail = f" ({clip(detail, 100)})" if detail else ""
        if redirect:
            return BadRedirect(f"redirect to {problem}: {clip(url)}{tail}")
        return FetchError(f"{problem}: {clip(url)}{tail}")

    if len(url) > MAX_URL_CHARS:
        what = "a URL too long" if redirect else "URL too long"
        raise refuse(f"{what} (at most {MAX_URL_CHARS:,} characters)")
    invalid = "an invalid URL" if redirect else "invalid URL"
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise refuse(invalid, str(exc)) from exc
    if scheme not in ("http", "https"):
        raise refuse("a non-http(s) URL" if redirect else "not an http(s) URL")
    try:
        parsed = httpx.URL(url)
        host, port = parsed.host, parsed.port
    except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError and IDNAError are ValueErrors
        raise refuse(invalid, str(exc) or exc.__class__.__name__) from exc
    if not host:
        raise refuse(invalid, "no host")
    if port is not None and not 0 < port < 65_536:
        raise refuse(invalid, f"port {port}")
    return parsed


def resolve_redirect(base: str, location: str) -> str:
    """The absolute URL a ``Location`` points to, checked with :func:`check_url`; raises
    :class:`BadRedirect`.

    A Location with a scheme is taken as it is (RFC 3986 strict parsing): ``http:host/path`` is
    an http URL without a host, not a path relative to ``base`` as lenient parsers make it."""
    location = location.strip()
    if len(location) > MAX_URL_CHARS:  # before urljoin spends time on it
        check_url(location, redirect=True)  # raises "redirect to a URL too long"
    try:
        target = location if urlsplit(location).scheme else urljoin(base, location)
    except ValueError as exc:
        raise BadRedirect(
            f"redirect to an invalid URL: {clip(location)} ({clip(str(exc), 100)})"
        ) from exc
    check_url(target, redirect=True)
    return target


def _origin(url: httpx.URL) -> tuple[str, str]:
    """(netloc, origin): the host key for politeness and the robots.txt key (RFC 9309 2.3)."""
    netloc = url.netloc.decode("ascii", errors="replace").lower()
    return netloc, f"{url.scheme}://{netloc}"


async def _vet_location(response: httpx.Response) -> None:
    """Response hook. httpx builds the next request of every redirect, even when it does not
    follow it, and raises ``InvalidURL`` (no ``HTTPError``) on a Location such as about:blank;
    this runs first and refuses such a Location with a clear :class:`BadRedirect`."""
    if response.status_code in REDIRECT_CODES and "location" in response.headers:
        resolve_redirect(str(response.request.url), response.headers["location"])


async def _drain(response: httpx.Response, headers: Mapping[str, str], status: int) -> None:
    """Read the body of a response whose body is not wanted to its end, when that is cheap: a
    304 has none, and a body declared (Content-Length) at most :data:`DRAIN_BYTES` long is read
    raw (nothing is decompressed). Anything else is left unread (httpcore then closes the
    connection)."""
    declared = headers.get("content-length", "").strip()
    small = declared.isascii() and declared.isdigit() and int(declared) <= DRAIN_BYTES
    if status == 304 or small:
        async for _chunk in response.aiter_raw():
            pass


@dataclass
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes
    location: str | None
    sent: dict[str, str]
    truncated: bool = False


class HostSlot(Protocol):
    """The right to send one request to a host, held while it runs."""

    async def back_off(self, seconds: float | None) -> None:
        """The host answered 429 or 503: ask nobody to send it anything for ``seconds`` (its
        Retry-After, None when it gave none)."""


class HostGate(Protocol):
    """Decides when a request to a host may start: the politeness shared by whoever uses the
    gate. :class:`Fetcher` holds a slot around each request it sends, robots.txt included. The
    default, :class:`LocalGate`, is shared by one process's fetches; a queue worker's gate
    (:mod:`newsdiff.workers.hosts`) by every worker on the database."""

    def slot(
        self, host: str, delay: float, *, robots: bool = False
    ) -> AbstractAsyncContextManager[HostSlot]:
        """Wait until a request to ``host`` (a netloc, lower case) may start, and hold the slot
        until the block ends. ``delay``: the least time between two requests to the host (the
        larger of fetch.min_host_delay_s and its robots.txt Crawl-delay; 0 for none).
        ``robots``: the request is for robots.txt, so the host's Crawl-delay may be unknown."""
        ...


class _NoBackOff:
    async def back_off(self, seconds: float | None) -> None:
        """In one process, a 429 or 503 reschedules the one article or feed (schedule.py)."""


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    next_allowed: float = 0.0


class LocalGate:
    """The in-process gate: at most ``per_host_concurrency`` requests at once to a host, and
    request starts spaced by the delay (monotonic clock)."""

    def __init__(self, per_host_concurrency: int) -> None:
        self.per_host_concurrency = per_host_concurrency
        self._hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def slot(
        self, host: str, delay: float, *, robots: bool = False
    ) -> AsyncIterator[HostSlot]:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self.per_host_concurrency))
        async with state.semaphore:
            if delay > 0:
                now = time.monotonic()
                wait = state.next_allowed - now
                state.next_allowed = max(now, state.next_allowed) + delay
                if wait > 0:
                    await asyncio.sleep(wait)
            yield _NoBackOff()


@dataclass
class _Robots:
    rules: RobotsRules | None = None
    expires: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _proxies_in_environment() -> bool:
    """Whether proxy variables are set (httpx then mounts transports of its own for them)."""
    return any(
        os.environ.get(name) or os.environ.get(name.upper())
        for name in ("http_proxy", "https_proxy", "all_proxy")
    )


class _OnFirstUse(httpx.AsyncBaseTransport):
    """A transport made by ``make`` on its first request."""

    def __init__(self, make: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._make = make
        self._transport: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            self._transport = self._make()
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()


class Fetcher:
    """Fetch pages politely. Use as ``async with Fetcher(settings) as fetcher:``.

    ``clock`` (monotonic seconds) decides when cached robots.txt rules expire; tests move it.
    ``gate`` decides when a request to a host may start (default: a :class:`LocalGate` of this
    fetcher's own)."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        gate: HostGate | None = None,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(settings.concurrency)
        self._gate: HostGate = gate or LocalGate(settings.per_host_concurrency)
        self._robots: dict[str, _Robots] = {}

    async def __aenter__(self) -> Fetcher:
        limits = httpx.Limits(
            max_connections=self.settings.concurrency * 2,
            max_keepalive_connections=self.settings.concurrency,
        )
        transport, mounts = self._transport, None
        if transport is None and not _proxies_in_environment():
            # https gets its transport, and with it the CA bundle (~20 ms of CPU), on its first
            # request: a poll of http pages never pays for it. The default transport then only
            # carries http; its SSL context trusts no CA, so nothing could go out over TLS
            # unverified through it. (With proxies set, httpx's own mounts are kept as they are.)
            transport = httpx.AsyncHTTPTransport(
                limits=limits, verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            )
            mounts = {"https://": _OnFirstUse(lambda: httpx.AsyncHTTPTransport(limits=limits))}
        self._client = httpx.AsyncClient(
            # only what decode.py can undo: anything else would be refused
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.settings.timeout_s),
            follow_redirects=False,
            limits=limits,
            transport=transport,
            mounts=mounts,
            event_hooks={"response": [_vet_location]},
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
        body is read). Raises only :class:`FetchError` subclasses, whatever the server sends."""
        if self._client is None:  # a bug in the caller, not a failed fetch
            raise RuntimeError("Fetcher used outside `async with`")
        headers = {"Accept": accept_header}
        for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
            # validators come from earlier responses: one that cannot go back on the wire
            # (non-ASCII, a line break) would fail every later fetch, so it is left out
            if value and value.isascii() and value.isprintable():
                headers[name] = value
            elif value:
                logger.info("%s: not sending %s %r", clip(url), name, clip(value, 60))
        started = time.monotonic()
        try:
            result = await self._follow(url, headers, accept)
        except FetchError:
            raise
        except Exception as exc:
            # the last resort: whatever slipped through the translation in _request (httpx,
            # h11, anyio, our own decoding) is still a failed fetch, not a crash
            name = exc.__class__.__name__
            logger.warning("unexpected %s fetching %s", name, clip(url), exc_info=True)
            raise FetchError(
                f"unexpected {name} while fetching: {clip(str(exc))}", url=url
            ) from exc
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
        try:
            parsed = check_url(url)
        except FetchError as exc:
            exc.url = url
            raise
        current = url
        seen = [url]
        redirects: list[str] = []
        for _ in range(self.settings.max_redirects + 1):
            await self._check_robots(current, parsed)
            got = await self._get_once(current, parsed, headers, accept)
            if got.status in REDIRECT_CODES and got.location:
                try:
                    target = resolve_redirect(current, got.location)
                except FetchError as exc:
                    exc.url = current
                    raise
                if target in seen:
                    loop = " -> ".join(clip(u, 100) for u in [*seen, target])
                    raise FetchError(f"redirect loop: {loop}", url=url)
                seen.append(target)
                redirects.append(target)
                current, parsed = target, check_url(target)
                continue
            if got.status == 304:
                return FetchResult(
                    url, current, 304, got.headers, b"", tuple(redirects), request_headers=got.sent
                )
            if got.status >= 400:
                retry = parse_retry_after(got.headers.get("retry-after"))
                raise HTTPStatusError(
                    f"HTTP {got.status}", status=got.status, url=current, retry_after=retry
                )
            return FetchResult(
                url,
                current,
                got.status,
                got.headers,
                got.body,
                tuple(redirects),
                request_headers=got.sent,
            )
        raise FetchError(f"more than {self.settings.max_redirects} redirects", url=url)

    async def _get_once(
        self, url: str, parsed: httpx.URL, headers: dict[str, str], accept: tuple[str, ...] | None
    ) -> _Response:
        netloc, origin = _origin(parsed)
        async with self._global, self._gate.slot(netloc, self._delay(origin)) as slot:
            # The total timeout covers the response only, not the wait for a free slot: a
            # fetch queued behind slow ones must not time out before it has started.
            got = await self._request(
                url,
                headers,
                accept=accept,
                limit=self.settings.max_bytes,
                limit_name="fetch.max_bytes",
                timeout=self.settings.timeout_s,
            )
            if got.status in BACKOFF_CODES:
                await slot.back_off(parse_retry_after(got.headers.get("retry-after")))
            return got

    async def _request(
        self,
        url: str,
        headers: dict[str, str],
        *,
        accept: tuple[str, ...] | None,
        limit: int,
        limit_name: str,
        timeout: float,
        truncate: bool = False,
    ) -> _Response:
        """One GET, no redirects followed, all of it (headers, body, decoding) within
        ``timeout``. The body is read for 2xx only; ``truncate`` keeps the first ``limit``
        bytes of a longer body instead of raising :class:`TooLarge`."""
        try:
            async with (
                asyncio.timeout(timeout),
                self.client.stream("GET", url, headers=headers) as response,
            ):
                lower = {k.lower(): v for k, v in response.headers.items()}
                sent = {k: v for k, v in response.request.headers.items() if k.lower() != "host"}
                status = response.status_code
                if status in REDIRECT_CODES or status == 304 or status >= 400 or status < 200:
                    await _drain(response, lower, status)
                    return _Response(status, lower, b"", lower.get("location"), sent)
                ctype = lower.get("content-type", "").split(";")[0].strip().lower()
                if accept is not None and ctype and not ctype.startswith(accept):
                    raise UnsupportedContent(
                        f"not a page: content type {clip(ctype, 100)}", content_type=ctype, url=url
                    )
                declared = lower.get("content-length", "").strip()
                if not truncate and declared.isascii() and declared.isdigit():
                    if int(declared) > limit:
                        raise TooLarge(
                            f"response of {int(declared):,} bytes exceeds {limit_name} ({limit:,})",
                            url=url,
                        )
                body, truncated = await self._read_body(
                    response, url, limit=limit, limit_name=limit_name, truncate=truncate
                )
                return _Response(status, lower, body, None, sent, truncated)
        except FetchError as exc:
            if exc.url is None:  # from _vet_location or the decoder
                exc.url = url
            raise
        except TimeoutError:
            raise FetchTimeout(f"no complete response within {timeout:g}s", url=url) from None
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"timed out: {exc.__class__.__name__}", url=url) from exc
        except httpx.HTTPError as exc:
            detail = clip(str(exc)) or "HTTP error"
            raise FetchError(f"{exc.__class__.__name__}: {detail}", url=url) from exc

    async def _read_body(
        self, response: httpx.Response, url: str, *, limit: int, limit_name: str, truncate: bool
    ) -> tuple[bytes, bool]:
        """The body, decoded, and whether it was cut at ``limit``. The cap holds for the raw
        bytes and for the decoded ones; the loop yields between chunks so that the total
        timeout can fire however the body is made."""
        encoding = response.headers.get("content-encoding", "")
        try:
            decoder = BodyDecoder(encoding, limit)
            raw = 0
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                if raw > limit:
                    if not truncate:
                        raise TooLarge(f"response exceeds {limit_name} ({limit:,})", url=url)
                    decoder.feed(chunk[: len(chunk) - (raw - limit)])
                    return decoder.body(), True
                decoder.feed(chunk)
                await asyncio.sleep(0)
        except OverBudget:
            if truncate:
                return decoder.body(), True
            raise TooLarge(
                f"decoded response exceeds {limit_name} ({limit:,}; "
                f"Content-Encoding: {clip(encoding, 60)})",
                url=url,
            ) from None
        except DecodeError as exc:
            raise FetchError(f"cannot decode response: {clip(str(exc))}", url=url) from exc
        return decoder.body(), False

    def _delay(self, origin: str) -> float:
        """The least time between two requests to ``origin``'s host: fetch.min_host_delay_s,
        or its robots.txt Crawl-delay when longer."""
        robots = self._robots.get(origin)
        rules = robots.rules if robots is not None else None
        delay = rules.crawl_delay(self.settings.user_agent) if rules is not None else 0.0
        return max(self.settings.min_host_delay_s, delay)

    async def _check_robots(self, url: str, parsed: httpx.URL) -> None:
        if not self.settings.respect_robots:
            return
        netloc, origin = _origin(parsed)
        robots = self._robots.setdefault(origin, _Robots())
        if robots.rules is None or self._clock() >= robots.expires:
            async with robots.lock:  # one fetch of robots.txt per origin, the others wait
                if robots.rules is None or self._clock() >= robots.expires:
                    robots.rules = await self._load_robots(origin, netloc)
                    robots.expires = self._clock() + robots.rules.ttl
        refusal = robots.rules.refusal(url, self.settings.user_agent)
        if refusal is not None:
            raise BlockedByRobots(refusal, url=url)

    async def _load_robots(self, origin: str, netloc: str) -> RobotsRules:
        """Fetch and read ``origin``'s robots.txt: streamed, capped at ROBOTS_MAX_BYTES,
        redirects followed (http(s) only, at most ROBOTS_MAX_REDIRECTS)."""
        target = f"{origin}/robots.txt"
        headers = {"Accept": "text/plain,*/*;q=0.5"}
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            try:
                # robots.txt is a request to the host like any other: it takes a slot
                slot_cm = self._gate.slot(netloc, self._delay(origin), robots=True)
                async with self._global, slot_cm as slot:
                    got = await self._request(
                        target,
                        headers,
                        accept=None,
                        limit=ROBOTS_MAX_BYTES,
                        limit_name="the robots.txt cap",
                        timeout=min(self.settings.timeout_s, ROBOTS_TIMEOUT_S),
                        truncate=True,
                    )
                    if got.status in BACKOFF_CODES:
                        await slot.back_off(parse_retry_after(got.headers.get("retry-after")))
            except BadRedirect as exc:  # RFC 9309: as if there were no robots.txt (a 4xx)
                logger.info("robots.txt of %s: %s: allowing everything", origin, exc)
                return ALLOW_ALL
            except FetchError as exc:
                logger.info("robots.txt of %s unreachable (%s): not fetching for now", origin, exc)
                return RobotsRules(unreachable=f"{exc.__class__.__name__}: {exc}")
            except Exception as exc:  # noqa: BLE001 - as in fetch(): never escapes, but logged
                logger.warning("robots.txt of %s: unexpected error", origin, exc_info=True)
                return RobotsRules(unreachable=f"{exc.__class__.__name__}: {clip(str(exc))}")
            if got.status in REDIRECT_CODES and got.location:
                try:
                    target = resolve_redirect(target, got.location)
                except BadRedirect:  # vetted by _vet_location against httpx's form of the URL
                    return ALLOW_ALL
                continue
            rules = rules_for_status(got.status, origin)
            if rules is not None:
                return rules
            return parse_robots(got.body, truncated=got.truncated, where=origin)
        logger.info("robots.txt of %s: too many redirects: allowing everything", origin)
        return ALLOW_ALL
