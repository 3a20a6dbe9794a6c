"""The TUI at the sizes terminals come in: 60×20, 80×24, 200×50, 240×60."""

from __future__ import annotations

import pytest

from newsdiff.store.db import Database
from newsdiff.tui.diff_layout import FULL
from newsdiff.tui.widgets.diff_view import DiffView
from tests.tui.conftest import build, main, screen_text, settle, shown
from tests.tui.data import Filled

pytestmark = pytest.mark.asyncio


def article_rows(diff: DiffView) -> list[str]:
    """The lines of article text (paragraphs, not the heading nor the headline) that the diff
    pane shows without scrolling."""
    laid = diff.laid
    rules = [y for y, text in enumerate(laid.texts) if text.startswith("───")]
    body = rules[-1] + 1 if rules else 0
    top = round(diff.scroll_y)
    visible = range(top, min(top + diff.scrollable_content_region.height, len(laid)))
    return [
        laid.texts[y]
        for y in visible
        if y >= body and laid.kinds[y] != FULL and any(c.isalpha() for c in laid.texts[y])
    ]


async def test_80x24_shows_a_screenful_of_article_text(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j")  # the closure: a long article
        await settle(pilot)
        diff = screen.diff
        assert diff.pair is not None and diff.pair.article_id == filled.closure
        rows = article_rows(diff)
        assert len(rows) >= 8, rows
        # the heading folds to one line: versions, words, time, outlet
        heading = diff.laid.texts[0]
        assert heading.startswith("v2 → v3 of 3") and "Millbrook Courier" in heading
        assert not diff.laid.texts[1].startswith("changed between")
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer, footer


async def test_a_tall_terminal_keeps_the_whole_heading(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        texts = main(app).diff.laid.texts
        assert texts[1].startswith("changed between") and "https://courier.example" in texts[2]


async def test_columns_adapt_to_a_narrow_terminal(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        screen = main(app)
        timeline = shown(screen.timeline)
        # the dates and the start of each event's title (today: 4 characters of pane)
        assert "2024-03-04" in timeline and "Cracks fo" in timeline, timeline
        assert screen.timeline.region.width >= 24
        assert screen.versions.region.width <= 20  # number and time only, no longer 44 wide
        assert "03-06 09:00" in shown(screen.versions) or "03-04" in shown(screen.versions)


async def test_the_pane_worked_in_gets_the_room(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j")
        await settle(pilot)
        on_timeline = screen.timeline.region.width
        assert "Bridge closed t" in shown(screen.timeline)
        await pilot.press("tab")  # to the coverage: its outlets and headlines get the room
        await settle(pilot)
        assert screen.coverage.region.width > on_timeline - 10
        assert screen.timeline.region.width < on_timeline
        assert "Millbrook" in shown(screen.coverage)


async def test_columns_use_a_wide_terminal(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=(240, 60)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j")
        await settle(pilot)
        coverage = shown(screen.coverage)
        # outlet names whole (today cut to 12 characters), and every column shown
        assert "Millbrook Courier" in coverage and "Eastfield Ledger" in coverage
        assert "Last change" in coverage
        assert "Bridge closed for months after deep cracks found" in coverage
        versions = shown(screen.versions)
        assert "+14 −5 H" in versions  # words added and removed, headline changed
        # the versions pane is as wide as it needs, the headlines get the slack
        assert screen.versions.region.width == screen.versions.demand().natural
        assert screen.coverage.region.width > screen.timeline.region.width


async def test_a_hidden_column_leaves_no_trace_of_its_label(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=(70, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        header = shown(screen.timeline).splitlines()[0]
        assert header.split() == ["Date", "Event"], header  # "Art." hidden, not "A"
        assert shown(screen.coverage).splitlines()[0].split()[:2] == ["Outlet", "v"]
        assert shown(screen.versions).splitlines()[0].split() == ["v", "Captured"]
