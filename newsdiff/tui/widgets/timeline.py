"""The timeline pane: a story's events (date, title, articles covering it), or, with no story,
every tracked article grouped by outlet and day."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from newsdiff.tui.messages import GroupSelected
from newsdiff.tui.safe import cell, safe_text
from newsdiff.tui.widgets.table import Column, PaneTable

if TYPE_CHECKING:  # the row types: imported by the first worker, after the first frame
    from newsdiff.timeline.items import GroupKey, TimelineItem


class TimelinePane(PaneTable["TimelineItem"]):
    """Events in date order; the selected one drives the coverage pane."""

    PANE = "timeline"

    DEFAULT_CSS = """
    TimelinePane { height: 1fr; }
    """

    events = True

    def on_mount(self) -> None:
        self.border_title = "Timeline"
        self.set_columns()

    def column_specs(self) -> Sequence[Column]:
        return (
            Column("date", "Date"),
            Column("count", "Art.", optional=True),
            Column("title", "Event" if self.events else "Outlet", minimum=6),
        )

    def key_of(self, item: TimelineItem) -> Hashable:
        return item.key

    def announce(self, item: TimelineItem | None) -> None:
        self.post_message(GroupSelected(item))

    def show(self, items: Sequence[TimelineItem], *, events: bool, select: GroupKey | None) -> None:
        """Show ``items`` (events, or outlet days) and select ``select`` or the first row with
        coverage."""
        self.events = events
        self.set_columns()
        self.border_title = "Timeline" if events else "Articles by day and outlet"
        index = 0
        if select is not None:
            found = next((i for i, it in enumerate(items) if it.key == select), None)
            index = found if found is not None else 0
        elif events:
            index = next((i for i, it in enumerate(items) if it.count), 0)
        self.fill(items, [self._row(it) for it in items], select=index)

    @staticmethod
    def _row(item: TimelineItem) -> list[Text]:
        return [
            cell(item.when, "dim"),
            cell(str(item.count), "" if item.count else "dim"),
            safe_text(item.title),
        ]

    def select_key(self, key: GroupKey) -> bool:
        """Move the cursor to the row of ``key``. False when it is not shown."""
        index = self.index_of(key)
        if index is None:
            return False
        self.move_cursor(row=index, animate=False)
        self._announce_row(index)
        return True

    def adjust_count(self, key: GroupKey, delta: int) -> None:
        """Change the number of articles shown for ``key`` (after a manual link or unlink)."""
        index = self.index_of(key)
        if index is None:
            return
        from newsdiff.timeline.items import TimelineItem

        old = self.items[index]
        item = TimelineItem(old.key, old.when, old.title, max(0, old.count + delta), old.kind)
        self.items[index] = item
        self.set_cell(index, 1, self._row(item)[1])
