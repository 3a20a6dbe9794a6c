"""The command line: each command parses, calls one library function, formats the result.

Exit status: 0 done, 1 failed, 2 bad usage or bad config (one line naming the key or argument).

`base` holds the `cli` group, the helpers every command shares and `main`; the other modules
register their commands on `cli` when imported. They are imported when a command of theirs is
first looked up (:data:`COMMANDS` says which module holds which command), so that `newsdiff tui`
loads `browse` only before its first frame; `newsdiff --help` (listing every command) loads them
all. None of them imports anything heavy at module level (SQLAlchemy, httpx, Textual...):
commands import the library when they run.
"""

from __future__ import annotations

import importlib

import click

from newsdiff.cli.base import (
    State,
    cli,
    common,
    echo_json,
    main,
    open_db,
    pass_state,
    safe,
    staged_progress,
)

#: every top-level command and the module of newsdiff.cli that registers it (a test checks this
#: against what the modules register)
COMMANDS = {
    "alerts": "alerts",
    "analyse": "edits",
    "articles": "browse",
    "backfill": "collect",
    "captures": "captures",
    "db": "db",
    "demo": "browse",
    "diff": "browse",
    "edits": "edits",
    "export": "outputs",
    "extract": "collect",
    "feed": "outputs",
    "feeds": "collect",
    "init": "db",
    "link": "stories",
    "poll": "collect",
    "search": "search",
    "stats": "stats",
    "story": "stories",
    "track": "collect",
    "tui": "browse",
    "unlink": "stories",
    "versions": "browse",
    "worker": "worker",
}


class LazyGroup(click.Group):
    """A group whose commands' modules are imported when a command is looked up or listed."""

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"newsdiff.cli.{module}")
        return super().get_command(ctx, cmd_name)  # type: ignore[arg-type]

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        load_all()
        return super().list_commands(ctx)  # type: ignore[arg-type]


def load_all() -> None:
    """Import every command module (every command registered on ``cli``)."""
    for module in sorted(set(COMMANDS.values())):
        importlib.import_module(f"newsdiff.cli.{module}")


# `cli` is made by click.group() in base.py, where the commands' modules cannot be named (they
# import base); giving it the lazy lookup here keeps it the one object everything imports.
cli.__class__ = LazyGroup

__all__ = [
    "COMMANDS",
    "State",
    "cli",
    "common",
    "echo_json",
    "load_all",
    "main",
    "open_db",
    "pass_state",
    "safe",
    "staged_progress",
]
