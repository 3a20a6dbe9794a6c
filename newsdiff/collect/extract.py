"""Article extraction: what the collector stores for a page.

:func:`extract_article` decodes and parses the page once, reads the headline variants, byline and
dates, applies the outlet's rules, and runs trafilatura (never with ``deduplicate=True``: it
returns empty text on repeats) keeping paragraph boundaries. When the result looks like merged
paragraphs (one implausibly long paragraph, or far fewer paragraphs than the page has ``<p>``
elements), other strategies are tried and the best kept; the warnings say which won.

An empty or implausibly short text is an :class:`ExtractionError`, never a version.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsdiff import __version__
from newsdiff.collect.headlines import (
    byline_from_page,
    choose_title,
    headline_variants,
    page_dates,
    parse_datetime,
)
from newsdiff.collect.paragraphs import html_paragraphs
from newsdiff.collect.rules import apply_page_rules, drop_paragraphs, page_link_texts
from newsdiff.collect.strategies import Candidate, choose, rescue, run_trafilatura
from newsdiff.config import OutletRules
from newsdiff.errors import ExtractionError

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# "By Martin Hale, Social Affairs Reporter" (two capitalised words, no closing full stop)
_BYLINE = re.compile(r"^(?:By|BY|by)\s+([A-Z][\w'’.-]*\s+[A-Z][\w'’.-]*.*[^.])$")
_DATELINE = re.compile(r"\s+(?:published|updated|posted|last updated)\b", re.IGNORECASE)
_LATIN = {"iso8859-1", "latin-1", "ascii", "cp1252", "iso-8859-1", "us-ascii"}


@dataclass(frozen=True)
class Extraction:
    """What the collector stores for a page (and ``newsdiff extract`` shows)."""

    title: str
    headlines: dict[str, str | None]
    byline: str | None
    published_at: datetime | None
    modified_at: datetime | None
    paragraphs: tuple[str, ...]
    extractor: str
    extractor_version: str
    warnings: tuple[str, ...] = ()

    def version_fields(self) -> dict[str, Any]:
        """The keyword arguments of ``add_version`` / ``merge_version`` that come from the page."""
        return {
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "byline": self.byline,
            "published_at": self.published_at,
            "modified_at": self.modified_at,
            "headlines": dict(self.headlines),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``newsdiff extract --json``."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "title": self.title,
            "headlines": {k: self.headlines.get(k) for k in ("h1", "og", "html", "feed")},
            "byline": self.byline,
            "published_at": iso(self.published_at),
            "modified_at": iso(self.modified_at),
            "paragraphs": list(self.paragraphs),
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "warnings": list(self.warnings),
        }


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    # As browsers do: pages labelled Latin-1 are decoded as its superset windows-1252.
    return "cp1252" if codec in _LATIN else codec


def decode_html(body: bytes, encoding: str | None = None) -> tuple[str, list[str]]:
    """The page as text: a BOM wins, then the HTTP charset, then ``<meta charset>``, then UTF-8,
    then windows-1252. A page labelled Latin-1 that is valid UTF-8 is decoded as UTF-8."""
    warnings: list[str] = []
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), warnings
    declared = _codec(encoding)
    if encoding and declared is None:
        warnings.append(f"unknown charset {encoding!r} in the HTTP header; ignored")
    if declared is None:
        match = _META_CHARSET.search(body[:4096])
        declared = _codec(match.group(1).decode("ascii", "replace")) if match else None
    if declared is None or declared == "cp1252":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if declared == "cp1252" and not body.isascii():
                warnings.append("page labelled Latin-1 is valid UTF-8; decoded as UTF-8")
            return text, warnings
    return body.decode(declared or "cp1252", errors="replace"), warnings


def parse_html(text: str) -> Any:
    """An lxml HTML tree; :class:`ExtractionError` when there is nothing to parse."""
    from lxml import etree
    from lxml import html as lxml_html

    if not text.strip():
        raise ExtractionError("empty page")
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        tree = lxml_html.fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractionError(f"unparsable HTML: {exc}") from exc
    if tree is None:
        raise ExtractionError("unparsable HTML: no document")
    return tree


def _strip_head(
    paragraphs: list[str], headlines: list[str], byline: str | None
) -> tuple[list[str], str | None]:
    """Drop the headline and the byline line that extractors leave at the top of the text;
    a "By ..." line there gives the byline when the page had none."""
    known = {h.casefold() for h in headlines if h}
    if byline:
        known |= {byline.casefold(), f"by {byline}".casefold()}
    start = 0
    while start < min(len(paragraphs), 3):
        line = paragraphs[start]
        match = _BYLINE.match(line)
        if line.casefold() in known:
            start += 1
        elif match and len(line) <= 120:
            byline = byline or _DATELINE.split(match.group(1))[0].strip(" ,;-|")
            start += 1
        else:
            break
    return paragraphs[start:], byline


def _htmldate(tree: Any) -> datetime | None:
    """The publication date htmldate finds in the page text and URLs (a day, taken as UTC)."""
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=True, original_date=True)
    except (ValueError, TypeError):  # htmldate is defensive; a bad page must not stop us
        return None
    return parse_datetime(found) if found else None


def extract_article(
    body: bytes,
    url: str,
    *,
    feed_title: str | None = None,
    min_chars: int = 200,
    encoding: str | None = None,
    rules: OutletRules | None = None,
) -> Extraction:
    """Extract headline variants, byline, dates and paragraphs from a page.

    ``encoding`` is the HTTP charset, if any; ``rules`` the outlet's rules. Raises
    :class:`ExtractionError` for an unparsable page or a text shorter than ``min_chars``.
    """
    text, warnings = decode_html(body, encoding)
    tree = parse_html(text)
    variants = headline_variants(tree, feed_title)
    published, modified = page_dates(tree)
    applied = apply_page_rules(tree, rules)
    warnings.extend(applied.warnings)
    if applied.headline:
        variants["h1"] = applied.headline

    if applied.body is not None:
        paragraphs = [p for el in applied.body for p in html_paragraphs(el)]
        chosen = Candidate("body_selector", "newsdiff-selector", __version__, paragraphs)
    else:
        chosen, _ = run_trafilatura(tree, url, "trafilatura")
        if chosen.chars < min_chars:
            rescued = rescue(tree, url, min_chars)
            if rescued is not None:
                warnings.append(f"trafilatura found too little text; {rescued.strategy} used")
                chosen = rescued
        else:
            chosen, note = choose(tree, url, chosen)
            if note:
                warnings.append(note)

    byline = byline_from_page(tree)
    if published is None:
        published = _htmldate(tree)
    title = choose_title(variants, tree)
    paragraphs, byline = _strip_head(
        chosen.paragraphs, [title, *(v for v in variants.values() if v)], byline
    )
    paragraphs = drop_paragraphs(paragraphs, rules, warnings, page_link_texts(tree))
    chars = sum(len(p) for p in paragraphs)
    if chars < min_chars:
        raise ExtractionError(
            f"no plausible article text: {chars} characters extracted (minimum {min_chars})"
        )
    return Extraction(
        title=title,
        headlines=variants,
        byline=byline or None,
        published_at=published,
        modified_at=modified,
        paragraphs=tuple(paragraphs),
        extractor=chosen.extractor,
        extractor_version=chosen.version,
        warnings=tuple(warnings),
    )
