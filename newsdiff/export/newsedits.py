"""An SQLite file in the layout of the NewsEdits corpus, so research code written for that
corpus runs on newsdiff data.

Mapping (newsdiff -> NewsEdits):

- ``entry(id, url, created, checked, num_versions)``: one row per article; ``id`` is the newsdiff
  article id, ``created`` its first-seen time, ``checked`` its last check.
- ``entryversion(id, entry_id, version, created, title, url, num_versions, summary, archive_url)``:
  one row per version; ``version`` counts from 0 like the corpus (newsdiff's number - 1),
  ``created`` is the capture time, ``summary`` the paragraphs joined by ``</p><p>``,
  ``num_versions`` the article's version count, ``archive_url`` the archive capture when the version
  was backfilled (else NULL). The text is plain (HTML special characters escaped), as in the corpus.
- The corpus ships one file per outlet: ``--outlet`` writes one outlet. By default all outlets go in
  one file and both tables get an extra ``source`` column with the outlet's name.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from newsdiff.errors import ConfigError, NotFound
from newsdiff.store.models import Article, Outlet, Version

SEPARATOR = "</p><p>"


def _archive_url(source: str, url: str) -> str | None:
    if source.startswith("archive:"):
        return source.split(":", 1)[1] if "://" in source else None
    return None


def export_newsedits(
    session: Session,
    out: Path,
    *,
    outlet: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write the NewsEdits-layout file ``out`` (replaced if present).

    Returns (entries, versions)."""
    outlet_row = None
    if outlet:
        outlet_row = session.scalars(
            select(Outlet).where(
                or_(func.lower(Outlet.name) == outlet.lower(), Outlet.slug == outlet)
            )
        ).one_or_none()
        if outlet_row is None:
            raise NotFound(f"no outlet {outlet!r}")
    if out.exists():
        if out.is_dir():
            raise ConfigError(f"{out}: is a directory; give a file name")
        out.unlink()
    out.parent.mkdir(parents=True, exist_ok=True)
    extra = "" if outlet_row else ", source TEXT"
    conn = sqlite3.connect(out)
    try:
        conn.executescript(
            f"""
            CREATE TABLE entry (id INTEGER PRIMARY KEY, url TEXT, created TEXT, checked TEXT,
                                num_versions INTEGER{extra});
            CREATE TABLE entryversion (id INTEGER PRIMARY KEY, entry_id INTEGER, version INTEGER,
                                       created TEXT, title TEXT, url TEXT, num_versions INTEGER,
                                       summary TEXT, archive_url TEXT{extra});
            CREATE INDEX entryversion_entry_id ON entryversion(entry_id);
            """
        )
        stmt = (
            select(Article, Outlet.name)
            .outerjoin(Outlet, Outlet.id == Article.outlet_id)
            .where(Article.version_count > 0)
            .order_by(Article.id)
        )
        if outlet_row is not None:
            stmt = stmt.where(Article.outlet_id == outlet_row.id)
        entries = versions = 0
        for article, outlet_name in session.execute(stmt.execution_options(yield_per=500)):
            row = [
                article.id,
                article.url,
                article.first_seen_at.isoformat(),
                article.last_checked_at.isoformat() if article.last_checked_at else None,
                article.version_count,
            ]
            if outlet_row is None:
                row.append(outlet_name)
            conn.execute(f"INSERT INTO entry VALUES ({', '.join('?' * len(row))})", row)
            entries += 1
            for v in session.scalars(
                select(Version).where(Version.article_id == article.id).order_by(Version.number)
            ):
                summary = SEPARATOR.join(html.escape(p, quote=False) for p in v.paragraph_list)
                vrow = [
                    v.id,
                    article.id,
                    v.number - 1,
                    v.captured_at.isoformat(),
                    v.title,
                    v.final_url or article.url,
                    article.version_count,
                    summary,
                    _archive_url(v.source, article.url),
                ]
                if outlet_row is None:
                    vrow.append(outlet_name)
                conn.execute(
                    f"INSERT INTO entryversion VALUES ({', '.join('?' * len(vrow))})", vrow
                )
                versions += 1
            if progress and entries % 100 == 0:
                progress(entries)
        conn.commit()
    finally:
        conn.close()
    return entries, versions
