"""The chart of the story (c / the command palette): edits over time per outlet, the story's
events on the time axis, at 80×24 and 200×50; untrusted names shown literally."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from newsdiff.store.db import Database
from newsdiff.store.models import Article
from newsdiff.timeline.linking import set_link
from newsdiff.timeline.stories import get_event, import_story, parse_story
from newsdiff.tui.screens.chart import ChartScreen
from newsdiff.tui.widgets.edit_chart import EditChart
from tests.tui.conftest import build, main, screen_text, settle, shown, until
from tests.tui.data import STORY, Filled, _versions, at

pytestmark = pytest.mark.asyncio

EVIL_OUTLET = "[bold]Evil[/] \x1b[31mNews"
EVIL_TITLE = "Quarry [red]blast[/] \x1b[2J"
EVIL_EVENT = "Divers [b]inspect[/b] the \x1b[31mpiers"


def add_untrusted(db: Database) -> int:
    """An outlet named with markup and an escape, its article linked to the closure; an event
    titled the same way on the chart's axis."""
    article_id = _versions(
        db,
        "https://evil.example/bridge",
        EVIL_OUTLET,
        [
            (EVIL_TITLE, ["The bridge was shut on Wednesday."]),
            (EVIL_TITLE, ["The bridge was shut on Wednesday for months."]),
        ],
        at(7),
    )
    with db.write() as session:
        found = session.get(Article, article_id)
        assert found is not None
        set_link(session, get_event(session, "bridge/closure"), found, linked=True)
        extra = {"slug": "divers", "date": "2024-03-07", "title": EVIL_EVENT}
        story = {**STORY, "events": [*STORY["events"], extra]}
        import_story(session, parse_story(story, "<chart test>"))
    return article_id


async def open_chart(pilot, app) -> ChartScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, ChartScreen), "the chart screen")
    chart = app.screen
    await until(pilot, lambda: not chart.pending, "the series")
    await pilot.pause()
    return chart


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
async def test_chart_of_the_story(db: Database, filled: Filled, size: tuple[int, int]) -> None:
    add_untrusted(db)
    app = build(db)
    async with app.run_test(size=size) as pilot:
        chart = await open_chart(pilot, app)
        series = chart.series
        assert series is not None and series.story == "bridge"
        assert series.bucket == "day" and series.measure == "edits"
        plot = chart.query_one(EditChart)
        assert plot.display and plot.size.width > 40 and plot.size.height >= 8
        drawn = shown(plot)
        # the legend names the outlets, literally; markup not parsed, the escape made visible
        assert "Millbrook Courier" in drawn
        assert "[bold]Evil[/] ␛[31mNews" in drawn
        assert "\x1b" not in drawn
        # the events' numbers on the axis, their key under the chart
        text = screen_text(app)
        assert "03-06" in drawn  # a day on the time axis
        # the axis runs over the changes (6-7 March): the closure is marked, the cracks (4th)
        # and the inquiry (April) are not
        assert [(e.number, e.slug) for e in series.marked] == [(1, "closure"), (2, "divers")]
        assert " 1 2024-03-06  Bridge closed to traffic" in text
        assert " 2 2024-03-07  Divers [b]inspect[/b] the ␛[31mpiers" in text
        assert "Cracks found" not in text
        assert "Edits per day and outlet" in text
        assert "The Millbrook bridge closure" in text
        await pilot.press("escape")
        assert app.screen is main(app)


async def test_chart_from_the_palette_and_without_changes(db: Database) -> None:
    app = build(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Chart of the story")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ChartScreen), "the chart screen")
        chart = app.screen
        await until(pilot, lambda: not chart.pending, "the series")
        assert not chart.query_one(EditChart).display
        assert "No change has been captured" in screen_text(app)
