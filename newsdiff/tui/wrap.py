"""Wrapping styled text to terminal cells for the diff panes (our own greedy wrap, by words
and cells: several times faster than wrapping ``rich.text.Text``, which matters for a 2,000-
paragraph article), with find matches highlighted and control characters made visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.style import Style

from newsdiff.text import printable
from newsdiff.tui.matching import Finder

Span = tuple[str, Style | None]
MATCH = Style(color="black", bgcolor="yellow")
_TOKENS = re.compile(r"\S+|\s+")


def cells(text: str) -> int:
    """Terminal cells taken by ``text``."""
    return len(text) if text.isascii() else cell_len(text)


_WORDS = re.compile(r"\S+")


def visible(text: str) -> str:
    """:func:`printable` (which has a fast path for the usual text that needs nothing)."""
    return printable(text)


def clean_spans(spans: Sequence[Span]) -> list[Span]:
    return [(visible(text), style) for text, style in spans if text]


def _ascii_ranges(plain: str, width: int) -> list[tuple[int, int]]:
    """:func:`_line_ranges` for ASCII text, where a character is a cell: break at the last
    space that fits (found by ``rfind``, not word by word)."""
    ranges: list[tuple[int, int]] = []
    n = len(plain)
    start = 0
    while start < n and plain[start] == " ":
        start += 1
    while start < n:
        if n - start <= width:
            end = n
            while end > start and plain[end - 1] == " ":
                end -= 1
            ranges.append((start, end))
            break
        cut = plain.rfind(" ", start, start + width + 1)
        if cut <= start:  # no space in reach: a word longer than a line
            ranges.append((start, start + width))
            start += width
            continue
        end = cut
        while end > start and plain[end - 1] == " ":
            end -= 1
        ranges.append((start, end))
        start = cut + 1
        while start < n and plain[start] == " ":
            start += 1
    return ranges or [(0, 0)]


def _line_ranges(plain: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``plain`` into ``(start, end)`` ranges at most ``width`` cells."""
    if width <= 0:
        return [(0, len(plain))]
    if plain.isascii():
        return [(0, len(plain))] if len(plain) <= width else _ascii_ranges(plain, width)
    ranges: list[tuple[int, int]] = []
    start = 0
    used = 0  # cells on the current line, trailing space excluded
    end = 0  # end of the last word on the current line
    space = 0  # cells of the whitespace since that word
    for m in _TOKENS.finditer(plain):
        token = m.group()
        if token[0].isspace():
            if used:
                space += cell_len(token)
            continue
        w = cell_len(token)
        if used and used + space + w <= width:
            used += space + w
            end = m.end()
            space = 0
            continue
        if used:
            ranges.append((start, end))
        start, used, space = m.start(), 0, 0
        if w <= width:
            used, end = w, m.end()
            continue
        # A word longer than a line: cut it by cells.
        pos = m.start()
        while pos < m.end():
            cells = 0
            cut = pos
            while cut < m.end() and cells + cell_len(plain[cut]) <= width:
                cells += cell_len(plain[cut])
                cut += 1
            cut = max(cut, pos + 1)
            if cut < m.end():
                ranges.append((pos, cut))
                pos = cut
            else:
                start, used, end = pos, cells, cut
                break
    if used or not ranges:
        ranges.append((start, end))
    return ranges


def wrap_spans(
    spans: Sequence[Span], width: int, pattern: Finder | None
) -> tuple[list[tuple[list[Span], str]], int]:
    """Wrap styled spans to ``width`` cells: a list of (segments, plain) lines, and the number
    of find matches in them."""
    plain = "".join(text for text, _ in spans)
    bounds: list[tuple[int, int, Style | None]] = []
    pos = 0
    for text, style in spans:
        bounds.append((pos, pos + len(text), style))
        pos += len(text)
    found = 0
    if pattern is not None and plain:
        marks = [(a, b) for a, b in pattern.spans(plain) if b > a]
        found = len(marks)
        if marks:
            bounds = _overlay(bounds, marks)
    if len(bounds) == 1:  # one style throughout (an unchanged paragraph): no slicing of spans
        style = bounds[0][2]
        return [
            ([(plain[start:end], style)], plain[start:end])
            for start, end in _line_ranges(plain, width)
        ], found
    lines = []
    for start, end in _line_ranges(plain, width):
        segments = [
            (plain[max(a, start) : min(b, end)], style)
            for a, b, style in bounds
            if a < end and b > start
        ]
        lines.append((segments, plain[start:end]))
    return lines, found


_MATCHED: dict[int, tuple[Style | None, Style]] = {}


def _matched(style: Style | None) -> Style:
    """``style`` with the find-match highlight on top: one object per style, so a layout
    full of matches does not hash a new Style for each."""
    known = _MATCHED.get(id(style))
    if known is not None and known[0] is style:
        return known[1]
    combined = (style or Style()) + MATCH
    if len(_MATCHED) > 64:  # styles made on the fly: do not keep them all
        _MATCHED.clear()
    _MATCHED[id(style)] = (style, combined)  # keeps ``style`` alive: its id stays its own
    return combined


def _overlay(
    bounds: list[tuple[int, int, Style | None]], marks: list[tuple[int, int]]
) -> list[tuple[int, int, Style | None]]:
    cuts = sorted({p for a, b, _ in bounds for p in (a, b)} | {p for m in marks for p in m})
    out: list[tuple[int, int, Style | None]] = []
    bi = 0
    mi = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while bi < len(bounds) and bounds[bi][1] <= a:
            bi += 1
        while mi < len(marks) and marks[mi][1] <= a:
            mi += 1
        if bi >= len(bounds):
            break
        style = bounds[bi][2]
        if mi < len(marks) and marks[mi][0] <= a:
            style = _matched(style)
        out.append((a, b, style))
    return out


def pad_line(segments: list[Span], plain: str, width: int) -> tuple[list[Span], str]:
    gap = width - cells(plain)
    if gap > 0:
        return [*segments, (" " * gap, None)], plain + " " * gap
    return segments, plain


def cut_line(spans: Sequence[Span], width: int) -> tuple[list[Span], str]:
    """Styled spans on one line of at most ``width`` cells, cut with "…" where they do not
    fit."""
    out: list[Span] = []
    plain = ""
    used = 0
    for text, style in clean_spans(spans):
        size = cells(text)
        if used + size <= width:
            out.append((text, style))
            plain += text
            used += size
            continue
        room = width - used - 1
        kept = ""
        for char in text:
            if cells(kept + char) > room:
                break
            kept += char
        out.append((kept + "…", style))
        plain += kept + "…"
        break
    return out, plain


def line_ranges(plain: str, width: int) -> list[tuple[int, int]]:
    """The ``(start, end)`` character ranges of ``plain`` on each of the lines
    :func:`wrap_spans` makes of it at ``width`` cells."""
    return _line_ranges(plain, width)
