"""Selecting and copying text in a laid-out diff: side by side, a selection keeps to the column
it starts in (old or new), skips the gutters, and joins the lines a paragraph was wrapped into.
"""

from __future__ import annotations

from textual.geometry import Offset
from textual.selection import Selection

from newsdiff.tui.diff_layout import FULL, GUTTER_WIDTH, NEXT, DiffLayout


def selection_side(laid: DiffLayout, selection: Selection) -> str:
    """Which column a selection is in: "left" or "right" (side by side, from where it starts on
    a paragraph line), or "all" (inline, or nothing but full-width lines, or select-all)."""
    if not laid.right_start:
        return "all"
    for point in (selection.start, selection.end):
        if point is not None and 0 <= point.y < len(laid.kinds) and laid.kinds[point.y] != FULL:
            return "right" if point.x >= laid.column_end + 1 else "left"
    return "all"


def selected_span(
    laid: DiffLayout, selection: Selection, y: int, side: str
) -> tuple[int, int] | None:
    """The cells ``[start, end)`` of line ``y`` inside ``selection`` (``end`` -1: to the end of
    the line), kept to ``side``'s column and clear of the gutters; None if none are."""
    if not 0 <= y < len(laid.kinds):
        return None
    start = selection.start or Offset(0, 0)
    end = selection.end or Offset(-1, len(laid.kinds) - 1)
    if not start.y <= y <= end.y:
        return None
    lo, hi = 0, -1
    if laid.kinds[y] != FULL and side != "all":
        lo, hi = (GUTTER_WIDTH, laid.column_end) if side == "left" else (laid.right_start, -1)
    elif laid.kinds[y] != FULL and not laid.right_start:
        lo = GUTTER_WIDTH  # inline: the paragraph's text, not its gutter
    a = max(lo, start.x) if y == start.y else lo
    b = hi
    if y == end.y and end.x >= 0:
        b = end.x if hi == -1 else min(hi, end.x)
    if b != -1 and a >= b:
        return None
    return a, b


def selected_text(laid: DiffLayout, selection: Selection) -> str:
    """The text of ``selection``, one column's when it started in one: the lines a paragraph
    was wrapped into are joined again, paragraphs stay on lines of their own."""
    side = selection_side(laid, selection)
    first = selection.start.y if selection.start is not None else 0
    last = selection.end.y if selection.end is not None else len(laid.kinds) - 1
    parts: list[str] = []
    for y in range(max(first, 0), min(last, len(laid.kinds) - 1) + 1):
        span = selected_span(laid, selection, y, side)
        if span is None:
            continue
        a, b = span
        text = laid.texts[y][a : None if b == -1 else b].rstrip()
        if laid.kinds[y] == NEXT:
            text = text.lstrip()
            if not text:
                continue  # this column's paragraph ended above; the other one goes on
            if parts and parts[-1]:
                parts[-1] += " " + text
                continue
        parts.append(text)
    return "\n".join(parts)
