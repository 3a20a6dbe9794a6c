from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from newsdiff.config import load_settings, parse_duration
from newsdiff.errors import ConfigError


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.source is None
    assert settings.database.url.startswith("sqlite:///")
    assert settings.database.url.endswith("newsdiff.sqlite")
    assert str(tmp_path / "xdg-data") in settings.database.url
    assert settings.schedule.min_interval == timedelta(minutes=15)
    assert settings.fetch.respect_robots is True


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings(example)
    assert settings.feeds == ()  # polls no real outlet until the user chooses (issue 15)
    assert settings.schedule.stop_after == timedelta(days=30)


def test_full_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[database]
url = "sqlite:///~/nd.sqlite"
[fetch]
per_host_concurrency = 1
timeout_s = 5
[schedule]
min_interval = "10m"
growth = 2
[[feeds]]
url = "https://example.org/rss"
outlet = "Example"
[outlets."Example"]
drop_paragraphs = ["^Share this"]
""",
    )
    settings = load_settings(path)
    assert settings.database.url == f"sqlite:///{Path.home() / 'nd.sqlite'}"
    assert settings.fetch.timeout_s == 5.0
    assert settings.schedule.growth == 2.0
    assert settings.feeds[0].outlet == "Example"
    assert settings.outlets["Example"].drop_paragraphs == ("^Share this",)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[fetchh]\nx = 1", "fetchh: unknown section"),
        ("[fetch]\ntimeout = 3", "fetch.timeout: unknown key"),
        ("[fetch]\ntimeout_s = 'soon'", "fetch.timeout_s: expected a number"),
        ("[fetch]\nper_host_concurrency = 1.5", "fetch.per_host_concurrency: expected an integer"),
        ("[fetch]\nrespect_robots = 'yes'", "fetch.respect_robots: expected true or false"),
        ("[schedule]\nmin_interval = '15 minutes'", "schedule.min_interval: expected a duration"),
        ("[schedule]\nmin_interval = '2d'\nmax_interval = '1d'", "schedule.min_interval: must not"),
        ("[schedule]\ngrowth = 0.5", "schedule.growth: must be at least 1.0"),
        ("[[feeds]]\noutlet = 'X'", "feeds[0].url: is required"),
        ("[[feeds]]\nurl = 'ftp://x'", "feeds[0].url: expected an http(s) URL"),
        ("[outlets.X]\ndrop_paragraphs = ['(']", "outlets.X.drop_paragraphs[0]: bad regex"),
        ("[database]\nurl = 'nonsense'", "database.url: expected a URL"),
        ("this is = = not toml", "not valid TOML"),
        # values that used to pass the load and fail later, some with a traceback
        ("[fetch]\nuser_agent = 'caf\u00e9 bot'", "fetch.user_agent: must be printable ASCII"),
        ('[fetch]\nuser_agent = "a\\nb"', "fetch.user_agent: must be printable ASCII"),
        ('[fetch]\nuser_agent = "a\\u0007b"', "fetch.user_agent: must be printable ASCII"),
        ('[fetch]\nuser_agent = "a\\tb"', "fetch.user_agent: must be printable ASCII"),
        ("[schedule]\nmax_interval = '99999999999999d'", "schedule.max_interval: a duration must"),
        ("[schedule]\nstop_after = '9999999999999999999999w'", "schedule.stop_after: a duration"),
        ("[schedule]\nmin_interval = 1e300", "schedule.min_interval: a duration must be at most"),
        ("[schedule]\nmax_interval = '3651d'", "schedule.max_interval: a duration must be at most"),
        ("[schedule]\nfeed_interval = nan", "schedule.feed_interval: a duration must be positive"),
        ("[schedule]\nmin_interval = inf", "schedule.min_interval: a duration must be at most"),
        ("[fetch]\ntimeout_s = inf", "fetch.timeout_s: expected a finite number"),
        ("[fetch]\ntimeout_s = nan", "fetch.timeout_s: expected a finite number"),
        ("[fetch]\ntimeout_s = -1", "fetch.timeout_s: must be positive"),
        ("[fetch]\ntimeout_s = -inf", "fetch.timeout_s: expected a finite number"),
        ("[schedule]\ngrowth = inf", "schedule.growth: expected a finite number"),
        ("[linking]\nmin_score = nan", "linking.min_score: expected a finite number"),
        ("[archive]\nreplay_per_second = inf", "archive.replay_per_second: expected a finite"),
        ("[linking]\ndays_before = 99999999999999", "linking.days_before: must be between"),
        ("[linking]\nmax_days_after = -1", "linking.max_days_after: must be between"),
        ("[export]\nbase_url = 'example.org'", "export.base_url: expected an http(s) URL"),
        ("[database]\nurl = 'mysqlx://u@h/db'", "database.url: unsupported database 'mysqlx'"),
        ("[database]\nurl = 'foo://x'", "database.url: unsupported database 'foo'"),
    ],
)
def test_each_mistake_names_file_and_key(tmp_path: Path, body: str, key: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert key in message
    assert "\n" not in message


def test_missing_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read|not valid TOML"):
        load_settings(binary)


@pytest.mark.parametrize("text", ["", "\n", " \t\n\n  "], ids=["empty", "newline", "blank"])
def test_a_blank_file_is_an_empty_document(tmp_path: Path, text: str) -> None:
    """Spaces, tabs and line feeds alone (not parsed: tomllib is loaded only for a file with
    something in it) give what an empty TOML document gives."""
    path = tmp_path / "blank.toml"
    path.write_bytes(text.encode())
    blank, commented = load_settings(path), load_settings(_write(tmp_path, "# nothing set"))
    assert blank.source == path
    assert replace(blank, source=None) == replace(commented, source=None)


@pytest.mark.parametrize("text", ["\x0b", "\x0c", "\u00a0", "\u2028"])
def test_other_blank_characters_are_still_read_as_toml(tmp_path: Path, text: str) -> None:
    """Characters that str.strip() would take for blanks are not TOML whitespace."""
    path = tmp_path / "odd.toml"
    path.write_bytes(text.encode())
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path)


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "[fetch]\ntimeout_s = 7")
    monkeypatch.setenv("NEWSDIFF_CONFIG", str(path))
    monkeypatch.setenv("NEWSDIFF_DATABASE_URL", "postgresql://u@h/db")
    settings = load_settings()
    assert settings.fetch.timeout_s == 7
    assert settings.database.url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("24h", timedelta(hours=24)),
        ("30d", timedelta(days=30)),
        ("90s", timedelta(seconds=90)),
        ("1.5h", timedelta(minutes=90)),
        ("2w", timedelta(days=14)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "15", "m", "-5m", "0m", "15 min", "1y", "99999999999999d", "3651d", "522w"]
)
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e300, -1.0, 10**30])
def test_bad_numeric_durations(value: float) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


def test_longest_duration_is_ten_years() -> None:
    assert parse_duration("3650d") == timedelta(days=3650)


@pytest.mark.parametrize("url", ["mysqlx://u@h/db", "foo://x", "nonsense"])
def test_bad_database_url_in_environment(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("NEWSDIFF_DATABASE_URL", url)
    with pytest.raises(ConfigError, match=r"^\$NEWSDIFF_DATABASE_URL: "):
        load_settings()


@pytest.mark.parametrize(
    "url",
    ["sqlite:///x.sqlite", "sqlite+pysqlite:///x", "postgres://u@h/d", "postgresql+psycopg://h/d"],
)
def test_supported_database_urls(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("NEWSDIFF_DATABASE_URL", url)
    assert load_settings().database.url.split("://")[0] in (
        "sqlite",
        "sqlite+pysqlite",
        "postgresql+psycopg",
    )


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('[fetch]\nuser_agent = "newsdiff\\r\\nX-Injected: 1"', "fetch.user_agent"),
        ("[schedule]\nmax_interval = '99999999999999d'", "schedule.max_interval"),
        ("[fetch]\ntimeout_s = nan", "fetch.timeout_s"),
        ("[database]\nurl = 'mysqlx://u@h/db'", "database.url"),
    ],
)
def test_bad_values_exit_2_at_load(tmp_path: Path, body: str, key: str) -> None:
    from tests.test_cli import run

    path = _write(tmp_path, body)
    for args in (("articles",), ("init",), ("db", "upgrade"), ("poll",)):
        result = run(*args, "--config", str(path))
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1, result.output
        assert key in lines[0] and str(path) in lines[0]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[captures]\nenable = false", "captures.enable: unknown key"),
        ("[captures]\nenabled = 'no'", "captures.enabled: expected true or false"),
        ("[captures]\ndir = 3", "captures.dir: expected a string"),
        ("[captures]\ndir = ''", "captures.dir: must not be empty"),
    ],
)
def test_bad_captures_section_exits_2(tmp_path: Path, body: str, key: str) -> None:
    from tests.test_cli import run

    path = _write(tmp_path, body)
    result = run("extract", "--version", "1", "--config", str(path))
    assert result.exit_code == 2
    assert key in result.output and "Traceback" not in result.output


def test_captures_dir_defaults(tmp_path: Path) -> None:
    from newsdiff.collect.warc import capture_dir
    from newsdiff.config import settings_from_dict

    sqlite = settings_from_dict({"database": {"url": f"sqlite:///{tmp_path / 'db' / 'n.sqlite'}"}})
    assert capture_dir(sqlite) == tmp_path / "db" / "captures"
    pg = settings_from_dict({"database": {"url": "postgresql://u@h/db"}})
    assert capture_dir(pg) == tmp_path / "xdg-data" / "newsdiff" / "captures"
    chosen = settings_from_dict({"captures": {"dir": "~/warcs"}})
    assert capture_dir(chosen) == Path.home() / "warcs"
    assert capture_dir(settings_from_dict({"captures": {"enabled": False}})) is None
