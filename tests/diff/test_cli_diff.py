"""`newsdiff diff`: two text files, or stored versions of an article; and diff_versions()."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from newsdiff.cli import main
from newsdiff.errors import NotFound
from newsdiff.store.articles import track_article
from newsdiff.store.db import Database, migrate
from newsdiff.store.versions import VersionFields, add_version
from newsdiff.timeline.compare import diff_versions

T0 = datetime(2008, 11, 12, 9, 0, tzinfo=UTC)
VERSIONS = [
    ("Council 'improving'", ["Inspectors are expected to say later today that it has improved."]),
    (
        "Council 'much improved'",
        ["Inspectors said on Tuesday that it had improved.", "The report runs to 40 pages."],
    ),
    (
        "Council 'much improved'",
        ["Inspectors said on Tuesday that it had improved.", "The report runs to 42 pages."],
    ),
]


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args: tuple[str, ...]) -> None:
    main(list(args))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(_entry, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text(
        "Council 'improving'\n\nInspectors are expected to say later that it has improved.\n"
        "   \nThe [bold]report[/bold] runs to 40 pages \x1b[31m.\n",
        encoding="utf-8",
    )
    new.write_text(
        "Council 'much improved'\nInspectors say that it has improved.\n"
        "The [bold]report[/bold] runs to 42 pages \x1b[31m.\nA new paragraph.\n",
        encoding="utf-8",
    )
    return str(old), str(new)


@pytest.fixture
def stored(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'diff.sqlite'}"
    migrate(url)
    database = Database(url)
    with database.write() as session:
        article, _ = track_article(session, "https://example.org/news/council", now=T0)
        for n, (title, paragraphs) in enumerate(VERSIONS):
            add_version(
                session,
                article,
                VersionFields(
                    title=title,
                    paragraphs=paragraphs,
                    extractor="test",
                    extractor_version="1",
                ),
                captured_at=T0 + timedelta(hours=n),
            )
    database.dispose()
    return {"NEWSDIFF_DATABASE_URL": url}


def test_two_files_inline(files: tuple[str, str]) -> None:
    result = run("diff", *files, "--format", "inline")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[-are expected to say later-]{+say+}" in out
    assert "[-40-]{+42+}" in out
    assert "{+A new paragraph.+}" in out
    assert "[bold]report[/bold]" in out and "␛[31m" in out and "\x1b" not in out
    # Without --headline the first line is a paragraph like any other.
    assert "Council '[-improving-]{+much improved+}'" in out and "# " not in out


def test_two_files_with_headline_side_by_side(files: tuple[str, str]) -> None:
    result = run("diff", *files, "--headline", "--width", "80")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("'[-improving-]" in line for line in lines)
    assert any("'{+much improved+}'" in line for line in lines)
    assert all(len(line) <= 80 for line in lines[1:])
    assert "\x1b" not in result.output  # not a terminal: no colour


def test_two_files_json(files: tuple[str, str]) -> None:
    result = run("diff", *files, "--headline", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # Where a version's number and capture time would be, the file each side was read from.
    assert data["old"] == {"file": files[0]} and data["new"] == {"file": files[1]}
    assert data["title"]["changed"] is True
    assert [p["kind"] for p in data["paragraphs"]] == ["modified", "modified", "inserted"]
    assert data["stats"]["paragraphs_inserted"] == 1


def test_two_files_html(files: tuple[str, str]) -> None:
    result = run("diff", *files, "--headline", "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!DOCTYPE html>")
    assert "<del>40</del>" in result.output and "<ins>42</ins>" in result.output


def test_ignore_options(tmp_path: Path) -> None:
    old, new = tmp_path / "a.txt", tmp_path / "b.txt"
    old.write_text("The report,  published on Friday.\n", encoding="utf-8")
    new.write_text("The report published on Friday\n", encoding="utf-8")
    plain = run("diff", str(old), str(new), "--format", "json")
    assert json.loads(plain.output)["paragraphs"][0]["kind"] == "modified"
    ignoring = run(
        "diff",
        str(old),
        str(new),
        "--format",
        "json",
        "--ignore-whitespace",
        "--ignore-punctuation",
    )
    assert json.loads(ignoring.output)["paragraphs"][0]["kind"] == "unchanged"


def test_missing_file_is_bad_usage(files: tuple[str, str], tmp_path: Path) -> None:
    result = run("diff", files[0], str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "nope.txt" in result.output and "Traceback" not in result.output


def test_versions_flags_with_files_are_bad_usage(files: tuple[str, str]) -> None:
    result = run("diff", *files, "--from", "1")
    assert result.exit_code == 2


def test_article_default_is_last_two_versions(stored: dict[str, str]) -> None:
    result = run("diff", "1", "--format", "json", env=stored)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["old"]["number"] == 2 and data["new"]["number"] == 3
    assert data["old"]["captured_at"].startswith("2008-11-12T10:00")
    assert data["title"]["changed"] is False
    assert data["stats"]["words_added"] == 1 and data["stats"]["words_removed"] == 1


def test_article_by_url_with_from_and_to(stored: dict[str, str]) -> None:
    result = run("diff", "https://example.org/news/council", "--from", "1", "--to", "2", env=stored)
    assert result.exit_code == 0, result.output
    assert "v1 2008-11-12 09:00 -> v2 2008-11-12 10:00" in result.output
    assert "[-are expected to say later today-]" in result.output
    inline = run("diff", "1", "--from", "1", "--format", "inline", env=stored)
    assert "{+The report runs to 42 pages.+}" in inline.output


def test_unknown_article_or_version_is_one_line(stored: dict[str, str]) -> None:
    missing = run("diff", "99", env=stored)
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert missing.output.count("\n") == 1
    version = run("diff", "1", "--from", "7", env=stored)
    assert version.exit_code == 1 and "version 7" in version.output


def test_diff_versions_library(stored: dict[str, str]) -> None:
    database = Database(stored["NEWSDIFF_DATABASE_URL"])
    try:
        with database.read() as session:
            result, old, new = diff_versions(session, 1)
            assert (old.number, new.number) == (2, 3)
            assert result.stats.paragraphs_modified == 1
            result, old, new = diff_versions(session, 1, to_n=2)
            assert (old.number, new.number) == (1, 2)
            assert result.title_changed
            with pytest.raises(NotFound):
                diff_versions(session, 1, from_n=1, to_n=9)
    finally:
        database.dispose()


def test_single_version_has_nothing_to_compare(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.sqlite'}"
    migrate(url)
    database = Database(url)
    try:
        with database.write() as session:
            article, _ = track_article(session, "https://example.org/one", now=T0)
            add_version(
                session,
                article,
                VersionFields(
                    title="Only",
                    paragraphs=["Just one version."],
                    extractor="test",
                    extractor_version="1",
                ),
                captured_at=T0,
            )
        with database.read() as session, pytest.raises(NotFound, match="only version 1"):
            diff_versions(session, article.id)
    finally:
        database.dispose()


def test_one_file_is_bad_usage(files: tuple[str, str], stored: dict[str, str]) -> None:
    result = run("diff", files[0], env=stored)
    assert result.exit_code == 2
    assert "give two files" in result.output
