"""The diff pane: two versions side by side (old left, new right) or inline, on the Line API.

One ScrollView renders both columns of each line, so the two sides scroll together by
construction. Loading the versions, diffing them, typing their edits (when not stored) and
wrapping the result into Strips all happen in a thread worker; ``render_line`` only picks
pre-computed Strips, so a 2,000-paragraph article scrolls as fast as a short one.

``n``/``p`` step through the changed paragraphs, or, once ``e`` has chosen a kind, through the
edits of that kind (every edit, or quotes only, numbers only...), the edit's own words
highlighted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.worker import get_current_worker

from newsdiff.store.lazy import Store
from newsdiff.text import plural
from newsdiff.tui.diff_layout import (
    DiffLayout,
    LayoutCache,
    LayoutOptions,
    layout_diff,
    message_layout,
)
from newsdiff.tui.edit_text import summary
from newsdiff.tui.jobs import deliver
from newsdiff.tui.messages import DiffComputed, Failed
from newsdiff.tui.selection import selected_span, selected_text, selection_side

if TYPE_CHECKING:  # the diff engine, and the row types, load in workers after the first frame
    from newsdiff.diff import DocumentDiff
    from newsdiff.timeline.items import EditItem, VersionPair

MARGIN = 2  # lines kept above a change or a match when jumping to it
EARLY_ENTRIES = 60  # paragraphs laid out first for a long article, to show it at once
SYNC_MAX_ENTRIES = 5000  # a relayout from laid-out entries only runs at once up to this size
COMPACT_BELOW = 20  # a pane showing fewer lines than this has its heading on one line
EVERY_EDIT = "*"  # the kind filter that steps through every edit

WELCOME = [
    "Select an article to see how it changed.",
    "",
    "j/k move, tab changes pane, enter opens, ? shows every key.",
]


@dataclass(frozen=True)
class _Request:
    article_id: int
    old: int | None
    new: int


@dataclass(frozen=True)
class DiffResult:
    """A pair of versions diffed and laid out for ``request`` (:class:`DiffComputed`)."""

    request: _Request
    pair: VersionPair
    diff: DocumentDiff
    layout: DiffLayout
    cache: LayoutCache  # the diff's laid-out entries, for its next layout


def compute_diff(pair: VersionPair) -> DocumentDiff:
    """The diff of a version pair (the first version against nothing)."""
    from newsdiff.diff import Document, compare  # in a worker: not before the first frame

    old = pair.old.document() if pair.old else Document("", ())
    return compare(old, pair.new.document())


class DiffView(ScrollView, can_focus=True):
    """The diff of the selected pair of versions."""

    ALLOW_SELECT = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {"diff-view--current", "diff-view--edit"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="down"),
        Binding("k", "scroll_up", "Up", show=False, id="up"),
        Binding(
            "space",
            "page_down",
            "Page down",
            show=False,
            id="page_down",
            tooltip="page down in the diff (from any pane)",
        ),
        Binding("g", "scroll_home", "Top", show=False, id="first"),
        Binding("G", "scroll_end", "Bottom", show=False, id="last"),
    ]

    DEFAULT_CSS = """
    DiffView {
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    DiffView > .diff-view--current {
        background: $accent 25%;
    }
    DiffView > .diff-view--edit {
        background: $warning 45%;
        text-style: underline;
    }
    """

    def __init__(self, database: Store, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.database = database
        self.token = 0
        self.pending = False  # a diff is being loaded or laid out (tests wait on it)
        self.inline = False
        self.fold = False
        self.find_query = ""
        self.request: _Request | None = None
        self.pair: VersionPair | None = None
        self.diff: DocumentDiff | None = None
        self._cache = LayoutCache()  # the shown diff's laid-out entries
        self.laid = message_layout(WELCOME, 80)
        self._message: list[str] = WELCOME
        self._change = -1  # index in layout.changes of the last change jumped to
        self._jumped_to: int | None = None  # scroll_y set by that jump
        self._match = -1
        self._pending_find = False
        self._line_cache: dict[int, Strip] = {}
        self._base_style: Style | None = None  # rich_style walks the DOM: once per style change
        self._current_style: Style | None = None  # the change stepped to with n/p
        self._edit_style: Style | None = None  # the words of the edit stepped to
        self.kind_filter: str | None = None  # n/p: None every change, "*" every edit, a kind
        self._edit = -1  # index in self._edit_targets() of the last edit jumped to

    # -- what to show -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.border_title = "Diff"
        self._set_layout(message_layout(self._message, self._width(), self._compact()))

    def _width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else 100

    def _compact(self) -> bool:
        height = self.scrollable_content_region.height
        return 0 < height < COMPACT_BELOW

    def _edit_rows(self) -> int:
        """Lines for the list of edits under the heading: more in a taller pane (a short one
        sums them up on one line instead)."""
        height = self.scrollable_content_region.height
        if height <= 0:
            return 4
        return 0 if height < COMPACT_BELOW else max(2, min(12, (height - 14) // 2))

    def _options(self) -> LayoutOptions:
        return LayoutOptions(
            width=self._width(),
            inline=self.inline,
            fold=self.fold,
            query=self.find_query,
            compact=self._compact(),
            edit_rows=self._edit_rows(),
        )

    def show_message(self, lines: Sequence[str]) -> None:
        """Show a message instead of a diff (no article, no version...)."""
        self.token += 1
        self.pending = False
        self.request = None
        self.pair = None
        self.diff = None
        self._message = list(lines)
        self._set_layout(message_layout(self._message, self._width(), self._compact()))
        self.border_subtitle = None

    def show_pair(self, article_id: int, old: int | None, new: int) -> None:
        """Compare versions ``old`` (None: nothing) and ``new`` of an article."""
        request = _Request(article_id, old, new)
        if request == self.request and self.pair is not None:
            return
        self.request = request
        self.token += 1
        self.pending = True
        self.border_subtitle = "loading…"
        # start after the next frame, so the key that asked for it shows at once
        self.call_after_refresh(self._compute, self.token, request, None, self._options(), True)

    def relayout(self, *, keep: bool = True) -> None:
        """Lay the current diff out again (new width, inline, folding or find)."""
        if self.request is None or self.pair is None or self.diff is None:
            self._set_layout(message_layout(self._message, self._width(), self._compact()))
            return
        self.token += 1
        self.pending = True
        pair = self.pair
        shown = _Request(pair.article_id, pair.old.number if pair.old else None, pair.new.number)
        # while another pair is still loading, load that one with the new options instead
        cached = (pair, self.diff, self._cache) if shown == self.request else None
        top = not keep or cached is None
        options = self._options()
        if (
            cached is not None
            and pair.edits is not None
            and len(self.diff.paragraphs) <= SYNC_MAX_ENTRIES
            and self._cache.to_lay_out(self.diff, options) == 0
        ):
            # every entry shown was wrapped before (in a worker) with these options: putting
            # them together takes a few ms, so at once, and the very next frame shows it (a
            # worker would cost a frame or two more); anything to wrap goes to a worker
            laid = layout_diff(pair, self.diff, options, cache=self._cache)
            self._apply(DiffResult(self.request, pair, self.diff, laid, self._cache), top)
            return
        self.border_subtitle = "laying out…" if cached else "loading…"
        self.call_after_refresh(self._compute, self.token, self.request, cached, options, top)

    @work(thread=True, exclusive=True, group="diff")
    def _compute(
        self,
        token: int,
        request: _Request,
        cached: tuple[VersionPair, DocumentDiff, LayoutCache] | None,
        options: LayoutOptions,
        top: bool,
    ) -> None:
        def job() -> DiffComputed:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            if cached is None:
                with self.database.read() as session:
                    pair = browse.load_pair(session, request.article_id, request.old, request.new)
                diff = compute_diff(pair)
                cache = LayoutCache()
            else:
                pair, diff, cache = cached
            if cached is None and len(diff.paragraphs) > EARLY_ENTRIES * 2:
                # A long article: show its first screens now (its edits, when not stored, are
                # said to be on their way), the rest when laid out and its edits typed.
                early = layout_diff(pair, diff, options, limit=EARLY_ENTRIES, cache=cache)
                if not get_current_worker().is_cancelled:
                    result = DiffResult(request, pair, diff, early, cache)
                    self.post_message(DiffComputed(token, result, top))
                pair = browse.with_edits(pair)
                laid = layout_diff(pair, diff, options, cache=cache)
                return DiffComputed(token, DiffResult(request, pair, diff, laid, cache), False)
            pair = browse.with_edits(pair)  # typed now when not stored for this pair
            laid = layout_diff(pair, diff, options, cache=cache)
            return DiffComputed(token, DiffResult(request, pair, diff, laid, cache), top)

        deliver(self, token, job)

    def on_diff_computed(self, message: DiffComputed) -> None:
        message.stop()
        if message.token != self.token:
            return
        self._apply(message.result, message.top)

    def _apply(self, result: DiffResult, top: bool) -> None:
        """Show a laid-out diff: from the top, or back at the change the reader was at."""
        self.pending = not result.layout.complete
        completes = not self.laid.complete and result.diff is self.diff
        self.pair = result.pair
        self.diff = result.diff
        self._cache = result.cache
        if completes:  # the rest of a long article: keep the reader's place
            change, jumped, match, edit = self._change, self._jumped_to, self._match, self._edit
            # the same lines after the heading, which grew by the list of edits typed meanwhile
            grown = result.layout.head_line - self.laid.head_line
            self._set_layout(result.layout)
            self._change, self._jumped_to, self._match, self._edit = change, jumped, match, edit
            if grown and round(self.scroll_y) > 0:
                self.scroll_to(y=self.scroll_y + grown, animate=False, immediate=True)
                if jumped is not None:
                    self._jumped_to = jumped + grown
        else:
            anchor = self._anchor()
            self._set_layout(result.layout)
            if top:
                self.scroll_to(y=0, animate=False, immediate=True)
            elif anchor is not None and anchor < len(self.laid.changes):
                self._scroll_line(self.laid.changes[anchor])
        if self._pending_find and self.laid.complete:
            self._pending_find = False
            self.next_match(from_top=True)
        self._update_status()

    def on_failed(self, message: Failed) -> None:
        message.stop()
        if message.token == self.token:
            self.pending = False
            self.border_subtitle = None
            self.notify(str(message.error), severity="error", markup=False)

    def _anchor(self) -> int | None:
        """The change the reader is at, to come back to after a relayout."""
        if not self.laid.changes:
            return None
        top = round(self.scroll_y) + MARGIN
        before = [i for i, line in enumerate(self.laid.changes) if line <= top]
        return before[-1] if before else None

    def _set_layout(self, layout: DiffLayout) -> None:
        self.laid = layout
        self._line_cache.clear()
        self._change = -1
        self._edit = -1
        self._jumped_to = None
        self._match = -1
        self.virtual_size = Size(layout.width, len(layout))
        self.refresh()

    def _update_status(self) -> None:
        if self.pair is None or self.diff is None:
            self.border_subtitle = None
            return
        parts = []
        changes = len(self.laid.changes)
        if self.kind_filter is not None:
            parts.append(self._edit_status())
        elif changes:
            at = f"{self._change + 1}/{changes}" if self._change >= 0 else f"{changes}"
            parts.append(f"change {at}" if self._change >= 0 else plural(changes, "change"))
        else:
            parts.append("no change")
        parts.append("inline" if self.inline else "side by side")
        if not self.laid.complete:
            parts.append("laying out…")
        if self.laid.folded:
            parts.append(f"{self.laid.folded} ¶ folded")
        if self.find_query:
            parts.append(f"{self.laid.match_count} matches for “{self.find_query}”")
        self.border_subtitle = Content(" · ".join(parts))

    def on_resize(self, event: Resize) -> None:
        laid = self.laid
        if (
            self._width() != laid.width
            or self._compact() != laid.compact
            or (self.pair is not None and self._edit_rows() != laid.edit_rows)
        ):
            self.relayout()

    # -- moving around ------------------------------------------------------------------------

    def _scroll_line(self, line: int) -> None:
        target = max(0, line - MARGIN)
        self.scroll_to(y=target, animate=False, immediate=True)
        self._jumped_to = round(self.scroll_y)

    def _step(self, lines: list[int], current: int, delta: int) -> int | None:
        """The index in ``lines`` of the next (delta 1) or previous (-1) target: from the last
        jump when the reader has not scrolled since, otherwise from the top of the pane."""
        if not lines:
            return None
        if current >= 0 and self._jumped_to == round(self.scroll_y):
            index = current + delta
        else:
            top = round(self.scroll_y) + MARGIN
            if delta > 0:
                index = next((i for i, line in enumerate(lines) if line > top), len(lines))
            else:
                index = max((i for i, line in enumerate(lines) if line < top), default=-1)
        return index if 0 <= index < len(lines) else None

    def next_change(self, delta: int = 1) -> bool:
        """Jump to the next (or, with ``delta=-1``, previous) change, or edit of the kind
        chosen with :meth:`cycle_kind`. False when none."""
        if self.kind_filter is not None:
            return self._next_edit(delta)
        index = self._step(self.laid.changes, self._change, delta)
        if index is None:
            return False
        self._change = index
        self._scroll_line(self.laid.changes[index])
        self._update_status()
        self._line_cache.clear()  # the change stepped to is highlighted
        self.refresh()
        return True

    # -- stepping through edits of one kind ----------------------------------------------------

    @property
    def edits(self) -> tuple[EditItem, ...]:
        """The edits of the pair shown."""
        if self.pair is None or self.pair.edits is None:
            return ()
        return self.pair.edits.edits

    def kinds(self) -> list[str | None]:
        """What ``e`` cycles through: every change (None), every edit, then each kind of edit
        in the pair shown, and the kind chosen before when this pair has none of it."""
        kinds = list(self.pair.edits.kinds) if self.pair and self.pair.edits else []
        out: list[str | None] = [None, EVERY_EDIT, *kinds]
        if self.kind_filter not in out:
            out.append(self.kind_filter)
        return out

    def cycle_kind(self, delta: int = 1) -> str | None:
        """Choose what ``n``/``p`` step through next (``delta`` -1: the one before); returns
        it. The choice stays for the next pairs."""
        kinds = self.kinds()
        self.kind_filter = kinds[(kinds.index(self.kind_filter) + delta) % len(kinds)]
        self._edit = -1
        self._change = -1
        self._line_cache.clear()
        self.refresh()
        self._update_status()
        return self.kind_filter

    def _edit_targets(self) -> list[int]:
        """The edits ``n``/``p`` step through (indexes in :attr:`edits`), in the order their
        words stand in the laid-out diff; those not shown (folded) are left out."""
        marks = self.laid.edit_marks
        targets = [
            i
            for i, edit in enumerate(self.edits)
            if i < len(marks) and marks[i] and self.kind_filter in (EVERY_EDIT, edit.kind)
        ]
        return sorted(targets, key=lambda i: marks[i][0][:2])

    def _next_edit(self, delta: int) -> bool:
        targets = self._edit_targets()
        lines = [self.laid.edit_marks[i][0][0] for i in targets]
        index = self._step(lines, self._edit, delta)
        if index is None:
            return False
        self._edit = index
        self._scroll_line(lines[index])
        self._update_status()
        self._line_cache.clear()
        self.refresh()
        return True

    @property
    def current_edit(self) -> EditItem | None:
        """The edit last stepped to with ``n``/``p`` (None: none, or stepping by change)."""
        index = self._current_edit_index()
        return self.edits[index] if index is not None else None

    def _current_edit_index(self) -> int | None:
        if self.kind_filter is None or self._edit < 0:
            return None
        targets = self._edit_targets()
        return targets[self._edit] if self._edit < len(targets) else None

    def _edit_status(self) -> str:
        label = "edit" if self.kind_filter == EVERY_EDIT else str(self.kind_filter)
        count = len(self._edit_targets())
        edit = self.current_edit
        if edit is None:
            return f"n/p: {plural(count, label + ' edit')}" if count else f"no {label} edit"
        every = self.kind_filter == EVERY_EDIT
        return f"{label} {self._edit + 1}/{count}: {summary(edit, kind=every)}"

    def find(self, query: str) -> None:
        """Highlight ``query`` in the diff and jump to its next occurrence."""
        if query == self.find_query and query:
            if not self.next_match():
                self.notify(f"no more matches for “{query}”", markup=False)
            return
        self.find_query = query
        self._pending_find = bool(query)
        self.relayout()

    def next_match(self, *, from_top: bool = False) -> bool:
        matches = self.laid.matches
        if not matches:
            if self.find_query:
                self.notify(f"“{self.find_query}” is not in this diff", markup=False)
            return False
        if from_top:
            top = round(self.scroll_y) + MARGIN
            index = next((i for i, line in enumerate(matches) if line >= top), 0)
        else:
            step = self._step(matches, self._match, 1)
            if step is None:
                return False
            index = step
        self._match = index
        self._scroll_line(matches[index])
        return True

    def toggle_inline(self) -> None:
        self.inline = not self.inline
        self.relayout()

    def toggle_fold(self) -> None:
        self.fold = not self.fold
        self.relayout()

    # -- rendering ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if not 0 <= line < len(self.laid):
            return Strip.blank(width, base)
        selection = self.text_selection
        strip = self._line_cache.get(line) if selection is None else None
        if strip is None:
            strip = self.laid.strip(line)
            if self._is_current(line):  # under the line's own styles, over the pane's
                strip = strip.apply_style(self._current())
            for start, end in self._edit_cells(line):
                strip = self._mark(strip, start, end)
            strip = strip.apply_style(base)
            if selection is not None:
                strip = self._select(strip, selection, line)
            else:
                if len(self._line_cache) > 2048:
                    self._line_cache.clear()
                self._line_cache[line] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, line)

    def _is_current(self, line: int) -> bool:
        """Whether ``line`` belongs to the change last stepped to (n/p)."""
        index = self._change
        laid = self.laid
        if not 0 <= index < len(laid.change_ends):
            return False
        return laid.changes[index] <= line < laid.change_ends[index]

    def _edit_cells(self, line: int) -> list[tuple[int, int]]:
        """The cells of ``line`` holding the words of the edit stepped to (its whole line in
        the list of edits)."""
        index = self._current_edit_index()
        if index is None:
            return []
        out = [(a, b) for y, a, b in self.laid.edit_marks[index] if y == line]
        if self.laid.edit_header.get(index) == line:
            out.append((0, -1))
        return out

    def _mark(self, strip: Strip, start: int, end: int) -> Strip:
        if self._edit_style is None:
            self._edit_style = self.get_component_rich_style("diff-view--edit")
        end = strip.cell_length if end == -1 else min(end, strip.cell_length)
        if start >= end:
            return strip
        middle = strip.crop(start, end)
        marked = Strip(
            Segment.apply_style(list(middle), post_style=self._edit_style), middle.cell_length
        )
        return Strip.join([strip.crop(0, start), marked, strip.crop(end)])

    def _current(self) -> Style:
        if self._current_style is None:
            self._current_style = self.get_component_rich_style("diff-view--current")
        return self._current_style

    def _select(self, strip: Strip, selection: Selection, line: int) -> Strip:
        span = selected_span(self.laid, selection, line, selection_side(self.laid, selection))
        if span is None:
            return strip
        start, end = span
        if end == -1:
            end = strip.cell_length
        style: Style = self.screen.get_component_rich_style("screen--selection")
        middle = strip.crop(start, end)
        selected = Strip(Segment.apply_style(list(middle), post_style=style), middle.cell_length)
        return Strip.join([strip.crop(0, start), selected, strip.crop(end)])

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selected_text(self.laid, selection), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._line_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._current_style = None
        self._edit_style = None
        self._line_cache.clear()

    @property
    def plain_text(self) -> str:
        """The whole laid-out diff as plain text (for tests and copying)."""
        return "\n".join(self.laid.texts)
