"""Typed edits in the TUI: the kinds of each version as badges, the edits of the pair listed
under the diff's heading (summed up on one line in a short pane), ``n``/``p`` limited to one
kind with the edit's words highlighted, trivial versions hidden on request."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from newsdiff.store.db import Database
from newsdiff.tui.screens.help import HelpScreen
from newsdiff.tui.screens.version_picker import VersionPicker
from newsdiff.tui.widgets.diff_view import EVERY_EDIT, DiffView
from tests.tui.conftest import build, main, screen_text, settle, shown, until
from tests.tui.data import FERRY_QUOTE, ferry, fill
from tests.tui.test_sizes import article_rows

pytestmark = pytest.mark.asyncio

WIDE = (120, 40)
QUOTE_SHOWN = FERRY_QUOTE.replace("\x1b", "␛")


@pytest.fixture
def ferry_db(db: Database) -> Database:
    """No story: the ferry article, the newest, is shown first (v3 -> v4)."""
    fill(db, story=False)
    ferry(db)
    return db


def highlighted(diff: DiffView) -> list[str]:
    """The texts shown with the edit highlight (underlined) in the pane."""
    out = []
    for y in range(diff.size.height):
        out += [s.text for s in diff.render_line(y) if s.style and s.style.underline]
    return out


async def _v2_v3(pilot: Pilot[Any]) -> DiffView:
    await settle(pilot)
    await pilot.press("left_square_bracket")
    await settle(pilot)
    diff = main(pilot.app).diff
    assert diff.pair is not None and diff.pair.old is not None
    assert (diff.pair.old.number, diff.pair.new.number) == (2, 3)
    return diff


async def test_versions_show_the_kinds_of_their_edits(ferry_db: Database) -> None:
    app = build(ferry_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        versions = main(app).versions
        rows = [line.split() for line in shown(versions).splitlines()[1:5]]
        # v1 compares with nothing; v2 a typo fix; v3 a silent quote and source (*); v4 a number
        assert [row[0] for row in rows] == ["1", "2", "3", "4"]
        assert [row[3] if len(row) > 3 else "" for row in rows] == ["", "t", "QSto*", "N*"]


async def test_versions_not_analysed_show_a_question_mark(db: Database) -> None:
    fill(db, story=False, analysed=False)
    app = build(db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        rows = shown(main(app).versions).splitlines()[1:3]
        assert rows[0].split()[3:4] == [] and rows[1].split()[3] == "?", rows
        # the pair's edits are typed when it is shown, and said to be so
        text = main(app).diff.plain_text
        assert "computed for v1 → v2 (not stored)" in text
        assert "H  headline   changed “Rain expected all week” → “Rain and wind" in text


async def test_the_heading_lists_the_edits_literally(ferry_db: Database) -> None:
    app = build(ferry_db)
    async with app.run_test(size=WIDE) as pilot:
        diff = await _v2_v3(pilot)
        texts = diff.laid.texts
        assert "Edits 4 · 2 silent (*) · e: n/p by kind" in texts
        quote = next(t for t in texts if t.startswith("Q* quote"))
        assert quote == f"Q* quote      added   silent “{QUOTE_SHOWN}” — Captain Hale"
        assert "S* source     added   silent “Captain Hale”" in texts
        assert "t  trivial    changed “Monday” → “Monday,”" in texts
        assert texts.index(quote) < diff.laid.head_line  # above the headline
        on_screen = screen_text(app)
        assert f"“{QUOTE_SHOWN}”" in on_screen and "\x1b" not in on_screen


async def test_a_short_pane_sums_the_edits_up_on_one_line(ferry_db: Database) -> None:
    app = build(ferry_db)
    async with app.run_test(size=(80, 24)) as pilot:
        diff = await _v2_v3(pilot)
        rule = diff.laid.texts[diff.laid.head_line + 1]
        # the silent quotation first, then the source; the rest cut at the pane's edge
        assert rule.startswith("─── 4 edits (2*): Q* + “It was…"), rule
        assert "— Captain Hale · S* + “Captain Hale”" in rule and rule.endswith("…──")
        assert len(article_rows(diff)) >= 2  # a short article: all of it


async def test_n_and_p_step_through_the_edits_of_one_kind(ferry_db: Database) -> None:
    app = build(ferry_db)
    async with app.run_test(size=WIDE) as pilot:
        diff = await _v2_v3(pilot)
        assert diff.kind_filter is None
        await pilot.press("n")  # every change, as before: the first paragraph
        assert diff._change == 0 and diff.current_edit is None
        await pilot.press("e")
        assert diff.kind_filter == EVERY_EDIT
        await pilot.press("n", "n")
        assert diff.current_edit is not None and diff.current_edit.kind == "quote"
        await pilot.press("e")  # the kinds of this pair, in the badges' order
        assert diff.kind_filter == "quote"
        assert "n/p: 1 quote edit" in str(diff.border_subtitle)
        await pilot.press("n")
        await settle(pilot)
        edit = diff.current_edit
        assert edit is not None and edit.kind == "quote"
        subtitle = str(diff.border_subtitle)
        assert subtitle.startswith("quote 1/1: added (silent): “It was the worst"), subtitle
        assert "\x1b" not in subtitle
        # its words are highlighted in the new column, and its line in the list above
        marked = highlighted(diff)
        assert "".join(marked).replace(" ", "").startswith("Q*quoteadded")
        assert marked[-2:] == ["It was the worst [bold]winter[/] ␛[31mI had", "seen,"]
        assert not diff.next_change(1)  # only one quotation
        await pilot.press("e", "e", "e")  # source, trivial, other
        assert diff.kind_filter == "other"
        await pilot.press("e")  # back to every change
        assert diff.kind_filter is None
        await pilot.press("E")  # backwards: the last kind
        assert diff.kind_filter == "other"

        # the choice stays for the next pair: v3 -> v4 changes a number, and no quotation
        await pilot.press("E", "E", "E")
        assert diff.kind_filter == "quote"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert diff.pair is not None and diff.pair.new.number == 4
        assert diff.kind_filter == "quote" and "no quote edit" in str(diff.border_subtitle)
        await pilot.press("n")
        assert diff.current_edit is None
        assert diff.kinds() == [None, EVERY_EDIT, "number", "quote"]  # the quote kept last
        await pilot.press("e")
        assert diff.kind_filter is None
        await pilot.press("e", "e")
        assert diff.kind_filter == "number"
        await pilot.press("n")
        await settle(pilot)
        assert diff.current_edit is not None and diff.current_edit.new == "15"
        assert "15" in highlighted(diff)  # the new number, in the new column


async def test_trivial_versions_can_be_hidden(ferry_db: Database) -> None:
    app = build(ferry_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        versions = screen.versions
        await pilot.press("left_square_bracket", "left_square_bracket")  # v1 -> v2, trivial
        await settle(pilot)
        assert screen.diff.request is not None and screen.diff.request.new == 2
        await pilot.press("t")
        await settle(pilot)
        assert [v.number for v in versions.items] == [1, 3, 4]
        assert str(versions.border_subtitle).startswith("trivial hidden · 3/4 versions")
        # the trivial version was shown: the next one is, compared with the one before it
        assert screen.diff.request is not None and screen.diff.request.new == 3
        assert screen.diff.request.old == 2
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.diff.request.new == 1  # v2 skipped
        await pilot.press("t")
        await settle(pilot)
        assert [v.number for v in versions.items] == [1, 2, 3, 4]
        assert str(versions.border_subtitle).startswith("4 versions")
        assert versions.current is not None and versions.current.number == 1


async def test_two_versions_apart_the_edits_are_typed_for_the_pair(ferry_db: Database) -> None:
    app = build(ferry_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, VersionPicker), "the dialog")
        await pilot.press("home", "enter", "end", "enter")
        await until(pilot, lambda: app.screen is screen, "the main screen")
        await settle(pilot)
        diff = screen.diff
        assert diff.request is not None and (diff.request.old, diff.request.new) == (1, 4)
        assert diff.pair is not None and diff.pair.edits is not None
        assert not diff.pair.edits.stored
        assert diff.pair.edits.kinds == ("quote", "source", "other")  # the comma: back again
        assert any("computed for v1 → v4 (not stored)" in t for t in diff.laid.texts)


async def test_help_lists_the_keys_for_edits(ferry_db: Database) -> None:
    app = build(ferry_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        assert isinstance(app.screen, HelpScreen)
        keys = {binding_id: (k, what) for k, what, binding_id in app.screen.keys}
        assert keys["next_kind"][0] == "e" and "each kind of edit" in keys["next_kind"][1]
        assert keys["prev_kind"][0] == "E"
        assert keys["toggle_trivial"][0] == "t" and "trivial" in keys["toggle_trivial"][1]
        assert "edit of the kind chosen with e" in keys["next_change"][1]
        assert keys["down"][0] == "j, ↓"
        text = screen_text(app)
        assert "each kind of edit" in text
        assert "Edits column: H headline" in text


async def test_the_help_names_every_badge() -> None:
    from newsdiff.store.edits import KIND_BADGES
    from newsdiff.tui.screens.help import BADGES

    for kind, letter in KIND_BADGES.items():
        named = "correction notice" if kind == "correction" else kind
        assert f"{letter} {named}" in BADGES, (kind, letter)
