"""Pilot tests of `newsdiff tui` on a database the tests fill."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from textual import events
from textual.command import CommandPalette
from textual.geometry import Offset
from textual.selection import Selection

from newsdiff.config import Settings, TuiSettings
from newsdiff.errors import ConfigError, SchemaOutdated
from newsdiff.store.db import Database, make_engine
from newsdiff.store.lazy import LazyDatabase
from newsdiff.store.models import Article
from newsdiff.timeline.linking import is_linked
from newsdiff.timeline.stories import get_event
from newsdiff.tui.screens.help import HelpScreen
from newsdiff.tui.screens.version_picker import VersionPicker
from tests.tui.conftest import SIZE, build, main, settle, shown, until
from tests.tui.data import CLOSURE_V3, Filled, fill

pytestmark = pytest.mark.asyncio


def linked(database: Database, event: str, article_id: int) -> bool:
    with database.read() as session:
        found = session.get(Article, article_id)
        assert found is not None
        return is_linked(session, get_event(session, f"bridge/{event}"), found)


async def test_opens_the_story_and_walks_the_panes(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert app.title == "The Millbrook bridge closure"
        # the first event with coverage is selected, its only article, its only version
        assert screen.timeline.current is not None
        assert screen.timeline.current.title == "Cracks found in the bridge"
        assert screen.coverage.current is not None
        assert screen.coverage.current.article_id == filled.cracks
        assert "Engineers found cracks on Monday." in screen.diff.plain_text
        assert "first version" in screen.diff.plain_text

        await pilot.press("j")  # next event: the closure, two articles
        await settle(pilot)
        assert screen.timeline.current and screen.timeline.current.title.startswith("Bridge")
        assert [a.article_id for a in screen.coverage.items] == [filled.closure, filled.untrusted]
        assert [v.number for v in screen.versions.items] == [1, 2, 3]
        assert screen.diff.request is not None
        assert (screen.diff.request.old, screen.diff.request.new) == (2, 3)
        text = screen.diff.plain_text
        assert "↕ moved from ¶16" in text and "↕ moved to ¶1" in text
        assert "last check that saw v2" in text

        # a click selects (row 1 of the coverage: border, header, row 0, row 1)
        await pilot.click("#coverage", offset=(20, 3))
        await settle(pilot)
        assert app.focused is screen.coverage
        assert screen.diff.request and screen.diff.request.article_id == filled.untrusted
        await pilot.press("up")
        await settle(pilot)
        assert screen.diff.request and screen.diff.request.article_id == filled.closure
        await pilot.press("shift+tab", "tab")  # focus goes back and forth
        assert app.focused is screen.coverage
        await pilot.press("down")
        await settle(pilot)
        assert screen.diff.request and screen.diff.request.article_id == filled.untrusted
        await pilot.press("enter")  # enter opens: on to the versions
        assert app.focused is screen.versions
        await pilot.press("enter")
        assert app.focused is screen.diff
        await pilot.press("shift+tab")
        assert app.focused is screen.versions


async def _closure(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot)
    assert main(app).coverage.current is not None


async def test_version_stepping_and_any_two(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot, app)
        screen = main(app)
        pair = lambda: (screen.diff.request.old, screen.diff.request.new)  # noqa: E731
        assert pair() == (2, 3)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert pair() == (1, 2)
        text = screen.diff.plain_text
        assert "Bridge closed after cracks found" in text  # old headline, left
        assert "Bridge closed for months after deep cracks found" in text
        assert "could last several months" in text and "would last about two weeks" in text
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert pair() == (None, 1)
        await pilot.press("left_square_bracket")  # already the first: stays
        await settle(pilot)
        assert pair() == (None, 1)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert pair() == (2, 3)

        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VersionPicker)
        await pilot.press("home", "enter")  # from: v1
        await pilot.press("end", "enter")  # to: v3
        await settle(pilot)
        assert main(app) is screen
        assert pair() == (1, 3)
        assert screen.versions.current is not None and screen.versions.current.number == 3
        assert "v1 2024-03-06 09:00 UTC  →  v3" in screen.diff.plain_text

        wide = screen.diff.laid.width
        await pilot.resize_terminal(110, 40)  # the diff is laid out again for the new width
        await until(pilot, lambda: screen.diff.laid.width < wide, "a narrower layout")
        assert screen.diff.laid.width == screen.diff.scrollable_content_region.width
        assert max(len(t) for t in screen.diff.laid.texts) <= screen.diff.laid.width


async def test_changes_folding_inline_and_find(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot, app)
        screen = main(app)
        diff = screen.diff
        await pilot.press("left_square_bracket")  # v1 -> v2: edits at the top and the bottom
        await settle(pilot)
        assert len(diff.laid.changes) >= 3
        await pilot.press("n", "n")
        await settle(pilot)
        assert diff._change == 1
        second = diff.laid.changes[1]
        assert diff.scroll_y <= second < diff.scroll_y + diff.size.height
        assert "change 2/" in str(diff.border_subtitle)
        await pilot.press("p")
        assert diff._change == 0

        # folding while another pair loads: the new pair comes, folded
        await pilot.press("right_square_bracket", "u")
        await settle(pilot)
        assert diff.pair is not None and diff.request is not None
        assert (diff.pair.old and diff.pair.old.number, diff.pair.new.number) == (2, 3)
        assert (diff.request.old, diff.request.new) == (2, 3) and diff.fold
        await pilot.press("u", "left_square_bracket")
        await settle(pilot)
        assert diff.pair.new.number == 2 and not diff.fold

        lines = len(diff.laid)
        await pilot.press("u")
        await settle(pilot)
        assert diff.laid.folded == 10  # 12 unchanged, one kept next to each change
        assert "⋯ 10 unchanged paragraphs folded" in diff.plain_text
        assert "Paragraph 5 of background" not in diff.plain_text
        assert len(diff.laid) < lines
        await pilot.press("u")
        await settle(pilot)
        assert diff.laid.folded == 0 and "Paragraph 5 of background" in diff.plain_text

        await pilot.press("i")
        await settle(pilot)
        assert " │ " not in diff.plain_text
        assert "about two weeks" in diff.plain_text  # deleted words, inline
        await pilot.press("i")
        await settle(pilot)
        assert " │ " in diff.plain_text

        await pilot.press("slash")
        await pilot.press(*"footbridge", "enter")
        await settle(pilot)
        assert diff.find_query == "footbridge"
        assert diff.laid.match_count == 1
        match = diff.laid.matches[0]
        assert diff.scroll_y <= match < diff.scroll_y + diff.size.height
        assert "footbridge" in shown(diff)
        await pilot.press("slash")
        await pilot.press(*"no such words", "enter")
        await settle(pilot)
        assert diff.laid.match_count == 0


async def test_link_and_unlink(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot, app)
        screen = main(app)
        await pilot.press("tab", "down")
        await settle(pilot)
        assert screen.coverage.current and screen.coverage.current.article_id == filled.untrusted
        before = screen.timeline.current.count if screen.timeline.current else -1
        await pilot.press("l")
        await until(pilot, lambda: not linked(db, "closure", filled.untrusted), "unlink")
        await settle(pilot)
        assert screen.coverage.items[1].linked is False
        assert "✗" in shown(screen.coverage)
        assert screen.timeline.items[1].count == before - 1
        await pilot.press("l")
        await until(pilot, lambda: linked(db, "closure", filled.untrusted), "link")
        await settle(pilot)
        assert screen.coverage.items[1].linked is True
        assert screen.timeline.items[1].count == before


async def test_palette_jumps_to_an_unlinked_article_and_links_it(
    db: Database, filled: Filled
) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot, app)
        screen = main(app)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Rain and wind")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: screen.article_id == filled.loose, "the jump")
        assert screen.coverage.current is not None
        assert screen.coverage.current.linked is False
        assert "Forecasters expect rain and wind all week." in screen.diff.plain_text
        await pilot.press("l")
        await until(pilot, lambda: linked(db, "closure", filled.loose), "link")


async def test_untrusted_text_is_shown_literally(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot, app)
        screen = main(app)
        await pilot.press("tab", "down")
        await until(
            pilot,
            lambda: (
                screen.diff.request is not None
                and screen.diff.request.article_id == filled.untrusted
                and screen.diff.pair is not None
            ),
            "the untrusted article",
        )
        on_screen = shown(screen.diff)
        assert '"long overdue [sic]"' in on_screen
        assert "[bold]x[/]" in on_screen
        assert "␛[31mRED ALERT␛[0m" in on_screen  # the escape made visible, not obeyed
        assert "\x1b" not in on_screen
        assert "Mayor [sic] on the bridge" in shown(screen.coverage)
        assert "\x1b" not in app.export_screenshot()
        # text selection copies what is shown
        selected = screen.diff.get_selection(Selection(None, None))
        assert selected is not None and "[bold]x[/]" in selected[0]
        line = next(i for i, t in enumerate(screen.diff.laid.texts) if "The mayor said" in t)
        start = screen.diff.laid.texts[line].index("The mayor said")
        part = screen.diff.get_selection(
            Selection(Offset(start, line), Offset(start + len("The mayor said"), line))
        )
        assert part is not None and part[0] == "The mayor said"


async def test_mouse_wheel_scrolls_and_a_drag_copies_one_column(
    db: Database, filled: Filled
) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j")  # the closure: a long article, versions 2 and 3
        await until(
            pilot,
            lambda: screen.diff.pair is not None and screen.diff.pair.article_id == filled.closure,
            "the closure diff",
        )
        diff = screen.diff
        assert diff.max_scroll_y > 0
        # the wheel, through the screen as a terminal's events come
        for _ in range(3):
            await pilot._post_mouse_events([events.MouseScrollDown], diff, offset=(20, 5))
        await until(pilot, lambda: diff.scroll_y > 0, "the wheel to scroll the diff")
        scrolled = diff.scroll_y
        await pilot._post_mouse_events([events.MouseScrollUp], diff, offset=(20, 5))
        await until(pilot, lambda: diff.scroll_y < scrolled, "the wheel to scroll back")
        diff.scroll_to(y=0, animate=False)
        await until(pilot, lambda: diff.scroll_y == 0, "the top")
        # drag across two lines of the right column, then ctrl+c
        laid = diff.laid
        y = next(i for i, t in enumerate(laid.texts) if "Millbrook council closed" in t)
        dx = diff.content_region.x - diff.region.x
        dy = diff.content_region.y - diff.region.y
        start = (laid.right_start + dx, y + dy)
        end = (laid.right_start + 30 + dx, y + 1 + dy)
        await pilot.mouse_down(diff, offset=start)
        await pilot.hover(diff, offset=end)
        await pilot.mouse_up(diff, offset=end)
        await pilot.press("ctrl+c")
        await until(pilot, lambda: bool(app.clipboard), "the copy")
        copied = app.clipboard
        # the new paragraph, its two lines joined again: nothing of the old column
        assert copied.startswith("Millbrook council closed the bridge") and "\n" not in copied
        assert CLOSURE_V3[1].startswith(copied) and copied.endswith(" deep cracks.")
        assert "│" not in copied


async def test_empty_database_says_how_to_start(db: Database) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        empty = screen.query_one("#empty")
        assert empty.display and not screen.query_one("#panes").display
        text = shown(empty)
        assert "newsdiff feeds add URL" in text and "newsdiff poll" in text
        assert app.sub_title == "empty database"


async def test_lazy_database_opens_after_the_first_frame(sqlite_url: str) -> None:
    """The command line hands the app an unopened database: the layout is up, saying so, and
    the story's timeline shows while a worker opens it; then the rest comes."""
    import threading

    fill_db = Database(sqlite_url)
    fill(fill_db)
    fill_db.dispose()
    release = threading.Event()

    class SlowToOpen(LazyDatabase):
        def open(self) -> Database:
            assert release.wait(10), "the test never let the database open"
            return super().open()

    database = SlowToOpen(sqlite_url)
    app = build(database)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = main(app)
            assert not database.is_open
            assert "Opening the database" in screen.diff.plain_text
            # the story's timeline comes straight from SQLite (newsdiff.timeline.quick) while
            # the database is still being opened; the coverage waits for it
            deadline = time.monotonic() + 10
            while not screen.timeline.items:
                assert time.monotonic() < deadline, "no timeline before the database opened"
                await pilot.pause(0.01)
            assert not database.is_open
            assert app.title == "The Millbrook bridge closure"
            assert screen.timeline.border_subtitle is None
            assert screen.diff.pair is None
            release.set()
            await settle(pilot)
            assert database.is_open
            assert screen.diff.pair is not None
            assert screen.timeline.border_subtitle is None
    finally:
        release.set()
        database.dispose()


@pytest.mark.parametrize("setup", ["uninitialised", "outdated"])
async def test_database_that_cannot_be_opened_quits_with_the_reason(
    tmp_path: Path, sqlite_url: str, setup: str
) -> None:
    if setup == "uninitialised":
        url = f"sqlite:///{tmp_path / 'never-initialised.sqlite'}"
    else:
        url = sqlite_url
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
        engine.dispose()
    database = LazyDatabase(url)
    app = build(database)
    async with app.run_test(size=SIZE) as pilot:
        # not `until`: it waits for workers, and quitting cancels them
        deadline = time.monotonic() + 10
        while app.return_code is None:
            assert time.monotonic() < deadline, "the app did not quit"
            await pilot.pause(0.01)
    assert app.return_code == 1
    assert isinstance(app.return_value, SchemaOutdated)
    assert ("newsdiff init" if setup == "uninitialised" else "too new") in str(app.return_value)


async def test_no_story_lists_articles_by_outlet_and_day(db: Database) -> None:
    filled = fill(db, story=False)
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert app.title == "All tracked articles"
        rows = [(i.when, i.title, i.count) for i in screen.timeline.items]
        assert rows == [
            ("2024-03-08", "Millbrook Courier", 1),
            ("2024-03-07", "Eastfield Ledger", 1),
            ("2024-03-06", "Millbrook Courier", 1),
            ("2024-03-04", "Eastfield Ledger", 1),
        ]
        assert screen.coverage.current and screen.coverage.current.article_id == filled.loose
        assert "rain and wind" in screen.diff.plain_text
        await pilot.press("l")  # no event to link to: a notice, nothing breaks
        await settle(pilot)


async def test_story_switcher(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main(app).story_slug == "bridge"
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("home", "enter")  # "All tracked articles"
        await settle(pilot)
        screen = main(app)
        assert screen.all_articles and len(screen.timeline.items) == 4
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not screen.all_articles and screen.story_slug == "bridge"


async def test_bindings_are_remapped_from_the_config(db: Database, filled: Filled) -> None:
    settings = dataclasses.replace(
        Settings(),
        tui=TuiSettings(bindings={"prev_pair": "x", "command_palette": "ctrl+k"}),
    )
    app = build(db, settings)
    async with app.run_test(size=SIZE) as pilot:
        await _closure(pilot, app)
        screen = main(app)
        await pilot.press("x")
        await settle(pilot)
        assert screen.diff.request and screen.diff.request.new == 2
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = {binding_id: keys for keys, _, binding_id in app.screen.keys}
        assert keys["prev_pair"] == "x" and keys["next_pair"] == "]"
        assert keys["command_palette"] == "^k"
        await pilot.press("escape")
        assert main(app) is screen
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the main screen")


async def test_an_unknown_binding_id_is_a_config_error(db: Database, tmp_path: Path) -> None:
    settings = dataclasses.replace(
        Settings(),
        tui=TuiSettings(bindings={"prev_pair": "x", "no_such_key": "y"}),
        source=tmp_path / "newsdiff.toml",
    )
    with pytest.raises(ConfigError) as raised:
        build(db, settings)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'newsdiff.toml'}: tui.bindings.no_such_key: ")
    assert "prev_pair" in message  # the known ids are listed


async def test_a_two_thousand_paragraph_article(db: Database) -> None:
    from datetime import UTC, datetime

    from newsdiff.store.articles import track_article
    from newsdiff.store.versions import VersionFields, add_version

    old = [f"Paragraph {i} says something about item {i} and its neighbours." for i in range(2000)]
    new = list(old)
    new[1500] = "Paragraph 1500 now says something else entirely about the item."
    with db.write() as session:
        moment = datetime(2024, 5, 1, tzinfo=UTC)
        article, _ = track_article(session, "https://big.example/a", now=moment)
        for n, text in enumerate((old, new)):
            add_version(
                session,
                article,
                VersionFields(
                    title="Big",
                    paragraphs=text,
                    extractor="t",
                    extractor_version="1",
                ),
                captured_at=moment.replace(hour=n),
            )
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        diff = main(app).diff
        assert diff.pair is not None and len(diff.pair.new.paragraphs) == 2000
        assert len(diff.laid) > 4000
        # shown first, then its edits typed (nothing stored for it) and listed
        assert diff.pair.edits is not None and not diff.pair.edits.stored
        edits = "Edits 1 · 1 silent (*) · computed for v1 → v2"
        assert any(t.startswith(edits) for t in diff.laid.texts[:9]), diff.laid.texts[:9]
        await pilot.press("tab", "tab", "tab", "n")
        await settle(pilot)
        assert "now says something else entirely" in shown(diff)


async def test_an_article_without_versions(db: Database) -> None:
    from newsdiff.store.articles import track_article
    from tests.tui.data import at

    with db.write() as session:
        track_article(session, "https://wire.example/just-seen", now=at(9), title="Just seen")
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.coverage.current is not None
        assert screen.coverage.current.title == "Just seen"
        assert screen.versions.items == []
        assert "No version of this article has been captured yet." in screen.diff.plain_text
