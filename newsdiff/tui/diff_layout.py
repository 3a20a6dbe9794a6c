"""Lay a document diff out as terminal lines (Strips), off the UI thread.

Side by side: old on the left, new on the right, one block of rows per paragraph entry, so both
columns scroll together by construction. Inline: one column, deletions and insertions in place.
Deletions are red and struck through, insertions green and bold, moved paragraphs marked; the
headline diff comes first, under the versions and the window of the change. Runs of unchanged
paragraphs can be folded to one line. Every piece of article text goes through
:func:`newsdiff.text.printable`, and no string is ever parsed as markup.

The wrapping is our own (:mod:`newsdiff.tui.wrap`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from newsdiff.text import plural, printable
from newsdiff.tui.edit_text import Mark, display_offset, edit_list, edit_rule, span_marks
from newsdiff.tui.matching import Finder
from newsdiff.tui.wrap import Span, cells, clean_spans, cut_line, pad_line, wrap_spans

if TYPE_CHECKING:  # the diff engine, and the row types, load in workers after the first frame
    from newsdiff.diff import DocumentDiff, Op, ParagraphDiff
    from newsdiff.timeline.items import EditItem, VersionPair

DELETED = Style(color="red", strike=True)
INSERTED = Style(color="green", bold=True)
MOVED = Style(color="magenta", italic=True)
GUTTER = Style(dim=True)
GUTTER_CHANGED = Style(color="yellow", bold=True)
LABEL = Style(bold=True)
META = Style(dim=True)
FOLD = Style(dim=True, italic=True)
RULE = Style(dim=True)

GUTTER_WIDTH = 6
SEPARATOR = " │ "
CONTEXT = 1  # unchanged paragraphs kept visible next to a change when folding

# What a line is, for selecting and copying text: a full-width line (headings, rules, folds,
# messages), or the first or a following line of a paragraph block (behind a gutter; side by
# side, in two columns).
FULL, FIRST, NEXT = 0, 1, 2
_MARK = {"modified": "~", "inserted": "+", "deleted": "-", "moved": "↕", "unchanged": " "}


@dataclass(frozen=True)
class LayoutOptions:
    width: int
    inline: bool = False
    fold: bool = False
    query: str = ""
    compact: bool = False  # a short pane: the heading on one line, no rule above the headline
    edit_rows: int = 0  # lines for the list of edits under a full heading (compact: one line)


class StyleTable:
    """The numbers that stand for styles in laid-out lines; shared by every layout of one diff
    (so laid-out paragraphs can be reused between them), and by the threads that lay it out."""

    def __init__(self) -> None:
        self.styles: list[Style | None] = [None]
        self._by_value: dict[Style | None, int] = {None: 0}
        # the same by the style object's identity (hashing a rich Style is slow); every object
        # keyed here is kept alive in ``_pinned``, so no id is reused while the table lives
        self.by_object: dict[int, int] = {id(None): 0}
        self._pinned: list[Style | None] = []
        self._lock = threading.Lock()

    def number(self, style: Style | None) -> int:
        with self._lock:
            number = self._by_value.get(style)
            if number is None:
                number = self._by_value[style] = len(self.styles)
                self.styles.append(style)
            self._pinned.append(style)
            self.by_object[id(style)] = number
            return number


@dataclass(frozen=True)
class _Piece:
    """One paragraph entry laid out (lines, and where its change and find matches are)."""

    lines: list[tuple[tuple[str | int, ...], int]]
    texts: list[str]
    kinds: bytes
    change_lines: int  # lines of its change (0: unchanged)
    matches: list[int]  # lines holding a match, from the piece's first line
    match_count: int


class LayoutCache:
    """The paragraph entries of one diff as laid out before, for laying it out again: folding
    toggled, or back to a mode and width seen before, wraps only the entries not yet laid out
    with those options. Keeps the pieces of the last few option sets."""

    KEEP = 4

    def __init__(self) -> None:
        self.table = StyleTable()
        self._pieces: dict[tuple[int, bool, str], dict[int, _Piece]] = {}
        self._lock = threading.Lock()

    def to_lay_out(self, diff: DocumentDiff, options: LayoutOptions) -> int:
        """How many entries a layout of ``diff`` with ``options`` would have to wrap (those
        shown and not laid out before with the same width, mode and find)."""
        with self._lock:
            done = self._pieces.get((options.width, options.inline, options.query), {})
        index = {id(entry): k for k, entry in enumerate(diff.paragraphs)}
        return sum(
            1
            for item in _visible(diff.paragraphs, options.fold)
            if not isinstance(item, int) and index[id(item)] not in done
        )

    def pieces(self, options: LayoutOptions) -> dict[int, _Piece]:
        key = (options.width, options.inline, options.query)
        with self._lock:
            found = self._pieces.pop(key, None)
            if found is None:
                found = {}
                while len(self._pieces) >= self.KEEP:
                    del self._pieces[next(iter(self._pieces))]
            self._pieces[key] = found  # now the most recent
            return found


@dataclass
class DiffLayout:
    """The lines of a laid-out diff, and where things are in them.

    A line is kept as a flat tuple of (text, style number) pairs and its width in cells, not as
    Segments: tuples of strings and ints are not tracked by the cyclic garbage collector, so a
    10,000-line diff does not make the UI pause for a full collection. The Strip of a line is
    made when the line is first shown.
    """

    lines: list[tuple[tuple[str | int, ...], int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # plain text per line (selection, tests)
    changes: list[int] = field(default_factory=list)  # first line of each change
    change_ends: list[int] = field(default_factory=list)  # the line after each change
    matches: list[int] = field(default_factory=list)  # lines holding a find match
    match_count: int = 0
    folded: int = 0  # paragraphs hidden by folding
    width: int = 0
    kinds: bytearray = field(default_factory=bytearray)  # FULL, FIRST or NEXT per line
    column_end: int = 0  # side by side: where the left column's text ends (0: inline)
    right_start: int = 0  # side by side: where the right column's text starts
    complete: bool = True  # False: only the first entries (a first screenful, shown early)
    compact: bool = False  # laid out for a short pane (LayoutOptions.compact)
    edit_rows: int = 0  # LayoutOptions.edit_rows
    table: StyleTable = field(default_factory=lambda: StyleTable())
    head_line: int = 0  # the first line of the headline's block
    entry_lines: dict[int, int] = field(default_factory=dict)  # diff entry -> its first line
    # where each edit of the pair (in VersionPair.edits order) stands: the cells of its text,
    # empty when not shown (folded, or not laid out yet); and the heading line listing it
    edit_marks: list[list[Mark]] = field(default_factory=list)
    edit_header: dict[int, int] = field(default_factory=dict)

    def add(
        self, segments: list[Span], plain: str, length: int | None = None, kind: int = FULL
    ) -> None:
        flat: list[str | int] = []
        by_object = self.table.by_object
        for text, style in segments:
            number = by_object.get(id(style))
            if number is None:
                number = self.table.number(style)
            flat.append(text)
            flat.append(number)
        self.lines.append((tuple(flat), cells(plain) if length is None else length))
        self.texts.append(plain)
        self.kinds.append(kind)

    def strip(self, index: int) -> Strip:
        """Line ``index`` as a Strip."""
        flat, length = self.lines[index]
        styles = self.table.styles
        return Strip(
            [Segment(str(flat[k]), styles[int(flat[k + 1])]) for k in range(0, len(flat), 2)],
            length,
        )

    def __len__(self) -> int:
        return len(self.lines)


def old_spans(ops: Sequence[Op]) -> list[Span]:
    return clean_spans(
        [(text, DELETED if kind == "-" else None) for kind, text in ops if kind != "+"]
    )


def new_spans(ops: Sequence[Op]) -> list[Span]:
    return clean_spans(
        [(text, INSERTED if kind == "+" else None) for kind, text in ops if kind != "-"]
    )


def inline_spans(ops: Sequence[Op]) -> list[Span]:
    styles = {"-": DELETED, "+": INSERTED}
    return clean_spans([(text, styles.get(kind)) for kind, text in ops])


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "?"


class _Builder:
    def __init__(self, options: LayoutOptions, table: StyleTable | None = None) -> None:
        self.options = options
        self.layout = DiffLayout(
            width=options.width,
            compact=options.compact,
            edit_rows=options.edit_rows,
            table=table or StyleTable(),
        )
        # find ignores case and accents, as the reader types it
        self.pattern = Finder(printable(options.query)) if options.query else None
        width = max(options.width, 30)
        self.full = width
        self.column = max((width - 2 * GUTTER_WIDTH - len(SEPARATOR)) // 2, 8)
        self.text_width = width - GUTTER_WIDTH
        self.right_start = 2 * GUTTER_WIDTH + self.column + len(SEPARATOR)
        if not options.inline:
            self.layout.column_end = GUTTER_WIDTH + self.column
            self.layout.right_start = self.right_start

    def plain_line(self, spans: Sequence[Span]) -> None:
        """A full-width line of (our own, or made printable) text, wrapped."""
        lines, _ = wrap_spans(clean_spans(spans), self.full, None)
        for segments, plain in lines:
            self.layout.add(segments, plain)

    def one_line(self, spans: Sequence[Span]) -> None:
        """A full-width line, cut with "…" where it is too long."""
        segments, plain = cut_line(spans, self.full)
        self.layout.add(segments, plain)

    def rule(self) -> None:
        self.layout.add([("─" * self.full, RULE)], "─" * self.full)

    def edit_rule(self, spans: Sequence[Span]) -> None:
        """A rule carrying text (a short pane's edits), filled out with "─"."""
        segments, plain = cut_line(spans, self.full - 2)
        fill = "─" * (self.full - cells(plain))
        self.layout.add([*segments, (fill, RULE)], plain + fill)

    def blank(self) -> None:
        if self.options.inline:
            self.layout.add([], "")
            return
        pad = " " * (GUTTER_WIDTH + self.column)
        self.layout.add(
            [(pad, None), (SEPARATOR, RULE)],
            pad + SEPARATOR,
            len(pad) + len(SEPARATOR),
            kind=FIRST,
        )

    def _gutter(self, label: str, changed: bool) -> tuple[list[Span], str]:
        text = label.rjust(GUTTER_WIDTH - 1)[: GUTTER_WIDTH - 1] + " "
        return [(text, GUTTER_CHANGED if changed else GUTTER)], text

    def block(
        self,
        left: list[Span] | None,
        right: list[Span],
        left_label: str,
        right_label: str,
        changed: bool,
    ) -> None:
        """One paragraph entry: side by side (``left`` None: inline, ``right`` holds all)."""
        start = len(self.layout)
        found = 0
        if left is None:
            lines, found = wrap_spans(right, self.text_width, self.pattern)
            for i, (segments, plain) in enumerate(lines):
                gutter, gplain = self._gutter(right_label if i == 0 else "", changed)
                self.layout.add(gutter + segments, gplain + plain, kind=NEXT if i else FIRST)
                if found and self._has_match(plain):
                    self.layout.matches.append(len(self.layout) - 1)
        else:
            lines_l, found_l = wrap_spans(left, self.column, self.pattern)
            if right == left:  # an unchanged paragraph: the same lines on both sides
                lines_r, found_r = lines_l, found_l
            else:
                lines_r, found_r = wrap_spans(right, self.column, self.pattern)
            found = found_l + found_r
            if not left:
                lines_l = []
            if not right:
                lines_r = []
            for i in range(max(len(lines_l), len(lines_r), 1)):
                seg_l, plain_l = lines_l[i] if i < len(lines_l) else ([], "")
                seg_r, plain_r = lines_r[i] if i < len(lines_r) else ([], "")
                seg_l, plain_l = pad_line(seg_l, plain_l, self.column)
                g_l, gp_l = self._gutter(left_label if i == 0 else "", changed)
                g_r, gp_r = self._gutter(right_label if i == 0 else "", changed)
                self.layout.add(
                    g_l + seg_l + [(SEPARATOR, RULE)] + g_r + seg_r,
                    gp_l + plain_l + SEPARATOR + gp_r + plain_r,
                    self.right_start + cells(plain_r),
                    kind=NEXT if i else FIRST,
                )
                if found and (self._has_match(plain_l) or self._has_match(plain_r)):
                    self.layout.matches.append(len(self.layout) - 1)
        if found:
            self.layout.match_count += found
            if not self.layout.matches or self.layout.matches[-1] < start:
                self.layout.matches.append(start)
        if changed:
            self.layout.changes.append(start)
            self.layout.change_ends.append(len(self.layout))

    def entry(
        self, index: int, pieces: dict[int, _Piece] | None, lay_out: Callable[[], None]
    ) -> None:
        """Entry ``index`` of the diff: from ``pieces`` when laid out before with these
        options, else laid out by ``lay_out`` (and kept there)."""
        layout = self.layout
        start = len(layout)
        piece = pieces.get(index) if pieces is not None else None
        if piece is not None:
            layout.lines.extend(piece.lines)
            layout.texts.extend(piece.texts)
            layout.kinds.extend(piece.kinds)
            if piece.change_lines:
                layout.changes.append(start)
                layout.change_ends.append(start + piece.change_lines)
            layout.matches.extend(start + m for m in piece.matches)
            layout.match_count += piece.match_count
            return
        changes, matches, count = len(layout.changes), len(layout.matches), layout.match_count
        lay_out()
        if pieces is not None:
            pieces[index] = _Piece(
                layout.lines[start:],
                layout.texts[start:],
                bytes(layout.kinds[start:]),
                layout.change_ends[-1] - start if len(layout.changes) > changes else 0,
                [m - start for m in layout.matches[matches:]],
                layout.match_count - count,
            )

    def _has_match(self, plain: str) -> bool:
        return self.pattern is not None and self.pattern.search(plain)


def _paragraph_labels(entry: ParagraphDiff) -> tuple[str, str]:
    mark = _MARK.get(entry.kind, "?")
    old = f"{entry.old_index + 1}{mark}" if entry.old_index is not None else mark
    new = f"{entry.new_index + 1}{mark}" if entry.new_index is not None else mark
    return old.strip() or " ", new.strip() or " "


def _moved_note(entry: ParagraphDiff) -> tuple[list[Span], list[Span]]:
    old_no = (entry.old_index or 0) + 1
    new_no = (entry.new_index or 0) + 1
    return [(f"↕ moved to ¶{new_no}", MOVED)], [(f"↕ moved from ¶{old_no}", MOVED)]


def _visible(entries: Sequence[ParagraphDiff], fold: bool) -> list[ParagraphDiff | int]:
    """The entries to show, with runs of unchanged ones replaced by their length when
    folding (keeping ``CONTEXT`` paragraphs next to each change)."""
    if not fold:
        return list(entries)
    out: list[ParagraphDiff | int] = []
    i = 0
    n = len(entries)
    while i < n:
        if entries[i].kind != "unchanged":
            out.append(entries[i])
            i += 1
            continue
        j = i
        while j < n and entries[j].kind == "unchanged":
            j += 1
        keep_before = CONTEXT if i > 0 else 0
        keep_after = CONTEXT if j < n else 0
        hidden = (j - i) - keep_before - keep_after
        if hidden >= 2:
            out.extend(entries[i : i + keep_before])
            out.append(hidden)
            out.extend(entries[j - keep_after : j])
        else:
            out.extend(entries[i:j])
        i = j
    return out


def layout_diff(
    pair: VersionPair,
    diff: DocumentDiff,
    options: LayoutOptions,
    *,
    limit: int | None = None,
    cache: LayoutCache | None = None,
) -> DiffLayout:
    """Lay out the diff of ``pair`` for a pane ``options.width`` cells wide; with ``limit``,
    only the first ``limit`` entries (the result is then marked incomplete). The lines of a
    partial layout are the first lines of the full one. ``cache`` (one per diff) keeps the
    laid-out entries for the next layout of the same diff."""
    b = _Builder(options, cache.table if cache is not None else None)
    pieces = cache.pieces(options) if cache is not None else None
    inline = options.inline
    new = pair.new
    edits = pair.edits
    if options.compact:
        b.one_line(_short_heading(pair, diff))
    else:
        _heading(b, pair, diff)
        if pair.old is not None and options.edit_rows > 0:
            if edits is None:  # a long article shown before its edits are typed
                b.one_line([("Edits ", LABEL), ("analysing…", META)])
            else:
                numbers = (pair.old.number, new.number)
                for spans, edit in edit_list(edits, b.full, options.edit_rows, numbers):
                    if edit is not None:
                        b.layout.edit_header[edit] = len(b.layout)
                    b.one_line(spans)
        b.rule()
    b.layout.head_line = len(b.layout)
    title_ops = diff.title.ops if diff.title.ops else [("=", new.title)]
    if inline:
        b.block(None, inline_spans(title_ops), "", "Head", diff.title_changed)
    else:
        b.block(old_spans(title_ops), new_spans(title_ops), "Head", "Head", diff.title_changed)
    dek_ops = diff.standfirst.ops
    if dek_ops:  # the standfirst, under the headline, where either version has one
        if inline:
            b.block(None, inline_spans(dek_ops), "", "Stand", diff.standfirst_changed)
        else:
            b.block(
                old_spans(dek_ops), new_spans(dek_ops), "Stand", "Stand", diff.standfirst_changed
            )
    if options.compact and pair.old is not None:
        b.edit_rule(edit_rule(edits, b.full))
    else:
        b.rule()
    index = {id(entry): k for k, entry in enumerate(diff.paragraphs)}
    for count, item in enumerate(_visible(diff.paragraphs, options.fold)):
        if limit is not None and count >= limit:
            b.layout.complete = False
            break
        if isinstance(item, int):
            text = f"⋯ {item} unchanged paragraphs folded (u to unfold) ⋯"
            b.layout.add([(" " * GUTTER_WIDTH, None), (text, FOLD)], " " * 6 + text)
            b.layout.folded += item
            b.blank()
            continue
        k = index[id(item)]
        b.layout.entry_lines[k] = len(b.layout)
        b.entry(k if pieces is not None else -1, pieces, partial(_lay_out_entry, b, item))
    if edits is not None:
        by_side = {
            "old": {e.old_index: k for k, e in enumerate(diff.paragraphs)},
            "new": {e.new_index: k for k, e in enumerate(diff.paragraphs)},
        }
        b.layout.edit_marks = [_edit_marks(b, diff, by_side, title_ops, e) for e in edits.edits]
    return b.layout


def _edit_marks(
    b: _Builder,
    diff: DocumentDiff,
    by_side: dict[str, dict[int | None, int]],
    title_ops: Sequence[Op],
    edit: EditItem,
) -> list[Mark]:
    """Where ``edit``'s text stands in the laid-out lines (its new text where it has one, else
    its old text); the first line of its paragraph when its offsets say nothing usable; none
    when its paragraph is not shown."""
    layout = b.layout
    side = "new" if edit.new_span is not None else "old"
    span = edit.new_span if side == "new" else edit.old_span
    note: list[Span] = []
    if edit.in_headline:
        ops = list(title_ops)
        first = layout.head_line
    else:
        paragraph = edit.new_paragraph if side == "new" else edit.old_paragraph
        if paragraph is None:
            side = "old" if side == "new" else "new"
            paragraph = edit.old_paragraph if side == "old" else edit.new_paragraph
            span = None
        entry_index = by_side[side].get(paragraph)
        if paragraph is None or entry_index is None or entry_index not in layout.entry_lines:
            return []
        entry = diff.paragraphs[entry_index]
        ops = list(entry.ops)
        first = layout.entry_lines[entry_index]
        if entry.kind == "moved":
            note_l, note_r = _moved_note(entry)
            note = [*clean_spans(note_r if side == "new" or b.options.inline else note_l)]
            note.append((" ", None))
    inline = b.options.inline
    if inline:
        spans, x, width = inline_spans(ops), GUTTER_WIDTH, b.text_width
    elif side == "new":
        spans, x, width = new_spans(ops), b.right_start, b.column
    else:
        spans, x, width = old_spans(ops), GUTTER_WIDTH, b.column
    plain = "".join(text for text, _ in [*note, *spans])
    marks: list[Mark] = []
    if span is not None:
        shift = sum(len(text) for text, _ in note)
        start = shift + display_offset(ops, side, inline, span[0])
        end = shift + display_offset(ops, side, inline, span[1], end=True)
        marks = span_marks(plain, width, x, first, start, end)
    return marks or [(first, 0, -1)]


def _heading(b: _Builder, pair: VersionPair, diff: DocumentDiff) -> None:
    """The versions compared, the window of the change, the outlet and the URL."""
    new = pair.new
    old = pair.old
    stats = diff.stats
    heading: list[Span] = []
    if old is not None:
        heading.append((f"v{old.number} {_when(old.captured_at)}", Style(color="red")))
        heading.append(("  →  ", META))
    heading.append((f"v{new.number} {_when(new.captured_at)}", INSERTED))
    heading.append(("   of " + plural(pair.total, "version"), META))
    heading.append((f"   +{stats.words_added} −{stats.words_removed} words", LABEL))
    b.plain_line(heading)
    window = pair.window
    if window is not None:
        adjacent = old is not None and old.number == new.number - 1
        what = "changed" if adjacent else f"v{new.number - 1} → v{new.number} changed"
        b.plain_line(
            [
                (f"{what} between ", META),
                (_when(window.last_old) if window.last_old else "(no earlier check)", LABEL),
                (f" (last check that saw v{new.number - 1}) and ", META),
                (_when(window.first_new), LABEL),
                (f" (first that saw v{new.number})", META),
            ]
        )
    else:
        b.plain_line([("first version, captured ", META), (_when(new.captured_at), LABEL)])
    source: list[Span] = [(pair.outlet or "", LABEL), ("  " if pair.outlet else "", None)]
    b.plain_line([*source, (pair.url, META)])


def _short_heading(pair: VersionPair, diff: DocumentDiff) -> list[Span]:
    """The heading on one line, for a short pane: the versions, the words changed, the outlet
    and the capture time (the window and the URL are left out)."""
    new = pair.new
    old = pair.old
    stats = diff.stats
    spans: list[Span] = []
    if old is not None:
        spans += [(f"v{old.number}", Style(color="red")), (" → ", META)]
    spans += [
        (f"v{new.number}", INSERTED),
        (f" of {pair.total}", META),
        (f"  +{stats.words_added} −{stats.words_removed} words", LABEL),
        (f"  {_when(new.captured_at)}", META),
    ]
    if pair.outlet:
        spans += [("  ", None), (pair.outlet, LABEL)]
    return spans


def _lay_out_entry(b: _Builder, item: ParagraphDiff) -> None:
    changed = item.kind != "unchanged"
    left_label, right_label = _paragraph_labels(item)
    if b.options.inline:
        spans = inline_spans(item.ops)
        if item.kind == "moved":
            spans = [*clean_spans(_moved_note(item)[1]), (" ", None), *spans]
        b.block(None, spans, "", right_label, changed)
    else:
        left = old_spans(item.ops)
        right = new_spans(item.ops)
        if item.kind == "moved":
            note_l, note_r = _moved_note(item)
            left = [*clean_spans(note_l), (" ", None), *left]
            right = [*clean_spans(note_r), (" ", None), *right]
        b.block(left, right, left_label, right_label, changed)
    b.blank()


def message_layout(lines: Sequence[str], width: int, compact: bool = False) -> DiffLayout:
    """A pane showing a message instead of a diff."""
    b = _Builder(LayoutOptions(width=width, compact=compact))
    for line in lines:
        if line:
            b.plain_line([(line, META)])
        else:
            b.layout.add([], "")
    return b.layout
