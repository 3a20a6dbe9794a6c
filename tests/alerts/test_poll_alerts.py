"""End to end: `newsdiff poll` against a local news site sends the alerts through apprise to
real receivers on 127.0.0.1, once each, and finishes even when a receiver hangs; the `alerts`
commands; a bad alert URL at config load."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.alerts.receiver import Receiver, running
from tests.collect.conftest import site  # noqa: F401 (the local news site fixture)
from tests.collect.server import Site, article_html
from tests.test_cli import run

LEAD = (
    "Inspectors are expected to say that Haringey council failed to protect the boy, in a "
    "report to be published on Monday by the three inspectorates."
)
QUOTE = (
    '"This was the worst case I had ever seen," said Heather Brown, a paediatrician who '
    "examined the boy."
)
FIGURES = "The council's children's services handled 12 serious cases last year, the report says."
CLOSE = "The council said it would respond to the findings in full once the report was published."


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running() as r:
        yield r


def _config(tmp_path: Path, db_url: str, alerts: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[database]
url = "{db_url}"

[fetch]
user_agent = "newsdiff-test/1.0"
timeout_s = 5

{alerts}
""",
        encoding="utf-8",
    )
    return path


def _run(config: Path, *args: str) -> Result:
    """``newsdiff ARGS --config CONFIG`` through the real entry point (its exit statuses)."""
    return run(*args, "--config", str(config))


def test_poll_sends_each_change_once_and_finishes_with_a_hanging_receiver(
    site: Site,  # noqa: F811
    receiver: Receiver,
    db_url: str,
    tmp_path: Path,
) -> None:
    with running() as hanging:
        hanging.hang = True
        config = _config(
            tmp_path,
            db_url,
            f"""
[[alerts]]
name = "quotes"
urls = ["{receiver.url("/quotes")}"]
kind = "quote"
change = "removed"

[[alerts]]
name = "everything"
urls = ["{receiver.url("/all")}"]

[[alerts]]
name = "stuck"
urls = ["{hanging.url()}"]
timeout_s = 0.5
""",
        )
        site.set("/news/a", article_html("Council to be criticised", [LEAD, QUOTE, FIGURES, CLOSE]))
        assert _run(config, "track", site.url("/news/a")).exit_code == 0
        first = _run(config, "poll", "--force")
        assert first.exit_code == 0, first.output
        assert "alerts: 0 messages sent" in first.stdout  # a first capture is no change

        site.set(
            "/news/a",
            article_html("Council criticised", [LEAD, FIGURES.replace("12", "15"), CLOSE]),
        )
        second = _run(config, "poll", "--force")
        assert second.exit_code == 0, second.output  # finished, although a receiver hangs
        assert "1 new version" in second.stdout or "new versions" in second.stdout, second.stdout
        assert "alerts: 2 messages sent, 1 failed, 1 pending for the next run" in second.stdout
        assert "alert stuck: json://127.0.0.1" in second.stderr
        assert "no answer within 0.5 s" in second.stderr
        quotes, everything = receiver.texts()
        assert quotes.startswith("[quotes] Council criticised\n")
        assert "quote removed: 'This was the worst case I had ever seen,' (Heather Brown)" in quotes
        assert "number changed: 12 -> 15" in everything
        assert site.url("/news/a") in everything

        # the stuck receiver answers again: its change goes out at the next poll; nothing twice
        hanging.hang = False
        third = _run(config, "poll", "--force", "--json")
        assert third.exit_code == 0, third.output
        data = json.loads(third.stdout)
        sent = {a["name"]: (a["sent"], a["pending"]) for a in data["alerts"]}
        assert sent == {"quotes": (0, 0), "everything": (0, 0), "stuck": (1, 0)}
        assert len(receiver.messages) == 2 and len(hanging.messages) == 1

        listed = _run(config, "alerts", "list")
        assert listed.exit_code == 0, listed.output
        assert "quotes  (since " in listed.stdout and "an edit: quote removed" in listed.stdout
        assert ": 1 sent, 0 in summaries, 0 pending" in listed.stdout


def test_alerts_test_command(receiver: Receiver, sqlite_url: str, tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        sqlite_url,
        f'[[alerts]]\nname = "desk"\nurls = ["{receiver.url()}"]\n\n'
        '[[alerts]]\nname = "down"\nurls = ["json://127.0.0.1:9/nothing-listens"]\ntimeout_s = 1',
    )
    ok = _run(config, "alerts", "test", "desk")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("sent: json://127.0.0.1:")
    (text,) = receiver.texts()
    assert text.startswith("[desk: test] Council criticised")
    down = _run(config, "alerts", "test", "down")
    assert down.exit_code == 1 and "failed: json://127.0.0.1:9" in down.stderr
    unknown = _run(config, "alerts", "test", "nope")
    assert unknown.exit_code == 2 and "no alert named 'nope'" in unknown.output
    assert "'desk', 'down'" in unknown.output


@pytest.mark.parametrize(
    ("alert", "key"),
    [
        ('urls = ["nosuchservice://token@host"]', "alerts[0].urls[0]"),
        ('urls = ["json://ok.example", "slack://not-a-token"]', "alerts[0].urls[1]"),
        ('urls = ["https://example.org/hook"]', "alerts[0].urls[0]"),
        ("urls = []", "alerts[0].urls"),
        ('urls = ["json://h"]\nkind = "rumour"', "alerts[0].kind[0]"),
        ('urls = ["json://h"]\nphrase_in = "added"', "alerts[0].phrase_in"),
        ('urls = ["json://h"]\nmax_per_poll = 0', "alerts[0].max_per_poll"),
        ('urls = ["json://h"]\nwhen = "always"', "alerts[0].when"),
    ],
)
def test_a_bad_alert_exits_2_naming_the_key(
    sqlite_url: str, tmp_path: Path, alert: str, key: str
) -> None:
    config = _config(tmp_path, sqlite_url, f'[[alerts]]\nname = "a"\n{alert}')
    result = _run(config, "alerts", "list")
    assert result.exit_code == 2, result.output
    assert f"{config}: {key}:" in result.output
    assert "token" not in result.output  # the rest of an apprise URL may be a secret


def test_poll_without_alerts_says_nothing_of_them(
    site: Site,  # noqa: F811
    sqlite_url: str,
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, sqlite_url, "")
    site.set("/news/a", article_html("Council to be criticised", [LEAD, QUOTE, FIGURES, CLOSE]))
    _run(config, "track", site.url("/news/a"))
    result = _run(config, "poll", "--force")
    assert result.exit_code == 0 and "alerts" not in result.output


def test_the_example_alert_in_config_example_is_valid() -> None:
    """config.example.toml documents every key of [[alerts]] in a commented-out table: it
    loads once uncommented."""
    import tomllib

    from newsdiff.config import AlertSettings, settings_from_dict

    text = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text("utf-8")
    block = text[text.index("# [[alerts]]") :].splitlines()
    raw = tomllib.loads("\n".join(line[2:] for line in block if line.startswith("# ")))
    (alert,) = settings_from_dict(raw).alerts
    documented = {line[2:].split("=")[0].strip() for line in block if " = " in line}
    assert documented == {f for f in AlertSettings.__dataclass_fields__}
    assert alert.kind == ("quote", "number") and alert.phrase_in == "removed"
