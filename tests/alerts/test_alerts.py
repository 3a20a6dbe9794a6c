"""Alerts on SQLite and PostgreSQL, sent through apprise to a real receiver on 127.0.0.1:
matching, once each, failures retried, a limit per run, a hanging receiver, the messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from newsdiff.alerts import alert_status, send_alerts, send_sample
from newsdiff.alerts.deliver import _claim
from newsdiff.config import Settings, settings_from_dict
from newsdiff.store.db import Database
from newsdiff.store.models import AlertDelivery, Article
from tests.alerts.receiver import Receiver, running
from tests.timeline.archive import Change, article, outlet, story, version

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
QUOTE = ("quote", "removed", "a damning report", "", True, {"speaker": "Ed Balls"})
QUOTE_OWNED = ("quote", "removed", "a fair report", "", False, {"speaker": "A Spokesman"})
NUMBER = ("number", "changed", "12", "15", False, {"old_value": 12, "new_value": 15})
FIRMER = ("certainty", "firmer", "are expected to say", "said", False, {})


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running() as r:
        yield r


def make_settings(db_url: str, *alerts: dict[str, Any]) -> Settings:
    return settings_from_dict({"database": {"url": db_url}, "alerts": list(alerts)})


def run(settings: Settings, database: Database, clock: Clock) -> Any:
    return send_alerts(settings, database, clock=clock)


def statuses(database: Database) -> list[tuple[int, str, int]]:
    with database.read() as session:
        return [
            (d.version_id, d.status, d.attempts)
            for d in session.scalars(select(AlertDelivery).order_by(AlertDelivery.version_id))
        ]


def test_no_keys_every_change_once_not_first_captures_not_the_archive(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    settings = make_settings(db_url, {"name": "all", "urls": [receiver.url()]})
    with database.write() as session:
        gazette = outlet(session, "Gazette")
        # the archive: changed before the alert existed
        article(
            session,
            "https://g.example/old",
            gazette,
            T0 - timedelta(days=2),
            [Change(timedelta(hours=1), 3, 1)],
        )
    first = run(settings, database, clock)
    assert first.outcomes[0].matched == 0 and receiver.messages == []
    clock.advance(minutes=5)
    with database.write() as session:
        gazette = session.scalars(select(Article)).one().outlet
        assert gazette is not None
        # new: a first capture (not a change) and an article changed twice
        article(session, "https://g.example/new", gazette, clock.now, [])
        # a backfill, after the alert was first seen: versions with their old capture dates
        article(
            session,
            "https://g.example/backfilled",
            gazette,
            T0 - timedelta(days=400),
            [Change(timedelta(days=1), 5, 5)],
        )
        article(
            session,
            "https://g.example/changed",
            gazette,
            clock.now,
            [Change(timedelta(minutes=1), 4, 2, edits=[NUMBER]), Change(timedelta(minutes=2), 1)],
            title="Council criticised",
        )
    clock.advance(minutes=5)
    report = run(settings, database, clock)
    assert report.outcomes[0].matched == 2 and report.outcomes[0].sent == 2
    texts = receiver.texts()
    assert len(texts) == 2
    assert texts[0].startswith("[all] Council criticised\nGazette: version 2")
    assert "number changed: 12 -> 15" in texts[0] and "https://g.example/changed" in texts[0]
    assert "+4/-2 words" in texts[0]
    # never twice: the next runs find nothing new, even within the scan's look-back
    for _ in range(2):
        clock.advance(minutes=1)
        again = run(settings, database, clock)
        assert again.outcomes[0].matched == 0 and again.outcomes[0].sent == 0
    assert len(receiver.messages) == 2
    assert [s for _, s, _ in statuses(database)] == ["sent", "sent"]


def _world(database: Database, when: datetime) -> None:
    """Two outlets, a story with one event, and one change each of several sorts."""
    with database.write() as session:
        gazette, herald = outlet(session, "Gazette"), outlet(session, "Herald")
        (event,) = story(session, "baby-p", [("report", dt.date(2026, 3, 1))])
        after = timedelta(minutes=1)
        article(
            session,
            "https://g.example/quote",
            gazette,
            when,
            [Change(after, edits=[QUOTE, FIRMER])],
            title="Quote gone",
            events=[event],
        )
        article(
            session,
            "https://g.example/owned",
            gazette,
            when,
            [Change(after, edits=[QUOTE_OWNED])],
            title="Quote owned",
        )
        article(
            session,
            "https://h.example/head",
            herald,
            when,
            [Change(after, title_changed=True, edits=[FIRMER])],
            title="Headline",
            events=[event],
        )
        article(
            session,
            "https://h.example/phrase",
            herald,
            when,
            [Change(after, paragraphs=["Inspectors said the council failed."])],
            title="Phrase",
            paragraphs=["Inspectors are expected to say the council failed."],
        )


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({}, {"Quote gone", "Quote owned", "Headline (2)", "Phrase"}),
        ({"outlet": "Herald"}, {"Headline (2)", "Phrase"}),
        ({"outlet": "gazette"}, {"Quote gone", "Quote owned"}),  # the slug works too
        ({"story": "baby-p"}, {"Quote gone", "Headline (2)"}),
        ({"headline": True}, {"Headline (2)"}),
        ({"kind": "quote"}, {"Quote gone", "Quote owned"}),
        ({"kind": "quote", "silent": True}, {"Quote gone"}),
        ({"kind": "quote", "silent": False}, {"Quote owned"}),
        # one edit must meet kind, change and silent together: no silent certainty edit here
        ({"kind": "certainty", "silent": True}, set()),
        ({"kind": ["certainty", "number"], "change": "firmer"}, {"Quote gone", "Headline (2)"}),
        ({"kind": "certainty", "story": "baby-p", "outlet": "Gazette"}, {"Quote gone"}),
        ({"phrase": "ARE  expected to", "phrase_in": "removed"}, {"Phrase"}),
        ({"phrase": "are expected to", "phrase_in": "added"}, set()),
        ({"phrase": "are expected to"}, {"Phrase"}),
        ({"phrase": "said the council", "phrase_in": "added"}, {"Phrase"}),
        ({"phrase": "100%_", "phrase_in": "any"}, set()),  # LIKE's wildcards are literal
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else "",
)
def test_match_keys_are_anded(
    database: Database, db_url: str, receiver: Receiver, keys: dict[str, Any], expected: set[str]
) -> None:
    clock = Clock()
    settings = make_settings(db_url, {"name": "a", "urls": [receiver.url()], **keys})
    run(settings, database, clock)
    clock.advance(minutes=1)
    _world(database, clock.now)
    clock.advance(minutes=5)
    run(settings, database, clock)
    titles = {t.split("\n", 1)[0].removeprefix("[a] ") for t in receiver.texts()}
    assert titles == expected


def test_an_unknown_story_matches_nothing_and_says_so(database: Database, db_url: str) -> None:
    settings = make_settings(db_url, {"name": "a", "urls": ["json://127.0.0.1:9/x"], "story": "no"})
    report = run(settings, database, Clock())
    assert report.problems == ["alert a: no story 'no': the alert matches nothing"]


def test_the_message_says_what_changed_and_is_clean(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    settings = make_settings(
        db_url, {"name": "quotes", "urls": [receiver.url()], "kind": "quote", "change": "removed"}
    )
    run(settings, database, clock)
    hostile = "Council\x1b[31m criticised\u202e\nFAKE LINE\x85 again"
    with database.write() as session:
        gazette = outlet(session, "Gazette\x07")
        article(
            session,
            "https://g.example/a",
            gazette,
            clock.now + timedelta(minutes=1),
            [Change(timedelta(minutes=1), 5, 9, edits=[FIRMER, NUMBER, QUOTE])],
            title=hostile,
        )
    clock.advance(minutes=5)
    run(settings, database, clock)
    (message,) = receiver.messages
    assert message["title"] == "[quotes] Council [31m criticised FAKE LINE again"
    body = message["message"].split("\n")
    assert body[0].startswith("Gazette: version 2, 2026-03-02 09:02 UTC, +5/-9 words")
    # the matched edit leads; the others follow, told in words
    assert body[1] == "quote removed: 'a damning report' (Ed Balls) [silent: no correction notice]"
    assert body[2] == "certainty firmer: 'are expected to say' -> 'said'"
    assert body[3] == "number changed: 12 -> 15"
    assert body[-1] == "https://g.example/a"
    for text in (message["title"], message["message"]):
        assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in text)
        assert "\u202e" not in text


def test_unanalysed_versions_wait_for_their_edits(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    settings = make_settings(
        db_url,
        {"name": "numbers", "urls": [receiver.url()], "kind": "number"},
        {"name": "all", "urls": [receiver.url("/all")]},
    )
    run(settings, database, clock)
    with database.write() as session:
        a = article(session, "https://g.example/a", None, clock.now + timedelta(minutes=1))
        v2 = version(
            session, a, 2, clock.now + timedelta(minutes=2), "Headline", ["x"], analysed=False
        )
        v2_id = v2.id
    clock.advance(hours=1)  # well past the scan's look-back
    first = run(settings, database, clock)
    # the alert without edit keys sends it at once, typed edits or not
    assert [o.matched for o in first.outcomes] == [0, 1]
    assert "(typed edits not computed yet)" in receiver.texts()[0]
    # the analysis comes later (as `newsdiff analyse` would do it)
    from newsdiff.diff.edits import ANALYSER_VERSION
    from newsdiff.store.models import Edit, Version

    with database.write() as session:
        stored = session.get(Version, v2_id)
        assert stored is not None
        stored.analyser_version = ANALYSER_VERSION
        session.add(
            Edit(
                version_id=v2_id,
                article_id=stored.article_id,
                position=0,
                kind="number",
                change="changed",
                old="12",
                new="15",
                silent=False,
                detail={"old_value": 12, "new_value": 15},
            )
        )
    clock.advance(hours=1)
    second = run(settings, database, clock)
    assert [o.matched for o in second.outcomes] == [1, 0]
    assert "number changed: 12 -> 15" in receiver.texts()[1]


def test_a_failing_receiver_is_retried_next_run_and_sent_once(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    settings = make_settings(db_url, {"name": "all", "urls": [receiver.url()]})
    run(settings, database, clock)
    with database.write() as session:
        for i in range(3):
            article(
                session,
                f"https://g.example/{i}",
                None,
                clock.now + timedelta(minutes=1),
                [Change(timedelta(minutes=i + 1), 1)],
                title=f"Story {i}",
            )
    clock.advance(minutes=10)
    receiver.status = 500
    down = run(settings, database, clock).outcomes[0]
    assert (down.matched, down.sent, down.failed, down.pending) == (3, 0, 1, 3)
    assert receiver.attempts == 1  # a failed URL gets nothing more this run
    assert "error=500" in down.errors[0]
    assert [(s, n) for _, s, n in statuses(database)] == [
        ("pending", 1),
        ("pending", 0),
        ("pending", 0),
    ]
    (status,) = alert_status(settings, database)
    assert status.targets[0].pending == 3 and status.targets[0].failing == 1
    assert "500" in (status.targets[0].last_error or "")

    receiver.status = 200
    clock.advance(minutes=10)
    up = run(settings, database, clock).outcomes[0]
    assert (up.matched, up.sent, up.failed, up.pending) == (0, 3, 0, 0)
    assert [t.split("\n")[0] for t in receiver.texts()] == [
        "[all] Story 0",
        "[all] Story 1",
        "[all] Story 2",
    ]
    clock.advance(minutes=10)
    assert run(settings, database, clock).outcomes[0].sent == 0
    assert len(receiver.messages) == 3 and receiver.attempts == 4


def test_each_url_is_retried_on_its_own(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    with running() as broken:
        broken.status = 503
        settings = make_settings(db_url, {"name": "two", "urls": [receiver.url(), broken.url()]})
        run(settings, database, clock)
        with database.write() as session:
            article(
                session,
                "https://g.example/a",
                None,
                clock.now + timedelta(minutes=1),
                [Change(timedelta(minutes=1), 1)],
            )
        clock.advance(minutes=10)
        run(settings, database, clock)
        assert (len(receiver.messages), len(broken.messages)) == (1, 0)
        broken.status = 200
        clock.advance(minutes=10)
        run(settings, database, clock)
        assert (len(receiver.messages), len(broken.messages)) == (1, 1)


def test_at_most_n_messages_per_run_the_rest_in_one_summary(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    settings = make_settings(db_url, {"name": "busy", "urls": [receiver.url()], "max_per_poll": 2})
    run(settings, database, clock)
    with database.write() as session:
        for i in range(5):
            article(
                session,
                f"https://g.example/{i}",
                None,
                clock.now + timedelta(minutes=1),
                [Change(timedelta(minutes=i + 1), 1)],
                title=f"Story {i}",
            )
    clock.advance(minutes=10)
    outcome = run(settings, database, clock).outcomes[0]
    assert (outcome.sent, outcome.summaries, outcome.summarised) == (2, 1, 3)
    texts = receiver.texts()
    assert len(texts) == 3
    assert texts[2].startswith("[busy] 3 more changes\nMore than 2 changes matched")
    assert all(f"Story {i}" in texts[2] for i in (2, 3, 4))
    assert [s for _, s, _ in statuses(database)] == ["sent"] * 2 + ["summarised"] * 3
    clock.advance(minutes=10)
    assert run(settings, database, clock).outcomes[0].sent == 0 and len(receiver.messages) == 3


def test_a_hanging_receiver_costs_one_timeout_per_run(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    with running() as hanging:
        hanging.hang = True
        settings = make_settings(
            db_url,
            {"name": "stuck", "urls": [hanging.url()], "timeout_s": 0.5},
            {"name": "fine", "urls": [receiver.url()]},
        )
        run(settings, database, clock)
        with database.write() as session:
            for i in range(3):
                article(
                    session,
                    f"https://g.example/{i}",
                    None,
                    clock.now + timedelta(minutes=1),
                    [Change(timedelta(minutes=1), 1)],
                )
        clock.advance(minutes=10)
        stuck, fine = run(settings, database, clock).outcomes
        assert hanging.attempts == 1  # one timeout, not one per change
        assert (stuck.failed, stuck.pending) == (1, 3)
        assert "no answer within 0.5 s" in stuck.errors[0]
        assert fine.sent == 3


def test_a_dripping_receiver_is_given_up_on(database: Database, db_url: str) -> None:
    """Each read gets a byte before the read timeout: only the bound on the whole send ends it."""
    clock = Clock()
    with running() as dripping:
        dripping.drip = True
        settings = make_settings(
            db_url, {"name": "slow", "urls": [dripping.url()], "timeout_s": 0.3}
        )
        run(settings, database, clock)
        with database.write() as session:
            article(
                session,
                "https://g.example/a",
                None,
                clock.now + timedelta(minutes=1),
                [Change(timedelta(minutes=1), 1)],
            )
        clock.advance(minutes=10)
        (slow,) = run(settings, database, clock).outcomes
        assert (slow.sent, slow.failed, slow.pending) == (0, 1, 1)
        assert "no complete answer within 1.6 s (timeout_s = 0.3): gave up" in slow.errors[0]


def test_a_claimed_delivery_is_not_taken_twice(
    database: Database, db_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    settings = make_settings(db_url, {"name": "all", "urls": ["json://127.0.0.1:9/x"]})
    run(settings, database, clock)
    with database.write() as session:
        article(
            session,
            "https://g.example/a",
            None,
            clock.now + timedelta(minutes=1),
            [Change(timedelta(minutes=1), 1)],
        )
    receiver.hang = False
    with database.read() as session:
        assert session.scalars(select(AlertDelivery)).first() is None
    from newsdiff.alerts.match import alert_state, scan

    state = alert_state(database, "all", clock.now)
    clock.advance(minutes=5)
    scan(database, settings.alerts[0], state, clock.now)
    ((delivery_id, _, _),) = [(d, s, n) for d, s, n in statuses(database)]
    with database.read() as session:
        (row_id,) = session.scalars(select(AlertDelivery.id))
    assert _claim(database, [row_id], clock.now) == [row_id]
    assert _claim(database, [row_id], clock.now) == []  # a second sender gets nothing
    # a sender that died mid-send: its claim is taken over after the lease
    assert _claim(database, [row_id], clock.now + timedelta(minutes=11)) == [row_id]


def test_alert_test_sends_a_sample(receiver: Receiver, db_url: str) -> None:
    settings = make_settings(db_url, {"name": "desk", "urls": [receiver.url()]})
    (result,) = send_sample(settings.alerts[0])
    assert result[1] is None and result[0].startswith("json://127.0.0.1:")
    (text,) = receiver.texts()
    assert text.startswith("[desk: test] Council criticised")
    assert "quote removed: 'a damning report' (Ed Balls)" in text
    assert "number changed: 12 -> 15" in text
