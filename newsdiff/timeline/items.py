"""What the TUI shows, as plain frozen rows: stories, timeline rows, coverage, versions, pairs.

Kept apart from the queries that fill them (:mod:`newsdiff.timeline.browse`) so that the TUI can
import them, and draw its first frame, before SQLAlchemy is imported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdiff.diff.model import Document
    from newsdiff.store.versions import ChangeWindow


@dataclass(frozen=True)
class StoryItem:
    slug: str
    title: str
    events: int
    articles: int
    first: str | None
    last: str | None


@dataclass(frozen=True)
class GroupKey:
    """What a timeline row stands for: an event, or one outlet's articles of one day."""

    event_id: int | None = None
    outlet_id: int | None = None
    day: dt.date | None = None

    @property
    def is_event(self) -> bool:
        return self.event_id is not None


@dataclass(frozen=True)
class TimelineItem:
    key: GroupKey
    when: str
    title: str
    count: int
    kind: str | None = None


def event_when(date: dt.date, precision: str, end: dt.date | None) -> str:
    """An event's date for a narrow column: ``2008-11-13–26``, ``Mar 2009``, ``2010``."""
    if precision == "year":
        return f"{date.year}"
    if precision == "month":
        return date.strftime("%b %Y")
    text = date.isoformat()
    if end is None or end == date:
        return text
    if (end.year, end.month) == (date.year, date.month):
        return f"{text}–{end.day:02d}"
    if end.year == date.year:
        return f"{text}–{end.month:02d}-{end.day:02d}"
    return f"{text}–{end.isoformat()}"


@dataclass(frozen=True)
class Overview:
    """What the main screen shows first."""

    story: StoryItem | None  # None: every tracked article by outlet and day
    items: list[TimelineItem]
    stories: list[StoryItem]
    articles: int  # tracked articles in the database

    @property
    def empty(self) -> bool:
        return self.articles == 0 and not self.stories


@dataclass(frozen=True)
class ArticleItem:
    article_id: int
    outlet: str | None
    title: str | None
    url: str
    versions: int
    last_changed_at: datetime | None
    published_at: datetime | None
    linked: bool | None = None  # for an event's coverage: False when unlinked by hand
    origin: str | None = None


@dataclass(frozen=True)
class VersionItem:
    number: int
    captured_at: datetime
    title: str
    words_added: int
    words_removed: int
    title_changed: bool
    badges: str = "?"  # the kinds of its edits, one letter each ("?": not analysed yet)
    silent: int = 0  # how many of its edits are silent
    trivial: bool = False  # every edit of it is trivial (spelling, punctuation...)


@dataclass(frozen=True)
class EditItem:
    """One typed edit of a pair of versions (:mod:`newsdiff.diff.edits`), as the TUI shows it.

    ``old_span``/``new_span`` are character offsets in paragraph ``old_paragraph`` of the old
    version and ``new_paragraph`` of the new one, or in the headline when ``in_headline``.
    """

    kind: str
    change: str  # added / removed / changed / firmer / softer
    old: str
    new: str
    old_paragraph: int | None
    new_paragraph: int | None
    silent: bool
    badge: str  # its kind as one letter (H N Q S C ! t o)
    speaker: str | None = None
    old_span: tuple[int, int] | None = None
    new_span: tuple[int, int] | None = None
    in_headline: bool = False


@dataclass(frozen=True)
class PairEdits:
    """The typed edits of a pair of versions: ``stored`` when read from the database (the
    version's edits against the one before it), else computed for the pair when it was
    loaded (two versions apart, or not analysed yet)."""

    edits: tuple[EditItem, ...]
    stored: bool
    kinds: tuple[str, ...]  # the kinds present, in the order of the badges

    @property
    def silent(self) -> int:
        return sum(1 for e in self.edits if e.silent)


@dataclass(frozen=True)
class VersionText:
    number: int
    captured_at: datetime
    title: str
    paragraphs: tuple[str, ...]
    standfirst: str | None = None  # None: not captured when the version was stored

    def document(self) -> Document:
        """This version as the diff engine's document."""
        from newsdiff.diff.model import Document  # not before the first frame

        return Document(self.title, self.paragraphs, self.standfirst)


@dataclass(frozen=True)
class VersionPair:
    """Two versions of one article (``old`` is None for the first version) and the window of
    the change into ``new``."""

    article_id: int
    outlet: str | None
    url: str
    old: VersionText | None
    new: VersionText
    window: ChangeWindow | None
    total: int  # versions of the article
    edits: PairEdits | None = None  # None: not known yet (see browse.with_edits)


@dataclass(frozen=True)
class JumpTarget:
    """A command-palette destination: an event of the story, or an article."""

    label: str
    help: str
    event_id: int | None = None
    article_id: int | None = None
