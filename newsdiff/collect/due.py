"""Whether a poll has anything to do, answered before SQLAlchemy is imported.

Most runs of ``newsdiff poll`` under cron find nothing due, and importing SQLAlchemy and the
models is most of their cost (about 0.25 s of CPU of an idle run's 0.4 s, against 0.2 s for a
whole idle run of urlwatch). :func:`nothing_due` asks a SQLite database with Python's
``sqlite3``, read only, the questions :func:`newsdiff.collect.poll.run_poll` asks first, under
the same poll lock:

- does ``sync_config_feeds`` have anything to write? (a ``[[feeds]]`` URL not in the database,
  or one whose ``outlet`` is not yet the feed's, or whose outlet has no domain yet);
- is a feed due (``next_poll_at`` unset or not after now; with ``force``: any feed)?
- is a tracked article due (``next_check_at`` not after now; with ``force``: any)?

It answers True ("nothing to do") only when it is sure that the full poll would do nothing
and say nothing else; otherwise False, and the caller takes the full path, which also reports
every problem in its own words. So it steps aside for: a URL that is not a plain SQLite file
(PostgreSQL, ``:memory:``, a ``file:`` URI, query options, ``~``, escapes); ``[[alerts]]`` in
the config (a run sends the deliveries still pending); a missing file, one that cannot be
opened read only, or a schema revision that is not this newsdiff's (the full path says "run
`newsdiff init`" or "`newsdiff db upgrade`"); a poll lock held by another poll (the full path
says so); any error at all.

Datetimes are compared as SQLAlchemy compares them on SQLite: as text, the bound value in its
storage format (``2008-11-12 09:30:00.000000``, UTC); a test runs the two side by side.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from newsdiff.collect.schedule import TRACKING
from newsdiff.config import FeedSettings, Settings
from newsdiff.store.revision import SCHEMA_HEAD

__all__ = ["PollSummary", "nothing_due", "sqlite_file"]

#: how SQLAlchemy's SQLite dialect stores a DateTime (the text the due queries compare with)
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


@dataclass
class PollSummary:
    """What a poll did (``newsdiff poll`` prints its :meth:`line` or :meth:`to_dict`)."""

    feeds_polled: int = 0
    feeds_failed: int = 0
    new_articles: int = 0
    checks: int = 0
    new_versions: int = 0
    unchanged: int = 0
    failures: int = 0
    unrecorded: int = 0  # failures the database refused to record (read-only, full...)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.feeds_polled} feeds polled ({self.feeds_failed} failed), "
            f"{self.new_articles} new articles, {self.checks} checks, "
            f"{self.new_versions} new versions, {self.failures} failures "
            f"in {self.seconds:.1f}s"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "feeds_polled": self.feeds_polled,
            "feeds_failed": self.feeds_failed,
            "new_articles": self.new_articles,
            "checks": self.checks,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "failures": self.failures,
            "unrecorded": self.unrecorded,
            "seconds": round(self.seconds, 3),
            "problems": self.problems,
        }


def sqlite_file(url: str) -> str | None:
    """The file of a plain ``sqlite:///PATH`` URL, as SQLAlchemy and the poll lock both read
    it; None for anything else (and for any URL they might read differently)."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            path = url[len(prefix) :]
            if (
                not path
                or path == ":memory:"
                or path.startswith(("file:", "~"))
                or any(c in path for c in "?#%")
            ):
                return None
            return path
    return None


def nothing_due(settings: Settings, *, force: bool = False, now: datetime | None = None) -> bool:
    """True when a poll at ``now`` (default: the present) certainly has nothing to do: no
    config feed to add or move, no feed due, no tracked article due (``force``: none at all).
    False whenever it cannot be sure (see the module docstring): never a reason to skip work."""
    if settings.alerts:
        return False
    path = sqlite_file(settings.database.url)
    if path is None or not os.path.isfile(path):
        return False
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    try:
        # the poll lock's file (collect/lock.py): a poll that holds it may be adding work
        fd = os.open(path + ".poll-lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return _nothing_due(path, settings.feeds, force, moment.strftime(SQLITE_DATETIME))
    finally:
        os.close(fd)


def _nothing_due(path: str, feeds: tuple[FeedSettings, ...], force: bool, now: str) -> bool:
    try:
        conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        revisions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        if revisions != [(SCHEMA_HEAD,)]:
            return False
        if not all(_feed_in_place(conn, item) for item in feeds):
            return False
        if force:
            due_feed = "SELECT EXISTS (SELECT 1 FROM feeds)"
            due_article = "SELECT EXISTS (SELECT 1 FROM articles WHERE status = ?)"
            args: tuple[str, ...] = (TRACKING,)
        else:
            due_feed = (
                "SELECT EXISTS (SELECT 1 FROM feeds"
                " WHERE next_poll_at IS NULL OR next_poll_at <= ?)"
            )
            due_article = (
                "SELECT EXISTS (SELECT 1 FROM articles WHERE status = ? AND next_check_at <= ?)"
            )
            args = (TRACKING, now)
        if conn.execute(due_feed, args[1:]).fetchone() != (0,):
            return False
        return bool(conn.execute(due_article, args).fetchone() == (0,))
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _feed_in_place(conn: sqlite3.Connection, item: FeedSettings) -> bool:
    """Whether ``sync_config_feeds`` would write nothing for this ``[[feeds]]`` table: the feed
    is known and, when the table names an outlet, already in that outlet, which has a domain
    (``get_or_create_outlet`` fills a missing one)."""
    if item.outlet is None:
        row = conn.execute("SELECT 1 FROM feeds WHERE url = ?", (item.url,)).fetchone()
        return row is not None
    row = conn.execute(
        "SELECT o.domain FROM feeds f JOIN outlets o ON o.id = f.outlet_id "
        "WHERE f.url = ? AND o.name = ?",
        (item.url, item.outlet.strip()),
    ).fetchone()
    return row is not None and bool(row[0])
