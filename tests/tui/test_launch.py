"""What the TUI does around its first frames (bench/tui.py times them): the first frame shows
the panes' outlines and the panes replace them after it, the footer is rebuilt only when its
keys change and comes after the timeline, a worker that imports SQLAlchemy waits for the first
frame, the garbage collector runs again once that frame is out."""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from newsdiff.store.db import Database
from newsdiff.store.lazy import LazyDatabase
from newsdiff.tui.app import NewsdiffApp
from newsdiff.tui.screens.main import MainScreen
from newsdiff.tui.widgets.footer import KeysFooter
from newsdiff.tui.widgets.outline import PaneOutline
from tests.tui.conftest import SIZE, build, main, settle
from tests.tui.data import Filled

pytestmark = pytest.mark.asyncio


def keys(footer: KeysFooter) -> list[tuple[str, str]]:
    return [(k.key_display, k.description) for k in footer.query(FooterKey)]


async def test_the_first_frame_shows_outlines_that_the_panes_replace(
    db: Database, filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the first frame is out the screen holds the panes' outlines (titled as the panes
    are), and keys that act on a pane do nothing; then the panes replace them."""
    monkeypatch.setattr(NewsdiffApp, "on_ready", lambda self: None)  # no first frame yet
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = main(app)
        outlines = {o.id: str(o.border_title) for o in screen.query(PaneOutline)}
        assert outlines == {
            "timeline-outline": "Timeline",
            "coverage-outline": "Coverage",
            "versions-outline": "Versions",
            "diff-outline": "Diff",
        }
        assert not screen.panes_mounted and not screen.query("#timeline")
        for key in ("right_square_bracket", "n", "e", "space", "i", "u", "t", "l", "tab"):
            await pilot.press(key)  # each would act on a pane that is not there yet
        await pilot.pause()
        assert app.is_running and app.return_value is None
        screen.first_frame_drawn()
        await settle(pilot)
        assert screen.panes_mounted and not screen.query(PaneOutline)
        assert screen.timeline.items and screen.timeline.has_focus
        assert screen.diff.pair is not None


async def test_the_footer_is_rebuilt_only_when_its_keys_change(
    db: Database, filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    rebuilt: list[float] = []
    recompose = KeysFooter.recompose

    async def counted(self: KeysFooter) -> None:
        rebuilt.append(time.monotonic())
        await recompose(self)

    monkeypatch.setattr(KeysFooter, "recompose", counted)
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = main(app).query_one(KeysFooter)
        before = list(footer.query(FooterKey))
        assert ("?", "Help") in keys(footer) and ("q", "Quit") in keys(footer)
        assert len(rebuilt) == 1  # the first keys, once, however many changes came at start
        # moving between panes changes the focus (the screen says its bindings may have
        # changed each time), not the keys the footer shows
        for key in ("tab", "tab", "tab", "shift+tab", "tab"):
            await pilot.press(key)
            await settle(pilot)
        assert len(rebuilt) == 1
        assert list(footer.query(FooterKey)) == before
        # a key that does change is shown
        app.update_keymap({"help": "h"})
        await settle(pilot)
        assert len(rebuilt) == 2
        assert ("h", "Help") in keys(footer) and ("?", "Help") not in keys(footer)


async def test_a_worker_importing_sqlalchemy_waits_for_the_first_frame(sqlite_url: str) -> None:
    """An empty database has no story: its first screen is not read by timeline.quick, so the
    overview's worker opens the database (SQLAlchemy, the schema check); it does so only once
    the first frame is drawn, while the quick read, when there is one, starts at once."""
    drawn_when_opened: list[bool] = []
    app: Any = None

    class Recording(LazyDatabase):
        def open(self) -> Database:
            screens = [s for s in app.screen_stack if isinstance(s, MainScreen)]
            drawn_when_opened.append(bool(screens) and screens[0]._drawn.is_set())
            return super().open()

    database = Recording(sqlite_url)
    app = build(database)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert main(app).overview is not None and main(app).overview.empty
            assert drawn_when_opened and all(drawn_when_opened), drawn_when_opened
    finally:
        database.dispose()


async def test_the_footer_shows_its_keys_once_the_timeline_is_drawn(
    db: Database, filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the footer's keys takes as long as drawing the timeline: they come after it
    (or FOOTER_AFTER after mounting, when the timeline is slow to come)."""
    import threading

    import newsdiff.timeline.quick
    import newsdiff.tui.screens.main as main_screen

    release = threading.Event()
    quick_overview = newsdiff.timeline.quick.quick_overview

    def slow(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(10), "the test never let the timeline come"
        return quick_overview(*args, **kwargs)

    monkeypatch.setattr(newsdiff.timeline.quick, "quick_overview", slow)
    monkeypatch.setattr(main_screen, "FOOTER_AFTER", 60.0)
    database = LazyDatabase(db.url)  # as the command line gives it: the quick path
    app = build(database)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = main(app)
            deadline = time.monotonic() + 10
            # the timeline's read has started (after the first frame), and the screen has told
            # the footer about its keys
            while not (screen.workers and screen.footer._bindings_ready):
                assert time.monotonic() < deadline, "the timeline was never read"
                await pilot.pause(0.01)
            await pilot.pause()
            assert not screen.timeline.items
            assert keys(screen.footer) == []
            release.set()
            await settle(pilot)
            assert screen.timeline.items
            assert ("?", "Help") in keys(screen.footer)
    finally:
        release.set()
        database.dispose()


async def test_the_app_collects_garbage_again_once_its_first_frame_is_out(
    db: Database, filled: Filled
) -> None:
    """`newsdiff tui` stops the cyclic collector while the app starts: the app starts it again
    at its first frame."""
    import gc

    gc.disable()
    try:
        app = build(db)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()
