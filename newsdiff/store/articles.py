"""Outlets, articles and their URLs: finding, tracking, listing, and what is due for a check."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsdiff.errors import NotFound
from newsdiff.store.models import Article, ArticleURL, Base, FeedEntry, Outlet

M = TypeVar("M", bound=Base)

TRACKING, STOPPED, GONE = "tracking", "stopped", "gone"


def slugify(text: str) -> str:
    """A lower-case ASCII slug: ``"BBC News"`` -> ``"bbc-news"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "outlet"


def _insert_or_get(session: Session, obj: M, lookup: Select[M]) -> tuple[M, bool]:
    """Insert ``obj`` in a savepoint; on a unique conflict (a concurrent writer) return the row."""
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
        return obj, True
    except IntegrityError:
        existing = session.scalars(lookup).one()
        return existing, False


def get_or_create_outlet(session: Session, name: str, domain: str | None = None) -> Outlet:
    """The outlet called ``name``, created when new (its slug derived from the name)."""
    name = name.strip()
    outlet = session.scalars(select(Outlet).where(Outlet.name == name)).one_or_none()
    if outlet is not None:
        if domain and not outlet.domain:
            outlet.domain = domain
        return outlet
    slug = base = slugify(name)
    n = 2
    while session.scalars(select(Outlet.id).where(Outlet.slug == slug)).first() is not None:
        slug, n = f"{base}-{n}", n + 1
    outlet, _ = _insert_or_get(
        session,
        Outlet(name=name, slug=slug, domain=domain),
        select(Outlet).where(Outlet.name == name),
    )
    return outlet


def find_article_by_urls(session: Session, urls: list[str]) -> Article | None:
    """The article known under any of ``urls`` (as its own URL or as an alias)."""
    if not urls:
        return None
    article = session.scalars(select(Article).where(Article.url.in_(urls))).first()
    if article is not None:
        return article
    alias = session.scalars(select(ArticleURL).where(ArticleURL.url.in_(urls))).first()
    if alias is not None:
        return session.get(Article, alias.article_id)
    return None


def find_article(session: Session, ref: str | int, variants: list[str] | None = None) -> Article:
    """An article by id or by any known URL of it. Raises :class:`NotFound`."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        article = session.get(Article, int(ref))
        if article is None:
            raise NotFound(f"no article with id {ref}")
        return article
    found = find_article_by_urls(session, variants or [ref])
    if found is None:
        raise NotFound(f"no article known under {ref}")
    return found


def latest_feed_title(session: Session, article_id: int) -> str | None:
    """The title the article's most recently seen feed entry gave it, if any."""
    return session.scalars(
        select(FeedEntry.title)
        .where(FeedEntry.article_id == article_id)
        .order_by(FeedEntry.last_seen_at.desc())
        .limit(1)
    ).first()


def add_alias(session: Session, article: Article, url: str, kind: str, now: datetime) -> bool:
    """Record ``url`` as another URL of ``article``. False when it is already known."""
    if url == article.url:
        return False
    existing = session.scalars(select(ArticleURL).where(ArticleURL.url == url)).first()
    if existing is not None:
        return False
    _, created = _insert_or_get(
        session,
        ArticleURL(article_id=article.id, url=url, kind=kind, first_seen_at=now),
        select(ArticleURL).where(ArticleURL.url == url),
    )
    return created


def track_article(
    session: Session,
    url: str,
    *,
    now: datetime,
    outlet: Outlet | None = None,
    variants: list[str] | None = None,
    published_at: datetime | None = None,
    title: str | None = None,
) -> tuple[Article, bool]:
    """Start tracking the article at canonical ``url`` (due at once). Returns (article, created)."""
    existing = find_article_by_urls(session, variants or [url])
    if existing is not None:
        if existing.published_at is None and published_at is not None:
            existing.published_at = published_at
        if existing.outlet_id is None and outlet is not None:
            existing.outlet_id = outlet.id
        return existing, False
    article = Article(
        url=url,
        outlet_id=outlet.id if outlet else None,
        first_seen_at=now,
        published_at=published_at,
        status=TRACKING,
        next_check_at=now,
        check_interval=None,
        failure_count=0,
        version_count=0,
        title=title,
    )
    return _insert_or_get(session, article, select(Article).where(Article.url == url))


@dataclass(frozen=True)
class ArticleRow:
    """One line of an article listing."""

    id: int
    url: str
    outlet: str | None
    title: str | None
    status: str
    versions: int
    first_seen_at: datetime
    published_at: datetime | None
    last_checked_at: datetime | None
    last_changed_at: datetime | None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "status": self.status,
            "versions": self.versions,
            "first_seen_at": _iso(self.first_seen_at),
            "published_at": _iso(self.published_at),
            "last_checked_at": _iso(self.last_checked_at),
            "last_changed_at": _iso(self.last_changed_at),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def list_articles(
    session: Session,
    *,
    outlet: str | None = None,
    changed: bool = False,
    limit: int | None = None,
) -> list[ArticleRow]:
    """Articles, newest first. ``outlet`` matches name or slug (:class:`NotFound`, naming the
    known outlets, when none does); ``changed`` keeps articles with two versions or more."""
    stmt = select(Article, Outlet.name).outerjoin(Outlet, Article.outlet_id == Outlet.id)
    if outlet:
        match = or_(func.lower(Outlet.name) == outlet.lower(), Outlet.slug == outlet)
        if session.scalars(select(Outlet.id).where(match).limit(1)).first() is None:
            names = list(session.scalars(select(Outlet.name).order_by(Outlet.name).limit(21)))
            known = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
            raise NotFound(
                f"no outlet named {outlet!r}"
                + (f"; known outlets: {known}" if names else "; no outlets yet")
            )
        stmt = stmt.where(match)
    if changed:
        stmt = stmt.where(Article.version_count >= 2)
    stmt = stmt.order_by(
        func.coalesce(Article.published_at, Article.first_seen_at).desc(), Article.id.desc()
    )
    if limit:
        stmt = stmt.limit(limit)
    return [
        ArticleRow(
            id=a.id,
            url=a.url,
            outlet=name,
            title=a.title,
            status=a.status,
            versions=a.version_count,
            first_seen_at=a.first_seen_at,
            published_at=a.published_at,
            last_checked_at=a.last_checked_at,
            last_changed_at=a.last_changed_at,
        )
        for a, name in session.execute(stmt)
    ]


def due_articles(session: Session, now: datetime, *, limit: int | None = None) -> list[Article]:
    """Tracked articles whose next check is due at ``now``, most overdue first."""
    stmt = (
        select(Article)
        .where(Article.status == TRACKING, Article.next_check_at <= now)
        .order_by(Article.next_check_at, Article.id)
    )
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
