from __future__ import annotations

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
    assert settings.feeds
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


@pytest.mark.parametrize("text", ["", "15", "m", "-5m", "0m", "15 min", "1y"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


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
