"""Checking a whole archive (``newsdiff.store.integrity``), on SQLite and PostgreSQL: a clean
archive passes; a damaged text, a damaged capture and a damaged search index are each found and
named (article, version, what), and nothing else is blamed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from newsdiff.errors import NotFound, StoreError
from newsdiff.store import textstore
from newsdiff.store.articles import track_article
from newsdiff.store.db import Database
from newsdiff.store.integrity import check_archive
from newsdiff.store.models import Article
from newsdiff.store.search import check_index
from newsdiff.store.versions import VersionFields, add_version

T0 = datetime(2024, 5, 1, tzinfo=UTC)
LEAD = "Inspectors said that the council failed to protect the boy in its care last year."


def _archive(database: Database, articles: int = 2, versions: int = 3) -> list[list[int]]:
    """``articles`` articles of ``versions`` versions; the version ids of each. Every version
    but the first of each article refers to a capture ``a<article>.warc.gz`` at offset 100 *
    its number."""
    ids: list[list[int]] = []
    for a in range(articles):
        with database.write() as session:
            article, _ = track_article(session, f"https://e.org/{a}", now=T0)
            aid = article.id
        ids.append([])
        for n in range(1, versions + 1):
            with database.write() as session:
                article = session.get(Article, aid)
                assert article is not None
                captured = n > 1
                added = add_version(
                    session,
                    article,
                    VersionFields(
                        title=f"Report {a}",
                        paragraphs=(LEAD, f"Paragraph {n} of article {a}: {LEAD}" * n),
                        extractor="t",
                        extractor_version="1",
                        warc_file=f"a{a}.warc.gz" if captured else None,
                        warc_offset=100 * n if captured else None,
                        warc_length=50 if captured else None,
                    ),
                    captured_at=T0 + timedelta(hours=n),
                )
                ids[-1].append(added.version.id)
    return ids


def _fine(_file: str, _offset: int, _length: int) -> None:
    return None


def test_a_clean_archive(database: Database) -> None:
    _archive(database)
    seen: list[tuple[str, int, int]] = []
    stages: dict[str, tuple[int, int]] = {}

    def verify(file: str, offset: int, length: int) -> None:
        seen.append((file, offset, length))

    def progress(stage: str, done: int, total: int) -> None:
        stages[stage] = (done, total)

    report = check_archive(database, verify_capture=verify, progress=progress)
    assert report.ok and report.damage == []
    assert report.versions == 6 and report.captures_checked == 4
    assert sorted(seen) == [(f"a{a}.warc.gz", 100 * n, 50) for a in (0, 1) for n in (2, 3)]
    assert stages["captures"] == (4, 4) and stages["search"] == (1, 1)
    assert "no damage found" in report.summary()
    assert report.texts_checked == 6 and stages["texts"] == (6, 6)


def test_a_damaged_capture_names_its_version(database: Database) -> None:
    ids = _archive(database)

    def verify(file: str, offset: int, length: int) -> None:
        if (file, offset) == ("a1.warc.gz", 300):
            raise StoreError(f"capture at {file}:{offset} is cut short")
        if (file, offset) == ("a0.warc.gz", 200):
            raise NotFound(f"capture file {file} is missing")

    report = check_archive(database, verify_capture=verify)
    assert not report.ok
    found = [(d.version_id, d.number, d.part) for d in report.damage]
    assert found == [(ids[0][1], 2, "capture"), (ids[1][2], 3, "capture")]
    assert "is missing" in report.damage[0].problem
    line = report.damage[1].line()
    assert line.startswith(f"article {report.damage[1].article_id} version 3 (id {ids[1][2]})")
    assert "cut short" in line
    assert report.summary().endswith("2 damaged versions")
    assert report.to_dict()["damaged_versions"] == 2


def test_a_capture_without_a_byte_range_is_damage(database: Database) -> None:
    ids = _archive(database, articles=1)
    with database.write() as session:
        session.execute(
            text("UPDATE versions SET warc_offset = NULL WHERE id = :id"), {"id": ids[0][2]}
        )
    report = check_archive(database, verify_capture=_fine)
    assert [(d.version_id, d.part) for d in report.damage] == [(ids[0][2], "capture")]


def test_a_damaged_text_names_its_version(database: Database) -> None:
    ids = _archive(database)
    assert textstore.FORM == "compact"
    victim = ids[1][0]  # a full copy: the versions after it are deltas on it
    with database.write() as session:
        session.execute(
            text("UPDATE versions SET text_data = :junk WHERE id = :id"),
            {"junk": b"\x28\xb5\x2f\xfd not a zstd frame", "id": victim},
        )
    report = check_archive(database, verify_capture=_fine)
    assert not report.ok
    damaged = {d.version_id for d in report.damage}
    assert victim in damaged
    assert damaged <= set(ids[1])  # nothing of the other article is blamed
    assert all(d.part == "text" for d in report.damage)
    first = next(d for d in report.damage if d.version_id == victim)
    assert first.number == 1 and first.line().startswith(f"article {first.article_id} version 1")


def test_a_damaged_search_index_is_found_and_rebuilt(database: Database) -> None:
    ids = _archive(database)
    with database.write() as session:  # one version drops out of the index
        if database.is_sqlite:
            session.execute(
                text("DELETE FROM versions_fts_docsize WHERE id = :id"), {"id": ids[0][1]}
            )
        else:
            session.execute(
                text("DELETE FROM version_search WHERE version_id = :id"), {"id": ids[0][1]}
            )
    report = check_archive(database, verify_capture=_fine)
    assert not report.ok and report.index_problems and report.damage == []
    assert "search index damaged" in report.summary()
    repaired = check_archive(database, verify_capture=_fine, repair_index=True)
    assert repaired.index_repaired and repaired.ok
    assert "rebuilt" in repaired.summary()
    with database.write() as session:
        assert check_index(session) == []
    assert check_archive(database, verify_capture=_fine).index_problems == []
