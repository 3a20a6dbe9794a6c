"""What a page says about itself: headline variants, byline and dates, read from the parsed page.

A page carries several headlines and researchers study their differences: the visible ``<h1>``
of the article, ``og:title`` (what social networks show), ``<title>`` (usually with a site
suffix) and the feed's title. :func:`headline_variants` returns them all, untouched apart from
whitespace; :func:`choose_title` picks the one a reader sees.

Dates: :func:`page_dates` reads the page's metadata, :func:`url_date` the day a URL names,
:func:`dateline_date` a visible dateline; :func:`plausible_date` bounds them all (from
:data:`EARLIEST_DATE` to a day after now). :func:`parse_datetime` turns anything else into
``None`` and a naive value into UTC. The order they are tried in is
:func:`newsdiff.collect.extract.find_published`'s.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

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
    "og:published_time",
    "datepublished",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "citation_publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "date",
    "dc.date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "dcterms.modified",
    "last-modified",
)

#: Dates before this are discarded: no news site published before the web, and the dates
#: pages do carry before it are defaults and bugs (the Unix epoch 1970-01-01, 1900-01-01,
#: 0001-01-01). The cost: a digitised print archive that dates a page by its 1975 print
#: edition gets no ``published_at`` (its versions are stored all the same).
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
#: How far after now a date may lie: a day covers every time zone and a skewed clock. A page
#: dated later is wrong (an embargo placeholder, a typo'd year) and its date discarded.
FUTURE_SLACK = timedelta(days=1)

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january janvier januar jänner enero gennaio januari janeiro",
            "feb february février fevrier februar febrero febbraio februari fevereiro",
            "mar march mars märz maerz marzo maart março",
            "apr april avril abril aprile",
            "may mai mayo maggio mei maio",
            "jun june juin juni junio giugno junho",
            "jul july juillet juli julio luglio julho",
            "aug august août aout agosto augustus",
            "sep sept september septembre septiembre setiembre settembre setembro",
            "oct october octobre oktober octubre ottobre outubro",
            "nov november novembre noviembre novembro",
            "dec december décembre decembre dezember diciembre dicembre dezembro",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH_NAME = "(?P<m>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_MONTH = _MONTH_NAME + r"\b\.?"
_Y, _MM, _DD = r"(?P<y>(?:19|20)\d\d)", r"(?P<m>[01]?\d)", r"(?P<d>[0-3]?\d)"
_URL_DATES = (
    re.compile(rf"/{_Y}/{_MM}/{_DD}(?=/|$|[-_.])"),
    re.compile(rf"/{_Y}/{_MONTH_NAME}/{_DD}(?=/|$|[-_.])"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_](?P<m>[01]\d)[-_](?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)
_TEXT_DATES = (
    # 3 March 2004, 3rd March 2004, 3. März 2004, 3 de marzo de 2004, 1er mars 2004
    re.compile(
        rf"(?<!\d)(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+)?{_MONTH},?\s+"
        rf"(?:de\s+)?(?P<y>(?:19|20)\d\d)(?!\d)"
    ),
    # March 3, 2004
    re.compile(rf"\b{_MONTH}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)"),
    # 2004-03-03
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),
    # 03.03.2004
    re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)\d\d)(?!\d)"),
)
_PUBLISHED_WORD = re.compile(
    r"\b(?:published|posted|first published|publié|publication|veröffentlicht|erschienen"
    r"|publiziert|publicado|publicada|pubblicato|pubblicata|gepubliceerd)\b",
    re.IGNORECASE,
)
# What may stand next to a date in a dateline that is only a date: weekdays, a time, a zone.
_DATE_NOISE = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\b"
    r"|\b\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?|\b(?:gmt|bst|utc|cet|cest|est|edt|pst|pdt)\b"
)
_DATELINE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::nav or ancestor::footer or ancestor::aside"
    " or ancestor::header[not(ancestor::article)])]"
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
    """An ISO 8601 or RFC 2822 date as an aware UTC datetime (naive ones are taken as UTC);
    ``None`` for anything else (garbage, ``0000-00-00``, an offset out of range)."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def plausible_date(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """``value`` when it can be an article's date: from :data:`EARLIEST_DATE` to a day after
    ``now`` (time zones and clocks disagree by hours, never by days); else ``None``."""
    if value is None:
        return None
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    return value if EARLIEST_DATE <= value <= latest else None


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


def _meta_values(tree: Any, name: str) -> Iterator[str]:
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key.strip().lower() == name:
            yield meta.get("content") or ""


def _ld_values(tree: Any, key: str) -> Iterator[str]:
    for item in _json_ld(tree):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            yield value


def _first_date(candidates: Iterator[str | None], now: datetime | None) -> datetime | None:
    for raw in candidates:
        found = plausible_date(parse_datetime(raw), now)
        if found is not None:
            return found
    return None


def _published_candidates(tree: Any) -> Iterator[str | None]:
    for name in _PUBLISHED_META:
        yield from _meta_values(tree, name)
    yield from _ld_values(tree, "datePublished")
    for el in tree.xpath(
        "//article//time[@datetime] | //*[@itemprop='datePublished'][@datetime]"
        " | //time[@pubdate][@datetime]"
    ):
        yield el.get("datetime")


def _modified_candidates(tree: Any) -> Iterator[str | None]:
    for name in _MODIFIED_META:
        yield from _meta_values(tree, name)
    yield from _ld_values(tree, "dateModified")
    for el in tree.xpath("//*[@itemprop='dateModified'][@datetime]"):
        yield el.get("datetime")


def page_dates(tree: Any, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(published, modified) from meta tags (in the order of :data:`_PUBLISHED_META`), JSON-LD
    and the article's ``<time>`` element: the first that parses and is plausible
    (:func:`plausible_date`), so a garbage or zero date in one tag does not hide a good one."""
    return _first_date(_published_candidates(tree), now), _first_date(
        _modified_candidates(tree), now
    )


def url_date(url: str | None) -> datetime | None:
    """The day a URL's path names: ``/2008/11/30/``, ``/2008/nov/30/``, ``/2008-11-30/``,
    ``20081130`` (not inside a longer number). A month alone (``/2008/11/slug``) gives nothing:
    a made-up day would look precise. Midnight UTC; implausible days are left to the caller."""
    if not url:
        return None
    path = urlsplit(url).path.lower()
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            found = _day(match.group("y"), match.group("m"), match.group("d"))
            if found is not None:
                return found
    return None


def _day(year: str, month: str, day: str) -> datetime | None:
    number = int(month) if month.isdigit() else MONTHS.get(month.rstrip(".").lower(), 0)
    try:
        return datetime(int(year), number, int(day), tzinfo=UTC)
    except ValueError:
        return None


def _is_date_only(text: str, match: re.Match[str]) -> bool:
    rest = text[: match.start()] + " " + text[match.end() :]
    rest = _DATE_NOISE.sub(" ", rest.casefold())
    return not re.search(r"[^\W\d_]{3,}", rest)


def dateline_date(tree: Any) -> datetime | None:
    """The date of a visible dateline: a short line of text (at most 100 characters, outside
    navigation, footers and asides) holding a whole date (day, month and year: "Published:
    Wednesday, 3 March 2004", "<i>Friday 9 November 2001</i>", "March 3, 2004", "2004-03-03").
    A line that says it is the publication date wins; else the first line that is only a date.
    A year alone ("since 1998", "(c) 2024") or a date inside a sentence is never used."""
    first_alone: datetime | None = None
    for node in tree.xpath(_DATELINE_TEXT):
        text = normalize_paragraph(str(node))
        if not 6 <= len(text) <= 100:
            continue
        for pattern in _TEXT_DATES:
            match = pattern.search(text.casefold())
            if match is None:
                continue
            found = _day(match.group("y"), match.group("m"), match.group("d"))
            if found is None:
                continue
            if _PUBLISHED_WORD.search(text):
                return found
            if first_alone is None and _is_date_only(text.casefold(), match):
                first_alone = found
            break
    return first_alone


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
