"""TUI test helpers: a filled database, the app, and waiting for its workers (no sleeps)."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy.engine import make_url
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

from newsdiff.config import Settings
from newsdiff.store.db import Database, migrate
from newsdiff.store.lazy import Store
from newsdiff.tui.app import NewsdiffApp, make_app
from newsdiff.tui.screens.main import MainScreen
from tests.tui.data import Filled, fill

SIZE = (160, 50)


@pytest.fixture(scope="session")
def _filled_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Filled]:
    """The database :func:`fill` makes, made once: each test that asks for ``filled`` gets a
    copy (the same bytes, ~0.3 s less a test)."""
    path = tmp_path_factory.mktemp("tui-filled") / "filled.sqlite"
    url = f"sqlite:///{path}"
    migrate(url)
    database = Database(url)
    try:
        made = fill(database)
    finally:
        database.dispose()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no -wal left to copy
    return path, made


@pytest.fixture
def db(sqlite_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The pilot tests run on SQLite only (the queries behind them run on both backends in
    test_browse.py): a UI test per backend would double the suite's time for nothing. A test
    that asks for ``filled`` opens a copy of the filled database."""
    if "filled" in request.fixturenames:
        template, _ = request.getfixturevalue("_filled_file")
        shutil.copyfile(template, make_url(sqlite_url).database or "")
    database = Database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def filled(db: Database, _filled_file: tuple[Path, Filled]) -> Filled:
    return _filled_file[1]  # frozen: nothing a test does to it reaches the next


def build(database: Store, settings: Settings | None = None, **kw: Any) -> NewsdiffApp:
    app = make_app(settings or Settings(), database, **kw)
    app.animation_level = "none"
    return app


async def settle(pilot: Pilot[Any], deadline: float = 15.0) -> None:
    """Wait until no worker runs and no message is pending (the pane chain has finished)."""
    app = pilot.app
    end = time.monotonic() + deadline
    quiet = 0
    while quiet < 2:
        assert time.monotonic() < end, "the app did not settle"
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(w.is_running for w in app.workers) or any(
            getattr(node, "pending", False) for node in app.screen.walk_children(with_self=True)
        )
        quiet = 0 if busy else quiet + 1


async def until(
    pilot: Pilot[Any], predicate: Callable[[], bool], what: str, deadline: float = 10.0
) -> None:
    end = time.monotonic() + deadline
    while not predicate():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        await settle(pilot)


def main(app: NewsdiffApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def shown(widget: DataTable[Any] | Any) -> str:
    """What a widget shows now, as text (rendered lines, not the data behind them)."""
    height = widget.size.height
    return "\n".join(widget.render_line(y).text for y in range(height))


def screen_text(app: App[Any]) -> str:
    """Every character the app would send to the terminal for its current screen, without
    Textual's own control sequences (cursor moves)."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)
