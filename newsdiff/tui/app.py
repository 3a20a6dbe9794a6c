"""The newsdiff TUI: review a story's timeline, its coverage and side-by-side diffs.

Build it with :func:`make_app` (tests pass a temporary database)::

    error = make_app(settings, LazyDatabase(url), story="baby-p").run()

The database may be a :class:`~newsdiff.store.lazy.LazyDatabase`: the first frame is drawn
while a worker opens it (importing SQLAlchemy, connecting, checking the schema). If it cannot
be opened, or holds no story ``story``, the app quits at once with return code 1 and returns
the error, for the caller to report; otherwise ``run()`` returns None. A ``[tui.bindings]`` id
that no binding has is a :class:`~newsdiff.errors.ConfigError` from :func:`make_app`, before
anything is drawn.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from newsdiff.config import Settings
from newsdiff.errors import ConfigError
from newsdiff.store.lazy import Store
from newsdiff.tui.commands import JumpProvider
from newsdiff.tui.screens.main import MainScreen


class NewsdiffApp(App[Exception | None]):
    """The app: one main screen; keys remapped by binding id from ``[tui.bindings]``."""

    CSS_PATH = "app.tcss"
    TITLE = "newsdiff"
    COMMANDS = App.COMMANDS | {JumpProvider}
    # Textual adds this binding itself, without an id; declared here so it can be remapped.
    BINDINGS = [
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            "palette",
            show=False,
            key_display=App.COMMAND_PALETTE_DISPLAY,
            priority=True,
            tooltip="command palette: type to jump to an event or an article",
            id="command_palette",
        )
    ]

    def __init__(self, settings: Settings, database: Store, story: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.database = database
        self.story = story
        self.set_keymap(dict(settings.tui.bindings))

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.database, self.story)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            yield SystemCommand(
                "Search the archive",
                "full-text search over every version of every article (key f)",
                screen.action_search,
            )
            yield SystemCommand(
                "Chart of the story",
                "edits over time per outlet, the story's events on the time axis (key c)",
                screen.action_chart,
            )

    def on_ready(self) -> None:
        # The first frame is out. Everything alive now (Textual, our modules, the widgets)
        # lives as long as the app: kept out of the cyclic collector's full passes, which
        # would otherwise pause the UI for a noticeable time after each large diff; then the
        # collector runs again (`newsdiff tui` stops it while the app starts).
        gc.freeze()
        gc.enable()
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.first_frame_drawn()  # it reads its timeline


def known_binding_ids() -> set[str]:
    """Every binding id that ``[tui.bindings]`` may remap."""
    from newsdiff.tui.widgets.diff_view import DiffView
    from newsdiff.tui.widgets.table import PaneTable

    ids: set[str] = set()
    for owner in (NewsdiffApp, MainScreen, DiffView, PaneTable):
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def check_bindings(settings: Settings) -> None:
    """A ``[tui.bindings]`` id that names no binding is a ConfigError naming the file and key
    (a typo would otherwise leave the key unbound without a word)."""
    if not settings.tui.bindings:
        return  # nothing to check (the panes' modules are imported after the first frame)
    unknown = sorted(set(settings.tui.bindings) - known_binding_ids())
    if unknown:
        source = settings.source or "<config>"
        known = ", ".join(sorted(known_binding_ids()))
        raise ConfigError(
            f"{source}: tui.bindings.{unknown[0]}: unknown binding id (known: {known})"
        )


def make_app(settings: Settings, database: Store, story: str | None = None) -> NewsdiffApp:
    """The TUI on ``database``, opening ``story`` (a slug; default: the most recent story).
    Raises ConfigError for an unknown ``[tui.bindings]`` id."""
    check_bindings(settings)
    return NewsdiffApp(settings, database, story)
