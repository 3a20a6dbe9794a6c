"""Typed edits in the diff pane: the lines that list them under the heading (or the one line
that sums them up in a short pane), a short description for the status line, and where each
edit's text stands in the laid-out lines (for ``n``/``p`` to highlight it).

Pure functions on plain values (no Textual): the layout calls them in a worker thread. Every
piece of article text goes through :func:`newsdiff.tui.wrap.visible` (via ``clean_spans``), and
none is parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.style import Style

from newsdiff.text import plural, printable
from newsdiff.tui.wrap import Span, cells, line_ranges, visible

if TYPE_CHECKING:  # the row types: imported by the first worker, after the first frame
    from newsdiff.timeline.items import EditItem, PairEdits

BADGE = Style(color="cyan", bold=True)
SILENT = Style(color="red", bold=True)
KIND = Style(bold=True)
META = Style(dim=True)
OLD = Style(color="red")
NEW = Style(color="green")
RULE = Style(dim=True)

# Kinds people look for first: when the list must fold, these stay.
FACTUAL = ("number", "quote", "source")
RANK = {"correction": 2, "headline": 3, "certainty": 4, "other": 6, "trivial": 7}

Mark = tuple[int, int, int]  # (line, first cell, cell after the last; -1: to the line's end)


def _rank(edit: EditItem) -> int:
    if edit.kind in FACTUAL:
        return 0 if edit.silent else 1
    return RANK.get(edit.kind, 5)


def priority(edits: Sequence[EditItem]) -> list[int]:
    """Indexes of ``edits``, the ones to keep first when space is short (silent facts, facts,
    notices, headlines, hedges, the rest, typo fixes); in their order within a rank."""
    return sorted(range(len(edits)), key=lambda i: _rank(edits[i]))


def _cut(text: str, room: int) -> str:
    """``text`` (made printable) in at most ``room`` cells, cut in the middle with "…"."""
    text = visible(text)
    if cells(text) <= room:
        return text
    if room <= 1:
        return "…"
    head = (room - 1) * 2 // 3
    tail = room - 1 - head
    left = ""
    for char in text:
        if cells(left + char) > head:
            break
        left += char
    right = ""
    for char in reversed(text):
        if cells(right + char) > tail:
            break
        right = char + right
    return f"{left}…{right}"


def what(edit: EditItem, room: int, *, signs: bool = True) -> list[Span]:
    """The texts an edit rests on, in about ``room`` cells: “old” → “new”, + “new” or
    − “old” (without the sign when ``signs`` is false), and a quotation's speaker."""
    speaker = f" — {edit.speaker}" if edit.speaker else ""
    room = max(room - cells(visible(speaker)), 8)
    spans: list[Span]
    if not edit.old:
        spans = [*([("+ ", NEW)] if signs else []), (f"“{_cut(edit.new, room - 4)}”", NEW)]
    elif not edit.new:
        spans = [*([("− ", OLD)] if signs else []), (f"“{_cut(edit.old, room - 4)}”", OLD)]
    else:
        side = max((room - 7) // 2, 3)
        spans = [
            (f"“{_cut(edit.old, side)}”", OLD),
            (" → ", META),
            (f"“{_cut(edit.new, side)}”", NEW),
        ]
    if speaker:
        spans.append((visible(speaker), META))
    return spans


def badge(edit: EditItem) -> list[Span]:
    """Its kind's letter, and ``*`` when it is silent."""
    return [(visible(edit.badge), BADGE), ("*" if edit.silent else " ", SILENT)]


def edit_line(edit: EditItem, width: int) -> list[Span]:
    """One edit on one line of the heading: badge, kind, change, silent, the texts."""
    spans = [
        *badge(edit),
        (" ", None),
        (visible(edit.kind).ljust(10), KIND),
        (" ", None),
        (visible(edit.change).ljust(8), META),
    ]
    if edit.silent:
        spans.append(("silent ", SILENT))
    used = sum(cells(text) for text, _ in spans)
    return spans + what(edit, width - used, signs=False)


def title_line(edits: PairEdits, numbers: tuple[int | None, int]) -> list[Span]:
    """The line above the list: how many edits, how many silent, where they come from."""
    old, new = numbers
    count = len(edits.edits)
    spans: list[Span] = [("Edits ", KIND)]
    if not count:
        spans.append(("none: nothing the analyser types changed", META))
    else:
        spans.append((f"{count}", KIND))
        if edits.silent:
            spans += [(" · ", META), (f"{edits.silent} silent (*)", SILENT)]
    if not edits.stored and old is not None:
        spans.append((f" · computed for v{old} → v{new} (not stored)", META))
    if count:
        spans.append((" · e: n/p by kind", META))
    return spans


def edit_list(
    edits: PairEdits, width: int, rows: int, numbers: tuple[int | None, int]
) -> list[tuple[list[Span], int | None]]:
    """The heading's list of edits in at most ``rows`` lines (at least two): a title line, one
    line per edit, and when they do not all fit, the most telling ones (see :func:`priority`)
    and a last line counting the rest by kind. Each line comes with the index of the edit it
    shows (None for the title and the count)."""
    items = edits.edits
    out: list[tuple[list[Span], int | None]] = [(title_line(edits, numbers), None)]
    room = max(rows, 2) - 1
    if len(items) <= room:
        shown = list(range(len(items)))
    else:
        shown = sorted(priority(items)[: room - 1])
    for i in shown:
        out.append((edit_line(items[i], width), i))
    rest = [items[i] for i in range(len(items)) if i not in set(shown)]
    if rest:
        counts: dict[str, int] = {}
        for edit in rest:
            counts[edit.badge] = counts.get(edit.badge, 0) + 1
        kinds = ", ".join(f"{visible(b)} ×{n}" for b, n in counts.items())
        out.append(
            ([(f"   … {len(rest)} more: {kinds} (e, then n/p to step through them)", META)], None)
        )
    return out


def edit_rule(edits: PairEdits | None, width: int) -> list[Span]:
    """A short pane's rule under the headline, carrying the edits on one line: the most
    telling first, each as its badge, its change and its texts in brief."""
    if edits is None:
        return [("─── edits: analysing… ", RULE)]
    items = edits.edits
    if not items:
        return [("─── no typed edits ", RULE)]
    spans: list[Span] = [("─── ", RULE), (plural(len(items), "edit"), KIND)]
    if edits.silent:
        spans.append((f" ({edits.silent}*)", SILENT))
    spans.append((": ", META))
    for n, i in enumerate(priority(items)):
        edit = items[i]
        if n:
            spans.append((" · ", META))
        spans += [*badge(edit)[:1], *([("*", SILENT)] if edit.silent else [])]
        if edit.change in ("firmer", "softer"):  # the others show in the texts' signs
            spans.append((f" {visible(edit.change)}", META))
        spans.append((" ", None))
        spans += what(edit, 30)
    return spans


def summary(edit: EditItem, *, kind: bool = True) -> str:
    """An edit in a few words for the status line (printable, never markup); without its kind
    when ``kind`` is false (the status already names it)."""
    texts = "".join(text for text, _ in what(edit, 44, signs=False))
    silent = " (silent)" if edit.silent else ""
    name = f"{edit.kind} " if kind else ""
    return printable(f"{name}{edit.change}{silent}: {texts}")


# -- where an edit's text stands in the laid-out lines ----------------------------------------


def display_offset(
    ops: Sequence[tuple[str, str]], side: str, inline: bool, raw: int, *, end: bool = False
) -> int:
    """Where offset ``raw`` of one side's text ("old": the "=" and "-" ops, "new": "=" and
    "+") falls in the text shown for a paragraph: that side's column side by side, every op
    inline; each op made printable (an escape shown as ``␛`` may take more characters).
    Inline, an offset between two ops of its side falls after the other side's words between
    them when it starts a span, before them when it ``end``s one."""
    skip = "+" if side == "old" else "-"
    raw_at = 0
    shown_at = 0
    for kind, text in ops:
        if not text:
            continue
        on_side = kind != skip
        if on_side and (raw <= raw_at + len(text) if end else raw < raw_at + len(text)):
            return shown_at + len(visible(text[: raw - raw_at]))
        if on_side:
            raw_at += len(text)
        if on_side or inline:
            shown_at += len(visible(text))
    return shown_at


def span_marks(plain: str, width: int, x: int, first_line: int, start: int, end: int) -> list[Mark]:
    """The cells that characters ``[start, end)`` of ``plain`` take once it is wrapped to
    ``width`` cells, its lines starting at line ``first_line``, cell ``x``."""
    marks: list[Mark] = []
    for row, (a, b) in enumerate(line_ranges(plain, width)):
        lo, hi = max(start, a), min(end, b)
        if lo < hi:
            marks.append((first_line + row, x + cells(plain[a:lo]), x + cells(plain[a:hi])))
    return marks
