"""newsdiff against the peer people use (issue 17 item 6): ``python bench/poll.py --peer urlwatch``.

Both run as the commands people run, ``newsdiff poll --force`` and ``urlwatch``, each on its own
state in a temporary directory (a database with the site's pages tracked; a urls.yaml of the same
pages with its own cache), on the same local site (bench/poll.py's ~100 KB article pages), with
10 fetches at once (urlwatch's fixed pool; fetch.concurrency = per_host_concurrency = 10 for
newsdiff), in the same run, in turns. Each run's CPU is its whole process tree's: user + system
time of the command and of every process it started (newsdiff's extraction workers and their
forkserver included), read with ``getrusage(RUSAGE_CHILDREN)`` after the tree has been reaped;
this process is a child subreaper, so that an orphaned grandchild (the forkserver outlives its
poll by a moment) is reaped here and counted too. The site's CPU is nobody's.

Each round runs, for each tool (the order alternating between rounds):

- nothing to do: ``newsdiff poll`` with nothing due; ``urlwatch`` with an empty urls.yaml. This
  is the fixed cost of a run (start-up, config, opening the store);
- unchanged: every page served again as it was;
- changed: every page's text edited (fetch, extract, diff and store for newsdiff; urlwatch
  compares, diffs and reports the raw page).

A check's CPU is (its run's CPU - the same round's nothing-to-do run) / pages. Figures are
medians over the rounds with the spread (min-max) in brackets; ratios are newsdiff / urlwatch,
taken per round and then summarised the same way. Run with ``--validators on`` the site sends
ETag and Last-Modified and answers conditional GETs with 304 (both tools send them back);
``off`` (the default) makes every unchanged check fetch the whole page; ``both`` runs each.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: urlwatch's own pool size (worker.MAX_WORKERS); newsdiff gets the same
CONCURRENCY = 10
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt our descendants' orphans (Linux), so that their CPU reaches RUSAGE_CHILDREN."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children() -> set[int]:
    me = os.getpid()
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == me:
            found.add(int(stat.parent.name))
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(cmd: list[str], env: dict[str, str], keep: set[int]) -> tuple[float, str]:
    """Run ``cmd`` to its end and reap whatever it left (adopted orphans): its whole tree's CPU
    seconds, and what it printed. ``keep``: our own long-lived children (the site)."""
    before = _children_cpu()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        what = " ".join(cmd[:4])
        raise SystemExit(f"{what}... failed ({proc.returncode}): {proc.stderr[-2000:]}")
    deadline = time.monotonic() + 60
    while True:
        left = _children() - keep
        if not left:
            break
        for pid in left:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        if time.monotonic() > deadline:
            print(f"  warning: processes {sorted(left)} still running; their CPU is not counted")
            break
        time.sleep(0.02)
    return _children_cpu() - before, proc.stdout


@dataclass
class Tool:
    """One tool's commands: ``run`` checks every page, ``idle`` has nothing to do."""

    name: str
    run: list[str]
    idle: list[str]
    check: Callable[[str, str], str | None] = lambda _kind, _out: None
    cpu: dict[str, list[float]] = field(default_factory=dict)


def _newsdiff_check(pages: int) -> Callable[[str, str], str | None]:
    def check(kind: str, out: str) -> str | None:
        summary = json.loads(out)
        want = {"first": pages, "changed": pages, "unchanged": 0, "idle": 0}[kind]
        checks = 0 if kind == "idle" else pages
        if summary["checks"] != checks or summary["new_versions"] != want or summary["failures"]:
            return f"newsdiff {kind}: {summary}"
        return None

    return check


def setup(base: str, pages: int, tmp: Path) -> tuple[Tool, Tool, dict[str, str]]:
    """Both tools' state in ``tmp``, and the environment they run in (a home of their own)."""
    sys.path.insert(0, str(ROOT))
    from newsdiff.collect.articles import track_url
    from newsdiff.store.db import Database, migrate

    home = tmp / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    env.pop("NEWSDIFF_CONFIG", None)
    env.pop("NEWSDIFF_DATABASE_URL", None)
    url = f"sqlite:///{tmp / 'newsdiff' / 'newsdiff.sqlite'}"
    (tmp / "newsdiff").mkdir()
    config = tmp / "newsdiff" / "config.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n[fetch]\n'
        'user_agent = "newsdiff-bench/1 (+mailto:bench@localhost)"\n'
        f"concurrency = {CONCURRENCY}\nper_host_concurrency = {CONCURRENCY}\ntimeout_s = 60\n"
    )
    migrate(url)
    database = Database(url)
    for i in range(pages):
        track_url(database, f"{base}/news/{i}", outlet="Bench Times")
    database.dispose()
    poll = [sys.executable, "-m", "newsdiff", "--config", str(config), "poll", "--json"]
    newsdiff = Tool("newsdiff", [*poll, "--force"], poll, _newsdiff_check(pages))

    peer_dir = tmp / "urlwatch"
    peer_dir.mkdir()
    urls, empty = peer_dir / "urls.yaml", peer_dir / "empty.yaml"
    urls.write_text("---\n".join(f"url: {base}/news/{i}\n" for i in range(pages)))
    empty.write_text("")
    exe = shutil.which("urlwatch", path=str(Path(sys.executable).parent)) or "urlwatch"

    def urlwatch(jobs: Path, cache: str) -> list[str]:
        return [
            exe,
            "--urls",
            str(jobs),
            "--config",
            str(peer_dir / "urlwatch.yaml"),
            "--cache",
            str(peer_dir / cache),
            "--hooks",
            str(peer_dir / "hooks.py"),
        ]

    peer = Tool("urlwatch", urlwatch(urls, "cache.db"), urlwatch(empty, "empty.db"))
    # the first run writes urlwatch's default config (reports on stdout, as people have it)
    subprocess.run(peer.idle, env=env, capture_output=True, check=True)
    return newsdiff, peer, env


def _summary(values: list[float], unit: str = "", digits: int = 1) -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f}{unit}"
    return f"{med:.{digits}f}{unit} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


def run_peer(
    base: str,
    pages: int,
    rounds: int,
    validators: bool,
    revise: Callable[[int, int, bool], None],
    site_pid: int,
) -> dict[str, list[float]]:
    """The rounds on one site setting; prints each run and the summary, returns the ratios."""
    if importlib.util.find_spec("urlwatch") is None and shutil.which("urlwatch") is None:
        raise SystemExit("urlwatch is not installed: pip install -e '.[bench]'")
    reaper = become_subreaper()
    keep = _children() | {site_pid}
    tmp = Path(tempfile.mkdtemp(prefix="newsdiff-peer-"))
    text_rev = 0
    revise(text_rev, 0, validators)
    newsdiff, peer, env = setup(base, pages, tmp)
    tools = (newsdiff, peer)
    print(
        f"site validators {'on (ETag, Last-Modified, 304)' if validators else 'off'}; "
        f"{CONCURRENCY} fetches at once each; {rounds} rounds; "
        f"{'subreaper: orphans counted' if reaper else 'no subreaper: orphans may be missed'}"
    )

    def one(tool: Tool, kind: str) -> None:
        cmd = tool.idle if kind == "idle" else tool.run
        seconds, out = measured(cmd, env, keep)
        problem = tool.check(kind, out)
        if problem:
            print(f"  unexpected: {problem}")
        tool.cpu.setdefault(kind, []).append(seconds)

    for tool in tools:  # first sight: not measured against anything, shown for scale
        one(tool, "first")
    for r in range(rounds):
        order = tools if r % 2 == 0 else tools[::-1]
        for kind in ("idle", "unchanged", "changed"):
            if kind == "changed":
                text_rev += 1
                revise(text_rev, 0, validators)
            for tool in order:
                one(tool, kind)
        line = " | ".join(
            f"{t.name} idle {t.cpu['idle'][-1]:.2f}s unchanged {t.cpu['unchanged'][-1]:.2f}s "
            f"changed {t.cpu['changed'][-1]:.2f}s"
            for t in tools
        )
        print(f"  round {r + 1}: CPU {line}")

    def per_check(tool: Tool, kind: str) -> list[float]:
        return [
            (run - idle) * 1000 / pages
            for run, idle in zip(tool.cpu[kind], tool.cpu["idle"], strict=True)
        ]

    ratios: dict[str, list[float]] = {}
    print(f"{'CPU (median [min-max])':<26} {'newsdiff':>22} {'urlwatch':>22} {'ratio':>20}")
    for kind, unit in (("unchanged", " ms"), ("changed", " ms"), ("idle", " s")):
        if kind == "idle":
            mine, theirs = newsdiff.cpu["idle"], peer.cpu["idle"]
            label = "run with nothing to do"
        else:
            mine, theirs = per_check(newsdiff, kind), per_check(peer, kind)
            label = f"per {kind} check"
        ratios[kind] = [a / b for a, b in zip(mine, theirs, strict=True)]
        print(
            f"{label:<26} {_summary(mine, unit, 2 if unit == ' s' else 1):>22} "
            f"{_summary(theirs, unit, 2 if unit == ' s' else 1):>22} "
            f"{_summary(ratios[kind], 'x', 2):>20}"
        )
    first = {t.name: t.cpu["first"][0] * 1000 / pages for t in tools}
    print(
        f"(first sight, one run, whole run / pages: newsdiff {first['newsdiff']:.1f} ms, "
        f"urlwatch {first['urlwatch']:.1f} ms)"
    )
    goals = (("unchanged", 1.0), ("idle", 2.0))
    print(
        "goals (issue 17 item 6): "
        + ", ".join(
            f"{k} <= {g:.1f}x: {'met' if statistics.median(ratios[k]) <= g else 'NOT met'}"
            for k, g in goals
        )
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return ratios
