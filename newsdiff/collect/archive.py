"""Web archives: the CDX index of captures, and replay of a capture's original bytes.

Works with the Wayback Machine and any pywb-compatible archive (``[archive]`` in the config):

* :meth:`ArchiveClient.captures` lists the captures of one URL: ``output=json``, fields
  ``timestamp,original,statuscode,digest,mimetype``, status 200 only, ``collapse=digest`` (runs of
  identical bytes collapse to their first capture), paged with ``showResumeKey``/``resumeKey``.
  Both answer shapes are read: Wayback's array of rows (header row first, ``[]`` then
  ``[resume key]`` at the end) and pywb's one JSON object a line. A malformed line is skipped and
  counted, never fatal.
* :meth:`ArchiveClient.discover` lists the URLs under a prefix (``matchType=prefix``,
  ``collapse=urlkey``: one row, the first capture, per URL).
* :meth:`ArchiveClient.replay` fetches a capture from ``replay_url`` (``{timestamp}id_/{url}`` on
  the Wayback Machine: the bytes as archived, no toolbar, no rewritten links). Redirects are
  followed; the capture actually served is read back from the final replay URL (or its
  ``Memento-Datetime`` header), since an archive answers a missing timestamp with the nearest one.

Politeness: HTTP goes through :class:`~newsdiff.collect.http.Fetcher` (User-Agent, total timeout,
size cap). Two token buckets pace requests: at most ``requests_per_minute`` CDX queries a minute
and ``replay_per_second`` replays a second. A 429, a 5xx, a timeout or a dropped connection is
retried with exponential backoff (1 s, 2 s, 4 s ... capped at 5 min), honouring ``Retry-After``;
each 429 also halves the bucket's rate for the rest of the run. After ``max_retries`` retries of
one request, or as many 429s in a row, or a ``Retry-After`` longer than 15 minutes, the client
stops with :class:`ArchiveRateLimited` rather than get the user's address blocked. The clock and
the sleep are injectable, so tests never wait. Reading the answers (CDX rows, timestamps, replay
URLs) is :mod:`newsdiff.collect.cdx`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from newsdiff.collect.cdx import (
    CDX_FIELDS,
    Capture,
    CaptureList,
    CdxPage,
    Discovery,
    Replay,
    full_timestamp,
    memento_timestamp,
    parse_cdx,
    parse_replay_url,
    replay_url,
)
from newsdiff.collect.http import HTML_TYPES, Fetcher, FetchResult
from newsdiff.config import ArchiveSettings
from newsdiff.errors import (
    ArchiveRateLimited,
    BlockedByRobots,
    FetchError,
    HTTPStatusError,
    TooLarge,
    UnsupportedContent,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
MAX_PAGES = 500
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 300.0
MAX_RETRY_AFTER_S = 900.0
CACHE_SIZE = 4

Sleep = Callable[[float], Awaitable[None]]
MonoClock = Callable[[], float]


# -- pacing --------------------------------------------------------------------------------------


class TokenBucket:
    """At most ``rate`` acquisitions a second on average, bursts of at most ``capacity``."""

    def __init__(
        self,
        rate: float,
        capacity: float = 1.0,
        *,
        clock: MonoClock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("a token bucket needs rate > 0 and capacity >= 1")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = capacity
        self._last: float | None = None
        self.waited = 0.0

    def _refill(self) -> None:
        now = self._clock()
        if self._last is not None:
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now

    async def acquire(self) -> float:
        """Take one token, sleeping until there is one. Returns the seconds waited."""
        waited = 0.0
        while True:
            self._refill()
            if self._tokens >= 1.0 - 1e-9:
                self._tokens = max(0.0, self._tokens - 1.0)
                self.waited += waited
                return waited
            delay = (1.0 - self._tokens) / self.rate
            await self._sleep(delay)
            waited += delay

    def slow_down(self, floor: float) -> None:
        """Halve the rate (after a 429), not below ``floor``."""
        self.rate = max(floor, self.rate / 2)


# -- the client ----------------------------------------------------------------------------------


@dataclass
class ArchiveStats:
    cdx_requests: int = 0
    replay_requests: int = 0
    retries: int = 0
    waited_s: float = 0.0
    throttled: int = 0  # 429 answers


@dataclass
class _Retry:
    attempts: int = 0
    throttled: int = 0
    last: FetchError | None = field(default=None)


class ArchiveClient:
    """CDX queries and replays against one archive, paced and retried politely.

    ``fetcher`` is an open :class:`Fetcher`; ``clock`` (monotonic seconds) and ``sleep`` are
    injectable so that tests need not wait.
    """

    def __init__(
        self,
        settings: ArchiveSettings,
        fetcher: Fetcher,
        *,
        clock: MonoClock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self._sleep = sleep
        self.page_size = page_size
        self.cdx_bucket = TokenBucket(
            settings.requests_per_minute / 60.0, clock=clock, sleep=self._timed_sleep
        )
        self.replay_bucket = TokenBucket(
            settings.replay_per_second, clock=clock, sleep=self._timed_sleep
        )
        self.stats = ArchiveStats()
        self._in_a_row_429 = 0
        self._cache: OrderedDict[tuple[str, str], Replay] = OrderedDict()

    async def _timed_sleep(self, seconds: float) -> None:
        self.stats.waited_s += seconds
        await self._sleep(seconds)

    # -- HTTP with retries -----------------------------------------------------------------------

    async def _get(
        self,
        url: str,
        bucket: TokenBucket,
        *,
        accept: tuple[str, ...] | None,
        accept_header: str,
        floor: float,
    ) -> FetchResult:
        state = _Retry()
        while True:
            await bucket.acquire()
            try:
                result = await self.fetcher.fetch(url, accept=accept, accept_header=accept_header)
            except (TooLarge, BlockedByRobots, UnsupportedContent):
                raise
            except HTTPStatusError as exc:
                if exc.status != 429 and exc.status < 500:
                    self._in_a_row_429 = 0
                    raise
                retry_after = exc.retry_after
                if exc.status == 429:
                    state.throttled += 1
                    self._in_a_row_429 += 1
                    self.stats.throttled += 1
                    bucket.slow_down(floor)
                self._give_up_or_wait(url, exc, state, retry_after)
                await self._timed_sleep(self._delay(state.attempts, retry_after))
                continue
            except FetchError as exc:  # timeouts, refused or dropped connections
                self._give_up_or_wait(url, exc, state, None)
                await self._timed_sleep(self._delay(state.attempts, None))
                continue
            self._in_a_row_429 = 0
            return result

    def _give_up_or_wait(
        self, url: str, exc: FetchError, state: _Retry, retry_after: float | None
    ) -> None:
        state.attempts += 1
        state.last = exc
        limit = self.settings.max_retries
        if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
            raise ArchiveRateLimited(
                f"the archive asks to wait {retry_after:.0f}s before the next request "
                f"(Retry-After): stopped; run the backfill again later",
                url=url,
            ) from exc
        throttled = isinstance(exc, HTTPStatusError) and exc.status == 429
        if self._in_a_row_429 > limit or (throttled and state.attempts > limit):
            raise ArchiveRateLimited(
                f"the archive answered 429 Too Many Requests {self._in_a_row_429} times in a "
                "row: stopped so as not to get this address blocked; run the backfill again "
                "later (it resumes where it stopped) or lower archive.requests_per_minute",
                url=url,
            ) from exc
        if state.attempts > limit:
            raise exc
        self.stats.retries += 1
        logger.info("archive: %s: %s; retry %d/%d", url, exc, state.attempts, limit)

    @staticmethod
    def _delay(attempt: int, retry_after: float | None) -> float:
        delay = min(BACKOFF_BASE_S * 2.0 ** (attempt - 1), BACKOFF_MAX_S)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    # -- CDX -------------------------------------------------------------------------------------

    def _cdx_query(self, params: list[tuple[str, str]]) -> str:
        sep = "&" if "?" in self.settings.cdx_url else "?"
        return self.settings.cdx_url + sep + urlencode(params)

    async def _cdx_pages(
        self, params: list[tuple[str, str]], *, max_rows: int | None = None
    ) -> AsyncIterator[CdxPage]:
        """Yield CDX pages, following resume keys; stop after ``max_rows`` rows if given."""
        resume: str | None = None
        seen: set[str] = set()
        rows = 0
        for _ in range(MAX_PAGES):
            query = list(params)
            if resume:
                query.append(("resumeKey", resume))
            url = self._cdx_query(query)
            self.stats.cdx_requests += 1
            result = await self._get(
                url,
                self.cdx_bucket,
                accept=None,
                accept_header="application/json, text/plain;q=0.5",
                floor=1 / 600,
            )
            page = parse_cdx(result.body)
            yield page
            rows += len(page.captures)
            if not page.resume_key or page.resume_key in seen:
                return
            if max_rows is not None and rows >= max_rows:
                return
            seen.add(page.resume_key)
            resume = page.resume_key
        logger.warning("archive: more than %d CDX pages; stopped listing", MAX_PAGES)

    def _base_params(self, url: str, since: str | None, until: str | None) -> list[tuple[str, str]]:
        params = [
            ("url", url),
            ("output", "json"),
            ("fl", ",".join(CDX_FIELDS)),
            ("filter", "statuscode:200"),
        ]
        if since:
            params.append(("from", since))
        if until:
            params.append(("to", until))
        return params

    async def captures(
        self, url: str, *, since: str | None = None, until: str | None = None
    ) -> CaptureList:
        """Every distinct capture of ``url`` (status 200), oldest first."""
        params = self._base_params(url, since, until) + [
            ("collapse", "digest"),
            ("showResumeKey", "true"),
            ("limit", str(self.page_size)),
        ]
        found: dict[str, Capture] = {}
        malformed = 0
        async for page in self._cdx_pages(params):
            malformed += page.malformed
            for capture in page.captures:
                if capture.statuscode not in ("200", ""):
                    continue  # an archive that ignored the filter
                found.setdefault(capture.timestamp, capture)
        if malformed:
            logger.warning("archive: %s: %d malformed CDX lines skipped", url, malformed)
        return CaptureList(sorted(found.values(), key=lambda c: c.timestamp), malformed)

    async def discover(
        self,
        prefix: str,
        *,
        since: str | None = None,
        until: str | None = None,
        limit: int = 100,
    ) -> Discovery:
        """Archived HTML pages under ``prefix``, one (first) capture per URL, at most ``limit``."""
        params = self._base_params(prefix, since, until) + [
            ("filter", "mimetype:text/html"),
            ("matchType", "prefix"),
            ("collapse", "urlkey"),
            ("showResumeKey", "true"),
            ("limit", str(min(self.page_size, limit + 1))),
        ]
        found: dict[str, Capture] = {}
        over = malformed = 0
        more = False
        async for page in self._cdx_pages(params, max_rows=limit + 1):
            malformed += page.malformed
            for capture in page.captures:
                if capture.statuscode not in ("200", "") or not capture.is_html:
                    continue
                key = capture.original
                if key in found:
                    continue
                if len(found) < limit:
                    found[key] = capture
                else:
                    over += 1
            more = page.resume_key is not None
        return Discovery(list(found.values()), over, more, malformed)

    # -- replay ----------------------------------------------------------------------------------

    async def replay(self, capture: Capture) -> Replay:
        """The archived bytes of ``capture`` (HTML only), following the archive's redirects."""
        key = (capture.timestamp, capture.original)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        url = replay_url(self.settings.replay_url, capture.timestamp, capture.original)
        self.stats.replay_requests += 1
        result = await self._get(
            url,
            self.replay_bucket,
            accept=HTML_TYPES,
            accept_header="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            floor=0.05,
        )
        served = parse_replay_url(self.settings.replay_url, result.final_url)
        timestamp = capture.timestamp
        original = capture.original
        if served is not None:
            timestamp, original = served
            try:
                timestamp = full_timestamp(timestamp)
            except ValueError:
                timestamp = capture.timestamp
        elif result.redirects:
            timestamp = memento_timestamp(result.headers) or timestamp
            original = result.final_url
        replay = Replay(
            capture=capture,
            body=result.body,
            status=result.status,
            replay_url=result.final_url,
            original_url=original,
            timestamp=timestamp,
            content_type=result.content_type,
            charset=result.charset,
            redirects=result.redirects,
            duration_ms=result.duration_ms,
        )
        self._cache[key] = replay
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return replay
