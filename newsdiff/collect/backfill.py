"""Backfill: versions from before tracking began, taken from a web archive's captures.

The unit operation is :func:`backfill_url`: list one URL's captures in the CDX index, then take
them oldest first. Each capture becomes one recorded check dated by the capture (``checked_at`` =
the capture's timestamp, ``source = "archive:<timestamp>"``), so every change found has a known
window, exactly as with live checks:

* a text that differs from the version in force at that time is stored as a version
  (``captured_at`` = the capture's timestamp, aware UTC; ``source = "archive:<timestamp>"``);
* the same text as that version: an ``unchanged`` check;
* an archived error page, a failed extraction, a failed replay: an ``error`` check (no version);
  a capture that is not HTML: a ``skipped`` check (it is not even fetched);
* a capture whose replay redirects is followed: the text is dated by the capture actually served
  (an archive answers a missing timestamp with the nearest one) and the check's ``final_url`` is
  the archived URL it led to. A redirect to *another* page (an article moved to a section front)
  stores no version: it is an ``error`` check naming where it led.

**Resuming.** A capture that already has a check with its source is skipped (``--retry-errors``
takes again those whose check was an error), so an interrupted backfill picks up where it
stopped and a repeated one costs one CDX query per URL. Network I/O and extraction happen with
no transaction open; each capture is written in its own short transaction.

**Merging with live versions** is :func:`newsdiff.store.history.merge_version`: versions stay
numbered 1..n in ``captured_at`` order, an older capture is inserted and the later versions
renumbered. Refer to versions by ``captured_at`` in anything long-lived.

**Story discovery.** :func:`backfill_story` lists the archived URLs under a prefix, examines at
most ``max_urls`` of them (the first capture of each, or the stored text of an article already
known), keeps those whose text matches the story (a predicate the caller builds, e.g. from the
timeline's scoring) and backfills them, counting what it skipped and why.

Articles created by a backfill are tracked like ``newsdiff track``: the next poll fetches their
live page once (a later version if the text changed since), and the usual schedule applies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from newsdiff.collect.archive import ArchiveClient, Sleep
from newsdiff.collect.backfill_report import BackfillSummary, UrlReport
from newsdiff.collect.cdx import Capture, Replay
from newsdiff.collect.http import Fetcher
from newsdiff.collect.observe import version_fields
from newsdiff.collect.urls import canonical_url, host_of, url_variants
from newsdiff.collect.warc import CaptureRef, capture_dir, latest_capture, write_capture
from newsdiff.config import OutletRules, Settings
from newsdiff.errors import (
    ArchiveRateLimited,
    ConfigError,
    ExtractionError,
    FetchError,
    HTTPStatusError,
    NewsdiffError,
    StoreError,
)
from newsdiff.store.analysis import analyse_versions
from newsdiff.store.articles import (
    find_article_by_urls,
    get_or_create_outlet,
    latest_feed_title,
    track_article,
)
from newsdiff.store.db import Database
from newsdiff.store.history import would_store
from newsdiff.store.models import Check, Outlet, Version, utcnow
from newsdiff.store.observations import Observation, record_observation
from newsdiff.store.versions import lock_article
from newsdiff.text import normalize_paragraph, normalize_paragraphs, text_hash

logger = logging.getLogger(__name__)

Matcher = Callable[[str, str], bool]  # (headline, text) -> about the story?
Progress = Callable[[int, int, str], None]  # (captures done, captures known, current URL)


# -- the unit operation --------------------------------------------------------------------------


@dataclass
class BackfillContext:
    """What backfilling needs: settings, the database, an archive client, the extractor."""

    settings: Settings
    database: Database
    archive: ArchiveClient
    extractor: Callable[..., Any] | None = None
    progress: Progress | None = None
    done: int = 0
    total: int = 0

    def tick(self, url: str, *, more: int = 0, done: int = 0) -> None:
        self.total += more
        self.done += done
        if self.progress is not None:
            self.progress(self.done, self.total, url)


def _extract(ctx: BackfillContext) -> Callable[..., Any]:
    if ctx.extractor is not None:
        return ctx.extractor
    from newsdiff.collect.extract import extract_article

    fn: Callable[..., Any] = extract_article
    return fn


def _rules_for(settings: Settings, outlet: Outlet | None) -> OutletRules | None:
    if outlet is None:
        return None
    for key in (outlet.name, outlet.slug, outlet.domain):
        if key and key in settings.outlets:
            return settings.outlets[key]
    return None


@dataclass(frozen=True)
class _Known:
    article_id: int | None
    done: frozenset[str]
    feed_title: str | None
    rules: OutletRules | None


def _known(ctx: BackfillContext, canonical: str, retry_errors: bool) -> _Known:
    with ctx.database.read() as session:
        article = find_article_by_urls(session, url_variants(canonical))
        if article is None:
            return _Known(None, frozenset(), None, None)
        stmt = select(Check.source).where(
            Check.article_id == article.id, Check.source.like("archive:%")
        )
        if retry_errors:
            stmt = stmt.where(Check.outcome != "error")
        done = frozenset(session.scalars(stmt))
        feed_title = latest_feed_title(session, article.id)
        outlet = session.get(Outlet, article.outlet_id) if article.outlet_id else None
        return _Known(article.id, done, feed_title, _rules_for(ctx.settings, outlet))


def _ensure_article(ctx: BackfillContext, canonical: str, outlet: str | None) -> int:
    host = host_of(canonical)
    with ctx.database.write() as session:
        record = get_or_create_outlet(session, outlet or host, host)
        article, _ = track_article(
            session, canonical, now=utcnow(), outlet=record, variants=url_variants(canonical)
        )
        return article.id


async def backfill_url(
    ctx: BackfillContext,
    url: str,
    *,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    retry_errors: bool = False,
) -> UrlReport:
    """Backfill one article from the archive's captures of ``url`` (see the module docstring).

    A URL the archive cannot list is reported in ``UrlReport.error``; :class:`ArchiveRateLimited`
    propagates (the whole backfill stops)."""
    url = url.strip()
    report = UrlReport(url)
    try:
        canonical = canonical_url(url)
    except ConfigError as exc:
        report.error = str(exc)
        return report
    known = _known(ctx, canonical, retry_errors)
    try:
        listing = await ctx.archive.captures(url, since=since, until=until)
    except ArchiveRateLimited:
        raise
    except FetchError as exc:
        report.error = f"cannot list captures: {exc}"
        return report
    report.captures = len(listing.captures)
    report.malformed = listing.malformed
    ctx.tick(url, more=len(listing.captures))
    if not listing.captures:
        return report
    article_id = known.article_id or _ensure_article(ctx, canonical, outlet)
    report.article_id = article_id
    rules = known.rules
    if known.article_id is None:
        rules = _known(ctx, canonical, retry_errors).rules
    for capture in listing.captures:
        if capture.source in known.done:
            report.already_done += 1
        else:
            outcome = await _backfill_capture(ctx, article_id, canonical, capture, known, rules)
            _count(report, outcome, capture)
        ctx.tick(url, done=1)
    if report.new_versions:
        # versions merged into the history (and those after them) get their typed edits now,
        # with no transaction open while they are computed
        await asyncio.to_thread(analyse_versions, ctx.database, article_id=article_id)
    return report


@dataclass(frozen=True)
class _Outcome:
    outcome: str
    placement: str | None = None
    error: str | None = None


async def _keep_capture(
    ctx: BackfillContext, article_id: int, replay: Replay, extraction: Any
) -> CaptureRef | None:
    """Keep the archive's response as a raw capture when its text will be a new version (as
    the poller keeps its own): the record's URL is the replay URL and its date the time of our
    request, since that is what was fetched. Written before the write transaction; a capture
    that cannot be written is logged, never a lost version."""
    directory = capture_dir(ctx.settings)
    if directory is None:
        return None
    digest = text_hash(
        normalize_paragraph(extraction.title),
        normalize_paragraphs(list(extraction.paragraphs)),
        dict(extraction.headlines),
    )
    compact = ctx.settings.captures.compact
    with ctx.database.read() as session:
        if not would_store(session, article_id, replay.captured_at, digest):
            return None
        # a compact capture is compressed against the article's latest one
        previous = latest_capture(session, article_id) if compact else None
    content_type = replay.content_type or "text/html"
    if replay.charset:
        content_type += f"; charset={replay.charset}"
    try:
        return await asyncio.to_thread(
            write_capture,
            directory,
            replay.replay_url,
            replay.status,
            {"Content-Type": content_type},
            replay.body,
            utcnow(),
            compact=compact,
            previous=previous,
        )
    except StoreError as exc:
        logger.warning("article %s: %s", replay.original_url, exc)
        return None


def _count(report: UrlReport, outcome: _Outcome, capture: Capture) -> None:
    if outcome.outcome == "new_version":
        report.new_versions += 1
    elif outcome.placement == "moved_earlier":
        report.moved_earlier += 1
        report.unchanged += 1
    elif outcome.outcome == "unchanged":
        report.unchanged += 1
    elif outcome.outcome == "skipped":
        report.skipped += 1
    else:
        report.errors += 1
        report.problems.append(f"{capture.original} @ {capture.timestamp}: {outcome.error}")


def _same_article(a: str, b: str) -> bool:
    try:
        return canonical_url(b) in url_variants(canonical_url(a))
    except ConfigError:
        return False


def _run_extract(
    extract: Callable[..., Any], replay: Replay, feed_title: str | None, min_chars: int, rules: Any
) -> Any:
    return extract(
        replay.body,
        replay.original_url,
        feed_title=feed_title,
        min_chars=min_chars,
        encoding=replay.charset,
        rules=rules,
    )


async def _backfill_capture(
    ctx: BackfillContext,
    article_id: int,
    canonical: str,
    capture: Capture,
    known: _Known,
    rules: OutletRules | None,
) -> _Outcome:
    started = time.monotonic()
    replay: Replay | None = None
    extraction: Any = None
    error: NewsdiffError | None = None
    outcome = "error"
    if not capture.is_html:
        error, outcome = FetchError(f"not a page: {capture.mimetype}"), "skipped"
    else:
        try:
            replay = await ctx.archive.replay(capture)
            if not _same_article(canonical, replay.original_url):
                raise FetchError(f"the capture redirects to another page: {replay.original_url}")
            extraction = await asyncio.to_thread(
                _run_extract,
                _extract(ctx),
                replay,
                known.feed_title,
                ctx.settings.schedule.min_chars,
                rules,
            )
        except ArchiveRateLimited:
            raise
        except (FetchError, ExtractionError) as exc:
            error = exc
    duration_ms = int((time.monotonic() - started) * 1000)
    fields = None
    if error is None and extraction is not None and replay is not None:
        kept = await _keep_capture(ctx, article_id, replay, extraction)
        fields = version_fields(
            extraction,
            final_url=replay.original_url,
            http_status=replay.status,
            source=f"archive:{replay.timestamp}",
            capture=kept,
        )
    status = replay.status if replay is not None else None
    if isinstance(error, HTTPStatusError):
        status = error.status
    obs = Observation(
        article_id,
        replay.captured_at if replay is not None else capture.captured_at,
        fields=fields,
        outcome=outcome if outcome == "skipped" else "error",
        error=str(error) if error is not None else None,
        http_status=status,
        final_url=replay.original_url if replay is not None else None,
        body_hash=hashlib.sha256(replay.body).hexdigest() if replay is not None else None,
        duration_ms=duration_ms,
        source=capture.source,
        in_time_order=True,
    )
    with ctx.database.write() as session:
        article = lock_article(session, article_id)
        if article is None:
            return _Outcome("error", error="article removed while backfilling")
        recorded = record_observation(session, article, obs)
    message = recorded.check.error
    if message:
        logger.info("backfill %s @ %s: %s", capture.original, capture.timestamp, message)
    return _Outcome(recorded.outcome, recorded.placement, message)


# -- drivers -------------------------------------------------------------------------------------


async def backfill_urls(
    ctx: BackfillContext,
    urls: Sequence[str],
    *,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    retry_errors: bool = False,
) -> BackfillSummary:
    """Backfill each URL in turn (duplicates once)."""
    started = time.monotonic()
    summary = BackfillSummary()
    for url in dict.fromkeys(u.strip() for u in urls if u.strip()):
        report = await backfill_url(
            ctx, url, since=since, until=until, outlet=outlet, retry_errors=retry_errors
        )
        summary.add(report)
    _finish(ctx, summary, started)
    return summary


def _finish(ctx: BackfillContext, summary: BackfillSummary, started: float) -> None:
    stats = ctx.archive.stats
    summary.cdx_requests = stats.cdx_requests
    summary.replay_requests = stats.replay_requests
    summary.retries = stats.retries
    summary.waited_s = stats.waited_s
    summary.seconds = time.monotonic() - started


def _stored_text(ctx: BackfillContext, url: str) -> tuple[str, str] | None:
    try:
        canonical = canonical_url(url)
    except ConfigError:
        return None
    with ctx.database.read() as session:
        article = find_article_by_urls(session, url_variants(canonical))
        if article is None:
            return None
        version = session.scalars(
            select(Version)
            .where(Version.article_id == article.id)
            .order_by(Version.number.desc())
            .limit(1)
        ).first()
        return (version.title, version.paragraphs) if version is not None else None


async def backfill_story(
    ctx: BackfillContext,
    prefix: str,
    matcher: Matcher,
    *,
    story: str,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    max_urls: int = 100,
    retry_errors: bool = False,
) -> BackfillSummary:
    """Discover archived URLs under ``prefix``, keep those ``matcher`` says are about the story,
    and backfill them. At most ``max_urls`` URLs are examined; the rest are counted."""
    started = time.monotonic()
    summary = BackfillSummary(story=story, prefix=prefix)
    found = await ctx.archive.discover(prefix, since=since, until=until, limit=max_urls)
    summary.discovered = len(found.captures) + found.over_limit
    summary.over_limit = found.over_limit
    summary.more_under_prefix = found.more
    summary.malformed_lines += found.malformed
    keep: list[str] = []
    for capture in found.captures:
        summary.examined += 1
        ctx.tick(capture.original)
        stored = _stored_text(ctx, capture.original)
        if stored is None:
            try:
                replay = await ctx.archive.replay(capture)
                extraction = await asyncio.to_thread(
                    _run_extract,
                    _extract(ctx),
                    replay,
                    None,
                    ctx.settings.schedule.min_chars,
                    None,
                )
                stored = (extraction.title, "\n".join(extraction.paragraphs))
            except ArchiveRateLimited:
                raise
            except (FetchError, ExtractionError) as exc:
                summary.unreadable += 1
                logger.info("backfill story: %s unreadable: %s", capture.original, exc)
                continue
        if matcher(*stored):
            keep.append(capture.original)
        else:
            summary.off_story += 1
    summary.matched = len(keep)
    for url in keep:
        report = await backfill_url(
            ctx, url, since=since, until=until, outlet=outlet, retry_errors=retry_errors
        )
        summary.add(report)
    _finish(ctx, summary, started)
    return summary


def run_backfill(
    settings: Settings,
    database: Database,
    urls: Sequence[str] = (),
    *,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    retry_errors: bool = False,
    story: tuple[str, str, Matcher] | None = None,
    max_urls: int = 100,
    progress: Progress | None = None,
    extractor: Callable[..., Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> BackfillSummary:
    """Backfill ``urls`` (or, with ``story=(slug, prefix, matcher)``, the story's URLs found
    under the prefix) from the configured archive. Raises :class:`ArchiveRateLimited` when the
    archive keeps refusing, and :class:`FetchError` when no URL at all could be listed."""
    # The archive's own endpoints are an API paced by the token buckets; robots.txt rules are for
    # crawlers of the pages, which backfill never touches.
    fetch_settings = dataclasses.replace(settings.fetch, respect_robots=False)

    async def go() -> BackfillSummary:
        async with Fetcher(fetch_settings) as fetcher:
            client = ArchiveClient(settings.archive, fetcher, clock=clock, sleep=sleep)
            ctx = BackfillContext(settings, database, client, extractor, progress)
            if story is not None:
                slug, prefix, matcher = story
                return await backfill_story(
                    ctx,
                    prefix,
                    matcher,
                    story=slug,
                    since=since,
                    until=until,
                    outlet=outlet,
                    max_urls=max_urls,
                    retry_errors=retry_errors,
                )
            return await backfill_urls(
                ctx, urls, since=since, until=until, outlet=outlet, retry_errors=retry_errors
            )

    summary = asyncio.run(go())
    if summary.urls and summary.urls_failed == summary.urls:
        raise FetchError(f"no URL could be listed in the archive: {summary.problems[0]}")
    return summary
