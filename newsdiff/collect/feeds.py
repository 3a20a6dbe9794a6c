"""Feed parsing with feedparser, from the raw bytes and the response headers.

Headers go in with lower-case keys and the final URL as ``content-location``, so charsets and
relative links come out right. A malformed feed still yields the entries it can; the problem is
returned as a warning. A document with nothing usable raises :class:`FeedError`.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsdiff.errors import FeedError

logger = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: its link, title and publication time."""

    link: str
    title: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    items: list[FeedItem]
    warning: str | None = None
    skipped: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # plain dict lookup: no deprecated key aliasing
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """Parse a feed document fetched from ``url`` (final URL after redirects)."""
    response_headers = {k.lower(): v for k, v in headers.items()}
    response_headers["content-location"] = url
    try:
        parsed = feedparser.parse(body, response_headers=response_headers, sanitize_html=False)
    except Exception as exc:  # noqa: BLE001 - feedparser can raise anything on hostile input
        raise FeedError(f"cannot parse feed {url}: {exc}") from exc
    warning = None
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, feedparser.NonXMLContentType):
        warning = f"malformed feed: {problem.__class__.__name__}: {problem}".strip()
    items: list[FeedItem] = []
    skipped = 0
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link:
            for candidate in entry.get("links", []):
                if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                    link = candidate["href"]
                    break
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]
        if not link.startswith(("http://", "https://")):
            skipped += 1
            continue
        title = entry.get("title")
        items.append(
            FeedItem(link=link, title=title.strip() if title else None, published_at=_when(entry))
        )
    title = parsed.feed.get("title") if parsed.get("feed") else None
    if not parsed.entries and not parsed.get("version") and not title:
        raise FeedError(f"not a feed: {warning or 'no feed elements found'}")
    if skipped:
        note = f"{skipped} entries without a usable link skipped"
        warning = f"{warning}; {note}" if warning else note
    return ParsedFeed(title=title, items=items, warning=warning, skipped=skipped)
