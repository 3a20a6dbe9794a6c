"""Where the space goes (``newsdiff.store.space``): every part measured, on SQLite and
PostgreSQL; the parts add up to the database on SQLite; per outlet figures sum to the whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from newsdiff.store import space
from newsdiff.store.articles import get_or_create_outlet, track_article
from newsdiff.store.db import Database
from newsdiff.store.models import Article
from newsdiff.store.space import PARTS, directory_size, measure_space
from newsdiff.store.versions import VersionFields, add_version, record_check

T0 = datetime(2024, 5, 1, tzinfo=UTC)
PARAGRAPH = ("The council said the bridge would close for repairs on Monday morning. " * 6).strip()


def _archive(database: Database) -> dict[str, list[str]]:
    """Two outlets and an article without one; returns each outlet's texts."""
    texts: dict[str, list[str]] = {"Ledger": [], "Lamp": [], "": []}
    with database.write() as session:
        ids = {}
        for n, name in enumerate(texts):
            outlet = get_or_create_outlet(session, name) if name else None
            article, _ = track_article(session, f"https://e.org/{n}", now=T0, outlet=outlet)
            ids[name] = article.id
    for name, aid in ids.items():
        for k in range(3 if name == "Ledger" else 1):
            paragraphs = (
                f"{name or 'Nobody'} version {k}: {PARAGRAPH}",
                f"Caf\u00e9 {k} \u2014 {PARAGRAPH}",
            )
            with database.write() as session:
                article = session.get(Article, aid)
                assert article is not None
                add_version(
                    session,
                    article,
                    VersionFields(
                        title=f"{name} {k}",
                        paragraphs=paragraphs,
                        extractor="t",
                        extractor_version="1",
                        warc_file="newsdiff-2024-05-01.warc.gz",
                        warc_offset=1000 * k,
                        warc_length=500 + k,
                    ),
                    captured_at=T0 + timedelta(hours=k),
                )
                record_check(session, article, checked_at=T0, outcome="new_version")
            texts[name].append("\n".join(paragraphs))
    return texts


@pytest.fixture
def plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Versions written in today's plain form (the text as it is in ``paragraphs``)."""
    try:
        from newsdiff.store import textstore
    except ImportError:
        return
    monkeypatch.setattr(textstore, "FORM", "plain")


def test_every_part_is_measured(database: Database, tmp_path: Path) -> None:
    _archive(database)
    captures = tmp_path / "captures"
    (captures / "old").mkdir(parents=True)
    (captures / "newsdiff-2024-05-01.warc.gz").write_bytes(b"x" * 3000)
    (captures / "old" / "newsdiff-2024-04-30.warc.gz").write_bytes(b"y" * 200)
    with database.read() as session:
        report = measure_space(session, captures)
    assert report.versions == 5
    assert report.captures_bytes == 3200 and report.capture_files == 2
    assert report.parts["text"] and report.parts["text"] > 0
    for key in ("version_columns", "checks", "search_index", "indexes", "other_tables"):
        assert report.parts[key], key
    assert report.database_bytes is not None
    assert report.total_bytes == report.database_bytes + 3200
    assert set(report.to_dict()["parts"]) == {key for key, _ in PARTS}
    # every page is in one part
    assert sum(v or 0 for v in report.parts.values()) == report.database_bytes
    with database.read() as session:  # the search index, with its own indexes
        if database.is_sqlite:
            assert report.method == "dbstat"
            index = session.execute(
                text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'versions_fts%'")
            ).scalar_one()
        else:
            assert report.method == "postgresql"
            index = session.execute(
                text("SELECT pg_total_relation_size('version_search')")
            ).scalar_one()
    assert report.parts["search_index"] == index


def test_text_is_the_text_columns_bytes(
    database: Database, tmp_path: Path, plain_text: None
) -> None:
    texts = _archive(database)
    utf8 = sum(len(t.encode()) for group in texts.values() for t in group)
    with database.read() as session:
        report = measure_space(session, None)
    assert report.captures_bytes == 0 and report.captures_dir is None
    text = report.parts["text"]
    assert text is not None
    if database.is_sqlite:
        assert text == utf8  # the plain form: exactly the UTF-8 bytes of the texts
    else:
        assert 0 < text <= utf8 + 4 * 5  # as stored (TOAST may compress; a 1-4 byte header)


def test_per_outlet(database: Database) -> None:
    texts = _archive(database)
    with database.read() as session:
        report = measure_space(session, None)
    by_name = {o.outlet: o for o in report.outlets}
    assert set(by_name) == {"Ledger", "Lamp", None}
    assert by_name["Ledger"].versions == 3 and by_name["Lamp"].versions == 1
    assert by_name["Ledger"].capture_bytes == 500 + 501 + 502
    assert by_name[None].capture_bytes == 500
    assert sum(o.text_bytes for o in report.outlets) == report.parts["text"]
    assert report.outlets[0].outlet == "Ledger"  # the most text first
    assert len(texts["Ledger"]) == 3


def test_without_dbstat_the_lengths_are_summed(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, plain_text: None
) -> None:
    database = Database(sqlite_url)
    try:
        texts = _archive(database)

        # as on a SQLite built without dbstat
        monkeypatch.setattr(
            space,
            "DBSTAT_QUERIES",
            ("SELECT name, pgsize FROM no_dbstat", "SELECT x FROM no_dbstat"),
        )
        with database.read() as session:
            report = measure_space(session, None)
    finally:
        database.dispose()
    assert report.method == "lengths"
    assert report.parts["indexes"] is None and report.parts["free"] is None
    assert report.parts["text"] == sum(len(t.encode()) for g in texts.values() for t in g)
    assert report.parts["version_columns"] and report.parts["checks"]
    assert report.parts["search_index"]


def test_directory_size_of_nothing(tmp_path: Path) -> None:
    assert directory_size(None) == (0, 0)
    assert directory_size(tmp_path / "missing") == (0, 0)


def test_free_pages_are_counted(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    try:
        _archive(database)
        with database.write() as session:  # pages given back to SQLite, not to the disk
            session.execute(text("CREATE TABLE junk (x BLOB)"))
            session.execute(
                text("INSERT INTO junk SELECT zeroblob(3000) FROM versions, versions, versions")
            )
            session.execute(text("DROP TABLE junk"))
        with database.read() as session:
            report = measure_space(session, None)
            free = session.execute(text("PRAGMA freelist_count")).scalar_one()
    finally:
        database.dispose()
    assert free > 0
    assert report.parts["free"] == free * 4096
    assert sum(v or 0 for v in report.parts.values()) == report.database_bytes


def test_an_older_sqlite_sums_dbstat_pages(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(sqlite_url)
    try:
        _archive(database)
        with database.read() as session:
            expected = measure_space(session, None)
        # as on SQLite before 3.31: dbstat has no "aggregate" column
        older = (
            "SELECT name, pgsize FROM dbstat WHERE no_such_column = 1",
            space.DBSTAT_QUERIES[1],
        )
        monkeypatch.setattr(space, "DBSTAT_QUERIES", older)
        with database.read() as session:
            report = measure_space(session, None)
    finally:
        database.dispose()
    assert report.method == "dbstat"
    assert report.parts == expected.parts and report.database_bytes == expected.database_bytes
