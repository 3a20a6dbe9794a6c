"""Streaming exports of versions, changes, checks and typed edits as CSV or JSON Lines.

Rows are plain column values (no ORM objects) read with ``yield_per``: SQLAlchemy then asks for
``stream_results``, a server-side cursor on PostgreSQL, and SQLite steps its cursor lazily anyway.
Each row is written as soon as it is read, so memory stays flat however many rows there are.
Every selected column is labelled with its output name and read by that name, never by its
position in the ``SELECT``. Columns are documented in the README ("Research outputs").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO, TypeVar

from sqlalchemy import RowMapping, Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from newsdiff.errors import ConfigError
from newsdiff.store.models import Article, Check, Coverage, Edit, Event, Outlet, Story, Version
from newsdiff.text import standfirst_of

BATCH = 1000
S = TypeVar("S", bound="Select[*tuple[Any, ...]]")

VERSION_COLUMNS = [
    "article_id",
    "outlet",
    "url",
    "version",
    "captured_at",
    "title",
    "byline",
    "published_at",
    "modified_at",
    "text",
    "paragraphs",
    "text_hash",
    "extractor",
    "extractor_version",
    "source",
    "final_url",
    "standfirst",  # "" when the page had none, null when it was not captured yet
]
CHANGE_COLUMNS = [
    "article_id",
    "outlet",
    "url",
    "from_version",
    "to_version",
    "from_captured_at",
    "window_start",
    "window_end",
    "title_before",
    "title_after",
    "title_changed",
    "words_added",
    "words_removed",
    "paragraphs_unchanged",
    "paragraphs_modified",
    "paragraphs_inserted",
    "paragraphs_deleted",
    "paragraphs_moved",
]
CHECK_COLUMNS = [
    "check_id",
    "article_id",
    "outlet",
    "url",
    "checked_at",
    "outcome",
    "http_status",
    "error",
    "duration_ms",
    "version",
    "final_url",
    "source",
    "warnings",
]
EDIT_COLUMNS = [
    "article_id",
    "outlet",
    "url",
    "version",
    "captured_at",
    "kind",
    "change",
    "old",
    "new",
    "old_paragraph",
    "new_paragraph",
    "silent",
    "detail",
    "analyser_version",
]
KINDS = {
    "versions": VERSION_COLUMNS,
    "changes": CHANGE_COLUMNS,
    "checks": CHECK_COLUMNS,
    "edits": EDIT_COLUMNS,
}
FORMATS = ("csv", "jsonl")

# Outcomes of checks that saw the text then current: the last one before a new version opens the
# window in which the change happened (same rule as store.versions.change_window).
SAW_TEXT = ("new_version", "unchanged", "not_modified")

# Characters that JSON allows raw in strings but that many "line" readers (Python's
# str.splitlines among them) treat as line breaks: escape them so one row stays one line.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value: Any) -> Any:
    """``value`` with an apostrophe in front when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def covering_story(story: str) -> Select[int]:
    """Ids of the articles covering any event of the story ``story`` (manual unlinks left out)."""
    return (
        select(Coverage.article_id)
        .join(Event, Event.id == Coverage.event_id)
        .join(Story, Story.id == Event.story_id)
        .where(Story.slug == story, Coverage.excluded.is_(False))
    )


def _story_filter(stmt: S, article_id_col: Any, story: str | None) -> S:
    if not story:
        return stmt
    return stmt.where(article_id_col.in_(covering_story(story)))


def _select(columns: dict[str, Any]) -> Select[*tuple[Any, ...]]:
    """``SELECT`` of ``columns`` (output name -> expression), each labelled with its name, so
    that rows are read by name (``row._mapping["outlet"]``), never by position."""
    return select(*(expression.label(name) for name, expression in columns.items()))


def _stream(session: Session, stmt: Select[*tuple[Any, ...]]) -> Iterator[RowMapping]:
    """The rows of ``stmt`` as mappings keyed by column label, streamed."""
    return iter(session.execute(stmt.execution_options(yield_per=BATCH)).mappings())


def _versions(
    session: Session, story: str | None, since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    stmt = (
        _select(
            {
                "article_id": Version.article_id,
                "outlet": Outlet.name,
                "url": Article.url,
                "version": Version.number,
                "captured_at": Version.captured_at,
                "title": Version.title,
                "byline": Version.byline,
                "published_at": Version.published_at,
                "modified_at": Version.modified_at,
                "text": Version.paragraphs,
                "text_hash": Version.text_hash,
                "extractor": Version.extractor,
                "extractor_version": Version.extractor_version,
                "source": Version.source,
                "final_url": Version.final_url,
                "headlines": Version.headlines,
            }
        )
        .select_from(Version)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Version.article_id, Version.number)
    )
    if since:
        stmt = stmt.where(Version.captured_at >= since)
    stmt = _story_filter(stmt, Version.article_id, story)
    for row in _stream(session, stmt):
        text = row["text"] or ""
        derived = {
            "text": text,
            "paragraphs": text.count("\n") + 1 if text else 0,
            "standfirst": standfirst_of(row["headlines"]),
        }
        yield {name: derived[name] if name in derived else row[name] for name in VERSION_COLUMNS}


def _changes(
    session: Session, story: str | None, since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    prev = aliased(Version)
    window_start = (
        select(func.max(Check.checked_at))
        .where(
            Check.article_id == Version.article_id,
            Check.checked_at < Version.captured_at,
            Check.outcome.in_(SAW_TEXT),
        )
        .correlate(Version)
        .scalar_subquery()
    )
    stmt = (
        _select(
            {
                "article_id": Version.article_id,
                "outlet": Outlet.name,
                "url": Article.url,
                "to_version": Version.number,
                "from_captured_at": prev.captured_at,
                "window_start": window_start,
                "window_end": Version.captured_at,
                "title_before": prev.title,
                "title_after": Version.title,
                "title_changed": Version.title_changed,
                "words_added": Version.words_added,
                "words_removed": Version.words_removed,
                "paragraphs_unchanged": Version.paragraphs_unchanged,
                "paragraphs_modified": Version.paragraphs_modified,
                "paragraphs_inserted": Version.paragraphs_inserted,
                "paragraphs_deleted": Version.paragraphs_deleted,
                "paragraphs_moved": Version.paragraphs_moved,
            }
        )
        .select_from(Version)
        .join(prev, and_(prev.article_id == Version.article_id, prev.number == Version.number - 1))
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Version.article_id, Version.number)
    )
    if since:
        stmt = stmt.where(Version.captured_at >= since)
    stmt = _story_filter(stmt, Version.article_id, story)
    for row in _stream(session, stmt):
        start = row["window_start"]
        if isinstance(start, dt.datetime) and start.tzinfo is None:
            start = start.replace(tzinfo=dt.UTC)
        derived = {
            "from_version": row["to_version"] - 1,
            "window_start": start,
            "title_changed": bool(row["title_changed"]),
        }
        yield {name: derived[name] if name in derived else row[name] for name in CHANGE_COLUMNS}


def _checks(
    session: Session, story: str | None, since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    stmt = (
        _select(
            {
                "check_id": Check.id,
                "article_id": Check.article_id,
                "outlet": Outlet.name,
                "url": Article.url,
                "checked_at": Check.checked_at,
                "outcome": Check.outcome,
                "http_status": Check.http_status,
                "error": Check.error,
                "duration_ms": Check.duration_ms,
                "version": Version.number,
                "final_url": Check.final_url,
                "source": Check.source,
                "warnings": Check.warnings,
            }
        )
        .select_from(Check)
        .join(Article, Article.id == Check.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .outerjoin(Version, Version.id == Check.version_id)
        .order_by(Check.checked_at, Check.id)
    )
    if since:
        stmt = stmt.where(Check.checked_at >= since)
    stmt = _story_filter(stmt, Check.article_id, story)
    for row in _stream(session, stmt):
        yield {name: row[name] for name in CHECK_COLUMNS}


def _edits(
    session: Session, story: str | None, since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    stmt = (
        _select(
            {
                "article_id": Edit.article_id,
                "outlet": Outlet.name,
                "url": Article.url,
                "version": Version.number,
                "captured_at": Version.captured_at,
                "kind": Edit.kind,
                "change": Edit.change,
                "old": Edit.old,
                "new": Edit.new,
                "old_paragraph": Edit.old_paragraph,
                "new_paragraph": Edit.new_paragraph,
                "silent": Edit.silent,
                "detail": Edit.detail,
                "analyser_version": Version.analyser_version,
            }
        )
        .select_from(Edit)
        .join(Version, Version.id == Edit.version_id)
        .join(Article, Article.id == Edit.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Edit.article_id, Version.number, Edit.position)
    )
    if since:
        stmt = stmt.where(Version.captured_at >= since)
    stmt = _story_filter(stmt, Edit.article_id, story)
    for row in _stream(session, stmt):
        edit = {name: row[name] for name in EDIT_COLUMNS}
        # as in the diff JSON: "" for an absent side, {} for no detail
        edit["old"] = edit["old"] or ""
        edit["new"] = edit["new"] or ""
        edit["silent"] = bool(edit["silent"])
        edit["detail"] = edit["detail"] or {}
        yield edit


_SOURCES: dict[
    str, Callable[[Session, str | None, dt.datetime | None], Iterator[dict[str, Any]]]
] = {"versions": _versions, "changes": _changes, "checks": _checks, "edits": _edits}


def unanalysed_versions(
    session: Session, *, story: str | None = None, since: dt.datetime | None = None
) -> tuple[int, int]:
    """How many versions an edits export would cover (``story``, ``since``) have no typed edits
    yet, and how many have edits from another analyser version than this one's: both are
    (re)computed by ``newsdiff analyse``."""
    from newsdiff.diff.edits import ANALYSER_VERSION

    def count(condition: Any) -> int:
        stmt = select(func.count()).select_from(Version).where(condition)
        if since:
            stmt = stmt.where(Version.captured_at >= since)
        stmt = _story_filter(stmt, Version.article_id, story)
        return int(session.scalar(stmt) or 0)

    missing = count(Version.analyser_version.is_(None))
    older = count(
        Version.analyser_version.is_not(None) & (Version.analyser_version != ANALYSER_VERSION)
    )
    return missing, older


def iter_rows(
    session: Session,
    kind: str,
    *,
    story: str | None = None,
    since: dt.datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of ``kind`` (versions/changes/checks/edits) as dicts, streamed from the
    database.

    ``story`` keeps articles covering any event of that story; ``since`` keeps rows captured
    (versions; changes and edits: the new version) or checked (checks) at or after that time.
    """
    if kind not in _SOURCES:
        raise ConfigError(f"unknown export {kind!r} (known: {', '.join(_SOURCES)})")
    if since is not None and since.tzinfo is None:
        raise ConfigError(f"--since: give an aware datetime, got {since.isoformat()}")
    if story:
        from newsdiff.timeline.stories import get_story

        get_story(session, story)  # NotFound with a clear message
    return _SOURCES[kind](session, story, since)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def _cell(value: Any) -> Any:
    """A CSV cell: datetimes in ISO 8601, a dict or list as a JSON string."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _iso(value)


def _json_line(row: dict[str, Any]) -> str:
    line = json.dumps(row, ensure_ascii=False, default=_json_default)
    if any(c in line for c in _LINE_BREAKS):
        for char, escaped in _LINE_BREAKS.items():
            line = line.replace(char, escaped)
    return line


def export_rows(
    session: Session,
    kind: str,
    out: TextIO,
    *,
    fmt: str = "csv",
    story: str | None = None,
    since: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
    spreadsheet_safe: bool = False,
) -> int:
    """Write ``kind`` (versions/changes/checks/edits) to ``out`` as csv or jsonl; returns the
    count.

    CSV: a header row, RFC 4180 quoting (fields with commas, quotes or line breaks are quoted;
    the ``text`` column keeps one paragraph per line inside its quotes), datetimes in ISO 8601
    with their UTC offset, empty cells for NULL, an edit's ``detail`` as a JSON string (keys
    sorted). JSONL: one JSON object per line, UTF-8 (``detail`` an object).
    ``progress`` is called with the running count every ``BATCH`` rows.

    ``spreadsheet_safe`` (CSV only) puts an apostrophe before any text cell that starts with
    ``= + - @``, a tab or a carriage return, so that Excel or LibreOffice shows it rather than
    running it as a formula. It changes the data (a headline "-30C in Moscow" gains a quote),
    so it is off by default: analysis code should read the plain export.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    rows = iter_rows(session, kind, story=story, since=since)
    count = 0
    if fmt == "csv":
        columns = KINDS[kind]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = [_cell(row[c]) for c in columns]
            if spreadsheet_safe:
                cells = [_spreadsheet_safe(cell) for cell in cells]
            writer.writerow(cells)
            count += 1
            if progress and count % BATCH == 0:
                progress(count)
    else:
        for row in rows:
            out.write(_json_line(row))
            out.write("\n")
            count += 1
            if progress and count % BATCH == 0:
                progress(count)
    return count
