"""A story's timeline with its coverage, as data for the CLI, exports and the TUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from newsdiff.store.models import Event, Outlet, Story
from newsdiff.timeline.linking import coverage_of
from newsdiff.timeline.stories import story_events


def format_event_date(event: Event) -> str:
    """``2008-11-13 – 2008-11-26``, ``March 2009`` or ``2010`` by the event's precision."""
    if event.date_precision == "year":
        text = f"{event.date.year}"
    elif event.date_precision == "month":
        text = event.date.strftime("%B %Y")
    else:
        text = event.date.isoformat()
    if event.end_date and event.end_date != event.date:
        text += f" – {event.end_date.isoformat()}"
    return text


@dataclass(frozen=True)
class CoverageRow:
    article_id: int
    outlet: str | None
    title: str | None
    url: str
    versions: int
    first_seen_at: datetime
    published_at: datetime | None
    last_changed_at: datetime | None
    origin: str
    score: float | None

    def to_dict(self) -> dict[str, Any]:
        def iso(v: datetime | None) -> str | None:
            return v.isoformat() if v else None

        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "title": self.title,
            "url": self.url,
            "versions": self.versions,
            "first_seen_at": iso(self.first_seen_at),
            "published_at": iso(self.published_at),
            "last_changed_at": iso(self.last_changed_at),
            "origin": self.origin,
            "score": self.score,
        }


@dataclass(frozen=True)
class EventRow:
    id: int
    slug: str
    title: str
    kind: str | None
    date: dt.date
    end_date: dt.date | None
    date_precision: str
    description: str | None
    coverage: list[CoverageRow]

    @property
    def when(self) -> str:
        return _when(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "date_precision": self.date_precision,
            "description": self.description,
            "coverage": [c.to_dict() for c in self.coverage],
        }


def _when(row: EventRow) -> str:
    fake = Event(date=row.date, end_date=row.end_date, date_precision=row.date_precision)
    return format_event_date(fake)


def coverage_rows(session: Session, event: Event) -> list[CoverageRow]:
    rows = []
    for cov, article in coverage_of(session, event):
        outlet = session.get(Outlet, article.outlet_id) if article.outlet_id else None
        rows.append(
            CoverageRow(
                article_id=article.id,
                outlet=outlet.name if outlet else None,
                title=article.title,
                url=article.url,
                versions=article.version_count,
                first_seen_at=article.first_seen_at,
                published_at=article.published_at,
                last_changed_at=article.last_changed_at if article.version_count > 1 else None,
                origin=cov.origin,
                score=cov.score,
            )
        )
    return rows


def story_timeline(session: Session, story: Story) -> list[EventRow]:
    """Events in date order, each with its coverage."""
    return [
        EventRow(
            id=e.id,
            slug=e.slug,
            title=e.title,
            kind=e.kind,
            date=e.date,
            end_date=e.end_date,
            date_precision=e.date_precision,
            description=e.description,
            coverage=coverage_rows(session, e),
        )
        for e in story_events(session, story)
    ]
