"""Story commands: the `story` group (import, list, show, link) and the manual `link` and
`unlink` of an article to an event.
"""

from __future__ import annotations

from typing import Any

import click

from newsdiff.cli.base import State, cli, common, echo_json, id_or_url, open_db, pass_state, safe


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
@click.argument("article", callback=id_or_url)
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
@click.argument("article", callback=id_or_url)
@common
@pass_state
def unlink(state: State, event: str, article: str) -> None:
    """Unlink ARTICLE from EVENT by hand; re-linking will not link it again."""
    from newsdiff.timeline.service import manual_link

    database = open_db(state)
    ev, art = manual_link(database, event, _article_id(database, article), linked=False)
    click.echo(f"unlinked article {art} from {ev}")
