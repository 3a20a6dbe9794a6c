"""`newsdiff captures`: the raw captures (the HTTP responses behind versions)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import click

from newsdiff.cli.base import MAX_ID, State, cli, common, open_db, pass_state, staged_progress
from newsdiff.cli.edits import DATE


@cli.group()
def captures() -> None:
    """The raw captures: the HTTP response behind each version, kept as WARC records."""


@captures.command("export")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--since", type=DATE, help="Only captures of this day or later (UTC).")
@click.option(
    "--article",
    type=click.IntRange(min=1, max=MAX_ID),
    help="Only the captures of this article's versions (id).",
)
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@click.option("--quiet", is_flag=True, help="No progress bar, no summary.")
@common
@pass_state
def export(
    state: State,
    out: Path,
    since: datetime | None,
    article: int | None,
    force: bool,
    quiet: bool,
) -> None:
    """Write the captures as plain gzip'd WARC that any web-archive tool reads (pywb,
    ReplayWeb.page, warcio): OUT is a directory (one newsdiff-YYYY-MM-DD.warc.gz per day) or a
    file whose name ends in .warc.gz.

    Captures are stored compactly (zstd against earlier captures, [captures] compact); the
    export decompresses and checks each one (a damaged one is named and left out: exit 1).
    Without --article, every record in the captures dir is exported, including plain .warc.gz
    day files written before the compact form.

    \b
      newsdiff captures export ~/warc-export
      newsdiff captures export --article 12 article-12.warc.gz
    """
    from newsdiff.collect.capexport import export_captures
    from newsdiff.collect.warc import captures_path

    directory = captures_path(state.settings)
    database = open_db(state) if article is not None else None
    show = not quiet and sys.stderr.isatty()
    with staged_progress() if show else nullcontext() as progress:
        report = export_captures(
            directory,
            out,
            database=database,
            article_id=article,
            since=since.date() if since is not None else None,
            force=force,
            progress=progress,
        )
    for line in report.damaged:
        click.echo(f"damaged: {line}", err=True)
    if not quiet:
        click.echo(report.line())
    if report.damaged:
        sys.exit(1)
