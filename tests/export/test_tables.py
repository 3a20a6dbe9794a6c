from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newsdiff.errors import ConfigError, NotFound
from newsdiff.export.tables import CHANGE_COLUMNS, CHECK_COLUMNS, VERSION_COLUMNS, export_rows
from newsdiff.store.db import Database
from tests.export.conftest import T0, TRICKY, H, Sample, build_sample


def export(database: Database, kind: str, fmt: str, **kw: Any) -> str:
    out = io.StringIO(newline="")
    with database.read() as session:
        count = export_rows(session, kind, out, fmt=fmt, **kw)
    text = out.getvalue()
    if fmt == "jsonl":
        assert count == len(text.splitlines())
    return text


def rows(database: Database, kind: str, fmt: str, **kw: Any) -> list[dict[str, Any]]:
    text = export(database, kind, fmt, **kw)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    # str.splitlines splits on U+2028 too: one row must stay one line for it
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_versions_one_row_per_version(database: Database, sample: Sample, fmt: str) -> None:
    got = rows(database, "versions", fmt)
    assert [(r["article_id"], r["version"]) for r in got] == [
        (v, n) if fmt == "jsonl" else (str(v), str(n))
        for v, n in [(sample.a1, 1), (sample.a1, 2), (sample.a1, 3), (sample.a2, 1), (sample.a2, 2)]
    ]
    assert list(got[0]) == VERSION_COLUMNS
    last = got[-1]
    assert last["outlet"] == "The Other, Paper"
    assert last["title"] == 'Headline with "quotes", commas & <tags>'
    # the text round-trips exactly: one paragraph per line, quotes, commas, markup, escapes
    assert last["text"] == "\n".join(TRICKY)
    assert last["text"].split("\n") == TRICKY
    assert str(last["paragraphs"]) == "3"
    assert datetime.fromisoformat(last["captured_at"]) == T0 + 24.5 * H
    assert last["source"] == "archive:20081112100000"


def test_csv_quotes_multiline_and_markup_fields(database: Database, sample: Sample) -> None:
    text = export(database, "versions", "csv")
    # the raw <script> is data inside a quoted field, never split across rows
    assert '"<script>' not in text.split("\n")[0]
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert len(parsed) == 1 + 5
    assert all(len(r) == len(VERSION_COLUMNS) for r in parsed)
    assert '"Headline with ""quotes"", commas & <tags>"' in text


def test_jsonl_keeps_one_row_per_line(database: Database, sample: Sample) -> None:
    text = export(database, "versions", "jsonl")
    assert "\u2028" not in text  # escaped, so line-based readers see five lines
    lines = text.splitlines()
    assert len(lines) == 5
    assert json.loads(lines[-1])["text"].endswith("line\u2028separator")
    assert json.loads(lines[0])["captured_at"] == T0.isoformat()
    assert json.loads(lines[0])["published_at"] is None


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_changes_with_stats_and_window(database: Database, sample: Sample, fmt: str) -> None:
    got = rows(database, "changes", fmt)
    assert list(got[0]) == CHANGE_COLUMNS
    assert len(got) == 3
    first, second, third = got
    assert (str(first["from_version"]), str(first["to_version"])) == ("1", "2")
    assert first["title_before"] == "Council faces review"
    assert first["title_after"] == "Council review ordered"
    assert str(first["title_changed"]) in ("True", "true")
    assert str(first["words_added"]) == "4"
    assert str(first["paragraphs_inserted"]) == "1"
    # the window: after the last check that saw v1 (the error at 1.5h saw nothing), by v2's capture
    assert datetime.fromisoformat(first["from_captured_at"]) == T0
    assert datetime.fromisoformat(first["window_start"]) == T0 + H
    assert datetime.fromisoformat(first["window_end"]) == T0 + 2 * H
    assert datetime.fromisoformat(second["window_start"]) == T0 + 3 * H
    assert str(second["paragraphs_deleted"]) == "1"
    assert str(second["title_changed"]) in ("False", "false")
    assert third["outlet"] == "The Other, Paper"
    assert datetime.fromisoformat(third["window_start"]) == T0 + 24 * H


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_checks_every_check(database: Database, sample: Sample, fmt: str) -> None:
    got = rows(database, "checks", fmt)
    assert list(got[0]) == CHECK_COLUMNS
    assert len(got) == 9
    warned = [r for r in got if r["warnings"]]
    assert len(warned) == 1 and warned[0]["warnings"].split("\n") == [
        "rule drop: matched nothing",
        "rule body: matched nothing",
    ]
    assert [r["outcome"] for r in got[:6]] == [
        "new_version",
        "unchanged",
        "error",
        "new_version",
        "not_modified",
        "new_version",
    ]
    assert str(got[3]["version"]) == "2"
    assert got[1]["version"] in ("", None)
    failed = got[-1]
    assert str(failed["article_id"]) == str(sample.a3)
    assert failed["outlet"] in ("", None)
    assert failed["error"] == 'HTTP 500, "server error"\nsecond line'


@pytest.mark.parametrize("kind", ["versions", "changes", "checks"])
def test_story_filter_keeps_covering_articles_only(
    database: Database, sample: Sample, kind: str
) -> None:
    got = rows(database, kind, "jsonl", story=sample.story)
    assert got
    # a2's coverage was unlinked by hand, a3 covers nothing
    assert {r["article_id"] for r in got} == {sample.a1}


def test_since_filters_by_capture_and_check_time(database: Database, sample: Sample) -> None:
    since = T0 + 2 * H
    versions = rows(database, "versions", "jsonl", since=since)
    assert [(r["article_id"], r["version"]) for r in versions] == [
        (sample.a1, 2),
        (sample.a1, 3),
        (sample.a2, 1),
        (sample.a2, 2),
    ]
    changes = rows(database, "changes", "jsonl", since=T0 + 3 * H)
    assert [(r["article_id"], r["to_version"]) for r in changes] == [(sample.a1, 3), (sample.a2, 2)]
    checks = rows(database, "checks", "jsonl", since=T0 + 24 * H)
    assert all(datetime.fromisoformat(r["checked_at"]) >= T0 + 24 * H for r in checks)
    assert len(checks) == 3


def test_bad_arguments(database: Database, sample: Sample) -> None:
    with pytest.raises(NotFound, match="no story 'nope'"):
        export(database, "versions", "csv", story="nope")
    with pytest.raises(ConfigError, match="unknown export"):
        export(database, "articles", "csv")
    with pytest.raises(ConfigError, match="unknown format"):
        export(database, "versions", "xlsx")
    with pytest.raises(ConfigError, match="aware"):
        export(database, "versions", "csv", since=datetime(2008, 1, 1))


def test_empty_database_gives_header_only(database: Database) -> None:
    assert export(database, "changes", "csv") == ",".join(CHANGE_COLUMNS) + "\n"
    assert export(database, "checks", "jsonl") == ""


def test_cli_export_to_file(tmp_path: Path) -> None:
    from tests.test_cli import run

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = {"NEWSDIFF_DATABASE_URL": url}
    assert run("init", env=env).exit_code == 0
    database = Database(url)
    sample = build_sample(database)
    database.dispose()
    out = tmp_path / "out" / "changes.csv"
    out.parent.mkdir()
    result = run(
        "export", "changes", "--format", "csv", "--out", str(out), "--story", "council", env=env
    )
    assert result.exit_code == 0, result.output
    assert "wrote 2 changes rows" in result.output
    got = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert {r["article_id"] for r in got} == {str(sample.a1)}
    assert not list(out.parent.glob("*.partial"))
    to_stdout = run("export", "versions", "--format", "jsonl", "--since", "2008-11-12", env=env)
    assert to_stdout.exit_code == 0
    assert len(to_stdout.output.strip().splitlines()) == 2
    bad = run("export", "versions", "--since", "yesterday", env=env)
    assert bad.exit_code == 2
    assert "--since" in bad.output
    missing = run("export", "versions", "--story", "nope", "--out", str(out), "--force", env=env)
    assert missing.exit_code == 1
    assert "no story 'nope'" in missing.output
    assert not list(out.parent.glob("*.partial"))
    safe = run("export", "checks", "--spreadsheet-safe", env=env)
    assert safe.exit_code == 0 and safe.output.startswith("check_id,")
    not_csv = run("export", "checks", "--format", "jsonl", "--spreadsheet-safe", env=env)
    assert not_csv.exit_code == 2 and "csv only" in not_csv.output


def test_spreadsheet_safe_csv_disarms_formulas_only_when_asked(database: Database) -> None:
    from tests.export.conftest import put_article, put_version

    with database.write() as session:
        article = put_article(session, "https://daily.example/formula", None, T0)
        put_version(session, article, 1, T0, '=HYPERLINK("http://evil.example")', ["-30C today"])

    def exported(**kw: Any) -> dict[str, str]:
        text = export(database, "versions", "csv", **kw)
        return next(
            r for r in csv.DictReader(io.StringIO(text, newline="")) if r["url"].endswith("formula")
        )

    plain = exported()
    assert plain["title"] == '=HYPERLINK("http://evil.example")' and plain["text"] == "-30C today"
    safe = exported(spreadsheet_safe=True)
    assert safe["title"] == "'" + plain["title"] and safe["text"] == "'-30C today"
    assert safe["url"] == plain["url"] and safe["version"] == "1"


@pytest.mark.parametrize("kind", ["versions", "changes", "checks", "edits"])
def test_rows_are_read_by_column_name(
    database: Database, sample: Sample, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each table reads its rows by column name: the same SELECT with its columns in reverse
    order writes the same CSV and JSONL (code reading row[0]..row[16] mixes the fields up)."""
    from sqlalchemy import Select

    from newsdiff.export import tables
    from newsdiff.store.analysis import analyse_versions
    from tests.export.conftest import build_edits_article

    build_edits_article(database)
    analyse_versions(database)  # so that there are edits to export
    expected = {fmt: export(database, kind, fmt) for fmt in ("csv", "jsonl")}
    assert len(expected["csv"].splitlines()) > 2

    stream = tables._stream
    calls = []

    def reversed_stream(session: Any, stmt: Select[Any]) -> Any:
        calls.append(stmt)
        return stream(session, stmt.with_only_columns(*reversed(stmt.selected_columns)))

    monkeypatch.setattr(tables, "_stream", reversed_stream)
    for fmt in ("csv", "jsonl"):
        assert export(database, kind, fmt) == expected[fmt], fmt
    assert len(calls) == 2  # both exports went through the reversed SELECT


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_versions_carry_their_standfirst(database: Database, sample: Sample, fmt: str) -> None:
    from sqlalchemy import update

    from newsdiff.store.models import Version

    with database.write() as session:
        session.execute(
            update(Version)
            .where(Version.article_id == sample.a2, Version.number == 2)
            .values(headlines={"h1": "H", "standfirst": 'Inspectors find "failings", again'})
        )
        session.execute(
            update(Version)
            .where(Version.article_id == sample.a2, Version.number == 1)
            .values(headlines={"h1": "H", "standfirst": None})
        )
    got = rows(database, "versions", fmt)
    by_key = {(str(r["article_id"]), str(r["version"])): r["standfirst"] for r in got}
    assert by_key[(str(sample.a2), "2")] == 'Inspectors find "failings", again'
    assert by_key[(str(sample.a2), "1")] == ""  # the page had none
    # not captured when the version was stored: null in JSON, an empty field in CSV
    assert by_key[(str(sample.a1), "1")] == (None if fmt == "jsonl" else "")
