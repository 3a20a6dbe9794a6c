"""What the TUI loads before its first frame: neither SQLAlchemy (a worker imports it once the
frame is drawn) nor the diff engine (its first diff is computed in a worker), nor the timeline's
row types (their dataclasses take milliseconds to make: the first worker imports them)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "newsdiff.diff", "newsdiff.store.db", "newsdiff.timeline.")


def test_the_app_imports_nothing_heavy_before_its_first_frame() -> None:
    code = (
        "import sys; import newsdiff.tui.app; "
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout


LATER = (
    "newsdiff.tui.widgets.coverage",  # the panes: their outlines are in the first frame
    "newsdiff.tui.widgets.diff_view",
    "newsdiff.tui.widgets.table",
    "newsdiff.tui.widgets.timeline",
    "newsdiff.tui.widgets.versions",
    "newsdiff.tui.diff_layout",
    "newsdiff.tui.widths",
    "newsdiff.tui.screens.search",
    "newsdiff.tui.screens.chart",
    "newsdiff.tui.screens.help",
    "newsdiff.store.search_query",
    "textual_plotext",
    "plotext",
)


def test_the_panes_and_other_screens_are_imported_when_needed() -> None:
    """The panes (their outlines are drawn first), the pickers, help, search and chart (and the
    plotting library) are not needed for the first frame."""
    code = (
        "import sys; import newsdiff.tui.app; "
        f"print(sorted(m for m in sys.modules if m.startswith({LATER!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout


def test_newsdiff_tui_loads_only_its_own_command_module() -> None:
    code = (
        "import sys; from newsdiff.cli import cli; cli.get_command(None, 'tui'); "
        "print(sorted(m for m in sys.modules if m.startswith('newsdiff.cli.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "['newsdiff.cli.base', 'newsdiff.cli.browse']"


def test_the_lazy_command_table_is_what_the_modules_register() -> None:
    code = (
        "from newsdiff.cli import COMMANDS, cli, load_all; load_all(); "
        "found = {n: c.callback.__module__.rpartition('.')[2] for n, c in cli.commands.items()}; "
        "print(found == COMMANDS, sorted(set(found.items()) ^ set(COMMANDS.items())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "True []", result.stdout
