"""What a fetched page says about an article's URLs: redirect targets and ``rel=canonical``
become aliases of the article, and an article found to be another one under a second URL is
folded into it.

Folding is the dangerous half: folding two different articles makes one record whose versions
alternate between stories. Templates often give many pages one ``rel=canonical`` (the home
page, the section, the listing script without its ``?story=``), and paywalls and consent walls
redirect every article to one page. So a URL a page points at is weighed in steps:

1. A rel=canonical on another site is ignored (a redirect may leave the site: feed proxies).
2. A home page (:func:`~newsdiff.collect.urls.is_front_page`) is ignored, unless the article's
   own URL is one: a redirect there is a soft 404, a canonical there a template default.
3. An unknown URL becomes an alias of the article (``kind`` says how it was learnt), unless it
   contains the article rather than naming it (:func:`~newsdiff.collect.urls.names_less_than`:
   a section above the article's path, or its path without some of its query): many
   articles share such a URL, so it must not lead to one of them.
4. A URL already known as another article is a reason to fold the checked article into that
   one only when it is that article's **own** URL, not an alias it was given: an alias another
   page claimed first (two pages sharing one canonical or one redirect target) names neither.
5. A rel=canonical folds only when the other article's latest text is on this page too (at
   least :data:`SAME_TEXT` of its word 4-grams): a template bug that gives every page one
   article's URL as canonical must not fold them all into it, while ``/story?ref=rss`` whose
   canonical is ``/story``, already tracked with the same text, is folded. A redirect is the
   server's own word and needs no text.
6. Only an article with no versions of its own is folded (its entries and aliases move, its
   URL becomes an alias of the other); two articles that both have versions never merge.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import select

from newsdiff.collect.http import FetchResult
from newsdiff.collect.urls import (
    canonical_url,
    is_front_page,
    names_less_than,
    same_site,
    url_variants,
)
from newsdiff.errors import ConfigError
from newsdiff.store.articles import add_alias, find_article_by_urls
from newsdiff.store.models import Article, ArticleURL, FeedEntry
from newsdiff.store.versions import latest_text

logger = logging.getLogger(__name__)

_CANONICAL = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']([^\"'>]+)[\"']", re.IGNORECASE)
_WORD = re.compile(r"\w+")

#: Share of the other article's word 4-grams that must be on the page for a rel=canonical to
#: fold the checked article into it. Two stories of one site share a few stock phrases, far
#: from half; the same story re-fetched later keeps most of its text through edits.
SAME_TEXT = 0.5


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


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 1))} if words else set()


def page_shows_text(body: bytes, paragraphs: tuple[str, ...] | list[str]) -> bool:
    """True when at least :data:`SAME_TEXT` of the word 4-grams of ``paragraphs`` are in the
    page's visible text (script and style left out)."""
    from lxml import etree
    from lxml import html as lxml_html

    wanted = _shingles(" ".join(paragraphs))
    if not wanted or not body.strip():
        return False
    try:
        tree = lxml_html.document_fromstring(body)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return False
    for el in tree.xpath("//script | //style"):
        el.drop_tree()
    shown = _shingles(" ".join(tree.itertext()))
    return len(wanted & shown) >= SAME_TEXT * len(wanted)


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
    logger.info("article %s folded into %s", old_url, other.url)
    return other


def _ignored(candidate: str, kind: str, article_url: str) -> bool:
    """Steps 1-2: a URL that says nothing about which article this is."""
    if kind == "canonical" and not same_site(candidate, article_url):
        return True
    return is_front_page(candidate) and not is_front_page(article_url)


def _may_fold(session: Any, body: bytes, url: str, kind: str, other: Article) -> bool:
    """Steps 4-5: is ``other``, found under ``url``, the checked article itself?"""
    if other.url not in url_variants(url):
        return False  # an alias another page claimed: shared, so it names neither
    if kind != "canonical":
        return True
    previous = latest_text(session, other.id)
    if previous is None:
        return False  # nothing to compare: keep both rather than guess
    return page_shows_text(body, (previous.title, *previous.paragraphs))


def learn_urls(
    session: Any, article: Article, result: FetchResult, body: bytes, now: datetime
) -> Article:
    """Learn the URLs a fetch taught about ``article`` (see the module docstring for the
    rules): the redirect target, and the page's rel=canonical when ``body`` is given (empty
    when the bytes are the same as last time, whose canonical was learnt then). Returns the
    article the check belongs to: ``article``, or the one it was folded into."""
    candidates: list[tuple[str, str]] = []
    if result.final_url != article.url:
        candidates.append((result.final_url, "redirect"))
    canonical = _canonical_link(body, result.final_url) if body else None
    if canonical:
        candidates.append((canonical, "canonical"))
    for raw, kind in candidates:
        try:
            url = canonical_url(raw)
        except ConfigError:
            continue
        if url == article.url or _ignored(url, kind, article.url):
            continue
        known = find_article_by_urls(session, url_variants(url))
        if known is None:
            if not (same_site(url, article.url) and names_less_than(url, article.url)):
                add_alias(session, article, url, kind, now)
        elif known.id != article.id and _may_fold(session, body, url, kind, known):
            article = _merge_duplicate(session, article, known, now)
    return article
