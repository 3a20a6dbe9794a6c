"""`newsdiff search`: full-text search over every stored version, and over what changed."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import Any

import click

from newsdiff.cli.base import MAX_ID, State, cli, common, echo_json, open_db, pass_state, safe
from newsdiff.cli.edits import DATE, KINDS

WITHIN = ("any", "latest", "added", "removed")
DEFAULT_LIMIT = 50


class QueryParam(click.ParamType):  # type: ignore[type-arg]
    """A query in newsdiff's search syntax, parsed before the database is opened: a query that
    cannot be searched is bad usage (exit 2, one line naming QUERY)."""

    name = "query"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from newsdiff.store.search_query import BadQuery, Query, parse_query

        if isinstance(value, Query):
            return value
        try:
            return parse_query(str(value))
        except BadQuery as exc:
            self.fail(str(exc), param, ctx)


def _numbers(numbers: tuple[int, ...]) -> str:
    """``(1, 2, 3, 5)`` as ``1-3,5``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)


def _marked(text: str, marks: Any, color: bool) -> str:
    """``text`` made safe for the terminal, its matches in bold (or [brackets] without
    colour). Each piece is escaped on its own, so a mark never splits an escape."""
    from newsdiff.store.search import segments

    out = []
    for piece, hit in segments(text, marks):
        shown = safe(piece).replace("\n", " ")
        if hit:
            shown = click.style(shown, bold=True, fg="yellow") if color else f"[{shown}]"
        out.append(shown)
    return "".join(out)


def _which(hit: Any, within: str) -> str:
    if within == "added":
        return f"v{hit.version} added"
    if within == "removed":
        return f"v{hit.version} removed"
    return f"v{_numbers(hit.versions)} of {hit.version_count}"


@cli.command("search")
@click.argument("query", type=QueryParam())
@click.option(
    "--in",
    "within",
    type=click.Choice(WITHIN),
    default="any",
    show_default=True,
    help="any: every version (one line per article); latest: each article's latest version; "
    "added: versions where the text appeared; removed: versions where it went.",
)
@click.option("--outlet", help="Only this outlet (name).")
@click.option("--story", help="Only articles covering an event of this story (slug).")
@click.option("--since", type=DATE, help="Only versions captured on or after this date.")
@click.option("--until", type=DATE, help="Only versions captured before this date.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help=f"Only versions with an edit of this kind (repeatable): {', '.join(KINDS)}.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_ID),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="At most this many results.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON output (one object per result).")
@common
@pass_state
def search_command(
    state: State,
    query: Any,
    within: str,
    outlet: str | None,
    story: str | None,
    since: datetime | None,
    until: datetime | None,
    kinds: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Search every stored version: words, "exact phrases", prefix* (three letters or more),
    AND, OR, NOT (or -word), (grouping). Most recently stored first.

    \b
      newsdiff search Haringey
      newsdiff search '"are expected to"' --in removed
      newsdiff search 'inspect* AND (council OR Haringey) -police' --since 2008-11-01
      newsdiff search 'Baby P' --story baby-p --in latest --json

    Words match whole words, in any case and without their accents (on PostgreSQL, when the
    unaccent extension is there); punctuation inside a word splits it (covid-19 finds
    "covid 19"). AND, OR and NOT are operators in capitals only. There are no stop words:
    every word typed must be there.
    """
    from newsdiff.store.search import search
    from newsdiff.timeline.linking import story_article_ids

    database = open_db(state)
    try:
        with database.read() as session:
            ids = story_article_ids(session, story) if story else None
            hits = search(
                session,
                query,
                within=within,
                outlet=outlet,
                article_ids=ids,
                since=since,
                until=until,
                kinds=kinds,
                limit=limit + 1,  # one more tells whether there are more
            )
    finally:
        database.dispose()
    more = len(hits) > limit
    hits = hits[:limit]
    if as_json:
        echo_json([h.to_dict() for h in hits])
        return
    if not hits:
        click.echo("no versions match")
        return
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for h in hits:
        which = _which(h, within)
        click.echo(
            f"{h.article_id:>6} {which:<16} {h.captured_at:%Y-%m-%d %H:%M}  "
            f"{safe(h.outlet or '-'):<16.16}  {_marked(h.title, h.title_marks, color)}",
            color=color,
        )
        quote = f"v{h.snippet_version}: " if h.snippet_version != h.version else ""
        click.echo(f"{'':>7}{quote}{_marked(h.snippet, h.snippet_marks, color)}", color=color)
    if more:
        click.echo(f"note: more than {limit} results; use --limit to see more", err=True)
