from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from newsdiff.cli import main


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args: tuple[str, ...]) -> None:
    main(list(args))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``newsdiff ARGS`` through the real entry point (exit codes included)."""
    return CliRunner().invoke(_entry, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"NEWSDIFF_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}


def test_help_lists_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("init", "db", "track", "articles", "versions"):
        assert command in result.output


def test_init_then_upgrade_is_idempotent(env: dict[str, str]) -> None:
    first = run("init", env=env)
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    again = run("db", "upgrade", env=env)
    assert again.exit_code == 0
    assert "already at schema" in again.output


def test_uninitialised_database_is_one_line_error(env: dict[str, str]) -> None:
    result = run("articles", env=env)
    assert result.exit_code == 1
    assert "newsdiff init" in result.output
    assert "Traceback" not in result.output


def test_track_canonicalises_and_deduplicates(env: dict[str, str]) -> None:
    run("init", env=env)
    first = run("track", "https://Example.org/news/story/?utm_source=rss&utm_medium=x#top", env=env)
    assert first.exit_code == 0, first.output
    assert "https://example.org/news/story" in first.output
    second = run("track", "http://www.example.org/news/story/", env=env)
    assert "already tracked" in second.output
    listed = run("articles", "--json", env=env)
    data = json.loads(listed.output)
    assert [a["url"] for a in data] == ["https://example.org/news/story"]
    assert data[0]["outlet"] == "example.org"


def test_versions_by_url_and_id(env: dict[str, str]) -> None:
    run("init", env=env)
    run("track", "https://example.org/a", "--outlet", "Example News", env=env)
    by_url = run("versions", "https://example.org/a/", "--json", env=env)
    assert by_url.exit_code == 0
    assert json.loads(by_url.output) == []
    by_id = run("versions", "1", env=env)
    assert "no versions yet" in by_id.output
    missing = run("versions", "42", env=env)
    assert missing.exit_code == 1
    assert "no article with id 42" in missing.output


def test_bad_config_exits_2_with_one_line(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\ntimeout = 3\n")
    result = run("articles", "--config", str(bad), env=env)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "fetch.timeout" in lines[0] and str(bad) in lines[0]
    # --config also works before the command name
    before = run("--config", str(bad), "articles", env=env)
    assert before.exit_code == 2


def test_bad_usage_exits_2(env: dict[str, str]) -> None:
    assert run("track", "ftp://example.org/x", env=env).exit_code == 2
    assert run("no-such-command", env=env).exit_code == 2
    assert run("articles", "--limit", "0", env=env).exit_code == 2


def test_untrusted_titles_are_printed_safely(env: dict[str, str]) -> None:
    from newsdiff.text import printable

    assert printable("red \x1b[31mALERT\x1b[0m") == "red \u241b[31mALERT\u241b[0m"
    assert "\x07" not in printable("bell\x07")


def test_version_names_the_diff_engine_and_extractor() -> None:
    result = run("--version")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("newsdiff ")
    assert "diff: native raw diff (fast-diff-match-patch " in lines[1] or "pure" in lines[1]
    assert "trafilatura" in lines[2]


def test_clearer_messages(env: dict[str, str], tmp_path: Path) -> None:
    """Issue 15: a missing file is named as such, not as a bad URL; an unknown outlet lists the
    known ones."""
    run("init", env=env)
    missing = run("diff", str(tmp_path / "missing.txt"), env=env)
    assert missing.exit_code == 2
    assert "no such file" in missing.output and "http(s)" not in missing.output
    run("track", "https://example.org/news/a", "--outlet", "Example News", env=env)
    nope = run("articles", "--outlet", "nope", env=env)
    assert nope.exit_code == 1
    assert "no outlet named 'nope'; known outlets: Example News" in nope.output
    found = run("articles", "--outlet", "example news", env=env)
    assert found.exit_code == 0 and "example.org/news/a" in found.output


def test_poll_warns_while_the_user_agent_is_the_example(
    env: dict[str, str], tmp_path: Path
) -> None:
    run("init", env=env)
    result = run("poll", env=env)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "fetch.user_agent" in line]
    assert len(warnings) == 1 and "example.org/contact" in warnings[0]
    config = tmp_path / "config.toml"
    config.write_text('[fetch]\nuser_agent = "research-bot/1.0 (+mailto:me@uni.example)"\n')
    quiet = run("poll", "--config", str(config), env=env)
    assert quiet.exit_code == 0 and "user_agent" not in quiet.output


def test_example_config_polls_nothing() -> None:
    import tomllib

    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    assert "feeds" not in tomllib.loads(example.read_text(encoding="utf-8"))
