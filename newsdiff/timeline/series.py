"""Edits over time per outlet, with a story's events on the same time axis: the data of the
charts (the HTML export's SVG, the TUI's terminal plot). Pure data; nothing here draws.

What is counted: each change (a version after the first) falls in the time bucket of its capture
(UTC). Per outlet and bucket the series holds the changed versions, the typed edits of those
versions, and the edits per kind. Its ``measure`` says which of the two a chart should draw:
``edits`` when at least one change in the chosen articles has its typed edits stored, else
``changes`` (an archive never analysed still gets a chart); ``unanalysed`` counts the changes
without stored edits, which an edit count misses.

Which articles: the coverage of ``story`` (any of its events, manual unlinks left out) or the
whole archive, of one ``outlet`` if given; changes captured in ``[since, until)``.

The time axis runs from the bucket of the first change to the bucket of the last, every bucket
in between included (empty or not), so that gaps show. ``bucket="auto"`` takes the finest of day,
week (ISO, Monday to Sunday), month and year that keeps at most :data:`MAX_BUCKETS` buckets.

Events: those of ``story`` (of every story without one), each with the period its date stands
for (a day; the whole month or year of an imprecise date; up to its end date), numbered in date
order when the period meets the axis, so that a chart can mark them with short labels and list
them in a key. :meth:`Series.locate` turns a day into a position on the axis, in buckets.

Counting is done in SQL per day, outlet and kind (the same statements on SQLite and PostgreSQL);
only those few rows leave the database, and days are folded into buckets here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from newsdiff.errors import NotFound
from newsdiff.store.edits import KIND_BADGES
from newsdiff.store.models import Article, Coverage, Edit, Event, Outlet, Story, Version
from newsdiff.timeline.show import format_event_date

BUCKETS = ("day", "week", "month", "year")
MEASURES = ("edits", "changes")
MAX_BUCKETS = 62
NO_OUTLET = "(no outlet)"


@dataclass(frozen=True)
class Bucket:
    """One step of the time axis: the days ``start`` to ``end`` (inclusive), UTC."""

    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class OutletSeries:
    """One outlet's counts, one number per bucket of the series."""

    outlet: str
    changes: tuple[int, ...]  # changed versions
    edits: tuple[int, ...]  # typed edits of those versions
    kinds: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # kind -> edits
    folded: int = 0  # > 0: not an outlet but the sum of this many outlets (see Series.top)

    def counts(self, measure: str) -> tuple[int, ...]:
        return self.edits if measure == "edits" else self.changes

    def total(self, measure: str) -> int:
        return sum(self.counts(measure))


@dataclass(frozen=True)
class EventMark:
    """An event to mark on the time axis."""

    story: str  # the story's slug
    story_title: str
    slug: str
    title: str
    kind: str | None
    date: dt.date
    end_date: dt.date | None
    precision: str  # day / month / year
    start: dt.date  # the period the date stands for (inclusive)
    end: dt.date
    when: str  # as people read it: "2008-11-12", "December 2006", "2008-11-13 – 2008-11-26"
    number: int | None = None  # 1, 2... in date order; None: outside the axis

    @property
    def is_period(self) -> bool:
        """Does it stand for more than one day (a band rather than a line)?"""
        return self.end > self.start


@dataclass(frozen=True)
class Series:
    """Counts per outlet over time buckets, and the events on the same axis."""

    story: str | None
    bucket: str  # day / week / month / year
    measure: str  # edits / changes: what a chart draws
    buckets: tuple[Bucket, ...]
    outlets: tuple[OutletSeries, ...]  # most first (by the measure), then by name
    events: tuple[EventMark, ...]  # date order
    changes: int  # changed versions in all
    unanalysed: int  # changes without stored typed edits

    @property
    def empty(self) -> bool:
        """Nothing to draw: no change (or, counting edits, no edit) at all."""
        return not any(o.total(self.measure) for o in self.outlets)

    @property
    def marked(self) -> tuple[EventMark, ...]:
        """The events whose period meets the axis, numbered."""
        return tuple(e for e in self.events if e.number is not None)

    @property
    def kinds(self) -> list[str]:
        """The edit kinds that occur, in the badge order (headline, number, quote...)."""
        seen = {k for o in self.outlets for k, counts in o.kinds.items() if any(counts)}
        known = [k for k in KIND_BADGES if k in seen]
        return known + sorted(seen.difference(known))

    def totals(self) -> tuple[int, ...]:
        """Per bucket, the measure summed over the outlets."""
        out = [0] * len(self.buckets)
        for o in self.outlets:
            for i, n in enumerate(o.counts(self.measure)):
                out[i] += n
        return tuple(out)

    def kind_totals(self) -> dict[str, tuple[int, ...]]:
        """Per kind, its edits per bucket over all outlets (kinds in :attr:`kinds` order)."""
        out = {}
        for kind in self.kinds:
            rows = [o.kinds.get(kind, ()) for o in self.outlets]
            out[kind] = tuple(sum(r[i] for r in rows if r) for i in range(len(self.buckets)))
        return out

    def locate(self, day: dt.date) -> float | None:
        """Where ``day`` begins on the axis, in buckets (0: the first bucket's start; a day in
        bucket i is between i and i + 1), None outside the axis."""
        for i, b in enumerate(self.buckets):
            if b.contains(day):
                length = (b.end - b.start).days + 1
                return i + (day - b.start).days / length
        if self.buckets and day == self.buckets[-1].end + dt.timedelta(days=1):
            return float(len(self.buckets))  # the end of the axis
        return None

    def span(self, event: EventMark) -> tuple[float, float] | None:
        """The part of the axis ``event``'s period covers, in buckets (start, end); None when
        it does not meet the axis. A one-day period is one day wide."""
        if not self.buckets:
            return None
        first, last = self.buckets[0].start, self.buckets[-1].end
        if event.end < first or event.start > last:
            return None
        start = self.locate(max(event.start, first))
        end = self.locate(min(event.end, last) + dt.timedelta(days=1))
        assert start is not None and end is not None
        return start, end

    def top(self, n: int, label: str = "Other outlets") -> Series:
        """The ``n - 1`` first outlets and the rest summed in one (``folded`` = how many),
        when there are more than ``n``; else this series."""
        if len(self.outlets) <= n or n < 2:
            return self
        keep, rest = list(self.outlets[: n - 1]), self.outlets[n - 1 :]
        kinds: dict[str, list[int]] = {}
        for o in rest:
            for kind, counts in o.kinds.items():
                acc = kinds.setdefault(kind, [0] * len(self.buckets))
                for i, c in enumerate(counts):
                    acc[i] += c
        keep.append(
            OutletSeries(
                outlet=f"{label} ({len(rest)})",
                changes=_sum_columns([o.changes for o in rest]),
                edits=_sum_columns([o.edits for o in rest]),
                kinds={k: tuple(v) for k, v in kinds.items()},
                folded=sum(max(1, o.folded) for o in rest),
            )
        )
        return replace(self, outlets=tuple(keep))

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "bucket": self.bucket,
            "measure": self.measure,
            "changes": self.changes,
            "unanalysed": self.unanalysed,
            "buckets": [
                {"start": b.start.isoformat(), "end": b.end.isoformat()} for b in self.buckets
            ],
            "outlets": [
                {
                    "outlet": o.outlet,
                    "changes": list(o.changes),
                    "edits": list(o.edits),
                    "kinds": {k: list(v) for k, v in o.kinds.items()},
                    **({"folded": o.folded} if o.folded else {}),
                }
                for o in self.outlets
            ],
            "events": [
                {
                    "number": e.number,
                    "story": e.story,
                    "slug": e.slug,
                    "title": e.title,
                    "kind": e.kind,
                    "date": e.date.isoformat(),
                    "end_date": e.end_date.isoformat() if e.end_date else None,
                    "precision": e.precision,
                    "start": e.start.isoformat(),
                    "end": e.end.isoformat(),
                    "when": e.when,
                }
                for e in self.events
            ],
        }


class _Columns:
    """One outlet's counts per bucket, while they are added up."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.changes = [0] * n
        self.edits = [0] * n
        self.kinds: dict[str, list[int]] = {}

    def add_edits(self, i: int, kind: str, count: int) -> None:
        self.edits[i] += count
        self.kinds.setdefault(kind, [0] * self.n)[i] += count


def _sum_columns(rows: Iterable[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sum(column) for column in zip(*rows, strict=True))


# --- buckets -------------------------------------------------------------------------------


def bucket_start(day: dt.date, bucket: str) -> dt.date:
    """The first day of the bucket ``day`` falls in."""
    if bucket == "day":
        return day
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}, got {bucket!r}")


def _next_start(start: dt.date, bucket: str) -> dt.date | None:
    """The first day of the bucket after the one starting ``start`` (None past the calendar)."""
    try:
        if bucket == "day":
            return start + dt.timedelta(days=1)
        if bucket == "week":
            return start + dt.timedelta(days=7)
        if bucket == "month":
            return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start.replace(year=start.year + 1)
    except (OverflowError, ValueError):
        return None


def make_buckets(first: dt.date, last: dt.date, bucket: str) -> tuple[Bucket, ...]:
    """Every bucket from the one holding ``first`` to the one holding ``last``."""
    out = []
    start: dt.date | None = bucket_start(first, bucket)
    while start is not None and start <= last:
        following = _next_start(start, bucket)
        end = following - dt.timedelta(days=1) if following else dt.date.max
        out.append(Bucket(start, end))
        start = following
    return tuple(out)


def choose_bucket(first: dt.date, last: dt.date, limit: int = MAX_BUCKETS) -> str:
    """The finest bucket that spans ``first`` to ``last`` in at most ``limit`` buckets."""
    for bucket in BUCKETS[:-1]:
        starts = bucket_start(first, bucket), bucket_start(last, bucket)
        if bucket == "day":
            n = (starts[1] - starts[0]).days + 1
        elif bucket == "week":
            n = (starts[1] - starts[0]).days // 7 + 1
        else:
            n = (starts[1].year - starts[0].year) * 12 + starts[1].month - starts[0].month + 1
        if n <= limit:
            return bucket
    return "year"


# --- events --------------------------------------------------------------------------------


def event_period(event: Event) -> tuple[dt.date, dt.date]:
    """The days an event's date stands for: the day, or the whole month or year of an imprecise
    date, extended to its end date."""
    start = end = event.date
    if event.date_precision == "month":
        following = _next_start(event.date.replace(day=1), "month")
        end = following - dt.timedelta(days=1) if following else dt.date.max
    elif event.date_precision == "year":
        end = dt.date(event.date.year, 12, 31)
    if event.end_date is not None:
        end = max(end, event.end_date)
    return start, end


def _events(session: Session, story: Story | None) -> list[EventMark]:
    stmt = select(Event, Story.slug, Story.title).join(Story, Story.id == Event.story_id)
    if story is not None:
        stmt = stmt.where(Event.story_id == story.id)
    stmt = stmt.order_by(Event.date, Story.slug, Event.date_precision, Event.id)
    out = []
    for event, slug, title in session.execute(stmt):
        start, end = event_period(event)
        out.append(
            EventMark(
                story=str(slug),
                story_title=str(title),
                slug=event.slug,
                title=event.title,
                kind=event.kind,
                date=event.date,
                end_date=event.end_date,
                precision=event.date_precision,
                start=start,
                end=end,
                when=format_event_date(event),
            )
        )
    return out


# --- counting ------------------------------------------------------------------------------


def _day(session: Session, column: Any) -> ColumnElement[Any]:
    """The UTC day of a timestamp column, as YYYY-MM-DD text."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column)  # stored as UTC text
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")


def _story(session: Session, slug: str) -> Story:
    story = session.scalars(select(Story).where(Story.slug == slug)).one_or_none()
    if story is None:
        raise NotFound(f"no story {slug!r}")
    return story


def _outlet(session: Session, name: str) -> Outlet:
    outlet = session.scalars(
        select(Outlet).where(or_(Outlet.name == name, Outlet.slug == name))
    ).first()
    if outlet is None:
        raise NotFound(f"no outlet {name!r}")
    return outlet


def _chosen(
    stmt: Select[Any],
    story: Story | None,
    outlet: Outlet | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[Any]:
    """``stmt`` (over versions joined to articles) limited to the chosen changes."""
    stmt = stmt.where(Version.number > 1)
    if story is not None:
        covering = (
            select(Coverage.article_id)
            .join(Event, Event.id == Coverage.event_id)
            .where(Event.story_id == story.id, Coverage.excluded.is_(False))
        )
        stmt = stmt.where(Version.article_id.in_(covering))
    if outlet is not None:
        stmt = stmt.where(Article.outlet_id == outlet.id)
    if since is not None:
        stmt = stmt.where(Version.captured_at >= since)
    if until is not None:
        stmt = stmt.where(Version.captured_at < until)
    return stmt


def edit_series(
    session: Session,
    *,
    story: str | None = None,
    outlet: str | None = None,
    bucket: str = "auto",
    measure: str = "auto",
    since: datetime | None = None,
    until: datetime | None = None,
) -> Series:
    """Edits (or changed versions) per outlet over time, and the events to mark: see the module
    docstring. ``bucket``: day, week, month, year or auto; ``measure``: edits, changes or auto.
    Raises :class:`NotFound` for an unknown story or outlet, :class:`ValueError` for an unknown
    bucket or measure."""
    if bucket != "auto" and bucket not in BUCKETS:
        raise ValueError(f"bucket must be auto or one of {', '.join(BUCKETS)}, got {bucket!r}")
    if measure != "auto" and measure not in MEASURES:
        raise ValueError(f"measure must be auto or one of {', '.join(MEASURES)}, got {measure!r}")
    the_story = _story(session, story) if story else None
    the_outlet = _outlet(session, outlet) if outlet else None
    day = _day(session, Version.captured_at)

    # changed versions per (day, outlet), and how many of them have no stored edits
    stmt = (
        select(
            day.label("day"),
            Article.outlet_id,
            func.count(),
            func.count(Version.analyser_version),
        )
        .select_from(Version)
        .join(Article, Article.id == Version.article_id)
        .group_by(day, Article.outlet_id)
    )
    changes: dict[tuple[dt.date, int | None], int] = {}
    analysed = 0
    for key, outlet_id, n, with_edits in session.execute(
        _chosen(stmt, the_story, the_outlet, since, until)
    ):
        changes[(dt.date.fromisoformat(str(key)), outlet_id)] = int(n)
        analysed += int(with_edits)
    # typed edits per (day, outlet, kind)
    stmt = (
        select(day.label("day"), Article.outlet_id, Edit.kind, func.count())
        .select_from(Version)
        .join(Article, Article.id == Version.article_id)
        .join(Edit, Edit.version_id == Version.id)
        .group_by(day, Article.outlet_id, Edit.kind)
    )
    edits: dict[tuple[dt.date, int | None, str], int] = {}
    for key, outlet_id, kind, n in session.execute(
        _chosen(stmt, the_story, the_outlet, since, until)
    ):
        edits[(dt.date.fromisoformat(str(key)), outlet_id, str(kind))] = int(n)

    total_changes = sum(changes.values())
    chosen_measure = measure if measure != "auto" else ("edits" if analysed else "changes")
    events = _events(session, the_story)
    days = sorted({d for d, _ in changes})
    if not days:
        return Series(
            story,
            bucket if bucket != "auto" else "day",
            chosen_measure,
            (),
            (),
            tuple(events),
            0,
            0,
        )
    the_bucket = bucket if bucket != "auto" else choose_bucket(days[0], days[-1])
    buckets = make_buckets(days[0], days[-1], the_bucket)
    index = {b.start: i for i, b in enumerate(buckets)}

    names = {int(i): str(n) for i, n in session.execute(select(Outlet.id, Outlet.name))}
    columns: dict[int | None, _Columns] = {}
    for (d, outlet_id), n in changes.items():
        columns.setdefault(outlet_id, _Columns(len(buckets))).changes[
            index[bucket_start(d, the_bucket)]
        ] += n
    for (d, outlet_id, kind), n in edits.items():
        columns.setdefault(outlet_id, _Columns(len(buckets))).add_edits(
            index[bucket_start(d, the_bucket)], kind, n
        )
    outlets = [
        OutletSeries(
            outlet=NO_OUTLET if outlet_id is None else names.get(outlet_id, NO_OUTLET),
            changes=tuple(c.changes),
            edits=tuple(c.edits),
            kinds={k: tuple(v) for k, v in sorted(c.kinds.items())},
        )
        for outlet_id, c in columns.items()
    ]
    outlets.sort(key=lambda o: (-o.total(chosen_measure), -o.total("changes"), o.outlet))
    first, last = buckets[0].start, buckets[-1].end
    number = 0
    numbered = []
    for e in events:
        if e.end >= first and e.start <= last:
            number += 1
            e = replace(e, number=number)
        numbered.append(e)
    return Series(
        story=story,
        bucket=the_bucket,
        measure=chosen_measure,
        buckets=buckets,
        outlets=tuple(outlets),
        events=tuple(numbered),
        changes=total_changes,
        unanalysed=total_changes - analysed,
    )
