"""Feeds and the entries they list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from newsdiff.errors import NotFound
from newsdiff.store.articles import _insert_or_get
from newsdiff.store.models import Article, Feed, FeedEntry, Outlet


def add_feed(
    session: Session, url: str, *, now: datetime, outlet: Outlet | None = None
) -> tuple[Feed, bool]:
    """Add a feed (due at once). Returns (feed, created)."""
    existing = session.scalars(select(Feed).where(Feed.url == url)).one_or_none()
    if existing is not None:
        if outlet is not None and existing.outlet_id != outlet.id:
            existing.outlet_id = outlet.id
        return existing, False
    feed = Feed(
        url=url,
        outlet_id=outlet.id if outlet else None,
        added_at=now,
        next_poll_at=now,
        error_count=0,
    )
    return _insert_or_get(session, feed, select(Feed).where(Feed.url == url))


def list_feeds(session: Session) -> list[Feed]:
    return list(session.scalars(select(Feed).order_by(Feed.id)))


def get_feed(session: Session, url_or_id: str | int) -> Feed:
    if isinstance(url_or_id, int) or str(url_or_id).isdigit():
        feed = session.get(Feed, int(url_or_id))
    else:
        feed = session.scalars(select(Feed).where(Feed.url == url_or_id)).one_or_none()
    if feed is None:
        raise NotFound(f"no feed {url_or_id}")
    return feed


def remove_feed(session: Session, url_or_id: str | int) -> Feed:
    """Remove a feed and its entry records; articles and versions stay."""
    feed = get_feed(session, url_or_id)
    session.execute(delete(FeedEntry).where(FeedEntry.feed_id == feed.id))
    session.delete(feed)
    return feed


def due_feeds(session: Session, now: datetime) -> list[Feed]:
    stmt = (
        select(Feed)
        .where(or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= now))
        .order_by(Feed.next_poll_at, Feed.id)
    )
    return list(session.scalars(stmt))


def record_entry(
    session: Session,
    feed: Feed,
    article: Article,
    *,
    entry_url: str,
    title: str | None,
    now: datetime,
) -> bool:
    """Note that ``feed`` lists ``article``. True when this is the first time."""
    entry = session.scalars(
        select(FeedEntry).where(FeedEntry.feed_id == feed.id, FeedEntry.article_id == article.id)
    ).one_or_none()
    if entry is not None:
        entry.last_seen_at = now
        if title and entry.title != title:
            entry.title = title
        return False
    _, created = _insert_or_get(
        session,
        FeedEntry(
            feed_id=feed.id,
            article_id=article.id,
            entry_url=entry_url,
            title=title,
            first_seen_at=now,
            last_seen_at=now,
        ),
        select(FeedEntry).where(FeedEntry.feed_id == feed.id, FeedEntry.article_id == article.id),
    )
    return created
