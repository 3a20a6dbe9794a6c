"""Messages between the panes and the main screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # SQLAlchemy behind them: imported in workers, after the first frame
    from newsdiff.store.search import SearchHit
    from newsdiff.timeline.items import (  # (not SQLAlchemy: ditto)
        ArticleItem,
        GroupKey,
        Overview,
        TimelineItem,
        VersionItem,
    )
    from newsdiff.timeline.series import Series
    from newsdiff.tui.widgets.diff_view import DiffResult


class Result(Message, bubble=False):
    """A worker's result for the widget that started it (:func:`newsdiff.tui.jobs.deliver`);
    ``token`` tells stale ones apart. One subclass per kind of result, each handled by the
    widget that asks for it; a subclass says ``bubble=False`` again (Textual's default is
    True for each class)."""

    def __init__(self, token: int) -> None:
        super().__init__()
        self.token = token


class OverviewLoaded(Result, bubble=False):
    """The main screen's story (or every article) and its timeline."""

    def __init__(self, token: int, overview: Overview) -> None:
        super().__init__(token)
        self.overview = overview


class DatabaseOpened(Result, bubble=False):
    """The main screen's database is open (after a timeline read straight from SQLite)."""


class GroupFound(Result, bubble=False):
    """The timeline row of an article reached from the command palette (every article shown)."""

    def __init__(self, token: int, key: GroupKey) -> None:
        super().__init__(token)
        self.key = key


class LinkToggled(Result, bubble=False):
    """Article ``article_id`` is now linked to event ``event_id`` by hand, or unlinked."""

    def __init__(self, token: int, event_id: int, article_id: int, linked: bool) -> None:
        super().__init__(token)
        self.event_id = event_id
        self.article_id = article_id
        self.linked = linked


class ArticlesLoaded(Result, bubble=False):
    """The coverage pane's articles; ``select`` the one to select (None: the first)."""

    def __init__(self, token: int, items: list[ArticleItem], select: int | None) -> None:
        super().__init__(token)
        self.items = items
        self.select = select


class VersionsLoaded(Result, bubble=False):
    """The versions pane's versions; ``select`` the number to select (None: the latest)."""

    def __init__(self, token: int, items: list[VersionItem], select: int | None) -> None:
        super().__init__(token)
        self.items = items
        self.select = select


class DiffComputed(Result, bubble=False):
    """A laid-out diff for the diff view (a long article's first screens, then the whole);
    ``top``: shown from its top, else back at the change the reader was at."""

    def __init__(self, token: int, result: DiffResult, top: bool) -> None:
        super().__init__(token)
        self.result = result
        self.top = top


class Failed(Message, bubble=False):
    """A worker's error (a NewsdiffError), to be shown as a notification."""

    def __init__(self, token: int, error: Exception) -> None:
        super().__init__()
        self.token = token
        self.error = error


class GroupSelected(Message):
    """A timeline row (an event, or an outlet's day) was highlighted."""

    def __init__(self, item: TimelineItem | None) -> None:
        super().__init__()
        self.item = item


class ArticleSelected(Message):
    """A coverage row was highlighted (None: the list is empty)."""

    def __init__(self, item: ArticleItem | None) -> None:
        super().__init__()
        self.item = item


class PairSelected(Message):
    """Versions ``old`` (None: nothing before) and ``new`` of an article should be compared
    (``new`` None: the article has no version yet)."""

    def __init__(self, article_id: int, old: int | None, new: int | None) -> None:
        super().__init__()
        self.article_id = article_id
        self.old = old
        self.new = new


class Opened(Message):
    """Enter was pressed on a pane's row: move on to the next pane."""

    def __init__(self, pane: str) -> None:
        super().__init__()
        self.pane = pane


class Measured(Message):
    """A pane's rows were measured anew: the screen shares the top row's width again."""


class SearchDone(Message, bubble=False):
    """The archive search's hits for ``query`` (:func:`newsdiff.store.search.search`)."""

    def __init__(self, token: int, query: str, hits: Sequence[SearchHit]) -> None:
        super().__init__()
        self.token = token
        self.query = query
        self.hits = list(hits)


class SearchFailed(Message, bubble=False):
    """The archive search could not run: ``reason`` is one line to show."""

    def __init__(self, token: int, reason: str) -> None:
        super().__init__()
        self.token = token
        self.reason = reason


class SeriesLoaded(Message, bubble=False):
    """The chart's data: edits over time per outlet and the story's events."""

    def __init__(self, token: int, series: Series) -> None:
        super().__init__()
        self.token = token
        self.series = series


class SeriesFailed(Message, bubble=False):
    """The chart's data could not be loaded: ``reason`` is one line to show."""

    def __init__(self, token: int, reason: str) -> None:
        super().__init__()
        self.token = token
        self.reason = reason
