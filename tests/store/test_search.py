"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector + GIN): the index follows every
write, the migration indexes an existing database, and every query form means the same on
both engines."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Boolean, bindparam, text

from newsdiff.store import search_engines as engines
from newsdiff.store.articles import get_or_create_outlet, track_article
from newsdiff.store.db import Database, make_engine, migrations_dir
from newsdiff.store.models import Article, UTCDateTime, Version
from newsdiff.store.observations import Observation, record_observation
from newsdiff.store.search import (
    SearchHit,
    check_index,
    rebuild_index,
    search,
)
from newsdiff.store.versions import VersionFields

T0 = datetime(2008, 11, 12, 9, tzinfo=UTC)
LEAD = "Inspectors are expected to say that Haringey council failed to protect the boy."
LEAD_SAID = "Inspectors said that Haringey council failed to protect the boy."
CLOSE = "The council said it would respond to the findings in full."


def _fields(paragraphs: list[str], title: str = "Baby P: council criticised") -> VersionFields:
    return VersionFields(
        title=title, paragraphs=tuple(paragraphs), extractor="test", extractor_version="1"
    )


def _article(database: Database, url: str, outlet: str | None = None) -> int:
    with database.write() as session:
        found = get_or_create_outlet(session, outlet) if outlet else None
        article, _ = track_article(session, url, now=T0, outlet=found)
        return article.id


def _observe(
    database: Database,
    aid: int,
    paragraphs: list[str],
    hours: float,
    *,
    title: str = "Baby P: council criticised",
    archive: bool = False,
) -> str:
    """Record what a fetch saw, as the poll (or the archive backfill) does."""
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        recorded = record_observation(
            session,
            article,
            Observation(
                article_id=aid,
                checked_at=T0 + timedelta(hours=hours),
                fields=_fields(paragraphs, title),
                in_time_order=archive,
                source="archive:x" if archive else "live",
            ),
        )
        return recorded.placement or recorded.outcome


def _find(database: Database, query: str, **options: object) -> list[SearchHit]:
    with database.read() as session:
        return search(session, query, **options)  # type: ignore[arg-type]


def _pairs(hits: list[SearchHit]) -> list[tuple[int, int]]:
    return [(h.article_id, h.version) for h in hits]


def _in_step(database: Database) -> None:
    with database.write() as session:
        assert check_index(session) == []


# -- the index follows every write --------------------------------------------------------


def test_poll_versions_are_found_at_once(database: Database) -> None:
    aid = _article(database, "https://example.org/a")
    assert _find(database, "Haringey") == []
    _observe(database, aid, [LEAD, CLOSE], 0)
    hits = _find(database, "Haringey")
    assert _pairs(hits) == [(aid, 1)]
    _observe(database, aid, [LEAD_SAID, CLOSE], 1)
    assert _pairs(_find(database, '"are expected to"')) == [(aid, 1)]
    assert _pairs(_find(database, '"are expected to"', within="latest")) == []
    assert _pairs(_find(database, "said", within="latest")) == [(aid, 2)]
    _in_step(database)


def test_a_rolled_back_version_leaves_no_trace(database: Database) -> None:
    aid = _article(database, "https://example.org/a")
    with pytest.raises(RuntimeError), database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        record_observation(
            session,
            article,
            Observation(article_id=aid, checked_at=T0, fields=_fields(["Zanzibar"])),
        )
        raise RuntimeError("the poll failed after the write")
    assert _find(database, "Zanzibar") == []
    _in_step(database)


def test_a_backfilled_version_in_the_middle_is_found_and_compared_with_its_neighbours(
    database: Database,
) -> None:
    aid = _article(database, "https://example.org/a")
    _observe(database, aid, [LEAD, CLOSE], 0)
    _observe(database, aid, ["Inspectors found failures.", CLOSE], 10)
    # the archive saw a middle text, between the two: inserted as v2, the last becomes v3
    assert _observe(database, aid, [LEAD_SAID, CLOSE], 5, archive=True) == "inserted"
    assert _pairs(_find(database, '"inspectors said"', within="any")) == [(aid, 2)]
    hit = _find(database, "Haringey")[0]
    assert hit.versions == (1, 2) and hit.version == 2 and hit.version_count == 3
    # "are expected to" went in v2 (the archived one), "said that" in v3
    assert _pairs(_find(database, '"are expected to"', within="removed")) == [(aid, 2)]
    assert _pairs(_find(database, '"said that"', within="added")) == [(aid, 2)]
    assert _pairs(_find(database, '"said that"', within="removed")) == [(aid, 3)]
    assert _pairs(_find(database, "failures", within="added")) == [(aid, 3)]
    _in_step(database)


def test_deleted_versions_and_articles_leave_the_index(database: Database) -> None:
    one = _article(database, "https://example.org/one")
    two = _article(database, "https://example.org/two")
    _observe(database, one, [LEAD], 0)
    _observe(database, one, [LEAD_SAID], 1)
    _observe(database, two, [LEAD], 0)
    with database.write() as session:
        session.execute(
            text("DELETE FROM versions WHERE article_id = :a AND number = 2"), {"a": one}
        )
    assert _find(database, "said") == []
    with database.write() as session:
        session.execute(text("DELETE FROM articles WHERE id = :a"), {"a": two})  # cascades
    assert _pairs(_find(database, "Haringey")) == [(one, 1)]
    _in_step(database)


def test_an_edited_text_is_indexed_again(database: Database) -> None:
    aid = _article(database, "https://example.org/a")
    _observe(database, aid, [LEAD], 0)
    with database.write() as session:  # raw SQL: the text as it is, no longer compact
        session.execute(
            text(
                "UPDATE versions SET paragraphs = 'Walthamstow only', title = 'Other', "
                "text_codec = NULL, text_data = NULL, text_base_id = NULL, text_digest = NULL"
            )
        )
    assert _find(database, "Haringey") == []
    assert _pairs(_find(database, "Walthamstow")) == [(aid, 1)]
    _in_step(database)


def test_check_and_rebuild(database: Database) -> None:
    aid = _article(database, "https://example.org/a")
    _observe(database, aid, [LEAD], 0)
    with database.write() as session:  # a writer that bypasses the triggers
        if database.is_sqlite:
            session.execute(text("DROP TRIGGER versions_fts_update"))
        else:
            session.execute(text("ALTER TABLE versions DISABLE TRIGGER versions_search"))
        session.execute(
            text(
                "UPDATE versions SET paragraphs = 'Walthamstow only', text_codec = NULL, "
                "text_data = NULL, text_base_id = NULL, text_digest = NULL"
            )
        )
        assert check_index(session) != []
        rebuild_index(session)
        assert check_index(session) == []
        if not database.is_sqlite:
            session.execute(text("ALTER TABLE versions ENABLE TRIGGER versions_search"))
    assert _pairs(_find(database, "Walthamstow")) == [(aid, 1)]
    assert _find(database, "Haringey") == []


# -- the migration ----------------------------------------------------------------------


@pytest.fixture
def at_0004(db_url: str) -> Iterator[Config]:
    """The test database taken back to schema 0004 (before search), emptied; brought back to
    the head afterwards."""
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    command.downgrade(cfg, "0004")
    try:
        yield cfg
    finally:
        command.upgrade(cfg, "head")
        engine.dispose()


def _insert_raw(url: str, articles: int) -> list[int]:
    """Articles with one or two versions (odd ones lose "are expected to" in v2), written in
    plain SQL: the models may have columns a schema this old lacks."""
    engine = make_engine(url)
    ids = []
    version = text(
        "INSERT INTO versions (article_id, number, captured_at, title, paragraphs, text_hash, "
        "extractor, extractor_version, source, title_changed, words_added, words_removed, "
        "paragraphs_unchanged, paragraphs_modified, paragraphs_inserted, paragraphs_deleted, "
        "paragraphs_moved) VALUES (:a, :n, :at, 'Council criticised', :p, :h, 'test', '1', "
        "'live', :f, 0, 0, 0, 0, 0, 0, 0)"
    ).bindparams(bindparam("at", type_=UTCDateTime()), bindparam("f", type_=Boolean()))
    with engine.begin() as conn:
        for i in range(articles):
            aid = conn.execute(
                text(
                    "INSERT INTO articles (url, first_seen_at, status, failure_count, "
                    "version_count) VALUES (:u, :at, 'tracking', 0, :c) RETURNING id"
                ).bindparams(bindparam("at", type_=UTCDateTime())),
                {"u": f"https://example.org/{i}", "at": T0, "c": 1 + i % 2},
            ).scalar_one()
            ids.append(aid)
            for n, paragraphs in enumerate(([LEAD, CLOSE], [LEAD_SAID, CLOSE])[: 1 + i % 2]):
                body = "\n".join(paragraphs)
                conn.execute(
                    version,
                    {"a": aid, "n": n + 1, "at": T0 + timedelta(hours=n), "p": body, "h": body[:64],
                     "f": False},
                )  # fmt: skip
    engine.dispose()
    return ids


def test_the_migration_indexes_an_existing_database(
    db_url: str, at_0004: Config, caplog: pytest.LogCaptureFixture
) -> None:
    ids = _insert_raw(db_url, 12)
    seen: list[tuple[str, int, int]] = []
    at_0004.attributes["progress"] = lambda stage, done, total: seen.append((stage, done, total))
    with caplog.at_level(logging.INFO, logger="alembic.runtime.migration"):
        command.upgrade(at_0004, "0005")
    assert seen and seen[-1] == ("search index", 18, 18)
    assert "search index: 18 of 18 versions (100%" in caplog.text
    # the texts as they are in the index 0005 made (0008's new form is not there yet:
    # migrate() converts the texts after the migrations, plain alembic does not)
    command.upgrade(at_0004, "head")
    database = Database(db_url)
    try:
        _in_step(database)
        assert len(_find(database, "Haringey")) == 12
        assert sorted(_pairs(_find(database, '"are expected to"', within="removed"))) == [
            (aid, 2) for aid in ids[1::2]
        ]
        # a version written after the migration is indexed by the triggers
        _observe(database, ids[0], ["Walthamstow"], 5)
        assert _pairs(_find(database, "Walthamstow")) == [(ids[0], 2)]
    finally:
        database.dispose()


def test_downgrade_removes_the_index(db_url: str, at_0004: Config) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        names = set(
            conn.execute(
                text(
                    "SELECT name FROM sqlite_master"
                    if engine.dialect.name == "sqlite"
                    else "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ).scalars()
        )
    engine.dispose()
    assert not {n for n in names if n.startswith(("versions_fts", "version_search"))}
    assert _insert_raw(db_url, 2)  # versions are still written, without an index


# -- what changed: --in added / removed ----------------------------------------------------


@pytest.mark.parametrize("recent", [1, 2_000], ids=["all matches", "recent matches"])
@pytest.mark.parametrize("phrase", ['"are expected to"', '"are expect*"', '"are exp*"'])
def test_added_and_removed_through_a_history_that_comes_back(
    database: Database, monkeypatch: pytest.MonkeyPatch, recent: int, phrase: str
) -> None:
    """The same answers whether the neighbours are checked one by one among the most recent
    matches (RECENT_SCAN on SQLite, RECENT_WINDOW on PostgreSQL) or against the set of all
    matches (past them, or for a prefix longer than the prefix index's)."""
    monkeypatch.setattr(engines, "RECENT_SCAN", recent)
    monkeypatch.setattr(engines, "RECENT_WINDOW", recent)
    monkeypatch.setattr(engines, "CHUNK", 1)
    aid = _article(database, "https://example.org/a")
    other = _article(database, "https://example.org/b")
    _observe(database, aid, [LEAD, CLOSE], 0)  # v1 has it
    _observe(database, aid, [LEAD_SAID, CLOSE], 1)  # v2 dropped it
    _observe(database, aid, [LEAD, CLOSE, "More."], 2)  # v3 has it again
    _observe(database, aid, [LEAD, "Less."], 3)  # v4 still has it
    _observe(database, other, [LEAD], 0)  # a first version: nothing was added
    assert _pairs(_find(database, phrase, within="added")) == [(aid, 3)]
    removed = _find(database, phrase, within="removed")
    assert _pairs(removed) == [(aid, 2)]
    assert removed[0].previous == 1 and removed[0].snippet_version == 1
    assert "are expected to" in removed[0].snippet
    assert _pairs(_find(database, phrase, within="latest")) == [(other, 1), (aid, 4)]
    hits = _find(database, phrase, within="any")
    assert [(h.article_id, h.versions) for h in hits] == [(other, (1,)), (aid, (1, 3, 4))]
    # a boolean query changes where any of its terms does
    assert _pairs(_find(database, "expected -More", within="added")) == [(aid, 4)]
    assert _pairs(_find(database, "expected -More", within="removed")) == [(aid, 2)]


# -- filters, order, paging ----------------------------------------------------------------


@pytest.mark.parametrize("recent", [1, 10_000], ids=["old matches read by id", "all recent"])
def test_filters(database: Database, monkeypatch: pytest.MonkeyPatch, recent: int) -> None:
    monkeypatch.setattr(engines, "RECENT_WINDOW", recent)
    monkeypatch.setattr(engines, "RECENT_SCAN", recent)
    bbc = _article(database, "https://example.org/bbc", outlet="BBC News")
    other = _article(database, "https://example.org/other", outlet="Other")
    _observe(database, bbc, [LEAD], 0)
    _observe(database, bbc, [LEAD_SAID], 24)
    _observe(database, other, [LEAD], 48)
    with database.write() as session:
        session.execute(
            text(
                "UPDATE versions SET edit_kinds = 'certainty,quote' "
                "WHERE article_id = :a AND number = 2"
            ),
            {"a": bbc},
        )
    assert _pairs(_find(database, "Haringey", outlet="BBC News")) == [(bbc, 2)]
    assert _find(database, "Haringey", outlet="Nobody") == []
    assert _pairs(_find(database, "Haringey", article_ids=[other])) == [(other, 1)]
    assert _find(database, "Haringey", article_ids=[]) == []
    day = T0 + timedelta(hours=24)
    assert _pairs(_find(database, "Haringey", since=day)) == [(other, 1), (bbc, 2)]
    assert _pairs(_find(database, "Haringey", until=day)) == [(bbc, 1)]
    hits = _find(database, "Haringey", since=day, until=day + timedelta(hours=1))
    assert [(h.article_id, h.versions) for h in hits] == [(bbc, (2,))]
    assert _pairs(_find(database, "Haringey", kinds=["quote"])) == [(bbc, 2)]
    assert _pairs(_find(database, "Haringey", kinds=["number", "certainty"])) == [(bbc, 2)]
    assert _find(database, "Haringey", kinds=["quot"]) == []
    assert _find(database, "Haringey", kinds=["%"]) == []
    assert _pairs(_find(database, "Haringey", within="latest", outlet="BBC News")) == [(bbc, 2)]
    assert _pairs(_find(database, '"are expected to"', within="removed", outlet="Other")) == []
    with pytest.raises(ValueError, match="within"):
        _find(database, "Haringey", within="everywhere")


@pytest.mark.parametrize("recent", [3, 10_000], ids=["old matches read by id", "all recent"])
def test_order_limit_and_pages(
    database: Database, monkeypatch: pytest.MonkeyPatch, recent: int
) -> None:
    """Most recently stored first; the pages the candidates are read in (FIRST_BATCH, then
    growing; on PostgreSQL the newest RECENT_WINDOW versions first, then every older match by
    id, CHUNK at a time) never lose or repeat a hit, even when one article has many matching
    versions."""
    monkeypatch.setattr(engines, "RECENT_WINDOW", recent)
    monkeypatch.setattr(engines, "CHUNK", 5)
    monkeypatch.setattr(engines, "FIRST_BATCH", 8)  # the same pages as 64, on fewer versions
    busy = _article(database, "https://example.org/busy")
    first = engines.FIRST_BATCH
    for n in range(first + 10):  # one article, many matching versions
        _observe(database, busy, [f"Haringey update {n}."], n)
    ids = [_article(database, f"https://example.org/{i}") for i in range(first * 2)]
    for i, aid in enumerate(ids):
        _observe(database, aid, [f"Haringey story {i}."], 1000 + i)
    _observe(database, busy, ["Haringey update final."], 5000)  # the newest stored
    hits = _find(database, "Haringey", limit=1000)
    assert [h.article_id for h in hits] == [busy, *reversed(ids)]
    assert hits[0].versions == tuple(range(1, first + 12))
    assert [h.article_id for h in _find(database, "Haringey", limit=3)] == [busy, ids[-1], ids[-2]]
    latest = _find(database, "update", within="latest", limit=5)
    assert _pairs(latest) == [(busy, first + 11)]
    added = _find(database, "final", within="added")
    assert _pairs(added) == [(busy, first + 11)]
    assert len(_find(database, "story", limit=first * 2 - 1)) == first * 2 - 1


@pytest.mark.parametrize("recent", [5, 10_000], ids=["old matches read by id", "all recent"])
def test_each_page_starts_right_after_the_last(
    database: Database, monkeypatch: pytest.MonkeyPatch, recent: int
) -> None:
    """A search for k articles reads 8k matching versions at first (FIRST_BATCH 1 here), then
    pages 4 times larger, each starting below the last version read. One article's versions
    fill the first page whatever k is, and the next article's only version sits right after
    it: a page that skipped the version at its start, or a reading that stopped after one
    page, finds the wrong articles. With a small recent window (PostgreSQL), the older
    matches are read by id, CHUNK at a time, the second chunk starting at an article's only
    version too."""
    monkeypatch.setattr(engines, "RECENT_WINDOW", recent)
    monkeypatch.setattr(engines, "CHUNK", 11)
    monkeypatch.setattr(engines, "FIRST_BATCH", 1)
    ids = [_article(database, f"https://example.org/{i}") for i in range(6)]
    # newest first: 16 of article 0, then 1, seven of 0, then 2, ... : for k = 2..6 the k-th
    # article's one version is the (8(k-1)+1)-th newest, the first of the second page
    newest_first = [0] * 16 + [1] + [0] * 7 + [2] + [0] * 7 + [3] + [0] * 7 + [4] + [0] * 7 + [5]
    for n, article in enumerate(reversed(newest_first)):
        _observe(database, ids[article], [f"Haringey note {n}."], n)
    for limit in range(1, len(ids) + 1):
        hits = _find(database, "Haringey", limit=limit)
        assert [h.article_id for h in hits] == ids[:limit], f"limit {limit}"
    assert [len(h.versions) for h in _find(database, "Haringey")] == [44, 1, 1, 1, 1, 1]


def test_versions_are_numbers_of_the_version_rows(database: Database) -> None:
    aid = _article(database, "https://example.org/a")
    _observe(database, aid, [LEAD], 0)
    with database.read() as session:
        stored = session.execute(text("SELECT id FROM versions")).scalar_one()
        assert session.get(Version, stored) is not None
    assert _find(database, "Haringey")[0].version_id == stored
