"""Feed management for the CLI: add a feed by URL, list feeds with their state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from newsdiff.collect.urls import host_of
from newsdiff.store.articles import get_or_create_outlet
from newsdiff.store.db import Database
from newsdiff.store.feeds import add_feed, list_feeds
from newsdiff.store.models import Feed, FeedEntry, utcnow


@dataclass(frozen=True)
class AddedFeed:
    """What :func:`add_feed_url` did: the feed, whether it is new, and the outlet it had before
    when an ``outlet`` given for a known feed moved it (``None``: unchanged)."""

    feed: Feed
    created: bool
    outlet: str | None
    moved_from: str | None = None


def add_feed_url(database: Database, url: str, *, outlet: str | None = None) -> AddedFeed:
    """Add the feed at ``url`` for ``outlet`` (default: the feed's host). A known feed keeps its
    outlet unless ``outlet`` names another one, which it then moves to."""
    url = url.strip()
    with database.write() as session:
        known = session.scalars(select(Feed).where(Feed.url == url)).one_or_none()
        if known is not None and outlet is None:
            return AddedFeed(known, False, known.outlet.name if known.outlet else None)
        before = known.outlet.name if known is not None and known.outlet else None
        host = host_of(url)
        record = get_or_create_outlet(session, outlet or host, host)
        feed, created = add_feed(session, url, now=utcnow(), outlet=record)
        moved = before if not created and before != record.name else None
        return AddedFeed(feed, created, record.name, moved)


def feed_rows(database: Database) -> list[dict[str, Any]]:
    """Every feed with its outlet, article count and last status."""
    with database.read() as session:
        counts = dict(
            session.execute(
                select(FeedEntry.feed_id, func.count()).group_by(FeedEntry.feed_id)
            ).all()
        )
        return [
            {
                "id": f.id,
                "url": f.url,
                "outlet": f.outlet.name if f.outlet else None,
                "title": f.title,
                "articles": counts.get(f.id, 0),
                "last_polled_at": f.last_polled_at.isoformat() if f.last_polled_at else None,
                "next_poll_at": f.next_poll_at.isoformat() if f.next_poll_at else None,
                "last_status": f.last_status,
                "error_count": f.error_count,
                "last_error": f.last_error,
                "last_warning": f.last_warning,
            }
            for f in list_feeds(session)
        ]
