"""Messages between the panes and the main screen."""

from __future__ import annotations

from textual.message import Message

from newsdiff.timeline.items import ArticleItem, TimelineItem


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
