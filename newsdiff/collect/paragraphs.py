"""Paragraphs out of element trees: trafilatura's XML body, or a plain HTML subtree.

Both keep paragraph boundaries: block elements end a paragraph, and so does a blank line made of
two ``<br>`` in a row (how 2000s table-layout pages separate paragraphs). A single ``<br>`` inside
a paragraph is a space.
"""

from __future__ import annotations

import re
from typing import Any

from newsdiff.text import normalize_paragraph

_BLOCKS = frozenset(("p", "list", "head", "quote", "table"))
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")

# HTML elements whose start or end is a paragraph boundary.
BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption h1 h2 h3 h4 h5 h6 header hr li "
    "main ol p pre section table tbody td tfoot th thead tr ul center".split()
)
# HTML elements never part of an article's text.
SKIP_TAGS = frozenset(
    "script style noscript template nav footer form button select textarea iframe svg "
    "figure object embed video audio canvas head title".split()
)


def _split(buffer: str) -> list[str]:
    return [p for p in (normalize_paragraph(x) for x in _BLANK_LINE.split(buffer)) if p]


def _xml_text(element: Any) -> str:
    """Text of a trafilatura element with ``<lb/>`` as newlines."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        if el.tag == "lb":
            parts.append("\n")
        elif el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return "".join(parts)


def xml_paragraphs(body: Any) -> list[str]:
    """Paragraphs of trafilatura's XML body (``<p>``, ``<head>``, ``<list>``, ``<quote>``,
    ``<table>``...): one per block; list items and table rows each make one."""
    out: list[str] = []
    if body.text and body.text.strip():
        out.extend(_split(body.text))
    for child in body:
        tag = child.tag
        if tag == "list":
            for item in child.iter("item"):
                out.extend(_split(_xml_text(item)))
        elif tag == "table":
            for row in child.iter("row"):
                cells = list(row.iter("cell"))
                if any(x.tag in _BLOCKS for c in cells for x in c):  # layout cells, not data
                    for cell in cells:
                        out.extend(xml_paragraphs(cell))
                    continue
                line = " | ".join(
                    t for t in (normalize_paragraph(_xml_text(c)) for c in cells) if t
                )
                if line:
                    out.append(line)
        elif tag == "quote" and any(c.tag in ("p", "list") for c in child):
            out.extend(xml_paragraphs(child))
        elif tag == "graphic":
            pass
        else:
            out.extend(_split(_xml_text(child)))
        if child.tail and child.tail.strip():
            out.extend(_split(child.tail))
    return out


def html_paragraphs(element: Any) -> list[str]:
    """Paragraphs of an HTML subtree: block elements and ``<br><br>`` end a paragraph; scripts,
    navigation, forms and figures are skipped."""
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.extend(_split("".join(buffer)))
            buffer.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            buffer.append("\n")
        elif el.text:
            buffer.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buffer.append(child.tail)
        if block:
            flush()

    walk(element)
    flush()
    return out
