"""Queries behind the TUI: stories, timelines, coverage, versions and version pairs as plain rows.

Every function takes a session and returns frozen dataclasses that hold no ORM objects, so the
results can cross from a worker thread to the UI thread. With no story the "timeline" is every
tracked article grouped by outlet and day (newest day first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from newsdiff.errors import NotFound
from newsdiff.store.articles import find_article
from newsdiff.store.edits import KIND_BADGES, badges, silent_counts, version_edits
from newsdiff.store.models import Article, Coverage, Event, Outlet, Story, Version
from newsdiff.store.versions import change_window, get_version
from newsdiff.text import standfirst_of
from newsdiff.timeline.items import (
    ArticleItem,
    EditItem,
    GroupKey,
    JumpTarget,
    Overview,
    PairEdits,
    StoryItem,
    TimelineItem,
    VersionItem,
    VersionPair,
    VersionText,
    event_when,
)
from newsdiff.timeline.linking import is_linked, require_event, set_link
from newsdiff.timeline.stories import get_story, list_stories, story_events

# The row types live in newsdiff.timeline.items (no SQLAlchemy there); re-exported here.
__all__ = [
    "ArticleItem",
    "EditItem",
    "GroupKey",
    "JumpTarget",
    "Overview",
    "PairEdits",
    "StoryItem",
    "TimelineItem",
    "VersionItem",
    "VersionPair",
    "VersionText",
]


def _story_item(row: dict[str, object]) -> StoryItem:
    return StoryItem(
        slug=str(row["slug"]),
        title=str(row["title"]),
        events=int(str(row["events"])),
        articles=int(str(row["articles"])),
        first=str(row["first"]) if row["first"] else None,
        last=str(row["last"]) if row["last"] else None,
    )


def story_items(session: Session) -> list[StoryItem]:
    return [_story_item(row) for row in list_stories(session)]


def default_story(stories: list[StoryItem]) -> StoryItem | None:
    """The story whose latest event is the most recent."""
    if not stories:
        return None
    return max(stories, key=lambda s: (s.last or "", s.slug))


def load_overview(session: Session, slug: str | None, *, all_articles: bool = False) -> Overview:
    """The story ``slug`` (or the default story) with its events; with ``all_articles`` or no
    story at all, every tracked article grouped by outlet and day."""
    stories = story_items(session)
    articles = int(session.scalar(select(func.count(Article.id))) or 0)
    story: StoryItem | None = None
    if not all_articles:
        if slug is not None:
            story = next((s for s in stories if s.slug == slug), None)
            if story is None:
                raise NotFound(f"no story {slug!r} (see `newsdiff story list`)")
        else:
            story = default_story(stories)
    if story is None:
        return Overview(None, outlet_day_items(session), stories, articles)
    return Overview(story, event_items(session, story.slug), stories, articles)


def event_items(session: Session, slug: str) -> list[TimelineItem]:
    """The story's events in date order, each with the number of articles covering it (one
    grouped count, not the coverage rows themselves)."""
    events = story_events(session, get_story(session, slug))
    counts: dict[int, int] = {}
    if events:
        stmt = (
            select(Coverage.event_id, func.count(Coverage.id))
            .where(Coverage.event_id.in_([e.id for e in events]), Coverage.excluded.is_(False))
            .group_by(Coverage.event_id)
        )
        counts = {int(eid): int(n) for eid, n in session.execute(stmt)}
    return [
        TimelineItem(
            key=GroupKey(event_id=e.id),
            when=short_when(e),
            title=e.title,
            count=counts.get(e.id, 0),
            kind=e.kind,
        )
        for e in events
    ]


def short_when(event: Event) -> str:
    """An event's date for a narrow column: ``2008-11-13–26``, ``Mar 2009``, ``2010``."""
    return event_when(event.date, event.date_precision, event.end_date)


def _article_time() -> ColumnElement[datetime]:
    return func.coalesce(Article.published_at, Article.first_seen_at)


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def outlet_day_items(session: Session) -> list[TimelineItem]:
    """Every tracked article grouped by day (UTC, newest first) and outlet."""
    moment = _article_time()
    dialect = session.get_bind().dialect.name
    day = func.date(func.timezone("UTC", moment)) if dialect == "postgresql" else func.date(moment)
    stmt = (
        select(day.label("day"), Article.outlet_id, Outlet.name, func.count(Article.id))
        .select_from(Article)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .group_by(day, Article.outlet_id, Outlet.name)
    )
    rows = [(_as_date(d), oid, name, int(n)) for d, oid, name, n in session.execute(stmt)]
    rows.sort(key=lambda r: (-r[0].toordinal(), (r[2] or "").lower(), r[1] or 0))
    return [
        TimelineItem(
            key=GroupKey(outlet_id=oid, day=d),
            when=d.isoformat(),
            title=name or "(no outlet)",
            count=n,
        )
        for d, oid, name, n in rows
    ]


def _article_items(
    session: Session, where: list[ColumnElement[bool]], order_desc: bool = False
) -> list[ArticleItem]:
    moment = _article_time()
    stmt = (
        select(Article, Outlet.name)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .where(*where)
        .order_by(moment.desc() if order_desc else moment, Article.id)
    )
    return [_item(a, name) for a, name in session.execute(stmt)]


def _item(
    article: Article, outlet: str | None, linked: bool | None = None, origin: str | None = None
) -> ArticleItem:
    return ArticleItem(
        article_id=article.id,
        outlet=outlet,
        title=article.title,
        url=article.url,
        versions=article.version_count,
        last_changed_at=article.last_changed_at if article.version_count > 1 else None,
        published_at=article.published_at or article.first_seen_at,
        linked=linked,
        origin=origin,
    )


def group_articles(session: Session, key: GroupKey) -> list[ArticleItem]:
    """The articles of a timeline row: an event's coverage (articles unlinked by hand last,
    marked ``linked=False``), or one outlet's articles of one day."""
    if key.event_id is not None:
        return event_articles(session, key.event_id)
    assert key.day is not None
    start = datetime(key.day.year, key.day.month, key.day.day, tzinfo=UTC)
    moment = _article_time()
    where: list[ColumnElement[bool]] = [moment >= start, moment < start + timedelta(days=1)]
    where.append(
        Article.outlet_id.is_(None) if key.outlet_id is None else Article.outlet_id == key.outlet_id
    )
    return _article_items(session, where)


def event_articles(session: Session, event_id: int) -> list[ArticleItem]:
    stmt = (
        select(Coverage, Article, Outlet.name)
        .join(Article, Article.id == Coverage.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .where(Coverage.event_id == event_id)
        .order_by(Coverage.excluded, _article_time(), Article.id)
    )
    return [
        _item(article, name, linked=not cov.excluded, origin=cov.origin)
        for cov, article, name in session.execute(stmt)
    ]


def article_item(session: Session, article_id: int, event_id: int | None = None) -> ArticleItem:
    """One article as a coverage row (with its link state to ``event_id`` when given)."""
    article = find_article(session, article_id)
    outlet = session.get(Outlet, article.outlet_id) if article.outlet_id else None
    linked = None
    if event_id is not None:
        linked = is_linked(session, require_event(session, event_id), article)
    return _item(article, outlet.name if outlet else None, linked=linked)


def article_group(session: Session, article_id: int) -> GroupKey:
    """The outlet-and-day row an article belongs to when there is no story."""
    article = find_article(session, article_id)
    moment = (article.published_at or article.first_seen_at).astimezone(UTC)
    return GroupKey(outlet_id=article.outlet_id, day=moment.date())


def article_versions(session: Session, article_id: int) -> list[VersionItem]:
    """The versions of an article, oldest first, without their text: with the kinds of their
    edits as badges (the first version has none; "?" not analysed yet), how many are silent,
    and whether the version is trivial."""
    stmt = (
        select(
            Version.id,
            Version.number,
            Version.captured_at,
            Version.title,
            Version.words_added,
            Version.words_removed,
            Version.title_changed,
            Version.edit_kinds,
            Version.trivial,
        )
        .where(Version.article_id == article_id)
        .order_by(Version.number)
    )
    rows = session.execute(stmt).all()
    silent = silent_counts(session, [row[0] for row in rows if row[7]])
    return [
        VersionItem(
            n,
            at,
            title,
            int(added or 0),
            int(removed or 0),
            bool(changed),
            badges=badges(kinds, analysed=kinds is not None) if n > 1 else "",
            silent=silent.get(vid, 0),
            trivial=bool(trivial),
        )
        for vid, n, at, title, added, removed, changed, kinds, trivial in rows
    ]


def _text(version: Version) -> VersionText:
    return VersionText(
        version.number,
        version.captured_at,
        version.title,
        tuple(version.paragraph_list),
        standfirst_of(version.headlines),
    )


def load_pair(session: Session, article_id: int, old: int | None, new: int) -> VersionPair:
    """Versions ``old`` (None: nothing before) and ``new`` of an article, with the change window
    of ``new`` (between the last check that saw the version before it and the first that saw
    it), and the edits of ``new`` when they are stored for this pair (``old`` the version just
    before it, analysed); otherwise ``edits`` is None: :func:`with_edits` computes them."""
    article = find_article(session, article_id)
    outlet = session.get(Outlet, article.outlet_id) if article.outlet_id else None
    new_version = get_version(session, article_id, new)
    old_text = _text(get_version(session, article_id, old)) if old is not None else None
    window = change_window(session, new_version) if new > 1 else None
    edits: PairEdits | None = None
    if old is None:
        edits = PairEdits((), stored=True, kinds=())
    elif old == new - 1 and new_version.edit_kinds is not None:
        stored = version_edits(session, new_version.id)
        edits = _pair_edits(
            [
                _edit_item(
                    e.kind,
                    e.change,
                    e.old,
                    e.new,
                    e.old_paragraph,
                    e.new_paragraph,
                    e.silent,
                    e.detail,
                )
                for e in stored
            ],
            stored=True,
        )
    return VersionPair(
        article_id=article.id,
        outlet=outlet.name if outlet else None,
        url=article.url,
        old=old_text,
        new=_text(new_version),
        window=window,
        total=article.version_count,
        edits=edits,
    )


def with_edits(pair: VersionPair) -> VersionPair:
    """``pair`` with its edits: as loaded when stored, else computed now by the analyser (two
    versions apart, or a version not analysed yet; pure, no database)."""
    if pair.edits is not None:
        return pair
    if pair.old is None:
        return replace(pair, edits=PairEdits((), stored=True, kinds=()))
    from newsdiff.diff.edits import analyse

    analysis = analyse(pair.old.document(), pair.new.document())
    items = [
        _edit_item(
            e.kind, e.change, e.old, e.new, e.old_paragraph, e.new_paragraph, e.silent, e.detail
        )
        for e in analysis.edits
    ]
    return replace(pair, edits=_pair_edits(items, stored=False))


def _span(value: object) -> tuple[int, int] | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        start, end = value
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end:
            return start, end
    return None


def _edit_item(
    kind: str,
    change: str,
    old: str | None,
    new: str | None,
    old_paragraph: int | None,
    new_paragraph: int | None,
    silent: bool,
    detail: Mapping[str, Any] | None,
) -> EditItem:
    detail = detail or {}
    speaker = detail.get("speaker")
    return EditItem(
        kind=kind,
        change=change,
        old=old or "",
        new=new or "",
        old_paragraph=old_paragraph,
        new_paragraph=new_paragraph,
        silent=bool(silent),
        badge=KIND_BADGES.get(kind, kind[:1] or "?"),
        speaker=str(speaker) if speaker else None,
        old_span=_span(detail.get("old_span")),
        new_span=_span(detail.get("new_span")),
        in_headline=detail.get("in") == "headline",
    )


def _pair_edits(items: list[EditItem], *, stored: bool) -> PairEdits:
    present = {e.kind for e in items}
    kinds = [k for k in KIND_BADGES if k in present] + sorted(present.difference(KIND_BADGES))
    return PairEdits(tuple(items), stored=stored, kinds=tuple(kinds))


def toggle_link(session: Session, event_id: int, article_id: int) -> bool:
    """Link the article to the event by hand, or unlink it when it is linked. Returns the new
    state (True: linked)."""
    event = require_event(session, event_id)
    article = find_article(session, article_id)
    linked = not is_linked(session, event, article)
    set_link(session, event, article, linked=linked)
    return linked


def jump_targets(session: Session, slug: str | None, *, limit: int = 5000) -> list[JumpTarget]:
    """Palette destinations: the story's events, then articles (the story's coverage first,
    then the most recent others, at most ``limit`` articles)."""
    out: list[JumpTarget] = []
    seen: set[int] = set()
    if slug is not None:
        story = session.scalars(select(Story).where(Story.slug == slug)).one_or_none()
        if story is not None:
            events = list(
                session.scalars(
                    select(Event).where(Event.story_id == story.id).order_by(Event.date, Event.id)
                )
            )
            for e in events:
                out.append(JumpTarget(e.title, f"event · {e.date.isoformat()}", event_id=e.id))
            stmt = (
                select(Article.id, Article.title, Article.url, Event.id, Event.title)
                .join(Coverage, Coverage.article_id == Article.id)
                .join(Event, and_(Event.id == Coverage.event_id, Event.story_id == story.id))
                .where(Coverage.excluded.is_(False))
                .order_by(Event.date, Article.id)
            )
            for aid, title, url, eid, etitle in session.execute(stmt):
                if aid in seen:
                    continue
                seen.add(aid)
                out.append(
                    JumpTarget(title or url, f"article · {etitle}", event_id=eid, article_id=aid)
                )
    stmt2 = (
        select(Article.id, Article.title, Article.url, Outlet.name)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(_article_time().desc(), Article.id.desc())
        .limit(limit)
    )
    for aid, title, url, outlet in session.execute(stmt2):
        if aid not in seen:
            seen.add(aid)
            out.append(JumpTarget(title or url, f"article · {outlet or url}", article_id=aid))
    return out
