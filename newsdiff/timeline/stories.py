"""Story files (TOML) and their import: a story is a timeline of events.

```toml
[story]
slug = "baby-p"
title = "Baby P and Haringey children's services"
keywords = ["Baby P", "Peter Connolly", "Haringey"]

[[events]]
slug = "death"
date = 2007-08-03
title = "Death of Peter Connolly"
```

Re-importing a story updates it by slug: events are updated by slug, new ones added; events no
longer in the file are kept (with their coverage) and reported, so manual links are never lost.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsdiff.errors import ConfigError, NotFound
from newsdiff.store.models import Coverage, Event, Story

PRECISIONS = ("day", "month", "year")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class EventDef:
    slug: str
    title: str
    date: dt.date
    end_date: dt.date | None = None
    date_precision: str = "day"
    kind: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryDef:
    slug: str
    title: str
    description: str | None = None
    keywords: tuple[str, ...] = ()
    events: tuple[EventDef, ...] = field(default_factory=tuple)


def _date(value: Any, where: str) -> tuple[dt.date, str]:
    """A TOML date, or a string "2009", "2009-03" or "2009-03-12" (with its precision)."""
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    if isinstance(value, int) and 1000 <= value <= 9999:
        return dt.date(value, 1, 1), "year"
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
            try:
                return dt.date(y, mo, d), "day" if m.group(3) else (
                    "month" if m.group(2) else "year"
                )
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
    raise ConfigError(
        f"{where}: expected a date like 2008-11-11, '2009-03' or '2010', got {value!r}"
    )


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _opt_str(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    return value.strip() or None


_STORY_KEYS = {"slug", "title", "description", "keywords"}
_EVENT_KEYS = {
    "slug",
    "title",
    "date",
    "end_date",
    "date_precision",
    "kind",
    "description",
    "keywords",
}


def parse_story(raw: dict[str, Any], source: str) -> StoryDef:
    """Validate a parsed story document; mistakes raise ConfigError naming file and key."""
    unknown = set(raw) - {"story", "events"}
    if unknown:
        raise ConfigError(f"{source}: {sorted(unknown)[0]}: unknown section (known: events, story)")
    story = raw.get("story")
    if not isinstance(story, dict):
        raise ConfigError(f"{source}: story: missing [story] table")
    for key in story:
        if key not in _STORY_KEYS:
            raise ConfigError(f"{source}: story.{key}: unknown key")
    slug = story.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise ConfigError(f"{source}: story.slug: expected a slug like 'baby-p', got {slug!r}")
    title = _opt_str(story.get("title"), f"{source}: story.title")
    if not title:
        raise ConfigError(f"{source}: story.title: is required")
    events: list[EventDef] = []
    seen: set[str] = set()
    raw_events = raw.get("events", [])
    if not isinstance(raw_events, list):
        raise ConfigError(f"{source}: events: expected [[events]] tables")
    for i, ev in enumerate(raw_events):
        where = f"{source}: events[{i}]"
        if not isinstance(ev, dict):
            raise ConfigError(f"{where}: expected a table")
        for key in ev:
            if key not in _EVENT_KEYS:
                raise ConfigError(f"{where}.{key}: unknown key")
        eslug = ev.get("slug")
        if not isinstance(eslug, str) or not _SLUG.match(eslug):
            raise ConfigError(f"{where}.slug: expected a slug like 'death', got {eslug!r}")
        if eslug in seen:
            raise ConfigError(f"{where}.slug: duplicate event slug {eslug!r}")
        seen.add(eslug)
        etitle = _opt_str(ev.get("title"), f"{where}.title")
        if not etitle:
            raise ConfigError(f"{where}.title: is required")
        if "date" not in ev:
            raise ConfigError(f"{where}.date: is required")
        date, precision = _date(ev["date"], f"{where}.date")
        end = _date(ev["end_date"], f"{where}.end_date")[0] if ev.get("end_date") else None
        if end is not None and end < date:
            raise ConfigError(f"{where}.end_date: before the event's date")
        if "date_precision" in ev:
            precision = str(ev["date_precision"])
            if precision not in PRECISIONS:
                raise ConfigError(f"{where}.date_precision: expected day, month or year")
        events.append(
            EventDef(
                slug=eslug,
                title=etitle,
                date=date,
                end_date=end,
                date_precision=precision,
                kind=_opt_str(ev.get("kind"), f"{where}.kind"),
                description=_opt_str(ev.get("description"), f"{where}.description"),
                keywords=_str_list(ev.get("keywords"), f"{where}.keywords"),
            )
        )
    events.sort(key=lambda e: (e.date, e.slug))
    return StoryDef(
        slug=slug,
        title=title,
        description=_opt_str(story.get("description"), f"{source}: story.description"),
        keywords=_str_list(story.get("keywords"), f"{source}: story.keywords"),
        events=tuple(events),
    )


def bundled_stories() -> list[str]:
    """Slugs of the stories shipped with newsdiff."""
    folder = resources.files("newsdiff.timeline") / "stories"
    if not folder.is_dir():
        return []
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_story(ref: str | Path) -> StoryDef:
    """A story from a TOML file, or a bundled story by slug (``baby-p``)."""
    path = Path(ref)
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read story file: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        return parse_story(raw, str(path))
    name = str(ref)
    if name in bundled_stories():
        text = (resources.files("newsdiff.timeline") / "stories" / f"{name}.toml").read_text(
            "utf-8"
        )
        return parse_story(tomllib.loads(text), f"<bundled {name}>")
    known = ", ".join(bundled_stories()) or "none"
    raise ConfigError(f"{ref}: no such story file, nor a bundled story (bundled: {known})")


@dataclass(frozen=True)
class ImportResult:
    story: Story
    created: bool
    events_added: int
    events_updated: int
    events_kept: list[str]


def import_story(session: Session, story_def: StoryDef) -> ImportResult:
    """Create or update a story by slug (events by slug); never deletes coverage."""
    story = session.scalars(select(Story).where(Story.slug == story_def.slug)).one_or_none()
    created = story is None
    if story is None:
        story = Story(slug=story_def.slug, title=story_def.title, keywords=[])
        session.add(story)
    story.title = story_def.title
    story.description = story_def.description
    story.keywords = list(story_def.keywords)
    session.flush()
    existing = {e.slug: e for e in session.scalars(select(Event).where(Event.story_id == story.id))}
    added = updated = 0
    for ev in story_def.events:
        event = existing.pop(ev.slug, None)
        if event is None:
            event = Event(story_id=story.id, slug=ev.slug)
            session.add(event)
            added += 1
        else:
            updated += 1
        event.title = ev.title
        event.date = ev.date
        event.end_date = ev.end_date
        event.date_precision = ev.date_precision
        event.kind = ev.kind
        event.description = ev.description
        event.keywords = list(ev.keywords)
    session.flush()
    return ImportResult(story, created, added, updated, sorted(existing))


def get_story(session: Session, slug: str) -> Story:
    story = session.scalars(select(Story).where(Story.slug == slug)).one_or_none()
    if story is None:
        raise NotFound(f"no story {slug!r} (see `newsdiff story list`)")
    return story


def story_events(session: Session, story: Story) -> list[Event]:
    return list(
        session.scalars(
            select(Event).where(Event.story_id == story.id).order_by(Event.date, Event.id)
        )
    )


def get_event(session: Session, ref: str) -> Event:
    """An event as ``story-slug/event-slug``."""
    story_slug, sep, event_slug = ref.partition("/")
    if not sep or not event_slug:
        raise ConfigError(f"{ref}: expected an event as STORY/EVENT, e.g. baby-p/death")
    story = get_story(session, story_slug)
    event = session.scalars(
        select(Event).where(Event.story_id == story.id, Event.slug == event_slug)
    ).one_or_none()
    if event is None:
        raise NotFound(f"story {story_slug!r} has no event {event_slug!r}")
    return event


def list_stories(session: Session) -> list[dict[str, Any]]:
    stories = list(session.scalars(select(Story).order_by(Story.slug)))
    out = []
    for story in stories:
        events = story_events(session, story)
        articles = session.scalar(
            select(func.count(func.distinct(Coverage.article_id)))
            .join(Event, Coverage.event_id == Event.id)
            .where(Event.story_id == story.id, Coverage.excluded.is_(False))
        )
        out.append(
            {
                "slug": story.slug,
                "title": story.title,
                "events": len(events),
                "articles": int(articles or 0),
                "first": events[0].date.isoformat() if events else None,
                "last": events[-1].date.isoformat() if events else None,
            }
        )
    return out
