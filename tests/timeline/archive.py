"""A small archive written straight into the database: outlets, a story with events and
coverage, articles with versions and typed edits whose figures the tests choose."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from newsdiff.diff.edits import ANALYSER_VERSION
from newsdiff.store.models import Article, Coverage, Edit, Event, Outlet, Story, Version


@dataclass
class Change:
    """A version after the first: when (after the first capture), its stats and edits."""

    after: timedelta
    added: int = 0
    removed: int = 0
    title_changed: bool = False
    analysed: bool = True
    # (kind, change, old, new, silent, detail)
    edits: list[tuple[str, str, str, str, bool, dict[str, object]]] = field(default_factory=list)
    title: str | None = None
    paragraphs: list[str] | None = None


def outlet(session: Session, name: str) -> Outlet:
    row = Outlet(name=name, slug=name.lower().replace(" ", "-"), domain=None)
    session.add(row)
    session.flush()
    return row


def story(session: Session, slug: str, events: list[tuple[str, dt.date]]) -> list[Event]:
    s = Story(slug=slug, title=slug.title(), keywords=[])
    session.add(s)
    session.flush()
    out = []
    for event_slug, date in events:
        e = Event(story_id=s.id, slug=event_slug, title=f"Event {event_slug}", date=date)
        session.add(e)
        out.append(e)
    session.flush()
    return out


def article(
    session: Session,
    url: str,
    where: Outlet | None,
    first: datetime | None,
    changes: list[Change] | None = None,
    *,
    title: str = "Headline",
    paragraphs: list[str] | None = None,
    events: list[Event] | None = None,
    excluded: list[Event] | None = None,
) -> Article:
    """An article first captured at ``first`` (None: never captured) and changed by
    ``changes``; linked to ``events`` (and unlinked by hand from ``excluded``)."""
    changes, events, excluded = changes or [], events or [], excluded or []
    seen = first or datetime(2008, 11, 1, tzinfo=UTC)
    a = Article(
        url=url,
        outlet_id=where.id if where else None,
        first_seen_at=seen,
        status="tracking",
        version_count=0 if first is None else 1 + len(changes),
        title=title,
    )
    session.add(a)
    session.flush()
    if first is not None:
        text = paragraphs or ["First paragraph of the article."]
        # a first version's stats say nothing of changes: whatever they hold is not counted
        version(session, a, 1, first, title, text, analysed=True, added=99, removed=99)
        for n, c in enumerate(changes, start=2):
            v = version(
                session,
                a,
                n,
                first + c.after,
                c.title or (f"{title} ({n})" if c.title_changed else title),
                c.paragraphs or [*text, f"Paragraph added in version {n}."],
                analysed=c.analysed,
                added=c.added,
                removed=c.removed,
                title_changed=c.title_changed,
            )
            for position, (kind, change, old, new, silent, detail) in enumerate(c.edits):
                session.add(
                    Edit(
                        version_id=v.id,
                        article_id=a.id,
                        position=position,
                        kind=kind,
                        change=change,
                        old=old or None,
                        new=new or None,
                        silent=silent,
                        detail=detail or None,
                    )
                )
    for e in events:
        session.add(
            Coverage(event_id=e.id, article_id=a.id, origin="auto", created_at=seen, score=0.5)
        )
    for e in excluded:
        session.add(
            Coverage(
                event_id=e.id, article_id=a.id, origin="manual", excluded=True, created_at=seen
            )
        )
    session.flush()
    return a


def version(
    session: Session,
    a: Article,
    number: int,
    when: datetime,
    title: str,
    paragraphs: list[str],
    *,
    analysed: bool,
    added: int = 0,
    removed: int = 0,
    title_changed: bool = False,
    source: str = "live",
) -> Version:
    body = "\n".join(paragraphs)
    v = Version(
        article_id=a.id,
        number=number,
        captured_at=when,
        title=title,
        paragraphs=body,
        text_hash=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        extractor="test",
        extractor_version="1",
        source=source,
        words_added=added,
        words_removed=removed,
        title_changed=title_changed,
        analyser_version=ANALYSER_VERSION if analysed else None,
    )
    session.add(v)
    session.flush()
    return v
