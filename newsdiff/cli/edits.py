"""Commands on typed edits: `analyse` (compute them for stored versions) and `edits` (list them
across the archive)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import click

from newsdiff.cli.base import (
    MAX_ID,
    State,
    cli,
    common,
    echo_json,
    open_db,
    pass_state,
    safe,
    staged_progress,
)

#: the kinds the analyser knows (the vocabulary is open: the database may hold more)
KINDS = ("headline", "number", "quote", "source", "certainty", "correction", "trivial")
CHANGES = ("added", "removed", "changed", "firmer", "softer")


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """A day (``2008-11-30``) or a moment (``2008-11-30T12:00``, UTC unless it says otherwise)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            when = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)", param, ctx)
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


DATE = DateParam()


@cli.command()
@click.option("--all", "redo", is_flag=True, help="Recompute every version, not only pending ones.")
@click.option(
    "--article",
    "article",
    type=click.IntRange(min=1, max=MAX_ID),
    help="Only this article (id).",
)
@click.option("--since", type=DATE, help="Only versions captured on or after this date.")
@click.option("--quiet", is_flag=True, help="No progress bar, no summary.")
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
@common
@pass_state
def analyse(
    state: State,
    redo: bool,
    article: int | None,
    since: datetime | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Compute the typed edits of stored versions (what kind of change each one made).

    The poll computes them for every version it stores; this fills them in for a database made
    before, for backfilled versions, and after an upgrade of the analyser (versions analysed by
    an older one are pending again). Resumable: an interrupted run picks up where it stopped.
    Safe beside a running poll: it writes in short transactions.
    """
    from newsdiff.store.analysis import analyse_versions

    database = open_db(state)
    show = not quiet and not as_json and sys.stderr.isatty()
    try:
        if show:
            with staged_progress() as progress:
                report = analyse_versions(
                    database, redo=redo, article_id=article, since=since, progress=progress
                )
        else:
            report = analyse_versions(database, redo=redo, article_id=article, since=since)
    finally:
        database.dispose()
    if as_json:
        echo_json(
            {
                "pending": report.pending,
                "analysed": report.analysed,
                "skipped": report.skipped,
                "seconds": round(report.seconds, 3),
                "versions_per_second": round(report.per_second, 1),
            }
        )
    elif not quiet:
        click.echo(report.line())


def _short(text: str | None, width: int = 70) -> str:
    if not text:
        return ""
    clean = " ".join(text.split())
    return safe(clean if len(clean) <= width else clean[: width - 1] + "…")


@cli.command()
@click.option(
    "--kind", "kinds", multiple=True, help=f"Only this kind (repeatable): {', '.join(KINDS)}."
)
@click.option(
    "--change",
    "changes",
    multiple=True,
    type=click.Choice(CHANGES),
    help="Only this change (repeatable).",
)
@click.option("--silent", is_flag=True, help="Only factual edits no correction notice owns up to.")
@click.option("--outlet", help="Only this outlet (name).")
@click.option("--article", type=click.IntRange(min=1, max=MAX_ID), help="Only this article (id).")
@click.option("--story", help="Only articles covering an event of this story (slug).")
@click.option("--since", type=DATE, help="Only versions captured on or after this date.")
@click.option("--until", type=DATE, help="Only versions captured before this date.")
@click.option("--limit", type=click.IntRange(min=1, max=MAX_ID), help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="JSON output (one object per edit).")
@common
@pass_state
def edits(
    state: State,
    kinds: tuple[str, ...],
    changes: tuple[str, ...],
    silent: bool,
    outlet: str | None,
    article: int | None,
    story: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List typed edits across the archive, newest first: article, version, when, kind, and
    what it was and became.

    \b
      newsdiff edits --kind quote --change removed --silent
      newsdiff edits --story baby-p --kind certainty --json
    """
    from newsdiff.store.analysis import count_unanalysed
    from newsdiff.store.edits import list_edits
    from newsdiff.timeline.linking import story_article_ids

    database = open_db(state)
    try:
        with database.read() as session:
            ids = story_article_ids(session, story) if story else None
            if article is not None:
                ids = [article] if ids is None or article in ids else []
            rows = list_edits(
                session,
                kinds=kinds,
                changes=changes,
                silent=True if silent else None,
                outlet=outlet,
                article_ids=ids,
                since=since,
                until=until,
                limit=limit,
            )
        pending = count_unanalysed(database)
    finally:
        database.dispose()
    if as_json:
        echo_json([r.to_dict() for r in rows])
        return
    if pending:
        click.echo(f"note: {pending} versions not analysed yet: run `newsdiff analyse`", err=True)
    if not rows:
        click.echo("no edits match")
        return
    for r in rows:
        flag = " silent" if r.silent else ""
        what = f"{r.kind} {r.change}{flag}"
        old, new = _short(r.old), _short(r.new)
        change = f"{old!s} -> {new!s}" if old and new else (new or old)
        click.echo(
            f"{r.article_id:>6} v{r.version:<3} {r.captured_at:%Y-%m-%d %H:%M}  "
            f"{safe(r.outlet or '-'):<16.16}  {what:<24} {change}"
        )
