"""`newsdiff export edits`: one row per stored typed edit, CSV or JSONL, with the same safety as
the other table exports, and a note when versions are not analysed yet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from newsdiff.diff.edits import ANALYSER_VERSION
from newsdiff.export.tables import EDIT_COLUMNS, unanalysed_versions
from newsdiff.store.analysis import analyse_versions
from newsdiff.store.db import Database
from newsdiff.store.models import Edit, Version
from tests.export.conftest import T0, H, Sample, build_edits_article, build_sample
from tests.export.test_tables import export, rows


@pytest.fixture
def analysed(database: Database, sample: Sample) -> int:
    """The sample archive plus the edits article, analysed; returns the edits article's id."""
    aid = build_edits_article(database)
    analyse_versions(database)
    return aid


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_one_row_per_stored_edit(database: Database, analysed: int, fmt: str) -> None:
    got = rows(database, "edits", fmt)
    assert all(list(r) == EDIT_COLUMNS for r in got)
    mine = [r for r in got if str(r["article_id"]) == str(analysed)]
    assert [(str(r["version"]), r["kind"], r["change"]) for r in mine] == [
        ("2", "headline", "changed"),
        ("2", "certainty", "firmer"),
        ("2", "number", "changed"),
        ("2", "quote", "removed"),
        ("2", "source", "removed"),
        ("2", "source", "added"),
        ("3", "trivial", "changed"),
    ]
    quote = mine[3]
    assert quote["outlet"] == "Edits Gazette"
    assert quote["url"] == "https://gazette.example/inspectors"
    assert quote["captured_at"] == "2008-11-14T10:00:00+00:00"
    assert quote["old"] == "It was the worst case I had ever seen,"
    assert quote["new"] == "" and mine[5]["old"] == ""  # "" for an absent side, as in the diff JSON
    number = mine[2]
    if fmt == "csv":
        assert quote["old_paragraph"] == "1" and quote["new_paragraph"] == ""
        assert quote["silent"] == "True" and mine[1]["silent"] == "False"
        assert quote["analyser_version"] == ANALYSER_VERSION
        detail = json.loads(quote["detail"])  # a JSON string in CSV
        assert json.loads(mine[0]["detail"])["in"] == "headline"
        numbers = json.loads(number["detail"])
    else:
        assert quote["old_paragraph"] == 1 and quote["new_paragraph"] is None
        assert quote["silent"] is True and mine[1]["silent"] is False
        assert quote["analyser_version"] == ANALYSER_VERSION
        detail = quote["detail"]  # an object in JSONL
        numbers = number["detail"]
    assert detail["speaker"] == "Heather Brown" and detail["old_span"] == [1, 39]
    assert (numbers["old_value"], numbers["new_value"]) == (12, 15)


def test_story_and_since_filters(database: Database, analysed: int, sample: Sample) -> None:
    story = rows(database, "edits", "jsonl", story=sample.story)
    assert story and {r["article_id"] for r in story} == {sample.a1}
    later = rows(database, "edits", "jsonl", since=T0 + 72.5 * H)
    assert {(r["article_id"], r["version"]) for r in later} == {(analysed, 2), (analysed, 3)}


def test_empty_detail_and_header_only(database: Database) -> None:
    assert export(database, "edits", "csv") == ",".join(EDIT_COLUMNS) + "\n"
    assert export(database, "edits", "jsonl") == ""


def test_spreadsheet_safe(database: Database, analysed: int) -> None:
    with database.write() as session:
        session.execute(
            update(Edit).where(Edit.kind == "number").values(old="-12", new="=SUM(A1)", detail=None)
        )
    plain = [r for r in rows(database, "edits", "csv") if r["kind"] == "number"]
    assert (plain[0]["old"], plain[0]["new"], plain[0]["detail"]) == ("-12", "=SUM(A1)", "{}")
    safe = [
        r for r in rows(database, "edits", "csv", spreadsheet_safe=True) if r["kind"] == "number"
    ]
    assert (safe[0]["old"], safe[0]["new"]) == ("'-12", "'=SUM(A1)")


def test_unanalysed_versions(database: Database, sample: Sample) -> None:
    aid = build_edits_article(database)
    with database.read() as session:
        assert unanalysed_versions(session) == (8, 0)
        assert unanalysed_versions(session, story=sample.story) == (3, 0)
    analyse_versions(database)
    with database.write() as session:
        session.execute(
            update(Version).where(Version.article_id == aid).values(analyser_version="0")
        )
    with database.read() as session:
        assert unanalysed_versions(session) == (0, 3)
        assert unanalysed_versions(session, story=sample.story) == (0, 0)


def cli_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    from tests.test_cli import run

    path = tmp_path / "cli.sqlite"
    env = {"NEWSDIFF_DATABASE_URL": f"sqlite:///{path}"}
    assert run("init", env=env).exit_code == 0
    database = Database(env["NEWSDIFF_DATABASE_URL"])
    build_sample(database)
    build_edits_article(database)
    database.dispose()
    return env, path


def test_cli_notes_unanalysed_versions_on_stderr(tmp_path: Path) -> None:
    from tests.test_cli import run

    env, _ = cli_env(tmp_path)
    before = run("export", "edits", "--format", "jsonl", env=env)
    assert before.exit_code == 0, before.output
    assert before.stdout == ""  # nothing stored yet
    assert before.stderr == "note: 8 versions not analysed yet: run `newsdiff analyse`\n"
    assert run("analyse", "--quiet", env=env).exit_code == 0
    after = run("export", "edits", "--format", "jsonl", env=env)
    assert after.exit_code == 0 and after.stderr == ""
    got = [json.loads(line) for line in after.stdout.splitlines()]
    assert len(got) == 12 and {r["analyser_version"] for r in got} == {ANALYSER_VERSION}
    story = run("export", "edits", "--story", "council", env=env)
    assert story.exit_code == 0
    table = list(csv.DictReader(io.StringIO(story.stdout, newline="")))
    assert {r["url"] for r in table} == {"https://daily.example/news/council-review"}


def test_cli_out_is_as_safe_as_the_other_exports(tmp_path: Path) -> None:
    from tests.test_cli import run
    from tests.test_failures import one_line

    env, database = cli_env(tmp_path)
    before = database.read_bytes()
    for force in ((), ("--force",)):
        line = one_line(run("export", "edits", "--out", str(database), *force, env=env), 2)
        assert "is the database in use" in line
    assert database.read_bytes() == before
    out = tmp_path / "edits.csv"
    first = run("export", "edits", "--out", str(out), env=env)
    assert first.exit_code == 0, first.output
    assert "wrote 0 edits rows to" in first.stderr and "not analysed yet" in first.stderr
    again = run("export", "edits", "--out", str(out), env=env)
    assert again.exit_code == 2 and "--force" in again.output
    assert run("export", "edits", "--out", str(out), "--force", env=env).exit_code == 0
    usage = run("export", "edits", "--force", env=env)
    assert usage.exit_code == 2 and "--out FILE only" in usage.output
    not_csv = run("export", "edits", "--format", "jsonl", "--spreadsheet-safe", env=env)
    assert not_csv.exit_code == 2 and "csv only" in not_csv.output


def test_reads_like_the_stored_rows(database: Database, analysed: int) -> None:
    """The export says what `newsdiff edits` lists (store.edits.list_edits), row for row."""
    from newsdiff.store.edits import list_edits

    with database.read() as session:
        listed = list_edits(session)
    exported = rows(database, "edits", "jsonl")

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["article_id"], row["version"], row["kind"], row["change"], row["old"] or "")

    assert sorted(map(key, exported)) == sorted(key(r.to_dict()) for r in listed)
    assert len(exported) == len(listed) == 12
