"""Streaming exports of versions, changes and checks as CSV or JSON Lines.

Rows are read with ``yield_per`` (server-side cursors on PostgreSQL) and written as they come, so
memory stays constant on millions of rows. Columns are documented in the README.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, TextIO, TypeVar

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from newsdiff.errors import ConfigError
from newsdiff.store.models import Article, Check, Coverage, Event, Outlet, Story, Version

BATCH = 1000
S = TypeVar("S", bound="Select[*tuple[Any, ...]]")

VERSION_COLUMNS = [
    "article_id",
    "outlet",
    "url",
    "version",
    "captured_at",
    "title",
    "byline",
    "published_at",
    "modified_at",
    "text",
    "paragraphs",
    "text_hash",
    "extractor",
    "extractor_version",
    "source",
    "final_url",
]
CHANGE_COLUMNS = [
    "article_id",
    "outlet",
    "url",
    "from_version",
    "to_version",
    "window_start",
    "window_end",
    "title_before",
    "title_after",
    "title_changed",
    "words_added",
    "words_removed",
    "paragraphs_unchanged",
    "paragraphs_modified",
    "paragraphs_inserted",
    "paragraphs_deleted",
    "paragraphs_moved",
]
CHECK_COLUMNS = [
    "check_id",
    "article_id",
    "url",
    "checked_at",
    "outcome",
    "http_status",
    "error",
    "duration_ms",
    "version",
    "final_url",
    "source",
]
KINDS = {"versions": VERSION_COLUMNS, "changes": CHANGE_COLUMNS, "checks": CHECK_COLUMNS}


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _story_filter(stmt: S, article_id_col: Any, story: str | None) -> S:
    if not story:
        return stmt
    covered = (
        select(Coverage.article_id)
        .join(Event, Event.id == Coverage.event_id)
        .join(Story, Story.id == Event.story_id)
        .where(Story.slug == story, Coverage.excluded.is_(False))
    )
    return stmt.where(article_id_col.in_(covered))


def _versions(
    session: Session, story: str | None, since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    stmt = (
        select(Version, Article.url, Outlet.name)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Version.article_id, Version.number)
    )
    if since:
        stmt = stmt.where(Version.captured_at >= since)
    stmt = _story_filter(stmt, Version.article_id, story)
    for v, url, outlet in session.execute(stmt.execution_options(yield_per=BATCH)):
        yield {
            "article_id": v.article_id,
            "outlet": outlet,
            "url": url,
            "version": v.number,
            "captured_at": v.captured_at,
            "title": v.title,
            "byline": v.byline,
            "published_at": v.published_at,
            "modified_at": v.modified_at,
            "text": v.paragraphs,
            "paragraphs": len(v.paragraph_list),
            "text_hash": v.text_hash,
            "extractor": v.extractor,
            "extractor_version": v.extractor_version,
            "source": v.source,
            "final_url": v.final_url,
        }


def _changes(
    session: Session, story: str | None, since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    prev = aliased(Version)
    window_start = (
        select(func.max(Check.checked_at))
        .where(
            Check.article_id == Version.article_id,
            Check.checked_at < Version.captured_at,
            Check.outcome.in_(("new_version", "unchanged", "not_modified")),
        )
        .correlate(Version)
        .scalar_subquery()
    )
    stmt = (
        select(Version, prev.title, Article.url, Outlet.name, window_start)
        .join(prev, and_(prev.article_id == Version.article_id, prev.number == Version.number - 1))
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Version.article_id, Version.number)
    )
    if since:
        stmt = stmt.where(Version.captured_at >= since)
    stmt = _story_filter(stmt, Version.article_id, story)
    for v, before, url, outlet, start in session.execute(stmt.execution_options(yield_per=BATCH)):
        if start is not None and start.tzinfo is None:
            start = start.replace(tzinfo=dt.UTC)
        yield {
            "article_id": v.article_id,
            "outlet": outlet,
            "url": url,
            "from_version": v.number - 1,
            "to_version": v.number,
            "window_start": start,
            "window_end": v.captured_at,
            "title_before": before,
            "title_after": v.title,
            "title_changed": v.title_changed,
            "words_added": v.words_added,
            "words_removed": v.words_removed,
            "paragraphs_unchanged": v.paragraphs_unchanged,
            "paragraphs_modified": v.paragraphs_modified,
            "paragraphs_inserted": v.paragraphs_inserted,
            "paragraphs_deleted": v.paragraphs_deleted,
            "paragraphs_moved": v.paragraphs_moved,
        }


def _checks(
    session: Session, story: str | None, since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    stmt = (
        select(Check, Article.url, Version.number)
        .join(Article, Article.id == Check.article_id)
        .outerjoin(Version, Version.id == Check.version_id)
        .order_by(Check.checked_at, Check.id)
    )
    if since:
        stmt = stmt.where(Check.checked_at >= since)
    stmt = _story_filter(stmt, Check.article_id, story)
    for c, url, number in session.execute(stmt.execution_options(yield_per=BATCH)):
        yield {
            "check_id": c.id,
            "article_id": c.article_id,
            "url": url,
            "checked_at": c.checked_at,
            "outcome": c.outcome,
            "http_status": c.http_status,
            "error": c.error,
            "duration_ms": c.duration_ms,
            "version": number,
            "final_url": c.final_url,
            "source": c.source,
        }


_SOURCES = {"versions": _versions, "changes": _changes, "checks": _checks}


def export_rows(
    session: Session,
    kind: str,
    out: TextIO,
    *,
    fmt: str = "csv",
    story: str | None = None,
    since: dt.datetime | None = None,
) -> int:
    """Write ``kind`` (versions/changes/checks) to ``out`` as csv or jsonl; returns the count."""
    if kind not in _SOURCES:
        raise ConfigError(f"unknown export {kind!r} (known: {', '.join(_SOURCES)})")
    if fmt not in ("csv", "jsonl"):
        raise ConfigError(f"unknown format {fmt!r} (known: csv, jsonl)")
    if story:
        from newsdiff.timeline.stories import get_story

        get_story(session, story)  # NotFound with a clear message
    columns = KINDS[kind]
    rows = _SOURCES[kind](session, story, since)
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _iso(v) for k, v in row.items()})
            count += 1
    else:
        for row in rows:
            out.write(json.dumps({k: _iso(v) for k, v in row.items()}, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count
