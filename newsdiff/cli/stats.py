"""`newsdiff stats`: change statistics across the archive, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from newsdiff.cli.base import State, cli, common, echo_json, open_db, pass_state, safe
from newsdiff.cli.edits import DATE

if TYPE_CHECKING:
    from newsdiff.timeline.stats import Stats, StatsRow

BY = ("outlet", "event", "week", "day")
#: short column names for the edit kinds in the table
SHORT = {"certainty": "certain", "correction": "correct"}


@cli.command()
@click.option("--story", help="Only articles covering an event of this story (slug).")
@click.option("--outlet", help="Only this outlet (name or slug).")
@click.option(
    "--by",
    type=click.Choice(BY),
    help="A row per outlet, per event of --story, or per UTC week or day of first capture.",
)
@click.option("--since", type=DATE, help="Only articles first captured on or after this date.")
@click.option("--until", type=DATE, help="Only articles first captured before this date.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV output (one line per row, then total).")
@common
@pass_state
def stats(
    state: State,
    story: str | None,
    outlet: str | None,
    by: str | None,
    since: datetime | None,
    until: datetime | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """How much was changed, how soon and how: articles, versions, share of articles changed,
    changes per article, median time from first capture to first change, words added and
    removed, typed edits per kind and how many were silent.

    An article counts from its first capture; a row is about its articles and everything that
    happened to them later (--by week/day: the articles first captured that week or day).

    \b
      newsdiff stats --by outlet
      newsdiff stats --story baby-p --by event --csv > events.csv
    """
    from newsdiff.timeline.stats import compute_stats

    if as_json and as_csv:
        raise click.BadParameter("give --json or --csv, not both", param_hint="--csv")
    if by == "event" and not story:
        raise click.BadParameter("statistics per event need --story SLUG", param_hint="--by")
    database = open_db(state)
    with database.read() as session:
        result = compute_stats(
            session,
            story=story,
            outlet=outlet,
            by=by,
            since=since,
            until=until,
            linking=state.settings.linking,
        )
    if as_json:
        echo_json(result.to_dict())
    elif as_csv:
        _write_csv(result)
    else:
        _print_table(result)
    if result.note and not as_json:
        click.echo(f"note: {result.note}", err=True)


def duration(value: timedelta | None) -> str:
    """``3d 4h``, ``2h 05m``, ``45m``, ``30s``; ``-`` for none."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _per(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _label(row: StatsRow, by: str | None) -> str:
    text = safe(" ".join(row.label.split()))
    if by == "event" and row.start and row.end:
        text = f"{row.start:%Y-%m-%d} {text}"
    return text if len(text) <= 32 else text[:31] + "…"


def _print_table(result: Stats) -> None:
    """Two tables of the same rows: the version figures, then the typed edits per kind."""
    rows = [*result.rows, result.total]
    labels = [_label(row, result.by) for row in rows]
    figures = [[result.by or "", "articles", "versions", "changed", "chg/art", "1st change"]]
    figures[0] += ["+words", "-words"]
    for label, row in zip(labels, rows, strict=True):
        figures.append(
            [
                label,
                f"{row.articles:,}",
                f"{row.versions:,}",
                _share(row.share_changed),
                _per(row.changes_per_article),
                duration(row.median_to_first_change),
                f"{row.words_added:,}",
                f"{row.words_removed:,}",
            ]
        )
    _echo_table(figures)
    kinds = result.kinds
    if not kinds:
        return
    edits = [["edits", *[SHORT.get(k, k) for k in kinds], "silent"]]
    for label, row in zip(labels, rows, strict=True):
        edits.append([label, *[f"{row.edits.get(k, 0):,}" for k in kinds], f"{row.silent:,}"])
    click.echo()
    _echo_table(edits)


def _echo_table(table: list[list[str]]) -> None:
    """Left-aligned first column, the others right-aligned; a rule above the total."""
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for n, line in enumerate(table):
        if n == len(table) - 1 and len(table) > 2:
            click.echo("-" * (sum(widths) + 2 * (len(widths) - 1)))
        cells = [line[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        click.echo("  ".join(cells).rstrip())


def _write_csv(result: Stats) -> None:
    kinds = result.kinds
    fields = [
        "key",
        "label",
        "start",
        "end",
        "articles",
        "changed_articles",
        "share_changed",
        "versions",
        "changes",
        "changes_per_article",
        "median_first_change_s",
        "words_added",
        "words_removed",
        "headline_changes",
        *[f"edits_{k}" for k in kinds],
        "silent",
        "unanalysed",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in [*result.rows, result.total]:
        data: dict[str, Any] = row.to_dict()
        edits = data.pop("edits")
        data.update({f"edits_{k}": edits.get(k, 0) for k in kinds})
        writer.writerow({k: "" if data.get(k) is None else data[k] for k in fields})
    click.echo(out.getvalue(), nl=False)
