"""Coverage linking: which articles reported which event of a story.

An article is linked to an event when it is about the story (at least two of the story's
keywords, or one of them in the headline together with one of the event's, appear in its latest
headline or text, case-insensitive, whole words) and its publication date falls in the event's
window: from ``days_before`` days before the event until the day before the next event (at least
until the event's end date, at most ``max_days_after`` days), and its score reaches
``linking.min_score``. The score (0..1, stored) weighs the story's keywords (half: three hits
score fully), the event's (0.3: two hits) and a keyword in the headline (0.2); with the default
0.34, two story keywords in passing (0.333), with nothing of the event and nothing in the
headline, are not enough.

Manual links and unlinks always win: re-linking never touches a coverage row whose origin is
``manual``. An SQL pre-filter (LIKE on the story's keywords) keeps the Python scoring to
candidate articles.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from newsdiff.config import LinkingSettings
from newsdiff.errors import NotFound
from newsdiff.store.models import Article, Coverage, Event, Story, Version, utcnow
from newsdiff.timeline.stories import story_events


@lru_cache(maxsize=1024)
def _pattern(keyword: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _hits(keywords: list[str], text: str) -> int:
    return sum(1 for k in set(keywords) if k and _pattern(k).search(text))


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # inclusive


def _shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, held within the calendar (an event dated 0001-01-01 or
    9999-12-31 gets a window that stops at the calendar's edge, not an OverflowError)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def event_windows(events: list[Event], settings: LinkingSettings) -> dict[int, Window]:
    """Each event's coverage window (see the module docstring)."""
    ordered = sorted(events, key=lambda e: (e.date, e.id))
    out: dict[int, Window] = {}
    for i, event in enumerate(ordered):
        start = _shift(event.date, -settings.days_before)
        cap = _shift(event.date, settings.max_days_after)
        later = [e.date for e in ordered[i + 1 :] if e.date > event.date]
        end = min(_shift(later[0], -1), cap) if later else cap
        if event.date_precision == "month":
            month_end = _shift(event.date.replace(day=28), 4).replace(day=1)
            end = max(end, _shift(month_end, -1))
        elif event.date_precision == "year":
            end = max(end, dt.date(event.date.year, 12, 31))
        if event.end_date is not None:
            end = max(end, event.end_date)
        out[event.id] = Window(start, max(end, event.date))
    return out


def score_article(story: Story, event: Event, headline: str, text: str) -> tuple[bool, float]:
    """(about the story?, score) for one article and one event."""
    story_kw = list(story.keywords or [])
    event_kw = list(event.keywords or [])
    s_hits = _hits(story_kw, headline + "\n" + text)
    e_hits = _hits(event_kw, headline + "\n" + text)
    in_headline = _hits(story_kw, headline) > 0
    about = s_hits >= 2 or (in_headline and e_hits >= 1)
    score = (
        0.5 * min(1.0, s_hits / 3)
        + 0.3 * min(1.0, e_hits / 2)
        + 0.2 * (1.0 if in_headline or _hits(event_kw, headline) else 0.0)
    )
    return about, round(score, 3)


@dataclass(frozen=True)
class LinkResult:
    linked: int
    updated: int
    removed: int
    candidates: int


def _article_date(article: Article) -> dt.date:
    return (article.published_at or article.first_seen_at).date()


def link_story(session: Session, story: Story, settings: LinkingSettings) -> LinkResult:
    """Re-compute the automatic coverage of ``story``; manual links and unlinks are kept."""
    events = story_events(session, story)
    if not events:
        return LinkResult(0, 0, 0, 0)
    windows = event_windows(events, settings)
    latest = (
        select(Version.article_id, func.max(Version.number).label("n"))
        .group_by(Version.article_id)
        .subquery()
    )
    stmt = (
        select(Article, Version)
        .join(latest, latest.c.article_id == Article.id)
        .join(Version, and_(Version.article_id == Article.id, Version.number == latest.c.n))
    )
    keywords = [k for k in story.keywords or [] if k]
    if keywords:
        stmt = stmt.where(
            or_(
                *[
                    or_(Version.title.ilike(f"%{k}%"), Version.paragraphs.ilike(f"%{k}%"))
                    for k in keywords
                ]
            )
        )
    existing = {
        (c.event_id, c.article_id): c
        for c in session.scalars(
            select(Coverage).where(Coverage.event_id.in_([e.id for e in events]))
        )
    }
    wanted: dict[tuple[int, int], float] = {}
    candidates = 0
    for article, version in session.execute(stmt):
        candidates += 1
        day = _article_date(article)
        for event in events:
            window = windows[event.id]
            if not window.start <= day <= window.end:
                continue
            about, score = score_article(story, event, version.title, version.paragraphs)
            if about and score >= settings.min_score:
                wanted[(event.id, article.id)] = score
    linked = updated = removed = 0
    now = utcnow()
    for key, score in wanted.items():
        row = existing.get(key)
        if row is None:
            session.add(
                Coverage(
                    event_id=key[0],
                    article_id=key[1],
                    origin="auto",
                    score=score,
                    excluded=False,
                    created_at=now,
                )
            )
            linked += 1
        elif row.origin == "auto" and row.score != score:
            row.score = score
            updated += 1
    for key, row in existing.items():
        if row.origin == "auto" and key not in wanted:
            session.delete(row)
            removed += 1
    session.flush()
    return LinkResult(linked, updated, removed, candidates)


def set_link(
    session: Session, event: Event, article: Article, *, linked: bool, note: str | None = None
) -> Coverage:
    """A manual link (``linked=True``) or unlink: it survives every re-linking."""
    row = session.scalars(
        select(Coverage).where(Coverage.event_id == event.id, Coverage.article_id == article.id)
    ).one_or_none()
    if row is None:
        row = Coverage(event_id=event.id, article_id=article.id, created_at=utcnow())
        session.add(row)
    row.origin = "manual"
    row.excluded = not linked
    if note is not None:
        row.note = note
    session.flush()
    return row


def is_linked(session: Session, event: Event, article: Article) -> bool:
    row = session.scalars(
        select(Coverage).where(Coverage.event_id == event.id, Coverage.article_id == article.id)
    ).one_or_none()
    return row is not None and not row.excluded


def coverage_of(session: Session, event: Event) -> list[tuple[Coverage, Article]]:
    """The articles covering ``event`` (manual unlinks left out), oldest first."""
    stmt = (
        select(Coverage, Article)
        .join(Article, Article.id == Coverage.article_id)
        .where(Coverage.event_id == event.id, Coverage.excluded.is_(False))
        .order_by(func.coalesce(Article.published_at, Article.first_seen_at), Article.id)
    )
    return [(c, a) for c, a in session.execute(stmt)]


def require_event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"no event {event_id}")
    return event


def story_article_ids(session: Session, slug: str) -> list[int]:
    """The articles covering any event of the story ``slug`` (manual unlinks left out).
    Raises :class:`NotFound` for an unknown story."""
    story = session.scalars(select(Story).where(Story.slug == slug)).one_or_none()
    if story is None:
        raise NotFound(f"no story {slug!r}")
    stmt = (
        select(Coverage.article_id)
        .join(Event, Event.id == Coverage.event_id)
        .where(Event.story_id == story.id, Coverage.excluded.is_(False))
        .distinct()
    )
    return sorted(session.scalars(stmt))
