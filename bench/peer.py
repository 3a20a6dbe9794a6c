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
- one: one page due (``newsdiff poll`` without --force, the first article made due; urlwatch
  with a list of that one page): the fixed cost of a run that has work;
- unchanged: every page served again as it was;
- changed: every page's text edited (fetch, extract, diff and store for newsdiff; urlwatch
  compares, diffs and reports the raw page).

A check's CPU is the slope (its run's CPU - the same round's one-page run) / (pages - 1): since
``newsdiff poll`` decides "nothing due" without loading SQLAlchemy, its run with nothing to do is
no longer the fixed part of a run with work, and subtracting it would charge the import of the
poll's code to the checks. Figures are medians over the rounds with the spread (min-max) in
brackets; ratios are newsdiff / urlwatch, taken per round and then summarised the same way.
Run with ``--validators on`` the site sends ETag and Last-Modified and answers conditional GETs
with 304 (both tools send them back); ``off`` (the default) makes every unchanged check fetch the
whole page; ``both`` runs each.

With ``--worker [ADMIN_URL]`` one ``newsdiff worker`` process runs the same rounds on a
PostgreSQL database of its own (:func:`setup_worker`: a worker started per round, all articles
made due, stopped with SIGTERM once each page has a new check; with nothing to do, once its
scheduler has run a tick); its figures are printed against urlwatch's of the same rounds.

Both tools run with bytecode cached in a private ``PYTHONPYCACHEPREFIX`` (filled by the first
runs, not measured), as an installed copy has it: with ``PYTHONDONTWRITEBYTECODE`` set, newsdiff
was compiled from source at every run and urlwatch was not.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import resource
import shutil
import signal
import sqlite3
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
    _reap(keep)
    return _children_cpu() - before, proc.stdout


@dataclass
class Tool:
    """One tool's commands: ``run`` checks every page, ``idle`` has nothing to do, ``one``
    checks one page (after ``prepare_one``, which makes it due)."""

    name: str
    run: list[str]
    idle: list[str]
    one: list[str] = field(default_factory=list)
    prepare_one: Callable[[], None] = lambda: None
    check: Callable[[str, str], str | None] = lambda _kind, _out: None
    cpu: dict[str, list[float]] = field(default_factory=dict)
    #: runs one round of ``kind`` itself (the worker): its tree's CPU seconds and a problem
    runner: Callable[[str, set[int]], tuple[float, str | None]] | None = None


def _newsdiff_check(pages: int) -> Callable[[str, str], str | None]:
    def check(kind: str, out: str) -> str | None:
        summary = json.loads(out)
        want = {"first": pages, "changed": pages, "unchanged": 0, "idle": 0, "one": 0}[kind]
        checks = {"idle": 0, "one": 1}.get(kind, pages)
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
    # bytecode cached, as an installed copy has it (pip compiles a package as it installs it):
    # with PYTHONDONTWRITEBYTECODE set (some sandboxes and containers), newsdiff's modules were
    # compiled from source at every run, urlwatch's came compiled from its install. A private
    # cache, filled by the first runs (not measured), serves both alike.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
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

    def one_due() -> None:  # the first page due a while ago, the others as they are
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        with conn:
            conn.execute(
                "UPDATE articles SET next_check_at = '2000-01-01 00:00:00.000000' "
                "WHERE id = (SELECT min(id) FROM articles)"
            )
        conn.close()

    newsdiff = Tool("newsdiff", [*poll, "--force"], poll, poll, one_due, _newsdiff_check(pages))

    peer_dir = tmp / "urlwatch"
    peer_dir.mkdir()
    urls, empty = peer_dir / "urls.yaml", peer_dir / "empty.yaml"
    urls.write_text("---\n".join(f"url: {base}/news/{i}\n" for i in range(pages)))
    empty.write_text("")
    (peer_dir / "one.yaml").write_text(f"url: {base}/news/0\n")
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

    peer = Tool(
        "urlwatch",
        urlwatch(urls, "cache.db"),
        urlwatch(empty, "empty.db"),
        urlwatch(peer_dir / "one.yaml", "one.db"),
    )
    # the first run writes urlwatch's default config (reports on stdout, as people have it)
    subprocess.run(peer.idle, env=env, capture_output=True, check=True)
    return newsdiff, peer, env


def _reap(keep: set[int], deadline_s: float = 60) -> None:
    """Wait for whatever our runs left behind (adopted orphans), so that their CPU is counted."""
    deadline = time.monotonic() + deadline_s
    while True:
        left = _children() - keep
        if not left:
            return
        for pid in left:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        if time.monotonic() > deadline:
            print(f"  warning: processes {sorted(left)} still running; their CPU is not counted")
            return
        time.sleep(0.02)


def setup_worker(
    base: str, pages: int, tmp: Path, env: dict[str, str], admin_url: str
) -> tuple[Tool, Callable[[], None]]:
    """One ``newsdiff worker`` process per round, on a PostgreSQL database of its own (created
    on the server of ``admin_url``, dropped by the returned cleanup) tracking the same pages.

    A round makes every tracked article due (what ``--force`` does for ``newsdiff poll``),
    starts the worker, waits until it has recorded a check of each page, and stops it with
    SIGTERM; with nothing to do, until its scheduler has run one tick. Its CPU is the worker's
    whole tree's (its extraction threads, any processes); PostgreSQL's own is not counted
    (urlwatch's SQLite, in its process, is)."""
    import psycopg
    from sqlalchemy.engine import make_url

    from newsdiff.collect.articles import track_url
    from newsdiff.store.db import Database, migrate
    from newsdiff.workers.schema import prepare

    name = f"newsdiff_bench_peer_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    url = (
        make_url(admin_url)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    migrate(url)
    prepare(url)
    database = Database(url)
    for i in range(pages):
        track_url(database, f"{base}/news/{i}", outlet="Bench Times")
    database.dispose()
    (tmp / "worker").mkdir()
    config = tmp / "worker" / "config.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n[fetch]\n'
        'user_agent = "newsdiff-bench/1 (+mailto:bench@localhost)"\n'
        f"concurrency = {CONCURRENCY}\nper_host_concurrency = {CONCURRENCY}\ntimeout_s = 60\n\n"
        # jobs at once as fetches at once; a tick a second, so that a round starts at once
        f"[workers]\nconcurrency = {CONCURRENCY}\ntick_s = 1\n"
    )
    cmd = [sys.executable, "-m", "newsdiff", "--config", str(config), "worker"]

    def scalar(sql: str) -> int:
        with psycopg.connect(plain, autocommit=True) as conn:
            row = conn.execute(sql.encode()).fetchone()
            return int(row[0]) if row else 0

    # the latest tick deferred (finished jobs are deleted: a tick is done when it was deferred
    # after the start and its job is no longer waiting or running)
    ticks_sql = (
        "SELECT coalesce(max(id), 0) FROM procrastinate_periodic_defers "
        "WHERE task_name = 'newsdiff.schedule'"
    )
    ticking_sql = (
        "SELECT count(*) FROM procrastinate_jobs "
        "WHERE task_name = 'newsdiff.schedule' AND status IN ('todo', 'doing')"
    )

    def runner(kind: str, keep: set[int]) -> tuple[float, str | None]:
        if kind == "one":
            scalar(
                "WITH due AS (UPDATE articles SET next_check_at = now() "
                "WHERE id = (SELECT min(id) FROM articles) RETURNING 1) SELECT count(*) FROM due"
            )
        elif kind != "idle":
            scalar(
                "WITH due AS (UPDATE articles SET next_check_at = now() "
                "WHERE status = 'tracking' RETURNING 1) SELECT count(*) FROM due"
            )
        wanted = {"idle": 0, "one": 1}.get(kind, pages)
        checks, versions, ticks = (
            scalar("SELECT count(*) FROM checks"),
            scalar("SELECT count(*) FROM versions"),
            scalar(ticks_sql),
        )
        log = tmp / "worker" / f"{kind}.log"
        before = _children_cpu()
        with log.open("wb") as out:
            proc = subprocess.Popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + 600
        problem = None
        while True:
            if proc.poll() is not None:
                problem = f"worker exited ({proc.returncode}): {log.read_text()[-2000:]}"
                break
            done = (
                scalar(ticks_sql) > ticks and not scalar(ticking_sql)
                if kind == "idle"
                else scalar("SELECT count(*) FROM checks") >= checks + wanted
            )
            if done:
                break
            if time.monotonic() > deadline:
                problem = f"worker {kind}: not done in 600 s"
                break
            time.sleep(0.05)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                problem = problem or f"worker {kind}: did not stop on SIGTERM within 120 s"
        _reap(keep)
        seconds = _children_cpu() - before
        new_checks = scalar("SELECT count(*) FROM checks") - checks
        new_versions = scalar("SELECT count(*) FROM versions") - versions
        want = {"first": pages, "changed": pages}.get(kind, 0)
        if problem is None and (new_checks != wanted or new_versions != want):
            problem = f"worker {kind}: {new_checks} checks, {new_versions} new versions"
        return seconds, problem

    def cleanup() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    return Tool("worker", cmd, cmd, runner=runner), cleanup


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
    worker_admin: str | None = None,
) -> dict[str, list[float]]:
    """The rounds on one site setting; prints each run and the summary, returns the ratios
    (``worker ...`` keys for the worker's). ``worker_admin``: a PostgreSQL URL on whose server
    one ``newsdiff worker`` process runs the same rounds (:func:`setup_worker`)."""
    if importlib.util.find_spec("urlwatch") is None and shutil.which("urlwatch") is None:
        raise SystemExit("urlwatch is not installed: pip install -e '.[bench]'")
    reaper = become_subreaper()
    keep = _children() | {site_pid}
    tmp = Path(tempfile.mkdtemp(prefix="newsdiff-peer-"))
    text_rev = 0
    revise(text_rev, 0, validators)
    newsdiff, peer, env = setup(base, pages, tmp)
    tools: tuple[Tool, ...] = (newsdiff, peer)
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if worker_admin:
        worker, cleanup = setup_worker(base, pages, tmp, env, worker_admin)
        tools = (newsdiff, peer, worker)
    print(
        f"site validators {'on (ETag, Last-Modified, 304)' if validators else 'off'}; "
        f"{CONCURRENCY} fetches at once each; {rounds} rounds; "
        f"{'subreaper: orphans counted' if reaper else 'no subreaper: orphans may be missed'}"
    )

    def one(tool: Tool, kind: str) -> None:
        if tool.runner is not None:
            seconds, problem = tool.runner(kind, keep)
        else:
            if kind == "one":
                tool.prepare_one()
            cmd = {"idle": tool.idle, "one": tool.one}.get(kind, tool.run)
            seconds, out = measured(cmd, env, keep)
            problem = tool.check(kind, out)
        if problem:
            print(f"  unexpected: {problem}")
        tool.cpu.setdefault(kind, []).append(seconds)

    try:
        for tool in tools:  # first sight: not measured against anything, shown for scale
            one(tool, "first")
            one(tool, "one")  # and urlwatch's first sight of its one-page list
        for r in range(rounds):
            order = tools if r % 2 == 0 else tools[::-1]
            for kind in ("idle", "one", "unchanged", "changed"):
                if kind == "changed":
                    text_rev += 1
                    revise(text_rev, 0, validators)
                for tool in order:
                    one(tool, kind)
            line = " | ".join(
                f"{t.name} idle {t.cpu['idle'][-1]:.2f}s one {t.cpu['one'][-1]:.2f}s "
                f"unchanged {t.cpu['unchanged'][-1]:.2f}s "
                f"changed {t.cpu['changed'][-1]:.2f}s"
                for t in tools
            )
            print(f"  round {r + 1}: CPU {line}")
    finally:
        cleanup()

    def per_check(tool: Tool, kind: str) -> list[float]:
        # the slope: what checking every page cost beyond checking one (the first run of each
        # kind, first sight, is not counted: cpu[kind] holds the rounds' runs only)
        ones = tool.cpu["one"][1:]
        return [
            (run - one) * 1000 / (pages - 1) for run, one in zip(tool.cpu[kind], ones, strict=True)
        ]

    ratios: dict[str, list[float]] = {}
    for ours in tools[:1] + tools[2:]:
        prefix = "" if ours is newsdiff else f"{ours.name} "
        mine_name = "newsdiff poll" if ours is newsdiff else "newsdiff worker"
        print(f"{'CPU (median [min-max])':<26} {mine_name:>22} {'urlwatch':>22} {'ratio':>20}")
        for kind, unit in (("unchanged", " ms"), ("changed", " ms"), ("idle", " s")):
            if kind == "idle":
                mine, theirs = ours.cpu["idle"], peer.cpu["idle"]
                label = "run with nothing to do"
            else:
                mine, theirs = per_check(ours, kind), per_check(peer, kind)
                label = f"per {kind} check"
            ratios[prefix + kind] = [a / b for a, b in zip(mine, theirs, strict=True)]
            print(
                f"{label:<26} {_summary(mine, unit, 2 if unit == ' s' else 1):>22} "
                f"{_summary(theirs, unit, 2 if unit == ' s' else 1):>22} "
                f"{_summary(ratios[prefix + kind], 'x', 2):>20}"
            )
    first = ", ".join(f"{t.name} {t.cpu['first'][0] * 1000 / pages:.1f} ms" for t in tools)
    print(f"(first sight, one run, whole run / pages: {first})")
    goals = (("unchanged", 1.0), ("idle", 2.0))
    print(
        "goals (issue 17 item 6), newsdiff poll: "
        + ", ".join(
            f"{k} <= {g:.1f}x: {'met' if statistics.median(ratios[k]) <= g else 'NOT met'}"
            for k, g in goals
        )
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return ratios
