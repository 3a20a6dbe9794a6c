"""Edits over time per outlet (the charts' data) on SQLite and PostgreSQL: figures chosen by
hand, the buckets, the events on the axis, and a seeded random archive against a plain count."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from newsdiff.errors import NotFound
from newsdiff.store.db import Database
from newsdiff.store.models import Event
from newsdiff.timeline.series import (
    Bucket,
    Series,
    choose_bucket,
    edit_series,
    event_period,
    make_buckets,
)
from tests.timeline.archive import Change, article, outlet, story

T = datetime(2008, 11, 3, 10, tzinfo=UTC)  # a Monday
D = dt.date(2008, 11, 3)
QUOTE = ("quote", "removed", "'a damning report'", "", True, {})
NUMBER = ("number", "changed", "12", "15", True, {})
TRIVIAL = ("trivial", "changed", "colour", "color", False, {})
FIRMER = ("certainty", "firmer", "are expected to say", "said", False, {})


@pytest.fixture
def archive(database: Database) -> Database:
    """Two outlets, a story with four events, five articles (see each line)."""
    with database.write() as session:
        gazette, herald = outlet(session, "Gazette"), outlet(session, "Herald")
        death, inquiry, report, later = story(
            session,
            "baby-p",
            [
                ("death", dt.date(2008, 11, 1)),
                ("inquiry", dt.date(2008, 11, 1)),
                ("report", dt.date(2008, 11, 12)),
                ("later", dt.date(2009, 3, 1)),
            ],
        )
        inquiry.date_precision = "month"  # all of November 2008
        # two changes on Monday 3 November: three edits; in the story
        article(
            session,
            "https://gazette.example/1",
            gazette,
            T,
            [
                Change(timedelta(hours=2), edits=[QUOTE, NUMBER]),
                Change(timedelta(hours=5), edits=[TRIVIAL]),
            ],
            events=[death],
        )
        # never changed; in the story
        article(session, "https://gazette.example/2", gazette, T, [], events=[death])
        # one change on 12 November, not analysed; in the story
        article(
            session,
            "https://herald.example/3",
            herald,
            T + timedelta(days=9),
            [Change(timedelta(minutes=30), analysed=False)],
            events=[death, report],
        )
        # one change on 13 November (one edit); not in the story
        article(
            session,
            "https://herald.example/4",
            herald,
            T + timedelta(days=10),
            [Change(timedelta(hours=1), edits=[FIRMER])],
        )
        # changed at 00:30 UTC on Thursday 6 November (first seen the evening before), no
        # outlet, analysed without edits; not in the story
        article(
            session,
            "https://nowhere.example/5",
            None,
            datetime(2008, 11, 5, 23, 30, tzinfo=UTC),
            [Change(timedelta(hours=1))],
        )
    return database


def _series(database: Database, **kwargs: object) -> Series:
    with database.read() as session:
        return edit_series(session, **kwargs)  # type: ignore[arg-type]


def _counts(series: Series, what: str = "edits") -> dict[str, tuple[int, ...]]:
    return {o.outlet: getattr(o, what) for o in series.outlets}


def test_story_in_days(archive: Database) -> None:
    s = _series(archive, story="baby-p")
    assert s.bucket == "day"  # ten days fit
    assert [b.start for b in s.buckets] == [D + timedelta(days=i) for i in range(10)]
    assert all(b.start == b.end for b in s.buckets)
    assert s.measure == "edits"  # some changes have typed edits
    assert (s.changes, s.unanalysed) == (3, 1)
    assert list(_counts(s)) == ["Gazette", "Herald"]  # most edits first
    assert _counts(s)["Gazette"] == (3,) + (0,) * 9
    assert _counts(s)["Herald"] == (0,) * 10
    assert _counts(s, "changes") == {"Gazette": (2,) + (0,) * 9, "Herald": (0,) * 9 + (1,)}
    gazette = s.outlets[0]
    assert dict(gazette.kinds) == {
        "number": (1,) + (0,) * 9,
        "quote": (1,) + (0,) * 9,
        "trivial": (1,) + (0,) * 9,
    }
    assert s.kinds == ["number", "quote", "trivial"]  # the badge order
    assert s.totals() == (3,) + (0,) * 9
    assert not s.empty


def test_story_events_on_the_axis(archive: Database) -> None:
    s = _series(archive, story="baby-p")
    marks = {e.slug: e for e in s.events}
    assert [e.slug for e in s.events] == ["death", "inquiry", "report", "later"]  # date order
    # the death (1 November) is before the first change and 'later' after the last: not marked
    assert marks["death"].number is None and marks["later"].number is None
    assert [e.slug for e in s.marked] == ["inquiry", "report"]
    assert (marks["inquiry"].number, marks["report"].number) == (1, 2)
    # a month's date stands for the month: a band over the whole axis
    assert (marks["inquiry"].start, marks["inquiry"].end) == (
        dt.date(2008, 11, 1),
        dt.date(2008, 11, 30),
    )
    assert marks["inquiry"].is_period and marks["inquiry"].when == "November 2008"
    assert s.span(marks["inquiry"]) == (0.0, 10.0)
    assert not marks["report"].is_period
    assert s.span(marks["report"]) == (9.0, 10.0)
    assert s.locate(dt.date(2008, 11, 12)) == 9.0
    assert s.span(marks["death"]) is None
    assert marks["report"].story == "baby-p" and marks["report"].title == "Event report"


def test_whole_archive_by_week(archive: Database) -> None:
    s = _series(archive, bucket="week")
    assert s.buckets == (
        Bucket(D, D + timedelta(days=6)),
        Bucket(D + timedelta(days=7), D + timedelta(days=13)),
    )
    assert (s.changes, s.unanalysed) == (5, 1)
    assert _counts(s) == {"Gazette": (3, 0), "Herald": (0, 1), "(no outlet)": (0, 0)}
    assert _counts(s, "changes") == {"Gazette": (2, 0), "Herald": (0, 2), "(no outlet)": (1, 0)}
    # the events of every story; all four in the two weeks' reach but 'later'
    assert [e.number for e in s.events] == [None, 1, 2, None]
    # a day's position inside a week
    assert s.locate(dt.date(2008, 11, 12)) == pytest.approx(1 + 2 / 7)
    assert s.locate(dt.date(2008, 11, 17)) == 2.0  # the day after the axis: its end
    assert s.locate(dt.date(2008, 11, 18)) is None


def test_a_change_just_after_midnight_utc_is_in_its_day(archive: Database) -> None:
    with archive.read() as session:
        if session.get_bind().dialect.name == "postgresql":
            # days are UTC days whatever the connection's time zone
            session.execute(text("SET TIME ZONE 'America/New_York'"))
        s = edit_series(session, bucket="day", measure="changes")
    assert s.measure == "changes"
    no_outlet = _counts(s, "changes")["(no outlet)"]
    assert no_outlet[(dt.date(2008, 11, 6) - D).days] == 1
    assert sum(no_outlet) == 1


def test_a_manual_unlink_is_not_coverage(database: Database) -> None:
    with database.write() as session:
        herald = outlet(session, "Herald")
        (event,) = story(session, "s", [("e", dt.date(2008, 11, 3))])
        article(
            session,
            "https://herald.example/in",
            herald,
            T,
            [Change(timedelta(hours=1), edits=[QUOTE])],
            events=[event],
        )
        article(
            session,
            "https://herald.example/out",
            herald,
            T,
            [Change(timedelta(hours=1), edits=[QUOTE, NUMBER])],
            excluded=[event],
        )
    assert _counts(_series(database, story="s")) == {"Herald": (1,)}
    assert _counts(_series(database)) == {"Herald": (3,)}


def test_auto_buckets_grow_with_the_span(database: Database) -> None:
    assert choose_bucket(D, D) == "day"
    assert choose_bucket(D, D + timedelta(days=61)) == "day"  # 62 days
    assert choose_bucket(D, D + timedelta(days=62)) == "week"
    assert choose_bucket(D, D + timedelta(days=7 * 61)) == "week"  # 62 weeks
    assert choose_bucket(D, D + timedelta(days=7 * 62)) == "month"
    assert choose_bucket(D, dt.date(2013, 12, 31)) == "month"  # 62 months
    assert choose_bucket(D, dt.date(2014, 1, 1)) == "year"
    assert [b.start for b in make_buckets(dt.date(2008, 1, 31), dt.date(2008, 3, 1), "month")] == [
        dt.date(2008, 1, 1),
        dt.date(2008, 2, 1),
        dt.date(2008, 3, 1),
    ]
    assert make_buckets(dt.date(2008, 2, 10), dt.date(2008, 2, 10), "month") == (
        Bucket(dt.date(2008, 2, 1), dt.date(2008, 2, 29)),
    )
    with database.write() as session:
        gazette = outlet(session, "Gazette")
        article(
            session,
            "https://gazette.example/long",
            gazette,
            T,
            [Change(timedelta(days=1), edits=[QUOTE]), Change(timedelta(days=500), edits=[QUOTE])],
        )
    s = _series(database)
    assert s.bucket == "month" and len(s.buckets) == 17  # November 2008 to March 2010
    assert _counts(s)["Gazette"] == (1,) + (0,) * 15 + (1,)


def test_event_periods() -> None:
    day = Event(date=dt.date(2008, 11, 12), date_precision="day")
    month = Event(date=dt.date(2008, 2, 1), date_precision="month")
    year = Event(date=dt.date(2008, 1, 1), date_precision="year")
    ranged = Event(date=dt.date(2008, 11, 13), end_date=dt.date(2008, 11, 26), date_precision="day")
    edge = Event(date=dt.date(9999, 12, 1), date_precision="month")
    assert event_period(day) == (dt.date(2008, 11, 12),) * 2
    assert event_period(month) == (dt.date(2008, 2, 1), dt.date(2008, 2, 29))
    assert event_period(year) == (dt.date(2008, 1, 1), dt.date(2008, 12, 31))
    assert event_period(ranged) == (dt.date(2008, 11, 13), dt.date(2008, 11, 26))
    assert event_period(edge) == (dt.date(9999, 12, 1), dt.date.max)


def test_measure_is_changes_when_nothing_is_analysed(database: Database) -> None:
    with database.write() as session:
        herald = outlet(session, "Herald")
        article(
            session,
            "https://herald.example/1",
            herald,
            T,
            [
                Change(timedelta(hours=1), analysed=False),
                Change(timedelta(hours=2), analysed=False),
            ],
        )
    s = _series(database)
    assert s.measure == "changes" and s.unanalysed == 2
    assert _counts(s, "changes") == {"Herald": (2,)}
    assert not s.empty
    assert _series(database, measure="edits").empty  # asked for edits: there are none


def test_filters(archive: Database) -> None:
    s = _series(archive, outlet="Herald", bucket="day")
    assert list(_counts(s)) == ["Herald"]
    assert s.buckets[0].start == dt.date(2008, 11, 12) and len(s.buckets) == 2
    s = _series(archive, since=datetime(2008, 11, 4, tzinfo=UTC), until=T + timedelta(days=10))
    assert s.changes == 2  # 6 and 12 November
    with pytest.raises(NotFound):
        _series(archive, story="nope")
    with pytest.raises(NotFound):
        _series(archive, outlet="nope")
    with pytest.raises(ValueError, match="bucket"):
        _series(archive, bucket="hour")
    with pytest.raises(ValueError, match="measure"):
        _series(archive, measure="words")


def test_empty(database: Database) -> None:
    with database.write() as session:
        story(session, "quiet", [("one", dt.date(2008, 1, 1))])
    s = _series(database, story="quiet")
    assert s.empty and s.buckets == () and s.outlets == () and s.changes == 0
    assert [(e.slug, e.number) for e in s.events] == [("one", None)]
    assert s.totals() == ()
    assert s.span(s.events[0]) is None


def test_top_folds_the_smaller_outlets(archive: Database) -> None:
    s = _series(archive, bucket="week", measure="changes")
    # two changes each: by name
    assert [o.outlet for o in s.outlets] == ["Gazette", "Herald", "(no outlet)"]
    folded = s.top(2)
    assert [o.outlet for o in folded.outlets] == ["Gazette", "Other outlets (2)"]
    other = folded.outlets[1]
    assert other.folded == 2 and other.changes == (1, 2) and other.edits == (0, 1)
    assert dict(other.kinds) == {"certainty": (0, 1)}
    assert folded.totals() == s.totals()
    assert s.top(3) is s


def test_to_dict(archive: Database) -> None:
    d = _series(archive, story="baby-p", bucket="week").to_dict()
    assert d["bucket"] == "week" and d["measure"] == "edits"
    assert d["buckets"] == [
        {"start": "2008-11-03", "end": "2008-11-09"},
        {"start": "2008-11-10", "end": "2008-11-16"},
    ]
    assert d["outlets"][0] == {
        "outlet": "Gazette",
        "changes": [2, 0],
        "edits": [3, 0],
        "kinds": {"number": [1, 0], "quote": [1, 0], "trivial": [1, 0]},
    }
    assert [e["number"] for e in d["events"]] == [None, 1, 2, None]


def test_random_archive_matches_a_plain_count(database: Database) -> None:
    rng = random.Random(16)
    expected_changes: Counter[tuple[str, dt.date]] = Counter()
    expected_edits: Counter[tuple[str, dt.date]] = Counter()
    with database.write() as session:
        outlets = [outlet(session, name) for name in ("A", "B", "C")]
        for n in range(40):
            where = rng.choice(outlets)
            first = datetime(2008, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(300 * 1440))
            changes = []
            after = timedelta(0)
            for _ in range(rng.randrange(4)):
                after += timedelta(minutes=rng.randrange(1, 20 * 1440))
                edits = [QUOTE] * rng.randrange(3)
                changes.append(Change(after, edits=edits))
                day = (first + after).date()
                monday = day - timedelta(days=day.weekday())
                expected_changes[(where.name, monday)] += 1
                expected_edits[(where.name, monday)] += len(edits)
            article(session, f"https://x.example/{n}", where, first, changes)
    s = _series(database, bucket="week")
    got_changes = Counter(
        {
            (o.outlet, b.start): n
            for o in s.outlets
            for b, n in zip(s.buckets, o.changes, strict=True)
            if n
        }
    )
    got_edits = Counter(
        {
            (o.outlet, b.start): n
            for o in s.outlets
            for b, n in zip(s.buckets, o.edits, strict=True)
            if n
        }
    )
    assert got_changes == expected_changes
    assert got_edits == +expected_edits
    assert s.changes == sum(expected_changes.values())
