"""The versions pane: the versions of the selected article (number, capture time, the kinds of
its edits as badges, words added and removed, a mark when the headline changed). The selected
version is compared with the one before it. Trivial versions (spelling, punctuation only) can
be hidden (``t``)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import work

from newsdiff.store.lazy import Store
from newsdiff.text import plural
from newsdiff.tui.jobs import deliver
from newsdiff.tui.messages import PairSelected, VersionsLoaded
from newsdiff.tui.safe import cell, safe_text, when
from newsdiff.tui.widgets.table import Column, PaneTable

if TYPE_CHECKING:  # the row types: imported by the first worker, after the first frame
    from newsdiff.timeline.items import VersionItem

FACTUAL = Style(color="yellow", bold=True)  # number, quote, source: the edits people look for
BADGE_STYLES = {
    "N": FACTUAL,
    "Q": FACTUAL,
    "S": FACTUAL,
    "!": Style(color="green", bold=True),
    "t": Style(dim=True),
    "?": Style(dim=True),
}
SILENT = Style(color="red", bold=True)


def badge_text(item: VersionItem) -> Text:
    """The kinds of a version's edits, one letter each, ``*`` when one of them is silent (no
    correction notice owns up to it); "?" not analysed yet. The letters come from the
    database (unknown kinds show their first letter): shown literally."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for letter in item.badges:
        text.append_text(safe_text(letter, BADGE_STYLES.get(letter, "")))
    if item.silent:
        text.append("*", style=SILENT)
    return text


class VersionsPane(PaneTable["VersionItem"]):
    PANE = "versions"
    STRETCH = 0  # numbers and times: no wider than they need

    DEFAULT_CSS = """
    VersionsPane { height: 1fr; }
    """

    article_id: int | None = None

    def __init__(self, database: Store, *, id: str | None = None) -> None:
        super().__init__(database, id=id)
        self.all_items: list[VersionItem] = []  # every version, trivial ones included
        self.hide_trivial = False
        self._year: int | None = None

    def on_mount(self) -> None:
        self.border_title = "Versions"
        self.set_columns()

    def column_specs(self) -> Sequence[Column]:
        return (
            Column("number", "v"),
            Column("captured", "Captured"),
            Column("edits", "Edits", minimum=3),
            Column("change", "Words, H", optional=True),
        )

    def key_of(self, item: VersionItem) -> Hashable:
        return item.number

    def announce(self, item: VersionItem | None) -> None:
        if self.article_id is None:
            return
        if item is None:
            self.post_message(PairSelected(self.article_id, None, None))
            return
        old = item.number - 1 if item.number > 1 else None
        self.post_message(PairSelected(self.article_id, old, item.number))

    def load(self, article_id: int | None, *, select: int | None = None) -> None:
        """Load the versions of ``article_id`` and select ``select`` (default: the latest)."""
        self.article_id = article_id
        token = self.next_token()
        if article_id is None:
            self.pending = False
            self.border_subtitle = ""
            self.all_items = []
            self.fill([], [])
            return
        self.pending = True
        self.border_subtitle = "loading…"
        self._fetch(token, article_id, select)

    @work(thread=True, exclusive=True, group="versions")
    def _fetch(self, token: int, article_id: int, select: int | None) -> None:
        def job() -> VersionsLoaded:
            from newsdiff.timeline import browse  # SQLAlchemy: loaded in a worker

            with self.database.read() as session:
                return VersionsLoaded(token, browse.article_versions(session, article_id), select)

        deliver(self, token, job)

    def on_versions_loaded(self, message: VersionsLoaded) -> None:
        if message.token != self.token:
            return
        self.pending = False
        items = self.all_items = message.items
        # within one year, the year goes to the border and the rows keep month, day and time
        years = {it.captured_at.year for it in items}
        self._year = years.pop() if len(years) == 1 else None
        self._show(message.select)

    def _show(self, select: int | None) -> None:
        """Fill the rows from :attr:`all_items` (without the trivial versions when hidden) and
        select version ``select``: when it is hidden, the nearest newer version shown (else the
        nearest older); None, the latest."""
        everything = self.all_items
        items = [it for it in everything if not (self.hide_trivial and it.trivial)]
        count = plural(len(everything), "version")
        if self.hide_trivial:  # the state first: a narrow pane cuts the subtitle's end
            count = f"trivial hidden · {len(items)}/{count}"
        self.border_subtitle = count + (f" · {self._year}" if self._year else "")
        index = len(items) - 1
        if select is not None:
            index = next((i for i, it in enumerate(items) if it.number >= select), index)
        short = self._year is not None
        self.fill(items, [self._row(it, short=short) for it in items], select=max(index, 0))

    def toggle_trivial(self) -> bool:
        """Hide the trivial versions, or show them again. Returns whether they are hidden."""
        self.hide_trivial = not self.hide_trivial
        if self.article_id is not None and not self.pending:
            current = self.current
            self._show(current.number if current is not None else None)
        return self.hide_trivial

    @staticmethod
    def _row(item: VersionItem, *, short: bool) -> list[Text]:
        change = Text(no_wrap=True, overflow="ellipsis")
        if item.number > 1:
            change.append(f"+{item.words_added}", style="green")
            change.append(f" −{item.words_removed}", style="red")
        if item.title_changed:
            change.append(" H", style="bold yellow")
        captured = item.captured_at.strftime("%m-%d %H:%M") if short else when(item.captured_at)
        row = [cell(str(item.number)), cell(captured), badge_text(item), change]
        if item.trivial:  # a typo fix: there, but out of the way
            for text in row:
                text.stylize("dim")
        return row

    def step(self, delta: int) -> bool:
        """Select the version ``delta`` rows away (``[`` and ``]``). False at either end."""
        row = self.cursor_row + delta
        if not self.items or not 0 <= row < len(self.items):
            return False
        self.move_cursor(row=row, animate=False)
        self._announce_row(row)
        return True

    def point_at(self, number: int) -> None:
        """Put the cursor on version ``number`` without announcing it (after ``v``)."""
        index = self.index_of(number)
        if index is not None:
            self._announced = number
            self.move_cursor(row=index, animate=False)
