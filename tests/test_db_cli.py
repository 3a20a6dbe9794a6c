"""`newsdiff db stats` and `newsdiff db check` through the real entry point, on SQLite and
PostgreSQL, with real captures: figures as a table and as JSON; a clean archive exits 0; a
damaged capture and a damaged search index are named, exit 1."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from newsdiff.cli import main
from newsdiff.collect import warc
from newsdiff.store.articles import get_or_create_outlet, track_article
from newsdiff.store.db import Database
from newsdiff.store.models import Article
from newsdiff.store.versions import VersionFields, add_version

T0 = datetime(2024, 5, 1, 9, tzinfo=UTC)
LEAD = "Inspectors said that the council failed to protect the boy in its care last year."


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args: tuple[str, ...]) -> None:
    main(list(args))


def _page(n: int) -> bytes:
    body = "".join(f"<p>{LEAD} Paragraph {k} of version {n}.</p>" for k in range(n + 2))
    return f"<html><head><title>Report</title></head><body>{body}</body></html>".encode()


@pytest.fixture(params=["plain", "compact"])
def archive(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> dict[str, object]:
    """An article of three versions from "The \x1b[31mLedger" (hostile outlet name), each
    with a real capture in ``tmp_path/captures`` (plain WARC, or compact: each a delta on the
    one before); and a config file pointing there."""
    captures = tmp_path / "captures"
    compact = request.param == "compact"
    # record ids from a counter, not at random: the same bytes on every run, so that the damage
    # the tests make is always of the same kind
    ids = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(ids)))
    database = Database(db_url)
    versions: list[tuple[int, str, int]] = []
    previous: warc.CaptureRef | None = None
    try:
        with database.write() as session:
            outlet = get_or_create_outlet(session, "The \x1b[31mLedger")
            article, _ = track_article(session, "https://e.org/a", now=T0, outlet=outlet)
            aid = article.id
        for n in range(1, 4):
            when = T0 + timedelta(hours=n)
            ref = warc.write_capture(
                captures,
                "https://e.org/a",
                200,
                {},
                _page(n),
                when,
                compact=compact,
                previous=previous,
            )
            previous = ref
            with database.write() as session:
                article = session.get(Article, aid)
                assert article is not None
                added = add_version(
                    session,
                    article,
                    VersionFields(
                        title="Report",
                        paragraphs=(LEAD, f"Paragraph {n}."),
                        extractor="t",
                        extractor_version="1",
                        warc_file=ref.file,
                        warc_offset=ref.offset,
                        warc_length=ref.length,
                    ),
                    captured_at=when,
                )
                versions.append((added.version.id, ref.file, ref.offset))
    finally:
        database.dispose()
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n\n[captures]\ndir = "{captures}"\n')
    return {
        "config": str(config),
        "captures": captures,
        "article": aid,
        "versions": versions,
        "compact": compact,
    }


def run(archive: dict[str, object], *args: str) -> Result:
    return CliRunner().invoke(
        _entry, ["db", *args, "--config", str(archive["config"])], catch_exceptions=False
    )


def test_stats_table_and_json(archive: dict[str, object]) -> None:
    result = run(archive, "stats")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("3 versions (")
    for label in ("text (versions' text columns)", "search index", "other indexes", "captures"):
        assert label in out
    assert "\x1b" not in out and "The \u241b[31mLedger" in out  # the outlet's name made safe
    data = json.loads(run(archive, "stats", "--json").stdout)
    captures = archive["captures"]
    assert isinstance(captures, Path)
    files = list(captures.iterdir())  # the day file (and the compact form's anchors)
    on_disk = sum(p.stat().st_size for p in files)
    assert data["versions"] == 3
    assert data["captures"] == {"dir": str(captures), "bytes": on_disk, "files": len(files)}
    assert data["parts"]["text"]["bytes"] > 0
    assert data["per_version"]["captures"] == pytest.approx(on_disk / 3)
    assert [o["versions"] for o in data["outlets"]] == [3]


def test_check_a_clean_archive(archive: dict[str, object]) -> None:
    result = run(archive, "check")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("checked 3 versions") and "captures 3" in lines[0]
    assert lines[0].endswith("no damage found")


def test_check_names_a_damaged_capture(archive: dict[str, object]) -> None:
    captures, aid = archive["captures"], archive["article"]
    versions = archive["versions"]
    assert isinstance(captures, Path) and isinstance(versions, list)
    vid, file, offset = versions[1]
    with open(captures / file, "r+b") as f:  # version 2's record: bytes in its middle overwritten
        f.seek(offset + 40)
        f.write(b"\x00damage\x00" * 4)
    result = run(archive, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"article {aid} version 2 (id {vid}): capture: ")
    data = json.loads(run(archive, "check", "--json").stdout)
    assert data["ok"] is False
    damaged = [(d["number"], d["part"]) for d in data["damage"]]
    if archive["compact"]:  # version 3 is a delta on version 2: its base is damaged
        assert damaged == [(2, "capture"), (3, "capture")]
        assert "base" in data["damage"][1]["problem"]
        assert len(lines) == 3 and lines[2].endswith("2 damaged versions")
    else:
        assert damaged == [(2, "capture")]
        assert len(lines) == 2 and lines[1].endswith("1 damaged version")


def test_check_names_a_missing_capture_file(archive: dict[str, object]) -> None:
    captures = archive["captures"]
    assert isinstance(captures, Path)
    for path in captures.iterdir():
        path.unlink()
    result = run(archive, "check", "--quiet")
    assert result.exit_code == 1
    assert [line.split(":")[1] for line in result.stdout.splitlines()[:3]] == [" capture"] * 3
    assert result.stdout.splitlines()[-1].endswith("3 damaged versions")


def test_check_and_repair_the_search_index(archive: dict[str, object], db_url: str) -> None:
    database = Database(db_url)
    try:
        with database.write() as session:
            if database.is_sqlite:
                session.execute(text("DELETE FROM versions_fts_docsize"))
            else:
                session.execute(text("DELETE FROM version_search"))
    finally:
        database.dispose()
    result = run(archive, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("search index: ")
    assert "--repair-index" in result.stdout.splitlines()[-1]
    repaired = run(archive, "check", "--repair-index")
    assert repaired.exit_code == 0, repaired.output
    assert "search index rebuilt" in repaired.stdout
    assert run(archive, "check").exit_code == 0


def test_check_output_is_safe_for_the_terminal(archive: dict[str, object], db_url: str) -> None:
    database = Database(db_url)
    try:
        with database.write() as session:
            session.execute(text("UPDATE versions SET warc_file = 'x\x1b[2J.warc.gz'"))
    finally:
        database.dispose()
    result = run(archive, "check")
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "x\u241b[2J.warc.gz" in result.stdout
