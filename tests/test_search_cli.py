"""`newsdiff search` through the real entry point, on SQLite and PostgreSQL: output, JSON,
escaping of hostile text, filters, and one-line errors with the documented exit status."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import click
import pytest
from click.testing import CliRunner, Result

from newsdiff.cli import main
from newsdiff.store.articles import get_or_create_outlet, track_article
from newsdiff.store.db import Database
from newsdiff.store.models import Article, Coverage, Event, Story
from newsdiff.store.versions import VersionFields, add_version

T0 = datetime(2008, 11, 12, 9, tzinfo=UTC)
LEAD = "Inspectors are expected to say that Haringey council failed to protect the boy."
LEAD_SAID = "Inspectors said that Haringey council failed to protect the boy."
HOSTILE = "Haringey \x1b[31mRED\x1b[0m photo\u202egnp.exe"


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args: tuple[str, ...]) -> None:
    main(list(args))


def _add(database: Database, aid: int, paragraphs: list[str], hours: int, title: str) -> None:
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        add_version(
            session,
            article,
            VersionFields(
                title=title, paragraphs=tuple(paragraphs), extractor="t", extractor_version="1"
            ),
            captured_at=T0 + timedelta(hours=hours),
        )


@pytest.fixture
def archive(database: Database) -> dict[str, int]:
    """Two articles: one from "BBC News" that dropped "are expected to" in v2, linked to the
    story "baby-p"; one with a hostile headline and text, from no outlet."""
    with database.write() as session:
        bbc = get_or_create_outlet(session, "BBC News")
        a, _ = track_article(session, "https://example.org/a", now=T0, outlet=bbc)
        b, _ = track_article(session, "https://example.org/b", now=T0)
        story = Story(slug="baby-p", title="Baby P", keywords=[])
        session.add(story)
        session.flush()
        event = Event(story_id=story.id, slug="report", title="Report", date=date(2008, 11, 12))
        session.add(event)
        session.flush()
        session.add(Coverage(event_id=event.id, article_id=a.id, origin="manual", created_at=T0))
        ids = {"a": a.id, "b": b.id}
    _add(database, ids["a"], [LEAD], 0, "Council criticised")
    _add(database, ids["a"], [LEAD_SAID], 1, "Council criticised")
    _add(database, ids["b"], [HOSTILE + " are expected to"], 2, HOSTILE)
    return ids


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(
        _entry, ["search", *args], env={"NEWSDIFF_DATABASE_URL": db_url}, catch_exceptions=False
    )


def test_results_name_the_article_versions_and_mark_the_matches(
    db_url: str, archive: dict[str, int]
) -> None:
    result = run(db_url, '"are expected to"')
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4  # two lines per article, most recently stored first
    assert lines[0].split()[:3] == [str(archive["b"]), "v1", "of"]
    assert lines[2].split()[:4] == [str(archive["a"]), "v1", "of", "2"]
    assert "BBC News" in lines[2] and "Council criticised" in lines[2]
    assert "Inspectors [are expected to] say" in lines[3]


def test_added_and_removed(db_url: str, archive: dict[str, int]) -> None:
    removed = run(db_url, '"are expected to"', "--in", "removed")
    assert removed.exit_code == 0
    first, second = removed.stdout.splitlines()
    assert first.split()[:3] == [str(archive["a"]), "v2", "removed"]
    assert second.strip().startswith("v1: Inspectors [are expected to]")  # quotes v1
    added = run(db_url, '"inspectors said"', "--in", "added")
    assert added.stdout.splitlines()[0].split()[:3] == [str(archive["a"]), "v2", "added"]
    assert run(db_url, "Inspectors", "--in", "added").stdout == "no versions match\n"
    latest = run(db_url, '"are expected to"', "--in", "latest")
    assert latest.stdout.splitlines()[0].split()[:2] == [str(archive["b"]), "v1"]
    assert len(latest.stdout.splitlines()) == 2


def test_hostile_text_is_shown_escaped(db_url: str, archive: dict[str, int]) -> None:
    result = run(db_url, "photo")
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\u202e" not in result.output
    title, snippet = result.stdout.splitlines()
    # ESC shown as a symbol, the bidi override as an escape: nothing reaches the terminal raw
    assert title.endswith("Haringey \u241b[31mRED\u241b[0m [photo]\\u202egnp.exe")
    assert snippet.strip().startswith("Haringey \u241b[31mRED\u241b[0m [photo]\\u202egnp.exe")


def test_json(db_url: str, archive: dict[str, int]) -> None:
    result = run(db_url, "haringey", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["article_id"] for r in rows] == [archive["b"], archive["a"]]
    a = rows[1]
    assert a["versions"] == [1, 2] and a["version"] == 2 and a["version_count"] == 2
    assert a["outlet"] == "BBC News" and a["url"] == "https://example.org/a"
    assert a["captured_at"] == "2008-11-12T10:00:00+00:00"
    assert [a["snippet"][s:e] for s, e in a["snippet_marks"]] == ["Haringey"]
    assert rows[0]["title"] == HOSTILE  # JSON keeps the text as stored
    removed = json.loads(run(db_url, '"are expected to"', "--in", "removed", "--json").stdout)
    assert removed[0]["previous"] == 1 and removed[0]["snippet_version"] == 1


def test_filters(db_url: str, archive: dict[str, int]) -> None:
    def ids(*args: str) -> list[int]:
        result = run(db_url, "haringey", "--json", *args)
        assert result.exit_code == 0, result.output
        return [r["article_id"] for r in json.loads(result.stdout)]

    assert ids("--outlet", "BBC News") == [archive["a"]]
    assert ids("--story", "baby-p") == [archive["a"]]
    assert ids("--since", "2008-11-12T11:00") == [archive["b"]]
    assert ids("--until", "2008-11-12T10:00") == [archive["a"]]
    assert ids("--kind", "quote") == []


def test_limit_says_there_is_more(db_url: str, archive: dict[str, int]) -> None:
    result = run(db_url, "haringey", "--limit", "1")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    assert "more than 1 results; use --limit" in result.stderr
    assert "note" not in run(db_url, "haringey", "--limit", "2").stderr


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ('"are expected to', "unbalanced quote"),
        ("council)", "unbalanced parenthesis"),
        ("NOT council", "NOT needs something to exclude from"),
        (":^*", "no words to search for"),
        ("x" * 10_000, "at most 1,000"),
        ("a*", "too short"),
    ],
)
def test_a_bad_query_is_one_line_and_exit_2(db_url: str, query: str, says: str) -> None:
    result = run(db_url, query)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "Invalid value for 'QUERY'" in result.stderr and says in result.stderr


def test_other_errors(db_url: str, archive: dict[str, int], tmp_path: object) -> None:
    unknown = run(db_url, "haringey", "--story", "nope")
    assert unknown.exit_code == 1 and "no story 'nope'" in unknown.stderr
    bad_date = run(db_url, "haringey", "--since", "yesterday")
    assert bad_date.exit_code == 2 and "is not a date" in bad_date.stderr
    bad_in = run(db_url, "haringey", "--in", "everywhere")
    assert bad_in.exit_code == 2 and "--in" in bad_in.stderr
    sql = run(db_url, "'; DROP TABLE versions; --")
    assert sql.exit_code == 0 and sql.stdout == "no versions match\n"
    assert run(db_url, "haringey").exit_code == 0  # still there
