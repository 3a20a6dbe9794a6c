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

from sqlalchemy import BindParameter, bindparam, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from newsdiff.store.db import describe
from newsdiff.store.models import Article, Outlet, UTCDateTime, Version
from newsdiff.store.search_query import Query, parse_query

logger = logging.getLogger(__name__)

WITHIN = ("any", "latest", "added", "removed")

#: tables made by migration 0005 that the models do not declare (FTS5's own shadow tables are
#: ``versions_fts_*``): autogenerate comparisons leave them out (:func:`is_index_table`)
INDEX_TABLES = ("versions_fts", "version_search")

SNIPPET_CHARS = 180
SNIPPET_LEAD = 60
FIRST_BATCH = 64
MAX_BATCH = 20_000

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


# -- the engines -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Filters:
    outlet: str | None
    article_ids: tuple[int, ...] | None
    since: datetime | None
    until: datetime | None
    kinds: tuple[str, ...]

    def where(self, v: str) -> str:
        """SQL conditions on version alias ``v`` (and ``a``, the article, for the outlet)."""
        parts = []
        if self.article_ids is not None:
            parts.append(f"{v}.article_id IN :article_ids")
        if self.outlet is not None:
            parts.append("a.outlet_id = (SELECT o.id FROM outlets o WHERE o.name = :outlet)")
        if self.since is not None:
            parts.append(f"{v}.captured_at >= :since")
        if self.until is not None:
            parts.append(f"{v}.captured_at < :until")
        if self.kinds:
            ors = " OR ".join(
                f"(',' || {v}.edit_kinds || ',') LIKE :kind{i} ESCAPE '\\'"
                for i in range(len(self.kinds))
            )
            parts.append(f"({ors})")
        return "".join(f" AND {p}" for p in parts)

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.article_ids is not None:
            out["article_ids"] = list(self.article_ids)
        if self.outlet is not None:
            out["outlet"] = self.outlet
        if self.since is not None:
            out["since"] = self.since
        if self.until is not None:
            out["until"] = self.until
        for i, kind in enumerate(self.kinds):
            escaped = kind.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            out[f"kind{i}"] = f"%,{escaped},%"
        return out


class _Engine:
    """The SQL of one engine. The candidates query streams the versions a hit can be about,
    most recently stored first, one page at a time (``before``: the keyset)."""

    table: str  # the index table, aliased f
    key: str  # its version id column
    join: str = "JOIN"

    def match(self, alias: str) -> str:
        """The condition "the index row ``alias`` matches the query" (uses the index)."""
        raise NotImplementedError

    def match_of(self, version: str) -> str:
        """The condition "the version aliased ``version`` matches the query", checked per row
        (a lookup by id, never a scan of every match)."""
        raise NotImplementedError

    def query_param(self, query: Query) -> str:
        raise NotImplementedError

    def candidates_sql(self, within: str, filters: _Filters, keyset: bool) -> str:
        key, join = f"f.{self.key}", self.join
        if within == "removed":  # f is p, the version before v; v lacks the text
            sql = (
                f"SELECT v.id AS hit, v.article_id AS article_id, {key} AS quoted "
                f"FROM {self.table} f {join} versions p ON p.id = {key} "
                f"{join} versions v ON v.article_id = p.article_id AND v.number = p.number + 1"
            )
            cond = f"{self.match('f')} AND NOT ({self.match_of('v')})"
        else:
            sql = (
                f"SELECT v.id AS hit, v.article_id AS article_id, {key} AS quoted "
                f"FROM {self.table} f {join} versions v ON v.id = {key}"
            )
            cond = self.match("f")
        if filters.outlet is not None:
            sql += f" {join} articles a ON a.id = v.article_id"
        if within == "latest":
            cond += (
                " AND NOT EXISTS (SELECT 1 FROM versions n "
                "WHERE n.article_id = v.article_id AND n.number > v.number)"
            )
        elif within == "added":
            cond += (
                " AND v.number > 1 AND NOT EXISTS (SELECT 1 FROM versions p "
                "WHERE p.article_id = v.article_id AND p.number = v.number - 1 "
                f"AND {self.match_of('p')})"
            )
        cond += filters.where("v")
        if keyset:
            cond += f" AND {key} < :before"
        return f"{sql} WHERE {cond} ORDER BY {key} DESC LIMIT :batch"

    def versions_sql(self, filters: _Filters) -> str:
        """The matching versions of the articles :hit_articles (for ``any``)."""
        return (
            "SELECT v.article_id, v.id, v.number FROM versions v "
            + (" JOIN articles a ON a.id = v.article_id" if filters.outlet is not None else "")
            + f" WHERE v.article_id IN :hit_articles AND {self.match_of('v')}"
            + filters.where("v")
        )


class _SQLite(_Engine):
    table = "versions_fts"
    key = "rowid"
    join = "CROSS JOIN"  # fixes the join order: the FTS5 table first, walked in rowid order

    def match(self, alias: str) -> str:
        return f"{alias}.versions_fts MATCH :q"

    def match_of(self, version: str) -> str:
        return (
            "EXISTS (SELECT 1 FROM versions_fts g WHERE g.versions_fts MATCH :q "
            f"AND g.rowid = {version}.id)"
        )

    def query_param(self, query: Query) -> str:
        return query.to_fts5()


class _PostgreSQL(_Engine):
    table = "version_search"
    key = "version_id"

    def match(self, alias: str) -> str:
        return f"{alias}.document @@ to_tsquery('newsdiff_search', :q)"

    def match_of(self, version: str) -> str:
        return (
            "coalesce((SELECT g.document @@ to_tsquery('newsdiff_search', :q) "
            f"FROM version_search g WHERE g.version_id = {version}.id), false)"
        )

    def query_param(self, query: Query) -> str:
        return query.to_tsquery()


def _engine(session: Session) -> _Engine:
    return _PostgreSQL() if session.get_bind().dialect.name == "postgresql" else _SQLite()


def _statement(sql: str, params: dict[str, Any]) -> Any:
    stmt = text(sql)
    binds: list[BindParameter[Any]] = []
    for name in ("article_ids", "hit_articles"):
        if name in params:
            binds.append(bindparam(name, expanding=True))
    for name in ("since", "until"):
        if name in params:
            binds.append(bindparam(name, type_=UTCDateTime()))
    return stmt.bindparams(*binds) if binds else stmt


@dataclass(frozen=True)
class _Candidate:
    hit: int  # the version the hit is about
    article_id: int
    quoted: int  # the version whose text matched (the one before, for removed)


def _candidates(
    session: Session,
    engine: _Engine,
    query: Query,
    within: str,
    filters: _Filters,
    wanted: int,
) -> list[_Candidate]:
    """The first ``wanted`` hits (distinct articles for ``any``), most recently stored first,
    read in growing pages so that a common word costs no more than a rare one."""
    params: dict[str, Any] = {"q": engine.query_param(query), **filters.params()}
    found: list[_Candidate] = []
    seen: set[int] = set()
    before: int | None = None
    batch = max(FIRST_BATCH, 2 * wanted)
    while len(found) < wanted:
        sql = engine.candidates_sql(within, filters, before is not None)
        page = {**params, "batch": batch}
        if before is not None:
            page["before"] = before
        rows = session.execute(_statement(sql, page), page).all()
        for hit, article_id, quoted in rows:
            if within == "any":
                if article_id in seen:
                    continue
                seen.add(article_id)
            found.append(_Candidate(hit, article_id, quoted))
            if len(found) == wanted:
                break
        if len(rows) < batch:
            break
        before = rows[-1][2]
        batch = min(batch * 4, MAX_BATCH)
    return found


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
    filters = _Filters(
        outlet,
        tuple(article_ids) if article_ids is not None else None,
        since,
        until,
        tuple(kinds),
    )
    engine = _engine(session)
    found = _candidates(session, engine, parsed, within, filters, limit)
    if not found:
        return []
    matching: dict[int, list[tuple[int, int]]] = {}
    if within == "any":
        params = {
            "q": engine.query_param(parsed),
            "hit_articles": sorted({c.article_id for c in found}),
            **filters.params(),
        }
        sql = engine.versions_sql(filters)
        for article_id, vid, number in session.execute(_statement(sql, params), params):
            matching.setdefault(article_id, []).append((number, vid))
        # the hit is the article's highest-numbered matching version (a backfilled one can
        # have been stored after it)
        found = [
            _Candidate(max(matching[c.article_id])[1], c.article_id, max(matching[c.article_id])[1])
            if matching.get(c.article_id)
            else c
            for c in found
        ]
    return _hits(session, parsed, within, found, matching)


def _hits(
    session: Session,
    query: Query,
    within: str,
    found: list[_Candidate],
    matching: dict[int, list[tuple[int, int]]],
) -> list[SearchHit]:
    ids = {c.hit for c in found} | {c.quoted for c in found}
    rows = session.execute(
        select(
            Version.id,
            Version.number,
            Version.captured_at,
            Version.title,
            Version.paragraphs,
            Article.url,
            Article.version_count,
            Outlet.name,
        )
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .where(Version.id.in_(sorted(ids)))
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
                "newsdiff_search_document(v.title, v.paragraphs)) "
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
                "SELECT id, newsdiff_search_document(title, paragraphs) FROM versions"
            )
        )
    else:
        session.execute(text("INSERT INTO versions_fts (versions_fts) VALUES ('rebuild')"))
