"""What a fetched page says about an article's URLs: redirect targets and ``rel=canonical``
become aliases of the article, and an article found to be another one under a second URL is
folded into it (only while it has no versions of its own).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import select

from newsdiff.collect.http import FetchResult
from newsdiff.collect.urls import canonical_url, same_site, url_variants
from newsdiff.errors import ConfigError
from newsdiff.store.articles import add_alias, find_article_by_urls
from newsdiff.store.models import Article, ArticleURL, FeedEntry

_CANONICAL = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']([^\"'>]+)[\"']", re.IGNORECASE)


def _canonical_link(body: bytes, base: str) -> str | None:
    head = body[:200_000]
    for tag in _CANONICAL.finditer(head):
        href = _HREF.search(tag.group(0))
        if href:
            try:
                return str(urljoin(base, href.group(1).decode("utf-8", "replace").strip()))
            except ValueError:
                return None
    return None


def _merge_duplicate(session: Any, article: Article, other: Article, now: datetime) -> Article:
    """``article`` turned out to be ``other`` under another URL. If it has no versions of its
    own, fold it into ``other`` (entries and aliases move; its URL becomes an alias)."""
    if article.version_count:
        return article
    for entry in session.scalars(select(FeedEntry).where(FeedEntry.article_id == article.id)):
        exists = session.scalars(
            select(FeedEntry).where(
                FeedEntry.article_id == other.id, FeedEntry.feed_id == entry.feed_id
            )
        ).first()
        if exists is None:
            entry.article_id = other.id
        else:
            session.delete(entry)
    for alias in session.scalars(select(ArticleURL).where(ArticleURL.article_id == article.id)):
        alias.article_id = other.id
    old_url = article.url
    session.delete(article)
    session.flush()
    add_alias(session, other, old_url, "alias", now)
    return other


def learn_urls(
    session: Any, article: Article, result: FetchResult, body: bytes, now: datetime
) -> Article:
    """Redirect targets and rel=canonical on the same site become aliases of the article."""
    candidates: list[tuple[str, str]] = []
    if result.final_url != article.url:
        candidates.append((result.final_url, "redirect"))
    canonical = _canonical_link(body, result.final_url) if body else None
    if canonical:
        candidates.append((canonical, "canonical"))
    for raw, kind in candidates:
        if not same_site(raw, article.url) and kind == "canonical":
            continue
        try:
            url = canonical_url(raw)
        except ConfigError:
            continue
        if url == article.url:
            continue
        known = find_article_by_urls(session, url_variants(url))
        if known is None:
            add_alias(session, article, url, kind, now)
        elif known.id != article.id:
            article = _merge_duplicate(session, article, known, now)
    return article
