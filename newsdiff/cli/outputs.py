"""Commands that write the data out: the `export` group (versions, changes and checks tables, a
NewsEdits-layout database, a static HTML site) and the Atom `feed` of changes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from newsdiff.cli.base import State, cli, common, open_db, pass_state


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
