"""A pane that is a table of rows (timeline, coverage, versions): the shared behaviour."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from newsdiff.store.lazy import Store
from newsdiff.tui.messages import Failed, Opened

T = TypeVar("T")
CHUNK = 150  # rows added per frame when filling a long list


class PaneTable(DataTable[Any], Generic[T]):
    """A row-cursor table holding one item per row.

    It remembers the item last announced, so moving the cursor onto the same item twice (or the
    table re-announcing its cursor) does not start the same work again.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("enter", "select_cursor", "Open", show=False, id="open"),
        Binding("home,g", "scroll_top", "First", show=False, id="first"),
        Binding("end,G", "scroll_bottom", "Last", show=False, id="last"),
    ]

    PANE = "pane"

    def __init__(self, database: Store, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.database = database
        self.items: list[T] = []
        self.token = 0
        self.pending = False  # a load is under way (tests and benchmarks wait on it)
        self._fill_token = 0
        self._announced: Hashable | None = None

    # Subclasses say what identifies an item and what to announce.
    def key_of(self, item: T) -> Hashable:
        raise NotImplementedError

    def announce(self, item: T | None) -> None:
        raise NotImplementedError

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
        first = max(CHUNK, select + CHUNK // 2)
        self.add_rows(rows[:first])
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
        self.add_rows(rows[start:end])
        if end < len(rows):
            self.call_after_refresh(self._add_more, token, rows, end)

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
