"""Output paths are safe: no ``--out`` ever writes over the database in use (by path, symlink,
hard link, relative SQLite URL, -wal file), an existing file is replaced only with ``--force``,
a file that cannot be written is one line and exit 1, and ``export html`` writes only into a
directory it owns (marked ``.newsdiff-site``), removing only the pages it made before."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from newsdiff.export.sitedir import MARKER, read_marker
from newsdiff.store.db import Database, migrate
from tests.export.conftest import build_sample
from tests.test_cli import run
from tests.test_failures import make_read_only as make_read_only  # noqa: F401 (a fixture)
from tests.test_failures import newsdiff, one_line

# Every command that writes one file, with what it needs besides --out.
FILE_COMMANDS = [
    ("export", "versions"),
    ("export", "changes", "--format", "jsonl"),
    ("export", "checks"),
    ("export", "edits"),
    ("export", "newsedits"),
    ("feed",),
]
IDS = ["versions", "changes", "checks", "edits", "newsedits", "feed"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def _sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "nd.sqlite"
    url = f"sqlite:///{path}"
    migrate(url)
    database = Database(url)
    build_sample(database)
    from newsdiff.store.analysis import analyse_versions

    analyse_versions(database)  # so that `export edits` has rows to write
    database.dispose()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no -wal left to copy
    return path


@pytest.fixture
def sample_db(_sample_file: Path, tmp_path: Path) -> Path:
    """The sample database, a copy of its own per test (built once: ~0.3 s a test saved)."""
    path = tmp_path / "data" / "nd.sqlite"
    path.parent.mkdir()
    shutil.copyfile(_sample_file, path)
    return path


def env_for(path: Path) -> dict[str, str]:
    return {"NEWSDIFF_DATABASE_URL": f"sqlite:///{path}"}


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=IDS)
def test_out_never_overwrites_the_database(
    sample_db: Path, tmp_path: Path, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = env_for(sample_db)
    before = digest(sample_db)
    symlink = tmp_path / "innocent.out"
    symlink.symlink_to(sample_db)
    hardlink = tmp_path / "hard.out"
    os.link(sample_db, hardlink)
    wal = sample_db.with_name(sample_db.name + "-wal")
    for target in (
        sample_db,
        symlink,
        hardlink,
        wal,
        sample_db.parent / ".." / "data" / "nd.sqlite",
    ):
        for force in ((), ("--force",)):
            result = run(*command, "--out", str(target), *force, env=env)
            line = one_line(result, 2)
            assert "is the database in use" in line, line
    # a relative SQLite URL and a relative --out
    monkeypatch.chdir(sample_db.parent)
    result = run(
        *command,
        "--out",
        "nd.sqlite",
        "--force",
        env={"NEWSDIFF_DATABASE_URL": "sqlite:///nd.sqlite"},
    )
    assert "is the database in use" in one_line(result, 2)
    assert digest(sample_db) == before
    assert run("articles", env=env).exit_code == 0


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=IDS)
def test_existing_file_needs_force(
    sample_db: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    env = env_for(sample_db)
    out = tmp_path / "out.file"
    out.write_text("keep me\n")
    line = one_line(run(*command, "--out", str(out), env=env), 2)
    assert "already exists" in line and "--force" in line
    assert out.read_text() == "keep me\n"
    forced = run(*command, "--out", str(out), "--force", env=env)
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8", errors="replace") != "keep me\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    # a new file needs no --force
    new = tmp_path / "new.file"
    assert run(*command, "--out", str(new), env=env).exit_code == 0
    assert new.stat().st_size > 0


@pytest.mark.parametrize("command", [c for c in FILE_COMMANDS if c[1:2] != ("newsedits",)])
def test_force_without_out_is_bad_usage(sample_db: Path, command: tuple[str, ...]) -> None:
    assert "--force" in one_line(run(*command, "--force", env=env_for(sample_db)), 2)


def device(tmp_path: Path, name: str, minor: int) -> Path:
    """/dev/null (minor 3) or /dev/full (minor 7) to write to. As root, a private node in
    ``tmp_path``: code that wrongly renamed a file over its --out would replace the real one
    (root may), and that must never happen to the machine running the tests."""
    if os.geteuid() != 0:
        return Path("/dev") / name  # nobody but root can replace it
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return node


@pytest.mark.parametrize("command", [c for c in FILE_COMMANDS if c[1:2] != ("newsedits",)])
def test_full_out_is_one_line(sample_db: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    """/dev/full: a device is written directly (no --force needed), and its ENOSPC is exit 1."""
    full = device(tmp_path, "full", 7)
    line = one_line(run(*command, "--out", str(full), env=env_for(sample_db)), 1)
    assert str(full) in line and "No space left on device" in line
    assert full.is_char_device()


def test_newsedits_refuses_a_device(sample_db: Path, tmp_path: Path) -> None:
    full = device(tmp_path, "full", 7)
    line = one_line(run("export", "newsedits", "--out", str(full), env=env_for(sample_db)), 2)
    assert "not a regular file" in line
    assert full.is_char_device()


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=IDS)
def test_file_limit_on_out_is_one_line_and_leaves_nothing(
    sample_db: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A file size limit (what a disk filling up looks like to a writer): exit 1, one line, no
    half file or temp file left."""
    env = {**env_for(sample_db), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    out = tmp_path / "outdir" / "big.out"
    out.parent.mkdir()
    # the database's -shm exists already, as for any database in use
    with closing(sqlite3.connect(sample_db)) as conn:
        conn.execute("SELECT count(*) FROM articles").fetchall()
        result = newsdiff(*command, "--out", str(out), env=env, file_limit=600)
    line = one_line(result, 1)
    assert line.startswith("newsdiff: error: cannot write ") and str(out) in line
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=IDS)
def test_unwritable_out_directory(
    sample_db: Path, tmp_path: Path, command: tuple[str, ...], make_read_only: object
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    make_read_only(locked)  # type: ignore[operator]
    line = one_line(run(*command, "--out", str(locked / "x.out"), env=env_for(sample_db)), 1)
    assert "cannot write" in line and str(locked / "x.out") in line
    missing = tmp_path / "no-such-dir" / "x.out"
    if command[1:2] != ("newsedits",):  # newsedits makes the directory
        line = one_line(run(*command, "--out", str(missing), env=env_for(sample_db)), 1)
        assert "No such file or directory" in line


# --- export html ---------------------------------------------------------------------------


def site_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_site_refuses_a_foreign_directory(sample_db: Path, tmp_path: Path) -> None:
    env = env_for(sample_db)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    line = one_line(run("export", "html", "--out", str(out), env=env), 2)
    assert "not empty" in line and MARKER in line
    assert site_files(out) == {"notes.txt"}
    # nor the directory of the database, nor one holding it
    line = one_line(run("export", "html", "--out", str(sample_db.parent), env=env), 2)
    assert "database in use" in line
    line = one_line(run("export", "html", "--out", str(tmp_path), env=env), 2)
    assert "database in use" in line
    # nor a file
    line = one_line(run("export", "html", "--out", str(sample_db), env=env), 2)
    assert "--out" in line and "is a file" in line


def test_site_in_an_empty_directory_is_marked(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    result = run("export", "html", "--out", str(out), env=env_for(sample_db))
    assert result.exit_code == 0, result.output
    listed = set(read_marker(out))
    assert listed == site_files(out) - {MARKER}
    assert "index.html" in listed and "articles/2/index.html" in listed


def test_site_export_again_removes_only_its_stale_pages(sample_db: Path, tmp_path: Path) -> None:
    env = env_for(sample_db)
    out = tmp_path / "site"
    assert run("export", "html", "--out", str(out), env=env).exit_code == 0
    everything = site_files(out)
    assert {"articles/2/v1.html", "articles/3/index.html"} <= everything
    # files someone else put there, one inside a directory the export made
    (out / "README.txt").write_text("mine")
    (out / "articles" / "2" / "notes.txt").write_text("mine too")
    # a tampered marker naming paths outside the site: never removed
    outside = tmp_path / "outside.txt"
    outside.write_text("outside")
    with open(out / MARKER, "a", encoding="utf-8") as marker:
        marker.write(f"../outside.txt\n{outside}\n")  # relative and absolute

    again = run("export", "html", "--out", str(out), "--story", "council", env=env)
    assert again.exit_code == 0, again.output
    assert "removed" in again.output
    now = site_files(out)
    assert "articles/1/index.html" in now and "stories/council.html" in now
    assert not any(p.startswith("articles/3/") for p in now)  # a directory left empty: gone
    assert not (out / "articles" / "3").exists()
    assert {p for p in now if p.startswith("articles/2/")} == {"articles/2/notes.txt"}
    assert (out / "README.txt").read_text() == "mine"
    assert outside.read_text() == "outside"
    assert set(read_marker(out)) == now - {MARKER, "README.txt", "articles/2/notes.txt"}

    # and back: the pages come again, the marker follows
    assert run("export", "html", "--out", str(out), env=env).exit_code == 0
    assert site_files(out) == everything | {"README.txt", "articles/2/notes.txt"}


def test_site_pages_replace_planted_symlinks(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    env = env_for(sample_db)
    assert run("export", "html", "--out", str(out), env=env).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victim)
    assert run("export", "html", "--out", str(out), env=env).exit_code == 0
    assert victim.read_text() == "untouched"
    assert not (out / "index.html").is_symlink()


def test_site_unwritable_directory(sample_db: Path, tmp_path: Path, make_read_only: object) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    make_read_only(locked)  # type: ignore[operator]
    env = env_for(sample_db)
    line = one_line(run("export", "html", "--out", str(locked / "site"), env=env), 1)
    assert "cannot create" in line
    assert one_line(run("export", "html", "--out", str(locked), env=env), 1).startswith(
        "newsdiff: error: cannot write"
    )


def test_site_on_both_backends(db_url: str, tmp_path: Path) -> None:
    database = Database(db_url)
    build_sample(database)
    database.dispose()
    env = {"NEWSDIFF_DATABASE_URL": db_url}
    out = tmp_path / "site"
    assert run("export", "html", "--out", str(out), env=env).exit_code == 0
    assert run("export", "html", "--out", str(out), "--story", "council", env=env).exit_code == 0
    assert not (out / "articles" / "2").exists()
    feed = tmp_path / "feed.xml"
    assert run("feed", "--out", str(feed), env=env).exit_code == 0
    assert one_line(run("feed", "--out", str(feed), env=env), 2)


def test_dev_null_needs_no_force(sample_db: Path, tmp_path: Path) -> None:
    """A device is not a file to keep: written directly, and left a device."""
    null = device(tmp_path, "null", 3)
    env = env_for(sample_db)
    assert run("export", "versions", "--out", str(null), env=env).exit_code == 0
    assert run("feed", "--out", str(null), env=env).exit_code == 0
    assert null.is_char_device()
