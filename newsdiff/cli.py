"""The command line: each command parses, calls one library function, formats the result.

Exit status: 0 done, 1 failed, 2 bad usage or bad config (one line naming the key or argument).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from newsdiff import __version__
from newsdiff.config import Settings, load_settings
from newsdiff.errors import ConfigError, NewsdiffError
from newsdiff.text import printable

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    config_path: str | None = None
    verbose: int = 0
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings


def _set_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).config_path = value


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        state = ctx.ensure_object(State)
        state.verbose = max(state.verbose, value)
        level = logging.DEBUG if state.verbose > 1 else logging.INFO
        logging.basicConfig(
            level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
        )


def common(func: F) -> F:
    """``--config`` and ``-v`` on every command (they also work before the command name)."""
    func = click.option(
        "--config",
        type=click.Path(dir_okay=False),
        expose_value=False,
        callback=_set_config,
        is_eager=True,
        help="Config file (default: $NEWSDIFF_CONFIG or the user config dir).",
    )(func)
    func = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_set_verbose,
        help="Log what happens (-vv for debug).",
    )(func)
    return func


pass_state = click.make_pass_decorator(State, ensure=True)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def safe(text: object) -> str:
    """Untrusted text (titles, URLs from the web) for the terminal."""
    return printable("" if text is None else str(text))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="newsdiff")
@common
def cli() -> None:
    """newsdiff: watch how news reporting changes.

    Poll feeds, store every version of every article, diff versions word by word, and follow a
    story's events through its coverage. Start with `newsdiff demo`, or:

    \b
      newsdiff init
      newsdiff feeds add https://example.org/rss.xml --outlet "Example News"
      newsdiff poll
      newsdiff articles --changed
      newsdiff diff ARTICLE
    """


def open_db(state: State, *, check: bool = True) -> Any:
    from newsdiff.store.db import Database

    return Database(state.settings.database.url, check=check)


@cli.command()
@common
@pass_state
def init(state: State) -> None:
    """Create the data directory and the database, and bring its schema up to date."""
    from newsdiff.store.db import migrate, safe_url

    url = state.settings.database.url
    before, after = migrate(url)
    what = (
        "created" if before is None else ("upgraded" if before != after else "already up to date")
    )
    click.echo(f"database {safe_url(url)}: {what} (schema {after})")
    if state.settings.source is None:
        click.echo("no config file; defaults apply (see config.example.toml for every key)")


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@common
@pass_state
def db_upgrade(state: State) -> None:
    """Run pending migrations (safe to run any number of times)."""
    from newsdiff.store.db import migrate, safe_url

    url = state.settings.database.url
    before, after = migrate(url)
    if before == after:
        click.echo(f"database {safe_url(url)}: already at schema {after}")
    else:
        click.echo(f"database {safe_url(url)}: upgraded from {before or 'empty'} to {after}")


@cli.command()
@click.argument("url")
@click.option("--outlet", help="Outlet name (default: the URL's host).")
@common
@pass_state
def track(state: State, url: str, outlet: str | None) -> None:
    """Track one article without a feed (it is fetched on the next poll)."""
    from newsdiff.collect.articles import track_url
    from newsdiff.collect.urls import canonical_url

    canonical_url(url)  # a bad URL is bad usage, before the database is touched
    database = open_db(state)
    article, created = track_url(database, url, outlet=outlet)
    verb = "tracking" if created else "already tracked"
    click.echo(f"{verb}: article {article.id} {safe(article.url)}")


@cli.command()
@click.option("--outlet", help="Only this outlet (name or slug).")
@click.option("--changed", is_flag=True, help="Only articles with two versions or more.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def articles(
    state: State, outlet: str | None, changed: bool, limit: int | None, as_json: bool
) -> None:
    """List tracked articles, newest first."""
    from newsdiff.store.articles import list_articles

    database = open_db(state)
    with database.read() as session:
        rows = list_articles(session, outlet=outlet, changed=changed, limit=limit)
    if as_json:
        echo_json([r.to_dict() for r in rows])
        return
    if not rows:
        click.echo("no articles yet: add a feed (`newsdiff feeds add URL`) and run `newsdiff poll`")
        return
    for r in rows:
        when = (r.published_at or r.first_seen_at).strftime("%Y-%m-%d")
        title = safe(r.title or r.url)
        click.echo(f"{r.id:>6}  {when}  v{r.versions:<3} {safe(r.outlet or '-'):<20.20}  {title}")


@cli.command()
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def versions(state: State, article: str, as_json: bool) -> None:
    """List the versions of ARTICLE (an id or any URL it is known under)."""
    from newsdiff.collect.articles import resolve_article
    from newsdiff.store.versions import list_versions

    database = open_db(state)
    with database.read() as session:
        found = resolve_article(session, article)
        rows = list_versions(session, found.id)
        data: list[dict[str, Any]] = [
            {
                "number": v.number,
                "captured_at": v.captured_at.isoformat(),
                "title": v.title,
                "title_changed": v.title_changed,
                "words_added": v.words_added,
                "words_removed": v.words_removed,
                "paragraphs": len(v.paragraph_list),
                "source": v.source,
                "extractor": f"{v.extractor} {v.extractor_version}",
            }
            for v in rows
        ]
        header = f"article {found.id} {found.url}"
    if as_json:
        echo_json(data)
        return
    click.echo(safe(header))
    if not data:
        click.echo("no versions yet (run `newsdiff poll`)")
    for d in data:
        mark = "H" if d["title_changed"] else " "
        click.echo(
            f"  v{d['number']:<3} {d['captured_at'][:16]}  +{d['words_added']:<5}"
            f" -{d['words_removed']:<5} {mark} {safe(d['title'])}"
        )


@cli.group()
def feeds() -> None:
    """Manage the feeds polled (besides the config's [[feeds]])."""


@feeds.command("add")
@click.argument("url")
@click.option("--outlet", help="Outlet name (default: the feed's host).")
@common
@pass_state
def feeds_add(state: State, url: str, outlet: str | None) -> None:
    """Add a feed; it is polled on the next `newsdiff poll`."""
    from newsdiff.collect.sources import add_feed_url

    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"not an http(s) URL: {url!r}", param_hint="URL")
    feed, created = add_feed_url(open_db(state), url, outlet=outlet)
    click.echo(f"{'added' if created else 'already known'}: feed {feed.id} {safe(feed.url)}")


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def feeds_list(state: State, as_json: bool) -> None:
    """List feeds with their last status."""
    from newsdiff.collect.sources import feed_rows

    rows: list[dict[str, Any]] = feed_rows(open_db(state))
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no feeds: add one with `newsdiff feeds add URL --outlet NAME`")
    for r in rows:
        status = r["last_error"] or (
            f"HTTP {r['last_status']}" if r["last_status"] else "never polled"
        )
        click.echo(
            f"{r['id']:>4}  {safe(r['outlet'] or '-'):<20.20}  {r['articles']:>5} articles  "
            f"{safe(r['url'])}  [{safe(status)}]"
        )


@feeds.command("remove")
@click.argument("url")
@common
@pass_state
def feeds_remove(state: State, url: str) -> None:
    """Stop polling a feed (URL or id). Its articles and versions are kept."""
    from newsdiff.store.feeds import remove_feed

    database = open_db(state)
    with database.write() as session:
        feed = remove_feed(session, url)
        click.echo(f"removed: feed {feed.id} {safe(feed.url)} (articles and versions kept)")


@cli.command()
@click.option(
    "--force",
    is_flag=True,
    help="Ignore the schedule: poll every feed, check every tracked article.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary; only problems.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@common
@pass_state
def poll(state: State, force: bool, quiet: bool, as_json: bool) -> None:
    """One poll cycle: due feeds, new articles, due re-checks.

    Safe under cron: a second poll started while one runs exits at once (status 0). Failed
    fetches are recorded as checks and reported; the run still exits 0.
    """
    from newsdiff.collect.poll import run_poll
    from newsdiff.errors import PollLocked

    database = open_db(state)
    interactive = sys.stderr.isatty() and not quiet and not as_json
    try:
        if interactive:
            summary = _poll_with_progress(state, database, force)
        else:
            summary = run_poll(state.settings, database, force=force)
    except PollLocked as exc:
        if not quiet:
            click.echo(f"newsdiff: {exc}", err=True)
        return
    if as_json:
        echo_json(summary.to_dict())
        return
    if not quiet or summary.failures or summary.feeds_failed:
        for problem in summary.problems[:50]:
            click.echo(f"  {safe(problem)}", err=True)
        if len(summary.problems) > 50:
            click.echo(f"  ... and {len(summary.problems) - 50} more", err=True)
    if not quiet:
        click.echo(summary.line())


@contextmanager
def staged_progress(prefix: str = "") -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress bar with one row per stage; yields ``report(stage, done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(prefix + "{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def _poll_with_progress(state: State, database: Any, force: bool) -> Any:
    from newsdiff.collect.poll import run_poll

    with staged_progress() as progress:
        return run_poll(state.settings, database, force=force, progress=progress)


@cli.group()
def story() -> None:
    """Stories: timelines of events, and the articles covering each event."""


@story.command("import")
@click.argument("file")
@click.option("--no-link", is_flag=True, help="Do not auto-link coverage after importing.")
@common
@pass_state
def story_import(state: State, file: str, no_link: bool) -> None:
    """Import (or update) a story from FILE.toml, or a bundled story by slug (e.g. baby-p)."""
    from newsdiff.timeline.service import import_and_link

    result, link = import_and_link(open_db(state), file, state.settings.linking, link=not no_link)
    click.echo(
        f"{'imported' if result.created else 'updated'} story {safe(result.story.slug)}: "
        f"{result.events_added} events added, {result.events_updated} updated"
    )
    if result.events_kept:
        click.echo(
            f"kept {len(result.events_kept)} events no longer in the file (with their coverage): "
            + ", ".join(result.events_kept)
        )
    if link is not None:
        click.echo(f"linked: {link.linked} new, {link.updated} rescored, {link.removed} removed")


@story.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def story_list(state: State, as_json: bool) -> None:
    """List stories."""
    from newsdiff.timeline.stories import bundled_stories, list_stories

    database = open_db(state)
    with database.read() as session:
        rows = list_stories(session)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        bundled = ", ".join(bundled_stories())
        click.echo(f"no stories: import one with `newsdiff story import FILE` (bundled: {bundled})")
    for r in rows:
        click.echo(
            f"{safe(r['slug']):<20} {r['events']:>3} events  {r['articles']:>4} articles  "
            f"{r['first'] or ''}..{r['last'] or ''}  {safe(r['title'])}"
        )


@story.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def story_show(state: State, slug: str, as_json: bool) -> None:
    """Show a story's events in date order, each with its coverage."""
    from newsdiff.timeline.show import story_timeline
    from newsdiff.timeline.stories import get_story

    database = open_db(state)
    with database.read() as session:
        found = get_story(session, slug)
        header = {"slug": found.slug, "title": found.title, "keywords": found.keywords}
        events = story_timeline(session, found)
    if as_json:
        echo_json({**header, "events": [e.to_dict() for e in events]})
        return
    click.echo(safe(f"{header['title']} ({header['slug']})"))
    for event in events:
        click.echo(f"\n{event.when}  {safe(event.title)}  [{event.slug}]")
        if not event.coverage:
            click.echo("    (no coverage linked)")
        for c in event.coverage:
            changed = c.last_changed_at.strftime("%Y-%m-%d %H:%M") if c.last_changed_at else "-"
            mark = "*" if c.origin == "manual" else " "
            click.echo(
                f"  {mark} {c.article_id:>5} {safe(c.outlet or '-'):<22.22} v{c.versions:<3} "
                f"changed {changed:<16}  {safe(c.title or c.url)}"
            )
            click.echo(f"          {safe(c.url)}")


@story.command("link")
@click.argument("slug")
@common
@pass_state
def story_link(state: State, slug: str) -> None:
    """Auto-link articles to the story's events (manual links and unlinks are kept)."""
    from newsdiff.timeline.service import relink

    result = relink(open_db(state), slug, state.settings.linking)
    click.echo(
        f"{result.candidates} candidate articles: {result.linked} new links, "
        f"{result.updated} rescored, {result.removed} removed"
    )


def _article_id(database: Any, ref: str) -> int:
    from newsdiff.collect.articles import resolve_article

    with database.read() as session:
        return int(resolve_article(session, ref).id)


@cli.command()
@click.argument("event")
@click.argument("article")
@click.option("--note", help="Why this article covers the event.")
@common
@pass_state
def link(state: State, event: str, article: str, note: str | None) -> None:
    """Link ARTICLE (id or URL) to EVENT (story/event-slug) by hand; re-linking keeps it."""
    from newsdiff.timeline.service import manual_link

    database = open_db(state)
    ev, art = manual_link(database, event, _article_id(database, article), linked=True, note=note)
    click.echo(f"linked article {art} to {ev}")


@cli.command()
@click.argument("event")
@click.argument("article")
@common
@pass_state
def unlink(state: State, event: str, article: str) -> None:
    """Unlink ARTICLE from EVENT by hand; re-linking will not link it again."""
    from newsdiff.timeline.service import manual_link

    database = open_db(state)
    ev, art = manual_link(database, event, _article_id(database, article), linked=False)
    click.echo(f"unlinked article {art} from {ev}")


def _parse_since(value: str | None) -> Any:
    if value is None:
        return None
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"expected a date like 2008-11-11 or 2008-11-11T09:00, got {value!r}",
            param_hint="--since",
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@cli.group()
def export() -> None:
    """Exports for analysis: tables (CSV/JSONL), a NewsEdits-layout database, HTML pages."""


_TABLE_HELP = {
    "versions": "One row per version: article, outlet, URL, number, capture time, headline, "
    "byline, text.",
    "changes": "One row per consecutive pair of versions: change stats, headline before/after, "
    "the change window.",
    "checks": "Every check: time, outcome, HTTP status, error, duration, extraction warnings.",
}


def _table_export(kind: str) -> Any:
    @export.command(kind, help=_TABLE_HELP[kind])
    @click.option(
        "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
    )
    @click.option(
        "--out",
        type=click.Path(dir_okay=False, writable=True),
        help="Write to FILE (default: standard output).",
    )
    @click.option("--story", help="Only articles covering this story's events.")
    @click.option("--since", help="Only rows from this date or time on (UTC unless given).")
    @click.option(
        "--spreadsheet-safe",
        is_flag=True,
        help="CSV for Excel/LibreOffice: an apostrophe before any cell starting with = + - @ "
        "(which a spreadsheet would run as a formula). Changes the data: not for analysis code.",
    )
    @common
    @pass_state
    def command(
        state: State,
        fmt: str,
        out: str | None,
        story: str | None,
        since: str | None,
        spreadsheet_safe: bool,
    ) -> None:
        from newsdiff.export.tables import export_rows

        if spreadsheet_safe and fmt != "csv":
            raise click.UsageError("--spreadsheet-safe applies to --format csv only")
        start = _parse_since(since)
        options = {"fmt": fmt, "story": story, "since": start, "spreadsheet_safe": spreadsheet_safe}
        database = open_db(state)
        with database.read() as session:
            if out is None:
                count = export_rows(session, kind, sys.stdout, **options)
            else:
                target = Path(out)
                tmp = target.with_name(target.name + ".partial")
                try:
                    with tmp.open("w", encoding="utf-8", newline="") as handle:
                        count = export_rows(session, kind, handle, **options)
                    tmp.replace(target)
                finally:
                    tmp.unlink(missing_ok=True)
                click.echo(f"wrote {count} {kind} rows to {out}", err=True)

    return command


for _kind in ("versions", "changes", "checks"):
    _table_export(_kind)


@export.command("newsedits")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="SQLite file to write.")
@click.option("--outlet", help="Only this outlet (the corpus ships one file per outlet).")
@common
@pass_state
def export_newsedits_cmd(state: State, out: str, outlet: str | None) -> None:
    """An SQLite file in the NewsEdits corpus layout (tables entry and entryversion)."""
    from newsdiff.export.newsedits import export_newsedits

    database = open_db(state)
    # the archive's replay URL for people, not its raw-bytes ("id_") form
    template = state.settings.archive.replay_url.replace("id_/", "/")
    with database.read() as session:
        entries, count = export_newsedits(
            session, Path(out), outlet=outlet, archive_template=template
        )
    click.echo(f"wrote {entries} entries and {count} versions to {out}")


@cli.command()
@click.argument("urls", nargs=-1)
@click.option(
    "--file",
    "url_file",
    type=click.File("r", encoding="utf-8"),
    help="Read URLs from this file, one a line ('-': stdin; blank lines and # comments skipped).",
)
@click.option("--from", "since", metavar="DATE", help="Only captures from DATE (2008, 2008-11...).")
@click.option("--to", "until", metavar="DATE", help="Only captures up to DATE, inclusive.")
@click.option("--outlet", help="Outlet of new articles (default: the URL's host).")
@click.option("--story", "story_slug", metavar="SLUG", help="Backfill a story's URLs (--prefix).")
@click.option("--prefix", metavar="URL-PREFIX", help="With --story: where to look in the archive.")
@click.option(
    "--max-urls",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="With --story: examine at most this many archived URLs.",
)
@click.option("--retry-errors", is_flag=True, help="Take again captures that failed before.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary; only problems.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@common
@pass_state
def backfill(
    state: State,
    urls: tuple[str, ...],
    url_file: Any,
    since: str | None,
    until: str | None,
    outlet: str | None,
    story_slug: str | None,
    prefix: str | None,
    max_urls: int,
    retry_errors: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Versions from before tracking began, from a web archive ([archive] in the config).

    Lists each URL's captures in the archive's CDX index (the Wayback Machine by default),
    fetches each capture's original bytes, and stores the texts that differ as versions dated
    by their capture, merged with live versions in time order. Interrupted? Run it again:
    captures already recorded are skipped.

    \b
      newsdiff backfill https://www.example.org/news/story --from 2008 --to 2009
      newsdiff backfill --file urls.txt
      newsdiff backfill --story baby-p --prefix https://www.example.org/news/ --max-urls 50
    """
    from newsdiff.collect.archive import archive_date
    from newsdiff.collect.backfill import run_backfill

    dates: dict[str, str | None] = {"--from": None, "--to": None}
    for name, value in (("--from", since), ("--to", until)):
        if value:
            try:
                dates[name] = archive_date(value)
            except ConfigError as exc:
                raise click.BadParameter(str(exc), param_hint=name) from None
    targets = list(urls)
    if url_file is not None:
        targets += [s for s in (line.strip() for line in url_file) if s and not s.startswith("#")]
    if bool(story_slug) != bool(prefix):
        raise click.UsageError("--story and --prefix go together")
    if story_slug and targets:
        raise click.UsageError("give URLs or --story, not both")
    if not story_slug and not targets:
        raise click.UsageError("give at least one URL, --file LIST, or --story SLUG --prefix URL")
    database = open_db(state)
    story = None
    if story_slug and prefix:
        story = (story_slug, prefix, _story_matcher(database, story_slug))
    interactive = sys.stderr.isatty() and not quiet and not as_json

    def go(progress: Any = None) -> Any:
        return run_backfill(
            state.settings,
            database,
            targets,
            since=dates["--from"],
            until=dates["--to"],
            outlet=outlet,
            retry_errors=retry_errors,
            story=story,
            max_urls=max_urls,
            progress=progress,
        )

    summary = _with_backfill_progress(go) if interactive else go()
    if as_json:
        echo_json(summary.to_dict())
        return
    if not quiet or summary.errors or summary.urls_failed:
        for problem in summary.problems[:50]:
            click.echo(f"  {safe(problem)}", err=True)
        if len(summary.problems) > 50:
            click.echo(f"  ... and {len(summary.problems) - 50} more", err=True)
    if not quiet:
        if summary.story_line():
            click.echo(safe(summary.story_line()))
        click.echo(summary.line())


def _story_matcher(database: Any, slug: str) -> Callable[[str, str], bool]:
    """Is a page about the story? The timeline's rule: two story keywords, or one in the
    headline with one of an event's."""
    from newsdiff.store.models import Event
    from newsdiff.timeline.linking import score_article
    from newsdiff.timeline.stories import get_story, story_events

    with database.read() as session:
        found = get_story(session, slug)
        events = story_events(session, found) or [Event(keywords=[])]

    def about(headline: str, text: str) -> bool:
        return any(score_article(found, event, headline, text)[0] for event in events)

    return about


def _with_backfill_progress(go: Callable[[Any], Any]) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("captures"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[url]}", markup=False),
        transient=True,
    ) as bar:
        task = bar.add_task("captures", total=None, url="")

        def progress(done: int, total: int, url: str) -> None:
            bar.update(task, completed=done, total=total or None, url=safe(url)[-60:])

        return go(progress)


@cli.command()
@click.option("--story", "story_slug", help="Open this story (default: the most recent one).")
@common
@pass_state
def tui(state: State, story_slug: str | None) -> None:
    """Review a story's timeline, its coverage and side-by-side diffs in the terminal."""
    from newsdiff.store.lazy import LazyDatabase
    from newsdiff.tui.app import make_app

    # Opened by the app's first worker, after the first frame (SQLAlchemy loads meanwhile).
    database = LazyDatabase(state.settings.database.url)
    try:
        error = make_app(state.settings, database, story=story_slug).run()
    finally:
        database.dispose()
    if error is not None:
        raise error


@cli.command()
@click.option("--no-tui", is_flag=True, help="Print a summary instead of opening the TUI.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the demo database in this file. An existing file is replaced only when it is an "
    "earlier demo database; anything else is refused. Default: a new temp file.",
)
@common
@pass_state
def demo(state: State, no_tui: bool, db_path: Path | None) -> None:
    """The whole pipeline offline, in about fifteen seconds.

    Serves a local news site (three fictional outlets, 127.0.0.1 only) whose articles about the
    Baby P case change between polls, polls it over twelve rounds with a simulated clock
    (2007-2010), imports the bundled baby-p story and links its coverage. Then opens the TUI on
    the result when run in a terminal; otherwise, or with --no-tui, prints a summary: events and
    their coverage, and the most-edited article with its last change side by side.
    """
    import os
    import shutil

    from newsdiff.demo.run import run_demo
    from newsdiff.demo.summary import build_summary, next_steps, summary_text

    if sys.stderr.isatty():
        result = _demo_with_progress(state.settings, db_path)
    else:
        result = run_demo(state.settings, db_path)
    if result.replaced:
        click.echo(f"replaced {safe(result.db_path)}: it held an earlier demo", err=True)
    summary = build_summary(result)
    app = None if no_tui else _demo_app(state.settings, result.database_url)
    if app is not None:
        error = app.run()
        if error is not None:
            raise error
    else:
        width = min(shutil.get_terminal_size((100, 24)).columns, 160)
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(summary_text(summary, width=width, color=color), color=color)
        click.echo()
    for line in next_steps(summary):
        click.echo(safe(line))


def _demo_with_progress(settings: Settings, db_path: Path | None) -> Any:
    from newsdiff.demo.run import run_demo

    with staged_progress("demo ") as report:
        return run_demo(settings, db_path, report=report)


def _demo_app(settings: Settings, url: str) -> Any:
    """The TUI on the demo database, or None (with a note) when it cannot be shown here."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo("not a terminal: printing a summary instead of opening the TUI", err=True)
        return None
    try:
        from newsdiff.tui.app import make_app
    except ImportError as exc:
        click.echo(f"the TUI is not available ({exc}): printing a summary", err=True)
        return None
    from newsdiff.demo.run import STORY
    from newsdiff.store.lazy import LazyDatabase

    return make_app(settings.with_database_url(url), LazyDatabase(url), story=STORY)


@cli.command("diff")
@click.argument("old", metavar="ARTICLE|OLD")
@click.argument("new", metavar="[NEW]", required=False)
@click.option("--headline", is_flag=True, help="Files: the first line of each is the headline.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["side", "inline", "json", "html"]),
    default="side",
    show_default=True,
    help="Side by side, inline ([-old-]{+new+}), the diff JSON, or a standalone HTML page.",
)
@click.option("--from", "from_n", type=click.IntRange(min=1), help="Old version number.")
@click.option("--to", "to_n", type=click.IntRange(min=1), help="New version number.")
@click.option(
    "--width",
    type=click.IntRange(min=20),
    help="Width of the side-by-side view (default: the terminal's).",
)
@click.option("--ignore-whitespace", is_flag=True, help="Ignore whitespace-only changes.")
@click.option("--ignore-punctuation", is_flag=True, help="Ignore punctuation-only changes.")
@common
@pass_state
def diff_command(
    state: State,
    old: str,
    new: str | None,
    headline: bool,
    fmt: str,
    from_n: int | None,
    to_n: int | None,
    width: int | None,
    ignore_whitespace: bool,
    ignore_punctuation: bool,
) -> None:
    """Show what changed between two versions of ARTICLE (id or URL; default: the last two),
    or between two plain-text files OLD NEW (each non-blank line is a paragraph)."""
    import os
    import shutil

    from newsdiff import diff as nd

    options = {"ignore_whitespace": ignore_whitespace, "ignore_punctuation": ignore_punctuation}
    refs: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None)
    labels: tuple[str, str]
    if new is not None:
        if from_n is not None or to_n is not None:
            raise click.UsageError("--from/--to apply to an ARTICLE, not to two files")
        docs = []
        for name, path in (("OLD", old), ("NEW", new)):
            if not Path(path).is_file():
                raise click.BadParameter(f"no such file: {path!r}", param_hint=name)
            text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
            docs.append(nd.Document.from_text(text, headline=headline))
        result = nd.compare(docs[0], docs[1], **options)
        header = f"{old} -> {new}"
        labels = (old, new)
    else:
        from newsdiff.collect.articles import resolve_article
        from newsdiff.timeline.compare import diff_versions, version_ref

        if not old.strip().isdigit() and Path(old).is_file():
            raise click.UsageError(f"{old} is a file: give two files to compare (OLD NEW)")

        database = open_db(state)
        with database.read() as session:
            found = resolve_article(session, old)
            result, v_old, v_new = diff_versions(session, found.id, from_n, to_n, **options)
            refs = (version_ref(v_old), version_ref(v_new))
            labels = (
                f"v{v_old.number} {v_old.captured_at:%Y-%m-%d %H:%M}",
                f"v{v_new.number} {v_new.captured_at:%Y-%m-%d %H:%M}",
            )
            header = f"article {found.id} {found.url}: {labels[0]} -> {labels[1]}"
    if fmt == "json":
        click.echo(nd.render_json(result, *refs))
        return
    if fmt == "html":
        heading = result.title.new_text or header
        click.echo(
            nd.render_html(result, heading=heading, old_label=labels[0], new_label=labels[1]),
            nl=False,
        )
        return
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(safe(header))
    if fmt == "inline":
        click.echo(nd.render_inline(result, color=color), nl=False, color=color)
        return
    columns = width or max(20, shutil.get_terminal_size((100, 24)).columns)
    click.echo(nd.render_side_by_side(result, width=columns, color=color), nl=False, color=color)


@cli.command()
@click.option("--story", help="Only articles covering this story's events.")
@click.option("--article", type=int, help="Only this article (id).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to FILE (default: stdout).")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--changes-only", is_flag=True, help="Leave out first versions (v1).")
@common
@pass_state
def feed(
    state: State,
    story: str | None,
    article: int | None,
    out: str | None,
    limit: int,
    changes_only: bool,
) -> None:
    """Atom feed of changes, newest first: one entry per new version, saying what changed.

    Entries link to the version's diff page of `newsdiff export html`, published under the
    config's [export] base_url.
    """
    from newsdiff.export.atom import build_feed

    database = open_db(state)
    with database.read() as session:
        data = build_feed(
            session,
            base_url=state.settings.export.base_url,
            story=story,
            article=article,
            limit=limit,
            changes_only=changes_only,
        )
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()
        return
    target = Path(out)
    tmp = target.with_name(target.name + ".partial")
    tmp.write_bytes(data)
    tmp.replace(target)
    click.echo(f"wrote {data.count(b'<entry>')} entries to {out}", err=True)


@export.command("html")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Directory.")
@click.option("--story", help="Only this story and the articles covering it.")
@click.option("--no-feed", is_flag=True, help="Do not write the Atom feeds.")
@common
@pass_state
def export_html_cmd(state: State, out: str, story: str | None, no_feed: bool) -> None:
    """A static site that opens offline: stories, version histories, side-by-side diffs."""
    from newsdiff.export.site import export_site

    database = open_db(state)
    base_url = None if no_feed else state.settings.export.base_url
    with database.read() as session:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            with Progress(
                "articles", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
            ) as bar:
                task = bar.add_task("articles", total=None)
                result = export_site(
                    session,
                    Path(out),
                    story=story,
                    base_url=base_url,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        else:
            result = export_site(session, Path(out), story=story, base_url=base_url)
    click.echo(
        f"wrote {result.pages} pages ({result.stories} stories, {result.articles} articles, "
        f"{result.versions} versions) to {out}; open {Path(out) / 'index.html'}"
    )


@cli.command("extract")
@click.argument("source", metavar="URL|FILE", required=False)
@click.option("--url", "page_url", metavar="URL", help="Treat FILE as fetched from URL.")
@click.option("--outlet", help="Apply this outlet's rules (default: found from the URL).")
@click.option(
    "--version",
    "version_ref",
    metavar="ID",
    help="Extract a stored version's raw capture again (version id, or ARTICLE:N).",
)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def extract_command(
    state: State,
    source: str | None,
    page_url: str | None,
    outlet: str | None,
    version_ref: str | None,
    as_json: bool,
) -> None:
    """Show what the collector would store for a page (URL or saved FILE, gzip too); stores
    nothing. With --version, extract a stored version's capture again with today's rules and
    say whether the text differs from the stored one."""
    from newsdiff.collect.preview import preview_extraction, reextract_version

    again = None
    if version_ref is not None:
        if source is not None or page_url is not None:
            raise click.UsageError("--version takes no URL|FILE and no --url")
        database = open_db(state)
        try:
            again = reextract_version(state.settings, database, version_ref, outlet=outlet)
        finally:
            database.dispose()
        preview = again.preview
    elif source is None:
        raise click.UsageError("give a URL or FILE, or --version ID")
    else:
        preview = preview_extraction(state.settings, source, url=page_url, outlet=outlet)
    result = preview.extraction
    if as_json:
        data = result.to_dict()
        if again is not None:
            data["stored"] = again.to_dict()
        echo_json(data)
        return

    def when(value: Any) -> str:
        return value.isoformat() if value else "-"

    click.echo(f"title:      {safe(result.title)}")
    for key, value in result.headlines.items():
        click.echo(f"  {key + ':':<9} {safe(value) if value else '-'}")
    click.echo(f"byline:     {safe(result.byline) if result.byline else '-'}")
    click.echo(f"published:  {when(result.published_at)}")
    click.echo(f"modified:   {when(result.modified_at)}")
    click.echo(f"extractor:  {result.extractor} {result.extractor_version}")
    click.echo(f"url:        {safe(preview.url)}")
    click.echo(f"rules:      {safe(preview.outlet) if preview.outlet else 'none'}")
    if again is not None:
        click.echo(
            f"stored:     version {again.version_id} (article {again.article_id} "
            f"v{again.number}, captured {when(again.captured_at)}, "
            f"{again.capture.file}@{again.capture.offset})"
        )
        if again.same_text:
            click.echo("today:      same text as stored")
        else:
            title = "same headline" if again.same_title else "headline differs"
            click.echo(
                f"today:      DIFFERS from stored ({title}; {again.stored_paragraphs} -> "
                f"{len(result.paragraphs)} paragraphs)"
            )
    for warning in result.warnings:
        click.echo(f"warning:    {safe(warning)}")
    click.echo(f"paragraphs: {len(result.paragraphs)}")
    for number, paragraph in enumerate(result.paragraphs, 1):
        click.echo(f"\n[{number}] {safe(paragraph)}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into one line and the documented exit status."""
    try:
        cli.main(args=argv, prog_name="newsdiff", standalone_mode=False)
    except ConfigError as exc:
        click.echo(f"newsdiff: {exc}", err=True)
        sys.exit(2)
    except NewsdiffError as exc:
        click.echo(f"newsdiff: error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
