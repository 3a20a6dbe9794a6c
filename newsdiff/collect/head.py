"""The head of an article: what a page shows between its headline and its body.

:meth:`ArticleHead.find` finds the element of the headline a reader sees. From there:

- :meth:`ArticleHead.standfirst` reads the standfirst (the dek: the summary line under the
  headline, which outlets rewrite as often as headlines). It is found by its markup only: an
  element whose class, id, ``itemprop`` or ``data-*`` name says so (``standfirst``, ``dek``,
  ``subtitle``, ``sub-headline``...; ``summary`` and ``description`` only outside the body's run
  of paragraphs), a ``<p>`` or ``<h2>`` in the article's header (a ``<header>``, ``<hgroup>`` or
  block named as one, holding the headline but not the body), visible text that the page's
  JSON-LD ``description`` or ``alternativeHeadline`` repeats, or an ``<h2>`` right after the
  ``<h1>`` that ``og:description`` or ``<meta name=description>`` repeats. Those two never
  supply a standfirst themselves: they are often the first paragraph, or a summary nobody sees.
- :meth:`ArticleHead.lost_lead` finds the lead paragraphs an extractor left out because the
  template sets them in their own block before the body (the extractor read the body block).

Both look only at the elements between the headline and the first paragraph of the body, within
:data:`HEAD_CHARS` of other text, so a teaser's summary or a caption further down the page is
never taken for either. A bold first paragraph (the BBC's introduction) is the body's, not a
standfirst: the words "intro" and "lead" in a class name mark nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from newsdiff.collect.headlines import element_text
from newsdiff.collect.paragraphs import SKIP_TAGS, html_paragraphs
from newsdiff.text import normalize_paragraph

#: How much other visible text (bylines, dates, labels, captions) may stand between the
#: headline and a standfirst or lost lead paragraph; beyond it, the page's head is over.
HEAD_CHARS = 600
STANDFIRST_MIN_CHARS = 15
STANDFIRST_MAX_CHARS = 700
LEAD_MIN_CHARS = 60  # a lost lead paragraph is a sentence or more, never a label
LEAD_MAX_BLOCKS = 3
TEXT_CAP = 2000  # characters: an element holding more is a block of the page, not a line
HEADER_CHARS = 1200  # an article's header holding more text holds the body too
HEADER_LEVELS = 4
HEAD_ELEMENTS = 400  # elements looked at after the headline, at most

_NAME_ATTRIBUTES = ("class", "id", "itemprop", "data-component", "data-testid", "data-gu-name")
# Words of a class, id or data-* name (split at separators and camelCase humps) that mark a
# standfirst. "intro" and "lead" are not among them: on most sites those mark the first
# paragraph of the body (the BBC's bold introduction), which stays a paragraph.
_STANDFIRST_WORDS = frozenset(
    "standfirst dek deck strapline subtitle subhead subheadline subheading "
    "alternativeheadline".split()
)
_STANDFIRST_JOINED = ("standfirst", "subheadline", "subtitle", "subhead")
# Names that mark a standfirst only outside the body's run of paragraphs: inside it, they mark
# the first paragraph for some other use (TechCrunch's "speakable-summary").
_SUMMARY_WORDS = frozenset(("summary", "description", "blurb"))
# Names of blocks that are not the article's own text, wherever they sit.
_FURNITURE_WORDS = frozenset(
    "teaser promo card related recirc recommended rail sidebar caption credit newsletter cta "
    "share social byline author name meta timestamp date dateline tags breadcrumb nav menu ad "
    "advert subscribe signup paywall video player modal tooltip".split()
)
_HEADER_WORDS = frozenset("header head heading hero masthead".split())
_NOT_IN = frozenset(("figure", "figcaption", "a", "button", "label", "li", "aside"))
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_BYLINE = re.compile(r"^(?:by|von|par|por|door|di)\s+\S", re.IGNORECASE)
# "Updated: Nov. 20, 2019", "Published 10:42 BST": a dateline, not a summary
_TIMESTAMP = re.compile(
    r"\b(?:updated|published|posted|last modified)\b\W{0,3}(?:\w+\W{1,3}){0,3}\d", re.IGNORECASE
)
_DESCRIPTION_META = ("description", "og:description", "twitter:description")


def _name_words(el: Any) -> tuple[set[str], str]:
    """The words of ``el``'s class, id and ``data-*`` names, and the same joined without
    separators ("content__standfirst" -> {"content", "standfirst"}, "contentstandfirst")."""
    raw = " ".join(el.get(a) or "" for a in _NAME_ATTRIBUTES)
    lowered = _CAMEL.sub("-", raw).lower()
    return set(re.split(r"[^a-z0-9]+", lowered)) - {""}, re.sub(r"[^a-z0-9]", "", lowered)


def named_standfirst(el: Any) -> str | None:
    """How ``el``'s class, id, ``itemprop`` or ``data-*`` name marks a standfirst: ``"dek"``
    (standfirst, dek, subtitle...), ``"summary"`` (summary, description), or ``None``."""
    words, joined = _name_words(el)
    if words & _FURNITURE_WORDS:
        return None
    if words & _STANDFIRST_WORDS or any(j in joined for j in _STANDFIRST_JOINED):
        return "dek"
    return "summary" if words & _SUMMARY_WORDS else None


def _is_furniture(el: Any) -> bool:
    return bool(_name_words(el)[0] & _FURNITURE_WORDS)


def headline_element(tree: Any, headline: str | None) -> Any | None:
    """The element showing ``headline`` (the article's ``<h1>``, or the ``itemprop=headline``
    element), inside ``<article>`` or ``<main>`` first; ``None`` when no element shows it."""
    if not headline:
        return None
    for scope in ("//article//h1", "//main//h1", "//*[@itemprop='headline']", "//h1"):
        for el in tree.xpath(scope):
            if element_text(el) == headline:
                return el
    return None


def _walk(el: Any) -> Iterator[Any]:
    if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
        return
    yield el
    for child in el:
        yield from _walk(child)


def _text_upto(el: Any, cap: int) -> str | None:
    """``el``'s text as :func:`element_text` gives it, or ``None`` when it is longer than
    ``cap`` characters (found without reading all of a long block)."""
    parts: list[str] = []
    size = 0
    for chunk in el.itertext():
        size += len(chunk)
        if size > 3 * cap:  # whitespace of indentation counted too
            return None
        parts.append(chunk)
    text = normalize_paragraph(" ".join(parts))
    return text if len(text) <= cap else None


def _own_text(el: Any) -> int:
    """Characters of text directly in ``el`` (its children's are theirs)."""
    return len((el.text or "").strip()) + sum(len((c.tail or "").strip()) for c in el)


def _inside(el: Any, ancestor: Any) -> bool:
    return any(a is ancestor for a in el.iterancestors())


class _Scan:
    """The first :data:`HEAD_ELEMENTS` elements after a headline (not inside it) in document
    order, never inside scripts, navigation, forms or figures, with the length of their own
    text (not their children's): read once, as far as asked, for both the standfirst and the
    lead."""

    def __init__(self, headline_el: Any) -> None:
        self._source = self._walk_after(headline_el)
        self._seen: list[tuple[Any, int]] = []

    @staticmethod
    def _walk_after(start: Any) -> Iterator[tuple[Any, int]]:
        count = 0
        node = start
        while node is not None:
            sibling = node.getnext()
            while sibling is not None:
                for el in _walk(sibling):
                    count += 1
                    if count > HEAD_ELEMENTS:
                        return
                    yield el, _own_text(el)
                sibling = sibling.getnext()
            node = node.getparent()

    def __iter__(self) -> Iterator[tuple[Any, int]]:
        yield from self._seen
        for item in self._source:
            self._seen.append(item)
            yield item


def _json_ld_texts(tree: Any) -> list[str]:
    """The ``description`` and ``alternativeHeadline`` values of the page's JSON-LD."""
    out: list[str] = []
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
                for key in ("description", "alternativeHeadline"):
                    value = item.get(key)
                    if isinstance(value, str) and value.strip():
                        out.append(normalize_paragraph(value))
                stack.extend(v for v in item.values() if isinstance(v, list | dict))
    return out


def _meta_descriptions(tree: Any) -> list[str]:
    out = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in _DESCRIPTION_META and (meta.get("content") or "").strip():
            out.append(normalize_paragraph(meta.get("content") or ""))
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def text_key(text: str) -> str:
    """``text``'s words, casefolded: what two renderings of one line have in common (an
    extractor may put a space before a comma where a link ended)."""
    return " ".join(_words(text))


def part_of(paragraph: str, standfirst: str) -> bool:
    """Whether ``paragraph`` is the standfirst, or one of its paragraphs."""
    key, whole = text_key(paragraph), text_key(standfirst)
    return bool(key) and (key == whole or (len(key) >= 20 and key in whole))


def same_text(a: str, b: str) -> bool:
    """Whether two short texts say the same thing: equal words, or one the other's start (a
    description cut with an ellipsis), or one the other behind a label ("Editorial: ...")."""
    wa, wb = _words(a), _words(b)
    if len(wa) < 3 or len(wb) < 3:
        return False
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) < 0.6 * len(long):
        return False
    text, other = " ".join(short), " ".join(long)
    return text in other


def _plausible_standfirst(text: str, headline: str) -> bool:
    if not STANDFIRST_MIN_CHARS <= len(text) <= STANDFIRST_MAX_CHARS:
        return False
    if len(_words(text)) < 4 or _BYLINE.match(text) or _TIMESTAMP.search(text):
        return False
    return text.casefold() != headline.casefold()


def _in_body_flow(el: Any) -> bool:
    """Whether ``el`` is a paragraph among the body's paragraphs: its parent holds at least two
    other ``<p>`` of sentences."""
    parent = el.getparent()
    if el.tag != "p" or parent is None:
        return False
    others = [p for p in parent if p is not el and p.tag == "p"]
    return sum(1 for p in others if len(element_text(p)) >= LEAD_MIN_CHARS) >= 2


def _header_of(headline_el: Any) -> Any | None:
    """The article's header: the outermost ``<header>``, ``<hgroup>`` or block named as one
    ("article-header", "content__head", "hero"...) holding the headline, at most
    :data:`HEADER_LEVELS` up and never the ``<article>`` or ``<main>`` itself, that does not
    also hold the body (its text is at most :data:`HEADER_CHARS`); ``None`` without one."""
    header = None
    for depth, a in enumerate(headline_el.iterancestors()):
        if depth >= HEADER_LEVELS or a.tag in ("article", "main", "body"):
            break
        if a.tag in ("header", "hgroup") or _name_words(a)[0] & _HEADER_WORDS:
            if len(element_text(a)) > HEADER_CHARS:
                break
            header = a
    return header


def _linky(el: Any, text: str) -> bool:
    """Whether links make up half of ``el``'s text (a breadcrumb, a list of tags)."""
    return sum(len(element_text(a)) for a in el.iter("a")) >= 0.5 * len(text)


def _is_lead(el: Any, text: str, known: set[str]) -> bool:
    if len(text) < LEAD_MIN_CHARS or not _SENTENCE_END.search(text):
        return False
    return text_key(text) not in known and not _BYLINE.match(text) and not _linky(el, text)


class ArticleHead:
    """What follows an article's headline on its page, up to the body: where the standfirst is
    (:meth:`standfirst`) and where a lead paragraph set apart from the body can be
    (:meth:`lost_lead`)."""

    def __init__(self, tree: Any, headline_el: Any) -> None:
        self.tree = tree
        self.headline_el = headline_el
        self.headline = element_text(headline_el)
        self.holding = set(headline_el.iterancestors())  # blocks around the headline
        self.header = _header_of(headline_el)
        self._scan = _Scan(headline_el)
        self._excluded: dict[Any, bool] = {}
        self._texts: dict[Any, str | None] = {}

    @classmethod
    def find(cls, tree: Any, headline: str | None) -> ArticleHead | None:
        """The head of the article whose visible headline is ``headline`` (see
        :func:`headline_element`); ``None`` when no element shows it."""
        headline_el = headline_element(tree, headline)
        return None if headline_el is None else cls(tree, headline_el)

    def excluded(self, el: Any) -> bool:
        """Whether ``el`` sits in a figure, link, list item or aside, or in a block named as
        page furniture (a teaser, a caption, a share bar...) that does not also hold the
        headline."""
        if el in self.holding:
            return False
        if el not in self._excluded:
            parent = el.getparent()
            self._excluded[el] = (
                el.tag in _NOT_IN
                or _is_furniture(el)
                or (parent is not None and self.excluded(parent))
            )
        return self._excluded[el]

    def in_header(self, el: Any) -> bool:
        return self.header is not None and _inside(el, self.header)

    def text(self, el: Any) -> str | None:
        """``el``'s text (as :func:`element_text` gives it), ``None`` when longer than
        :data:`TEXT_CAP`."""
        if el not in self._texts:
            self._texts[el] = _text_upto(el, TEXT_CAP)
        return self._texts[el]

    def standfirst(self, first_paragraph: str | None) -> str | None:
        """The standfirst shown under the headline (see the module docstring for the markup
        that counts), or ``None``. Only the elements between the headline and
        ``first_paragraph`` (the body's first, when known), within :data:`HEAD_CHARS` of other
        text, are looked at."""
        described = _json_ld_texts(self.tree)
        confirming = described + _meta_descriptions(self.tree)
        stop = text_key(first_paragraph) if first_paragraph else None
        passed = 0
        seen_text = False
        for el, own in self._scan:
            if passed > HEAD_CHARS:
                break
            named = named_standfirst(el)
            # a block without text of its own is read only when named: its children come next
            text = self.text(el) if own or named or el.tag in ("p", "h2") else None
            if text and _plausible_standfirst(text, self.headline) and not self.excluded(el):
                if not _linky(el, text) and (
                    named == "dek"
                    or (
                        not _in_body_flow(el)
                        and (
                            named == "summary"
                            or (el.tag in ("p", "h2") and self.in_header(el))
                            or any(same_text(text, d) for d in described)
                            or (
                                el.tag == "h2"
                                and not seen_text
                                and any(same_text(text, c) for c in confirming)
                            )
                        )
                    )
                ):
                    return " ".join(html_paragraphs(el)) or text
            if stop is not None and text and text_key(text) == stop:
                break
            passed += own
            seen_text = seen_text or own > 0
        return None

    def lost_lead(self, paragraphs: list[str], known: set[str]) -> list[str]:
        """The paragraphs between the headline and ``paragraphs[0]`` (the extracted body's
        first) that the extractor left out: ``<p>`` elements of whole sentences, not in a
        figure, a link list or a block named as furniture, and not one of ``known`` (the
        :func:`text_key` of the standfirst, byline and headline), nor in the article's header.
        Empty when the body's first paragraph is not found soon after the headline."""
        if not paragraphs:
            return []
        first = text_key(paragraphs[0])
        found: list[Any] = []
        passed = 0
        for el, own in self._scan:
            if found and _inside(el, found[-1]):
                continue
            text = self.text(el) if own or el.tag == "p" else None
            if text and text_key(text) == first:
                return [" ".join(html_paragraphs(f)) for f in found]
            if passed > HEAD_CHARS or len(found) > LEAD_MAX_BLOCKS:
                return []
            if (
                el.tag == "p"
                and text
                and not self.in_header(el)
                and not self.excluded(el)
                and _is_lead(el, text, known)
            ):
                found.append(el)
                continue
            passed += own
        return []
