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
the sleep are injectable, so tests never wait.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from newsdiff.collect.http import HTML_TYPES, Fetcher, FetchResult
from newsdiff.config import ArchiveSettings
from newsdiff.errors import (
    ArchiveRateLimited,
    BlockedByRobots,
    ConfigError,
    FetchError,
    HTTPStatusError,
    TooLarge,
    UnsupportedContent,
)

logger = logging.getLogger(__name__)

CDX_FIELDS = ("timestamp", "original", "statuscode", "digest", "mimetype")
# pywb's JSON lines name some fields differently
_ALIASES = {"url": "original", "status": "statuscode", "mime": "mimetype"}
PAGE_SIZE = 1000
MAX_PAGES = 500
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 300.0
MAX_RETRY_AFTER_S = 900.0
CACHE_SIZE = 4

Sleep = Callable[[float], Awaitable[None]]
MonoClock = Callable[[], float]


# -- timestamps and dates ------------------------------------------------------------------------


def parse_timestamp(ts: str) -> datetime:
    """A CDX timestamp (``YYYYMMDDhhmmss``, or a shorter prefix) as an aware UTC datetime."""
    if not ts.isdigit() or not 4 <= len(ts) <= 14 or len(ts) % 2:
        raise ValueError(f"not a CDX timestamp: {ts!r}")
    full = ts + "0101000000"[len(ts) - 4 :] if len(ts) < 14 else ts
    return datetime.strptime(full, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def format_timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def _full(ts: str) -> str:
    """A (valid) timestamp widened to 14 digits."""
    return ts if len(ts) == 14 else format_timestamp(parse_timestamp(ts))


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?)?)?$")


def archive_date(value: str) -> str:
    """A date for ``--from``/``--to`` as the CDX wants it: ``2008``, ``2008-11``, ``2008-11-12``,
    ``2008-11-12T09:30`` or a digit timestamp become ``2008``, ``200811``, ``20081112`` ...
    (the archive widens a prefix to the whole period). Raises :class:`ConfigError`."""
    raw = value.strip()
    if raw.isdigit() and 4 <= len(raw) <= 14 and len(raw) % 2 == 0:
        digits = raw
    else:
        match = _DATE.match(raw)
        if not match:
            raise ConfigError(
                f"expected a date like 2008, 2008-11, 2008-11-12 or 2008-11-12T09:30, got {value!r}"
            )
        digits = "".join(g for g in match.groups() if g)
    try:
        parse_timestamp(digits)
    except ValueError:
        raise ConfigError(f"not a valid date: {value!r}") from None
    return digits


# -- captures and CDX answers --------------------------------------------------------------------


@dataclass(frozen=True)
class Capture:
    """One capture listed by the CDX index."""

    timestamp: str  # 14 digits
    original: str
    statuscode: str = "200"
    digest: str = ""
    mimetype: str = ""

    @property
    def captured_at(self) -> datetime:
        return parse_timestamp(self.timestamp)

    @property
    def source(self) -> str:
        """How checks and versions taken from this capture are marked."""
        return f"archive:{self.timestamp}"

    @property
    def is_html(self) -> bool:
        mime = self.mimetype.lower()
        return not mime or mime == "unk" or mime.startswith(HTML_TYPES)


@dataclass
class CdxPage:
    captures: list[Capture]
    resume_key: str | None = None
    malformed: int = 0


def _capture_from(values: dict[str, Any]) -> Capture | None:
    ts = str(values.get("timestamp") or "")
    original = str(values.get("original") or "")
    if not original.startswith(("http://", "https://")):
        return None
    try:
        parse_timestamp(ts)
    except ValueError:
        return None
    return Capture(
        timestamp=_full(ts),
        original=original,
        statuscode=str(values.get("statuscode") or ""),
        digest=str(values.get("digest") or ""),
        mimetype=str(values.get("mimetype") or ""),
    )


def _row(item: Any, header: tuple[str, ...]) -> Capture | None:
    if isinstance(item, dict):
        return _capture_from({_ALIASES.get(str(k), str(k)): v for k, v in item.items()})
    if isinstance(item, list) and len(item) == len(header):
        if not all(isinstance(v, str) for v in item):
            return None
        return _capture_from(dict(zip(header, item, strict=True)))
    return None


def _is_header(item: Any) -> bool:
    return (
        isinstance(item, list)
        and bool(item)
        and all(isinstance(v, str) for v in item)
        and "timestamp" in item
        and ("original" in item or "url" in item)
    )


def parse_cdx(body: bytes) -> CdxPage:
    """Read one CDX answer (Wayback's JSON rows or pywb's JSON lines). Malformed lines are skipped
    and counted; a resume key is returned when the answer carries one."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return CdxPage([])
    try:
        items: list[Any] | None = json.loads(text)
        if not isinstance(items, list):
            items = None
    except json.JSONDecodeError:
        items = None
    malformed = 0
    if items is None:  # JSON lines, or rows of which some are broken: read line by line
        items = []
        for line in text.splitlines():
            line = line.strip().rstrip(",")
            if line.startswith("[["):
                line = line[1:]
            if line.endswith("]]"):
                line = line[:-1]
            if not line or line in ("[", "]"):
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                malformed += 1
    header: tuple[str, ...] = CDX_FIELDS
    if items and _is_header(items[0]):
        header = tuple(_ALIASES.get(h, h) for h in items[0])
        items = items[1:]
    resume: str | None = None
    if len(items) >= 2 and items[-2] == [] and isinstance(items[-1], list) and len(items[-1]) == 1:
        resume = str(items[-1][0]) or None
        items = items[:-2]
    captures: list[Capture] = []
    for item in items:
        if item == []:
            continue
        capture = _row(item, header)
        if capture is None:
            malformed += 1
        else:
            captures.append(capture)
    return CdxPage(captures, resume, malformed)


@dataclass
class CaptureList:
    """The captures of one URL, oldest first, and how many CDX lines were unreadable."""

    captures: list[Capture]
    malformed: int = 0


@dataclass
class Discovery:
    """URLs found under a prefix (each with its first capture), and what the limit left out."""

    captures: list[Capture]
    over_limit: int = 0  # URLs seen beyond the limit
    more: bool = False  # the listing was not read to its end
    malformed: int = 0


@dataclass(frozen=True)
class Replay:
    """A capture's bytes as archived."""

    capture: Capture
    body: bytes
    status: int
    replay_url: str  # the final replay URL
    original_url: str  # the archived URL the body belongs to
    timestamp: str  # the capture actually served (the archive may redirect to a nearer one)
    content_type: str = ""
    charset: str | None = None
    redirects: tuple[str, ...] = ()
    duration_ms: int = 0

    @property
    def captured_at(self) -> datetime:
        return parse_timestamp(self.timestamp)

    @property
    def redirected(self) -> bool:
        return bool(self.redirects)


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


def replay_url(template: str, timestamp: str, url: str) -> str:
    return template.replace("{timestamp}", timestamp).replace("{url}", url)


def _replay_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{timestamp\}|\{url\})", template)
    regex = "".join(
        r"(?P<ts>\d{4,14})"
        if p == "{timestamp}"
        else r"(?P<url>.+)"
        if p == "{url}"
        else re.escape(p)
        for p in parts
    )
    return re.compile("^" + regex + "$")


def parse_replay_url(template: str, url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a replay URL built from ``template``, else None."""
    match = _replay_pattern(template).match(url)
    if match is None:
        return None
    original = match.group("url")
    # some archives squash "http://" to "http:/" in the path
    original = re.sub(r"^(https?):/(?!/)", r"\1://", original)
    return match.group("ts"), original


def _memento_timestamp(headers: dict[str, str] | Any) -> str | None:
    value = headers.get("memento-datetime")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_timestamp(when)


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
                timestamp = _full(timestamp)
            except ValueError:
                timestamp = capture.timestamp
        elif result.redirects:
            timestamp = _memento_timestamp(result.headers) or timestamp
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
