"""The queries behind the TUI (newsdiff.timeline.browse), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdiff.errors import NotFound
from newsdiff.store.db import Database
from newsdiff.timeline.browse import (
    GroupKey,
    article_group,
    article_versions,
    group_articles,
    jump_targets,
    load_overview,
    load_pair,
    toggle_link,
    with_edits,
)
from tests.tui.data import FERRY_QUOTE, FERRY_V3, at, ferry, fill


def test_overview_story_and_events(database: Database) -> None:
    filled = fill(database)
    with database.read() as session:
        overview = load_overview(session, None)
        assert overview.story is not None and overview.story.slug == "bridge"
        assert overview.articles == 4 and not overview.empty
        assert [(i.title, i.count) for i in overview.items] == [
            ("Cracks found in the bridge", 1),
            ("Bridge closed to traffic", 2),
            ("Council opens an inquiry", 0),
        ]
        closure = overview.items[1].key
        assert [a.article_id for a in group_articles(session, closure)] == [
            filled.closure,
            filled.untrusted,
        ]
        with pytest.raises(NotFound):
            load_overview(session, "no-such-story")


def test_outlet_days_and_their_articles(database: Database) -> None:
    filled = fill(database, story=False)
    with database.read() as session:
        overview = load_overview(session, None)
        assert overview.story is None
        assert [(i.when, i.title, i.count) for i in overview.items] == [
            ("2024-03-08", "Millbrook Courier", 1),
            ("2024-03-07", "Eastfield Ledger", 1),
            ("2024-03-06", "Millbrook Courier", 1),
            ("2024-03-04", "Eastfield Ledger", 1),
        ]
        key = overview.items[2].key
        assert key.day == dt.date(2024, 3, 6)
        assert [a.article_id for a in group_articles(session, key)] == [filled.closure]
        assert article_group(session, filled.closure) == key


def test_versions_pairs_and_windows(database: Database) -> None:
    filled = fill(database)
    with database.read() as session:
        versions = article_versions(session, filled.closure)
        assert [v.number for v in versions] == [1, 2, 3]
        assert versions[1].title_changed and versions[1].words_added > 0
        pair = load_pair(session, filled.closure, 1, 2)
        assert pair.old is not None and pair.old.number == 1 and pair.new.number == 2
        assert pair.window is not None
        assert pair.window.last_old == at(6, 13) and pair.window.first_new == at(6, 14)
        first = load_pair(session, filled.closure, None, 1)
        assert first.old is None and first.window is None
        with pytest.raises(NotFound):
            load_pair(session, filled.closure, 1, 9)


def test_toggle_link_keeps_unlinked_rows_visible(database: Database) -> None:
    filled = fill(database)
    with database.read() as session:
        closure = load_overview(session, "bridge").items[1].key
    assert closure.event_id is not None
    with database.write() as session:
        assert toggle_link(session, closure.event_id, filled.untrusted) is False
    with database.read() as session:
        rows = group_articles(session, closure)
        assert [(r.article_id, r.linked) for r in rows] == [
            (filled.closure, True),
            (filled.untrusted, False),
        ]
        assert load_overview(session, "bridge").items[1].count == 1
    with database.write() as session:
        assert toggle_link(session, closure.event_id, filled.untrusted) is True


def test_jump_targets(database: Database) -> None:
    filled = fill(database)
    with database.read() as session:
        targets = jump_targets(session, "bridge")
        events = [t for t in targets if t.article_id is None]
        assert [t.label for t in events][:1] == ["Cracks found in the bridge"]
        by_article = {t.article_id: t for t in targets if t.article_id is not None}
        assert set(by_article) == {filled.closure, filled.cracks, filled.untrusted, filled.loose}
        assert by_article[filled.loose].event_id is None  # not linked to any event
        assert by_article[filled.cracks].event_id == GroupKey(event_id=events[0].event_id).event_id
        assert len(jump_targets(session, None, limit=2)) == 2


def test_versions_carry_their_kinds_and_pairs_their_edits(database: Database) -> None:
    fill(database, story=False)
    article = ferry(database)
    with database.read() as session:
        versions = article_versions(session, article)
        assert [(v.badges, v.silent, v.trivial) for v in versions] == [
            ("", 0, False),  # the first version: nothing to compare with
            ("t", 0, True),
            ("QSto", 2, False),
            ("N", 1, False),
        ]
        stored = load_pair(session, article, 2, 3)
        apart = load_pair(session, article, 1, 4)
        first = load_pair(session, article, None, 1)
    assert stored.edits is not None and stored.edits.stored
    assert stored.edits.kinds == ("quote", "source", "trivial", "other")
    assert stored.edits.silent == 2
    quote = next(e for e in stored.edits.edits if e.kind == "quote")
    assert (quote.badge, quote.change, quote.speaker) == ("Q", "added", "Captain Hale")
    assert quote.silent and quote.new_paragraph == 0 and quote.new_span is not None
    start, end = quote.new_span
    assert FERRY_V3[0][start:end] == quote.new == FERRY_QUOTE
    assert with_edits(stored) is stored
    assert first.edits is not None and first.edits.edits == ()
    # two versions apart: nothing stored for the pair, typed when asked
    assert apart.edits is None
    computed = with_edits(apart).edits
    assert computed is not None and not computed.stored
    assert computed.kinds == ("quote", "source", "other")


def test_versions_not_analysed(database: Database) -> None:
    filled = fill(database, analysed=False)
    with database.read() as session:
        assert [v.badges for v in article_versions(session, filled.closure)] == ["", "?", "?"]
        pair = load_pair(session, filled.closure, 1, 2)
    assert pair.edits is None
    edits = with_edits(pair).edits
    assert edits is not None and edits.kinds[0] == "headline" and not edits.stored
