"""Typed edits stored at poll time, by `newsdiff analyse`, and listed by `newsdiff edits`, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from newsdiff.cli import cli
from newsdiff.diff import edits as diff_edits
from newsdiff.store.analysis import analyse_versions, count_unanalysed
from newsdiff.store.articles import track_article
from newsdiff.store.db import Database
from newsdiff.store.edits import list_edits
from newsdiff.store.history import merge_version
from newsdiff.store.models import Article, Edit, Version
from newsdiff.store.versions import VersionFields, add_version

T0 = datetime(2008, 11, 12, 9, tzinfo=UTC)
LEAD = (
    "Inspectors are expected to say that Haringey council failed to protect the boy, in a "
    "report to be published on Monday."
)
LEAD_SAID = (
    "Inspectors said that Haringey council failed to protect the boy, in a report published "
    "on Monday."
)
QUOTE = (
    '"This was the worst case I had ever seen," said Heather Brown, a paediatrician who '
    "examined the boy."
)
FIGURES = "The council's children's services handled 12 serious cases last year, the report says."
FIGURES_15 = FIGURES.replace("12", "15")
NOTICE = "Correction: an earlier version of this article gave the wrong number of serious cases."
CLOSE = "The council said it would respond to the findings in full once the report was published."


def _fields(title: str, paragraphs: list[str], source: str = "live") -> VersionFields:
    return VersionFields(
        title=title,
        paragraphs=tuple(paragraphs),
        extractor="test",
        extractor_version="1",
        source=source,
    )


def _article(database: Database) -> int:
    with database.write() as session:
        article, _ = track_article(session, "https://example.org/news/a", now=T0)
        return article.id


def _add(database: Database, aid: int, paragraphs: list[str], hours: int) -> None:
    """A version stored without edits (as by a newsdiff before typed edits)."""
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        add_version(
            session,
            article,
            _fields("Haringey", paragraphs),
            captured_at=T0 + timedelta(hours=hours),
        )


def _kinds(database: Database, aid: int) -> list[str | None]:
    with database.read() as session:
        return list(
            session.scalars(
                select(Version.edit_kinds).where(Version.article_id == aid).order_by(Version.number)
            )
        )


def test_analyse_fills_in_resumes_and_redoes_after_an_upgrade(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = _article(database)
    _add(database, aid, [LEAD, FIGURES, CLOSE], 0)
    _add(database, aid, [LEAD_SAID, FIGURES_15, CLOSE], 1)
    _add(database, aid, [LEAD_SAID, FIGURES_15, CLOSE, NOTICE], 2)
    assert _kinds(database, aid) == [None, None, None]
    assert count_unanalysed(database) == 3

    first = analyse_versions(database, batch=1)
    assert (first.pending, first.analysed, first.skipped) == (3, 3, 0)
    kinds = _kinds(database, aid)
    assert kinds[0] == "" and "number" in (kinds[1] or "") and "correction" in (kinds[2] or "")
    again = analyse_versions(database)
    assert (again.pending, again.analysed) == (0, 0)  # nothing left: resumable

    monkeypatch.setattr(diff_edits, "ANALYSER_VERSION", "999")
    assert count_unanalysed(database) == 3
    upgraded = analyse_versions(database)
    assert upgraded.analysed == 3
    with database.read() as session:
        assert set(session.scalars(select(Version.analyser_version))) == {"999"}


def test_a_later_correction_notice_makes_earlier_edits_not_silent(database: Database) -> None:
    aid = _article(database)
    _add(database, aid, [LEAD, FIGURES, CLOSE], 0)
    _add(database, aid, [LEAD, FIGURES_15, CLOSE], 1)
    analyse_versions(database)
    with database.read() as session:
        numbers = list_edits(session, kinds=["number"])
        assert [r.silent for r in numbers] == [True]
    # the outlet owns up to it in the next version
    _add(database, aid, [LEAD, FIGURES_15, CLOSE, NOTICE], 2)
    analyse_versions(database)
    with database.read() as session:
        assert [r.silent for r in list_edits(session, kinds=["number"])] == [False]
        assert list_edits(session, silent=True) == []


def test_an_archived_version_put_before_another_makes_it_pending_again(
    database: Database,
) -> None:
    aid = _article(database)
    _add(database, aid, [LEAD, FIGURES, CLOSE], 0)
    _add(database, aid, [LEAD_SAID, FIGURES_15, CLOSE], 10)
    analyse_versions(database)
    from newsdiff.store.observations import Observation, record_observation

    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        recorded = record_observation(
            session,
            article,
            Observation(
                aid,
                T0 + timedelta(hours=5),
                fields=_fields("Haringey", [LEAD, FIGURES_15, CLOSE], "archive:x"),
                in_time_order=True,
            ),
        )
        assert recorded.placement == "inserted"
    # version 3 (was 2) now follows the archived text: its edits no longer hold
    assert _kinds(database, aid)[2] is None
    with database.read() as session:
        v3 = session.scalars(select(Version).where(Version.number == 3)).one()
        assert session.scalars(select(Edit).where(Edit.version_id == v3.id)).first() is None
    analyse_versions(database)
    kinds = _kinds(database, aid)
    assert "number" in (kinds[1] or "") and "number" not in (kinds[2] or "")


def test_edits_computed_against_another_predecessor_are_not_saved(database: Database) -> None:
    """A backfill may put a version in between after the poll computed a new text's edits."""
    from newsdiff.store.edits import compute_edits, save_edits
    from newsdiff.store.versions import latest_text

    aid = _article(database)
    _add(database, aid, [LEAD, FIGURES, CLOSE], 0)
    with database.read() as session:
        previous = latest_text(session, aid)
    computed = compute_edits(previous, "Haringey", [LEAD, FIGURES_15, CLOSE])
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        merge_version(
            session,
            article,
            _fields("Haringey", [LEAD_SAID, FIGURES, CLOSE], "archive:x"),
            captured_at=T0 + timedelta(hours=1),
        )
        added = add_version(
            session,
            article,
            _fields("Haringey", [LEAD, FIGURES_15, CLOSE]),
            captured_at=T0 + timedelta(hours=2),
        )
        assert not save_edits(session, added.version, computed)
        assert added.version.analyser_version is None


def test_edits_command(database: Database, db_url: str) -> None:
    aid = _article(database)
    _add(database, aid, [LEAD, QUOTE, CLOSE], 0)
    _add(database, aid, [LEAD_SAID, CLOSE], 1)
    env = {"NEWSDIFF_DATABASE_URL": db_url}
    runner = CliRunner()
    pending = runner.invoke(cli, ["edits"], env=env)
    assert pending.exit_code == 0
    assert "not analysed yet" in pending.output
    done = runner.invoke(cli, ["analyse"], env=env)
    assert done.exit_code == 0, done.output
    assert "2 of 2 versions analysed" in done.output
    listed = runner.invoke(cli, ["edits", "--kind", "quote", "--change", "removed"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "quote removed silent" in listed.output and "worst case" in listed.output
    as_json = runner.invoke(cli, ["edits", "--json", "--silent"], env=env)
    rows = json.loads(as_json.output)
    assert rows and all(r["silent"] for r in rows)
    assert {r["kind"] for r in rows} <= {"number", "quote", "source"}
    bad = runner.invoke(cli, ["edits", "--since", "yesterday"], env=env)
    assert bad.exit_code == 2 and "is not a date" in bad.output
    unknown = runner.invoke(cli, ["edits", "--story", "nope"], env=env)
    assert unknown.exit_code == 1


def test_versions_and_articles_show_the_kinds(database: Database, db_url: str) -> None:
    aid = _article(database)
    _add(database, aid, [LEAD, QUOTE, CLOSE], 0)
    _add(database, aid, [LEAD_SAID, CLOSE], 1)
    env = {"NEWSDIFF_DATABASE_URL": db_url}
    runner = CliRunner()
    before = runner.invoke(cli, ["versions", str(aid)], env=env)
    assert before.exit_code == 0 and "?" in before.output.splitlines()[2]
    assert runner.invoke(cli, ["analyse", "--quiet"], env=env).exit_code == 0
    lines = runner.invoke(cli, ["versions", str(aid)], env=env).output.splitlines()
    mark = lines[2].split()[4]
    assert "Q" in mark and "C" in mark and mark.endswith("*"), lines
    data = json.loads(runner.invoke(cli, ["versions", str(aid), "--json"], env=env).output)
    assert data[0]["edit_kinds"] == [] and "quote" in data[1]["edit_kinds"]
    assert data[1]["silent_edits"] >= 1
    listed = json.loads(runner.invoke(cli, ["articles", "--json"], env=env).output)
    assert "certainty" in listed[0]["edit_kinds"]
