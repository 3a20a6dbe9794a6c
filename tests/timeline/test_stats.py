"""Change statistics (`newsdiff stats`) on SQLite and PostgreSQL: figures chosen by hand, and a
seeded random archive checked against a plain Python count."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from newsdiff.cli import cli
from newsdiff.config import LinkingSettings
from newsdiff.errors import NotFound
from newsdiff.store.db import Database
from newsdiff.timeline.stats import Stats, StatsRow, compute_stats
from tests.timeline.archive import Change, article, outlet, story

T = datetime(2008, 11, 3, 10, tzinfo=UTC)  # a Monday (ISO week 45)
QUOTE = ("quote", "removed", "'a damning report'", "", True, {"speaker": "Ed Balls"})
NUMBER = ("number", "changed", "12", "15", True, {"old_value": 12, "new_value": 15})
TRIVIAL = ("trivial", "changed", "colour", "color", False, {})
FIRMER = ("certainty", "firmer", "are expected to say", "said", False, {})


@pytest.fixture
def archive(database: Database) -> Database:
    """Two outlets; a story with two events; six articles (see each line)."""
    with database.write() as session:
        gazette, herald = outlet(session, "Gazette"), outlet(session, "Herald")
        early, late = story(
            session, "baby-p", [("death", dt.date(2008, 11, 1)), ("report", dt.date(2008, 11, 12))]
        )
        # changed twice, 2 h then 5 h after the first capture; in the first event
        article(
            session,
            "https://gazette.example/1",
            gazette,
            T,
            [
                Change(timedelta(hours=2), 10, 4, True, edits=[QUOTE, NUMBER]),
                Change(timedelta(hours=5), 3, 1, edits=[TRIVIAL]),
            ],
            events=[early],
        )
        # never changed; in the first event, unlinked by hand from the second
        article(
            session,
            "https://gazette.example/2",
            gazette,
            T + timedelta(days=1),
            [],
            events=[early],
            excluded=[late],
        )
        # changed after 30 min, not analysed; linked to both events
        article(
            session,
            "https://herald.example/3",
            herald,
            T + timedelta(days=9),
            [Change(timedelta(minutes=30), 7, 0, analysed=False)],
            events=[early, late],
        )
        # changed after 1 h; not in the story
        article(
            session,
            "https://herald.example/4",
            herald,
            T + timedelta(days=10),
            [Change(timedelta(hours=1), 2, 5, True, edits=[FIRMER])],
        )
        # tracked, never captured: not counted anywhere
        article(session, "https://gazette.example/5", gazette, None)
        # unlinked by hand from the second event: not in the story
        article(session, "https://herald.example/6", herald, T + timedelta(days=9), excluded=[late])
    return database


def _stats(database: Database, **kwargs: object) -> Stats:
    with database.read() as session:
        return compute_stats(session, **kwargs)  # type: ignore[arg-type]


def _figures(row: StatsRow) -> tuple[object, ...]:
    return (
        row.articles,
        row.changed_articles,
        row.versions,
        row.changes,
        row.words_added,
        row.words_removed,
        row.headline_changes,
        row.median_to_first_change,
        row.edits,
        row.silent,
        row.unanalysed,
    )


def test_totals(archive: Database) -> None:
    stats = _stats(archive)
    assert stats.rows == []
    total = stats.total
    assert _figures(total) == (
        5,  # articles with a version (the never-captured one left out)
        3,
        9,
        4,
        10 + 3 + 7 + 2,
        4 + 1 + 0 + 5,
        2,
        timedelta(hours=1),  # of 2 h, 30 min, 1 h
        {"quote": 1, "number": 1, "trivial": 1, "certainty": 1},
        2,
        1,
    )
    assert total.share_changed == pytest.approx(3 / 5)
    assert total.changes_per_article == pytest.approx(4 / 5)
    assert stats.note is not None and "newsdiff analyse" in stats.note
    assert stats.kinds == ["number", "quote", "certainty", "trivial"]


def test_by_outlet(archive: Database) -> None:
    rows = {r.key: r for r in _stats(archive, by="outlet").rows}
    assert list(rows) == ["Herald", "Gazette"]  # most articles first
    assert _figures(rows["Gazette"])[:4] == (2, 1, 4, 2)
    assert rows["Gazette"].median_to_first_change == timedelta(hours=2)
    # an even count: the mean of the middle two (30 min and 1 h)
    assert rows["Herald"].median_to_first_change == timedelta(minutes=45)
    assert rows["Herald"].edits == {"certainty": 1} and rows["Herald"].unanalysed == 1


def test_by_event_uses_each_events_coverage(archive: Database) -> None:
    stats = _stats(archive, story="baby-p", by="event", linking=LinkingSettings(days_before=1))
    death, report = stats.rows
    assert (death.key, death.label) == ("death", "Event death")
    assert (death.start, death.end) == (dt.date(2008, 10, 31), dt.date(2008, 11, 11))
    assert (report.start, report.end) == (
        dt.date(2008, 11, 11),
        dt.date(2008, 11, 12) + timedelta(days=3650),
    )
    assert _figures(death)[:4] == (3, 2, 6, 3)
    assert death.median_to_first_change == timedelta(minutes=75)  # of 2 h and 30 min
    assert _figures(report)[:4] == (1, 1, 2, 1)  # the manual unlink is left out
    # the total counts the article linked to both events once
    assert stats.total.articles == 3 and stats.total.changes == 3


def test_an_event_without_coverage_has_a_row_of_zeros(database: Database) -> None:
    with database.write() as session:
        story(session, "quiet", [("nothing", dt.date(2009, 1, 1))])
    stats = _stats(database, story="quiet", by="event")
    (row,) = stats.rows
    assert row.articles == 0 and row.share_changed is None and row.median_to_first_change is None
    assert stats.total.articles == 0


def test_by_week_and_day_group_articles_by_first_capture(archive: Database) -> None:
    weeks = _stats(archive, by="week").rows
    assert [(r.key, r.label, r.articles) for r in weeks] == [
        ("2008-11-03", "2008-W45", 2),
        ("2008-11-10", "2008-W46", 3),
    ]
    assert weeks[0].end == dt.date(2008, 11, 9)
    days = _stats(archive, by="day").rows
    assert [(r.key, r.articles) for r in days] == [
        ("2008-11-03", 1),
        ("2008-11-04", 1),
        ("2008-11-12", 2),
        ("2008-11-13", 1),
    ]


def test_a_sunday_night_is_in_its_week(database: Database) -> None:
    """Sunday 23:30 UTC belongs to the week that began on the Monday before (UTC)."""
    with database.write() as session:
        article(session, "https://x.example/1", None, datetime(2008, 11, 9, 23, 30, tzinfo=UTC))
    (week,) = _stats(database, by="week").rows
    assert week.key == "2008-11-03"
    (day,) = _stats(database, by="day").rows
    assert day.key == "2008-11-09"


def test_filters(archive: Database) -> None:
    assert _stats(archive, outlet="Gazette").total.articles == 2
    assert _stats(archive, outlet="herald").total.articles == 3  # the slug works too
    story_total = _stats(archive, story="baby-p").total
    assert story_total.articles == 3
    since = _stats(archive, since=T + timedelta(days=9)).total
    assert since.articles == 3
    window = _stats(archive, since=T + timedelta(days=1), until=T + timedelta(days=10)).total
    assert window.articles == 3
    with pytest.raises(NotFound):
        _stats(archive, outlet="Nobody")
    with pytest.raises(NotFound):
        _stats(archive, story="nope")
    with pytest.raises(ValueError):
        _stats(archive, by="event")


def _reference(rng: random.Random, database: Database) -> list[dict[str, object]]:
    """A random archive, written to ``database``; returns what was written per article."""
    written: list[dict[str, object]] = []
    kinds = ["quote", "number", "source", "certainty", "trivial", "other"]
    with database.write() as session:
        outlets = [outlet(session, f"Outlet {i}") for i in range(3)]
        for i in range(40):
            first = T + timedelta(hours=rng.randrange(0, 24 * 20))
            changes = []
            when = timedelta(0)
            for _ in range(rng.choice([0, 0, 1, 2, 3])):
                when += timedelta(minutes=rng.randrange(1, 3000))
                edits = [
                    (k, "changed", "a", "b", rng.random() < 0.3, {})
                    for k in rng.sample(kinds, rng.randrange(0, 3))
                ]
                changes.append(
                    Change(
                        when,
                        rng.randrange(0, 50),
                        rng.randrange(0, 50),
                        rng.random() < 0.2,
                        analysed=rng.random() < 0.9,
                        edits=edits,
                    )
                )
            where = rng.choice(outlets)
            article(session, f"https://r.example/{i}", where, first, changes)
            written.append({"outlet": where.name, "first": first, "changes": changes})
    return written


def _expected(articles: list[dict[str, object]]) -> tuple[object, ...]:
    changed = [a for a in articles if a["changes"]]
    changes = [c for a in articles for c in a["changes"]]  # type: ignore[attr-defined]
    delays = [a["changes"][0].after for a in changed]  # type: ignore[index]
    kinds = Counter(e[0] for c in changes for e in c.edits)
    return (
        len(articles),
        len(changed),
        len(articles) + len(changes),
        len(changes),
        sum(c.added for c in changes),
        sum(c.removed for c in changes),
        sum(c.title_changed for c in changes),
        timedelta(seconds=round(statistics.median(d.total_seconds() for d in delays)))
        if delays
        else None,
        dict(kinds),
        sum(e[4] for c in changes for e in c.edits),
        sum(not c.analysed for c in changes),
    )


def test_random_archive_matches_a_plain_count(database: Database) -> None:
    written = _reference(random.Random(16), database)
    assert _figures(_stats(database).total) == _expected(written)
    for row in _stats(database, by="outlet").rows:
        assert _figures(row) == _expected([a for a in written if a["outlet"] == row.key]), row.key
    for row in _stats(database, by="day").rows:
        mine = [a for a in written if a["first"].date().isoformat() == row.key]  # type: ignore[attr-defined]
        assert _figures(row) == _expected(mine), row.key
    weeks = _stats(database, by="week").rows
    assert sum(r.articles for r in weeks) == 40
    for row in weeks:
        assert row.start is not None and row.start.weekday() == 0
        mine = [a for a in written if row.start <= a["first"].date() <= row.end]  # type: ignore[attr-defined,operator]
        assert _figures(row) == _expected(mine), row.key


def test_stats_command(archive: Database, db_url: str) -> None:
    env = {"NEWSDIFF_DATABASE_URL": db_url}
    runner = CliRunner()
    table = runner.invoke(cli, ["stats", "--by", "outlet"], env=env)
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split()[:4] == ["outlet", "articles", "versions", "changed"]
    assert any(line.startswith("Herald") and " 45m" in line for line in lines)
    assert any(line.startswith("total") for line in lines)
    assert "newsdiff analyse" in table.output  # the note (on stderr, mixed in by CliRunner)
    args = ["stats", "--by", "event", "--story", "baby-p", "--json"]
    data = json.loads(runner.invoke(cli, args, env=env).stdout)
    assert [r["key"] for r in data["rows"]] == ["death", "report"]
    assert data["rows"][0]["median_first_change_s"] == 75 * 60
    assert data["total"]["edits"] == {"quote": 1, "number": 1, "trivial": 1}
    assert data["note"] and data["filters"]["story"] == "baby-p"
    out = runner.invoke(cli, ["stats", "--by", "day", "--csv"], env=env).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["key"] for r in rows] == [
        "2008-11-03",
        "2008-11-04",
        "2008-11-12",
        "2008-11-13",
        "total",
    ]
    assert rows[-1]["articles"] == "5" and rows[-1]["edits_quote"] == "1"
    assert rows[0]["median_first_change_s"] == "7200"


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--by", "event"], "--story"),
        (["--by", "month"], "--by"),
        (["--json", "--csv"], "--csv"),
        (["--since", "last week"], "--since"),
    ],
)
def test_stats_bad_usage_exits_2(
    archive: Database, db_url: str, args: list[str], hint: str
) -> None:
    result = CliRunner().invoke(cli, ["stats", *args], env={"NEWSDIFF_DATABASE_URL": db_url})
    assert result.exit_code == 2, result.output
    assert hint in result.output


def test_stats_unknown_story_or_outlet_is_one_line(
    archive: Database,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from newsdiff.cli import main

    monkeypatch.setenv("NEWSDIFF_DATABASE_URL", db_url)
    for args, what in [
        (["--story", "nope"], "no story 'nope'"),
        (["--outlet", "X"], "no outlet 'X'"),
    ]:
        with pytest.raises(SystemExit) as info:
            main(["stats", *args])
        assert info.value.code == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and what in err
