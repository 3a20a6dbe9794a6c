"""The demo site's content: outlets, articles with their versions per round, and the rounds.

The text lives in ``articles.toml`` next to this module (see its header for the format); this
module loads and checks it into frozen dataclasses. A mistake in the file raises
:class:`~newsdiff.errors.ConfigError` naming the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from newsdiff.errors import ConfigError

TEMPLATES = ("ledger", "lamp", "chronicle")


@dataclass(frozen=True)
class Round:
    """One poll of the demo: the injected time it happens at."""

    at: datetime
    note: str = ""
    template_only: bool = False


@dataclass(frozen=True)
class MostRead:
    from_round: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class DemoOutlet:
    key: str
    name: str
    template: str
    tagline: str
    sections: tuple[str, ...]
    most_read: tuple[MostRead, ...]
    evergreen: tuple[str, ...] = ()

    def most_read_at(self, round_no: int) -> tuple[str, ...]:
        """The most-read list shown in round ``round_no``."""
        current: tuple[str, ...] = ()
        for entry in self.most_read:
            if entry.from_round <= round_no:
                current = entry.items
        return current


@dataclass(frozen=True)
class Text:
    """What an article says from ``round`` on."""

    round: int
    headline: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Syndication:
    """The article is listed in ``outlet``'s feed from ``from_round`` on, under ``?query``."""

    outlet: str
    from_round: int
    query: str


@dataclass(frozen=True)
class DemoArticle:
    key: str
    outlet: str
    path: str  # below the outlet's prefix, e.g. "news/2008/nov/30/slug"
    published: datetime
    byline: str
    role: str
    section: str
    versions: tuple[Text, ...]
    also_in: tuple[Syndication, ...] = ()
    about_story: bool = True

    @property
    def first_round(self) -> int:
        return self.versions[0].round

    def text_at(self, round_no: int) -> Text | None:
        """The version shown in round ``round_no`` (``None`` before the article exists)."""
        current = None
        for version in self.versions:
            if version.round <= round_no:
                current = version
        return current

    def version_number_at(self, round_no: int) -> int:
        """How many distinct versions have been shown by round ``round_no``."""
        return sum(1 for v in self.versions if v.round <= round_no)


@dataclass(frozen=True)
class DemoContent:
    rounds: tuple[Round, ...]
    outlets: tuple[DemoOutlet, ...]
    articles: tuple[DemoArticle, ...]

    def outlet(self, key: str) -> DemoOutlet:
        for outlet in self.outlets:
            if outlet.key == key:
                return outlet
        raise KeyError(key)

    def article(self, key: str) -> DemoArticle:
        for article in self.articles:
            if article.key == key:
                return article
        raise KeyError(key)


def _req(table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}.{key}: is required")
    value = table[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"{where}.{key}: unexpected value {value!r}")
    return value


def _aware(value: datetime, where: str) -> datetime:
    if value.tzinfo is None:
        raise ConfigError(f"{where}: give a UTC time such as 2008-12-01T10:00:00Z")
    return value.astimezone(UTC)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _article(raw: dict[str, Any], where: str, outlets: set[str], rounds: int) -> DemoArticle:
    key = _req(raw, "key", str, where)
    outlet = _req(raw, "outlet", str, where)
    if outlet not in outlets:
        raise ConfigError(f"{where}.outlet: unknown outlet {outlet!r}")
    paragraphs = _req(raw, "paragraphs", dict, where)
    versions: list[Text] = []
    for j, v in enumerate(_req(raw, "versions", list, where)):
        vwhere = f"{where}.versions[{j}]"
        round_no = _req(v, "round", int, vwhere)
        if not 0 <= round_no < rounds or (versions and round_no <= versions[-1].round):
            raise ConfigError(f"{vwhere}.round: out of range or not after the previous version")
        body = []
        for name in _strings(_req(v, "body", list, vwhere), f"{vwhere}.body"):
            if name not in paragraphs:
                raise ConfigError(f"{vwhere}.body: no paragraph {name!r}")
            body.append(str(paragraphs[name]))
        versions.append(Text(round_no, _req(v, "headline", str, vwhere), tuple(body)))
    if not versions:
        raise ConfigError(f"{where}.versions: at least one version is required")
    also = []
    for j, s in enumerate(raw.get("also_in", [])):
        swhere = f"{where}.also_in[{j}]"
        other = _req(s, "outlet", str, swhere)
        if other not in outlets:
            raise ConfigError(f"{swhere}.outlet: unknown outlet {other!r}")
        also.append(Syndication(other, _req(s, "from_round", int, swhere), s.get("query", "")))
    return DemoArticle(
        key=key,
        outlet=outlet,
        path=_req(raw, "path", str, where).strip("/"),
        published=_aware(_req(raw, "published", datetime, where), f"{where}.published"),
        byline=_req(raw, "byline", str, where),
        role=str(raw.get("role", "")),
        section=str(raw.get("section", "News")),
        versions=tuple(versions),
        also_in=tuple(also),
        about_story=bool(raw.get("about_story", True)),
    )


def parse_content(raw: dict[str, Any], source: str = "articles.toml") -> DemoContent:
    """Check a parsed content document and build :class:`DemoContent`."""
    rounds = tuple(
        Round(
            at=_aware(_req(r, "at", datetime, f"{source}: rounds[{i}]"), f"rounds[{i}].at"),
            note=str(r.get("note", "")),
            template_only=bool(r.get("template_only", False)),
        )
        for i, r in enumerate(raw.get("rounds", []))
    )
    if not rounds or any(b.at <= a.at for a, b in zip(rounds, rounds[1:], strict=False)):
        raise ConfigError(f"{source}: rounds: need at least one, in time order")
    outlets = []
    for i, o in enumerate(raw.get("outlets", [])):
        where = f"{source}: outlets[{i}]"
        template = _req(o, "template", str, where)
        if template not in TEMPLATES:
            raise ConfigError(f"{where}.template: expected one of {', '.join(TEMPLATES)}")
        outlets.append(
            DemoOutlet(
                key=_req(o, "key", str, where),
                name=_req(o, "name", str, where),
                template=template,
                tagline=str(o.get("tagline", "")),
                sections=_strings(o.get("sections", []), f"{where}.sections"),
                most_read=tuple(
                    MostRead(int(m["from_round"]), _strings(m["items"], f"{where}.most_read"))
                    for m in o.get("most_read", [])
                ),
                evergreen=_strings(o.get("evergreen", []), f"{where}.evergreen"),
            )
        )
    keys = {o.key for o in outlets}
    articles = tuple(
        _article(a, f"{source}: articles[{i}]", keys, len(rounds))
        for i, a in enumerate(raw.get("articles", []))
    )
    if len({a.key for a in articles}) != len(articles):
        raise ConfigError(f"{source}: articles: duplicate key")
    return DemoContent(rounds, tuple(outlets), articles)


def load_content(path: Path | None = None) -> DemoContent:
    """The content in ``path``, or the bundled ``articles.toml``."""
    if path is not None:
        return parse_content(tomllib.loads(path.read_text("utf-8")), str(path))
    return _bundled()


@cache
def _bundled() -> DemoContent:
    text = (resources.files("newsdiff.demo") / "articles.toml").read_text("utf-8")
    return parse_content(tomllib.loads(text))
