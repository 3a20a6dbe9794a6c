"""Configuration: a TOML file turned into typed, validated settings.

Every key has a default, so no file is needed. The file is found at ``--config PATH``, else
``$NEWSDIFF_CONFIG``, else ``<user config dir>/newsdiff/config.toml`` when it exists.
``$NEWSDIFF_DATABASE_URL`` overrides ``[database] url``. Every mistake raises :class:`ConfigError`
with one line naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import platformdirs

from newsdiff.errors import ConfigError

APP_NAME = "newsdiff"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# The longest duration a setting may have: ten years. Longer ones mean nothing for re-checks,
# and could overflow date arithmetic or a 32-bit interval column.
MAX_DURATION = timedelta(days=3650)
# The database backends newsdiff runs on (SQLAlchemy URL schemes, before any "+driver").
DATABASE_SCHEMES = ("sqlite", "postgresql")
# Day counts of [linking]: a century either way.
MAX_DAYS = 36500
# The longest fetch.min_host_delay_s: an hour between two requests to one host.
MAX_HOST_DELAY_S = 3600.0


def parse_duration(value: str | int | float) -> timedelta:
    """Parse ``"15m"``, ``"24h"``, ``"30d"``, ``"90s"``, ``"2w"`` (or a number of seconds).

    Raises :class:`ValueError` for anything else, for a duration that is not positive and for
    one longer than :data:`MAX_DURATION` (ten years)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like '15m', got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"expected a duration like '15m', '24h' or '30d', got {value!r}")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if math.isnan(seconds) or seconds <= 0:
        raise ValueError(f"a duration must be positive, got {value!r}")
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"a duration must be at most {MAX_DURATION.days}d, got {value!r}")
    return timedelta(seconds=seconds)


def data_dir() -> Path:
    """Where newsdiff keeps its database by default (platformdirs' user data dir)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'newsdiff.sqlite'}"


@dataclass(frozen=True)
class DatabaseSettings:
    """``[database]``: where the archive is (SQLite file or PostgreSQL URL)."""

    url: str = field(default_factory=default_database_url)


@dataclass(frozen=True)
class FetchSettings:
    """``[fetch]``: how pages and feeds are fetched (politely)."""

    user_agent: str = "newsdiff/0.1 (+https://example.org/contact)"
    concurrency: int = 8
    per_host_concurrency: int = 2
    timeout_s: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 10
    respect_robots: bool = True
    # the least time between two requests to one host (a robots.txt Crawl-delay may ask more)
    min_host_delay_s: float = 0.0


@dataclass(frozen=True)
class ScheduleSettings:
    """``[schedule]``: when articles are checked again, and when feeds are polled."""

    min_interval: timedelta = timedelta(minutes=15)
    max_interval: timedelta = timedelta(hours=24)
    growth: float = 1.5
    stop_after: timedelta = timedelta(days=30)
    feed_interval: timedelta = timedelta(minutes=10)
    gone_after: int = 2
    min_chars: int = 200


@dataclass(frozen=True)
class FeedSettings:
    """One ``[[feeds]]`` entry: a feed URL and its outlet."""

    url: str
    outlet: str | None = None


@dataclass(frozen=True)
class OutletRules:
    """``[outlets.NAME]``: extraction rules for one outlet's pages."""

    body_selector: str | None = None
    exclude_selectors: tuple[str, ...] = ()
    headline_selector: str | None = None
    drop_paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkingSettings:
    """``[linking]``: how articles are linked to a story's events."""

    days_before: int = 1
    max_days_after: int = 3650
    min_score: float = 0.34


@dataclass(frozen=True)
class ExportSettings:
    """``[export]``: the published site and feeds."""

    base_url: str = "http://localhost:8000/"


@dataclass(frozen=True)
class ArchiveSettings:
    """``[archive]``: the Wayback Machine backfill."""

    cdx_url: str = "https://web.archive.org/cdx/search/cdx"
    replay_url: str = "https://web.archive.org/web/{timestamp}id_/{url}"
    requests_per_minute: int = 20  # CDX queries
    replay_per_second: float = 2.0  # replay fetches
    max_retries: int = 5  # per request, on 429/5xx/timeouts, with exponential backoff


@dataclass(frozen=True)
class TuiSettings:
    """``[tui]``: the terminal UI (``bindings``: binding id -> keys)."""

    bindings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CaptureSettings:
    """Raw captures (WARC) of the responses that became new versions."""

    enabled: bool = True
    dir: str | None = None  # default: captures/ next to a SQLite database, else in the data dir
    # zstd records against earlier ones (newsdiff-*.ndcap); false: plain newsdiff-*.warc.gz
    compact: bool = True


#: what typed edits can be (``newsdiff.diff.edits.KINDS``/``CHANGES``; a test keeps them equal):
#: repeated here so that loading the config never imports the analyser
EDIT_KINDS = (
    "headline",
    "number",
    "quote",
    "source",
    "certainty",
    "correction",
    "trivial",
    "other",
)
EDIT_CHANGES = ("added", "removed", "changed", "firmer", "softer")
PHRASE_IN = ("added", "removed", "any")


@dataclass(frozen=True)
class AlertSettings:
    """One ``[[alerts]]`` table: where to send (apprise URLs) and what to match (every key
    given must hold: AND; ``kind``/``change`` may list several values: OR within the key)."""

    name: str
    urls: tuple[str, ...]
    story: str | None = None  # slug: articles covering an event of the story
    outlet: str | None = None  # outlet name
    kind: tuple[str, ...] = ()  # an edit of one of these kinds ...
    change: tuple[str, ...] = ()  # ... with one of these changes ...
    silent: bool | None = None  # ... silent (true) or owned up to (false)
    phrase: str | None = None  # a phrase (case-insensitive) that appeared/disappeared
    phrase_in: str = "any"  # added / removed / any
    headline: bool = False  # true: only versions whose headline changed
    max_per_poll: int = 10  # messages per URL per run; the rest go in one summary message
    timeout_s: float = 10.0  # each connect and each read of a send

    @property
    def needs_edits(self) -> bool:
        """Does matching depend on typed edits (so an unanalysed version must wait)?"""
        return bool(self.kind or self.change) or self.silent is not None


@dataclass(frozen=True)
class WorkerSettings:
    """``newsdiff worker``: queue workers on PostgreSQL (newsdiff.workers)."""

    concurrency: int = 10  # jobs at once in one worker process (--concurrency)
    tick_s: int = 5  # the scheduler defers what is due this often (1..59 s)
    queue_depth: int = 1000  # at most this many jobs waiting; each tick tops the queue up
    host_wait_s: float = 5.0  # a job waits this long for a busy host, then goes back to the queue
    heartbeat_s: float = 10.0  # each worker says it is alive this often
    stalled_after_s: float = 30.0  # jobs of a worker silent this long are run again
    shutdown_timeout_s: float = 30.0  # on SIGTERM, running jobs get this long, then go back
    reconnect_max_s: float = 30.0  # longest pause between attempts to reach a lost database
    extraction_processes: int = 0  # extraction in threads (0) or this many processes per worker


@dataclass(frozen=True)
class Settings:
    """All settings; every field has a default."""

    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    feeds: tuple[FeedSettings, ...] = ()
    outlets: dict[str, OutletRules] = field(default_factory=dict)
    linking: LinkingSettings = field(default_factory=LinkingSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    tui: TuiSettings = field(default_factory=TuiSettings)
    captures: CaptureSettings = field(default_factory=CaptureSettings)
    workers: WorkerSettings = field(default_factory=WorkerSettings)
    alerts: tuple[AlertSettings, ...] = ()
    source: Path | None = None

    def with_database_url(self, url: str) -> Settings:
        return dataclasses.replace(self, database=DatabaseSettings(url=normalize_database_url(url)))


def database_url_problem(url: str) -> str | None:
    """What is wrong with a database URL (None when nothing): it must be ``sqlite:///PATH`` or
    ``postgresql://...`` (a ``+driver`` is allowed)."""
    if "://" not in url:
        return f"expected a URL like sqlite:///path, got {url!r}"
    backend = url.split("://", 1)[0].split("+", 1)[0].lower()
    if backend not in DATABASE_SCHEMES:
        return (
            f"unsupported database {backend!r}: use sqlite:///PATH or postgresql://USER@HOST/NAME"
        )
    return None


def _header_problem(text: str) -> str | None:
    """Why ``text`` cannot be an HTTP header value (None when it can): printable ASCII only."""
    for ch in text:
        if not " " <= ch <= "~":
            what = "a control character" if ch < " " or ch == "\x7f" else "a non-ASCII character"
            return f"must be printable ASCII (an HTTP header), found {what} {ch!r}"
    return None


def normalize_database_url(url: str) -> str:
    """Expand ``~`` in SQLite URLs and make ``postgresql://`` use psycopg 3."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = url[len("sqlite:///") :]
        if path.startswith("~"):
            return f"sqlite:///{Path(path).expanduser()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class _Invalid(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def _convert(value: Any, tp: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        if value is None:
            return None
        return _convert(value, non_none[0], key)
    if tp is timedelta:
        try:
            return parse_duration(value)
        except (ValueError, TypeError) as exc:
            raise _Invalid(key, str(exc)) from exc
    if tp is bool:
        if not isinstance(value, bool):
            raise _Invalid(key, f"expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(key, f"expected an integer, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Invalid(key, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise _Invalid(key, f"expected a finite number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise _Invalid(key, f"expected a string, got {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise _Invalid(key, f"expected a list, got {value!r}")
        return tuple(_convert(v, args[0], f"{key}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise _Invalid(key, f"expected a table, got {value!r}")
        return {str(k): _convert(v, args[1], f"{key}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _build(tp, value, key)
    raise _Invalid(key, f"unsupported setting type {tp!r}")  # pragma: no cover


def _build(cls: type[Any], raw: Any, prefix: str) -> Any:
    if not isinstance(raw, dict):
        raise _Invalid(prefix, f"expected a table, got {raw!r}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "source"}
    kwargs: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"{prefix}.{name}" if prefix else name
        if name not in fields:
            known = ", ".join(sorted(fields))
            what = "section" if isinstance(value, dict) and not prefix else "key"
            raise _Invalid(key, f"unknown {what} (known: {known})")
        kwargs[name] = _convert(value, hints[name], key)
    missing = [
        n
        for n, f in fields.items()
        if n not in kwargs
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise _Invalid(f"{prefix}.{missing[0]}" if prefix else missing[0], "is required")
    return cls(**kwargs)


def _validate_selectors(name: str, rules: OutletRules) -> None:
    from cssselect import GenericTranslator, SelectorError

    selectors = [
        ("body_selector", rules.body_selector),
        ("headline_selector", rules.headline_selector),
    ]
    selectors += [(f"exclude_selectors[{j}]", css) for j, css in enumerate(rules.exclude_selectors)]
    for key, css in selectors:
        try:
            if css is not None:
                GenericTranslator().css_to_xpath(css)
        except SelectorError as exc:
            raise _Invalid(f"outlets.{name}.{key}", f"bad CSS selector: {exc}") from exc


def _worker_checks(w: WorkerSettings) -> list[tuple[bool, str, str]]:
    hour = 3600.0
    return [
        (1 <= w.concurrency <= 1000, "workers.concurrency", "must be between 1 and 1000"),
        (1 <= w.tick_s <= 59, "workers.tick_s", "must be between 1 and 59 (seconds)"),
        (1 <= w.queue_depth <= 1_000_000, "workers.queue_depth", "must be between 1 and 1000000"),
        (0 <= w.host_wait_s <= hour, "workers.host_wait_s", "must be between 0 and 3600"),
        (0 < w.heartbeat_s <= hour, "workers.heartbeat_s", "must be between 0 and 3600"),
        (
            2 * w.heartbeat_s <= w.stalled_after_s <= 24 * hour,
            "workers.stalled_after_s",
            "must be at least twice workers.heartbeat_s (and at most a day)",
        ),
        (
            0 <= w.shutdown_timeout_s <= hour,
            "workers.shutdown_timeout_s",
            "must be between 0 and 3600",
        ),
        (0 < w.reconnect_max_s <= hour, "workers.reconnect_max_s", "must be between 0 and 3600"),
        (
            0 <= w.extraction_processes <= 64,
            "workers.extraction_processes",
            "must be between 0 and 64",
        ),
    ]


def _validate(settings: Settings) -> None:
    s, f = settings.schedule, settings.fetch
    checks: list[tuple[bool, str, str]] = [
        (s.growth >= 1.0, "schedule.growth", "must be at least 1.0"),
        (s.min_interval <= s.max_interval, "schedule.min_interval", "must not exceed max_interval"),
        (s.gone_after >= 1, "schedule.gone_after", "must be at least 1"),
        (f.concurrency >= 1, "fetch.concurrency", "must be at least 1"),
        (f.per_host_concurrency >= 1, "fetch.per_host_concurrency", "must be at least 1"),
        (f.timeout_s > 0, "fetch.timeout_s", "must be positive"),
        (f.max_bytes > 0, "fetch.max_bytes", "must be positive"),
        (f.max_redirects >= 0, "fetch.max_redirects", "must not be negative"),
        (
            0 <= f.min_host_delay_s <= MAX_HOST_DELAY_S,
            "fetch.min_host_delay_s",
            f"must be between 0 and {MAX_HOST_DELAY_S:g}",
        ),
        (bool(f.user_agent.strip()), "fetch.user_agent", "must not be empty"),
        (
            _header_problem(f.user_agent) is None,
            "fetch.user_agent",
            _header_problem(f.user_agent) or "",
        ),
        (
            0 <= settings.linking.days_before <= MAX_DAYS,
            "linking.days_before",
            f"must be between 0 and {MAX_DAYS}",
        ),
        (
            0 <= settings.linking.max_days_after <= MAX_DAYS,
            "linking.max_days_after",
            f"must be between 0 and {MAX_DAYS}",
        ),
        (
            settings.export.base_url.startswith(("http://", "https://")),
            "export.base_url",
            f"expected an http(s) URL, got {settings.export.base_url!r}",
        ),
        (settings.archive.requests_per_minute >= 1, "archive.requests_per_minute", "must be >= 1"),
        (settings.archive.replay_per_second > 0, "archive.replay_per_second", "must be positive"),
        (settings.archive.max_retries >= 0, "archive.max_retries", "must not be negative"),
        (settings.captures.dir != "", "captures.dir", "must not be empty"),
        (
            "{timestamp}" in settings.archive.replay_url and "{url}" in settings.archive.replay_url,
            "archive.replay_url",
            "must contain {timestamp} and {url}",
        ),
    ]
    checks += _worker_checks(settings.workers)
    for ok, key, message in checks:
        if not ok:
            raise _Invalid(key, message)
    for i, feed in enumerate(settings.feeds):
        if not feed.url.startswith(("http://", "https://")):
            raise _Invalid(f"feeds[{i}].url", f"expected an http(s) URL, got {feed.url!r}")
    for name, rules in settings.outlets.items():
        for j, pattern in enumerate(rules.drop_paragraphs):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _Invalid(f"outlets.{name}.drop_paragraphs[{j}]", f"bad regex: {exc}") from exc
        _validate_selectors(name, rules)
    problem = database_url_problem(settings.database.url)
    if problem:
        raise _Invalid("database.url", problem)
    _validate_alerts(settings.alerts)


def alert_url_problem(url: str) -> str | None:
    """Why apprise cannot send to ``url`` (None when it can): not a URL, a scheme apprise does
    not know, or arguments its service refuses. Only the scheme is quoted: the rest of an
    apprise URL often holds a token or a password."""
    import warnings

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if not scheme or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return "expected an apprise URL like json://host/path or mailto://user:pass@host"
    with warnings.catch_warnings():
        # apprise loads its plugins on first use; one of them imports the deprecated imghdr
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
            hint = ""
            if scheme.lower() in ("http", "https"):
                hint = "; for a webhook, use json:// or jsons:// (form://, xml:// ...)"
            return (
                f"apprise cannot use this {scheme}:// URL (unknown service or bad arguments{hint})"
            )
    return None


def _validate_alerts(alerts: tuple[AlertSettings, ...]) -> None:
    names: set[str] = set()
    for i, alert in enumerate(alerts):
        key = f"alerts[{i}]"
        checks: list[tuple[bool, str, str]] = [
            (bool(alert.name.strip()), "name", "must not be empty"),
            (printable_problem(alert.name) is None, "name", printable_problem(alert.name) or ""),
            (alert.name not in names, "name", f"{alert.name!r} is the name of an earlier alert"),
            (bool(alert.urls), "urls", "must list at least one apprise URL"),
            (alert.story is None or bool(alert.story.strip()), "story", "must not be empty"),
            (alert.outlet is None or bool(alert.outlet.strip()), "outlet", "must not be empty"),
            (alert.phrase is None or bool(alert.phrase.strip()), "phrase", "must not be empty"),
            (
                alert.phrase_in in PHRASE_IN,
                "phrase_in",
                f"expected one of {', '.join(PHRASE_IN)}, got {alert.phrase_in!r}",
            ),
            (
                alert.phrase is not None or alert.phrase_in == "any",
                "phrase_in",
                "needs a phrase",
            ),
            (1 <= alert.max_per_poll <= 1000, "max_per_poll", "must be between 1 and 1000"),
            (0 < alert.timeout_s <= 300, "timeout_s", "must be more than 0 and at most 300"),
        ]
        for j, kind in enumerate(alert.kind):
            checks.append(
                (kind in EDIT_KINDS, f"kind[{j}]", f"expected one of {', '.join(EDIT_KINDS)}")
            )
        for j, change in enumerate(alert.change):
            known = ", ".join(EDIT_CHANGES)
            checks.append((change in EDIT_CHANGES, f"change[{j}]", f"expected one of {known}"))
        for ok, name, message in checks:
            if not ok:
                raise _Invalid(f"{key}.{name}", message)
        for j, url in enumerate(alert.urls):
            problem = alert_url_problem(url)
            if problem:
                raise _Invalid(f"{key}.urls[{j}]", problem)
        names.add(alert.name)


def printable_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name shown in messages (None when it can): no control
    characters."""
    for ch in text:
        if ch < " " or "\x7f" <= ch <= "\x9f":
            return f"must not contain control characters, found {ch!r}"
    return None


def _alert_lists(raw: dict[str, Any]) -> dict[str, Any]:
    """``kind = "quote"`` is ``kind = ["quote"]`` (and so for ``change``)."""
    alerts = raw.get("alerts")
    if not isinstance(alerts, list):
        return raw
    fixed = []
    for table in alerts:
        if isinstance(table, dict):
            table = {
                k: [v] if k in ("kind", "change") and isinstance(v, str) else v
                for k, v in table.items()
            }
        fixed.append(table)
    return {**raw, "alerts": fixed}


def settings_from_dict(raw: dict[str, Any], source: str = "<config>") -> Settings:
    """Build validated settings from a parsed TOML document."""
    try:
        settings: Settings = _build(Settings, _alert_lists(raw), "")
        settings = dataclasses.replace(
            settings, database=DatabaseSettings(url=normalize_database_url(settings.database.url))
        )
        _validate(settings)
    except _Invalid as exc:
        raise ConfigError(f"{source}: {exc.key}: {exc.message}") from None
    return settings


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Load settings from ``path``, ``$NEWSDIFF_CONFIG`` or the default location (if present)."""
    explicit = path is not None or bool(os.environ.get("NEWSDIFF_CONFIG"))
    chosen = Path(
        path if path is not None else os.environ.get("NEWSDIFF_CONFIG") or default_config_path()
    )
    chosen = chosen.expanduser()
    raw: dict[str, Any] = {}
    if chosen.exists() or explicit:
        try:
            text = chosen.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{chosen}: config file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{chosen}: cannot read config file: {exc}") from None
        # Spaces, tabs and line feeds alone are an empty document: tomllib (a few
        # milliseconds to import, before the TUI's first frame) is loaded only for a file
        # with something in it.
        if text.strip(" \t\n"):
            import tomllib

            try:
                raw = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{chosen}: not valid TOML: {exc}") from None
    settings = settings_from_dict(raw, str(chosen))
    settings = dataclasses.replace(settings, source=chosen if raw or explicit else None)
    env_url = os.environ.get("NEWSDIFF_DATABASE_URL")
    if env_url:
        problem = database_url_problem(normalize_database_url(env_url))
        if problem:
            raise ConfigError(f"$NEWSDIFF_DATABASE_URL: {problem}")
        settings = settings.with_database_url(env_url)
    return settings
