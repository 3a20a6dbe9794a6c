"""The TUI's first timeline straight from SQLite, before SQLAlchemy has loaded.

``newsdiff tui`` spends most of its start importing SQLAlchemy (and the models, and the schema
check) before the first query can run. On the default SQLite database, the first screen needs
little: the stories, the chosen story's events and how many articles cover each, and how many
articles are tracked. :func:`quick_overview` reads exactly that with Python's ``sqlite3``, read
only, and returns the same :class:`~newsdiff.timeline.items.Overview` as
:func:`newsdiff.timeline.browse.load_overview` (a test compares the two), while SQLAlchemy loads
in the background for everything after it.

It answers only when it is sure to give the same answer; otherwise it returns None and the
caller takes the SQLAlchemy path, which also reports every problem in its own words:

- the URL is not a plain SQLite file (PostgreSQL, ``:memory:``, a ``file:`` URI, query options);
- the file does not exist, cannot be opened read-only, has no schema revision (not
  initialised) or lacks a table or column the queries read (an older schema);
- the first screen is not a story's timeline (``all_articles``, or a database without stories:
  the outlet-and-day grouping is left to the full query).

A ``slug`` that names no story is :class:`~newsdiff.errors.NotFound`, as with ``load_overview``.

The schema revision is not compared with the migrations' head here (that needs the store, so
SQLAlchemy): the caller opens the database right after the first frame, and a schema that is
not the current one is reported then, in the usual words.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from urllib.parse import unquote

from newsdiff.errors import NotFound
from newsdiff.timeline.items import GroupKey, Overview, StoryItem, TimelineItem, event_when

# One row per story: its events (count, first and last date) and the distinct articles of its
# coverage that were not unlinked by hand (``list_stories``).
STORIES_SQL = """
SELECT s.slug, s.title,
       (SELECT count(*) FROM events e WHERE e.story_id = s.id),
       (SELECT count(DISTINCT c.article_id) FROM coverage c JOIN events e ON c.event_id = e.id
         WHERE e.story_id = s.id AND c.excluded = 0),
       (SELECT e.date FROM events e WHERE e.story_id = s.id ORDER BY e.date, e.id LIMIT 1),
       (SELECT e.date FROM events e WHERE e.story_id = s.id
         ORDER BY e.date DESC, e.id DESC LIMIT 1)
FROM stories s ORDER BY s.slug
"""

# The story's events in date order, each with its coverage not unlinked by hand (``event_items``).
EVENTS_SQL = """
SELECT e.id, e.title, e.kind, e.date, e.end_date, e.date_precision,
       (SELECT count(*) FROM coverage c WHERE c.event_id = e.id AND c.excluded = 0)
FROM events e JOIN stories s ON s.id = e.story_id
WHERE s.slug = ? ORDER BY e.date, e.id
"""


def sqlite_path(url: str) -> str | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            path = unquote(url[len(prefix) :])
            if not path or path == ":memory:" or path.startswith("file:") or "?" in path:
                return None
            return path
    return None


def _date(value: object) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _connect(path: str) -> sqlite3.Connection | None:
    if not os.path.isfile(path):
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    if row is None or not row[0]:
        conn.close()
        return None
    return conn


def quick_overview(url: str, slug: str | None, *, all_articles: bool = False) -> Overview | None:
    """What ``load_overview(session, slug, all_articles=...)`` returns, read with ``sqlite3``;
    None when this path cannot be sure of it (see the module docstring)."""
    if all_articles:
        return None
    path = sqlite_path(url)
    if path is None:
        return None
    conn = _connect(path)
    if conn is None:
        return None
    try:
        return _overview(conn, slug)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _overview(conn: sqlite3.Connection, slug: str | None) -> Overview | None:
    stories = [
        StoryItem(
            slug=str(s),
            title=str(title),
            events=int(events),
            articles=int(articles),
            first=_date(first).isoformat() if first else None,
            last=_date(last).isoformat() if last else None,
        )
        for s, title, events, articles, first, last in conn.execute(STORIES_SQL)
    ]
    if slug is not None:
        story = next((s for s in stories if s.slug == slug), None)
        if story is None:
            raise NotFound(f"no story {slug!r} (see `newsdiff story list`)")
    elif stories:
        story = max(stories, key=lambda s: (s.last or "", s.slug))  # browse.default_story
    else:
        return None  # every article by outlet and day: the full query's
    articles = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    items = [
        TimelineItem(
            key=GroupKey(event_id=int(eid)),
            when=event_when(_date(date), str(precision), _date(end) if end else None),
            title=str(title),
            count=int(count),
            kind=kind,
        )
        for eid, title, kind, date, end, precision, count in conn.execute(EVENTS_SQL, (story.slug,))
    ]
    return Overview(story, items, stories, articles)
