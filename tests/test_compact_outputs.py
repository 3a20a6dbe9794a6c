"""Compact texts change nothing users see (issue 18 item 3): the same archive with its texts in
compact form and in plain form (today's form before issue 18) gives the same exports, views,
search results, typed edits, statistics, diffs, Atom feed, HTML site and TUI panes, on a
generated archive here and on the demo's archive (tests/demo/test_demo.py uses
:func:`same_outputs`)."""

from __future__ import annotations

import filecmp
import os
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from click.testing import CliRunner
from sqlalchemy import text

from newsdiff.cli import main
from newsdiff.store.articles import get_or_create_outlet, track_article
from newsdiff.store.db import Database, migrate
from newsdiff.store.edits import compute_edits
from newsdiff.store.models import Article
from newsdiff.store.observations import Observation, record_observation
from newsdiff.store.textstore import register_sqlite, text_sql
from newsdiff.store.versions import VersionFields, latest_text
from newsdiff.text import normalize_paragraphs
from newsdiff.timeline.browse import article_versions, load_overview, load_pair, with_edits

T0 = datetime(2009, 3, 2, 8, 0, tzinfo=UTC)

# Written for this test: sentences to build articles from, and the edits made to them.
SENTENCES = [
    "The council said on Monday that it would review the decision.",
    'A spokesperson said the report was "deeply troubling" for everyone involved.',
    "Inspectors are expected to publish their findings next week.",
    "Some 12 social workers left the department in the last year.",
    "The minister declined to comment on the case.",
    "Police said an investigation was under way.",
    "Correction: an earlier version of this article gave the wrong date for the hearing.",
    "Residents gathered outside the town hall in the rain.",
]
EDITS = [
    ("are expected to publish", "published"),
    ("12", "15"),
    ('"deeply troubling"', '"troubling"'),
    ("on Monday", "on Tuesday"),
    ("in the rain", "in heavy rain"),
]


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args: tuple[str, ...]) -> None:
    main(list(args))


def run_on(db: Path, *args: str) -> str:
    result = CliRunner().invoke(
        _entry,
        list(args),
        catch_exceptions=False,
        env={"NEWSDIFF_DATABASE_URL": f"sqlite:///{db}", "NEWSDIFF_CONFIG": os.devnull},
    )
    assert result.exit_code == 0, (args, result.output)
    return result.output


def plain_copy(compact: Path, plain: Path) -> None:
    """``compact`` copied to ``plain`` with every text back in the plain form."""
    source, target = sqlite3.connect(compact), sqlite3.connect(plain)
    source.backup(target)
    source.close()
    register_sqlite(target)
    with target:  # deltas first: their full copies must still be there to read them
        for which in ("text_codec IN ('delta', 'zdelta')", "text_codec IS NOT NULL"):
            target.execute(
                f"UPDATE versions SET paragraphs = {text_sql('versions')}, text_codec = NULL, "
                f"text_data = NULL, text_base_id = NULL, text_digest = NULL WHERE {which}"
            )
    forms = target.execute("SELECT count(*) FROM versions WHERE text_codec IS NOT NULL").fetchone()
    assert forms == (0,)
    target.close()


def same_outputs(compact: Path, tmp_path: Path, queries: list[str], article: int) -> None:
    """Every reading command gives the same output on ``compact`` and its plain copy."""
    with sqlite3.connect(compact) as conn:
        compact_rows = conn.execute(
            "SELECT count(*) FROM versions WHERE text_codec IN ('delta', 'zdelta')"
        ).fetchone()
    assert compact_rows[0] > 0  # the archive really holds deltas
    plain = tmp_path / "plain.sqlite"
    plain_copy(compact, plain)
    commands: list[tuple[str, ...]] = [
        ("export", "versions", "--format", "jsonl"),
        ("export", "changes", "--format", "csv"),
        ("export", "edits", "--format", "jsonl"),
        ("edits", "--json"),
        ("stats", "--json"),
        ("stats", "--by", "outlet", "--csv"),
        ("feed",),
        ("versions", str(article)),
        ("diff", str(article), "--format", "json"),
        ("articles",),
    ]
    for query in queries:
        commands += [("search", query, "--json"), ("search", query, "--in", "removed", "--json")]
    for args in commands:
        assert run_on(compact, *args) == run_on(plain, *args), args
    for db, name in ((compact, "c"), (plain, "p")):
        run_on(db, "export", "html", "--out", str(tmp_path / f"site-{name}"))
        run_on(db, "export", "newsedits", "--out", str(tmp_path / f"ne-{name}.sqlite"))
    _same_tree(tmp_path / "site-c", tmp_path / "site-p")
    shown = _tui_data(compact)
    assert len(shown) > 10 and any("council" in str(item) for item in shown)
    assert shown == _tui_data(plain)
    assert _dump(tmp_path / "ne-c.sqlite") == _dump(tmp_path / "ne-p.sqlite")
    views = []
    for db in (compact, plain):  # the views, read as a Python user reads them
        conn = sqlite3.connect(db)
        register_sqlite(conn)
        views.append(
            [
                conn.execute(f"SELECT * FROM {view} ORDER BY 1, 2").fetchall()
                for view in ("version_texts", "latest_versions")
            ]
        )
        conn.close()
    assert views[0] == views[1]


def _tui_data(db: Path) -> list[object]:
    """What the TUI shows, as its data layer gives it: the overview of every article, each
    article's versions pane, and each pair of versions its diff pane shows (with the edits)."""
    database = Database(f"sqlite:///{db}")
    shown: list[object] = []
    try:
        with database.read() as session:
            shown.append(repr(load_overview(session, None, all_articles=True)))
            for (aid,) in session.execute(text("SELECT id FROM articles ORDER BY id")):
                versions = article_versions(session, aid)
                shown.append(repr(versions))
                for item in versions:
                    old = item.number - 1 if item.number > 1 else None
                    shown.append(repr(with_edits(load_pair(session, aid, old, item.number))))
    finally:
        database.dispose()
    return shown


def _same_tree(left: Path, right: Path) -> None:
    names = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(right) for p in right.rglob("*") if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(left, right, [str(n) for n in names], shallow=False)
    assert (mismatch, errors) == ([], [])
    assert len(match) == len(names) > 0


def _dump(path: Path) -> list[object]:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = [(t, conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()) for t in sorted(tables)]
    conn.close()
    return dump


def _generated(path: Path) -> tuple[int, dict[tuple[int, int], str]]:
    """An archive of 3 outlets and 24 articles of 1 to 12 versions with realistic edits, with
    their typed edits; the id of one article with many versions."""
    url = f"sqlite:///{path}"
    migrate(url)
    database = Database(url)
    rng = random.Random(18)
    busiest = 0
    written: dict[tuple[int, int], str] = {}
    try:
        for i in range(24):
            paragraphs = [
                " ".join(rng.sample(SENTENCES, 3)) + f" Paragraph {k} of article {i}."
                for k in range(rng.randint(4, 14))
            ]
            with database.write() as session:
                outlet = get_or_create_outlet(session, f"Outlet {i % 3}")
                article, _ = track_article(
                    session, f"https://news{i % 3}.example/a/{i}", now=T0, outlet=outlet
                )
                aid = article.id
            versions = rng.choice([1, 2, 2, 3, 4, 5, 12])
            if versions == 12:
                busiest = aid
            for n in range(versions):
                if n:
                    k = rng.randrange(len(paragraphs))
                    old, new = rng.choice(EDITS)
                    paragraphs[k] = paragraphs[k].replace(old, new) + f" Update {n}."
                    if rng.random() < 0.3:
                        paragraphs.insert(rng.randrange(len(paragraphs)), f"Added {n} in {i}.")
                _record(database, aid, paragraphs, n)
                written[(aid, n + 1)] = "\n".join(normalize_paragraphs(paragraphs))
    finally:
        database.dispose()
    return busiest, written


def _record(database: Database, aid: int, paragraphs: list[str], n: int) -> None:
    title = f"Article {aid}" + (" updated" if n > 2 else "")
    with database.read() as session:
        previous = latest_text(session, aid)
    edits = compute_edits(previous, title, paragraphs)
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        record_observation(
            session,
            article,
            Observation(
                article_id=aid,
                checked_at=T0 + timedelta(hours=n * 5),
                fields=VersionFields(
                    title=title,
                    paragraphs=tuple(paragraphs),
                    extractor="test",
                    extractor_version="1",
                ),
                edits=edits,
            ),
        )


def test_a_generated_archive_reads_the_same_in_both_forms(tmp_path: Path) -> None:
    compact = tmp_path / "compact.sqlite"
    busiest, written = _generated(compact)
    assert busiest
    same_outputs(compact, tmp_path, ["council", '"are expected to"', "troubling"], busiest)
    # the plain copy holds the texts as they were written (so the two forms compared above
    # are both right, not both wrong), and the compact archive none of them in plain form
    with sqlite3.connect(tmp_path / "plain.sqlite") as conn:
        stored = conn.execute("SELECT article_id, number, paragraphs FROM versions").fetchall()
    assert {(a, n): text for a, n, text in stored} == written
    with sqlite3.connect(compact) as conn:
        assert conn.execute("SELECT count(*) FROM versions WHERE paragraphs != ''").fetchone() == (
            0,
        )
