"""The whole demo, run once through the CLI into a temp database, then checked in that database:
the real poller, extraction, versioning, the story import and the coverage linking."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsdiff.cli import main
from newsdiff.demo.content import load_content
from newsdiff.demo.run import is_demo_database, prepare_db_path
from newsdiff.errors import ConfigError
from newsdiff.store.db import Database, migrate
from newsdiff.store.models import Article, Check, Coverage, Event, FeedEntry, Outlet, Version
from newsdiff.store.versions import change_window, list_versions

CONTENT = load_content()


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args: tuple[str, ...]) -> None:
    main(list(args))


def run(*args: str) -> Result:
    return CliRunner().invoke(_entry, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    folder = tmp_path_factory.mktemp("demo")
    config = folder / "empty.toml"
    config.write_text("")
    db = folder / "demo.sqlite"
    return run("demo", "--no-tui", "--db", str(db), "--config", str(config)), db


@pytest.fixture
def database(demo: tuple[Result, Path]) -> Iterator[Database]:
    db = Database(f"sqlite:///{demo[1]}")
    yield db
    db.dispose()


def article_by_path(session: Session, path: str) -> Article:
    found = [a for a in session.scalars(select(Article)) if a.url.endswith("/" + path)]
    assert len(found) == 1, path
    return found[0]


def test_cli_prints_the_summary(demo: tuple[Result, Path]) -> None:
    result, db = demo
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "3 outlets" in out and "12 rounds" in out
    assert "Joint area review report published" in out
    assert "Most edited:" in out and "4 versions" in out
    assert "Correction, 3 December 2008" in out  # the last change, side by side
    assert "not linked to any event: Council tax rise" in out
    assert str(db) in out


def test_every_version_of_the_content_is_stored_and_no_more(database: Database) -> None:
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Outlet)) >= 3
        for item in CONTENT.articles:
            article = article_by_path(session, item.path)
            versions = list_versions(session, article.id)
            assert [v.title for v in versions] == [t.headline for t in item.versions], item.key
            assert [tuple(v.paragraph_list) for v in versions] == [
                t.paragraphs for t in item.versions
            ], item.key
            for version, text in zip(versions, item.versions, strict=True):
                round_at = CONTENT.rounds[text.round].at
                assert round_at <= version.captured_at < round_at + timedelta(minutes=5)
        assert max(a.version_count for a in session.scalars(select(Article))) >= 4


def test_template_only_round_adds_no_version(database: Database) -> None:
    n = next(i for i, r in enumerate(CONTENT.rounds) if r.template_only)
    start, end = CONTENT.rounds[n].at, CONTENT.rounds[n].at + timedelta(minutes=5)
    with database.read() as session:
        in_round = select(func.count()).where(Check.checked_at.between(start, end))
        assert session.scalar(in_round.select_from(Check)) >= 10
        versions = select(func.count()).where(Version.captured_at.between(start, end))
        assert session.scalar(versions.select_from(Version)) == 0
        # the pages did change in that round: new bodies, extracted, found to be the same text
        article = article_by_path(session, CONTENT.article("ledger-report").path)
        hashes = [
            c.body_hash
            for c in session.scalars(
                select(Check).where(Check.article_id == article.id).order_by(Check.checked_at)
            )
        ]
        assert len(set(hashes)) > 4
        last = list_versions(session, article.id)[-1]
        window = change_window(session, last)
        assert window.last_old is not None and start <= window.last_old <= end


def test_story_is_linked_across_events_and_the_unrelated_article_is_not(
    database: Database,
) -> None:
    with database.read() as session:
        linked: dict[int, set[str]] = {}
        for coverage, event in session.execute(
            select(Coverage, Event).join(Event, Event.id == Coverage.event_id)
        ):
            linked.setdefault(coverage.article_id, set()).add(event.slug)
        covered = set().union(*linked.values())
        assert len(covered) >= 5, covered
        for item in CONTENT.articles:
            article = article_by_path(session, item.path)
            assert (article.id in linked) == item.about_story, item.key
        report = article_by_path(session, CONTENT.article("ledger-report").path)
        assert linked[report.id] == {"jar-inspection", "jar-report"}


def test_syndicated_article_is_one_article_listed_by_two_feeds(database: Database) -> None:
    item = next(a for a in CONTENT.articles if a.also_in)
    with database.read() as session:
        article = article_by_path(session, item.path)
        assert "?" not in article.url
        entries = list(session.scalars(select(FeedEntry).where(FeedEntry.article_id == article.id)))
        assert len(entries) == 2
        assert all("utm_source=" in e.entry_url for e in entries)
        assert article.outlet is not None and article.outlet.name == "The Morning Ledger"


def test_db_path_is_replaced_only_when_it_holds_a_demo(
    demo: tuple[Result, Path], tmp_path: Path
) -> None:
    assert is_demo_database(demo[1])
    copy = tmp_path / "copy.sqlite"
    source = sqlite3.connect(demo[1])
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    assert prepare_db_path(copy) == (copy.resolve(), True)
    assert not copy.exists()

    other = tmp_path / "mine.sqlite"
    url = f"sqlite:///{other}"
    migrate(url)
    theirs = Database(url)
    with theirs.write() as session:
        session.add(Outlet(name="Real News", slug="real-news", domain="news.example"))
    theirs.dispose()
    with pytest.raises(ConfigError, match="not a newsdiff demo database"):
        prepare_db_path(other)
    result = run("demo", "--no-tui", "--db", str(other))
    assert result.exit_code == 2
    assert other.exists()


def test_compact_texts_read_the_same_as_plain_ones(
    demo: tuple[Result, Path], database: Database, tmp_path: Path
) -> None:
    """Issue 18: the demo's archive with its texts compact (as stored) and plain (as before)
    gives the same exports, search, edits, stats, diff, feed and HTML site."""
    from tests.test_compact_outputs import same_outputs

    with database.read() as session:
        busiest = session.scalars(select(Article).order_by(Article.version_count.desc())).first()
        assert busiest is not None and busiest.version_count >= 3
    same_outputs(demo[1], tmp_path, ["Haringey", '"baby p"', "inspection"], busiest.id)
