"""The NewsEdits-layout export, read back the way research code reads the corpus."""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from newsdiff.errors import ConfigError, NotFound
from newsdiff.export.newsedits import (
    NewsEditsResult,
    archive_url,
    export_newsedits,
    summary_html,
)
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
SPLIT_SENTENCES = ["entry_id", "version", "sent_idx", "sentence"]
MATCHED_SENTENCES = [
    "entry_id",
    "version_x",
    "version_y",
    "sent_idx_x",
    "sent_idx_y",
    "avg_sentence_distance_x",
    "avg_sentence_distance_y",
]


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def paragraphs(summary: str) -> list[str]:
    """How NewsEdits code splits a summary: on </p><p>, then strips the outer <p>...</p>."""
    parts = summary.split("</p><p>")
    parts[0] = parts[0].removeprefix("<p>")
    parts[-1] = parts[-1].removesuffix("</p>")
    return [html.unescape(p) for p in parts]


def export(database: Database, out: Path, outlet: str | None = None, **kw: Any) -> NewsEditsResult:
    with database.read() as session:
        return export_newsedits(session, out, outlet=outlet, **kw)


def test_all_outlets_in_one_file_with_source(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "newsedits.db"
    assert export(database, out)[:2] == (2, 5)
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
    assert export(database, out, outlet="the-other-paper")[:2] == (1, 2)
    conn = sqlite3.connect(out)
    try:
        assert columns(conn, "entryversion") == ENTRYVERSION
        assert columns(conn, "split_sentences") == SPLIT_SENTENCES
        assert columns(conn, "matched_sentences") == MATCHED_SENTENCES
        assert conn.execute("SELECT DISTINCT entry_id FROM entryversion").fetchall() == [
            (sample.a2,)
        ]
    finally:
        conn.close()
    assert export(database, out, outlet="DAILY EXAMPLE")[:2] == (1, 3)
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
    assert "wrote 2 entries, 5 versions, 12 sentences and 9 sentence matches" in result.output
    plain = run("export", "newsedits", "--out", str(tmp_path / "p.db"), "--no-sentences", env=env)
    assert plain.exit_code == 0, plain.output
    assert "wrote 2 entries and 5 versions to" in plain.output
    conn = sqlite3.connect(tmp_path / "p.db")
    try:
        assert not conn.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE '%sentences'"
        ).fetchall()
    finally:
        conn.close()
    exists = run("export", "newsedits", "--out", str(out), env=env)
    assert exists.exit_code == 2 and "--force" in exists.output
    missing = run(
        "export", "newsedits", "--out", str(out), "--force", "--outlet", "nobody", env=env
    )
    assert missing.exit_code == 1
    assert "no outlet 'nobody'" in missing.output


def matched(conn: sqlite3.Connection, entry: int, version_x: int) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT sent_idx_x, sent_idx_y, avg_sentence_distance_x, avg_sentence_distance_y "
        "FROM matched_sentences WHERE entry_id = ? AND version_x = ? ORDER BY rowid",
        (entry, version_x),
    ).fetchall()


def test_sentence_tables_follow_the_alignment(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "newsedits.db"
    result = export(database, out)
    assert result == NewsEditsResult(entries=2, versions=5, sentences=12, matches=9)
    conn = sqlite3.connect(out)
    try:
        assert columns(conn, "split_sentences") == [*SPLIT_SENTENCES, "source"]
        assert columns(conn, "matched_sentences") == [*MATCHED_SENTENCES, "source"]
        assert conn.execute(
            "SELECT sent_idx, sentence, source FROM split_sentences "
            "WHERE entry_id = ? AND version = 0 ORDER BY sent_idx",
            (sample.a1,),
        ).fetchall() == [(0, A1_V1[0], "Daily Example"), (1, A1_V1[1], "Daily Example")]
        # v1 -> v2: "Monday" -> "Tuesday" (edited), one sentence kept, one added
        first = matched(conn, sample.a1, 0)
        assert [(x, y) for x, y, *_ in first] == [(0, 0), (1, 1), (None, 2)]
        (_, _, edited_x, edited_y), (_, _, same_x, same_y), (_, _, added_x, added_y) = first
        assert 0 < edited_x == edited_y < 0.5
        assert same_x == same_y == 0.0
        assert added_x is None and added_y is None
        # v2 -> v3: the middle sentence removed
        assert matched(conn, sample.a1, 1) == [
            (0, 0, 0.0, 0.0),
            (1, None, None, None),
            (2, 1, 0.0, 0.0),
        ]
        # how NewsEdits research code finds added sentences: no match on the old side
        added = conn.execute(
            """
            SELECT s.sentence FROM matched_sentences m
            JOIN split_sentences s ON s.entry_id = m.entry_id AND s.version = m.version_y
                                  AND s.sent_idx = m.sent_idx_y
            WHERE m.entry_id = ? AND m.sent_idx_x IS NULL ORDER BY m.version_y
            """,
            (sample.a1,),
        ).fetchall()
        assert added == [("A spokesperson promised full cooperation with the inspectors.",)]
        # markup is data here, not HTML: kept as it is
        assert conn.execute(
            "SELECT count(*) FROM split_sentences WHERE sentence LIKE '<script>%'"
        ).fetchone() == (2,)
        # no matches for a first version
        assert conn.execute(
            "SELECT count(*) FROM matched_sentences WHERE version_x < 0 OR version_y = 0"
        ).fetchone() == (0,)
    finally:
        conn.close()


def test_matches_are_the_analysers_sentence_links(database: Database, tmp_path: Path) -> None:
    """Sentences are counted across the article; a split sentence gives two rows with the same
    sent_idx_x, a moved one keeps its link; every row is one of analyse(...).sentences."""
    from newsdiff.diff import Document
    from newsdiff.diff.edits import analyse
    from newsdiff.diff.sentences import segment
    from tests.export.conftest import T0, H, put_article, put_version

    old = [
        "The mayor resigned on Monday after weeks of pressure from councillors over the budget. "
        "She gave no reason.",
        "Police are investigating.",
    ]
    new = [
        "Police are investigating.",
        "The mayor resigned on Monday. The resignation followed weeks of pressure from "
        "councillors over the budget.",
        "She gave no reason for leaving.",
    ]
    with database.write() as session:
        article = put_article(session, "https://x.example/mayor", None, T0)
        put_version(session, article, 1, T0, "Mayor resigns", old)
        put_version(session, article, 2, T0 + H, "Mayor resigns", new)
        aid = article.id
    out = tmp_path / "one.db"
    assert export(database, out) == NewsEditsResult(1, 2, 7, 4)
    links = analyse(Document("Mayor resigns", old), Document("Mayor resigns", new)).sentences
    conn = sqlite3.connect(out)
    try:
        rows = matched(conn, aid, 0)
        assert rows == [
            (
                None if link.old is None else link.old.index,
                None if link.new is None else link.new.index,
                None if link.old is None or link.new is None else round(1 - link.similarity, 4),
                None if link.old is None or link.new is None else round(1 - link.similarity, 4),
            )
            for link in links
        ]
        assert [link.op for link in links] == ["moved", "split", "split", "edited"]
        assert [(x, y) for x, y, *_ in rows] == [(2, 0), (0, 1), (0, 2), (1, 3)]
        sentences = conn.execute(
            "SELECT version, sent_idx, sentence FROM split_sentences WHERE entry_id = ? "
            "ORDER BY version, sent_idx",
            (aid,),
        ).fetchall()
        expected = [
            (v, s.index, s.text)
            for v, text in enumerate((old, new))
            for s in segment(Document("", text))
        ]
        assert sentences == expected
        assert sentences[1] == (0, 1, "She gave no reason.")  # the 2nd of paragraph 1
    finally:
        conn.close()


def test_without_sentences(database: Database, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "plain.db"
    assert export(database, out, sentences=False) == NewsEditsResult(2, 5, 0, 0)
    conn = sqlite3.connect(out)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"entry", "entryversion"}
    finally:
        conn.close()


@pytest.mark.parametrize("outlet", [None, "Daily Example"])
def test_rows_are_read_by_column_name(
    database: Database,
    sample: Sample,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    outlet: str | None,
) -> None:
    """With the columns of the export's SELECT in reverse order the file holds the same rows."""
    from newsdiff.export import newsedits

    def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        conn = sqlite3.connect(path)
        try:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return {t: sorted(conn.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}
        finally:
            conn.close()

    export(database, tmp_path / "plain.db", outlet)
    build = newsedits._rows_stmt

    def reversed_stmt(outlet_id: int | None) -> Any:
        stmt = build(outlet_id)
        return stmt.with_only_columns(*reversed(stmt.selected_columns))

    monkeypatch.setattr(newsedits, "_rows_stmt", reversed_stmt)
    export(database, tmp_path / "reversed.db", outlet)
    plain = dump(tmp_path / "plain.db")
    assert plain["entryversion"] and plain["split_sentences"]
    assert dump(tmp_path / "reversed.db") == plain
