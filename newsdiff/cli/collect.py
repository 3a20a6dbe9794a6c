"""Commands that collect versions: `track` one URL, manage `feeds`, run a `poll` cycle,
`backfill` from a web archive, and `extract` to preview what the collector would store.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click

from newsdiff.cli.base import (
    MAX_ID,
    State,
    check_http_url,
    check_id,
    cli,
    common,
    echo_json,
    id_or_url,
    open_db,
    pass_state,
    safe,
    staged_progress,
)
from newsdiff.errors import ConfigError

#: the contact of the default User-Agent, which every real deployment should replace
PLACEHOLDER_CONTACT = "example.org/contact"


@cli.command()
@click.argument("url")
@click.option("--outlet", help="Outlet name (default: the URL's host).")
@common
@pass_state
def track(state: State, url: str, outlet: str | None) -> None:
    """Track one article without a feed (it is fetched on the next poll)."""
    from newsdiff.collect.articles import track_url
    from newsdiff.collect.urls import canonical_url

    check_http_url(url, "URL")  # a bad URL is bad usage, before the database is touched
    canonical_url(url)
    database = open_db(state)
    article, created = track_url(database, url, outlet=outlet)
    verb = "tracking" if created else "already tracked"
    click.echo(f"{verb}: article {article.id} {safe(article.url)}")


@cli.group()
def feeds() -> None:
    """Manage the feeds polled (besides the config's [[feeds]])."""


@feeds.command("add")
@click.argument("url")
@click.option("--outlet", help="Outlet name (default: the feed's host).")
@common
@pass_state
def feeds_add(state: State, url: str, outlet: str | None) -> None:
    """Add a feed; it is polled on the next `newsdiff poll`. Adding a known feed again keeps its
    outlet; with --outlet it moves the feed to that outlet and says so."""
    from newsdiff.collect.sources import add_feed_url

    check_http_url(url, "URL")
    added = add_feed_url(open_db(state), url, outlet=outlet)
    feed = added.feed
    if added.created:
        click.echo(f"added: feed {feed.id} {safe(feed.url)} ({safe(added.outlet)})")
    elif added.moved_from is not None:
        click.echo(
            f"already known: feed {feed.id} {safe(feed.url)}; outlet changed from "
            f"{safe(added.moved_from)} to {safe(added.outlet)}"
        )
    else:
        click.echo(f"already known: feed {feed.id} {safe(feed.url)} ({safe(added.outlet or '-')})")


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
@click.argument("url", callback=id_or_url)
@common
@pass_state
def feeds_remove(state: State, url: str) -> None:
    """Stop polling a feed (URL or id). Its articles and versions are kept."""
    from newsdiff.store.feeds import remove_feed

    database = open_db(state)
    with database.write() as session:
        feed = remove_feed(session, url)
        click.echo(f"removed: feed {feed.id} {safe(feed.url)} (articles and versions kept)")


def _refusal(state: State, exc: Exception) -> str:
    """Why a poll did not start: another poll, or queue workers that poll this database."""
    from newsdiff.workers.presence import running_workers

    try:
        workers = running_workers(state.settings.database.url)
    except Exception:  # noqa: BLE001 - the lock's own message is right enough
        return str(exc)
    if not workers:
        return str(exc)
    return (
        f"{workers} `newsdiff worker` process{'es poll' if workers > 1 else ' polls'} this "
        "database; not starting (stop them to poll by hand)"
    )


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
    fetches are recorded as checks and reported; the run still exits 0. It exits 1 when the
    database refused to record something (read-only, disk full).
    """
    from newsdiff.collect.due import PollSummary, nothing_due

    if PLACEHOLDER_CONTACT in state.settings.fetch.user_agent:
        click.echo(
            "newsdiff: warning: fetch.user_agent still gives the example contact "
            f"({PLACEHOLDER_CONTACT}): set your own, so that sites can reach you",
            err=True,
        )
    # nothing due (the usual run under cron): known without loading SQLAlchemy, on SQLite
    started = time.monotonic()
    alerts = None
    if nothing_due(state.settings, force=force):
        summary = PollSummary(seconds=time.monotonic() - started)
    else:
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
                click.echo(f"newsdiff: {_refusal(state, exc)}", err=True)
            return
        from newsdiff.cli.alerts import send_after  # [[alerts]]: the new changes, once each

        alerts = send_after(state, database, quiet=True)
    if as_json:
        echo_json({**summary.to_dict(), **(alerts.to_dict() if alerts else {})})
        return
    if not quiet or summary.failures or summary.feeds_failed:
        for problem in summary.problems[:50]:
            click.echo(f"  {safe(problem)}", err=True)
        if len(summary.problems) > 50:
            click.echo(f"  ... and {len(summary.problems) - 50} more", err=True)
    if not quiet:
        click.echo(summary.line())
        if alerts:
            click.echo(alerts.line())
    if summary.unrecorded:
        from newsdiff.errors import StoreError

        raise StoreError(
            f"{summary.unrecorded} failures could not be recorded: the database refused to write"
        )


def _poll_with_progress(state: State, database: Any, force: bool) -> Any:
    from newsdiff.collect.poll import run_poll

    with staged_progress() as progress:
        return run_poll(state.settings, database, force=force, progress=progress)


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
    type=click.IntRange(min=1, max=MAX_ID),
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
    from newsdiff.collect.backfill import run_backfill
    from newsdiff.collect.cdx import archive_date

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
    if prefix is not None:
        check_http_url(prefix, "--prefix")
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
    from newsdiff.collect.headlines import HEADLINE_KEYS
    from newsdiff.collect.preview import preview_extraction, reextract_version

    again = None
    if page_url is not None:
        check_http_url(page_url, "--url")
    if source is not None and "://" in source:
        check_http_url(source, "URL|FILE")
    if version_ref is not None:
        for part in version_ref.rsplit(":", 1):
            check_id(part, param_hint="--version")
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
    for key in HEADLINE_KEYS:
        value = result.headlines.get(key)
        click.echo(f"  {key + ':':<9} {safe(value) if value else '-'}")
    click.echo(f"standfirst: {safe(result.standfirst) if result.standfirst else '-'}")
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
