"""What a page says about itself: headline variants, byline and dates, read from the parsed page.

A page carries several headlines and researchers study their differences: the visible ``<h1>``
of the article, ``og:title`` (what social networks show), ``<title>`` (usually with a site
suffix) and the feed's title. :func:`headline_variants` returns them all, untouched apart from
whitespace; :func:`choose_title` picks the one a reader sees.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from newsdiff.text import normalize_paragraph

logger = logging.getLogger(__name__)

HEADLINE_KEYS = ("h1", "og", "html", "feed")
_FURNITURE = "ancestor-or-self::*[self::header or self::nav or self::footer or self::aside]"
_SEPARATOR = re.compile(r"\s+[|\-–—:·•»]\s+|(?<=\w):\s+")
BYLINE_MAX_CHARS = 120
_BY = re.compile(r"^(?:by|von|par|por|door|di)\s+", re.IGNORECASE)
_AFTER_BYLINE = re.compile(
    r"\s+(?:published|updated|posted|last updated)\b|\s*\|\s*|\s{2,}", re.IGNORECASE
)
_BYLINE_XPATH = (
    "//*[@itemprop='author' or @rel='author']"
    " | //*[self::p or self::span or self::div or self::address or self::a][contains("
    "translate(@class, 'ABEHILNORTUY', 'abehilnortuy'), 'byline') or contains("
    "translate(@class, 'ABEHILNORTUY', 'abehilnortuy'), 'author')]"
)
_SUFFIX = re.compile(r"\s+[|\-–—:·•»]\s+[^|\-–—:·•»]{2,60}$")

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "dcterms.modified",
    "last-modified",
)


def element_text(element: Any) -> str:
    """The visible text of an element, whitespace collapsed."""
    return normalize_paragraph(" ".join(element.itertext()))


def _meta(tree: Any, *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    for meta in tree.iter("meta"):
        key = (
            (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        )
        if key in wanted:
            content = normalize_paragraph(meta.get("content") or "")
            if content:
                return content
    return None


def _similar(a: str, b: str) -> float:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def find_h1(tree: Any, hints: tuple[str | None, ...] = ()) -> str | None:
    """The article's visible ``<h1>``: inside ``<article>`` or ``<main>`` first, never a logo
    in the page header; among several, the one closest to the other headlines."""
    for scope in ("//article//h1", "//main//h1", "//*[@itemprop='headline']", "//h1"):
        found = []
        for el in tree.xpath(scope):
            if scope == "//h1" and el.xpath(_FURNITURE):
                continue
            text = element_text(el)
            if text:
                found.append(text)
        if found:
            known = [h for h in hints if h]
            if len(found) == 1 or not known:
                return found[0]
            return max(found, key=lambda t: max(_similar(t, h) for h in known))
    return None


def headline_variants(
    tree: Any, feed_title: str | None, h1: str | None = None
) -> dict[str, str | None]:
    """``{"h1", "og", "html", "feed"}``; ``h1`` may be given (an outlet's headline selector)."""
    og = _meta(tree, "og:title") or _meta(tree, "twitter:title")
    titles = tree.xpath("//title")
    html_title = element_text(titles[0]) if titles else None
    feed = normalize_paragraph(feed_title) if feed_title else None
    if h1 is None:
        h1 = find_h1(tree, (og, html_title, feed))
    return {"h1": h1, "og": og, "html": html_title or None, "feed": feed or None}


def strip_site_suffix(title: str) -> str:
    """``"Council criticised | The Test Gazette"`` -> ``"Council criticised"``."""
    stripped = _SUFFIX.sub("", title)
    return stripped if len(stripped) >= 10 else title


def choose_title(
    variants: dict[str, str | None], tree: Any = None, fallback: str | None = None
) -> str:
    """The headline a reader sees: the article's ``<h1>``, else ``og:title``, else the part of
    ``<title>`` that the page shows (the longest, so not the site name), else ``<title>``
    without its site suffix, else the feed's title."""
    if variants.get("h1"):
        return variants["h1"] or ""
    if variants.get("og"):
        return variants["og"] or ""
    html_title = variants.get("html")
    if html_title:
        parts = [p for p in _SEPARATOR.split(html_title) if len(p) >= 3]
        body = tree.find("body") if tree is not None and len(parts) > 1 else None
        if body is not None:
            shown = normalize_paragraph(" ".join(body.itertext()))
            found = [p for p in parts if p in shown]
            if found:
                return max(found, key=len)
        return strip_site_suffix(html_title)
    return variants.get("feed") or fallback or ""


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 2822 date as an aware UTC datetime (naive ones are taken as UTC)."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _ld_value(tree: Any, key: str) -> str | None:
    for item in _json_ld(tree):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def page_dates(tree: Any) -> tuple[datetime | None, datetime | None]:
    """(published, modified) from meta tags, JSON-LD and the article's ``<time>`` element."""
    published = parse_datetime(_meta(tree, *_PUBLISHED_META) or _ld_value(tree, "datePublished"))
    if published is None:
        for el in tree.xpath(
            "//article//time[@datetime] | //*[@itemprop='datePublished'][@datetime]"
            " | //time[@pubdate][@datetime]"
        ):
            published = parse_datetime(el.get("datetime"))
            if published:
                break
    modified = parse_datetime(_meta(tree, *_MODIFIED_META) or _ld_value(tree, "dateModified"))
    if modified is None:
        for el in tree.xpath("//*[@itemprop='dateModified'][@datetime]"):
            modified = parse_datetime(el.get("datetime"))
            if modified:
                break
    return published, modified


def _clean_byline(text: str) -> str | None:
    text = _BY.sub("", normalize_paragraph(text))
    text = _AFTER_BYLINE.split(text)[0].strip(" ,;|-–—")
    return text if 2 <= len(text) <= BYLINE_MAX_CHARS else None


def byline_from_page(tree: Any) -> str | None:
    """The author as the page states it: JSON-LD, then ``itemprop``/``rel=author``, then a
    visible byline element, then ``<meta name=author>``."""
    for item in _json_ld(tree):
        author = item.get("author")
        authors = author if isinstance(author, list) else [author]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        clean = [normalize_paragraph(n) for n in names if isinstance(n, str) and n.strip()]
        if clean:
            return "; ".join(clean)
    for el in tree.xpath(_BYLINE_XPATH):
        found = _clean_byline(" ".join(el.itertext()))
        if found:
            return found
    name = _meta(tree, "author", "article:author", "byl", "parsely-author", "dc.creator")
    if name and not name.startswith("http"):
        return _clean_byline(name)
    return None
