"""Full-text search over every stored version: one query function, two engines.

The index is the database's own (migration 0005): SQLite FTS5 (``versions_fts``) or PostgreSQL
full-text search (``version_search``, tsvector + GIN), kept in step with ``versions`` by database
triggers, so every writer (poll, backfill, raw SQL) updates it. :func:`search` takes a query in
newsdiff's syntax (:mod:`newsdiff.store.search_query`), translates it for the engine, and
returns typed :class:`SearchHit` rows, the same on both.

What ``within`` looks at:

- ``any``: every version; one hit per article (its newest matching version), with the numbers
  of all its matching versions
- ``latest``: the latest version of each article only
- ``added``: versions that match while the version before them does not (the text appeared);
  a first version never counts, since nothing was there before it
- ``removed``: versions that do not match while the version before them does (the text went);
  the snippet then quotes the version before

Hits come most recently stored first (version id descending). That order is the one both
indexes can give without collecting every match first, so that a query for a word found in
half the archive is as quick as one for a rare name; an archive backfill stores old versions
late, so they come before live versions stored earlier. Filters (``outlet``, ``article_ids``,
``since``/``until`` on the version's capture time, ``kinds`` of edits) apply to the version a
hit is about.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from newsdiff.store.db import describe
from newsdiff.store.models import Article, Outlet, Version, version_text
from newsdiff.store.search_engines import (
    Candidate,
    Filters,
    engine_for,
    find_candidates,
    matching_versions,
)
from newsdiff.store.search_query import Query, parse_query
from newsdiff.store.textstore import text_sql

logger = logging.getLogger(__name__)

WITHIN = ("any", "latest", "added", "removed")

#: tables made by migration 0005 that the models do not declare (FTS5's own shadow tables are
#: ``versions_fts_*``): autogenerate comparisons leave them out (:func:`is_index_table`)
INDEX_TABLES = ("versions_fts", "version_search")

SNIPPET_CHARS = 180
SNIPPET_LEAD = 60

Span = tuple[int, int]


def is_index_table(name: str | None) -> bool:
    """Whether ``name`` is a table of the search index (not in the models)."""
    return bool(name) and (name in INDEX_TABLES or str(name).startswith("versions_fts_"))


@dataclass(frozen=True)
class SearchHit:
    """One result of :func:`search`. ``version`` is the version the hit is about (see
    ``within`` in the module docstring); ``versions`` all the article's matching versions for
    ``any``, else just ``version``; ``previous`` the version compared with for
    ``added``/``removed``. ``title_marks`` and ``snippet_marks`` are (start, end) character
    spans of the query's terms in ``title`` and ``snippet``; ``snippet_version`` the version the
    snippet quotes (the one before, for ``removed``). Text is as stored: untrusted."""

    article_id: int
    url: str
    outlet: str | None
    version: int
    version_id: int
    version_count: int
    captured_at: datetime
    title: str
    title_marks: tuple[Span, ...]
    snippet: str
    snippet_marks: tuple[Span, ...]
    snippet_version: int
    versions: tuple[int, ...]
    previous: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "url": self.url,
            "outlet": self.outlet,
            "version": self.version,
            "version_id": self.version_id,
            "previous": self.previous,
            "versions": list(self.versions),
            "version_count": self.version_count,
            "captured_at": self.captured_at.isoformat(),
            "title": self.title,
            "title_marks": [list(s) for s in self.title_marks],
            "snippet": self.snippet,
            "snippet_version": self.snippet_version,
            "snippet_marks": [list(s) for s in self.snippet_marks],
        }


def segments(text: str, marks: Sequence[Span]) -> list[tuple[str, bool]]:
    """``text`` cut at ``marks``: (piece, is_a_match) in order, for display."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in marks:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def make_snippet(query: Query, paragraphs: str) -> tuple[str, tuple[Span, ...]]:
    """A short extract of the paragraph where the query's terms are found most often (the
    first such), around the first of them, and the spans of the terms in it."""
    best: tuple[str, list[Span]] | None = None
    for paragraph in paragraphs.split("\n"):
        spans = query.find(paragraph)
        if spans and (best is None or len(spans) > len(best[1])):
            best = (paragraph, spans)
    if best is None:
        first = paragraphs.split("\n", 1)[0]
        return _cut(first, 0, len(first)), ()
    paragraph, spans = best
    start = max(0, spans[0][0] - SNIPPET_LEAD)
    if start:
        space = paragraph.find(" ", start, spans[0][0])
        start = space + 1 if space >= 0 else spans[0][0]
    end = min(len(paragraph), max(start + SNIPPET_CHARS, spans[0][1]))
    if end < len(paragraph):
        space = paragraph.rfind(" ", spans[0][1], end)
        end = space if space >= 0 else end
    snippet = _cut(paragraph, start, end)
    shift = 2 if start else 0  # "… "
    marks = tuple(
        (max(s, start) - start + shift, min(e, end) - start + shift)
        for s, e in spans
        if s < end and e > start
    )
    return snippet, marks


def _cut(text: str, start: int, end: int) -> str:
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


def search(
    session: Session,
    query: Query | str,
    *,
    within: str = "any",
    outlet: str | None = None,
    article_ids: Sequence[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    kinds: Sequence[str] = (),
    limit: int = 50,
) -> list[SearchHit]:
    """Search every stored version (see the module docstring for ``within`` and the order).

    ``query`` is newsdiff's syntax (a string is parsed: :class:`BadQuery` when it cannot be
    searched). ``article_ids`` keeps those articles only (a story's); ``kinds`` keeps versions
    with an edit of one of these kinds; ``since``/``until`` bound the version's capture time
    (``until`` excluded). At most ``limit`` hits."""
    if within not in WITHIN:
        raise ValueError(f"within must be one of {', '.join(WITHIN)}, not {within!r}")
    parsed = parse_query(query) if isinstance(query, str) else query
    if limit < 1 or (article_ids is not None and not article_ids):
        return []
    filters = Filters(
        outlet,
        tuple(article_ids) if article_ids is not None else None,
        since,
        until,
        tuple(kinds),
    )
    engine = engine_for(session)
    found = find_candidates(session, engine, parsed, within, filters, limit)
    if not found:
        return []
    matching: dict[int, list[tuple[int, int]]] = {}
    if within == "any":
        articles = [c.article_id for c in found]
        matching = matching_versions(session, engine, parsed, filters, articles)
        # the hit is the article's highest-numbered matching version (a backfilled one can
        # have been stored after it)
        found = [
            Candidate(max(matching[c.article_id])[1], c.article_id, max(matching[c.article_id])[1])
            if matching.get(c.article_id)
            else c
            for c in found
        ]
    return _hits(session, parsed, within, found, matching)


def _hits(
    session: Session,
    query: Query,
    within: str,
    found: list[Candidate],
    matching: dict[int, list[tuple[int, int]]],
) -> list[SearchHit]:
    ids = {c.hit for c in found} | {c.quoted for c in found}
    # the tables, not the mapped classes: no mapper configuration on a command's first query
    v, a, o = Version.__table__.c, Article.__table__.c, Outlet.__table__.c
    rows = session.execute(
        select(
            v.id,
            v.number,
            v.captured_at,
            v.title,
            version_text(Version.__table__).label("paragraphs"),
            a.url,
            a.version_count,
            o.name,
        )
        .select_from(
            Version.__table__.join(Article.__table__, a.id == v.article_id).outerjoin(
                Outlet.__table__, o.id == a.outlet_id
            )
        )
        .where(v.id.in_(sorted(ids)))
    ).all()
    by_id = {row.id: row for row in rows}
    hits = []
    for c in found:
        row, quoted = by_id[c.hit], by_id[c.quoted]
        snippet, marks = make_snippet(query, quoted.paragraphs)
        numbers = tuple(sorted(n for n, _ in matching.get(c.article_id, ()))) or (row.number,)
        hits.append(
            SearchHit(
                article_id=c.article_id,
                url=row.url,
                outlet=row.name,
                version=row.number,
                version_id=row.id,
                version_count=max(row.version_count, row.number),
                captured_at=row.captured_at,
                title=row.title,
                title_marks=tuple(query.find(row.title)),
                snippet=snippet,
                snippet_marks=marks,
                snippet_version=quoted.number,
                versions=numbers,
                previous=row.number - 1 if within in ("added", "removed") else None,
            )
        )
    return hits


def check_index(session: Session) -> list[str]:
    """What is wrong with the search index against ``versions`` (empty: in step). On SQLite
    this runs FTS5's integrity check against the text (call it in a write transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        missing, stale = session.execute(
            text(
                "SELECT count(*) FILTER (WHERE s.version_id IS NULL), "
                "count(*) FILTER (WHERE s.document IS DISTINCT FROM "
                f"newsdiff_search_document(v.title, {text_sql('v')})) "
                "FROM versions v LEFT JOIN version_search s ON s.version_id = v.id"
            )
        ).one()
        problems = []
        if missing:
            problems.append(f"{missing} versions are not in the search index")
        if stale and stale != missing:
            problems.append(f"{stale - missing} versions have a stale search document")
        return problems
    indexed = session.execute(text("SELECT count(*) FROM versions_fts_docsize")).scalar_one()
    stored = session.execute(text("SELECT count(*) FROM versions")).scalar_one()
    if indexed != stored:
        return [f"the search index holds {indexed} versions, the database {stored}"]
    try:
        with session.begin_nested():
            session.execute(
                text("INSERT INTO versions_fts (versions_fts, rank) VALUES ('integrity-check', 1)")
            )
    except DBAPIError as exc:
        return [f"the search index does not match the text ({describe(exc)})"]
    return []


def rebuild_index(session: Session) -> None:
    """Index every version again (after the index was damaged or its triggers dropped)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("DELETE FROM version_search"))
        session.execute(
            text(
                "INSERT INTO version_search (version_id, document) "
                f"SELECT id, newsdiff_search_document(title, {text_sql('versions')}) FROM versions"
            )
        )
    else:
        session.execute(text("INSERT INTO versions_fts (versions_fts) VALUES ('rebuild')"))
