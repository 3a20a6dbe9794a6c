"""Which new versions an alert matches, and the deliveries they make.

1. An alert is *first seen* by the first run that finds it in the config; it is about versions
   captured from then on (``alerts.first_seen_at``): adding an alert never sends the archive,
   and a backfill (whose versions carry their old capture dates) never sets one off.
2. A run examines the versions captured since the last run's scan time (``scanned_until``) less
   :data:`SCAN_LAG`: a version committed a little after its capture time, by another process, is
   still seen. Versions already examined again are cheap (the scan is on the capture-time
   index) and never matched twice (a delivery exists for them).
3. Only changes count (versions 2 and later): a first capture is not a change.
4. The match keys are ANDed: ``outlet`` (name or slug), ``story`` (the article covers one of its
   events, manual unlinks left out), ``headline`` (the headline changed), ``kind``/``change``/
   ``silent`` (one typed edit with all three), ``phrase`` (its number of occurrences in the
   headline and text, case-insensitive, went up: ``added``; down: ``removed``; either: ``any``).
5. A version whose typed edits are not computed yet cannot be judged on ``kind``/``change``/
   ``silent``: the scan time stops before it, so the next run looks again, for at most
   :data:`UNANALYSED_GRACE` (then it is passed over, with a log line).
6. Each match becomes one ``pending`` delivery per URL of the alert, written with "insert unless
   present", so two runs at once cannot make two.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from newsdiff.alerts.send import target_of
from newsdiff.config import AlertSettings
from newsdiff.store.db import Database
from newsdiff.store.models import (
    AlertDelivery,
    AlertState,
    Article,
    Coverage,
    Edit,
    Event,
    Outlet,
    Story,
    Version,
)

logger = logging.getLogger(__name__)

SCAN_LAG = timedelta(minutes=15)
UNANALYSED_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class Scan:
    """What one scan of an alert found."""

    matched: int  # new deliveries' versions
    problem: str | None = None  # a match key naming nothing (an unknown story)


def alert_state(database: Database, name: str, now: datetime) -> AlertState:
    """The alert's row, made (first seen ``now``) on its first run."""
    with database.write() as session:
        values = {"name": name, "first_seen_at": now, "scanned_until": now}
        session.execute(_insert_ignore(session, AlertState, values))
        state = session.scalars(select(AlertState).where(AlertState.name == name)).one()
        session.expunge(state)
        return state


def _insert_ignore(session: Session, model: Any, values: Any) -> Any:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(model).values(values).on_conflict_do_nothing()


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def occurrences(phrase: str, title: str, paragraphs: str) -> int:
    """How often ``phrase`` occurs in a version's headline and text (case and spacing
    ignored; not across paragraphs)."""
    needle = _normal(phrase)
    return sum(_normal(part).count(needle) for part in [title, *paragraphs.split("\n")])


def phrase_moved(alert: AlertSettings, old: tuple[str, str], new: tuple[str, str]) -> bool:
    """Did the alert's phrase appear (``added``), disappear (``removed``) or either?"""
    assert alert.phrase is not None
    before, after = occurrences(alert.phrase, *old), occurrences(alert.phrase, *new)
    if alert.phrase_in == "added":
        return after > before
    if alert.phrase_in == "removed":
        return after < before
    return after != before


def edit_filter(alert: AlertSettings) -> list[Any]:
    """The conditions one edit must meet (empty: no edit key)."""
    conditions: list[Any] = []
    if alert.kind:
        conditions.append(Edit.kind.in_(list(alert.kind)))
    if alert.change:
        conditions.append(Edit.change.in_(list(alert.change)))
    if alert.silent is not None:
        conditions.append(Edit.silent.is_(alert.silent))
    return conditions


def scan(
    database: Database, alert: AlertSettings, state: AlertState, now: datetime, *, batch: int = 500
) -> Scan:
    """Record a pending delivery per URL for each new version ``alert`` matches (see the
    module docstring), and move the alert's scan time on."""
    start = max(state.first_seen_at, (state.scanned_until or state.first_seen_at) - SCAN_LAG)
    matched: list[int] = []
    waiting: list[datetime] = []
    problem = None
    with database.read() as session:
        story_id = None
        if alert.story:
            story_id = session.scalars(select(Story.id).where(Story.slug == alert.story)).first()
            if story_id is None:
                problem = f"no story {alert.story!r}: the alert matches nothing"
        if problem is None:
            last_id = 0
            while True:
                rows = session.execute(
                    _candidates(alert, state, start, story_id)
                    .where(Version.id > last_id)
                    .limit(batch)
                ).all()
                for row in rows:
                    if alert.needs_edits and row.analyser_version is None:
                        if now - row.captured_at <= UNANALYSED_GRACE:
                            waiting.append(row.captured_at)
                        else:
                            logger.warning(
                                "alert %s: version %s was never analysed; passed over",
                                alert.name,
                                row.id,
                            )
                        continue
                    if alert.phrase and not phrase_moved(
                        alert,
                        (row.old_title or "", row.old_paragraphs or ""),
                        (row.title, row.paragraphs),
                    ):
                        continue
                    matched.append(row.id)
                if len(rows) < batch:
                    break
                last_id = rows[-1].id
    targets = sorted({target_of(url) for url in alert.urls})
    until = min([now, *waiting])
    with database.write() as session:
        for version_id in matched:
            for target in targets:
                values = {
                    "alert_id": state.id,
                    "target": target,
                    "version_id": version_id,
                    "status": "pending",
                    "created_at": now,
                    "attempts": 0,
                }
                session.execute(_insert_ignore(session, AlertDelivery, values))
        saved = session.get(AlertState, state.id)
        if saved is not None:
            saved.scanned_until = until if waiting else now
            saved.last_run_at = now
    return Scan(len(matched), problem)


def _candidates(
    alert: AlertSettings, state: AlertState, start: datetime, story_id: int | None
) -> Any:
    """The versions to examine, with the SQL part of the match applied (ordered by id)."""
    v = Version
    previous = aliased(Version)
    columns: list[Any] = [v.id, v.captured_at, v.analyser_version]
    stmt = select(*columns)
    if alert.phrase:
        stmt = stmt.add_columns(
            v.title,
            v.paragraphs,
            previous.title.label("old_title"),
            previous.paragraphs.label("old_paragraphs"),
        ).outerjoin(
            previous, and_(previous.article_id == v.article_id, previous.number == v.number - 1)
        )
    stmt = stmt.where(
        v.captured_at >= start,  # never before the alert was first seen
        v.number > 1,
        ~exists().where(AlertDelivery.alert_id == state.id, AlertDelivery.version_id == v.id),
    )
    if alert.outlet:
        stmt = stmt.join(Article, Article.id == v.article_id).where(
            Article.outlet_id.in_(
                select(Outlet.id).where(
                    or_(Outlet.name == alert.outlet, Outlet.slug == alert.outlet)
                )
            )
        )
    if story_id is not None:
        covered = (
            select(Coverage.article_id)
            .join(Event, Event.id == Coverage.event_id)
            .where(Event.story_id == story_id, Coverage.excluded.is_(False))
        )
        stmt = stmt.where(v.article_id.in_(covered))
    if alert.headline:
        stmt = stmt.where(v.title_changed.is_(True))
    conditions = edit_filter(alert)
    if conditions:
        has_edit = exists().where(Edit.version_id == v.id, *conditions)
        stmt = stmt.where(or_(has_edit, v.analyser_version.is_(None)))
    if alert.phrase and alert.phrase.isascii():
        # a pre-filter in SQL (ASCII case folding is the same everywhere); Python decides
        like = f"%{_escape_like(' '.join(alert.phrase.split()).lower())}%"
        new_has = or_(
            func.lower(v.title).like(like, escape="\\"),
            func.lower(v.paragraphs).like(like, escape="\\"),
        )
        old_has = or_(
            func.lower(previous.title).like(like, escape="\\"),
            func.lower(previous.paragraphs).like(like, escape="\\"),
        )
        if alert.phrase_in == "added":
            stmt = stmt.where(new_has)
        elif alert.phrase_in == "removed":
            stmt = stmt.where(old_has)
        else:
            stmt = stmt.where(or_(new_has, old_has))
    return stmt.order_by(v.id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
