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
- ``split_sentences(entry_id, version, sent_idx, sentence)``: one row per sentence of each
  version's text (not its headline), ``sent_idx`` counting from 0 across the whole article, as
  newsdiff segments it (:func:`newsdiff.diff.sentences.segment`: sentencex with newsdiff's fixes
  for news text). ``sentence`` is the plain text (not escaped: it is data, not HTML).
- ``matched_sentences(entry_id, version_x, version_y, sent_idx_x, sent_idx_y,
  avg_sentence_distance_x, avg_sentence_distance_y)``: the sentence alignment of each pair of
  consecutive versions (``version_y = version_x + 1``), one row per entry of
  ``analyse(old, new).sentences`` (:func:`newsdiff.diff.sentence_align.align_sentences`, across
  the whole article): a sentence kept, edited or moved links ``sent_idx_x`` to ``sent_idx_y``; an
  added one has ``sent_idx_x`` NULL, a removed one ``sent_idx_y`` NULL (both distances NULL); a
  sentence split in two gives two rows with the same ``sent_idx_x``, two merged into one two rows
  with the same ``sent_idx_y``. Both distances are ``1 - similarity`` of newsdiff's alignment
  (word Dice, see that module), rounded to 4 places: 0 for an identical sentence (or one whose
  words did not change, only its punctuation or case). The corpus's distance came from word
  embeddings, so its thresholds (``<= 0.01`` for unchanged) read the same way but are not the
  same measure. With ``sentences=False`` (``--no-sentences``) both tables are left out.
- Times are UTC as ``YYYY-MM-DD HH:MM:SS`` (sqlite's own format, as in the corpus).
- The corpus ships one file per outlet: ``--outlet`` writes one outlet. By default all outlets go
  in one file and every table gets an extra ``source`` column with the outlet's name.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from newsdiff.diff import Document
from newsdiff.diff.model import Sentence
from newsdiff.diff.sentence_align import align_sentences
from newsdiff.diff.sentences import segment
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


def _rows_stmt(outlet_id: int | None) -> Select[*tuple[Any, ...]]:
    """Every version with its article (of one outlet, or all), in order; each column labelled,
    and read by that name."""
    stmt = (
        select(
            Article.id.label("article_id"),
            Article.url,
            Article.first_seen_at,
            Article.last_checked_at,
            Article.version_count,
            Outlet.name.label("outlet"),
            Version.id.label("version_id"),
            Version.number,
            Version.captured_at,
            Version.title,
            Version.final_url,
            Version.paragraphs,
            Version.source,
        )
        .select_from(Version)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Version.article_id, Version.number)
    )
    if outlet_id is not None:
        stmt = stmt.where(Article.outlet_id == outlet_id)
    return stmt


def find_outlet(session: Session, outlet: str) -> Outlet:
    """An outlet by name (any case) or slug. Raises :class:`NotFound`."""
    row = session.scalars(
        select(Outlet).where(or_(func.lower(Outlet.name) == outlet.lower(), Outlet.slug == outlet))
    ).one_or_none()
    if row is None:
        raise NotFound(f"no outlet {outlet!r}")
    return row


def _schema(extra: str, sentences: bool) -> str:
    schema = f"""
        CREATE TABLE entry (id INTEGER PRIMARY KEY, url TEXT, created TEXT, checked TEXT,
                            num_versions INTEGER{extra});
        CREATE TABLE entryversion (id INTEGER PRIMARY KEY, entry_id INTEGER, version INTEGER,
                                   created TEXT, title TEXT, url TEXT, num_versions INTEGER,
                                   summary TEXT, archive_url TEXT{extra});
    """
    if sentences:
        schema += f"""
        CREATE TABLE split_sentences (entry_id INTEGER, version INTEGER, sent_idx INTEGER,
                                      sentence TEXT{extra});
        CREATE TABLE matched_sentences (entry_id INTEGER, version_x INTEGER, version_y INTEGER,
                                        sent_idx_x INTEGER, sent_idx_y INTEGER,
                                        avg_sentence_distance_x REAL,
                                        avg_sentence_distance_y REAL{extra});
        """
    return schema


class NewsEditsResult(NamedTuple):
    """What :func:`export_newsedits` wrote: rows of each table."""

    entries: int
    versions: int
    sentences: int = 0
    matches: int = 0


def distance(similarity: float) -> float:
    """The corpus's ``avg_sentence_distance`` for newsdiff's alignment score (0: identical)."""
    return round(max(0.0, 1.0 - similarity), 4)


def sentence_rows(entry_id: int, version: int, sentences: list[Sentence]) -> list[list[Any]]:
    """``split_sentences`` rows of one version (``version`` counted from 0)."""
    return [[entry_id, version, s.index, s.text] for s in sentences]


def matched_rows(
    entry_id: int, version_y: int, old: list[Sentence], new: list[Sentence]
) -> list[list[Any]]:
    """``matched_sentences`` rows of a pair of consecutive versions (``version_y`` counted from
    0): one per entry of the sentence alignment (``analyse(old, new).sentences``)."""
    rows: list[list[Any]] = []
    for link in align_sentences(old, new):
        both = link.old is not None and link.new is not None
        gap = distance(link.similarity) if both else None
        rows.append(
            [
                entry_id,
                version_y - 1,
                version_y,
                None if link.old is None else link.old.index,
                None if link.new is None else link.new.index,
                gap,
                gap,
            ]
        )
    return rows


@dataclass
class _Batch:
    """Rows waiting to be inserted, one list per table."""

    entries: list[list[Any]]
    versions: list[list[Any]]
    sentences: list[list[Any]]
    matches: list[list[Any]]

    def size(self) -> int:
        return len(self.versions) + len(self.sentences) + len(self.matches)


def export_newsedits(
    session: Session,
    out: Path,
    *,
    outlet: str | None = None,
    archive_template: str = ARCHIVE_URL,
    progress: Callable[[int], None] | None = None,
    sentences: bool = True,
) -> NewsEditsResult:
    """Write the NewsEdits-layout file ``out`` (replaced if present). Returns the rows written
    to each table. Raises :class:`OutputError` when it cannot be written.

    One streaming query over versions joined to their article, in article order; each version's
    sentences are kept only until the next version of the same article is aligned with them,
    and rows are inserted in batches, so memory stays flat. ``archive_template`` builds
    ``archive_url`` from ``{timestamp}`` and ``{url}``. ``progress`` gets the running version
    count. ``sentences=False`` leaves out ``split_sentences`` and ``matched_sentences``.
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
    stmt = _rows_stmt(None if outlet_row is None else outlet_row.id)
    entries = versions = sentence_count = matches = 0
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_schema(extra, sentences))

            def insert(table: str, columns: int) -> str:
                return f"INSERT INTO {table} VALUES ({', '.join('?' * (columns + with_source))})"

            sql = {
                "entries": insert("entry", 5),
                "versions": insert("entryversion", 9),
                "sentences": insert("split_sentences", 4),
                "matches": insert("matched_sentences", 7),
            }
            batch = _Batch([], [], [], [])

            def flush() -> None:
                for name, rows in vars(batch).items():
                    if rows:
                        conn.executemany(sql[name], rows)
                        rows.clear()

            def tagged(rows: list[list[Any]], name: str | None) -> list[list[Any]]:
                return [[*row, name] for row in rows] if with_source else rows

            last_article: int | None = None
            previous: list[Sentence] | None = None
            for row in session.execute(stmt.execution_options(yield_per=BATCH)):
                aid, outlet_name = row.article_id, row.outlet
                url = row.final_url or row.url  # where this version was read
                if aid != last_article:
                    last_article = aid
                    previous = None
                    entry = [
                        aid,
                        row.url,
                        _when(row.first_seen_at),
                        _when(row.last_checked_at),
                        row.version_count,
                    ]
                    batch.entries.extend(tagged([entry], outlet_name))
                    entries += 1
                paragraphs = row.paragraphs.split("\n") if row.paragraphs else []
                version = [
                    row.version_id,
                    aid,
                    row.number - 1,
                    _when(row.captured_at),
                    row.title,
                    url,
                    row.version_count,
                    summary_html(paragraphs),
                    archive_url(row.source, url, archive_template),
                ]
                batch.versions.extend(tagged([version], outlet_name))
                versions += 1
                if sentences:
                    current = segment(Document(row.title or "", paragraphs))
                    split = sentence_rows(aid, row.number - 1, current)
                    batch.sentences.extend(tagged(split, outlet_name))
                    sentence_count += len(split)
                    if previous is not None:
                        matched = matched_rows(aid, row.number - 1, previous, current)
                        batch.matches.extend(tagged(matched, outlet_name))
                        matches += len(matched)
                    previous = current
                if batch.size() >= BATCH:
                    flush()
                    if progress:
                        progress(versions)
            flush()
            conn.execute("CREATE INDEX entryversion_entry_id ON entryversion(entry_id, version)")
            if sentences:
                conn.execute(
                    "CREATE INDEX split_sentences_key ON split_sentences(entry_id, version, "
                    "sent_idx)"
                )
                conn.execute(
                    "CREATE INDEX matched_sentences_key ON matched_sentences(entry_id, "
                    "version_x, version_y)"
                )
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
    return NewsEditsResult(entries, versions, sentence_count, matches)
