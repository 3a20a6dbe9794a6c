"""The README's "Use" transcript is replayed against the demo site (`newsdiff demo --serve`), the
way sqlite-utils tests its docs: every `$ newsdiff ...` line runs in a real process, and its
output must match the README's after what differs between runs is normalised (the site's port,
the data directory, capture times, durations). A `...` line in the README stands for lines left
out. A command whose comment says "Enter" first moves the demo site to its next round.

To rewrite the transcript after a change of output: ``python tests/test_readme.py --write``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NEWSDIFF = Path(sys.executable).with_name("newsdiff")
PORT = "44115"  # the port the README shows
DATA = "/home/me/.local/share"  # the data directory the README shows
BLOCK = re.compile(r"(## Use\n.*?```console\n)(.*?)(```)", re.S)
SERVE = re.compile(r"`newsdiff demo --serve --round (\d+)`")


def transcript() -> list[tuple[str, list[str]]]:
    """The README's (command, output lines) pairs."""
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "README has no console block under '## Use'"
    pairs: list[tuple[str, list[str]]] = []
    for line in match.group(2).splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        elif pairs:
            pairs[-1][1].append(line)
    return pairs


def as_in_readme(text: str, base: str, data: str) -> str:
    """Output as the README shows it: its port and data directory."""
    return text.replace(base, f"http://127.0.0.1:{PORT}").replace(data, DATA)


def normalise(line: str) -> str:
    """What differs between two runs made the same: capture times, durations, and the schema
    revision (every migration would otherwise mean recording the transcript again)."""
    line = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d", "YYYY-MM-DD HH:MM", line)
    line = re.sub(r"\(schema \d+\)", "(schema N)", line)
    return re.sub(r" in \d+\.\ds", " in N.Ns", line).rstrip()


@contextmanager
def demo_site(start_round: int, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [str(NEWSDIFF), "demo", "--serve", "--round", str(start_round)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert found, first + proc.stderr.read() if proc.stderr else first
        while not proc.stdout.readline().startswith("round "):
            pass
        yield found.group(0), proc
    finally:
        proc.communicate(timeout=30)  # end of input stops the site


def replay(tmp: Path) -> list[tuple[str, list[str], list[str]]]:
    """Run the transcript; (command, README's output, actual output normalised)."""
    readme = README.read_text(encoding="utf-8")
    rounds = SERVE.search(readme)
    assert rounds, "README does not say how to start the demo site"
    data = str(tmp / "data")
    env = {
        **os.environ,
        "XDG_DATA_HOME": data,
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    env.pop("NEWSDIFF_DATABASE_URL", None)
    env.pop("NEWSDIFF_CONFIG", None)
    out = []
    with demo_site(int(rounds.group(1)), env) as (base, site):
        for command, expected in transcript():
            args = shlex.split(re.sub(r"\s+#\s.*$", "", command))
            if args[:1] != ["newsdiff"] or args[1:2] in (["tui"], ["demo"]):
                continue
            if "Enter" in command:
                assert site.stdin is not None and site.stdout is not None
                site.stdin.write("\n")
                site.stdin.flush()
                site.stdout.readline()
            argv = [str(NEWSDIFF)] + [a.replace(f"http://127.0.0.1:{PORT}", base) for a in args[1:]]
            done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
            assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
            actual = as_in_readme(done.stdout + done.stderr, base, data).rstrip("\n").splitlines()
            out.append((command, expected, actual))
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Equal, where a `...` line in ``expected`` stands for any number of lines."""
    if not expected:
        return True  # a command shown without output: only its exit status counts
    want = [normalise(e) for e in expected]
    got = [normalise(a) for a in actual]
    if "..." not in want:
        return want == got
    cut = want.index("...")
    head, tail = want[:cut], want[cut + 1 :]
    return got[: len(head)] == head and (not tail or got[-len(tail) :] == tail)


def test_the_readme_transcript_replays(tmp_path: Path) -> None:
    for command, expected, actual in replay(tmp_path):
        assert matches(expected, actual), (
            f"$ {command}\n--- README\n"
            + "\n".join(expected)
            + "\n--- actual\n"
            + "\n".join(actual)
        )


def _write() -> None:
    """Rewrite the README's transcript with what the commands print now (keeping `...` cuts)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        results = {command: actual for command, _, actual in replay(Path(tmp))}
    text = README.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    assert match
    lines: list[str] = []
    for command, expected in transcript():
        lines.append(f"$ {command}")
        actual = results.get(command)
        if actual is None or (not expected and "#" in command and "Enter" not in command):
            lines += expected  # shown without output on purpose (a side-by-side diff...)
        elif "..." in expected:
            cut = expected.index("...")
            tail = len(expected) - cut - 1
            lines += actual[:cut] + ["..."] + (actual[-tail:] if tail else [])
        else:
            lines += actual
    body = "\n".join(lines) + "\n"
    README.write_text(text[: match.start(2)] + body + text[match.end(2) :], encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    _write()
