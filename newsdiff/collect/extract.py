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
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsdiff.collect.headlines import (
    byline_from_page,
    choose_title,
    headline_variants,
    page_dates,
    parse_datetime,
)
from newsdiff.collect.paragraphs import html_paragraphs, xml_paragraphs
from newsdiff.collect.rules import apply_page_rules, drop_paragraphs
from newsdiff.config import OutletRules
from newsdiff.errors import ExtractionError
from newsdiff.text import normalize_paragraph

with warnings.catch_warnings():
    # trafilatura probes urllib3's optional SOCKS support when imported; newsdiff never uses it
    warnings.filterwarnings("ignore", message="SOCKS support")
    import trafilatura

logger = logging.getLogger(__name__)

# Options of the main trafilatura run (bench/extract.py measures them against the default).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}
LONG_PARAGRAPH = 1500  # characters: longer is taken as merged paragraphs
FEW_PARAGRAPHS = 3  # fewer than 1/FEW_PARAGRAPHS of the page's <p> elements is suspect
MIN_P_CHARS = 60  # a page <p> shorter than this is not counted as a paragraph
AGREEMENT = 0.85  # word overlap another strategy needs with trafilatura's text to replace it

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
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


@dataclass(frozen=True)
class _Candidate:
    strategy: str
    extractor: str
    version: str
    paragraphs: list[str]

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    @property
    def longest(self) -> int:
        return max((len(p) for p in self.paragraphs), default=0)


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


def _trafilatura_version() -> str:
    return str(trafilatura.__version__)


def _run_trafilatura(tree: Any, url: str, strategy: str, **options: Any) -> tuple[_Candidate, Any]:
    opts = {**TRAFILATURA_OPTIONS, **options}
    doc: Any = trafilatura.bare_extraction(tree, url=url, output_format="python", **opts)
    paragraphs = xml_paragraphs(doc.body) if doc is not None and doc.body is not None else []
    return _Candidate(strategy, "trafilatura", _trafilatura_version(), paragraphs), doc


def _run_readability(tree: Any) -> _Candidate:
    from importlib.metadata import version

    from lxml import html as lxml_html
    from readability import Document

    summary = Document(lxml_html.tostring(tree, encoding="unicode")).summary(html_partial=True)
    paragraphs = html_paragraphs(lxml_html.fromstring(summary)) if summary.strip() else []
    return _Candidate("readability", "readability-lxml", version("readability-lxml"), paragraphs)


def _words(paragraphs: list[str]) -> Counter[str]:
    return Counter(w for p in paragraphs for w in re.findall(r"\w+", p.lower()))


def _agrees(a: list[str], b: list[str]) -> bool:
    wa, wb = _words(a), _words(b)
    common = sum((wa & wb).values())
    total_a, total_b = sum(wa.values()), sum(wb.values())
    return bool(total_a and total_b) and min(common / total_a, common / total_b) >= AGREEMENT


def _page_paragraph_count(tree: Any) -> int:
    return sum(
        1 for p in tree.iter("p") if len(normalize_paragraph(" ".join(p.itertext()))) >= MIN_P_CHARS
    )


def _boundary_trouble(candidate: _Candidate, page_ps: int) -> str | None:
    if candidate.longest >= LONG_PARAGRAPH:
        return f"a paragraph of {candidate.longest} characters"
    if page_ps >= 2 * FEW_PARAGRAPHS and len(candidate.paragraphs) * FEW_PARAGRAPHS < page_ps:
        return f"{len(candidate.paragraphs)} paragraphs for {page_ps} <p> elements on the page"
    return None


def _better_boundaries(tree: Any, url: str, primary: _Candidate) -> tuple[_Candidate, str | None]:
    """Try other strategies on a result with suspect paragraph boundaries; keep the one whose
    text agrees with trafilatura's and whose longest paragraph is shortest."""
    page_ps = _page_paragraph_count(tree)
    trouble = _boundary_trouble(primary, page_ps)
    if trouble is None:
        return primary, None
    others = [
        _run_trafilatura(tree, url, "trafilatura without tables", include_tables=False)[0],
        _run_trafilatura(tree, url, "trafilatura favouring recall", favor_recall=True)[0],
        _run_readability(tree),
    ]
    best = primary
    for other in others:
        if not other.paragraphs or not _agrees(primary.paragraphs, other.paragraphs):
            continue
        if (other.longest, -len(other.paragraphs)) < (best.longest, -len(best.paragraphs)):
            best = other
    if best is primary:
        return primary, f"paragraph boundaries suspect ({trouble}); no other strategy did better"
    return best, (
        f"paragraph boundaries: {best.strategy} won ({len(best.paragraphs)} paragraphs) over "
        f"trafilatura ({len(primary.paragraphs)} paragraphs; {trouble})"
    )


def _rescue(tree: Any, url: str, min_chars: int) -> _Candidate | None:
    """When trafilatura finds too little text: try recall-oriented trafilatura, then
    readability."""
    recall, _ = _run_trafilatura(tree, url, "trafilatura favouring recall", favor_recall=True)
    if recall.chars >= min_chars:
        return recall
    other = _run_readability(tree)
    return other if other.chars >= min_chars else None


def _drop_repeated_headline(
    paragraphs: list[str], headlines: list[str], byline: str | None
) -> list[str]:
    known = {h.casefold() for h in headlines if h}
    if byline:
        known |= {byline.casefold(), f"by {byline}".casefold()}
    start = 0
    while start < min(len(paragraphs), 3) and paragraphs[start].casefold() in known:
        start += 1
    return paragraphs[start:]


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

    doc: Any = None
    if applied.body is not None:
        paragraphs = [p for el in applied.body for p in html_paragraphs(el)]
        chosen = _Candidate("body_selector", "newsdiff-selector", _selector_version(), paragraphs)
    else:
        chosen, doc = _run_trafilatura(tree, url, "trafilatura", with_metadata=True)
        if chosen.chars < min_chars:
            rescued = _rescue(tree, url, min_chars)
            if rescued is not None:
                warnings.append(f"trafilatura found too little text; {rescued.strategy} used")
                chosen = rescued
        else:
            chosen, note = _better_boundaries(tree, url, chosen)
            if note:
                warnings.append(note)

    byline = (doc.author if doc is not None else None) or byline_from_page(tree)
    byline = normalize_paragraph(byline) if byline else None
    if published is None and doc is not None and doc.date:
        published = parse_datetime(doc.date)
    title = choose_title(variants, fallback=doc.title if doc is not None else None)
    paragraphs = _drop_repeated_headline(
        chosen.paragraphs, [title, *(v for v in variants.values() if v)], byline
    )
    paragraphs = drop_paragraphs(paragraphs, rules, warnings)
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


def _selector_version() -> str:
    from newsdiff import __version__

    return __version__
