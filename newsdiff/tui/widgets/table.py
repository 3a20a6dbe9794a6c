"""A pane that is a table of rows (timeline, coverage, versions): the shared behaviour.

Its columns are sized by what they hold (:mod:`newsdiff.tui.widths`): the widest cell of each
column is measured when the rows are filled, the pane tells the screen what width it would like
(:meth:`PaneTable.demand`), and fits its columns to the width it is given, text cut with "…".
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.events import Resize
from textual.widgets import DataTable

from newsdiff.store.lazy import Store
from newsdiff.tui.messages import Failed, Measured, Opened
from newsdiff.tui.widths import ColumnFit, PaneDemand, column_demand, fit_columns
from newsdiff.tui.wrap import cells

T = TypeVar("T")
CHUNK = 150  # rows added per frame when filling a long list
CHROME = 4  # a pane's border (2), its left padding (1) and its vertical scrollbar (1)
GAP = 1  # blank cells after each column


class Gapped:
    """A cell whose last ``GAP`` cells stay blank: the space before the next column (the table
    has no cell padding), kept even when the text is cut with "…". A column 0 cells wide
    cannot be drawn (Textual's monochrome filter fails on it), so a hidden one is ``GAP`` wide
    and shows nothing."""

    __slots__ = ("text",)

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width - GAP
        if width > 0:
            yield from console.render(self.text, options.update_width(width))


@dataclass(frozen=True)
class Column:
    """A column of a pane: ``minimum`` None never gets narrower than its widest cell (dates,
    numbers); an ``optional`` one is hidden when the pane is narrow."""

    key: str
    label: str
    minimum: int | None = None
    optional: bool = False


class PaneTable(DataTable[Any], Generic[T]):
    """A row-cursor table holding one item per row.

    It remembers the item last announced, so moving the cursor onto the same item twice (or the
    table re-announcing its cursor) does not start the same work again.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j",
            "cursor_down",
            "Down",
            show=False,
            id="down",
            tooltip="down (row, or line in the diff)",
        ),
        Binding(
            "k", "cursor_up", "Up", show=False, id="up", tooltip="up (row, or line in the diff)"
        ),
        Binding(
            "enter",
            "select_cursor",
            "Open",
            show=False,
            id="open",
            tooltip="open: move on to the next pane",
        ),
        Binding(
            "home,g",
            "scroll_top",
            "First",
            show=False,
            id="first",
            tooltip="first row, or top of the diff",
        ),
        Binding(
            "end,G",
            "scroll_bottom",
            "Last",
            show=False,
            id="last",
            tooltip="last row, or end of the diff",
        ),
    ]

    PANE = "pane"
    STRETCH = 1  # its share of the top row's slack (0: never wider than it needs)

    DEFAULT_CSS = """
    PaneTable { scrollbar-size-vertical: 1; padding-left: 1; }
    """

    def __init__(self, database: Store, *, id: str | None = None) -> None:
        # no cell padding: one cell between columns instead of two (see fit_columns), which
        # matters at 80 columns
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cell_padding=0)
        self.database = database
        self.items: list[T] = []
        self.token = 0
        self.pending = False  # a load is under way (tests and benchmarks wait on it)
        self._fill_token = 0
        self._announced: Hashable | None = None
        self._naturals: list[int] = []  # the widest cell (or shown label) of each column
        self._cells: list[int] = []  # the widest cell of each column
        self._widths: list[int] = []  # the widths the columns were given

    # Subclasses say what their columns are, what identifies an item and what to announce.
    def column_specs(self) -> Sequence[Column]:
        raise NotImplementedError

    def key_of(self, item: T) -> Hashable:
        raise NotImplementedError

    def announce(self, item: T | None) -> None:
        raise NotImplementedError

    def set_columns(self) -> None:
        """(Re)create the columns from :meth:`column_specs`, sized by their labels."""
        self.clear(columns=True)
        specs = self.column_specs()
        for spec in specs:
            label = Text(spec.label, no_wrap=True, overflow="ellipsis")
            self.add_column(label, key=spec.key, width=cells(spec.label))
        self._cells = [0] * len(specs)
        self._naturals = self._labels()
        self._widths = []

    def _labels(self) -> list[int]:
        """The width of each column's label: nothing when the labels are hidden (a short
        terminal), so a column as narrow as what it holds is not widened by its label."""
        return [cells(spec.label) if self.show_header else 0 for spec in self.column_specs()]

    def _fits(self) -> list[ColumnFit]:
        fits = []
        for spec, natural in zip(self.column_specs(), self._naturals, strict=True):
            least = natural if spec.minimum is None else min(spec.minimum, natural)
            fits.append(ColumnFit(natural, least, spec.optional))
        return fits

    def demand(self) -> PaneDemand:
        """The width this pane would like, and the least it can do with."""
        natural, minimum = column_demand(self._fits(), GAP)
        return PaneDemand(natural + CHROME, minimum + CHROME, self.STRETCH)

    def measure(self, rows: Sequence[Sequence[Text]]) -> None:
        """Take the widest cell of each column from ``rows`` and tell the screen."""
        widest = [0] * len(self.column_specs())
        for row in rows:
            for i, cell in enumerate(row):
                width = cells(cell.plain)
                if width > widest[i]:
                    widest[i] = width
        self._cells = widest
        self._remeasure()

    def _remeasure(self) -> None:
        # a column with nothing in it (no version with edits yet) takes no room for its label
        naturals = [
            max(label, widest) if widest else 0
            for label, widest in zip(self._labels(), self._cells, strict=True)
        ]
        if naturals != self._naturals:
            self._naturals = naturals
            self.post_message(Measured())
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give the columns the width the pane has now."""
        width = self.scrollable_content_region.width
        if width <= 0 or not self._naturals:
            return
        content = fit_columns(width, self._fits(), GAP)
        widths = [w + GAP for w in content]  # the gap after each column: see Gapped
        if widths == self._widths:
            return
        self._widths = widths
        for column, spec, w, c in zip(
            self.ordered_columns, self.column_specs(), widths, content, strict=True
        ):
            column.auto_width = False
            column.width = w
            column.label = Text(spec.label if c else "", no_wrap=True)
            column.label.truncate(c, overflow="ellipsis")
        # DataTable has no public call to resize its columns: these are the steps its own
        # add_column and update_cell take (Textual is pinned exactly, see pyproject.toml).
        self._clear_caches()
        self._update_count += 1
        self._require_update_dimensions = True
        self.refresh(layout=True)

    def on_resize(self, event: Resize) -> None:
        self.fit_columns()

    def watch_show_header(self, show: bool) -> None:
        super().watch_show_header(show)
        if getattr(self, "_cells", None):  # the labels count again, or no longer
            self._remeasure()

    def next_token(self) -> int:
        self.token += 1
        return self.token

    def fill(self, items: Sequence[T], rows: Sequence[Sequence[Text]], select: int = 0) -> None:
        """Replace the rows, put the cursor on row ``select`` and announce that item.

        Long lists are added in chunks between frames (a DataTable measures every cell it
        adds), so thousands of rows never freeze the screen."""
        self.items = list(items)
        self._fill_token += 1
        self.clear()
        self.measure(rows)
        first = max(CHUNK, select + CHUNK // 2)
        self._add(rows[:first])
        if len(rows) > first:
            self.call_after_refresh(self._add_more, self._fill_token, rows, first)
        self._announced = None
        if self.items:
            select = max(0, min(select, len(self.items) - 1))
            self.move_cursor(row=select, animate=False)
            self._announce_row(select)
        else:
            self.announce(None)

    def _add_more(self, token: int, rows: Sequence[Sequence[Text]], start: int) -> None:
        if token != self._fill_token:  # filled again meanwhile
            return
        end = start + CHUNK
        self._add(rows[start:end])
        if end < len(rows):
            self.call_after_refresh(self._add_more, token, rows, end)

    def _add(self, rows: Sequence[Sequence[Text]]) -> None:
        self.add_rows([list(map(Gapped, row)) for row in rows])

    def set_cell(self, row: int, column: int, text: Text) -> None:
        """Show ``text`` in a cell (the widths stay as they are)."""
        self.update_cell_at(Coordinate(row, column), Gapped(text))

    def index_of(self, key: Hashable) -> int | None:
        for i, item in enumerate(self.items):
            if self.key_of(item) == key:
                return i
        return None

    @property
    def current(self) -> T | None:
        row = self.cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def _announce_row(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        key = self.key_of(item)
        if key != self._announced:
            self._announced = key
            self.announce(item)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.cursor_row == self.cursor_row:  # else stale (e.g. from the clear() of a fill)
            self._announce_row(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._announce_row(event.cursor_row)
        self.post_message(Opened(self.PANE))

    def on_failed(self, message: Failed) -> None:
        if message.token == self.token:
            self.pending = False
            self.notify(str(message.error), severity="error", markup=False)
