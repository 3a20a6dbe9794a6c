"""The archive search (``f``, or "Search the archive" in the command palette): full-text search
over every stored version (:func:`newsdiff.store.search.search`), hits as a table; enter opens
the article at the matching version, the phrase found highlighted in the diff.

The query is parsed here, at once (pure, no database): a query that cannot be searched is one
line under the input, never a traceback. The search itself runs in a thread worker and comes
back as a typed message (:class:`SearchDone` / :class:`SearchFailed`); a newer search cancels
the older one and a stale answer is dropped by its token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.worker import get_current_worker

from newsdiff.errors import NewsdiffError
from newsdiff.store.lazy import Store
from newsdiff.store.search_query import BadQuery, Query, parse_query
from newsdiff.text import plural, printable
from newsdiff.tui.messages import SearchDone, SearchFailed
from newsdiff.tui.safe import cell, safe_text, when

if TYPE_CHECKING:
    from newsdiff.store.search import SearchHit

MAX_HITS = 200
WITHIN = (
    ("in any version", "any"),
    ("in the latest version", "latest"),
    ("where it was added", "added"),
    ("where it was removed", "removed"),
)
SYNTAX = (
    'words  "exact phrase"  prefix*  a OR b  a NOT b  (grouping) · enter searches, '
    "↓ to the hits, enter opens"
)
MARK = "bold reverse"


@dataclass(frozen=True)
class SearchChoice:
    """A hit to open: compare ``old`` (None: the first version) with ``new`` and find
    ``phrase`` (the matched words as the version has them) in the diff."""

    article_id: int
    old: int | None
    new: int
    phrase: str


def version_numbers(numbers: Sequence[int]) -> str:
    """``(1, 2, 3, 5)`` as ``1-3,5``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)


def marked(text: str, marks: Sequence[tuple[int, int]]) -> Text:
    """``text`` shown literally on one line, the spans ``marks`` highlighted. Each piece is made
    printable on its own, so a mark stays on the characters it was found in."""
    out = Text(no_wrap=True, overflow="ellipsis")
    at = 0
    for start, end in marks:
        if start > at:
            out.append(printable(text[at:start]).replace("\n", " "))
        out.append(printable(text[start:end]).replace("\n", " "), style=MARK)
        at = end
    out.append(printable(text[at:]).replace("\n", " "))
    return out


def which(hit: SearchHit, within: str) -> str:
    """The version(s) column."""
    if within in ("added", "removed"):
        return f"v{hit.version} {within}"
    return f"v{version_numbers(hit.versions)} of {hit.version_count}"


def choice_of(hit: SearchHit) -> SearchChoice:
    """Open the hit's version against the one before it (for added/removed, the pair where the
    text came or went), finding the first words matched."""
    if hit.snippet_marks:
        start, end = hit.snippet_marks[0]
        phrase = hit.snippet[start:end]
    elif hit.title_marks:
        start, end = hit.title_marks[0]
        phrase = hit.title[start:end]
    else:
        phrase = ""
    old = hit.previous if hit.previous is not None else hit.version - 1
    return SearchChoice(hit.article_id, old if old >= 1 else None, hit.version, phrase)


class SearchScreen(ModalScreen[SearchChoice | None]):
    """Dismissed with the hit to open, or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_search"),
    ]

    DEFAULT_CSS = """
    SearchScreen { align: center middle; }
    SearchScreen > Vertical {
        width: 95%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    SearchScreen #search-bar { height: 1; margin-top: 1; }
    SearchScreen #search-bar Label { width: auto; padding-right: 1; }
    SearchScreen #search-query { width: 1fr; }
    SearchScreen #search-within { width: 28; }
    SearchScreen #search-status { height: 1; margin: 1 0; color: $text-muted; }
    SearchScreen #search-status.-error { color: $error; }
    SearchScreen DataTable { height: 1fr; }
    """

    def __init__(self, database: Store, query: str = "", within: str = "any") -> None:
        super().__init__()
        self.database = database
        self.query_text = query
        self.within = within
        self.hits: list[SearchHit] = []
        self.token = 0
        self.pending = False  # a search is running (tests wait on it)
        self.status = ""  # the line under the input, as plain text (tests read it)

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="search-bar"):
                yield Label("Search the archive:")
                yield Input(
                    value=self.query_text,
                    placeholder="words, “exact phrases”, prefix*, OR, NOT",
                    id="search-query",
                    compact=True,  # one line, no border
                )
                yield Select(
                    [(label, value) for label, value in WITHIN],
                    value=self.within,
                    allow_blank=False,
                    compact=True,
                    id="search-within",
                )
            yield Static(Text(SYNTAX), id="search-status")
            table: DataTable[Text] = DataTable(cursor_type="row", id="search-hits")
            table.add_columns("Article", "Outlet", "Version(s)", "When", "Headline", "Snippet")
            yield table

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.query_text:
            self.run_search()

    def _say(self, line: str, *, error: bool = False) -> None:
        self.status = line
        status = self.query_one("#search-status", Static)
        status.update(Text(printable(line), no_wrap=True, overflow="ellipsis"))
        status.set_class(error, "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.hits and event.value.strip() == self.query_text and not self.pending:
            self._open(self.query_one(DataTable).cursor_row)  # enter again: open the hit
            return
        self.query_text = event.value.strip()
        self.run_search()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.within:
            self.within = event.value
            if self.query_text:
                self.run_search()

    def on_key(self, event: Key) -> None:
        if event.key == "down" and self.hits and self.query_one(Input).has_focus:
            event.stop()
            self.query_one(DataTable).focus()

    def run_search(self) -> None:
        """Parse the query here (a malformed one is said at once) and search in a worker."""
        self.token += 1
        text = self.query_text
        if not text:
            self.pending = False
            self._say(SYNTAX)
            return
        try:
            query = parse_query(text)
        except BadQuery as exc:
            self.pending = False
            self._show([])  # no hits left from another query under the message
            self._say(f"Cannot search this: {exc}", error=True)
            return
        self.pending = True
        self._say(f"Searching for {query.describe()}…")
        self._search(self.token, query, self.within)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, token: int, query: Query, within: str) -> None:
        message: SearchDone | SearchFailed
        try:
            from newsdiff.store.search import search  # SQLAlchemy: loaded in a worker

            with self.database.read() as session:
                hits = search(session, query, within=within, limit=MAX_HITS)
            message = SearchDone(token, query.describe(), hits)
        except NewsdiffError as exc:
            message = SearchFailed(token, str(exc).splitlines()[0] if str(exc) else repr(exc))
        if get_current_worker().is_cancelled:
            return
        try:
            self.post_message(message)
        except RuntimeError:  # the app closed meanwhile
            pass

    def on_search_done(self, message: SearchDone) -> None:
        if message.token != self.token:
            return
        self.pending = False
        self._show(message.hits)
        count = plural(len(self.hits), "hit")
        more = f" (the first {MAX_HITS})" if len(self.hits) >= MAX_HITS else ""
        opened = " · ↓ then enter opens one" if self.hits else ""
        self._say(f"{count}{more} for {message.query}{opened}")

    def _show(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        table = self.query_one(DataTable)
        table.clear()
        for hit in hits:
            table.add_row(
                cell(f"#{hit.article_id}"),
                safe_text(hit.outlet or "-"),
                cell(which(hit, self.within)),
                cell(when(hit.captured_at)),
                marked(hit.title, hit.title_marks),
                marked(hit.snippet, hit.snippet_marks),
            )
        self._fit_columns()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Outlet, headline and snippet share what the other columns leave (one sixth, two and
        three; the outlet no wider than it needs), cut with "…", so that all show at 80
        columns."""
        table = self.query_one(DataTable)
        columns = list(table.columns.values())
        if len(columns) != 6 or table.size.width <= 0:
            return
        padding = 2 * table.cell_padding  # each side of each column
        # the fixed columns' widths from the cells themselves (the table measures them later)
        fixed = 0
        for index, label in ((0, "Article"), (2, "Version(s)"), (3, "When")):
            cells = [table.get_row_at(r)[index] for r in range(table.row_count)]
            fixed += max([len(label), *(c.cell_len for c in cells)]) + padding
        room = max(18, table.scrollable_content_region.width - fixed - 3 * padding - 1)
        natural = max((len(printable(h.outlet or "-")) for h in self.hits), default=6)
        outlet = max(6, min(natural, room // 6))
        headline = (room - outlet) * 2 // 5
        widths = ((1, outlet), (4, headline), (5, room - outlet - headline))
        for index, width in widths:
            columns[index].auto_width = False
            columns[index].width = max(6, width)
        table.refresh()

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.token == self.token:
            self.pending = False
            self._say(f"Search failed: {message.reason}", error=True)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.cursor_row)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            self.dismiss(choice_of(self.hits[row]))

    def action_cancel(self) -> None:
        self.dismiss(None)
