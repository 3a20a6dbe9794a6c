"""Every failure a user can cause through the command line is one line on stderr and the
documented exit status (2 bad usage or config, 1 failed), never a traceback nor SQLAlchemy's
"Background on this error" link: read-only database file or directory, a full disk, a database
from a newer newsdiff, an unknown database URL scheme, ids beyond 64 bits, malformed URLs, a
database held busy by another writer, and, as a last resort, any unexpected error."""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import click
import pytest
from click.testing import Result
from sqlalchemy import create_engine, event, text

from newsdiff.cli import cli
from newsdiff.errors import StoreError
from newsdiff.store import db as dbmod
from newsdiff.store.db import Database, migrate
from newsdiff.store.models import Article
from tests.test_cli import run

NEWSDIFF = Path(sys.executable).with_name("newsdiff")
BIG = "99999999999999999999"  # > 2**63


def one_line(result: Result | subprocess.CompletedProcess[str], status: int) -> str:
    """Assert the run failed with ``status`` and said so in one clean line; return it."""
    if isinstance(result, Result):
        code, output = result.exit_code, result.output
    else:
        code, output = result.returncode, result.stdout + result.stderr
    lines = output.strip().splitlines()
    assert code == status, output
    assert len(lines) == 1, output
    assert "Traceback" not in output and "sqlalche.me" not in output, output
    return lines[0]


def sqlite_env(path: Path) -> dict[str, str]:
    return {"NEWSDIFF_DATABASE_URL": f"sqlite:///{path}"}


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """A migrated SQLite file in its own directory."""
    path = tmp_path / "data" / "nd.sqlite"
    migrate(f"sqlite:///{path}")
    return path


# --- making things read-only, also as root -------------------------------------------------


@pytest.fixture
def make_read_only() -> Iterator[object]:
    """``make_read_only(path)``: a file or directory nobody may write, even root (chattr +i
    when running as root; skipped where that is not allowed). Undone at teardown."""
    undo: list[Path] = []

    def apply(path: Path) -> None:
        if os.geteuid() != 0:
            path.chmod(0o555 if path.is_dir() else 0o444)
            undo.append(path)
            return
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"chattr +i not permitted here: {done.stderr.decode().strip()}")
        undo.append(path)

    yield apply
    for path in reversed(undo):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_read_only_database_file(db_file: Path, make_read_only: object) -> None:
    make_read_only(db_file)  # type: ignore[operator]
    env = sqlite_env(db_file)
    assert run("articles", env=env).exit_code == 0  # reading still works
    line = one_line(run("track", "https://example.org/a", env=env), 1)
    assert "read-only" in line and str(db_file) in line
    line = one_line(run("story", "import", "baby-p", env=env), 1)
    assert "read-only" in line


def test_read_only_directory(db_file: Path, make_read_only: object) -> None:
    make_read_only(db_file.parent)  # type: ignore[operator]
    env = sqlite_env(db_file)
    # SQLite cannot make its -wal and -shm files next to the database
    for args in (("articles",), ("track", "https://example.org/a"), ("init",), ("db", "upgrade")):
        line = one_line(run(*args, env=env), 1)
        assert "writable" in line, line
    # a new database there, and a new directory for one
    line = one_line(run("init", env=sqlite_env(db_file.parent / "other.sqlite")), 1)
    assert "writable" in line
    line = one_line(run("init", env=sqlite_env(db_file.parent / "sub" / "nd.sqlite")), 1)
    assert "cannot create the directory" in line


def test_a_read_command_creates_no_database(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "nd.sqlite"
    line = one_line(run("articles", env=sqlite_env(missing)), 1)
    assert "does not exist" in line and "newsdiff init" in line
    assert not missing.parent.exists()


# --- a full disk ---------------------------------------------------------------------------


def test_full_database_is_a_store_error(db_file: Path) -> None:
    """Unit level: SQLite's own "database or disk is full" (max_page_count caps the file)."""
    database = Database(f"sqlite:///{db_file}")

    @event.listens_for(database.engine, "connect")
    def _cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    database.engine.dispose()  # connections from now on are capped
    with pytest.raises(StoreError) as info:
        with database.write() as session:
            session.execute(text("CREATE TABLE filler (x BLOB)"))
            for _ in range(100):
                session.execute(text("INSERT INTO filler VALUES (randomblob(65536))"))
    database.dispose()
    message = str(info.value)
    assert "the disk is full" in message and "\n" not in message and "sqlalche.me" not in message


def _limited(max_bytes: int) -> object:
    def preexec() -> None:  # the file size limit of `ulimit -f`: writes beyond it fail
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return preexec


def newsdiff(
    *args: str, env: dict[str, str], file_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed ``newsdiff`` in a real process (optionally under a file size limit)."""
    full_env = {**os.environ, **env, "NO_COLOR": "1"}
    return subprocess.run(
        [str(NEWSDIFF), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited(file_limit) if file_limit else None,  # type: ignore[arg-type]
        check=False,
    )


def test_full_disk_for_the_database(db_file: Path) -> None:
    """The database cannot grow (a file size limit: what a full disk looks like to SQLite)."""
    env = {**sqlite_env(db_file), "XDG_CONFIG_HOME": str(db_file.parent / "xdg")}
    # the -shm file exists first, as on any database in use
    with closing(sqlite3.connect(db_file)) as conn:
        conn.execute("SELECT count(*) FROM articles").fetchall()
        result = newsdiff("track", "https://example.org/a", env=env, file_limit=2000)
    line = one_line(result, 1)
    assert line.startswith("newsdiff: error: cannot write to database")


def test_full_tmpfs_for_the_database(tmp_path: Path) -> None:
    """A real full disk (a 1 MB tmpfs), where the machine lets the test mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        path = mount / "nd.sqlite"
        migrate(f"sqlite:///{path}")
        filler = mount / "filler"
        with open(filler, "wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass
        env = sqlite_env(path)
        line = one_line(run("story", "import", "baby-p", env=env), 1)
        assert "full" in line or "disk I/O error" in line, line
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# --- schemas and URLs ----------------------------------------------------------------------


def test_newer_schema_for_every_command(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    try:
        env = {"NEWSDIFF_DATABASE_URL": db_url}
        for args in (("init",), ("db", "upgrade"), ("articles",), ("track", "https://e.org/a")):
            line = one_line(run(*args, env=env), 1)
            assert "schema ffff" in line and "too new" in line, line
        with engine.connect() as conn:  # left alone
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "ffff"
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": dbmod.SCHEMA_HEAD}
            )
        engine.dispose()


@pytest.mark.parametrize("url", ["mysqlx://u@h/db", "foo://x", "oracle://scott@h/db"])
def test_unknown_database_scheme(tmp_path: Path, url: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    for args in (("init",), ("db", "upgrade"), ("articles",)):
        line = one_line(run(*args, "--config", str(config)), 2)
        assert "database.url" in line and "unsupported database" in line
    line = one_line(run("init", env={"NEWSDIFF_DATABASE_URL": url}), 2)
    assert "NEWSDIFF_DATABASE_URL" in line


def test_not_a_database_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database\n" * 100)
    for args in (("init",), ("articles",)):
        assert "not an SQLite database" in one_line(run(*args, env=sqlite_env(junk)), 1)


@pytest.mark.parametrize(
    "args",
    [
        ("versions", BIG),
        ("diff", BIG),
        ("diff", "1", "--from", BIG),
        ("diff", "1", "--to", BIG),
        ("link", "s/e", BIG),
        ("unlink", "s/e", BIG),
        ("feeds", "remove", BIG),
        ("feed", "--article", BIG),
        ("feed", "--limit", BIG),
        ("articles", "--limit", BIG),
        ("extract", "--version", BIG),
        ("extract", "--version", f"1:{BIG}"),
        ("backfill", "--story", "s", "--prefix", "https://e.org/", "--max-urls", BIG),
    ],
    ids=lambda args: " ".join(args[:2]) if isinstance(args, tuple) else str(args),
)
def test_ids_beyond_64_bits(db_url: str, args: tuple[str, ...]) -> None:
    line = one_line(run(*args, env={"NEWSDIFF_DATABASE_URL": db_url}), 2)
    assert BIG in line


def test_a_huge_id_in_the_library_is_a_store_error(database: Database) -> None:
    """The safety net below the CLI: the database's refusal becomes one line."""
    with pytest.raises(StoreError) as info:
        with database.read() as session:
            session.get(Article, 10**20)
    assert "\n" not in str(info.value) and "sqlalche.me" not in str(info.value)


@pytest.mark.parametrize(
    "args",
    [
        ("track", "http://[::1"),
        ("feeds", "add", "http://[::1"),
        ("extract", "http://[::1"),
        ("extract", "page.html", "--url", "http://[::1"),
        ("track", "http://example.org:99999/a"),
        ("feeds", "add", "https://example.org:70000/rss"),
    ],
)
def test_malformed_urls(db_file: Path, args: tuple[str, ...]) -> None:
    line = one_line(run(*args, env=sqlite_env(db_file)), 2)
    assert "URL" in line


def test_odd_arguments(db_file: Path) -> None:
    env = sqlite_env(db_file)
    line = one_line(run("export", "versions", "--since", "9999-12-31T23:59:59-05:00", env=env), 2)
    assert "--since" in line
    assert "--width" in one_line(run("diff", "1", "--width", "999999999", env=env), 2)
    # click's own usage errors are one line too, with where to find help
    line = one_line(run("feeds", "add", env=env), 2)
    assert "Missing argument 'URL'" in line and "newsdiff feeds add --help" in line
    assert "No such command" in one_line(run("no-such-command", env=env), 2)


# --- busy ----------------------------------------------------------------------------------


def test_busy_database_is_one_line(db_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process holds the write lock past the busy timeout (shortened for the test)."""
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        line = one_line(run("track", "https://example.org/a", env=sqlite_env(db_file)), 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "database is busy" in line and "0.2 s" in line and "try again" in line


# --- the last resort -----------------------------------------------------------------------


@pytest.fixture
def failing_command() -> Iterator[None]:
    """A command that raises what no command should, added to the real group for the test."""

    @cli.command("explode-for-test")
    @click.option("--kind", default="bug")
    def explode(kind: str) -> None:
        if kind == "interrupt":
            raise KeyboardInterrupt
        raise RuntimeError("something nobody expected\nwith a second line")

    yield
    cli.commands.pop("explode-for-test")


@pytest.mark.usefixtures("failing_command")
def test_unexpected_error_is_one_line_and_v_shows_the_traceback() -> None:
    line = one_line(run("explode-for-test"), 1)
    assert line == (
        "newsdiff: internal error: RuntimeError: something nobody expected with a second line "
        "(run with -v for the traceback)"
    )
    verbose = run("-v", "explode-for-test")
    assert verbose.exit_code == 1
    assert "Traceback" in verbose.output and "RuntimeError" in verbose.output
    interrupted = run("explode-for-test", "--kind", "interrupt")
    assert interrupted.exit_code == 130 and "interrupted" in interrupted.output


def test_click_exits_keep_working() -> None:
    assert run("--help").exit_code == 0
    assert run("export", "--help").exit_code == 0
    assert run("--version").exit_code == 0


def test_poll_on_a_read_only_database_exits_1(db_file: Path, make_read_only: object) -> None:
    """Every check fails to be recorded: the run must not look like a success (exit 0)."""
    from tests.collect.server import Site, article_html

    site = Site()
    site.set("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    site.set("/news/a", article_html("A headline", ["A paragraph long enough. " * 20]))
    site.start()
    try:
        env = sqlite_env(db_file)
        assert run("track", site.url("/news/a"), env=env).exit_code == 0
        make_read_only(db_file)  # type: ignore[operator]
        result = run("poll", "--force", env=env)
    finally:
        site.stop()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "could not be recorded" in result.output.strip().splitlines()[-1]
