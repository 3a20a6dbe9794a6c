"""The NewsEdits-layout export, read back the way research code reads the corpus."""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path

import pytest

from newsdiff.errors import ConfigError, NotFound
from newsdiff.export.newsedits import archive_url, export_newsedits, summary_html
from newsdiff.store.db import Database
from tests.export.conftest import A1_V1, TRICKY, Sample

ENTRYVERSION = [
    "id",
    "entry_id",
    "version",
    "created",
    "title",
    "url",
    "num_versions",
    "summary",
    "archive_url",
]


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def paragraphs(summary: str) -> list[str]:
    """How NewsEdits code splits a summary: on </p><p>, then strips the outer <p>...</p>."""
    parts = summary.split("</p><p>")
    parts[0] = parts[0].removeprefix("<p>")
    parts[-1] = parts[-1].removesuffix("</p>")
    return [html.unescape(p) for p in parts]


def export(database: Database, out: Path, outlet: str | None = None) -> tuple[int, int]:
    with database.read() as session:
        return export_newsedits(session, out, outlet=outlet)


def test_all_outlets_in_one_file_with_source(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "newsedits.db"
    assert export(database, out) == (2, 5)
    conn = sqlite3.connect(out)
    try:
        assert columns(conn, "entryversion") == [*ENTRYVERSION, "source"]
        assert columns(conn, "entry") == [
            "id",
            "url",
            "created",
            "checked",
            "num_versions",
            "source",
        ]
        # a NewsEdits-style query: consecutive version pairs of articles that changed
        pairs = conn.execute(
            """
            SELECT a.entry_id, a.version, b.version, a.summary, b.summary, a.source
            FROM entryversion a
            JOIN entryversion b ON b.entry_id = a.entry_id AND b.version = a.version + 1
            WHERE a.num_versions > 1
            ORDER BY a.entry_id, a.version
            """
        ).fetchall()
        assert [(p[0], p[1], p[2]) for p in pairs] == [
            (sample.a1, 0, 1),
            (sample.a1, 1, 2),
            (sample.a2, 0, 1),
        ]
        assert paragraphs(pairs[0][3]) == A1_V1
        assert pairs[0][5] == "Daily Example"
        # markup in the text is escaped in the summary, and comes back exactly
        tricky = pairs[2][4]
        assert "<script>" not in tricky
        assert "&lt;script&gt;" in tricky
        assert paragraphs(tricky) == TRICKY
        versions = conn.execute(
            "SELECT version, created, url, archive_url, title FROM entryversion "
            "WHERE entry_id = ? ORDER BY version",
            (sample.a2,),
        ).fetchall()
        assert versions[0][1] == "2008-11-12 09:00:00"
        assert versions[0][3] is None
        assert versions[1][3] == (
            "https://web.archive.org/web/20081112100000/https://other.example/2008/11/12/story"
        )
        assert versions[1][4] == 'Headline with "quotes", commas & <tags>'
        # sqlite's date functions read the times
        assert conn.execute(
            "SELECT julianday(max(created)) - julianday(min(created)) FROM entryversion "
            "WHERE entry_id = ?",
            (sample.a1,),
        ).fetchone()[0] == pytest.approx(5 / 24)
        entry = conn.execute(
            "SELECT url, created, checked, num_versions FROM entry WHERE id = ?", (sample.a1,)
        ).fetchone()
        assert entry == (
            "https://daily.example/news/council-review",
            "2008-11-11 09:00:00",
            "2008-11-11 14:00:00",
            3,
        )
    finally:
        conn.close()


def test_one_outlet_has_the_corpus_columns_only(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "other.db"
    out.write_text("an older export")  # replaced
    assert export(database, out, outlet="the-other-paper") == (1, 2)
    conn = sqlite3.connect(out)
    try:
        assert columns(conn, "entryversion") == ENTRYVERSION
        assert conn.execute("SELECT DISTINCT entry_id FROM entryversion").fetchall() == [
            (sample.a2,)
        ]
    finally:
        conn.close()
    assert export(database, out, outlet="DAILY EXAMPLE") == (1, 3)
    assert not list(tmp_path.glob("*.partial"))


def test_errors(database: Database, sample: Sample, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no outlet"):
        export(database, tmp_path / "x.db", outlet="Nobody")
    with pytest.raises(ConfigError, match="directory"):
        export(database, tmp_path)


def test_helpers() -> None:
    assert summary_html(["a < b", "c & d"]) == "<p>a &lt; b</p><p>c &amp; d</p>"
    assert summary_html([]) == ""
    assert archive_url("live", "https://x.example/") is None
    assert archive_url("archive:https://archive.example/1/x", "u") == "https://archive.example/1/x"
    assert archive_url("archive:20090101000000", "https://x.example/a") == (
        "https://web.archive.org/web/20090101000000/https://x.example/a"
    )


def test_cli(tmp_path: Path) -> None:
    from tests.export.conftest import build_sample
    from tests.test_cli import run

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = {"NEWSDIFF_DATABASE_URL": url}
    assert run("init", env=env).exit_code == 0
    database = Database(url)
    build_sample(database)
    database.dispose()
    out = tmp_path / "ne.db"
    result = run("export", "newsedits", "--out", str(out), env=env)
    assert result.exit_code == 0, result.output
    assert "wrote 2 entries and 5 versions" in result.output
    exists = run("export", "newsedits", "--out", str(out), env=env)
    assert exists.exit_code == 2 and "--force" in exists.output
    missing = run(
        "export", "newsedits", "--out", str(out), "--force", "--outlet", "nobody", env=env
    )
    assert missing.exit_code == 1
    assert "no outlet 'nobody'" in missing.output
