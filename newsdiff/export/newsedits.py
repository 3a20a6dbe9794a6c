"""An SQLite file in the layout of the NewsEdits corpus, so research code written for that
corpus runs on newsdiff data.

Mapping (newsdiff -> NewsEdits; the corpus was collected with diffengine-style tooling):

- ``entry(id, url, created, checked, num_versions)``: one row per article that has a version;
  ``id`` is the newsdiff article id, ``created`` its first-seen time, ``checked`` its last check.
- ``entryversion(id, entry_id, version, created, title, url, num_versions, summary,
  archive_url)``: one row per version; ``id`` is the newsdiff version id, ``version`` counts from
  0 like the corpus (newsdiff's number - 1), ``created`` is the capture time, ``url`` the URL the
  text was read from, ``num_versions`` the article's version count, ``summary`` the paragraphs as
  ``<p>one</p><p>two</p>`` (so ``summary.split('</p><p>')`` gives the paragraphs, the first with
  a leading ``<p>`` and the last with a trailing ``</p>``, as in the corpus), with ``&``, ``<``
  and ``>`` of the text escaped; ``archive_url`` the Wayback Machine capture a backfilled version
  came from (``source = "archive:<timestamp>"``), else NULL.
- Times are UTC as ``YYYY-MM-DD HH:MM:SS`` (sqlite's own format, as in the corpus).
- The corpus ships one file per outlet: ``--outlet`` writes one outlet. By default all outlets go
  in one file and both tables get an extra ``source`` column with the outlet's name.

The file is written next to its target under a temp name and renamed into place when complete:
a failure (a full disk...) leaves no half file and any earlier file untouched. The command
refuses the database in use and an existing file without ``--force``
(:func:`newsdiff.export.files.check_target`).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from newsdiff.errors import ConfigError, NotFound, OutputError
from newsdiff.export.files import os_reason, temp_path
from newsdiff.store.models import Article, Outlet, Version

SEPARATOR = "</p><p>"
BATCH = 1000
ARCHIVE_URL = "https://web.archive.org/web/{timestamp}/{url}"


def summary_html(paragraphs: list[str]) -> str:
    """Paragraphs as the corpus stores them: ``<p>a</p><p>b</p>``, text escaped."""
    if not paragraphs:
        return ""
    return "<p>" + SEPARATOR.join(html.escape(p, quote=False) for p in paragraphs) + "</p>"


def archive_url(source: str, url: str, template: str = ARCHIVE_URL) -> str | None:
    """The archive capture a version came from (``archive:<timestamp>`` or
    ``archive:<capture URL>``), or None for a live capture."""
    if not source.startswith("archive:"):
        return None
    ref = source.split(":", 1)[1]
    if "://" in ref:
        return ref
    if ref.isdigit():
        return template.format(timestamp=ref, url=url)
    return None


def _when(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def find_outlet(session: Session, outlet: str) -> Outlet:
    """An outlet by name (any case) or slug. Raises :class:`NotFound`."""
    row = session.scalars(
        select(Outlet).where(or_(func.lower(Outlet.name) == outlet.lower(), Outlet.slug == outlet))
    ).one_or_none()
    if row is None:
        raise NotFound(f"no outlet {outlet!r}")
    return row


def _schema(extra: str) -> str:
    return f"""
        CREATE TABLE entry (id INTEGER PRIMARY KEY, url TEXT, created TEXT, checked TEXT,
                            num_versions INTEGER{extra});
        CREATE TABLE entryversion (id INTEGER PRIMARY KEY, entry_id INTEGER, version INTEGER,
                                   created TEXT, title TEXT, url TEXT, num_versions INTEGER,
                                   summary TEXT, archive_url TEXT{extra});
    """


def export_newsedits(
    session: Session,
    out: Path,
    *,
    outlet: str | None = None,
    archive_template: str = ARCHIVE_URL,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write the NewsEdits-layout file ``out`` (replaced if present). Returns (entries, versions).
    Raises :class:`OutputError` when it cannot be written.

    One streaming query over versions joined to their article, in article order; rows are
    inserted in batches, so memory stays flat. ``archive_template`` builds ``archive_url`` from
    ``{timestamp}`` and ``{url}``. ``progress`` gets the running version count.
    """
    outlet_row = find_outlet(session, outlet) if outlet else None
    if out.is_dir():
        raise ConfigError(f"{out}: is a directory; give a file name")
    if out.exists() and not out.is_file():
        raise ConfigError(f"{out}: not a regular file (an SQLite database must be one)")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {os_reason(exc)}") from exc
    tmp = temp_path(out)
    with_source = outlet_row is None
    extra = ", source TEXT" if with_source else ""
    stmt = (
        select(
            Article.id,
            Article.url,
            Article.first_seen_at,
            Article.last_checked_at,
            Article.version_count,
            Outlet.name,
            Version.id,
            Version.number,
            Version.captured_at,
            Version.title,
            Version.final_url,
            Version.paragraphs,
            Version.source,
        )
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Version.article_id, Version.number)
    )
    if outlet_row is not None:
        stmt = stmt.where(Article.outlet_id == outlet_row.id)
    entries = versions = 0
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_schema(extra))
            entry_sql = f"INSERT INTO entry VALUES ({', '.join('?' * (5 + with_source))})"
            version_sql = f"INSERT INTO entryversion VALUES ({', '.join('?' * (9 + with_source))})"
            entry_rows: list[list[Any]] = []
            version_rows: list[list[Any]] = []
            last_article: int | None = None
            for row in session.execute(stmt.execution_options(yield_per=BATCH)):
                (aid, url, first_seen, checked, count, outlet_name) = row[:6]
                (vid, number, captured, title, final_url, text, source) = row[6:]
                if aid != last_article:
                    last_article = aid
                    entry = [aid, url, _when(first_seen), _when(checked), count]
                    entry_rows.append([*entry, outlet_name] if with_source else entry)
                    entries += 1
                paragraphs = text.split("\n") if text else []
                version = [
                    vid,
                    aid,
                    number - 1,
                    _when(captured),
                    title,
                    final_url or url,
                    count,
                    summary_html(paragraphs),
                    archive_url(source, final_url or url, archive_template),
                ]
                version_rows.append([*version, outlet_name] if with_source else version)
                versions += 1
                if len(version_rows) >= BATCH:
                    conn.executemany(entry_sql, entry_rows)
                    conn.executemany(version_sql, version_rows)
                    entry_rows.clear()
                    version_rows.clear()
                    if progress:
                        progress(versions)
            conn.executemany(entry_sql, entry_rows)
            conn.executemany(version_sql, version_rows)
            conn.execute("CREATE INDEX entryversion_entry_id ON entryversion(entry_id, version)")
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, out)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {out}: {exc}") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {out}: {os_reason(exc)}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress:
        progress(versions)
    return entries, versions
