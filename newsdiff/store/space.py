"""Where an archive's space goes: the figures behind ``newsdiff db stats``.

The database is split into parts that answer "what would I save by ...":

- ``text``: the versions' text as stored (``paragraphs``, and where the compact form exists,
  ``text_data``, ``text_codec`` and ``text_digest``: :mod:`newsdiff.store.textstore`);
- ``version_columns``: the rest of the ``versions`` rows (headline, stats, capture refs...) and
  the table's page overhead;
- ``edits`` and ``checks``: those tables' rows;
- ``search_index``: the full-text index (SQLite FTS5 ``versions_fts*``, PostgreSQL
  ``version_search`` with its GIN index);
- ``indexes``: every other index, of every table;
- ``other_tables``: articles, feeds, outlets, stories and the rest;
- ``free``: pages SQLite holds but uses for nothing (``VACUUM`` gives them back);

and beside it the ``captures``: the files in the captures directory. Per outlet: versions, the
bytes of their text and of their capture records (``warc_length``).

How it is measured:

1. SQLite: the ``dbstat`` virtual table gives the bytes of every table and index as pages on
   disk; the text is the sum of its columns' byte lengths (``length(CAST(x AS BLOB))``), taken
   out of the ``versions`` table's pages. A SQLite built without ``dbstat`` falls back to the
   sum of every column's length per table (``method = "lengths"``): indexes and page overhead
   are then unknown (``None``).
2. PostgreSQL: ``pg_table_size`` (heap, TOAST, maps) per table, ``pg_indexes_size`` per table,
   and ``pg_column_size`` for the text columns: the size as stored, after TOAST's compression.

The store knows no captures format: the caller passes the captures directory (or ``None``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from newsdiff.store.search import is_index_table

#: the columns of ``versions`` that hold the text and its encoding, those present are counted
TEXT_COLUMNS = ("paragraphs", "text_data", "text_codec", "text_digest")

#: the parts of the database, in the order shown, with their labels
PARTS = (
    ("text", "text (versions' text columns)"),
    ("version_columns", "versions: other columns"),
    ("edits", "edits"),
    ("checks", "checks"),
    ("search_index", "search index"),
    ("indexes", "other indexes"),
    ("other_tables", "other tables"),
    ("free", "free pages"),
)


@dataclass(frozen=True)
class OutletSpace:
    """One outlet's share: its versions, their text bytes and their capture records' bytes."""

    outlet: str | None  # None: articles without an outlet
    versions: int
    text_bytes: int
    capture_bytes: int


@dataclass(frozen=True)
class SpaceReport:
    """Where the space goes (see the module docstring). ``parts`` maps each key of
    :data:`PARTS` to bytes (``None``: not measurable with this method)."""

    engine: str  # sqlite / postgresql
    method: str  # dbstat / lengths / postgresql
    versions: int
    parts: dict[str, int | None]
    database_bytes: int | None
    captures_dir: str | None
    captures_bytes: int
    capture_files: int
    outlets: list[OutletSpace] = field(default_factory=list)

    @property
    def total_bytes(self) -> int | None:
        if self.database_bytes is None:
            return None
        return self.database_bytes + self.captures_bytes

    def per_version(self, nbytes: int | None) -> float | None:
        if nbytes is None or not self.versions:
            return None
        return nbytes / self.versions

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "method": self.method,
            "versions": self.versions,
            "database_bytes": self.database_bytes,
            "parts": {key: {"label": label, "bytes": self.parts.get(key)} for key, label in PARTS},
            "captures": {
                "dir": self.captures_dir,
                "bytes": self.captures_bytes,
                "files": self.capture_files,
            },
            "total_bytes": self.total_bytes,
            "per_version": {
                "text": self.per_version(self.parts.get("text")),
                "captures": self.per_version(self.captures_bytes),
            },
            "outlets": [
                {
                    "outlet": o.outlet,
                    "versions": o.versions,
                    "text_bytes": o.text_bytes,
                    "capture_bytes": o.capture_bytes,
                }
                for o in self.outlets
            ],
        }


def measure_space(session: Session, captures_dir: Path | None = None) -> SpaceReport:
    """Where the space of the database behind ``session`` goes, and of ``captures_dir``."""
    engine = session.get_bind().dialect.name
    columns = text_columns(session)
    versions = session.execute(text("SELECT count(*) FROM versions")).scalar_one()
    if engine == "postgresql":
        method, parts, database_bytes = "postgresql", *_postgres_parts(session, columns)
    else:
        try:
            parts, database_bytes = _dbstat_parts(session, columns)
            method = "dbstat"
        except DBAPIError:  # no dbstat in this SQLite build
            parts, database_bytes = _length_parts(session, columns)
            method = "lengths"
    captured, files = directory_size(captures_dir)
    return SpaceReport(
        engine=engine,
        method=method,
        versions=int(versions),
        parts=parts,
        database_bytes=database_bytes,
        captures_dir=str(captures_dir) if captures_dir is not None else None,
        captures_bytes=captured,
        capture_files=files,
        outlets=_outlets(session, columns, engine),
    )


def text_columns(session: Session) -> list[str]:
    """The columns of :data:`TEXT_COLUMNS` that ``versions`` has in this database."""
    present = {c["name"] for c in inspect(session.connection()).get_columns("versions")}
    return [name for name in TEXT_COLUMNS if name in present]


def text_bytes_sql(columns: Iterable[str], engine: str, prefix: str = "") -> str:
    """SQL for one version's text bytes as stored (a sum over the text columns)."""
    if engine == "postgresql":
        terms = [f"coalesce(pg_column_size({prefix}{c}), 0)" for c in columns]
    else:
        terms = [f"coalesce(length(CAST({prefix}{c} AS BLOB)), 0)" for c in columns]
    return " + ".join(terms) or "0"


def _text_total(session: Session, columns: list[str], engine: str) -> int:
    total = session.execute(
        text(f"SELECT coalesce(sum({text_bytes_sql(columns, engine)}), 0) FROM versions")
    ).scalar_one()
    return int(total)


def _part_of_table(table: str) -> str:
    """The part a table's own rows belong to (its indexes go to ``indexes``, except the search
    index's)."""
    if is_index_table(table):
        return "search_index"
    if table in ("edits", "checks"):
        return table
    if table == "versions":
        return "version_columns"
    return "other_tables"


def _empty_parts() -> dict[str, int | None]:
    return {key: 0 for key, _label in PARTS}


#: the bytes of every table and index: one row each (SQLite 3.31+), or every page's, summed
DBSTAT_QUERIES = (
    "SELECT name, pgsize FROM dbstat WHERE aggregate = 1",
    "SELECT name, sum(pgsize) FROM dbstat GROUP BY name",
)


def _dbstat_sizes(session: Session) -> list[Any]:
    """``(name, bytes)`` of every table and index, by the first of :data:`DBSTAT_QUERIES` this
    SQLite runs; the last one's error when none does (no ``dbstat`` in this build)."""
    for n, query in enumerate(DBSTAT_QUERIES, 1):
        try:
            with session.begin_nested():  # a failure leaves the transaction usable
                return list(session.execute(text(query)).all())
        except DBAPIError:
            if n == len(DBSTAT_QUERIES):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _dbstat_parts(session: Session, columns: list[str]) -> tuple[dict[str, int | None], int | None]:
    """SQLite, from ``dbstat``: every table's and index's pages (step 1 of the module doc)."""
    sizes = _dbstat_sizes(session)
    owners = {
        name: (kind, table)
        for name, kind, table in session.execute(
            text("SELECT name, type, tbl_name FROM sqlite_master")
        )
    }
    parts = _empty_parts()
    for name, size in sizes:
        kind, table = owners.get(name, ("table", name))
        if name == "sqlite_schema" or name == "sqlite_master":
            part = "other_tables"
        elif kind == "index" and not is_index_table(table):
            part = "indexes"
        else:
            part = _part_of_table(table)
        parts[part] = (parts[part] or 0) + int(size or 0)
    text_bytes = _text_total(session, columns, "sqlite")
    parts["text"] = text_bytes
    parts["version_columns"] = max(0, (parts["version_columns"] or 0) - text_bytes)
    page_size = session.execute(text("PRAGMA page_size")).scalar_one()
    pages = session.execute(text("PRAGMA page_count")).scalar_one()
    free = session.execute(text("PRAGMA freelist_count")).scalar_one()
    parts["free"] = int(free) * int(page_size)
    return parts, int(pages) * int(page_size)


def _length_parts(session: Session, columns: list[str]) -> tuple[dict[str, int | None], int | None]:
    """SQLite without ``dbstat``: each table's values' lengths; indexes unknown."""
    parts = _empty_parts()
    parts["indexes"] = None
    parts["free"] = None
    inspector = inspect(session.connection())
    for table in inspector.get_table_names():
        names = [c["name"] for c in inspector.get_columns(table)]
        if not names:
            continue
        total = " + ".join(f'coalesce(length(CAST("{n}" AS BLOB)), 0)' for n in names)
        size = session.execute(text(f'SELECT coalesce(sum({total}), 0) FROM "{table}"'))
        part = _part_of_table(table)
        parts[part] = (parts[part] or 0) + int(size.scalar_one())
    text_bytes = _text_total(session, columns, "sqlite")
    parts["text"] = text_bytes
    parts["version_columns"] = max(0, (parts["version_columns"] or 0) - text_bytes)
    page_size = session.execute(text("PRAGMA page_size")).scalar_one()
    pages = session.execute(text("PRAGMA page_count")).scalar_one()
    return parts, int(pages) * int(page_size)


def _postgres_parts(
    session: Session, columns: list[str]
) -> tuple[dict[str, int | None], int | None]:
    """PostgreSQL: table and index sizes of the current schema (step 2 of the module doc)."""
    rows = session.execute(
        text(
            "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
        )
    ).all()
    parts = _empty_parts()
    parts["free"] = None
    total = 0
    for table, table_size, index_size in rows:
        part = _part_of_table(table)
        parts[part] = (parts[part] or 0) + int(table_size)
        index_part = "search_index" if part == "search_index" else "indexes"
        parts[index_part] = (parts[index_part] or 0) + int(index_size)
        total += int(table_size) + int(index_size)
    text_bytes = _text_total(session, columns, "postgresql")
    parts["text"] = text_bytes
    parts["version_columns"] = max(0, (parts["version_columns"] or 0) - text_bytes)
    return parts, total


def _outlets(session: Session, columns: list[str], engine: str) -> list[OutletSpace]:
    size = text_bytes_sql(columns, engine, "v.")
    rows = session.execute(
        text(
            f"SELECT o.name, count(v.id), coalesce(sum({size}), 0), "
            "coalesce(sum(v.warc_length), 0) "
            "FROM versions v JOIN articles a ON a.id = v.article_id "
            "LEFT JOIN outlets o ON o.id = a.outlet_id "
            "GROUP BY o.id, o.name ORDER BY 3 DESC, 2 DESC, o.name"
        )
    ).all()
    return [OutletSpace(name, int(n), int(t), int(c)) for name, n, t, c in rows]


def directory_size(directory: Path | None) -> tuple[int, int]:
    """The bytes and the number of the regular files under ``directory`` (0, 0 when it is
    ``None`` or missing)."""
    if directory is None:
        return 0, 0
    total = files = 0
    stack = [directory]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                total += entry.stat(follow_symlinks=False).st_size
                files += 1
    return total, files
