"""The command line: each command parses, calls one library function, formats the result.

Exit status: 0 done, 1 failed, 2 bad usage or bad config (one line naming the key or argument).

`base` holds the `cli` group, the helpers every command shares and `main`; importing the other
modules here registers their commands on `cli`. None of them imports anything heavy at module
level (SQLAlchemy, httpx, Textual...): commands import the library when they run.
"""

from __future__ import annotations

from newsdiff.cli import (  # noqa: F401 (register commands)
    alerts,
    browse,
    collect,
    db,
    edits,
    outputs,
    search,
    stats,
    stories,
    worker,
)
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

__all__ = [
    "State",
    "cli",
    "common",
    "echo_json",
    "main",
    "open_db",
    "pass_state",
    "safe",
    "staged_progress",
]
