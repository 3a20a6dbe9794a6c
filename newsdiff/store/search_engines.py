"""How :func:`newsdiff.store.search.search` finds its hits on each engine: the SQL, and the
order in which matches are read so that no query costs more than it must.

- SQLite (FTS5) walks the matches in rowid order, newest first, and stops at the LIMIT: a word
  in half the archive costs no more than a rare name. Whether a neighbouring version matches
  (for ``added``/``removed``) is looked up in the index row by row among the
  :data:`RECENT_SCAN` newest matches; past them, every match is read once into a set and the
  neighbours are checked against it (a phrase in many versions but added in few).
- PostgreSQL's planner cannot tell a rare word from a common one well (a word outside its
  statistics is guessed at 0.5% of rows), and walking the id index for the newest matches of
  a word found nowhere read all 1,000,000 rows (3 s). So the newest :data:`RECENT_WINDOW`
  versions are searched first (bounded whatever the plan: enough for any common word); when
  they hold too few hits, every older matching id is read from the GIN index into memory and
  looked at newest first, :data:`CHUNK` ids (then more) at a time.

A prefix longer than FTS5's prefix index (three characters, migration 0005) stands for
several words whose doclists FTS5 merges at each lookup, so such queries skip the row-by-row
lookups for the set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, text
from sqlalchemy.orm import Session

from newsdiff.store.models import UTCDateTime
from newsdiff.store.search_query import Query, fold

FIRST_BATCH = 64
MAX_BATCH = 20_000
RECENT_SCAN = 500
RECENT_WINDOW = 10_000
CHUNK = 1_000


@dataclass(frozen=True)
class Filters:
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


class Engine:
    """The SQL of one engine.

    The candidates query walks the matching versions most recently stored first and keeps
    those a hit is about (``within``), so that a LIMIT ends it early; whether a neighbouring
    version matches is looked up in the index row by row. The changes query reads every match
    once into a set (``m``) and checks the neighbours against it: cheap per row, but as dear
    as the number of matches."""

    table: str  # the index table, aliased f
    key: str  # its version id column
    join: str = "JOIN"
    windowed = False  # search the newest versions first (see _PostgreSQL)

    def match(self, alias: str) -> str:
        """The condition "the index row ``alias`` matches the query" (uses the index)."""
        raise NotImplementedError

    def floor(self, session: Session, params: dict[str, Any]) -> int | None:
        """An id below which matches are "not recent": those above are few enough to be
        checked one by one (None: every match is)."""
        raise NotImplementedError

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
        filters: Filters,
        *,
        keyset: bool = False,
        recent: bool = False,
    ) -> str:
        """Hits for ``within``; ``keyset``: stored before :before; ``recent``: among the
        matches stored after :floor only (a bounded first try)."""
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

    def versions_sql(self, filters: Filters, per_row: bool) -> str:
        """The matching versions of the articles :hit_articles (for ``any``)."""
        return (
            "SELECT v.article_id, v.id, v.number FROM versions v "
            + (" JOIN articles a ON a.id = v.article_id" if filters.outlet is not None else "")
            + f" WHERE v.article_id IN :hit_articles AND {self.match_of('v', per_row)}"
            + filters.where("v")
        )


class _SQLite(Engine):
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

    def floor(self, session: Session, params: dict[str, Any]) -> int | None:
        # FTS5 walks the matches in rowid order: the RECENT_SCAN-th one is cheap to find
        sql = (
            "SELECT rowid FROM versions_fts WHERE versions_fts MATCH :q "
            "ORDER BY rowid DESC LIMIT 1 OFFSET :scan"
        )
        found = session.execute(text(sql), {"q": params["q"], "scan": RECENT_SCAN}).scalar()
        return int(found) if found is not None else None

    def changes_sql(self, within: str, filters: Filters) -> str:
        """Hits for ``added``/``removed`` checked against the set of every match (``m``, read
        from the index once; SQLite builds a temporary index of ``IN (SELECT id FROM m)``
        once), most recently stored first."""
        join = self.join
        sql = f"WITH m(id) AS (SELECT f.{self.key} FROM {self.table} f WHERE {self.match('f')}) "
        if within == "removed":  # m holds p, the version before v; v lacks the text
            sql += (
                "SELECT v.id AS hit, v.article_id AS article_id, p.id AS quoted "
                f"FROM m {join} versions p ON p.id = m.id {join} versions v "
                "ON v.article_id = p.article_id AND v.number = p.number + 1"
            )
            cond = "v.id NOT IN (SELECT id FROM m)"
        else:
            sql += (
                "SELECT v.id AS hit, v.article_id AS article_id, v.id AS quoted "
                f"FROM m {join} versions v ON v.id = m.id"
            )
            cond = (
                "v.number > 1 AND NOT EXISTS (SELECT 1 FROM versions p "
                "WHERE p.article_id = v.article_id AND p.number = v.number - 1 "
                "AND p.id IN (SELECT id FROM m))"
            )
        if filters.outlet is not None:
            sql += f" {join} articles a ON a.id = v.article_id"
        return f"{sql} WHERE {cond}{filters.where('v')} ORDER BY m.id DESC LIMIT :batch"

    def per_row(self, query: Query) -> bool:
        # FTS5 merges the doclists of every word a prefix stands for at each lookup, unless
        # the prefix has the length of its prefix index (migration 0005: three characters)
        return all(len(fold(t.words[-1])) == 3 for t in query.terms if t.prefix)

    def query_param(self, query: Query) -> str:
        return query.to_fts5()


class _PostgreSQL(Engine):
    table = "version_search"
    key = "version_id"
    # The planner cannot tell a rare word from a common one well (a word outside its sample
    # is guessed at 0.5% of rows): walking the id index for the newest matches of a word in
    # none of them read all 1,000,000 rows (3 s). So the newest RECENT_WINDOW versions are
    # searched first (bounded, whatever the plan); when they hold too few matches, the rest
    # are read from the GIN index and sorted (the order by "id + 0" rules the id index out).
    windowed = True

    def top(self, session: Session) -> int | None:
        top = session.execute(text("SELECT max(version_id) FROM version_search")).scalar()
        return int(top) if top is not None else None

    def matches(self, session: Session, q: str, before: int | None) -> list[int]:
        """Every matching version id (below ``before``), newest first, read from the GIN index
        (no order asked, so no walk of the id index)."""
        sql = f"SELECT f.version_id FROM version_search f WHERE {self.match('f')}"
        params: dict[str, Any] = {"q": q}
        if before is not None:
            sql += " AND f.version_id < :before"
            params["before"] = before
        return sorted(session.scalars(text(sql), params), reverse=True)

    def chunk_sql(self, within: str, filters: Filters) -> str:
        """For the matching ids :chunk: the rows a hit can be about, and the neighbour to look
        up in the set of matches (the version before for added, after for removed)."""
        join = " JOIN articles a ON a.id = v.article_id" if filters.outlet is not None else ""
        if within == "removed":
            sql = (
                "SELECT v.id, v.article_id, p.id, v.id FROM versions p JOIN versions v "
                f"ON v.article_id = p.article_id AND v.number = p.number + 1{join} "
                "WHERE p.id = ANY(:chunk)"
            )
        elif within == "added":
            sql = (
                "SELECT v.id, v.article_id, v.id, p.id FROM versions v LEFT JOIN versions p "
                f"ON p.article_id = v.article_id AND p.number = v.number - 1{join} "
                "WHERE v.id = ANY(:chunk) AND v.number > 1"
            )
        else:
            sql = (
                f"SELECT v.id, v.article_id, v.id, NULL FROM versions v{join} "
                "WHERE v.id = ANY(:chunk)"
            )
            if within == "latest":
                sql += (
                    " AND NOT EXISTS (SELECT 1 FROM versions n "
                    "WHERE n.article_id = v.article_id AND n.number > v.number)"
                )
        return sql + filters.where("v")

    def floor(self, session: Session, params: dict[str, Any]) -> int | None:
        top = self.top(session)
        return top - RECENT_WINDOW if top is not None and top > RECENT_WINDOW else None

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


def engine_for(session: Session) -> Engine:
    return _PostgreSQL() if session.get_bind().dialect.name == "postgresql" else _SQLite()


def statement(sql: str, params: dict[str, Any]) -> Any:
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
class Candidate:
    hit: int  # the version the hit is about
    article_id: int
    quoted: int  # the version whose text matched (the one before, for removed)


def run(session: Session, sql: str, params: dict[str, Any]) -> list[Candidate]:
    return [Candidate(*row) for row in session.execute(statement(sql, params), params)]


def _changes(
    session: Session,
    engine: Engine,
    query: Query,
    within: str,
    filters: Filters,
    wanted: int,
) -> list[Candidate]:
    """The first ``wanted`` versions where the query's text appeared (``added``) or went
    (``removed``). Every match is a candidate, but a word or phrase found in many versions
    usually changes in few of them: first the most recent matches (:data:`RECENT_SCAN`
    matches on SQLite, the matches among the newest :data:`RECENT_WINDOW` versions on
    PostgreSQL) are checked one neighbour at a time (enough when changes are common), then, if
    that found too few, every match is, against the set of all matches (as dear as the number
    of matches)."""
    params: dict[str, Any] = {"q": engine.query_param(query), **filters.params()}
    if engine.per_row(query):
        floor = engine.floor(session, params)
        if floor is None:  # few matches: one neighbour at a time is the whole answer
            return run(session, engine.candidates_sql(within, filters), {**params, "batch": wanted})
        sql = engine.candidates_sql(within, filters, recent=True)
        found = run(session, sql, {**params, "batch": wanted, "floor": floor})
        if len(found) == wanted:
            return found
    if isinstance(engine, _PostgreSQL):
        return _from_ids(session, engine, params, within, filters, wanted, [], None)
    assert isinstance(engine, _SQLite)
    return run(session, engine.changes_sql(within, filters), {**params, "batch": wanted})


def _from_ids(
    session: Session,
    engine: _PostgreSQL,
    params: dict[str, Any],
    within: str,
    filters: Filters,
    wanted: int,
    found: list[Candidate],
    before: int | None,
    seen: set[int] | None = None,
) -> list[Candidate]:
    """PostgreSQL, when matches are sparse: every matching id (below ``before``) read from the
    GIN index into memory, then looked at newest first in growing chunks (the version rows,
    the filters, and for added/removed the neighbour, checked against the ids in memory), until
    ``wanted`` hits. No statement here depends on the planner guessing how common a word is."""
    ids = engine.matches(session, params["q"], before)
    matching = set(ids) if within in ("added", "removed") else set()
    sql = statement(engine.chunk_sql(within, filters), filters.params())
    size, at = CHUNK, 0
    while at < len(ids) and len(found) < wanted:
        chunk = ids[at : at + size]
        at, size = at + size, min(size * 4, MAX_BATCH)
        rows = session.execute(sql, {**params, "chunk": chunk}).all()
        for hit, article_id, quoted, neighbour in sorted(rows, key=lambda r: -r[2]):
            if within == "added" and neighbour is not None and neighbour in matching:
                continue
            if within == "removed" and neighbour in matching:
                continue
            if seen is not None:
                if article_id in seen:
                    continue
                seen.add(article_id)
            found.append(Candidate(hit, article_id, quoted))
            if len(found) == wanted:
                break
    return found


def find_candidates(
    session: Session,
    engine: Engine,
    query: Query,
    within: str,
    filters: Filters,
    wanted: int,
) -> list[Candidate]:
    """The first ``wanted`` hits (distinct articles for ``any``), most recently stored first,
    read in growing pages so that a common word costs no more than a rare one."""
    if within in ("added", "removed"):
        return _changes(session, engine, query, within, filters, wanted)
    params: dict[str, Any] = {"q": engine.query_param(query), **filters.params()}
    found: list[Candidate] = []
    seen: set[int] = set()

    def take(rows: list[Candidate]) -> None:
        for row in rows:
            if len(found) == wanted:
                return
            if within == "any":
                if row.article_id in seen:
                    continue
                seen.add(row.article_id)
            found.append(row)

    before: int | None = None  # matches stored before this id (a page's keyset)
    # an article has a few versions: enough matches for ``wanted`` articles at the first go
    batch = max(FIRST_BATCH, (8 if within == "any" else 2) * wanted)
    floor = engine.floor(session, params) if engine.windowed else None  # and after this one
    while len(found) < wanted:
        sql = engine.candidates_sql(
            within, filters, keyset=before is not None, recent=floor is not None
        )
        page = {**params, "batch": batch, "before": before, "floor": floor}
        rows = run(session, sql, {k: v for k, v in page.items() if v is not None})
        take(rows)
        if len(rows) == batch:  # more in this stretch of ids: the next page of it
            before = rows[-1].quoted
            batch = min(batch * 4, MAX_BATCH)
            continue
        if floor is None:  # every match read
            break
        # the newest versions held too few: the older matches are sparse, read them by id
        assert isinstance(engine, _PostgreSQL)
        return _from_ids(
            session,
            engine,
            params,
            within,
            filters,
            wanted,
            found,
            floor + 1,
            seen if within == "any" else None,
        )
    return found


def matching_versions(
    session: Session, engine: Engine, query: Query, filters: Filters, article_ids: Sequence[int]
) -> dict[int, list[tuple[int, int]]]:
    """For ``any``: each article's matching versions, as (number, id)."""
    params = {
        "q": engine.query_param(query),
        "hit_articles": sorted(set(article_ids)),
        **filters.params(),
    }
    sql = engine.versions_sql(filters, engine.per_row(query))
    matching: dict[int, list[tuple[int, int]]] = {}
    for article_id, vid, number in session.execute(statement(sql, params), params):
        matching.setdefault(article_id, []).append((number, vid))
    return matching
