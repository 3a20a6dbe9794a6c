"""The chart screen (``c``, or "Chart of the story" in the command palette): the selected
story's edits over time per outlet (:func:`newsdiff.timeline.series.edit_series`), its events
marked on the time axis and listed in a key below; with every article (no story), the whole
archive and every story's events. Escape, q or c closes it.

The series is loaded in a thread worker and comes back as a typed message
(:class:`SeriesLoaded` / :class:`SeriesFailed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from newsdiff.errors import NewsdiffError
from newsdiff.store.lazy import Store
from newsdiff.text import plural
from newsdiff.tui.messages import SeriesFailed, SeriesLoaded
from newsdiff.tui.safe import safe_text
from newsdiff.tui.widgets.edit_chart import EditChart

if TYPE_CHECKING:
    from newsdiff.timeline.series import Series

KEY_ROWS = 6  # events listed under the chart at most; the rest counted


def heading(series: Series, story: str | None) -> Text:
    what = "Edits" if series.measure == "edits" else "Changed versions"
    text = Text(f"{what} per {series.bucket} and outlet", style="bold", no_wrap=True)
    text.append(" · ", style="dim")
    text.append(safe_text(story) if story else Text("every tracked article"))
    if series.measure == "edits" and series.unanalysed:
        text.append(
            f" · {plural(series.unanalysed, 'change')} not analysed yet (newsdiff analyse)",
            style="dim",
        )
    elif series.measure == "changes":
        text.append(" · no typed edits stored: changed versions counted", style="dim")
    return text


def event_key(series: Series, rows: int = KEY_ROWS) -> Text:
    """The numbered events: number, date, title (shown literally), one a line."""
    marked = series.marked
    key = Text(no_wrap=True, overflow="ellipsis")
    for event in marked[:rows]:
        if key:
            key.append("\n")
        key.append(f"{event.number:>2} ", style="bold")
        key.append(f"{event.when}  ", style="dim")
        key.append_text(safe_text(event.title))
    if len(marked) > rows:
        key.append(f"\n   … and {len(marked) - rows} more events", style="dim")
    if not marked:
        key.append("No event of the story falls on this time axis.", style="dim")
    return key


class ChartScreen(ModalScreen[None]):
    """The chart of ``story`` (a slug; None: the whole archive)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "close", "Close", id="close_chart"),
    ]

    DEFAULT_CSS = """
    ChartScreen { align: center middle; }
    ChartScreen > Vertical {
        width: 100%; height: 100%; border: round $accent; background: $surface; padding: 0 1;
    }
    ChartScreen #chart-heading { height: 1; }
    ChartScreen #chart-key { height: auto; max-height: 7; color: $text; }
    """

    def __init__(self, database: Store, story: str | None) -> None:
        super().__init__()
        self.database = database
        self.story = story
        self.series: Series | None = None
        self.token = 0
        self.pending = True  # the series is being loaded (tests wait on it)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Loading the chart…", style="dim"), id="chart-heading")
            yield EditChart(id="chart")
            yield Static(Text(""), id="chart-key")

    def on_mount(self) -> None:
        self.query_one(EditChart).display = False
        self.token += 1
        self._load(self.token, self.story)

    @work(thread=True, exclusive=True, group="chart")
    def _load(self, token: int, story: str | None) -> None:
        message: SeriesLoaded | SeriesFailed
        try:
            from newsdiff.timeline.series import edit_series  # SQLAlchemy: in a worker

            with self.database.read() as session:
                message = SeriesLoaded(token, edit_series(session, story=story))
        except NewsdiffError as exc:
            message = SeriesFailed(token, str(exc).splitlines()[0] if str(exc) else repr(exc))
        if get_current_worker().is_cancelled:
            return
        try:
            self.post_message(message)
        except RuntimeError:  # the app closed meanwhile
            pass

    def on_series_loaded(self, message: SeriesLoaded) -> None:
        if message.token != self.token:
            return
        self.pending = False
        series = self.series = message.series
        self.query_one("#chart-heading", Static).update(heading(series, self._title()))
        if series.empty:
            self.query_one("#chart-key", Static).update(
                Text("No change has been captured in these articles yet.", style="dim")
            )
            return
        chart = self.query_one(EditChart)
        chart.display = True
        chart.show(series)
        self.query_one("#chart-key", Static).update(event_key(series))

    def on_series_failed(self, message: SeriesFailed) -> None:
        if message.token == self.token:
            self.pending = False
            self.query_one("#chart-heading", Static).update(
                safe_text(f"The chart could not be loaded: {message.reason}", style="red")
            )

    def _title(self) -> str | None:
        if self.story is None:
            return None
        series = self.series
        titles = {e.story: e.story_title for e in series.events} if series else {}
        return titles.get(self.story, self.story)

    def action_close(self) -> None:
        self.dismiss(None)
