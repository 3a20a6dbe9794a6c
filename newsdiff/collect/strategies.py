"""Extraction strategies and the choice between them.

trafilatura is the main strategy. Its result is suspect when one paragraph is implausibly long,
when it has far fewer paragraphs than the page has ``<p>`` elements (counted in the article's own
blocks, :func:`article_blocks`, when the whole page has many: reader responses and teasers are
``<p>`` too), or when it kept a layout table (a 2000s page whose article sits in one ``<td>``).
Then the other strategies are tried: trafilatura without tables, trafilatura favouring recall,
the densest table cell or block, and readability-lxml. The first whose text agrees with
trafilatura's and which is not suspect itself wins; the warning says so. When none does,
trafilatura's stands (with a warning only when its text is a single paragraph: long paragraphs
and pages full of other ``<p>`` are real).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from newsdiff.collect.paragraphs import SKIP_TAGS, html_paragraphs, xml_paragraphs
from newsdiff.text import normalize_paragraph

logger = logging.getLogger(__name__)

with warnings.catch_warnings():
    # trafilatura probes urllib3's optional SOCKS support when imported; newsdiff never uses it
    warnings.filterwarnings("ignore", message="SOCKS support")
    import trafilatura

# Options of the main trafilatura run (bench/extract.py measures them against the default).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "favor_precision": True,
    "deduplicate": False,  # never True: it returns empty text for a page seen before
}
LONG_PARAGRAPH = 1500  # characters: longer is taken as merged paragraphs
FEW_PARAGRAPHS = 3  # fewer than 1/FEW_PARAGRAPHS of the page's <p> elements is suspect
MIN_P_CHARS = 60  # a page <p> shorter than this is not counted as a paragraph
LAYOUT_CELL = 400  # characters: a table cell this long is page layout, not a data table
AGREEMENT = 0.8  # share of words another strategy must have in common with trafilatura's
DESCEND = 0.75  # the densest block holds at least this share of its parent's non-link text
SECTION = 0.1  # a child block holding this share of its parent's non-link text is a section
_CONTAINERS = frozenset(("td", "div", "article", "section", "main"))
_COMMENT = re.compile(r"comment(?!ary)", re.IGNORECASE)  # in a class or id


@dataclass(frozen=True)
class Candidate:
    """The paragraphs one strategy found."""

    strategy: str
    extractor: str
    version: str
    paragraphs: list[str]
    layout_table: bool = False

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    @property
    def longest(self) -> int:
        return max((len(p) for p in self.paragraphs), default=0)


def run_trafilatura(tree: Any, url: str, strategy: str, **options: Any) -> tuple[Candidate, Any]:
    """trafilatura on a parsed page (it works on a copy); returns the candidate and its
    document (for metadata)."""
    opts = {**TRAFILATURA_OPTIONS, **options}
    doc: Any = trafilatura.bare_extraction(tree, url=url, output_format="python", **opts)
    body = doc.body if doc is not None else None
    paragraphs = xml_paragraphs(body) if body is not None else []
    layout = body is not None and _has_layout_table(body)
    return Candidate(strategy, "trafilatura", trafilatura.__version__, paragraphs, layout), doc


def _has_layout_table(body: Any) -> bool:
    for cell in body.iter("cell"):
        if any(c.tag in ("p", "list", "head", "quote") for c in cell):
            return True
        if len(normalize_paragraph(" ".join(cell.itertext()))) >= LAYOUT_CELL:
            return True
    return False


def run_readability(tree: Any) -> Candidate:
    from lxml import html as lxml_html
    from readability import Document

    summary = Document(lxml_html.tostring(tree, encoding="unicode")).summary(html_partial=True)
    paragraphs = html_paragraphs(lxml_html.fromstring(summary)) if summary.strip() else []
    return Candidate("readability", "readability-lxml", version("readability-lxml"), paragraphs)


def _non_link_lengths(root: Any) -> dict[Any, int]:
    lengths: dict[Any, int] = {}

    def walk(el: Any, in_link: bool) -> int:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP_TAGS:
            return 0
        link = in_link or tag == "a"
        total = 0 if link else len((el.text or "").strip())
        for child in el:
            total += walk(child, link)
            if child.tail and not link:
                total += len(child.tail.strip())
        lengths[el] = total
        return total

    walk(root, False)
    return lengths


def _is_linky(paragraph: str, link_texts: list[str]) -> bool:
    rest = paragraph
    for text in link_texts:
        if text in rest:
            rest = rest.replace(text, "")
    letters = sum(ch.isalnum() for ch in paragraph)
    return letters > 0 and sum(ch.isalnum() for ch in rest) < 0.3 * letters


def _kind(el: Any) -> tuple[str, str]:
    """What makes blocks alike: tag and class, digits dropped ("chunk-1" and "chunk-2")."""
    return el.tag, re.sub(r"\d+", "", el.get("class") or "")


def _unlike_sections(node: Any, lengths: dict[Any, int]) -> list[Any] | None:
    """When ``node``'s text is shared among child blocks of different kinds (the article, the
    reader responses, the teasers), the heaviest child and its siblings of the same kind (an
    article cut into chunks around adverts); ``None`` when ``node`` is one text (its heavy
    children are paragraphs, or blocks of one kind)."""
    total = lengths[node]
    heavy = [c for c in node if lengths.get(c, 0) >= SECTION * total]
    if len(heavy) < 2 or any(c.tag not in _CONTAINERS for c in heavy):
        return None
    kind = _kind(max(heavy, key=lambda c: lengths[c]))
    if all(_kind(c) == kind for c in heavy):
        return None
    return [c for c in node if _kind(c) == kind and lengths.get(c, 0) > 0]


def article_blocks(tree: Any) -> list[Any]:
    """The tightest table cell or block holding most of the page's non-link text: a block
    holding :data:`DESCEND` of its parent's is descended into. Where no block does, a parent
    whose text is split among blocks of different kinds is not taken whole (that would take
    in the byline, reader responses and teasers next to the article): the heaviest block and
    its siblings of the same kind are (several when an article is cut into chunks)."""
    lengths = _non_link_lengths(tree)
    node = tree
    while True:
        inner = [el for el in node.iterdescendants() if el.tag in _CONTAINERS and el in lengths]
        best = max(inner, key=lambda el: lengths[el], default=None)
        if best is not None and lengths[best] >= DESCEND * lengths[node]:
            node = best
            continue
        sections = _unlike_sections(node, lengths)
        if sections is None:
            return [node]
        if len(sections) > 1:
            return sections
        node = sections[0]


def run_densest_block(tree: Any) -> Candidate:
    """The paragraphs of :func:`article_blocks` (how the article sits in a 2000s table
    layout), their link lines dropped."""
    blocks = article_blocks(tree)
    links = sorted(
        {
            t
            for block in blocks
            for t in (normalize_paragraph(a.text_content()) for a in block.iter("a"))
            if t
        },
        key=len,
        reverse=True,
    )
    paragraphs = [p for block in blocks for p in html_paragraphs(block) if not _is_linky(p, links)]
    return Candidate("densest block", "newsdiff-densest", _newsdiff_version(), paragraphs)


def _newsdiff_version() -> str:
    from newsdiff import __version__

    return __version__


def _words(paragraphs: list[str]) -> Counter[str]:
    return Counter(w for p in paragraphs for w in re.findall(r"\w+", p.lower()))


def agreement(a: list[str], b: list[str]) -> float:
    """Share of words in common, measured against the shorter text."""
    wa, wb = _words(a), _words(b)
    smaller = min(sum(wa.values()), sum(wb.values()))
    return sum((wa & wb).values()) / smaller if smaller else 0.0


def _aside(p: Any) -> bool:
    """Whether ``p`` sits in a reader comment or in a link (a teaser), never article text."""
    for el in p.iterancestors():
        if el.tag == "a" or _COMMENT.search(f"{el.get('class', '')} {el.get('id', '')}"):
            return True
    return False


def page_paragraph_count(tree: Any) -> int:
    """How many ``<p>`` elements of the page hold a real paragraph. Reader comments and
    teasers are left out: with a comment thread below it, any article would look short."""
    return sum(
        1
        for p in tree.iter("p")
        if len(normalize_paragraph(" ".join(p.itertext()))) >= MIN_P_CHARS and not _aside(p)
    )


def trouble(candidate: Candidate, page_ps: int) -> str | None:
    """Why a candidate's paragraphs look wrong, or ``None``."""
    if candidate.layout_table:
        return "a layout table"
    if candidate.longest >= LONG_PARAGRAPH:
        return f"a paragraph of {candidate.longest} characters"
    if page_ps >= 2 * FEW_PARAGRAPHS and len(candidate.paragraphs) * FEW_PARAGRAPHS < page_ps:
        return f"{len(candidate.paragraphs)} paragraphs for {page_ps} <p> elements on the page"
    return None


def choose(tree: Any, url: str, primary: Candidate) -> tuple[Candidate, str | None]:
    """``primary`` unless its paragraphs look wrong and another strategy does better; the
    second value is the warning to record."""
    page_ps = page_paragraph_count(tree)
    problem = trouble(primary, page_ps)
    if problem is not None and trouble(primary, 0) is None:
        # Only the page's count of <p> speaks against it: count those of the article's own
        # blocks, not the reader responses and teasers around it.
        page_ps = sum(page_paragraph_count(block) for block in article_blocks(tree))
        problem = trouble(primary, page_ps)
    if problem is None:
        return primary, None
    attempts: tuple[Callable[[], Candidate], ...] = (
        lambda: run_trafilatura(tree, url, "trafilatura without tables", include_tables=False)[0],
        lambda: run_trafilatura(tree, url, "trafilatura favouring recall", favor_recall=True)[0],
        lambda: run_densest_block(tree),
        lambda: run_readability(tree),
    )
    for attempt in attempts:
        other = attempt()
        if (
            other.paragraphs
            and trouble(other, page_ps) is None
            and agreement(primary.paragraphs, other.paragraphs) >= AGREEMENT
        ):
            return other, (
                f"paragraph boundaries: {other.strategy} won ({len(other.paragraphs)} "
                f"paragraphs) over trafilatura ({len(primary.paragraphs)}; {problem})"
            )
    logger.debug("%s: paragraph boundaries suspect (%s); kept trafilatura's", url, problem)
    if len(primary.paragraphs) == 1:
        return primary, f"the text is one paragraph ({problem}); no other strategy did better"
    return primary, None


def rescue(tree: Any, url: str, min_chars: int) -> Candidate | None:
    """When trafilatura finds too little text: recall-oriented trafilatura, then readability."""
    recall, _ = run_trafilatura(tree, url, "trafilatura favouring recall", favor_recall=True)
    if recall.chars >= min_chars:
        return recall
    other = run_readability(tree)
    return other if other.chars >= min_chars else None
