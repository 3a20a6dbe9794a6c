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
from newsdiff.store.search_query import Query, fold, parse_query

logger = logging.getLogger(__name__)

WITHIN = ("any", "latest", "added", "removed")

#: tables made by migration 0005 that the models do not declare (FTS5's own shadow tables are
#: ``versions_fts_*``): autogenerate comparisons leave them out (:func:`is_index_table`)
INDEX_TABLES = ("versions_fts", "version_search")

SNIPPET_CHARS = 180
SNIPPET_LEAD = 60
FIRST_BATCH = 64
MAX_BATCH = 20_000
RECENT_SCAN = 500

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
    """The SQL of one engine.

    The candidates query walks the matching versions most recently stored first and keeps
    those a hit is about (``within``), so that a LIMIT ends it early; whether a neighbouring
    version matches is looked up in the index row by row. The changes query reads every match
    once into a set (``m``) and checks the neighbours against it: cheap per row, but as dear
    as the number of matches."""

    table: str  # the index table, aliased f
    key: str  # its version id column
    join: str = "JOIN"

    def match(self, alias: str) -> str:
        """The condition "the index row ``alias`` matches the query" (uses the index)."""
        raise NotImplementedError

    def floor_sql(self) -> str:
        """The id of the :scan-th most recently stored match (none if there are fewer)."""
        return (
            f"SELECT f.{self.key} FROM {self.table} f WHERE {self.match('f')} "
            f"ORDER BY f.{self.key} DESC LIMIT 1 OFFSET :scan"
        )

    def match_of(self, version: str, per_row: bool) -> str:
        """The condition "the version aliased ``version`` matches the query"."""
        raise NotImplementedError

    def per_row(self, query: Query) -> bool:
        """Whether checking rows one by one is cheap for this query."""
        return True

    def query_param(self, query: Query) -> str:
        raise NotImplementedError

    def candidates_sql(
        self,
        within: str,
        filters: _Filters,
        *,
        keyset: bool = False,
        recent: bool = False,
    ) -> str:
        """Hits for ``within``; ``keyset``: stored before :before; ``recent``: among the
        matches stored since :floor only (a bounded first try)."""
        key, join = f"f.{self.key}", self.join
        cond = [self.match("f")]
        if within == "removed":  # f is p, the version before v; v lacks the text
            sql = (
                f"SELECT v.id AS hit, v.article_id AS article_id, {key} AS quoted "
                f"FROM {self.table} f {join} versions p ON p.id = {key} "
                f"{join} versions v ON v.article_id = p.article_id AND v.number = p.number + 1"
            )
            cond.append(f"NOT ({self.match_of('v', True)})")
        else:
            sql = (
                f"SELECT v.id AS hit, v.article_id AS article_id, {key} AS quoted "
                f"FROM {self.table} f {join} versions v ON v.id = {key}"
            )
        if filters.outlet is not None:
            sql += f" {join} articles a ON a.id = v.article_id"
        if within == "latest":
            cond.append(
                "NOT EXISTS (SELECT 1 FROM versions n "
                "WHERE n.article_id = v.article_id AND n.number > v.number)"
            )
        elif within == "added":
            cond.append(
                "v.number > 1 AND NOT EXISTS (SELECT 1 FROM versions p "
                "WHERE p.article_id = v.article_id AND p.number = v.number - 1 "
                f"AND {self.match_of('p', True)})"
            )
        if keyset:
            cond.append(f"{key} < :before")
        if recent:
            cond.append(f"{key} > :floor")
        where = " AND ".join(cond)
        return f"{sql} WHERE {where}{filters.where('v')} ORDER BY {key} DESC LIMIT :batch"

    def in_matches(self, expr: str) -> str:
        """The condition "``expr`` is the id of a match" against the CTE ``m`` of them all."""
        return f"EXISTS (SELECT 1 FROM m WHERE m.id = {expr})"

    def changes_sql(self, within: str, filters: _Filters) -> str:
        """Hits for ``added``/``removed`` checked against the set of every match (``m``, read
        from the index once), most recently stored first."""
        join = self.join
        sql = f"WITH m(id) AS (SELECT f.{self.key} FROM {self.table} f WHERE {self.match('f')}) "
        if within == "removed":  # m holds p, the version before v; v lacks the text
            sql += (
                "SELECT v.id AS hit, v.article_id AS article_id, p.id AS quoted "
                f"FROM m {join} versions p ON p.id = m.id {join} versions v "
                "ON v.article_id = p.article_id AND v.number = p.number + 1"
            )
            cond = f"NOT {self.in_matches('v.id')}"
        else:
            sql += (
                "SELECT v.id AS hit, v.article_id AS article_id, v.id AS quoted "
                f"FROM m {join} versions v ON v.id = m.id"
            )
            cond = (
                "v.number > 1 AND NOT EXISTS (SELECT 1 FROM versions p "
                "WHERE p.article_id = v.article_id AND p.number = v.number - 1 "
                f"AND {self.in_matches('p.id')})"
            )
        if filters.outlet is not None:
            sql += f" {join} articles a ON a.id = v.article_id"
        return f"{sql} WHERE {cond}{filters.where('v')} ORDER BY m.id DESC LIMIT :batch"

    def versions_sql(self, filters: _Filters, per_row: bool) -> str:
        """The matching versions of the articles :hit_articles (for ``any``)."""
        return (
            "SELECT v.article_id, v.id, v.number FROM versions v "
            + (" JOIN articles a ON a.id = v.article_id" if filters.outlet is not None else "")
            + f" WHERE v.article_id IN :hit_articles AND {self.match_of('v', per_row)}"
            + filters.where("v")
        )


class _SQLite(_Engine):
    table = "versions_fts"
    key = "rowid"
    join = "CROSS JOIN"  # fixes the join order: the FTS5 table first, walked in rowid order

    def match(self, alias: str) -> str:
        return f"{alias}.versions_fts MATCH :q"

    def match_of(self, version: str, per_row: bool) -> str:
        if per_row:  # FTS5 seeks each term's doclist to that rowid
            return (
                "EXISTS (SELECT 1 FROM versions_fts g WHERE g.versions_fts MATCH :q "
                f"AND g.rowid = {version}.id)"
            )
        # SQLite runs a subquery that names no outer column once, into a temporary index
        return f"{version}.id IN (SELECT rowid FROM versions_fts WHERE versions_fts MATCH :q)"

    def in_matches(self, expr: str) -> str:
        # SQLite builds a temporary index of a subquery that names no outer column, once
        return f"{expr} IN (SELECT id FROM m)"

    def per_row(self, query: Query) -> bool:
        # FTS5 merges the doclists of every word a prefix stands for at each lookup, unless
        # the prefix has the length of its prefix index (migration 0005: three characters)
        return all(len(fold(t.words[-1])) == 3 for t in query.terms if t.prefix)

    def query_param(self, query: Query) -> str:
        return query.to_fts5()


class _PostgreSQL(_Engine):
    table = "version_search"
    key = "version_id"

    def match(self, alias: str) -> str:
        return f"{alias}.document @@ to_tsquery('newsdiff_search', :q)"

    def match_of(self, version: str, per_row: bool) -> str:
        if per_row:  # a scalar subquery: evaluated for each row, never a scan of every match
            return (
                "coalesce((SELECT g.document @@ to_tsquery('newsdiff_search', :q) "
                f"FROM version_search g WHERE g.version_id = {version}.id), false)"
            )
        # the planner may turn this into a (hashed) semi join over every match
        return (
            "EXISTS (SELECT 1 FROM version_search g WHERE g.version_id = "
            f"{version}.id AND g.document @@ to_tsquery('newsdiff_search', :q))"
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


def _run(session: Session, sql: str, params: dict[str, Any]) -> list[_Candidate]:
    return [_Candidate(*row) for row in session.execute(_statement(sql, params), params)]


def _changes(
    session: Session,
    engine: _Engine,
    query: Query,
    within: str,
    filters: _Filters,
    wanted: int,
) -> list[_Candidate]:
    """The first ``wanted`` versions where the query's text appeared (``added``) or went
    (``removed``). Every match is a candidate, but a word or phrase found in many versions
    usually changes in few of them: first the most recent :data:`RECENT_SCAN` matches are
    checked one neighbour at a time (enough when changes are common), then, if that found too
    few, every match is, against the set of all matches (as dear as the number of matches)."""
    params: dict[str, Any] = {"q": engine.query_param(query), **filters.params()}
    if engine.per_row(query):
        scan = {"q": params["q"], "scan": RECENT_SCAN}
        floor = session.execute(text(engine.floor_sql()), scan).scalar()
        if floor is None:  # few matches: one neighbour at a time is the whole answer
            return _run(
                session, engine.candidates_sql(within, filters), {**params, "batch": wanted}
            )
        sql = engine.candidates_sql(within, filters, recent=True)
        found = _run(session, sql, {**params, "batch": wanted, "floor": floor})
        if len(found) == wanted:
            return found
    return _run(session, engine.changes_sql(within, filters), {**params, "batch": wanted})


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
    if within in ("added", "removed"):
        return _changes(session, engine, query, within, filters, wanted)
    params: dict[str, Any] = {"q": engine.query_param(query), **filters.params()}
    found: list[_Candidate] = []
    seen: set[int] = set()
    before: int | None = None
    # an article has a few versions: enough matches for ``wanted`` articles at the first go
    batch = max(FIRST_BATCH, (8 if within == "any" else 2) * wanted)
    while len(found) < wanted:
        sql = engine.candidates_sql(within, filters, keyset=before is not None)
        page = {**params, "batch": batch}
        if before is not None:
            page["before"] = before
        rows = _run(session, sql, page)
        for row in rows:
            if within == "any":
                if row.article_id in seen:
                    continue
                seen.add(row.article_id)
            found.append(row)
            if len(found) == wanted:
                break
        if len(rows) < batch:
            break
        before = rows[-1].quoted
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
        sql = engine.versions_sql(filters, engine.per_row(parsed))
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
    # the tables, not the mapped classes: no mapper configuration on a command's first query
    v, a, o = Version.__table__.c, Article.__table__.c, Outlet.__table__.c
    rows = session.execute(
        select(v.id, v.number, v.captured_at, v.title, v.paragraphs, a.url, a.version_count, o.name)
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
