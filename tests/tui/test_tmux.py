"""End to end: `newsdiff tui` in a real terminal (tmux): it reaches a diff and quits with status
0; what stops it before it starts (no terminal, an unknown story, a bad key binding) is one line
and the documented exit status."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsdiff.store.db import Database
from tests.tui.data import fill

tmux_only = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@dataclass
class Terminal:
    """``newsdiff ARGS`` in a tmux session: its screen, keys, and its exit status."""

    tmux: list[str]
    status: Path

    def screen(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-J", "-t", "tui"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", "tui", *keys], check=True)

    def wait_for(self, what: str, ok: Callable[[], bool], deadline: float = 30.0) -> None:
        end = time.monotonic() + deadline
        while not ok():
            if time.monotonic() > end:
                pytest.fail(f"timed out waiting for {what}; the screen:\n{self.screen()}")
            time.sleep(0.1)  # the poll interval (a terminal sends no event to wait on)

    def exit_status(self) -> int:
        self.wait_for("the exit status", lambda: self.status.exists() and self.status.read_text())
        return int(self.status.read_text())


def environment(tmp_path: Path, sqlite_url: str) -> dict[str, str]:
    return {
        "NEWSDIFF_DATABASE_URL": sqlite_url,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "COLUMNS": "160",
        "LINES": "50",
    }


@pytest.fixture
def filled_url(sqlite_url: str) -> str:
    database = Database(sqlite_url)
    fill(database)
    database.dispose()
    return sqlite_url


@pytest.fixture
def terminal(tmp_path: Path, filled_url: str) -> Iterator[Callable[..., Terminal]]:
    socket = f"newsdiff-test-{os.getpid()}-{tmp_path.name}"
    tmux = ["tmux", "-L", socket, "-f", os.devnull]
    started = False

    def start(*args: str, env: dict[str, str] | None = None) -> Terminal:
        nonlocal started
        status = tmp_path / "status"
        variables = {**environment(tmp_path, filled_url), **(env or {})}
        command = (
            " ".join(f"{k}={shlex.quote(v)}" for k, v in variables.items())
            + f" {shlex.quote(sys.executable)} -m newsdiff "
            + " ".join(shlex.quote(a) for a in args)
            # the status, then the session stays open so its last screen can be read
            + f"; echo $? > {shlex.quote(str(status))}; sleep 60"
        )
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "tui", "-x", "160", "-y", "50", command],
            check=True,
        )
        started = True
        return Terminal(tmux, status)

    yield start
    if started:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


@tmux_only
def test_tui_in_tmux(terminal: Callable[..., Terminal]) -> None:
    term = terminal("tui", "--story", "bridge")
    term.wait_for("the diff", lambda: "Engineers found cracks on Monday." in term.screen())
    assert "The Millbrook bridge closure" in term.screen()
    term.keys("j")
    term.wait_for("the next event's diff", lambda: "last check that saw v2" in term.screen())
    assert "Bridge closed for months" in term.screen()
    term.keys("q")
    assert term.exit_status() == 0


@tmux_only
def test_an_unknown_story_is_one_line_and_status_1(terminal: Callable[..., Terminal]) -> None:
    term = terminal("tui", "--story", "nope")
    assert term.exit_status() == 1
    lines = [line for line in term.screen().splitlines() if line.strip()]
    assert lines == ["newsdiff: error: no story 'nope' (see `newsdiff story list`)"]


@tmux_only
def test_an_unknown_binding_id_is_one_line_and_status_2(
    tmp_path: Path, terminal: Callable[..., Terminal]
) -> None:
    config = tmp_path / "newsdiff.toml"
    config.write_text('[tui.bindings]\nprev_pair = "x"\nnext_pear = "y"\n')
    term = terminal("tui", env={"NEWSDIFF_CONFIG": str(config)})
    assert term.exit_status() == 2
    lines = [line for line in term.screen().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"newsdiff: {config}: tui.bindings.next_pear: unknown binding id")
    assert "next_pair" in lines[0]  # the known ids are listed


def test_no_terminal_exits_at_once_with_one_line(tmp_path: Path, filled_url: str) -> None:
    env = {**os.environ, **environment(tmp_path, filled_url)}
    result = subprocess.run(
        [sys.executable, "-m", "newsdiff", "tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "newsdiff: error: the TUI needs a terminal: stdin and stdout are not one "
        "(in scripts, use newsdiff articles, versions or diff)"
    ]
