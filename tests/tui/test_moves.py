"""Keys and dialogs: the compare dialog, linking on an event no article covers, find ignoring
case and accents, the change stepped to, paging the diff from any pane."""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from newsdiff.store.db import Database
from newsdiff.tui.screens.article_picker import ArticlePicker
from newsdiff.tui.screens.version_picker import VersionPicker
from newsdiff.tui.wrap import MATCH
from tests.tui.conftest import SIZE, build, main, screen_text, settle, until
from tests.tui.data import Filled, _versions, at, fill
from tests.tui.test_app import linked

pytestmark = pytest.mark.asyncio


async def _closure(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot)


async def test_compare_dialog_moves_with_j_k_and_enter_goes_from_from_to_to(
    db: Database, filled: Filled
) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot)
        screen = main(app)
        await pilot.press("left_square_bracket")  # v1 -> v2 shown
        await settle(pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, VersionPicker), "the dialog")
        picker = app.screen
        start = picker.query_one("#from", OptionList)
        end = picker.query_one("#to", OptionList)
        assert start.highlighted == 0  # the older version shown
        assert end.highlighted == 2  # the latest, not the newer version shown
        await pilot.press("j", "j")
        assert start.highlighted == 2
        await pilot.press("k")
        assert start.highlighted == 1
        await pilot.press("enter")  # from: v2; on to "to", nothing compared yet
        await settle(pilot)
        assert app.screen is picker and app.focused is end
        await pilot.press("k", "j")
        assert end.highlighted == 2
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the main screen")
        assert screen.diff.request is not None
        assert (screen.diff.request.old, screen.diff.request.new) == (2, 3)


async def _inquiry(pilot: Pilot[Any]) -> None:
    """The event no article covers."""
    await settle(pilot)
    await pilot.press("j", "j")
    await settle(pilot)
    screen = main(pilot.app)
    assert screen.timeline.current is not None
    assert screen.timeline.current.title == "Council opens an inquiry"
    assert screen.coverage.items == []


async def test_l_on_an_empty_event_offers_an_article_picker(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _inquiry(pilot)
        screen = main(app)
        assert "press l and pick an article" in screen.diff.plain_text
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, ArticlePicker), "the picker")
        picker = app.screen
        assert isinstance(picker, ArticlePicker)
        await until(pilot, lambda: not picker.pending, "the articles")
        options = picker.query_one(OptionList)
        assert options.option_count == 4
        assert "Rain and wind expected all week" in screen_text(app)  # shown, not covered
        await pilot.press(*"RAIN AND")  # case ignored
        await settle(pilot)
        assert options.option_count == 1
        assert "RAIN AND" in screen_text(app)  # what is typed shows
        await pilot.press("enter")
        await until(pilot, lambda: linked(db, "inquiry", filled.loose), "the link")
        await until(pilot, lambda: screen.article_id == filled.loose, "the article shown")
        assert app.screen is screen
        assert [a.article_id for a in screen.coverage.items] == [filled.loose]
        assert screen.timeline.current is not None and screen.timeline.current.count == 1
        assert "Forecasters expect rain and wind all week." in screen.diff.plain_text


async def test_an_article_picked_in_the_palette_on_an_empty_event_stays_there(
    db: Database, filled: Filled
) -> None:
    """The hint on an empty event, as written: ctrl+p, pick an article, press l."""
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _inquiry(pilot)
        screen = main(app)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Engineers find cracks")  # linked to the "cracks" event
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: screen.article_id == filled.cracks, "the article")
        # still on the inquiry (today: the timeline jumps to the article's own event)
        assert screen.timeline.current is not None
        assert screen.timeline.current.title == "Council opens an inquiry"
        await pilot.press("l")
        await until(pilot, lambda: linked(db, "inquiry", filled.cracks), "the link")
        assert linked(db, "cracks", filled.cracks)  # its own event keeps it


async def test_find_ignores_case_and_accents(db: Database) -> None:
    fill(db, story=False)
    _versions(
        db,
        "https://courier.example/inquiry",
        "Millbrook Courier",
        [
            ("Inquiry", ["The inquiry into the death of Victoria Climbié opened."]),
            ("Inquiry", ["The inquiry into the death of Victoria CLIMBIÉ opened in London."]),
        ],
        at(20),
    )
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        diff = main(app).diff
        assert diff.pair is not None and "Climbié" in diff.plain_text
        await pilot.press("slash", *"climbie")
        await settle(pilot)
        bar = screen_text(app).splitlines()[-2:]
        assert any("Find in diff: climbie" in line for line in bar), bar  # what is typed shows
        await pilot.press("enter")
        await settle(pilot)
        assert diff.laid.match_count == 2  # old and new, accents and case ignored
        y = diff.laid.matches[0]
        found = [seg.text for seg in diff.laid.strip(y) if seg.style and seg.style.bgcolor]
        assert MATCH.bgcolor is not None
        assert "Climbié" in found or "CLIMBIÉ" in found


async def test_the_change_stepped_to_is_highlighted(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot)
        diff = main(app).diff
        await pilot.press("left_square_bracket")  # v1 -> v2: three changes
        await settle(pilot)

        def background(line: int) -> set[object]:
            strip = diff.render_line(line - round(diff.scroll_y))
            return {seg.style.bgcolor for seg in strip if seg.style and seg.text.strip()}

        unchanged = next(y for y, t in enumerate(diff.laid.texts) if "Paragraph 5 of" in t)
        await pilot.press("n", "n")
        await settle(pilot)
        first, end = diff.laid.changes[1], diff.laid.change_ends[1]
        assert end > first
        diff.scroll_to(y=max(0, first - 1), animate=False, immediate=True)
        diff._jumped_to = round(diff.scroll_y)
        await settle(pilot)
        highlighted = background(first)
        diff.scroll_to(y=unchanged, animate=False, immediate=True)
        await settle(pilot)
        assert highlighted and highlighted != background(unchanged)


async def test_space_pages_the_diff_from_any_pane(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot)
        screen = main(app)
        diff = screen.diff
        for pane in (screen.timeline, screen.coverage, screen.versions):
            diff.scroll_to(y=0, animate=False, immediate=True)
            pane.focus()
            await settle(pilot)
            await pilot.press("space")
            await until(pilot, lambda: diff.scroll_y > 0, "a page down")
            assert app.focused is pane
