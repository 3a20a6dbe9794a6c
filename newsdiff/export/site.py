"""A static HTML site of the archive that opens offline: plain files, relative links, one local
stylesheet, no JavaScript.

The index lists the stories, the latest changes and every article; a story page shows the
story's timeline of events with the coverage of each. Both carry a chart of edits over time
per outlet, the events marked on its time axis (:mod:`newsdiff.export.charts`: inline SVG, the
figures of :func:`newsdiff.timeline.series.edit_series`; the index's over the whole archive).
An article page shows its version history, with the kinds of each version's typed edits as
labels; a version page the list of its typed edits
(kind, change, old and new text, speaker, values, a ``silent`` label) above the side-by-side diff
against the version before (the diff engine's ``html_table``, with the same colours and marks as
the terminal), with a link to the live page as it is today and one to the Wayback Machine's copy
of the version's time. Edits are the stored ones, or computed for the page when a version has not
been analysed yet (:mod:`newsdiff.export.edits`). Event dates are shown at their precision
(``December 2006``). Below 700 px wide every page is one column: lists become blocks of labelled
cells and the diff shows each paragraph's old text above its new one. The layout of the files is
in :mod:`newsdiff.export.layout`. Every piece of text is escaped, and control characters are
shown as visible symbols.

Pages are written one article at a time (its versions and checks loaded, diffed, written, then
dropped), so memory does not grow with the size of the archive. The output directory is managed
by :mod:`newsdiff.export.sitedir`: only a new or empty one, or one an earlier export wrote; the
pages of that export no longer part of the site are removed, nothing else.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from newsdiff import __version__
from newsdiff.diff import DIFF_CSS, html_table
from newsdiff.export import layout
from newsdiff.export.atom import FEED_LIMIT, build_feed, diff_pair, stats_line
from newsdiff.export.charts import CHART_CSS, chart_figure
from newsdiff.export.edits import article_edits, badges, edits_section
from newsdiff.export.escape import html_text
from newsdiff.export.newsedits import ARCHIVE_URL, archive_url
from newsdiff.export.sitedir import SiteDir
from newsdiff.export.tables import SAW_TEXT, covering_story
from newsdiff.store.models import Article, Check, Event, Outlet, Story, Version
from newsdiff.text import standfirst_of
from newsdiff.timeline.series import EventMark, edit_series
from newsdiff.timeline.show import format_event_date, story_timeline
from newsdiff.timeline.stories import get_story

logger = logging.getLogger(__name__)

PAGE_SIZE = 500
RECENT = 50

SITE_CSS = """\
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
  max-width: 78em; padding: 0 1.2em 2em; line-height: 1.45; color: #1d1d1d; background: #fff; }
header.nd-site { border-bottom: 1px solid #ddd; padding: .8em 0; margin-bottom: 1em;
  font-size: .95em; }
header.nd-site a.nd-home { font-weight: 700; text-decoration: none; }
a { color: #0645ad; }
h1 { font-size: 1.5em; margin: .4em 0; }
h2 { font-size: 1.2em; margin: 1.4em 0 .4em; }
.nd-meta { color: #555; font-size: .92em; }
.nd-standfirst { font-size: 1.08em; font-style: italic; }
.nd-nav { margin: .8em 0; }
.nd-nav a, .nd-nav span { margin-right: 1.2em; }
table.nd-list { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
table.nd-list th, table.nd-list td { text-align: left; vertical-align: top;
  padding: .3em .6em; border-bottom: 1px solid #e6e6e6; }
table.nd-list th { background: #f4f4f4; font-weight: 600; }
table.nd-list td.nd-n { text-align: right; white-space: nowrap; }
.nd-event { border-left: 3px solid #c9c9c9; padding-left: 1em; margin: 1.2em 0; }
.nd-event time { color: #555; font-variant-numeric: tabular-nums; margin-right: .6em; }
.nd-added { color: #0a6b1f; } .nd-removed { color: #b00020; }
.nd-text p { max-width: 46em; }
.nd-badge { display: inline-block; padding: 0 .4em; margin: 0 .2em .1em 0; border-radius: .3em;
  font-size: .8em; line-height: 1.5; background: #eef1f5; border: 1px solid #c9d1db;
  color: #243447; white-space: nowrap; }
.nd-badge.nd-silent { background: #fde8ea; border-color: #e8a3ab; color: #8a0018;
  font-weight: 600; }
.nd-badge.nd-k-trivial, .nd-badge.nd-k-other { background: #f6f6f6; color: #666; }
table.nd-edits td { overflow-wrap: anywhere; }
table.nd-edits del { color: #b00020; background: #fde8ea; }
table.nd-edits ins { color: #0a6b1f; background: #e3f6e6; text-decoration: none; }
footer { margin-top: 3em; color: #777; font-size: .85em; border-top: 1px solid #eee;
  padding-top: .6em; }
"""

# Below 700 px everything is one column: a list's rows become blocks of cells, each cell named by
# its column (data-label); the side-by-side diff stacks each paragraph's old text above its new
# text, the two marked red and green at the left, and shows an unchanged paragraph once. It is
# written after DIFF_CSS, which it overrides.
NARROW_CSS = """\
@media (max-width: 699.98px) {
  body { padding: 0 .7em 1.5em; }
  table.nd-list, table.nd-list tbody, table.nd-list tr, table.nd-list td { display: block; }
  table.nd-list thead { display: none; }
  table.nd-list tr { border-bottom: 1px solid #ddd; padding: .45em 0; }
  table.nd-list td, table.nd-list td.nd-n { border: 0; padding: .1em 0; text-align: left;
    white-space: normal; overflow-wrap: anywhere; }
  table.nd-list td:empty { display: none; }
  table.nd-list td[data-label]::before { content: attr(data-label) ": "; color: #555;
    font-size: .85em; }
  table.nd-diff, table.nd-diff thead, table.nd-diff tbody { display: block; width: auto; }
  table.nd-diff colgroup { display: none; }
  table.nd-diff tr { display: grid; grid-template-columns: 2.2em minmax(0, 1fr);
    border-bottom: 1px solid #d4d4d4; }
  table.nd-diff th, table.nd-diff td { display: block; border-bottom: 0; }
  table.nd-diff td.nd-num, table.nd-diff th:nth-child(odd) { width: auto; padding: .35em .3em 0 0; }
  table.nd-diff tr > :nth-child(1) { grid-area: 1 / 1; }
  table.nd-diff tr > :nth-child(2) { grid-area: 1 / 2; border-left: 3px solid #e8a3ab; }
  table.nd-diff tr > :nth-child(3) { grid-area: 2 / 1; }
  table.nd-diff tr > :nth-child(4) { grid-area: 2 / 2; border-left: 3px solid #8fd19e; }
  table.nd-diff td:empty { display: none; }
  table.nd-diff tr.nd-unchanged > :nth-child(-n+2) { display: none; }
  table.nd-diff tr.nd-unchanged > td.nd-new { border-left-color: #d4d4d4; }
}
"""


_e = html_text  # untrusted text for HTML: control characters made visible, then escaped


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "–"


def _href(target: str, page: str) -> str:
    """The escaped relative link from site page ``page`` to site path ``target``."""
    return html.escape(layout.relative(target, page), quote=True)


def _external(url: str, label: str | None = None) -> str:
    """A link out of the site: only http(s) URLs become links."""
    text = _e(label or url)
    if url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="nofollow noopener noreferrer">{text}</a>'
    return text


def wayback_url(version: Version, url: str) -> str:
    """The Wayback Machine's copy of ``url`` for ``version``: the capture it was taken from
    (``source = "archive:..."``), else the capture nearest its time (the archive redirects)."""
    stamp = version.captured_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
    return archive_url(version.source, url) or ARCHIVE_URL.format(timestamp=stamp, url=url)


def _source_links(version: Version, url: str) -> str:
    """The version's page as it is today, beside the archived copy of the version's time."""
    live = _external(url, "live page (today)")
    if not url.startswith(("http://", "https://")):
        return live
    when = (
        "the capture this version was taken from"
        if version.source.startswith("archive:")
        else f"nearest {_when(version.captured_at)}"
    )
    return f"{live} · {_external(wayback_url(version, url), f'Wayback Machine ({when})')}"


def _event_time(day: dt.date, precision: str, text: str) -> str:
    """``text``, an event's date as people read it (``December 2006``: see
    :func:`~newsdiff.timeline.show.format_event_date`), with its start at the same precision
    for machines (``2006-12``)."""
    machine = {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}"}.get(
        precision, day.isoformat()
    )
    return f'<time datetime="{machine}">{_e(text)}</time>'


def _story_span(events: Sequence[Event]) -> str:
    """From the first event's date to the last day any event reaches, each at its precision:
    ``December 2006 – 2008-11-26``."""
    if not events:
        return "no events"
    first = events[0]
    last = max(events, key=lambda e: e.end_date or e.date)
    start = format_event_date(Event(date=first.date, date_precision=first.date_precision))
    end = format_event_date(
        Event(date=last.end_date, date_precision="day")
        if last.end_date
        else Event(date=last.date, date_precision=last.date_precision)
    )
    return start if start == end else f"{start} – {end}"


def _words(added: int, removed: int) -> str:
    return f'<span class="nd-added">+{added}</span> <span class="nd-removed">\u2212{removed}</span>'


# (heading, label in the one-column layout) of each list; the headline needs no label
_ARTICLE_LIST = [
    ("Outlet", "Outlet"),
    ("Headline", None),
    ("Versions", "Versions"),
    ("Published / first seen", "Published / first seen"),
    ("Last change", "Last change"),
]
_CHANGE_LIST = [
    ("When", None),
    ("Outlet", "Outlet"),
    ("Version", None),
    ("Words", "Words"),
    ("Edits", "Edits"),
]
_COVERAGE_LIST = [
    ("Outlet", "Outlet"),
    ("Headline", None),
    ("Versions", "Versions"),
    ("Last change", "Last change"),
]
_VERSION_LIST = [
    ("Version", None),
    ("Captured", None),
    ("Headline", None),
    ("Words", "Words"),
    ("Paragraphs", "Paragraphs"),
    ("Edits", "Edits"),
]


def _list_table(
    columns: Sequence[tuple[str, str | None]], rows: Iterable[Sequence[str]], numeric: int = -1
) -> str:
    """A ``table.nd-list`` of ``rows`` (cells of escaped HTML) under ``columns`` (heading, and
    the label shown in front of the cell when the layout is one column: None for none).
    Column ``numeric`` is right-aligned."""
    head = "".join(f"<th>{heading}</th>" for heading, _ in columns)
    out = [f'<table class="nd-list"><thead><tr>{head}</tr></thead><tbody>']
    for row in rows:
        cells = []
        for i, ((_, label), cell) in enumerate(zip(columns, row, strict=True)):
            attrs = ' class="nd-n"' if i == numeric else ""
            if label:
                attrs += f' data-label="{label}"'
            cells.append(f"<td{attrs}>{cell}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


@dataclass(frozen=True)
class SiteResult:
    """What ``export_site`` wrote."""

    out: Path
    stories: int
    articles: int
    versions: int
    pages: int
    removed: int = 0  # files of an earlier export no longer part of the site


class _Site:
    def __init__(self, directory: SiteDir, feed: str | None) -> None:
        self.directory = directory
        self.feed = feed
        self.pages = 0

    def write(
        self, path: str, title: str, body: str, crumbs: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Write page ``path`` (a site path) with ``body`` (already escaped HTML)."""
        trail = "".join(f' › <a href="{_href(href, path)}">{label}</a>' for href, label in crumbs)
        feed_link = (
            f'<link rel="alternate" type="application/atom+xml" title="Changes" '
            f'href="{_href(self.feed, path)}">\n'
            if self.feed
            else ""
        )
        page = (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            f'<link rel="stylesheet" href="{_href(layout.STYLE, path)}">\n'
            f"{feed_link}"
            "</head>\n<body>\n"
            f'<header class="nd-site"><a class="nd-home" href="{_href(layout.INDEX, path)}">'
            "newsdiff</a>"
            f"{trail}</header>\n<main>\n{body}\n</main>\n"
            f"<footer>Written by newsdiff {html.escape(__version__)}. Times are UTC. "
            "Deleted words are struck through in red, inserted words bold in green.</footer>\n"
            "</body>\n</html>\n"
        )
        self.directory.write(path, page.encode("utf-8"))
        self.pages += 1


def _article_rows_stmt(story: str | None) -> Select[*tuple[Any, ...]]:
    """The article list's rows, newest first; read by column name (see :func:`_article_table`)."""
    stmt = (
        select(
            Article.id.label("article_id"),
            Outlet.name.label("outlet"),
            Article.title,
            Article.url,
            Article.version_count,
            Article.first_seen_at,
            Article.published_at,
            Article.last_changed_at,
        )
        .select_from(Article)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(func.coalesce(Article.published_at, Article.first_seen_at).desc(), Article.id)
    )
    if story:
        stmt = stmt.where(Article.id.in_(covering_story(story)))
    return stmt


def _article_table(rows: Iterable[Row[Any]], page: str) -> str:
    cells = []
    for row in rows:
        count = int(row.version_count)
        href = _href(layout.article_page(int(row.article_id)), page)
        when = row.published_at or row.first_seen_at
        last = row.last_changed_at if count > 1 else None
        cells.append(
            [
                _e(row.outlet or "–"),
                f'<a href="{href}">{_e(row.title or row.url)}</a>',
                str(count),
                _when(when),
                _when(last),
            ]
        )
    return _list_table(_ARTICLE_LIST, cells, numeric=2)


def _recent_changes_stmt(story: str | None) -> Select[*tuple[Any, ...]]:
    """The latest changes, newest first; read by column name (see :func:`_recent_changes`)."""
    stmt = (
        select(
            Version.article_id,
            Version.number,
            Version.captured_at,
            Version.title,
            Version.words_added,
            Version.words_removed,
            Version.title_changed,
            Outlet.name.label("outlet"),
            Version.edit_kinds,
        )
        .select_from(Version)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .where(Version.number > 1)
        .order_by(Version.captured_at.desc(), Version.id.desc())
        .limit(RECENT)
    )
    if story:
        stmt = stmt.where(Version.article_id.in_(covering_story(story)))
    return stmt


def _recent_changes(session: Session, story: str | None, page: str) -> str:
    rows = session.execute(_recent_changes_stmt(story)).all()
    if not rows:
        return "<p>No changes recorded yet.</p>"
    cells = []
    for row in rows:
        href = _href(layout.version_page(row.article_id, row.number), page)
        mark = " <em>(headline changed)</em>" if row.title_changed else ""
        # the stored kinds only (a version not analysed yet has none to show here)
        labels = badges(str(row.edit_kinds).split(",")) if row.edit_kinds else ""
        cells.append(
            [
                _when(row.captured_at),
                _e(row.outlet or "–"),
                f'<a href="{href}">v{row.number}: {_e(row.title)}</a>{mark}',
                _words(row.words_added, row.words_removed),
                labels,
            ]
        )
    return _list_table(_CHANGE_LIST, cells, numeric=3)


def _story_page(site: _Site, session: Session, story: Story, feed: str | None) -> None:
    path = layout.story_page(story.slug)

    def rel(target: str) -> str:
        return _href(target, path)

    parts = [f"<h1>{_e(story.title)}</h1>"]
    if story.description:
        parts.append(f"<p>{_e(story.description)}</p>")
    if story.keywords:
        parts.append(f'<p class="nd-meta">Keywords: {_e(", ".join(story.keywords))}</p>')
    if feed:
        parts.append(f'<p class="nd-meta"><a href="{rel(feed)}">Atom feed of changes</a></p>')
    parts.append('<h2 id="edits-over-time">Edits over time</h2>')
    parts.append(
        chart_figure(
            edit_series(session, story=story.slug),
            event_link=lambda mark: f"#event-{mark.slug}",
        )
    )
    events = story_timeline(session, story)
    if not events:
        parts.append("<p>This story has no events.</p>")
    for event in events:
        kind = f" <span class='nd-meta'>({_e(event.kind)})</span>" if event.kind else ""
        time = _event_time(event.date, event.date_precision, event.when)
        parts.append(
            f'<section class="nd-event" id="event-{_e(event.slug)}">'
            f"<h2>{time}{_e(event.title)}{kind}</h2>"
        )
        if event.description:
            parts.append(f"<p>{_e(event.description)}</p>")
        if not event.coverage:
            parts.append('<p class="nd-meta">No coverage linked.</p>')
            parts.append("</section>")
            continue
        cells = []
        for c in event.coverage:
            latest = (
                f' (<a href="{rel(layout.version_page(c.article_id, c.versions))}">latest</a>)'
                if c.versions
                else ""
            )
            cells.append(
                [
                    _e(c.outlet or "–"),
                    f'<a href="{rel(layout.article_page(c.article_id))}">'
                    f"{_e(c.title or c.url)}</a>",
                    f"{c.versions}{latest}",
                    _when(c.last_changed_at),
                ]
            )
        parts.append(_list_table(_COVERAGE_LIST, cells, numeric=2))
        parts.append("</section>")
    site.write(path, _e(story.title), "\n".join(parts), [(path, _e(story.title))])


def _windows(versions: list[Version], checks: list[tuple[dt.datetime, str]]) -> list[str]:
    """For each version, when its change happened (after the last check that saw the text
    before, by its capture)."""
    out = []
    for v in versions:
        if v.number == 1:
            out.append(f"first seen {_when(v.captured_at)}")
            continue
        before = [at for at, outcome in checks if at < v.captured_at and outcome in SAW_TEXT]
        start = max(before) if before else None
        out.append(f"changed between {_when(start)} and {_when(v.captured_at)}")
    return out


def _article_pages(site: _Site, session: Session, article: Article, outlet: str | None) -> int:
    versions = list(
        session.scalars(
            select(Version).where(Version.article_id == article.id).order_by(Version.number)
        )
    )
    checks = [
        (at, outcome)
        for at, outcome in session.execute(
            select(Check.checked_at, Check.outcome).where(Check.article_id == article.id)
        )
    ]
    windows = _windows(versions, checks)
    known = article_edits(session, versions)
    home = layout.article_page(article.id)
    headline = _e(article.title or article.url)
    crumbs = [(home, headline)]

    def rel(target: str, page: str = home) -> str:
        return _href(target, page)

    meta = [
        f"Outlet: {_e(outlet or '–')}",
        f"URL: {_external(article.url)}",
        f"first seen {_when(article.first_seen_at)}",
    ]
    if article.published_at:
        meta.append(f"published {_when(article.published_at)}")
    meta.append(f"last checked {_when(article.last_checked_at)}")
    meta.append(f"status: {_e(article.status)}")
    parts = [f"<h1>{headline}</h1>", f'<p class="nd-meta">{" · ".join(meta)}</p>']
    if not versions:
        parts.append("<p>No version stored yet.</p>")
    else:
        cells = []
        for v, window, edits in zip(versions, windows, known, strict=True):
            paragraphs = (
                f"{len(v.paragraph_list)}"
                if v.number == 1
                else ", ".join(
                    f"{n} {what}"
                    for n, what in (
                        (v.paragraphs_modified, "modified"),
                        (v.paragraphs_inserted, "added"),
                        (v.paragraphs_deleted, "removed"),
                        (v.paragraphs_moved, "moved"),
                    )
                    if n
                )
                or "–"
            )
            mark = " <em>(headline changed)</em>" if v.title_changed else ""
            cells.append(
                [
                    f'<a href="{rel(layout.version_page(article.id, v.number))}">v{v.number}</a>',
                    f'{_when(v.captured_at)}<br><span class="nd-meta">{window}</span>',
                    f"{_e(v.title)}{mark}",
                    _words(v.words_added, v.words_removed),
                    paragraphs,
                    badges(edits.kinds, silent=edits.silent),
                ]
            )
        parts.append(_list_table(_VERSION_LIST, cells, numeric=3))
    site.write(home, headline, "\n".join(parts), crumbs)

    previous: Version | None = None
    for i, v in enumerate(versions):
        page = layout.version_page(article.id, v.number)
        nav = []
        if previous is not None:
            nav.append(
                f'<a href="{rel(layout.version_page(article.id, previous.number), page)}">'
                f"← v{previous.number}</a>"
            )
        nav.append(f'<a href="{rel(home, page)}">all {len(versions)} versions</a>')
        if i + 1 < len(versions):
            nxt = versions[i + 1].number
            nav.append(f'<a href="{rel(layout.version_page(article.id, nxt), page)}">v{nxt} →</a>')
        source = "" if v.source == "live" else f" · from {_e(v.source)}"
        body = [
            f"<h1>v{v.number}: {_e(v.title)}</h1>",
            f'<p class="nd-meta">{_e(outlet or "–")} · {windows[i]}{source} · '
            f"{_source_links(v, v.final_url or article.url)}</p>",
            f'<nav class="nd-nav">{" ".join(nav)}</nav>',
        ]
        if previous is None:
            standfirst = standfirst_of(v.headlines)
            if standfirst:
                body.append(f'<p class="nd-standfirst">{_e(standfirst)}</p>')
            if v.byline:
                body.append(f'<p class="nd-meta">{_e(v.byline)}</p>')
            body.append('<div class="nd-text">')
            body.extend(f"<p>{_e(p)}</p>" for p in v.paragraph_list)
            body.append("</div>")
        else:
            diff = diff_pair(previous, v)
            body.append(f'<p class="nd-summary">{_e(stats_line(diff))}</p>')
            section = edits_section(known[i])
            if section:
                body.append(section)
                body.append("<h2>Diff</h2>")
            body.append(
                html_table(
                    diff,
                    old_label=f"v{previous.number} · {_when(previous.captured_at)}",
                    new_label=f"v{v.number} · {_when(v.captured_at)}",
                )
            )
        site.write(
            page, f"v{v.number}: {_e(v.title)}", "\n".join(body), [*crumbs, (page, f"v{v.number}")]
        )
        previous = v
    return len(versions)


def export_site(
    session: Session,
    out: Path,
    *,
    story: str | None = None,
    base_url: str | None = None,
    feed_limit: int = FEED_LIMIT,
    progress: Callable[[int, int], None] | None = None,
    database_url: str | None = None,
) -> SiteResult:
    """Write the site into directory ``out``: a new or empty one (created), or one an earlier
    export wrote, whose files no longer part of the site are then removed (see
    :mod:`newsdiff.export.sitedir`). Any other directory is refused with :class:`ConfigError`,
    as is one holding the database at ``database_url``; a file that cannot be written is an
    :class:`~newsdiff.errors.OutputError`.

    ``story``: only that story and the articles covering it. ``base_url``: where the site will
    be published; when given, Atom feeds (feed.xml, stories/<slug>.xml) are written with links
    under it. ``progress(done, total)`` is called after each article.
    """
    stories = (
        [get_story(session, story)]
        if story
        else list(session.scalars(select(Story).order_by(Story.slug)))
    )
    directory = SiteDir(out, database_url=database_url)
    try:
        result = _write_site(session, directory, stories, story, base_url, feed_limit, progress)
        removed = directory.finish()
    finally:
        directory.close()
    logger.info(
        "site: %d pages, %d articles, %d versions in %s; %d stale files removed",
        result.pages,
        result.articles,
        result.versions,
        out,
        removed,
    )
    return SiteResult(out, result.stories, result.articles, result.versions, result.pages, removed)


def _write_site(
    session: Session,
    directory: SiteDir,
    stories: list[Story],
    story: str | None,
    base_url: str | None,
    feed_limit: int,
    progress: Callable[[int, int], None] | None,
) -> SiteResult:
    feed: str | None = None
    story_feeds: dict[str, str] = {}
    if base_url:
        for s in stories:
            story_feeds[s.slug] = layout.story_feed(s.slug)
            directory.write(
                story_feeds[s.slug],
                build_feed(session, base_url=base_url, story=s.slug, limit=feed_limit),
            )
        if story:
            feed = story_feeds[story]
        else:
            feed = layout.FEED
            directory.write(feed, build_feed(session, base_url=base_url, limit=feed_limit))
    site = _Site(directory, feed)
    directory.write(layout.STYLE, (SITE_CSS + DIFF_CSS + NARROW_CSS + CHART_CSS).encode("utf-8"))

    for s in stories:
        _story_page(site, session, s, story_feeds.get(s.slug))

    total = (
        session.scalar(select(func.count()).select_from(_article_rows_stmt(story).subquery())) or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    result = session.execute(_article_rows_stmt(story).execution_options(yield_per=PAGE_SIZE))
    try:
        chunks: Iterable[Sequence[Row[Any]]] = result.partitions(PAGE_SIZE) if total else [[]]
        for number, chunk in enumerate(chunks, start=1):
            path = layout.articles_page(number)
            _index_page(site, session, path, number, pages, total, stories, story, chunk)
    finally:
        result.close()

    versions = done = 0
    stmt = (
        select(Article, Outlet.name)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Article.id)
    )
    if story:
        stmt = stmt.where(Article.id.in_(covering_story(story)))
    for article, outlet in session.execute(stmt.execution_options(yield_per=100)):
        versions += _article_pages(site, session, article, outlet)
        done += 1
        if progress:
            progress(done, total)
    return SiteResult(directory.out, len(stories), done, versions, site.pages)


def _index_page(
    site: _Site,
    session: Session,
    path: str,
    number: int,
    pages: int,
    total: int,
    stories: list[Story],
    story: str | None,
    rows: Iterable[Row[Any]],
) -> None:
    def rel(target: str) -> str:
        return _href(target, path)

    parts = []
    if number == 1:
        parts.append("<h1>newsdiff archive</h1>")
        if site.feed:
            parts.append(
                f'<p class="nd-meta"><a href="{rel(site.feed)}">Atom feed of changes</a></p>'
            )
        parts.append("<h2>Stories</h2>")
        if not stories:
            parts.append("<p>No stories (import one with <code>newsdiff story import</code>).</p>")
        else:
            parts.append("<ul>")
            for s in stories:
                events = list(s.events)
                span = _e(_story_span(events))
                parts.append(
                    f'<li><a href="{rel(layout.story_page(s.slug))}">{_e(s.title)}</a> '
                    f'<span class="nd-meta">{len(events)} events, {span}</span></li>'
                )
            parts.append("</ul>")

        def event_link(mark: EventMark) -> str:
            return f"{layout.relative(layout.story_page(mark.story), path)}#event-{mark.slug}"

        parts.append('<h2 id="edits-over-time">Edits over time</h2>')
        parts.append(
            chart_figure(
                edit_series(session, story=story), event_link=event_link, list_outside=False
            )
        )
        parts.append("<h2>Latest changes</h2>")
        parts.append(_recent_changes(session, story, path))
    else:
        parts.append(f"<h1>Articles, page {number} of {pages}</h1>")
    heading = "Articles covering the story" if story else "All articles"
    parts.append(f"<h2>{heading} ({total})</h2>")
    parts.append(_article_table(list(rows), path))
    if pages > 1:
        links = []
        for n in range(1, pages + 1):
            if n == number:
                links.append(f"<span>{n}</span>")
            else:
                links.append(f'<a href="{rel(layout.articles_page(n))}">{n}</a>')
        parts.append(f'<nav class="nd-nav">Pages: {" ".join(links)}</nav>')
    title = "newsdiff archive" if number == 1 else f"Articles, page {number}"
    site.write(path, title, "\n".join(parts))
