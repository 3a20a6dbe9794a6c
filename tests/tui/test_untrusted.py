"""Untrusted text (event and article titles, outlet names) reaches the screen literally: in the
command palette, the notifications, the panes. Markup is shown, never obeyed; escape sequences
(ANSI, OSC 8 hyperlinks) are shown, never sent to the terminal."""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from newsdiff.diff.edits import ANALYSER_VERSION
from newsdiff.errors import NotFound
from newsdiff.store.db import Database
from newsdiff.store.edits import VersionEdits, save_edits
from newsdiff.store.models import Article
from newsdiff.store.versions import get_version
from newsdiff.timeline.linking import set_link
from newsdiff.timeline.stories import get_event, import_story, parse_story
from tests.tui.conftest import SIZE, build, main, screen_text, settle, shown, until
from tests.tui.data import STORY, Filled, _versions, at

pytestmark = pytest.mark.asyncio

CLICK = "[@click=app.quit]x[/]"
OSC8 = "\x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\"
EVENT_TITLE = f"Hostile {CLICK} {OSC8}"
ARTICLE_TITLE = f"Rogue headline {CLICK} {OSC8} \x1b[31mred\x1b[0m"


def hostile(db: Database) -> int:
    """An event and an article (linked to it) whose titles hold markup and escapes."""
    article_id = _versions(
        db,
        "https://rogue.example/story",
        f"Rogue {CLICK} Outlet",
        [(ARTICLE_TITLE, ["A paragraph."]), (ARTICLE_TITLE, ["A longer paragraph."])],
        at(5),
    )
    story = {**STORY, "events": [*STORY["events"], {  # type: ignore[list-item]
        "slug": "hostile", "date": "2024-03-05", "title": EVENT_TITLE,
    }]}  # fmt: skip
    with db.write() as session:
        import_story(session, parse_story(story, "<tui test>"))
        found = session.get(Article, article_id)
        assert found is not None
        set_link(session, get_event(session, "bridge/hostile"), found, linked=True)
    return article_id


async def open_palette(pilot: Pilot[Any], query: str) -> CommandList:
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    results = app.screen.query_one(CommandList)
    await until(pilot, lambda: results.option_count > 0, "palette hits")
    return results


async def test_palette_shows_markup_literally_and_a_click_on_its_help_line_jumps(
    db: Database, filled: Filled
) -> None:
    rogue = hostile(db)
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        results = await open_palette(pilot, "Rogue headline")
        await settle(pilot)
        assert results.option_count == 1
        lines = screen_text(app).splitlines()
        assert any(ARTICLE_TITLE.split(" \x1b")[0] in line for line in lines)
        help_y = next(y for y, line in enumerate(lines) if "article · Hostile" in line)
        # the help line names the article's event, its markup shown as typed
        assert f"article · Hostile {CLICK}" in lines[help_y]
        # a click where the markup's link would be selects the hit, and nothing else
        x = lines[help_y].index("article · Hostile ") + len("article · Hostile ")
        await pilot.click(offset=(x, help_y))
        await until(pilot, lambda: screen.article_id == rogue, "the jump")
        assert app.is_running and app.return_code is None
        assert app.screen is screen
        assert screen.timeline.current is not None
        assert screen.timeline.current.title == EVENT_TITLE  # the article's event
        assert "Hostile [@click=app.quit]x[/] ␛]8;;" in shown(screen.timeline)
        assert "Rogue [@clic" in shown(screen.coverage)


async def test_palette_discovery_lists_events_literally(db: Database, filled: Filled) -> None:
    hostile(db)
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        results = app.screen.query_one(CommandList)
        await until(pilot, lambda: results.option_count > 0, "the events")
        text = screen_text(app)
        assert f"Hostile {CLICK}" in text
        assert "\x1b" not in text


async def test_no_escape_from_the_data_reaches_the_terminal(db: Database, filled: Filled) -> None:
    rogue = hostile(db)
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_palette(pilot, "Rogue headline")
        await settle(pilot)
        palette_text = screen_text(app)
        assert "Rogue headline" in palette_text
        assert "\x1b" not in palette_text
        assert "␛]8;;http://evil" in palette_text  # shown, made visible
        await pilot.press("enter")
        await until(pilot, lambda: screen.article_id == rogue, "the jump")
        await settle(pilot)
        text = screen_text(app)
        assert "Rogue headline" in text and "Hostile" in text
        assert "\x1b" not in text
        assert "\x1b" not in app.export_screenshot()


HOSTILE_KIND = "\x1b[31mkind"
HOSTILE_EDIT = {
    "kind": HOSTILE_KIND,
    "change": "changed",
    "old": CLICK,
    "new": f"[bold]new[/] {OSC8}",
    "old_paragraph": 0,
    "new_paragraph": 0,
    "silent": True,
    "detail": {"speaker": "[@click=app.quit]Evil[/]", "old_span": [0, 2], "new_span": [0, 8]},
}


async def test_edits_from_the_database_are_shown_literally(db: Database, filled: Filled) -> None:
    """A kind, texts and a speaker from the edits table holding markup and escapes: in the
    versions pane's badges, the diff's list of edits and the status line."""
    rogue = hostile(db)
    with db.write() as session:
        version = get_version(session, rogue, 2)
        before = get_version(session, rogue, 1).text_hash
        edits = VersionEdits(ANALYSER_VERSION, before, (HOSTILE_EDIT,), trivial=False)
        assert save_edits(session, version, edits)
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_palette(pilot, "Rogue headline")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: screen.article_id == rogue, "the jump")
        await settle(pilot)
        assert "2 03-05 14:00 ␛*" in shown(screen.versions)  # the kind's first letter, visible
        line = next(t for t in screen.diff.laid.texts if t.startswith("␛*"))
        assert f"␛[31mkind  changed silent “{CLICK}” → “[bold]new[/] ␛]8;;" in line
        assert "— [@click=app.quit]Evil[/]" in line
        await pilot.press("e", "n")
        await settle(pilot)
        text = screen_text(app)
        status = next(line for line in text.splitlines() if "edit 1/1: " in line)
        assert "— [@click=app.quit]Evil[/]" in status
        assert "␛[31mkind" in text and "\x1b" not in text
        assert app.is_running and app.return_code is None


async def test_an_unknown_story_quits_with_not_found(db: Database, filled: Filled) -> None:
    """``tui --story nope``: the app quits at once and hands the error to the command line."""
    app = build(db, story=CLICK)
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 10
        while app.return_code is None:  # not `settle`: quitting cancels the workers
            assert time.monotonic() < deadline, "the app did not quit"
            await pilot.pause(0.01)
    assert app.return_code == 1
    assert isinstance(app.return_value, NotFound)
    assert CLICK in str(app.return_value)
