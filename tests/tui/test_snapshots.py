"""SVG snapshots of the main screen (update with `pytest tests/tui --snapshot-update`)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from newsdiff.store.db import Database
from tests.tui.conftest import SIZE, build, settle
from tests.tui.data import Filled, ferry, fill


@pytest.fixture(autouse=True)
def _colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_side_by_side(snap_compare: Any, db: Database, filled: Filled) -> None:
    async def closure_v1_v2(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)

    assert snap_compare(build(db), terminal_size=SIZE, run_before=closure_v1_v2)


def test_inline_folded_with_a_find(snap_compare: Any, db: Database, filled: Filled) -> None:
    async def inline(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("left_square_bracket", "i", "u")
        await settle(pilot)
        await pilot.press("slash", *"bridge", "enter")
        await settle(pilot)

    assert snap_compare(build(db), terminal_size=SIZE, run_before=inline)


def test_empty_database(snap_compare: Any, db: Database) -> None:
    async def wait(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(build(db), terminal_size=SIZE, run_before=wait)


def test_80x24(snap_compare: Any, db: Database, filled: Filled) -> None:
    """A small terminal: column labels gone, the heading on one line, a screenful of text."""

    async def closure(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(build(db), terminal_size=(80, 24), run_before=closure)


def test_200x50(snap_compare: Any, db: Database, filled: Filled) -> None:
    """A large terminal: every column, outlet names whole, the change stepped to marked."""

    async def closure(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j", "tab")
        await settle(pilot)
        await pilot.press("left_square_bracket", "n", "n")
        await settle(pilot)

    assert snap_compare(build(db), terminal_size=(200, 50), run_before=closure)


def test_one_kind_of_edit_stepped_to(snap_compare: Any, db: Database) -> None:
    """Trivial versions hidden (t), n/p limited to quotations (e, e), the quotation stepped to:
    its words highlighted in the diff and its line in the list of edits."""
    fill(db, story=False)
    ferry(db)

    async def quote(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("t", "left_square_bracket")
        await settle(pilot)
        await pilot.press("e", "e", "n")
        await settle(pilot)
        pilot.app.clear_notifications()  # what they said shows in the panes' borders
        await settle(pilot)

    assert snap_compare(build(db), terminal_size=(110, 32), run_before=quote)
