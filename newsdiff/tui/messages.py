"""Messages between the panes and the main screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # SQLAlchemy behind them: imported in workers, after the first frame
    from newsdiff.store.search import SearchHit
    from newsdiff.timeline.items import ArticleItem, TimelineItem  # (not SQLAlchemy: ditto)
    from newsdiff.timeline.series import Series


class Loaded(Message, bubble=False):
    """A worker's result for the widget that started it; ``token`` tells stale ones apart."""

    def __init__(self, token: int, payload: object) -> None:
        super().__init__()
        self.token = token
        self.payload = payload


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
