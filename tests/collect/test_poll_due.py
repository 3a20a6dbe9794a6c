"""The idle poll's check (newsdiff.collect.due): `newsdiff poll` decides that nothing is due
with sqlite3 alone, before SQLAlchemy loads. It must agree with the full poll every time: each
case below is answered both ways on a real SQLite file (the full poll runs on a copy of it and
must then have polled, checked and written nothing exactly when the check said so)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text, update

from newsdiff.collect.articles import track_url
from newsdiff.collect.due import PollSummary, nothing_due, sqlite_file
from newsdiff.collect.lock import poll_lock
from newsdiff.collect.poll import run_poll
from newsdiff.config import AlertSettings, FeedSettings, Settings
from newsdiff.store.articles import get_or_create_outlet
from newsdiff.store.db import Database
from newsdiff.store.feeds import add_feed
from newsdiff.store.models import Article
from tests.collect.conftest import make_settings
from tests.collect.server import Site, article_html
from tests.collect.test_poll import LEAD, SECOND

#: the moment each case polls at; with microseconds, so that the comparison is tested to them
NOW = datetime(2026, 3, 4, 12, 30, 15, 250_000, tzinfo=UTC)
LATER, EARLIER = NOW + timedelta(microseconds=1), NOW - timedelta(microseconds=1)
#: nowhere: the full poll's fetches fail at once, which is enough to see that it made them
NOWHERE = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Given:
    """A case: tracked articles (next check, status), feeds (next poll, outlet, whether the
    outlet has a domain) and the config's [[feeds]] (their URLs are the feeds' by position)."""

    articles: tuple[tuple[datetime | None, str], ...] = ()
    feeds: tuple[tuple[datetime | None, str | None, bool], ...] = ()
    config: tuple[FeedSettings, ...] = ()

    def build(self, settings: Settings) -> Settings:
        database = Database(settings.database.url)
        try:
            for n, (next_check, status) in enumerate(self.articles):
                article, _ = track_url(database, f"{NOWHERE}/news/{n}", outlet="Nowhere")
                with database.write() as session:
                    session.execute(
                        update(Article)
                        .where(Article.id == article.id)
                        .values(next_check_at=next_check, status=status)
                    )
            for n, (next_poll, outlet, domain) in enumerate(self.feeds):
                with database.write() as session:
                    found = None
                    if outlet is not None:
                        found = get_or_create_outlet(
                            session, outlet, "127.0.0.1" if domain else None
                        )
                    feed, _ = add_feed(session, feed_url(n), now=NOW, outlet=found)
                    feed.next_poll_at = next_poll
        finally:
            database.dispose()
        return dataclasses.replace(settings, feeds=self.config)


def feed_url(n: int) -> str:
    return f"{NOWHERE}/rss/{n}"


def _tables(path: Path) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return [
            conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608
            for table in ("feeds", "outlets", "articles", "checks")
        ]
    finally:
        conn.close()


def full_poll_idle(settings: Settings, tmp_path: Path, force: bool) -> bool:
    """Whether the full poll at NOW, run on a copy of the database, did nothing: polled no
    feed, checked no article, wrote nothing to feeds, outlets, articles or checks."""
    source = Path(settings.database.url.removeprefix("sqlite:///"))
    copy = tmp_path / "copy" / source.name
    copy.parent.mkdir()
    shutil.copy(source, copy)
    before = _tables(copy)
    url = f"sqlite:///{copy}"
    database = Database(url)
    try:
        summary = run_poll(
            settings.with_database_url(url), database, force=force, clock=lambda: NOW
        )
    finally:
        database.dispose()
    after = _tables(copy)
    shutil.rmtree(copy.parent)
    return summary.feeds_polled == summary.checks == 0 and before == after


TRACKING = "tracking"
CASES = {
    "empty database": (Given(), True, True),
    "article due a microsecond later": (Given(articles=((LATER, TRACKING),)), True, False),
    "article due now": (Given(articles=((NOW, TRACKING),)), False, False),
    "article due a microsecond ago": (Given(articles=((EARLIER, TRACKING),)), False, False),
    "one of four articles due": (
        Given(
            articles=tuple((LATER + timedelta(hours=h), TRACKING) for h in range(3))
            + ((NOW - timedelta(days=3), TRACKING),)
        ),
        False,
        False,
    ),
    "article never scheduled": (Given(articles=((None, TRACKING),)), True, False),
    "stopped article, overdue": (Given(articles=((EARLIER, "stopped"),)), True, True),
    "gone article, overdue": (Given(articles=((EARLIER, "gone"),)), True, True),
    "feed due later": (Given(feeds=((LATER, None, True),)), True, False),
    "feed due now": (Given(feeds=((NOW, None, True),)), False, False),
    "feed never scheduled": (Given(feeds=((None, None, True),)), False, False),
    "config feed not in the database": (
        Given(config=(FeedSettings(feed_url(0)),)),
        False,
        False,
    ),
    "config feed known": (
        Given(feeds=((LATER, "Nowhere", True),), config=(FeedSettings(feed_url(0)),)),
        True,
        False,
    ),
    "config feed known, in its outlet": (
        Given(
            feeds=((LATER, "Nowhere", True),),
            config=(FeedSettings(feed_url(0), outlet="Nowhere"),),
        ),
        True,
        False,
    ),
    "config feed known, in another outlet": (
        Given(
            feeds=((LATER, "Elsewhere", True),),
            config=(FeedSettings(feed_url(0), outlet="Nowhere"),),
        ),
        False,
        False,
    ),
    "config feed known, its outlet without a domain": (
        Given(
            feeds=((LATER, "Nowhere", False),),
            config=(FeedSettings(feed_url(0), outlet="Nowhere"),),
        ),
        False,
        False,
    ),
}


@pytest.mark.parametrize("force", [False, True], ids=["due", "force"])
@pytest.mark.parametrize("name", list(CASES))
def test_the_check_agrees_with_the_full_poll(
    name: str, force: bool, sqlite_url: str, tmp_path: Path
) -> None:
    given, idle, idle_forced = CASES[name]
    settings = given.build(make_settings(sqlite_url))
    expected = idle_forced if force else idle
    assert nothing_due(settings, force=force, now=NOW) is expected
    assert full_poll_idle(settings, tmp_path, force) is expected


def test_it_takes_the_present_by_default(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url)
    now = datetime.now(UTC)
    Given(articles=((now + timedelta(hours=1), TRACKING),)).build(settings)
    assert nothing_due(settings)
    Given(articles=((now - timedelta(seconds=1), TRACKING),)).build(settings)
    assert not nothing_due(settings)


def _idle(sqlite_url: str) -> Settings:
    settings = make_settings(sqlite_url)
    return Given(articles=((LATER, TRACKING),)).build(settings)


def test_steps_aside_while_a_poll_holds_the_lock(sqlite_url: str) -> None:
    settings = _idle(sqlite_url)
    assert nothing_due(settings, now=NOW)
    database = Database(sqlite_url)
    try:
        with poll_lock(database):
            assert not nothing_due(settings, now=NOW)  # the full path says "another poll"
    finally:
        database.dispose()
    assert nothing_due(settings, now=NOW)


def test_steps_aside_with_alerts(sqlite_url: str) -> None:
    """A run sends the alerts still pending, due or not."""
    settings = _idle(sqlite_url)
    alert = AlertSettings(name="desk", urls=("json://127.0.0.1:9/",))
    assert not nothing_due(dataclasses.replace(settings, alerts=(alert,)), now=NOW)


@pytest.mark.parametrize("revision", [None, "0007", "9999"], ids=["none", "older", "newer"])
def test_steps_aside_for_a_schema_not_this_newsdiffs(sqlite_url: str, revision: str | None) -> None:
    settings = _idle(sqlite_url)
    database = Database(sqlite_url)
    try:
        with database.write() as session:
            if revision is None:
                session.execute(text("DELETE FROM alembic_version"))
            else:
                session.execute(
                    text("UPDATE alembic_version SET version_num = :v"), {"v": revision}
                )
    finally:
        database.dispose()
    assert not nothing_due(settings, now=NOW)


def test_steps_aside_for_a_missing_or_empty_file(tmp_path: Path) -> None:
    missing = make_settings(f"sqlite:///{tmp_path / 'missing.sqlite'}")
    assert not nothing_due(missing, now=NOW)
    assert not (tmp_path / "missing.sqlite").exists()  # and creates nothing
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert not nothing_due(make_settings(f"sqlite:///{empty}"), now=NOW)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    assert not nothing_due(make_settings(f"sqlite:///{garbage}"), now=NOW)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:9/newsdiff",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file:db?mode=ro&uri=true",
        "sqlite:///~/newsdiff.sqlite",
        "sqlite:///a%20b.sqlite",
    ],
)
def test_only_plain_sqlite_files(url: str) -> None:
    assert sqlite_file(url) is None
    assert not nothing_due(make_settings(url), now=NOW)  # nothing is connected to


def test_sqlite_file_reads_the_path_as_sqlalchemy_does(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    for url in (f"sqlite:///{tmp_path}/n.sqlite", "sqlite:///relative/n.sqlite"):
        assert sqlite_file(url) == make_url(url).database
    assert sqlite_file(f"sqlite+pysqlite:///{tmp_path}/n.sqlite") == f"{tmp_path}/n.sqlite"


# --- through the command, in a fresh interpreter ---------------------------------------------


def run_cli(settings: Settings, tmp_path: Path, *args: str) -> tuple[int, str, str, list[str]]:
    """`newsdiff poll ARGS` in a fresh interpreter: status, stdout, stderr, and which of the
    heavy modules it imported."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{settings.database.url}"\n'
        '[fetch]\nuser_agent = "test/1 (+mailto:t@t.t)"\ntimeout_s = 5\n'
    )
    heavy = ("sqlalchemy", "httpx", "trafilatura", "lxml", "alembic", "pygments", "rich")
    code = (
        "import sys\n"
        "from newsdiff.cli import main\n"
        "try:\n"
        f"    main(['--config', {str(config)!r}, 'poll', *{list(args)!r}])\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        f"print('LOADED', [m for m in {heavy!r} if m in sys.modules], status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    out, marker = done.stdout.rsplit("LOADED ", 1)
    loaded, status = marker.rsplit("]", 1)
    return int(status), out, done.stderr, json.loads(loaded.replace("'", '"') + "]")


def test_an_idle_poll_says_what_it_said_and_loads_no_sqlalchemy(
    sqlite_url: str, tmp_path: Path
) -> None:
    settings = make_settings(sqlite_url)
    Given(articles=((datetime.now(UTC) + timedelta(hours=1), TRACKING),)).build(settings)
    status, out, err, loaded = run_cli(settings, tmp_path)
    assert (status, err, loaded) == (0, "", [])
    assert out == (
        "0 feeds polled (0 failed), 0 new articles, 0 checks, 0 new versions, 0 failures in 0.0s\n"
    )
    status, out, err, loaded = run_cli(settings, tmp_path, "--json")
    assert (status, err, loaded) == (0, "", [])
    summary = json.loads(out)
    assert summary["seconds"] < 60
    assert summary == {**PollSummary().to_dict(), "seconds": summary["seconds"]}
    assert run_cli(settings, tmp_path, "--quiet") == (0, "", "", [])


def test_a_poll_with_one_due_article_checks_it(site: Site, sqlite_url: str, tmp_path: Path) -> None:
    """Among articles not due, the one that is due is checked (the check never skips work)."""
    settings = make_settings(sqlite_url)
    later = datetime.now(UTC) + timedelta(hours=1)
    Given(articles=tuple((later, TRACKING) for _ in range(5))).build(settings)
    site.set("/news/due", article_html("Inspectors report", [LEAD, SECOND]))
    database = Database(sqlite_url)
    try:
        track_url(database, site.url("/news/due"), outlet="Site")  # due at once
    finally:
        database.dispose()
    status, out, err, loaded = run_cli(settings, tmp_path, "--json")
    assert status == 0, err
    summary = json.loads(out)
    assert (summary["checks"], summary["new_versions"], summary["failures"]) == (1, 1, 0)
    assert "sqlalchemy" in loaded
    assert "httpx" in loaded and "pygments" not in loaded  # not httpx's command-line client
    # and now that it is checked, the next run has nothing to do again
    status, out, err, loaded = run_cli(settings, tmp_path, "--json")
    assert (status, json.loads(out)["checks"], loaded) == (0, 0, [])
