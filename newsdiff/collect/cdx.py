"""The shapes of a web archive's answers: capture timestamps, CDX rows, replay URLs.

Pure parsing, no I/O (the client that asks is :mod:`newsdiff.collect.archive`). CDX answers come
in two shapes, both read here: the Wayback Machine's array of rows (header row first, ``[]`` then
``[resume key]`` at the end) and pywb's one JSON object a line. A malformed line is skipped and
counted, never fatal. Replay URLs follow a template such as
``https://web.archive.org/web/{timestamp}id_/{url}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsdiff.collect.http import HTML_TYPES, parse_http_date
from newsdiff.errors import ConfigError

CDX_FIELDS = ("timestamp", "original", "statuscode", "digest", "mimetype")
# pywb's JSON lines name some fields differently
_ALIASES = {"url": "original", "status": "statuscode", "mime": "mimetype"}


# -- timestamps and dates ------------------------------------------------------------------------


def parse_timestamp(ts: str) -> datetime:
    """A CDX timestamp (``YYYYMMDDhhmmss``, or a shorter prefix) as an aware UTC datetime."""
    if not ts.isdigit() or not 4 <= len(ts) <= 14 or len(ts) % 2:
        raise ValueError(f"not a CDX timestamp: {ts!r}")
    full = ts + "0101000000"[len(ts) - 4 :] if len(ts) < 14 else ts
    return datetime.strptime(full, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def format_timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def full_timestamp(ts: str) -> str:
    """A (valid) timestamp widened to 14 digits."""
    return ts if len(ts) == 14 else format_timestamp(parse_timestamp(ts))


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?)?)?$")


def archive_date(value: str) -> str:
    """A date for ``--from``/``--to`` as the CDX wants it: ``2008``, ``2008-11``, ``2008-11-12``,
    ``2008-11-12T09:30`` or a digit timestamp become ``2008``, ``200811``, ``20081112`` ...
    (the archive widens a prefix to the whole period). Raises :class:`ConfigError`."""
    raw = value.strip()
    if raw.isdigit() and 4 <= len(raw) <= 14 and len(raw) % 2 == 0:
        digits = raw
    else:
        match = _DATE.match(raw)
        if not match:
            raise ConfigError(
                f"expected a date like 2008, 2008-11, 2008-11-12 or 2008-11-12T09:30, got {value!r}"
            )
        digits = "".join(g for g in match.groups() if g)
    try:
        parse_timestamp(digits)
    except ValueError:
        raise ConfigError(f"not a valid date: {value!r}") from None
    return digits


# -- captures and CDX answers --------------------------------------------------------------------


@dataclass(frozen=True)
class Capture:
    """One capture listed by the CDX index."""

    timestamp: str  # 14 digits
    original: str
    statuscode: str = "200"
    digest: str = ""
    mimetype: str = ""

    @property
    def captured_at(self) -> datetime:
        return parse_timestamp(self.timestamp)

    @property
    def source(self) -> str:
        """How checks and versions taken from this capture are marked."""
        return f"archive:{self.timestamp}"

    @property
    def is_html(self) -> bool:
        mime = self.mimetype.lower()
        return not mime or mime == "unk" or mime.startswith(HTML_TYPES)


@dataclass
class CdxPage:
    captures: list[Capture]
    resume_key: str | None = None
    malformed: int = 0


def _capture_from(values: dict[str, Any]) -> Capture | None:
    ts = str(values.get("timestamp") or "")
    original = str(values.get("original") or "")
    if not original.startswith(("http://", "https://")):
        return None
    try:
        parse_timestamp(ts)
    except ValueError:
        return None
    return Capture(
        timestamp=full_timestamp(ts),
        original=original,
        statuscode=str(values.get("statuscode") or ""),
        digest=str(values.get("digest") or ""),
        mimetype=str(values.get("mimetype") or ""),
    )


def _row(item: Any, header: tuple[str, ...]) -> Capture | None:
    if isinstance(item, dict):
        return _capture_from({_ALIASES.get(str(k), str(k)): v for k, v in item.items()})
    if isinstance(item, list) and len(item) == len(header):
        if not all(isinstance(v, str) for v in item):
            return None
        return _capture_from(dict(zip(header, item, strict=True)))
    return None


def _is_header(item: Any) -> bool:
    return (
        isinstance(item, list)
        and bool(item)
        and all(isinstance(v, str) for v in item)
        and "timestamp" in item
        and ("original" in item or "url" in item)
    )


def parse_cdx(body: bytes) -> CdxPage:
    """Read one CDX answer (Wayback's JSON rows or pywb's JSON lines). Malformed lines are skipped
    and counted; a resume key is returned when the answer carries one."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return CdxPage([])
    try:
        items: list[Any] | None = json.loads(text)
        if not isinstance(items, list):
            items = None
    except json.JSONDecodeError:
        items = None
    malformed = 0
    if items is None:  # JSON lines, or rows of which some are broken: read line by line
        items = []
        for line in text.splitlines():
            line = line.strip().rstrip(",")
            if line.startswith("[["):
                line = line[1:]
            if line.endswith("]]"):
                line = line[:-1]
            if not line or line in ("[", "]"):
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                malformed += 1
    header: tuple[str, ...] = CDX_FIELDS
    if items and _is_header(items[0]):
        header = tuple(_ALIASES.get(h, h) for h in items[0])
        items = items[1:]
    resume: str | None = None
    if len(items) >= 2 and items[-2] == [] and isinstance(items[-1], list) and len(items[-1]) == 1:
        resume = str(items[-1][0]) or None
        items = items[:-2]
    captures: list[Capture] = []
    for item in items:
        if item == []:
            continue
        capture = _row(item, header)
        if capture is None:
            malformed += 1
        else:
            captures.append(capture)
    return CdxPage(captures, resume, malformed)


@dataclass
class CaptureList:
    """The captures of one URL, oldest first, and how many CDX lines were unreadable."""

    captures: list[Capture]
    malformed: int = 0


@dataclass
class Discovery:
    """URLs found under a prefix (each with its first capture), and what the limit left out."""

    captures: list[Capture]
    over_limit: int = 0  # URLs seen beyond the limit
    more: bool = False  # the listing was not read to its end
    malformed: int = 0


@dataclass(frozen=True)
class Replay:
    """A capture's bytes as archived."""

    capture: Capture
    body: bytes
    status: int
    replay_url: str  # the final replay URL
    original_url: str  # the archived URL the body belongs to
    timestamp: str  # the capture actually served (the archive may redirect to a nearer one)
    content_type: str = ""
    charset: str | None = None
    redirects: tuple[str, ...] = ()
    duration_ms: int = 0

    @property
    def captured_at(self) -> datetime:
        return parse_timestamp(self.timestamp)

    @property
    def redirected(self) -> bool:
        return bool(self.redirects)


# -- replay URLs ---------------------------------------------------------------------------------


def replay_url(template: str, timestamp: str, url: str) -> str:
    return template.replace("{timestamp}", timestamp).replace("{url}", url)


def _replay_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{timestamp\}|\{url\})", template)
    regex = "".join(
        r"(?P<ts>\d{4,14})"
        if p == "{timestamp}"
        else r"(?P<url>.+)"
        if p == "{url}"
        else re.escape(p)
        for p in parts
    )
    return re.compile("^" + regex + "$")


def parse_replay_url(template: str, url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a replay URL built from ``template``, else None."""
    match = _replay_pattern(template).match(url)
    if match is None:
        return None
    original = match.group("url")
    # some archives squash "http://" to "http:/" in the path
    original = re.sub(r"^(https?):/(?!/)", r"\1://", original)
    return match.group("ts"), original


def memento_timestamp(headers: dict[str, str] | Any) -> str | None:
    """The capture a replay served, from its ``Memento-Datetime`` header."""
    when = parse_http_date(headers.get("memento-datetime"))
    return format_timestamp(when) if when is not None else None
