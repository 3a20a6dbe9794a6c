"""The archive search screen (f / the command palette): hits as a table, enter opens the article
at the matching version with the words found highlighted in the diff."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from newsdiff.store.db import Database
from newsdiff.tui.screens.search import SearchScreen
from tests.tui.conftest import SIZE, build, main, screen_text, settle, until
from tests.tui.data import Filled

pytestmark = pytest.mark.asyncio


def search_screen(app: object) -> SearchScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, SearchScreen), screen
    return screen


async def test_search_opens_the_hit_at_its_version_with_the_words_found(
    db: Database, filled: Filled
) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        search = search_screen(app)
        await pilot.press(*'"several months"', "enter")
        await until(pilot, lambda: not search.pending, "the search")
        assert [h.article_id for h in search.hits] == [filled.closure]
        table = search.query_one(DataTable)
        assert table.row_count == 1
        await pilot.pause()
        text = screen_text(app)
        assert "Millbrook Courier" in text and "v2,3 of 3" in text
        assert "1 hit for" in search.status

        # where the phrase appeared: v2, against v1
        search.query_one("#search-within").value = "added"  # type: ignore[attr-defined]
        await until(pilot, lambda: not search.pending and "v2 added" in screen_text(app), "added")
        await pilot.press("down", "enter")
        screen = main(app)
        await until(
            pilot,
            lambda: screen.diff.pair is not None and screen.diff.pair.new.number == 2,
            "the hit's pair",
        )
        assert screen.article_id == filled.closure
        assert screen.versions.current is not None and screen.versions.current.number == 2
        assert screen.diff.pair is not None and screen.diff.pair.old is not None
        assert screen.diff.pair.old.number == 1
        assert screen.diff.find_query == "several months"
        assert screen.diff.laid.match_count >= 1
        match = screen.diff.laid.matches[0]
        assert screen.diff.scroll_y <= match < screen.diff.scroll_y + screen.diff.size.height

        # f again: the last query and scope are kept
        await pilot.press("f")
        again = search_screen(app)
        assert again.query_one(Input).value == '"several months"'
        assert again.within == "added"


async def test_a_malformed_query_is_one_line_in_the_screen(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        search = search_screen(app)
        await pilot.press(*"bridge", "enter")  # hits first: a bad query clears them
        await until(pilot, lambda: bool(search.hits), "the hits")
        for bad in ('"unbalanced', "NOT bridge", "ab*", "x" * 1001):
            search.query_one(Input).value = bad
            await pilot.press("enter")
            await settle(pilot)
            assert search.status.startswith("Cannot search this: "), search.status
            assert "\n" not in search.status
            assert not search.hits and search.query_one(DataTable).row_count == 0
            assert "Traceback" not in screen_text(app)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        assert app.screen is main(app)


async def test_hits_are_shown_literally(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", *"overdue", "enter")
        search = search_screen(app)
        await until(pilot, lambda: not search.pending, "the search")
        assert [h.article_id for h in search.hits] == [filled.untrusted]
        text = screen_text(app)
        assert "Mayor [sic] on the bridge" in text
        assert "[sic]" in text and "\x1b[31m" not in text


async def test_search_from_the_palette(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Search the archive")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")


async def test_every_column_shows_at_80x24(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", *'"several months"', "enter")
        search = search_screen(app)
        await until(pilot, lambda: not search.pending, "the search")
        await pilot.pause()
        text = screen_text(app)
        for label in ("Article", "Outlet", "Version(s)", "When", "Headline", "Snippet"):
            assert label in text
        assert "Bridge" in text and "The coun" in text  # headline and snippet, cut with …
        assert search.query_one(DataTable).max_scroll_x == 0  # nothing off to the right
