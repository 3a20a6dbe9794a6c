"""Change statistics across the archive: how much was changed, how soon, and how.

The unit is the article (one with at least one stored version). A row of figures is about a set
of articles and *all* their versions:

- ``articles``, ``changed_articles`` (those with a second version), ``versions``, ``changes``
  (versions after the first), words added and removed by those changes, headline changes;
- ``median_to_first_change``: the median, over the changed articles, of the time from the first
  capture (the earliest version) to the second version;
- ``edits``: typed edits per kind, and how many of them are ``silent`` (factual edits no
  correction notice owns up to); ``unanalysed``: changes whose edits are not computed yet (or
  were computed by an older analyser), so the edit counts miss them until ``newsdiff analyse``.

Which articles: ``story`` (covering any event of the story), ``outlet``, and ``since``/``until``
on the first capture. Rows (``by``): per outlet; per event of the story (the articles linked to
the event: its coverage, made by the event's window; an article linked to two events counts in
both rows, once in the total); per UTC week (Monday to Sunday) or day of the first capture
(each period's articles and everything that later happened to them: a cohort, so every figure of
a row is about the same articles). The total row counts each article once.

Everything is aggregated in SQL, the same statements on SQLite and PostgreSQL: one pass over
versions grouped by article, then grouped by row; the median with window functions; edits
grouped by row and kind. Only one line per row and kind leaves the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Subquery

from newsdiff.config import LinkingSettings
from newsdiff.errors import NotFound
from newsdiff.store.edits import KIND_BADGES
from newsdiff.store.models import Article, Coverage, Edit, Event, Outlet, Story, Version
from newsdiff.timeline.linking import event_windows

BY = ("outlet", "event", "week", "day")
TOTAL = "total"


@dataclass(frozen=True)
class StatsRow:
    """The figures of one set of articles (see the module docstring)."""

    key: str  # outlet name, event slug, week's Monday or day (YYYY-MM-DD), "total"
    label: str  # what to show: the outlet, the event's title, "2008-W46", the day
    articles: int = 0
    changed_articles: int = 0
    versions: int = 0
    changes: int = 0
    words_added: int = 0
    words_removed: int = 0
    headline_changes: int = 0
    median_to_first_change: dt.timedelta | None = None
    edits: dict[str, int] = field(default_factory=dict)  # kind -> count
    silent: int = 0
    unanalysed: int = 0
    start: dt.date | None = None  # the event's window, the week or the day
    end: dt.date | None = None  # inclusive

    @property
    def share_changed(self) -> float | None:
        """Changed articles / articles (None without articles)."""
        return self.changed_articles / self.articles if self.articles else None

    @property
    def changes_per_article(self) -> float | None:
        return self.changes / self.articles if self.articles else None

    def to_dict(self) -> dict[str, Any]:
        median = self.median_to_first_change
        share, per = self.share_changed, self.changes_per_article
        return {
            "key": self.key,
            "label": self.label,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "articles": self.articles,
            "changed_articles": self.changed_articles,
            "share_changed": None if share is None else round(share, 4),
            "versions": self.versions,
            "changes": self.changes,
            "changes_per_article": None if per is None else round(per, 4),
            "median_first_change_s": None if median is None else round(median.total_seconds()),
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "headline_changes": self.headline_changes,
            "edits": dict(self.edits),
            "silent": self.silent,
            "unanalysed": self.unanalysed,
        }


@dataclass(frozen=True)
class Stats:
    """Rows (none without ``by``) and the total over all the articles chosen."""

    by: str | None
    rows: list[StatsRow]
    total: StatsRow
    filters: dict[str, str | None]

    @property
    def kinds(self) -> list[str]:
        """The edit kinds that occur, in the badge order (headline, number, quote...)."""
        seen = set(self.total.edits)
        for row in self.rows:
            seen.update(row.edits)
        known = [k for k in KIND_BADGES if k in seen]
        return known + sorted(seen.difference(known))

    @property
    def note(self) -> str | None:
        """What the edit counts miss, and what to run about it."""
        n = self.total.unanalysed
        if not n:
            return None
        what = "change has" if n == 1 else "changes have"
        return (
            f"{n} {what} no typed edits yet (not analysed, or by an older analyser): the edit "
            "counts miss them; run `newsdiff analyse`"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "filters": dict(self.filters),
            "rows": [r.to_dict() for r in self.rows],
            "total": self.total.to_dict(),
            "note": self.note,
        }


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


def _analyser_version() -> str:
    from newsdiff.diff.edits import ANALYSER_VERSION

    return ANALYSER_VERSION


def _per_article(
    story: Story | None, outlet: Outlet | None, since: datetime | None, until: datetime | None
) -> Subquery:
    """One row per chosen article: its version figures (SQL; nothing is fetched)."""
    v = Version
    later = v.number > 1
    current = _analyser_version()
    stmt = (
        select(
            v.article_id.label("article_id"),
            Article.outlet_id.label("outlet_id"),
            func.count().label("versions"),
            func.min(v.captured_at).label("first_at"),
            func.min(case((v.number == 2, v.captured_at))).label("changed_at"),
            func.sum(case((later, v.words_added), else_=0)).label("added"),
            func.sum(case((later, v.words_removed), else_=0)).label("removed"),
            func.sum(case((and_(later, v.title_changed.is_(True)), 1), else_=0)).label("headlines"),
            func.sum(
                case(
                    (
                        and_(
                            later,
                            or_(v.analyser_version.is_(None), v.analyser_version != current),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("unanalysed"),
        )
        .join(Article, Article.id == v.article_id)
        .group_by(v.article_id, Article.outlet_id)
    )
    if outlet is not None:
        stmt = stmt.where(Article.outlet_id == outlet.id)
    if story is not None:
        stmt = stmt.where(v.article_id.in_(_story_articles(story)))
    if since is not None:
        stmt = stmt.having(func.min(v.captured_at) >= since)
    if until is not None:
        stmt = stmt.having(func.min(v.captured_at) < until)
    return stmt.subquery("per_article")


def _story_articles(story: Story) -> Select[int]:
    return (
        select(Coverage.article_id)
        .join(Event, Event.id == Coverage.event_id)
        .where(Event.story_id == story.id, Coverage.excluded.is_(False))
    )


def _keyed(session: Session, per: Subquery, by: str | None, story: Story | None) -> Subquery:
    """``per`` with the key of the row each article counts in (one line per article and key)."""
    dialect = session.get_bind().dialect.name
    first = per.c.first_at
    key: ColumnElement[Any]
    stmt: Select[Any]
    if by == "outlet":
        key = cast(func.coalesce(per.c.outlet_id, 0), String)
    elif by in ("day", "week"):
        if dialect == "sqlite":
            key = func.date(first) if by == "day" else func.date(first, "weekday 0", "-6 days")
        else:
            utc = func.timezone("UTC", first)
            key = func.to_char(utc if by == "day" else func.date_trunc("week", utc), "YYYY-MM-DD")
    elif by == "event":
        assert story is not None
        key = cast(Coverage.event_id, String)
    else:
        key = literal(TOTAL, String)
    stmt = select(per, key.label("key"))
    if by == "event":
        assert story is not None
        stmt = stmt.join(
            Coverage,
            and_(Coverage.article_id == per.c.article_id, Coverage.excluded.is_(False)),
        ).where(
            Coverage.event_id.in_(select(Event.id).where(Event.story_id == story.id)),
        )
    return stmt.subquery("keyed")


def _seconds(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def _aggregate(session: Session, keyed: Subquery) -> dict[str, StatsRow]:
    """The figures per key: three grouped statements."""
    k = keyed.c
    rows: dict[str, dict[str, Any]] = {}
    stmt = select(
        k.key,
        func.count(),
        func.sum(case((k.versions > 1, 1), else_=0)),
        func.sum(k.versions),
        func.sum(k.added),
        func.sum(k.removed),
        func.sum(k.headlines),
        func.sum(k.unanalysed),
    ).group_by(k.key)
    for key, n, changed, versions, added, removed, headlines, unanalysed in session.execute(stmt):
        rows[str(key)] = {
            "articles": int(n),
            "changed_articles": int(changed or 0),
            "versions": int(versions or 0),
            "changes": int(versions or 0) - int(n),
            "words_added": int(added or 0),
            "words_removed": int(removed or 0),
            "headline_changes": int(headlines or 0),
            "unanalysed": int(unanalysed or 0),
            "edits": {},
            "silent": 0,
        }
    # the median time to the first change: the middle one or two of each key's ordered delays
    delay = cast(_seconds(session.get_bind().dialect.name, k.first_at, k.changed_at), Float)
    delays = (
        select(
            k.key.label("key"),
            delay.label("d"),
            func.row_number().over(partition_by=k.key, order_by=delay).label("rn"),
            func.count().over(partition_by=k.key).label("n"),
        )
        .where(k.changed_at.is_not(None))
        .subquery("delays")
    )
    d = delays.c
    # the middle row of an odd count (2 rn = n + 1), the middle two of an even one (n, n + 2);
    # no division: SQLAlchemy's "/" is true division
    middle = (2 * d.rn).in_([d.n, d.n + 1, d.n + 2])
    for key, median in session.execute(select(d.key, func.avg(d.d)).where(middle).group_by(d.key)):
        if str(key) in rows and median is not None:
            rows[str(key)]["median_to_first_change"] = dt.timedelta(seconds=round(float(median)))
    edits = (
        select(
            k.key,
            Edit.kind,
            func.count(),
            func.sum(case((Edit.silent.is_(True), 1), else_=0)),
        )
        .join(Edit, Edit.article_id == k.article_id)
        .group_by(k.key, Edit.kind)
    )
    for key, kind, n, silent in session.execute(edits):
        row = rows.get(str(key))
        if row is not None:
            row["edits"][str(kind)] = int(n)
            row["silent"] += int(silent or 0)
    return {key: StatsRow(key=key, label=key, **values) for key, values in rows.items()}


def _relabel(row: StatsRow, **changes: Any) -> StatsRow:
    return replace(row, **changes)


def compute_stats(
    session: Session,
    *,
    story: str | None = None,
    outlet: str | None = None,
    by: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    linking: LinkingSettings | None = None,
) -> Stats:
    """Change statistics of the chosen articles, in rows ``by`` outlet, event (needs
    ``story``), week or day, and in total. Raises :class:`NotFound` for an unknown story or
    outlet, :class:`ValueError` for an unknown ``by`` or ``event`` without a story."""
    if by is not None and by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    if by == "event" and story is None:
        raise ValueError("statistics per event need a story")
    the_story = _story(session, story) if story else None
    the_outlet = _outlet(session, outlet) if outlet else None
    per = _per_article(the_story, the_outlet, since, until)
    totals = _aggregate(session, _keyed(session, per, None, None))
    total = totals.get(TOTAL, StatsRow(TOTAL, TOTAL))
    rows: list[StatsRow] = []
    if by is not None:
        found = _aggregate(session, _keyed(session, per, by, the_story))
        rows = _arrange(session, by, found, the_story, linking or LinkingSettings())
    filters = {
        "story": story,
        "outlet": outlet,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    return Stats(by, rows, total, filters)


def _arrange(
    session: Session,
    by: str,
    found: dict[str, StatsRow],
    story: Story | None,
    linking: LinkingSettings,
) -> list[StatsRow]:
    """Rows with their labels, in their natural order."""
    if by == "outlet":
        names = {int(i): str(n) for i, n in session.execute(select(Outlet.id, Outlet.name))}
        rows = []
        for key, row in found.items():
            name = names.get(int(key), "(no outlet)")
            rows.append(_relabel(row, key=name, label=name))
        return sorted(rows, key=lambda r: (-r.articles, r.label))
    if by == "event":
        assert story is not None
        events = list(
            session.scalars(
                select(Event).where(Event.story_id == story.id).order_by(Event.date, Event.id)
            )
        )
        windows = event_windows(events, linking)
        out = []
        for event in events:
            row = found.get(str(event.id), StatsRow(str(event.id), ""))
            window = windows[event.id]
            out.append(
                _relabel(row, key=event.slug, label=event.title, start=window.start, end=window.end)
            )
        return out
    out = []
    for key in sorted(found):
        day = dt.date.fromisoformat(key)
        if by == "week":
            year, week, _ = day.isocalendar()
            row = _relabel(
                found[key],
                label=f"{year}-W{week:02d}",
                start=day,
                end=day + dt.timedelta(days=6),
            )
        else:
            row = _relabel(found[key], label=key, start=day, end=day)
        out.append(row)
    return out
