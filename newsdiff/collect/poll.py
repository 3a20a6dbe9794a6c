"""The poll cycle, built from two unit operations that are safe to run in any process at any
time: :func:`poll_feed` (one feed) and :func:`check_article` (one article). Each reads what it
needs, does its network I/O with no transaction open, then writes in one short transaction, so a
poll killed at any moment leaves a consistent database. :func:`run_poll` is one driver of them.

A run with nothing to do is the common case under cron. On SQLite, ``newsdiff poll`` asks
:func:`newsdiff.collect.due.nothing_due` first, which answers with ``sqlite3`` before this module
(and SQLAlchemy) is imported. Otherwise :func:`run_poll` decides it before it starts an
event loop, an HTTP client or an extraction pool, and this module imports the HTTP client, the
feed parser, URL handling and extraction only where they are used (``python -X importtime -m
newsdiff poll`` shows what a run loads). Checks that find nothing new are written in batches
(:class:`~newsdiff.collect.record.CheckBatch`) when the driver gives a batch.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Select, Table, exists, or_, select

from newsdiff.collect import schedule
from newsdiff.collect.due import PollSummary
from newsdiff.collect.record import CheckBatch, CheckOutcome, record_one
from newsdiff.config import Settings
from newsdiff.errors import (
    ConfigError,
    ExtractionError,
    FeedError,
    FetchError,
    HTTPStatusError,
    NewsdiffError,
    StoreError,
)
from newsdiff.store.db import Database
from newsdiff.store.models import Article, Feed, FeedEntry, Outlet, utcnow

if TYPE_CHECKING:  # the rest is imported where used (see the module docstring)
    from sqlalchemy.orm import Session

    from newsdiff.collect.feeds import FeedItem, ParsedFeed
    from newsdiff.collect.http import Fetcher, FetchResult
    from newsdiff.collect.warc import CaptureRef
    from newsdiff.store.observations import Observation

__all__ = [
    "CheckBatch",
    "CheckOutcome",
    "FeedOutcome",
    "PollContext",
    "PollSummary",
    "check_article",
    "poll_feed",
    "run_poll",
    "run_poll_async",
    "sync_config_feeds",
]

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Progress = Callable[[str, int, int], None]


@dataclass
class PollContext:
    """What the unit operations share: settings, the database, a fetcher, a clock, an executor
    for CPU-bound extraction (``None``: the event loop's default thread pool; :func:`run_poll`
    gives an :class:`~newsdiff.collect.workers.ExtractionPool`, which moves to worker processes
    when there is much to extract). With a process pool, ``extractor`` must be picklable (a
    module-level function)."""

    settings: Settings
    database: Database
    fetcher: Fetcher
    clock: Clock = utcnow
    executor: Executor | None = None
    extractor: Callable[..., Any] | None = None
    #: seen-again checks are written together through this (None: each in its own transaction)
    batch: CheckBatch | None = None
    #: what the driver read of the articles it is about to check, in one query: a cache that
    #: :func:`check_article` takes its article's entry from (reading the row itself without)
    due: dict[int, DueArticle] = field(default_factory=dict)
    #: how a check reads its article's entry when the cache has none: ``None``, through
    #: ``database`` (a short read transaction, in the event loop's thread); a worker gives
    #: a coroutine on its own connections (:func:`due_sql`), which never holds up the loop
    read_due: Callable[[int], Awaitable[DueArticle | None]] | None = None


@dataclass(frozen=True)
class DueArticle:
    """What a check reads before it fetches (no transaction is open while it fetches)."""

    id: int
    url: str
    last_hash: str | None
    versions: int
    outlet: str | None
    feed_title: str | None
    etag: str | None = None  # the validators of the last body (``last_hash``), sent back
    last_modified: str | None = None


@dataclass(frozen=True)
class FeedOutcome:
    feed_url: str
    status: str  # ok / not_modified / error
    entries: int = 0
    new_articles: int = 0
    warning: str | None = None
    error: str | None = None
    recorded: bool = True  # False: the database refused to record the failure too


def _outlet_for(session: Any, outlet_name: str | None, url: str) -> Outlet:
    from newsdiff.collect.urls import host_of
    from newsdiff.store.articles import get_or_create_outlet

    host = host_of(url)
    return get_or_create_outlet(session, outlet_name or host, host)


def sync_config_feeds(settings: Settings, database: Database, now: datetime) -> int:
    """Add the config's ``[[feeds]]`` to the database. Returns how many were new."""
    added = 0
    if not settings.feeds:
        return 0
    from newsdiff.store.feeds import add_feed

    with database.write() as session:
        for item in settings.feeds:
            if item.outlet is None:  # a known feed keeps the outlet it has
                known = session.scalars(select(Feed.id).where(Feed.url == item.url)).first()
                if known is not None:
                    continue
            outlet = _outlet_for(session, item.outlet, item.url)
            _, created = add_feed(session, item.url, now=now, outlet=outlet)
            added += created
    return added


#: feed entries written per transaction: a huge feed never holds the write lock for long
ENTRY_BATCH = 200
#: the longest URL stored (the URL columns' size); a longer feed link is skipped with a warning
MAX_URL_CHARS = 2000


async def poll_feed(ctx: PollContext, feed_id: int) -> FeedOutcome:
    """Fetch one feed (conditional GET) and track the articles it lists.

    Never raises for anything the feed sends: a failure is recorded on the feed (with a backoff)
    and returned. Entries are written in batches of :data:`ENTRY_BATCH`, each its own short
    transaction, so that a feed of tens of thousands of entries never keeps other writers
    waiting; the feed's own state (ETag, next poll) is written last, so a poll killed halfway
    fetches the feed again and finds the entries already written."""
    try:
        return await _poll_feed(ctx, feed_id)
    except NewsdiffError as exc:  # the store refused something: record it on the feed
        logger.warning("feed %s: %s", feed_id, exc)
        return _record_feed_failure(ctx, feed_id, f"feed {feed_id}", exc)
    except Exception as exc:  # noqa: BLE001 - the last resort: one feed never stops the run
        logger.exception("feed %s: unexpected error", feed_id)
        return _record_feed_failure(ctx, feed_id, f"feed {feed_id}", _unexpected(exc))


def _unexpected(exc: BaseException) -> NewsdiffError:
    """An exception nobody expected, as a one-line error to record (the traceback is logged)."""
    text = " ".join(str(exc).split())[:500]
    return NewsdiffError(f"internal error: {exc.__class__.__name__}: {text}".rstrip(": "))


def _record_feed_failure(
    ctx: PollContext, feed_id: int, url: str, exc: NewsdiffError
) -> FeedOutcome:
    now = ctx.clock()
    status = exc.status if isinstance(exc, HTTPStatusError) else None
    retry = exc.retry_after if isinstance(exc, HTTPStatusError) else None
    try:
        with ctx.database.write() as session:
            feed = session.get(Feed, feed_id)
            if feed is not None:
                url = feed.url
                feed.error_count = (feed.error_count or 0) + 1
                feed.last_error = str(exc)
                feed.last_status = status
                feed.last_polled_at = now
                feed.next_poll_at = schedule.feed_after_failure(
                    now,
                    ctx.settings.schedule.feed_interval,
                    feed.error_count,
                    ctx.settings.schedule,
                    retry_after=retry,
                )
    except NewsdiffError as store_exc:  # the database itself is failing: say so, carry on
        logger.error("feed %s: %s (and recording it failed: %s)", url, exc, store_exc)
        return FeedOutcome(url, "error", error=f"{exc} (not recorded: {store_exc})", recorded=False)
    logger.warning("feed %s: %s", url, exc)
    return FeedOutcome(url, "error", error=str(exc))


def _usable_links(parsed: ParsedFeed) -> tuple[list[tuple[FeedItem, str]], int]:
    """The feed's items with their canonical URLs, and how many links were unusable (not
    http(s), malformed, longer than :data:`MAX_URL_CHARS`)."""
    from newsdiff.collect.urls import canonical_url

    usable: list[tuple[FeedItem, str]] = []
    bad = 0
    for item in parsed.items:
        if len(item.link) > MAX_URL_CHARS:
            bad += 1
            continue
        try:
            canonical = canonical_url(item.link)
        except (ConfigError, ValueError):
            bad += 1
            continue
        if len(canonical) > MAX_URL_CHARS:
            bad += 1
            continue
        usable.append((item, canonical))
    return usable, bad


async def _poll_feed(ctx: PollContext, feed_id: int) -> FeedOutcome:
    import asyncio

    from newsdiff.collect.feeds import FEED_ACCEPT, parse_feed
    from newsdiff.collect.headlines import plausible_date
    from newsdiff.collect.urls import url_variants
    from newsdiff.store.articles import add_alias, track_article
    from newsdiff.store.feeds import record_entry

    with ctx.database.read() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return FeedOutcome(f"feed {feed_id}", "error", error="feed removed")
        url, etag, last_modified = feed.url, feed.etag, feed.last_modified
        outlet_id = feed.outlet_id
        outlet_name = feed.outlet.name if feed.outlet else None
    try:
        result = await ctx.fetcher.fetch(
            url, etag=etag, last_modified=last_modified, accept_header=FEED_ACCEPT
        )
        parsed = (
            None
            if result.not_modified
            else parse_feed(result.body, result.headers, result.final_url)
        )
    except (FetchError, FeedError) as exc:
        return _record_feed_failure(ctx, feed_id, url, exc)

    now = ctx.clock()
    entries = new = 0
    warning = parsed.warning if parsed is not None else None
    if parsed is not None:
        usable, bad = _usable_links(parsed)
        if bad:
            note = f"{bad} entries with an unusable link skipped"
            warning = f"{warning}; {note}" if warning else note
        if outlet_id is None:
            with ctx.database.write() as session:
                outlet_id = _outlet_for(session, outlet_name, result.final_url).id
        began = time.monotonic()
        for start in range(0, len(usable), ENTRY_BATCH):
            batch = usable[start : start + ENTRY_BATCH]
            if start:
                # a pause a tenth as long as the last batch took: a writer waiting for the lock
                # (SQLite's busy handler retries every few ms up to every 100 ms) gets its turn
                await asyncio.sleep(min(0.1, (time.monotonic() - began) / 10))
            began = time.monotonic()
            with ctx.database.write() as session:
                feed = session.get(Feed, feed_id)
                if feed is None:
                    return FeedOutcome(url, "error", error="feed removed while polling")
                outlet = session.get(Outlet, outlet_id)
                for item, canonical in batch:
                    article, created = track_article(
                        session,
                        canonical,
                        now=now,
                        outlet=outlet,
                        variants=url_variants(canonical),
                        published_at=plausible_date(item.published_at, now),
                        title=item.title,
                    )
                    new += created
                    if item.link != canonical:
                        add_alias(session, article, item.link, "feed", now)
                    record_entry(
                        session, feed, article, entry_url=item.link, title=item.title, now=now
                    )
            entries += len(batch)

    with ctx.database.write() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return FeedOutcome(url, "error", error="feed removed while polling")
        feed.last_polled_at = now
        feed.last_status = result.status
        feed.next_poll_at = now + ctx.settings.schedule.feed_interval
        feed.error_count = 0
        feed.last_error = None
        if parsed is None:
            return FeedOutcome(url, "not_modified")
        feed.etag = result.headers.get("etag")
        feed.last_modified = result.headers.get("last-modified")
        if parsed.title:
            feed.title = parsed.title
        feed.last_warning = warning
    if warning:
        logger.warning("feed %s: %s", url, warning)
    return FeedOutcome(url, "ok", entries=entries, new_articles=new, warning=warning)


_FEED_TITLE = (
    select(FeedEntry.title)
    .where(FeedEntry.article_id == Article.id)
    .order_by(FeedEntry.last_seen_at.desc())
    .limit(1)
    .scalar_subquery()
)


def _due_query() -> Any:
    """What a check reads of its article (:class:`DueArticle`), for one article or many."""
    return select(
        Article.id,
        Article.url,
        Article.last_body_hash,
        Article.version_count,
        Outlet.name,
        _FEED_TITLE,
        Article.etag,
        Article.last_modified,
    ).outerjoin(Outlet, Outlet.id == Article.outlet_id)


def due_sql(dialect: Any) -> tuple[str, dict[str, Any]]:
    """:func:`_due_query` for one article, as SQL for ``dialect`` and its parameters, the
    article's id to be given as ``article_id``: what a worker runs on its own connections."""
    from sqlalchemy import bindparam

    compiled = _due_query().where(Article.id == bindparam("article_id")).compile(dialect=dialect)
    return str(compiled), dict(compiled.params)


async def _read_due(ctx: PollContext, article_id: int) -> DueArticle | None:
    if ctx.read_due is not None:
        return await ctx.read_due(article_id)
    with ctx.database.read() as session:
        row = session.execute(_due_query().where(Article.id == article_id)).first()
    return DueArticle(*row) if row is not None else None


def _body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _default_extractor() -> Callable[..., Any]:
    from newsdiff.collect.extract import extract_article

    fn: Callable[..., Any] = extract_article
    return fn


async def check_article(ctx: PollContext, article_id: int) -> CheckOutcome:
    """Fetch one article, store a new version if its text changed, record the check, and
    schedule the next one. Safe in any process at any time: the write locks the article row.

    Network I/O, extraction and diff stats happen with no transaction open; the observation is
    then recorded in one short transaction (with the version, if any: all or nothing), or, when
    it found nothing new and ``ctx.batch`` is given, with other such checks in one (each still
    its own row, see :mod:`newsdiff.collect.record`). Never raises for anything the page sends:
    an unexpected exception becomes a recorded ``error`` check, its traceback in the log."""
    try:
        return await _check_article(ctx, article_id)
    except Exception as exc:  # noqa: BLE001 - the last resort: one article never stops the run
        if isinstance(exc, NewsdiffError):  # the store refused something (read-only, full...)
            logger.warning("article %s: %s", article_id, exc)
            error = exc
        else:
            logger.exception("article %s: unexpected error", article_id)
            error = _unexpected(exc)
        from newsdiff.store.observations import Observation
        from newsdiff.store.versions import lock_article

        try:
            with ctx.database.write() as session:
                article = lock_article(session, article_id)
                if article is None:
                    return CheckOutcome(article_id, "?", "error", error=str(error))
                obs = Observation(article_id, ctx.clock(), outcome="error", error=str(error))
                return record_one(session, article, obs, ctx.settings.schedule, error)
        except NewsdiffError as store_exc:  # the database itself is failing: say so, carry on
            logger.error("article %s: not recorded: %s", article_id, store_exc)
            return CheckOutcome(
                article_id, "?", "error", error=f"{error} (not recorded)", recorded=False
            )


async def _observe(
    ctx: PollContext, due: DueArticle, **opts: Any
) -> tuple[Observation, FetchResult | None, NewsdiffError | None]:
    """Fetch and extract (no transaction open): the observation to record, the response (for the
    URLs it teaches), and the error, if any.

    The request is conditional when the last body's validators are known: a 304 is
    ``not_modified``, with no body read. The same bytes as last time (one hash of the body) are
    ``unchanged`` without extraction."""
    import asyncio
    from concurrent.futures.process import BrokenProcessPool

    from newsdiff.collect.http import HTML_TYPES
    from newsdiff.collect.urls import redirected_to_front_page
    from newsdiff.store.observations import Observation

    url = due.url
    started = time.monotonic()
    result: FetchResult | None = None
    extraction: Any = None
    stats: Any = None
    edits: Any = None
    body_hash: str | None = None
    capture_base: CaptureRef | None = None
    # validators stand for the last body: without its hash there is nothing a 304 could confirm
    etag, modified = (due.etag, due.last_modified) if due.last_hash else (None, None)
    try:
        result = await ctx.fetcher.fetch(url, accept=HTML_TYPES, etag=etag, last_modified=modified)
        if result.redirects and redirected_to_front_page(url, result.final_url):
            # how many sites answer for an article they removed: never a version of it
            raise FetchError(f"redirected to the site's front page: {result.final_url}", url=url)
        if result.not_modified:
            if not (etag or modified):
                raise FetchError("HTTP 304 to a request that was not conditional", url=url)
            body_hash = due.last_hash  # what the 304 confirms
        else:
            body_hash = _body_hash(result.body)
            etag, modified = _validators(result.headers)
        if body_hash != due.last_hash:
            from newsdiff.collect.workers import extract_for_store
            from newsdiff.store.versions import latest_text

            previous = None
            if due.versions:  # what the change stats compare against (read with no write open)
                with ctx.database.read() as session:
                    previous = latest_text(session, due.id)
                    # and what a compact capture is compressed against, in the same read
                    capture_base = _capture_base(ctx, session, due.id)
            loop = asyncio.get_running_loop()
            extraction, stats, edits = await loop.run_in_executor(
                ctx.executor,
                functools.partial(
                    extract_for_store,
                    ctx.extractor or _default_extractor(),
                    result.body,
                    result.final_url,
                    previous=previous,
                    encoding=result.charset,
                    **opts,
                ),
            )
    except (FetchError, ExtractionError) as exc:
        error: NewsdiffError | None = exc
    except BrokenProcessPool as exc:  # a caller's own process pool lost a worker
        error = ExtractionError(f"extraction worker died: {exc}")
    else:
        error = None
    duration_ms = int((time.monotonic() - started) * 1000)
    now = ctx.clock()
    if error is not None:
        from newsdiff.collect.observe import failure_outcome, http_status_of

        obs = Observation(
            due.id,
            now,
            outcome=failure_outcome(error),
            error=str(error),
            http_status=http_status_of(error),
            final_url=getattr(error, "url", None),
            duration_ms=duration_ms,
        )
        return obs, result, error
    assert result is not None
    if extraction is None:  # the same bytes as last time (or a 304 saying so)
        obs = Observation(
            due.id,
            now,
            outcome="not_modified" if result.not_modified else "unchanged",
            http_status=result.status,
            final_url=result.final_url,
            body_hash=body_hash,
            etag=etag,
            last_modified=modified,
            duration_ms=duration_ms,
        )
        return obs, result, None
    from newsdiff.collect.observe import version_fields

    warnings = list(extraction.warnings)
    capture: CaptureRef | None = None
    if stats is not None:  # the response is about to become a version
        capture = await _keep_capture(ctx, result, now, warnings, capture_base)
    fields = version_fields(
        extraction, final_url=result.final_url, http_status=result.status, capture=capture
    )
    obs = Observation(
        due.id,
        now,
        fields=fields,
        stats=stats,
        edits=edits,
        http_status=result.status,
        final_url=result.final_url,
        body_hash=body_hash,
        etag=etag,
        last_modified=modified,
        duration_ms=duration_ms,
        warnings=tuple(warnings),  # a rule that matched nothing, a capture not kept...
    )
    return obs, result, None


#: the longest validator kept (the articles columns' sizes); a longer one is not kept at all
VALIDATOR_CHARS = {"etag": 500, "last-modified": 100}


def _validators(headers: Any) -> tuple[str | None, str | None]:
    """A response's ETag and Last-Modified, each kept only if it can go back on the wire as it
    came (printable ASCII, not longer than its column): a cut or altered validator would never
    match, and one that cannot be sent is dropped by the fetcher anyway."""

    def usable(name: str) -> str | None:
        value = headers.get(name)
        if not value or len(value) > VALIDATOR_CHARS[name]:
            return None
        return value if value.isascii() and value.isprintable() else None

    return usable("etag"), usable("last-modified")


async def _check_article(ctx: PollContext, article_id: int) -> CheckOutcome:
    due = ctx.due.pop(article_id, None) or await _read_due(ctx, article_id)
    if due is None:
        return CheckOutcome(article_id, "?", "error", error="article removed")
    outcome = await _check(ctx, due, guard=True)
    if outcome is None:
        # another process changed the article between our read and our write: what we saw
        # is not "the same as the latest" any more, so look again from what it holds now
        logger.info("article %s: changed while checking; checking again", due.url)
        due = await _read_due(ctx, article_id)
        if due is None:
            return CheckOutcome(article_id, "?", "error", error="article removed while checking")
        outcome = await _check(ctx, due, guard=False)
    assert outcome is not None
    return outcome


async def _check(ctx: PollContext, due: DueArticle, *, guard: bool) -> CheckOutcome | None:
    """One look at ``due``, recorded; ``None`` (with ``guard``) when nothing new was seen but
    the article changed since ``due`` was read, and nothing was recorded."""
    from newsdiff.store.observations import SEEN_AGAIN, still_seen
    from newsdiff.store.versions import lock_article

    s = ctx.settings.schedule
    rules = ctx.settings.outlets.get(due.outlet) if due.outlet else None
    obs, result, error = await _observe(
        ctx, due, feed_title=due.feed_title, min_chars=s.min_chars, rules=rules
    )
    seen_again = error is None and obs.outcome in SEEN_AGAIN
    if seen_again and guard and ctx.batch is not None:
        assert result is not None
        if result.final_url == due.url:  # nothing to learn about its URLs: batched
            return await ctx.batch.record(obs)
    with ctx.database.write() as session:
        article = lock_article(session, due.id)
        if article is None:
            return CheckOutcome(due.id, due.url, "error", error="article removed while checking")
        if seen_again and guard and not still_seen(article, obs):
            return None
        if error is None and result is not None:
            from newsdiff.collect.aliases import learn_urls

            # the same bytes as last time hold the same rel=canonical, learnt then
            body = result.body if obs.fields is not None else b""
            article = learn_urls(session, article, result, body, obs.checked_at)
            if article.id != due.id:
                obs = dataclasses.replace(obs, article_id=article.id)
        return record_one(session, article, obs, s, error)


def _capture_base(ctx: PollContext, session: Session, article_id: int) -> CaptureRef | None:
    """The article's latest capture, when new captures are compact: what the next one is
    compressed against."""
    from newsdiff.collect.warc import latest_capture

    captures = ctx.settings.captures
    if not (captures.enabled and captures.compact):
        return None
    return latest_capture(session, article_id)


async def _keep_capture(
    ctx: PollContext,
    result: FetchResult,
    now: datetime,
    warnings: list[str],
    previous: CaptureRef | None,
) -> CaptureRef | None:
    """Write the response that makes a new version to the captures (unless turned off), before
    the write transaction: file I/O never holds the database's write lock. A compact capture is
    compressed against ``previous``, the article's latest capture (:func:`_capture_base`, read
    with the latest text). A capture that cannot be written is a warning on the check, never a
    lost version."""
    import asyncio

    from newsdiff.collect.warc import capture_dir, write_capture

    directory = capture_dir(ctx.settings)
    if directory is None:
        return None
    try:
        return await asyncio.to_thread(
            write_capture,
            directory,
            result.final_url,
            result.status,
            result.headers,
            result.body,
            now,
            request_headers=result.request_headers or None,
            compact=ctx.settings.captures.compact,
            previous=previous,
        )
    except StoreError as exc:
        logger.warning("article %s: %s", result.final_url, exc)
        warnings.append(f"raw capture not kept: {exc}")
        return None


async def run_poll_async(
    ctx: PollContext,
    *,
    force: bool = False,
    progress: Progress | None = None,
    sync: bool = True,
) -> PollSummary:
    """One cycle: due feeds, then due articles (all tracked articles with ``force``).

    ``sync=False``: the config's feeds are already in the database (:func:`run_poll` adds them
    before it decides whether there is anything to do)."""
    import asyncio

    from newsdiff.store.observations import SEEN_AGAIN

    started = time.monotonic()
    summary = PollSummary()
    now = ctx.clock()
    if sync:
        sync_config_feeds(ctx.settings, ctx.database, now)
    with ctx.database.read() as session:
        feeds = session.scalars(select(Feed.id).order_by(Feed.id) if force else _due_feeds(now))
        feed_ids = list(feeds)
    done = 0
    if progress:
        progress("feeds", 0, len(feed_ids))

    async def one_feed(fid: int) -> FeedOutcome:
        nonlocal done
        outcome = await poll_feed(ctx, fid)
        done += 1
        if progress:
            progress("feeds", done, len(feed_ids))
        return outcome

    for f in await asyncio.gather(*(one_feed(fid) for fid in feed_ids)):
        summary.feeds_polled += 1
        summary.new_articles += f.new_articles
        summary.unrecorded += not f.recorded
        if f.status == "error":
            summary.feeds_failed += 1
            summary.problems.append(f"feed {f.feed_url}: {f.error}")
        elif f.warning:
            summary.problems.append(f"feed {f.feed_url}: warning: {f.warning}")

    now = ctx.clock()
    with ctx.database.read() as session:
        # what each check reads first, for all of them in one query (a cache: a check whose
        # entry is gone reads its row itself)
        stmt = _due_query().where(Article.status == schedule.TRACKING)
        if not force:
            stmt = stmt.where(Article.next_check_at <= now)
        due = [
            DueArticle(*row)
            for row in session.execute(stmt.order_by(Article.next_check_at, Article.id))
        ]
    ctx.due.update((d.id, d) for d in due)
    article_ids = [d.id for d in due]
    del due
    done = 0
    if progress:
        progress("articles", 0, len(article_ids))

    async def one_article(aid: int) -> CheckOutcome:
        nonlocal done
        try:
            outcome = await check_article(ctx, aid)
        except NewsdiffError as exc:  # a store problem on one article must not stop the cycle
            outcome = CheckOutcome(aid, "?", "error", error=str(exc))
        done += 1
        if progress:
            progress("articles", done, len(article_ids))
        return outcome

    for c in await asyncio.gather(*(one_article(aid) for aid in article_ids)):
        summary.checks += 1
        summary.unrecorded += not c.recorded
        if c.outcome == "new_version":
            summary.new_versions += 1
        elif c.outcome in SEEN_AGAIN:
            summary.unchanged += 1
        else:
            summary.failures += 1
            summary.problems.append(f"{c.url}: {c.outcome}: {c.error}")
    summary.seconds = time.monotonic() - started
    return summary


def _due_feeds(now: datetime) -> Any:
    """The ids of the feeds due at ``now`` (store.feeds.due_feeds's rule), oldest first."""
    feeds = cast(Table, Feed.__table__)
    return (
        select(feeds.c.id)
        .where(or_(feeds.c.next_poll_at.is_(None), feeds.c.next_poll_at <= now))
        .order_by(feeds.c.next_poll_at, feeds.c.id)
    )


def _has_work(database: Database, now: datetime, force: bool) -> bool:
    """Whether a poll at ``now`` has a feed to poll or an article to check. On the tables
    (Core), so that a run with nothing to do never configures the ORM's mappers."""
    feeds, articles = cast(Table, Feed.__table__), cast(Table, Article.__table__)
    tracked = select(articles.c.id).where(articles.c.status == schedule.TRACKING)
    if not force:
        tracked = tracked.where(articles.c.next_check_at <= now)
    # spelt out, not `a if force else b`: mypy 2.4 crashes joining the two Select types
    # ("Invalid type replacement to expand")
    polled: Select[Any]
    if force:
        polled = select(feeds.c.id)
    else:
        polled = _due_feeds(now)
    with database.read() as session:
        return bool(session.scalar(select(or_(exists(polled), exists(tracked)))))


def run_poll(
    settings: Settings,
    database: Database,
    *,
    force: bool = False,
    clock: Clock = utcnow,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> PollSummary:
    """Run one poll cycle under the poll lock (raises :class:`PollLocked` if one is running).

    Extraction runs in ``executor``; by default in an :class:`ExtractionPool` made for this
    poll (threads, then worker processes when there is much to extract). Checks that find
    nothing new are written in batches. With nothing due, it returns before it starts an event
    loop, an HTTP client or a pool."""
    from newsdiff.collect.lock import poll_lock

    with poll_lock(database):
        started = time.monotonic()
        sync_config_feeds(settings, database, clock())
        if not _has_work(database, clock(), force):
            return PollSummary(seconds=time.monotonic() - started)

        import asyncio

        from newsdiff.collect.http import Fetcher
        from newsdiff.collect.workers import ExtractionPool

        async def go(pool: Executor) -> PollSummary:
            async with Fetcher(settings.fetch) as fetcher:
                batch = CheckBatch(database, settings.schedule)
                ctx = PollContext(
                    settings, database, fetcher, clock=clock, executor=pool, batch=batch
                )
                return await run_poll_async(ctx, force=force, progress=progress, sync=False)

        if executor is not None:
            return asyncio.run(go(executor))
        with ExtractionPool() as pool:
            return asyncio.run(go(pool))
