"""What ``newsdiff demo --no-tui`` prints: a summary of the demo database.

:func:`build_summary` reads it (plain frozen rows, no ORM objects); :func:`summary_text` lays it
out for a terminal, with the most-edited article's last change rendered side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from newsdiff.demo.content import load_content
from newsdiff.demo.run import STORY, DemoResult
from newsdiff.diff import Document, DocumentDiff, compare
from newsdiff.store.db import Database
from newsdiff.store.models import Article, Check, Coverage, Outlet
from newsdiff.store.versions import change_window, list_versions
from newsdiff.text import printable
from newsdiff.timeline.show import story_timeline
from newsdiff.timeline.stories import get_story


@dataclass(frozen=True)
class RoundRow:
    number: int  # 1-based
    at: datetime
    note: str
    new_articles: int
    checks: int
    new_versions: int
    template_only: bool


@dataclass(frozen=True)
class EventCoverage:
    when: str
    title: str
    slug: str
    articles: int
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class VersionRow:
    number: int
    captured_at: datetime
    title: str
    words_added: int
    words_removed: int


@dataclass(frozen=True)
class MostEdited:
    article_id: int
    outlet: str
    title: str
    url: str
    versions: tuple[VersionRow, ...]
    last_diff: DocumentDiff | None  # the last version against the one before
    changed_after: datetime | None  # the change window of the last version
    changed_by: datetime | None


@dataclass(frozen=True)
class DemoSummary:
    db_path: str
    database_url: str
    seconds: float
    replaced: bool
    outlets: int
    articles: int
    versions: int
    checks: int
    rounds: tuple[RoundRow, ...]
    story_title: str
    events: tuple[EventCoverage, ...]
    unlinked: tuple[str, ...]  # titles of articles linked to no event
    most_edited: MostEdited | None


def _most_edited(database: Database, article_id: int) -> MostEdited:
    with database.read() as session:
        article = session.get(Article, article_id)
        assert article is not None
        outlet = session.get(Outlet, article.outlet_id) if article.outlet_id else None
        versions = list_versions(session, article_id)
        diff = None
        after = by = None
        if len(versions) >= 2:
            old, new = versions[-2], versions[-1]
            diff = compare(
                Document(old.title, old.paragraph_list), Document(new.title, new.paragraph_list)
            )
            window = change_window(session, new)
            after, by = window.last_old, window.first_new
        return MostEdited(
            article_id=article.id,
            outlet=outlet.name if outlet else "-",
            title=article.title or article.url,
            url=article.url,
            versions=tuple(
                VersionRow(v.number, v.captured_at, v.title, v.words_added, v.words_removed)
                for v in versions
            ),
            last_diff=diff,
            changed_after=after,
            changed_by=by,
        )


def build_summary(result: DemoResult) -> DemoSummary:
    """Read the summary of a finished demo run from its database."""
    content = load_content()
    database = Database(result.database_url)
    try:
        with database.read() as session:
            counts = {
                "outlets": session.scalar(select(func.count()).select_from(Outlet)),
                "articles": session.scalar(select(func.count()).select_from(Article)),
                "versions": session.scalar(select(func.sum(Article.version_count))),
                "checks": session.scalar(select(func.count()).select_from(Check)),
            }
            story = get_story(session, STORY)
            timeline = story_timeline(session, story)
            linked = select(Coverage.article_id).where(Coverage.excluded.is_(False))
            unlinked = session.scalars(
                select(Article.title).where(Article.id.not_in(linked)).order_by(Article.id)
            ).all()
            story_title = story.title
        most = _most_edited(database, result.most_edited) if result.most_edited else None
    finally:
        database.dispose()
    rounds = tuple(
        RoundRow(
            number=i + 1,
            at=r.at,
            note=r.note,
            new_articles=poll.new_articles,
            checks=poll.checks,
            new_versions=poll.new_versions,
            template_only=r.template_only,
        )
        for i, (r, poll) in enumerate(zip(content.rounds, result.polls, strict=False))
    )
    events = tuple(
        EventCoverage(
            when=e.when,
            title=e.title,
            slug=e.slug,
            articles=len(e.coverage),
            outlets=tuple(sorted({c.outlet or "-" for c in e.coverage})),
        )
        for e in timeline
    )
    return DemoSummary(
        db_path=str(result.db_path),
        database_url=result.database_url,
        seconds=result.seconds,
        replaced=result.replaced,
        outlets=int(counts["outlets"] or 0),
        articles=int(counts["articles"] or 0),
        versions=int(counts["versions"] or 0),
        checks=int(counts["checks"] or 0),
        rounds=rounds,
        story_title=story_title,
        events=events,
        unlinked=tuple(t or "?" for t in unlinked),
        most_edited=most,
    )


def _stamp(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "-"


def summary_text(summary: DemoSummary, *, width: int = 100, color: bool = False) -> str:
    """The summary for a terminal (article text shown literally, never interpreted)."""
    from newsdiff.diff import render_side_by_side

    s = summary
    out = [
        f"newsdiff demo: {s.outlets} outlets, {s.articles} articles, {s.versions} versions, "
        f"{s.checks} checks in {len(s.rounds)} rounds ({s.seconds:.1f}s)",
        "",
        "Rounds (the poller's clock):",
    ]
    for r in s.rounds:
        mark = "  <- page furniture only: no new version" if r.template_only else ""
        out.append(
            f"  {r.number:>2}  {_stamp(r.at)}  {r.new_articles:>2} new articles "
            f"{r.new_versions:>2} new versions  {printable(r.note)}{mark}"
        )
    out += ["", f"Story: {printable(s.story_title)} ({STORY})"]
    for e in s.events:
        outlets = ", ".join(printable(o) for o in e.outlets) or "-"
        count = f"{e.articles} article" + ("" if e.articles == 1 else "s")
        out.append(f"  {e.when:<24} {count:>11}  {printable(e.title)}")
        if e.articles:
            out.append(f"  {'':<24} {'':>11}  ({outlets})")
    if s.unlinked:
        out.append(f"  not linked to any event: {'; '.join(printable(t) for t in s.unlinked)}")
    m = s.most_edited
    if m is not None:
        out += [
            "",
            f"Most edited: article {m.article_id}, {printable(m.outlet)}, "
            f"{len(m.versions)} versions",
            f"  {printable(m.url)}",
        ]
        for v in m.versions:
            out.append(
                f"  v{v.number:<2} {_stamp(v.captured_at)}  +{v.words_added:<4} "
                f"-{v.words_removed:<4} {printable(v.title)}"
            )
        if m.last_diff is not None:
            last = m.versions[-1].number
            out += [
                "",
                f"Last change, v{last - 1} -> v{last} "
                f"(between {_stamp(m.changed_after)} and {_stamp(m.changed_by)}):",
                render_side_by_side(m.last_diff, width=width, color=color),
            ]
    return "\n".join(out)


def command_name() -> str:
    """How to run newsdiff again from this shell: ``newsdiff`` when that is on PATH and is this
    installation, else the path of the script that is running (``.venv/bin/newsdiff`` after
    the quick start, which puts nothing on PATH), else ``python -m newsdiff``."""
    import os
    import shutil
    import sys
    from pathlib import Path

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    on_path = shutil.which("newsdiff")
    if script is not None and script.name == "newsdiff" and script.exists():
        if on_path and Path(on_path).resolve() == script.resolve():
            return "newsdiff"
        try:
            relative = os.path.relpath(script.resolve(), Path.cwd())
        except ValueError:  # another drive (Windows)
            relative = str(script.resolve())
        shown = relative if not relative.startswith("..") else str(script.resolve())
        return shown if "/" in shown else f"./{shown}"
    return "newsdiff" if on_path else f"{Path(sys.executable).name} -m newsdiff"


def next_steps(summary: DemoSummary) -> list[str]:
    """How to explore the demo database afterwards, with commands that work as printed."""
    env = f"NEWSDIFF_DATABASE_URL={summary.database_url}"
    cmd = command_name()
    return [
        f"The demo database is {summary.db_path}. Explore it with:",
        f"  {env} {cmd} story show {STORY}",
        f"  {env} {cmd} diff ARTICLE",
        f"  {env} {cmd} tui --story {STORY}",
    ]
