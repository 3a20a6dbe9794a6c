"""The SQL views of migration 0002, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

from sqlalchemy import text

from newsdiff.export.tables import CHANGE_COLUMNS, export_rows
from newsdiff.store.db import Database
from tests.export.conftest import T0, H, Sample


def query(database: Database, sql: str) -> list[dict[str, Any]]:
    with database.read() as session:
        return [dict(r._mapping) for r in session.execute(text(sql))]


def when(value: Any) -> datetime:
    """A view's timestamp: a datetime on PostgreSQL, a string on SQLite (stored as UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=T0.tzinfo)


def test_latest_versions_one_row_per_article(database: Database, sample: Sample) -> None:
    got = query(database, "SELECT * FROM latest_versions ORDER BY article_id")
    assert [(r["article_id"], r["number"]) for r in got] == [(sample.a1, 3), (sample.a2, 2)]
    assert got[0]["outlet"] == "Daily Example"
    assert got[0]["title"] == "Council review ordered"
    assert got[1]["url"] == "https://other.example/2008/11/12/story"
    assert when(got[0]["captured_at"]) == T0 + 5 * H


def test_changes_view_matches_the_export(database: Database, sample: Sample) -> None:
    got = query(database, "SELECT * FROM changes ORDER BY article_id, to_version")
    assert list(got[0]) == CHANGE_COLUMNS
    out = io.StringIO()
    with database.read() as session:
        export_rows(session, "changes", out, fmt="jsonl")
    exported = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(got) == len(exported) == 3
    for view_row, row in zip(got, exported, strict=True):
        for column in CHANGE_COLUMNS:
            value = view_row[column]
            if column in ("from_captured_at", "window_start", "window_end"):
                assert when(value) == datetime.fromisoformat(row[column]), column
            elif column == "title_changed":
                assert bool(value) is row[column]
            else:
                assert value == row[column], column


def test_changes_view_answers_a_research_question(database: Database, sample: Sample) -> None:
    # "which outlets rewrite headlines?"
    got = query(
        database,
        "SELECT outlet, count(*) AS n FROM changes WHERE title_changed GROUP BY outlet",
    )
    assert got == [{"outlet": "Daily Example", "n": 1}]


def test_event_coverage_leaves_out_manual_unlinks(database: Database, sample: Sample) -> None:
    got = query(database, "SELECT * FROM event_coverage ORDER BY event_date")
    assert len(got) == 1
    row = got[0]
    assert (row["story"], row["event"], row["article_id"]) == ("council", "review", sample.a1)
    assert row["outlet"] == "Daily Example"
    assert row["versions"] == 3
    assert row["origin"] == "auto"
    assert str(row["event_date"]) == "2008-11-11"


def test_event_coverage_counts(database: Database, sample: Sample) -> None:
    got = query(database, "SELECT * FROM event_coverage_counts ORDER BY event_date")
    assert [(r["event"], r["articles"], r["outlets"], r["changed_articles"]) for r in got] == [
        ("review", 1, 1, 1),
        ("later", 0, 0, 0),
    ]
    assert when(got[0]["last_changed_at"]) == T0 + 5 * H
    assert got[1]["last_changed_at"] is None
