"""Workers' results are typed messages, one class per kind of result: each kind the app posts
reaches a widget that handles that kind (a result posted as the wrong kind would reach a widget
without a handler for it, and be dropped without a word)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message_pump import MessagePump

from newsdiff.store.db import Database
from newsdiff.store.lazy import LazyDatabase
from newsdiff.timeline.items import JumpTarget
from newsdiff.tui import messages
from newsdiff.tui.messages import Result
from tests.tui.conftest import SIZE, build, main, settle, until
from tests.tui.data import fill


def kinds() -> set[type[Result]]:
    """Every kind of result in newsdiff.tui.messages."""
    return {
        value
        for value in vars(messages).values()
        if isinstance(value, type) and issubclass(value, Result) and value is not Result
    }


def unhandled(posted: list[tuple[MessagePump, Result]]) -> set[tuple[str, str]]:
    """(widget, kind) for each result posted to a widget without a handler for its kind."""
    return {
        (type(target).__name__, type(message).__name__)
        for target, message in posted
        if not callable(getattr(type(target), message.handler_name, None))
    }


def test_results_do_not_bubble() -> None:
    """Textual makes each message class bubble unless it says otherwise: a result is for the
    widget that asked for it only."""
    assert kinds()
    assert [k.__name__ for k in kinds() if k.bubble] == []


@pytest.mark.asyncio
async def test_each_result_reaches_a_widget_that_handles_its_kind(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    filler = Database(sqlite_url)
    filled = fill(filler)
    filler.dispose()
    posted: list[tuple[MessagePump, Result]] = []
    post = MessagePump.post_message

    def recorded(self: MessagePump, message: Any) -> bool:
        if isinstance(message, Result):
            posted.append((self, message))  # from worker threads: list.append is atomic
        return post(self, message)

    monkeypatch.setattr(MessagePump, "post_message", recorded)
    # a database opened after the first frame: the timeline straight from SQLite, then opened
    database = LazyDatabase(sqlite_url)
    app = build(database)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = main(app)
            assert screen.diff.pair is not None  # overview, coverage, versions, diff
            await pilot.press("tab", "l")  # unlink the event's article
            await settle(pilot)
            screen.load(None, all_articles=True)
            await until(pilot, lambda: screen.all_articles, "every article")
            await settle(pilot)
            assert screen.article_id != filled.closure  # (the newest day's article)
            screen.jump(JumpTarget(label="", help="", article_id=filled.closure))
            await until(pilot, lambda: screen.article_id == filled.closure, "the jump")
    finally:
        database.dispose()
        # checked even when the scenario failed: a pane whose result went unhandled waits
        # for it forever, and the wait above fails first, less clearly
        assert unhandled(posted) == set()

    seen = {type(message) for _, message in posted}
    assert sorted(k.__name__ for k in kinds() - seen) == []  # every kind was exercised
