"""End to end: `newsdiff tui` in a real terminal (tmux) reaches a diff and quits with status 0."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdiff.store.db import Database
from tests.tui.data import fill

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def test_tui_in_tmux(tmp_path: Path, sqlite_url: str) -> None:
    database = Database(sqlite_url)
    fill(database)
    database.dispose()
    socket = f"newsdiff-test-{os.getpid()}"
    status = tmp_path / "status"
    env = {
        "NEWSDIFF_DATABASE_URL": sqlite_url,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "COLUMNS": "160",
        "LINES": "50",
    }
    command = (
        " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        + f" {shlex.quote(sys.executable)} -m newsdiff tui --story bridge;"
        + f" echo $? > {shlex.quote(str(status))}"
    )
    tmux = ["tmux", "-L", socket, "-f", os.devnull]

    def screen() -> str:
        return subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "tui"], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(what: str, ok: Callable[[], bool], deadline: float = 30.0) -> None:
        end = time.monotonic() + deadline
        while not ok():
            if time.monotonic() > end:
                pytest.fail(f"timed out waiting for {what}; the screen:\n{screen()}")
            time.sleep(0.1)  # the poll interval (a terminal sends no event to wait on)

    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "tui", "-x", "160", "-y", "50", command], check=True
    )
    try:
        wait_for("the diff", lambda: "Engineers found cracks on Monday." in screen())
        assert "The Millbrook bridge closure" in screen()
        subprocess.run([*tmux, "send-keys", "-t", "tui", "j"], check=True)
        wait_for("the next event's diff", lambda: "last check that saw v2" in screen())
        assert "Bridge closed for months" in screen()
        subprocess.run([*tmux, "send-keys", "-t", "tui", "q"], check=True)
        wait_for("the exit status", lambda: status.exists() and status.read_text().strip() != "")
        assert status.read_text().strip() == "0"
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
