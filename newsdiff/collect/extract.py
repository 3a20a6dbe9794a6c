"""Article extraction: what the collector stores for a page.

:func:`extract_article` decodes and parses the page once, reads the headline variants, byline and
dates, applies the outlet's rules, and runs trafilatura (never with ``deduplicate=True``: it
returns empty text on repeats) keeping paragraph boundaries. When the result looks like merged
paragraphs (one implausibly long paragraph, or far fewer paragraphs than the page has ``<p>``
elements), other strategies are tried and the best kept; the warnings say which won. The
standfirst (the summary line under the headline) is read from the page's head and kept apart from
the paragraphs, in ``headlines["standfirst"]``; a lead paragraph that the template sets in its own
block before the body, and the extractor left out, is put back (:mod:`newsdiff.collect.head`).

An empty or implausibly short text is an :class:`ExtractionError`, never a version; so are a
binary body served as HTML (:func:`check_not_binary`) and a "page not found" page served with
status 200 (:func:`check_not_soft_404`).

``published_at`` is the page's metadata (:func:`~newsdiff.collect.headlines.page_dates`), else
the day the URL names (:func:`~newsdiff.collect.headlines.url_date`, the page's rel=canonical
too), else what htmldate finds in markup *without* its extensive search (which guesses from
any year in the text: "since 1998" became 1998-01-01), else a visible dateline
(:func:`~newsdiff.collect.headlines.dateline_date`). Every one must be plausible
(:func:`~newsdiff.collect.headlines.plausible_date`). The feed's date, when there is one, wins
over all of these: the store keeps the article's first known date.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsdiff import __version__
from newsdiff.collect.head import ArticleHead, part_of, text_key
from newsdiff.collect.headlines import (
    EARLIEST_DATE,
    FUTURE_SLACK,
    HEADLINE_KEYS,
    byline_from_page,
    choose_title,
    dateline_date,
    headline_variants,
    page_dates,
    parse_datetime,
    plausible_date,
    strip_site_suffix,
    url_date,
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

# Binary formats that servers send as text/html by mistake (a misconfigured download, a
# compressed body without its Content-Encoding): the first bytes name them.
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office"),
    (b"\x7fELF", "ELF"),
    (b"OggS", "Ogg"),
    (b"ID3", "MP3"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
)
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}
#: Share of control bytes (NUL included) above which a body is binary. Text never has them
#: (a stray NUL in a real page is far below this); random or compressed bytes have ~13%.
CONTROL_SHARE = 0.05
_SAMPLE = 8192

# A "page not found" page served with status 200. Matched against the page's own headlines
# (<h1>, og:title, <title> with or without its site name), normalised: case folded, quotes and
# punctuation dropped. Never against the body: articles mention "not found" in passing.
_SOFT_404_PHRASES = (
    r"(?:error |erreur |fehler )?404(?: error| page| erreur| fehler)?",
    r"(?:(?:page|file|article|story|content|document) )?not found",
    r"(?:the |this )?(?:page|article|story|content)(?: you (?:were|are) looking for| you"
    r" requested)? (?:could not|couldn't|cannot|can't|can not) be found",
    r"(?:this|the|that) (?:page|article|story|content) (?:does not|doesn't|no longer) exists?",
    r"(?:this |the |that )?(?:page|article|story|content|video)(?: is)?"
    r" (?:no longer available|unavailable|not available|has been removed)",
    r"we (?:can't|cannot|couldn't|could not) find (?:that|this|the) page",
    r"page (?:introuvable|non trouvée|non trouvee|inexistante)",
    r"(?:cette|la) page n'existe (?:pas|plus)",
    r"(?:seite|artikel) nicht gefunden",
    r"(?:diese|die) seite (?:existiert nicht|gibt es nicht|ist nicht (?:mehr )?verfügbar)",
    r"página no encontrada|(?:esta|la) página no existe|(?:la )?página no (?:está )?disponible",
    r"pagina non trovata|(?:questa|la) pagina non esiste",
    r"página não encontrada|(?:esta|a) página não existe",
    r"pagina niet gevonden|(?:deze|de) pagina bestaat niet",
)
_SOFT_404 = re.compile(
    r"(?:(?:sorry|oops|whoops|uh oh|oh no|error|erreur|fehler|désolé|desole|lo sentimos|"
    r"entschuldigung|helaas),? )*(?:(?:error |erreur |fehler )?404 )?"
    r"(?:" + "|".join(_SOFT_404_PHRASES) + r")(?: (?:error )?404)?"
)
_PUNCTUATION = re.compile(r"[!?.…\"“”„«»()\[\]¡¿*]+|\s[-–—:|]+\s|[-–—:|]+\s|\s[-–—|]+")


@dataclass(frozen=True)
class Extraction:
    """What the collector stores for a page (and ``newsdiff extract`` shows). ``headlines``
    holds the headline variants (``h1``, ``og``, ``html``, ``feed``) and the ``standfirst``."""

    title: str
    headlines: dict[str, str | None]
    byline: str | None
    published_at: datetime | None
    modified_at: datetime | None
    paragraphs: tuple[str, ...]
    extractor: str
    extractor_version: str
    warnings: tuple[str, ...] = ()

    @property
    def standfirst(self) -> str | None:
        """The summary line under the headline, when the page has one."""
        return self.headlines.get("standfirst")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``newsdiff extract --json``."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "title": self.title,
            "standfirst": self.standfirst,
            "headlines": {k: self.headlines.get(k) for k in HEADLINE_KEYS},
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
    paragraphs: list[str], headlines: list[str], byline: str | None, standfirst: str | None
) -> tuple[list[str], str | None]:
    """Drop the headline and the byline line that extractors leave at the top of the text;
    a "By ..." line there gives the byline when the page had none. The standfirst (or a
    paragraph of it) is dropped from the first three paragraphs: it is kept on its own."""
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
    kept = paragraphs[start:]
    if standfirst:
        kept = [p for i, p in enumerate(kept) if i >= 3 or not part_of(p, standfirst)]
    return kept, byline


def check_not_binary(body: bytes, encoding: str | None = None) -> None:
    """Raise :class:`ExtractionError` ("binary body ...") for a body that is not text: a known
    file signature (PDF, PNG, GIF, JPEG, ZIP, gzip...), or more than :data:`CONTROL_SHARE`
    control bytes in its first 8 KiB. UTF-16 and UTF-32 (a BOM, or ``encoding``, the HTTP
    charset, says so) are text, NULs and all."""
    head = body[:_SAMPLE]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise ExtractionError(f"binary body ({kind}) served as a page")
    if not head or (_codec(encoding) or "").startswith(("utf-16", "utf-32")):
        return
    control = sum(1 for byte in head if byte in _CONTROL_BYTES)
    if control > CONTROL_SHARE * len(head):
        raise ExtractionError(
            f"binary body: {control} control bytes in the first {len(head)} served as a page"
        )


def _soft_404_forms(variants: dict[str, str | None]) -> list[str]:
    forms = [variants.get("h1"), variants.get("og")]
    html_title = variants.get("html")
    if html_title:
        forms += [html_title, strip_site_suffix(html_title)]
        prefix = re.split(r"\s+[|\-–—·•»]\s+", html_title, maxsplit=1)
        if len(prefix) == 2:  # "The Gazette | Page not found"
            forms.append(prefix[1])
    return [f for f in forms if f]


def soft_404_headline(variants: dict[str, str | None]) -> str | None:
    """The headline that says the page is a "not found" page (in English, French, German,
    Spanish, Italian, Portuguese or Dutch), or ``None``. Only a headline that *is* such a
    message counts: "Page not found: the websites that vanished" is an article."""
    for form in _soft_404_forms(variants):
        text = form.casefold().replace("’", "'").replace("`", "'")
        text = " ".join(_PUNCTUATION.sub(" ", text).split())
        if text and _SOFT_404.fullmatch(text):
            return form
    return None


def check_not_soft_404(variants: dict[str, str | None]) -> None:
    """Raise :class:`ExtractionError` ("soft 404: ...") for a "page not found" page."""
    found = soft_404_headline(variants)
    if found is not None:
        raise ExtractionError(f"soft 404: the page's headline says {found!r}")


def _htmldate(tree: Any, now: datetime) -> datetime | None:
    """The publication date htmldate finds in the page's markup (a day, taken as UTC), with
    its extensive search off: that search falls back to any year in the text or the copyright
    line ("since 1998" became 1998-01-01). No URL is given: :func:`url_date` had its turn, and
    htmldate would accept a month alone."""
    from htmldate import find_date

    try:
        found = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            url="",
            min_date=EARLIEST_DATE.replace(tzinfo=None),
            max_date=(now + FUTURE_SLACK).replace(tzinfo=None),
        )
    except (ValueError, TypeError):  # htmldate is defensive; a bad page must not stop us
        return None
    return parse_datetime(found) if found else None


def find_published(
    tree: Any, url: str, metadata: datetime | None, now: datetime | None = None
) -> datetime | None:
    """The page's publication date (see the module docstring for the order): ``metadata``
    (from :func:`page_dates`), the URL's day or its rel=canonical's, htmldate on the markup, a
    visible dateline. Each must be plausible (:func:`plausible_date`)."""
    now = now or datetime.now(UTC)
    if metadata is not None:
        return metadata
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    for candidate in (url, str(canonical[0]) if canonical else None):
        found = plausible_date(url_date(candidate), now)
        if found is not None:
            return found
    return plausible_date(_htmldate(tree, now), now) or plausible_date(dateline_date(tree), now)


def extract_article(
    body: bytes,
    url: str,
    *,
    feed_title: str | None = None,
    min_chars: int = 200,
    encoding: str | None = None,
    rules: OutletRules | None = None,
    now: datetime | None = None,
) -> Extraction:
    """Extract headline variants, byline, dates and paragraphs from a page.

    ``url`` is the page's URL (its date is one source of ``published_at``); ``encoding`` the
    HTTP charset, if any; ``rules`` the outlet's rules; ``now`` the time dates may not lie a
    day beyond (default: the clock). Raises :class:`ExtractionError` for a binary body, an
    unparsable page, a "page not found" page, or a text shorter than ``min_chars``.
    """
    check_not_binary(body, encoding)
    text, warnings = decode_html(body, encoding)
    tree = parse_html(text)
    variants = headline_variants(tree, feed_title)
    check_not_soft_404(variants)
    published, modified = page_dates(tree, now)
    published = find_published(tree, url, published, now)
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
    title = choose_title(variants, tree)
    head = ArticleHead.find(tree, variants.get("h1"))
    standfirst = None
    if head is not None:
        standfirst = head.standfirst(chosen.paragraphs[0] if chosen.paragraphs else None)
    paragraphs, byline = _strip_head(
        chosen.paragraphs, [title, *(v for v in variants.values() if v)], byline, standfirst
    )
    if head is not None and applied.body is None:
        known = {text_key(h) for h in (title, standfirst, byline) if h}
        paragraphs = head.lost_lead(paragraphs, known) + paragraphs
    variants["standfirst"] = standfirst
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
