"""Commands that write the data out: the `export` group (versions, changes, checks and edits
tables, a NewsEdits-layout database, a static HTML site) and the Atom `feed` of changes.

Every ``--out`` goes through :mod:`newsdiff.export.files`: never over the database in use, never
over an existing file without ``--force`` (exit 2), never half a file in place; a file that
cannot be written is one line and exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from newsdiff.cli.base import MAX_ID, State, cli, common, open_db, pass_state

OUT_HELP = (
    "Refused (exit 2) when FILE is the database in use, or exists and --force is not given; a "
    "file that cannot be written is exit 1. Written under a temp name, renamed when complete."
)
FORCE_HELP = "Replace --out FILE if it exists (never the database in use)."


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
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        raise click.BadParameter(
            f"{value!r} is out of range once in UTC", param_hint="--since"
        ) from None
    return parsed


@cli.group()
def export() -> None:
    """Exports for analysis: tables (CSV/JSONL), a NewsEdits-layout database, HTML pages."""


_TABLE_HELP = {
    "versions": "One row per version: article, outlet, URL, number, capture time, headline, "
    "byline, text.",
    "changes": "One row per consecutive pair of versions: change stats, headline before/after, "
    "the change window.",
    "checks": "Every check: time, outcome, HTTP status, error, duration, extraction warnings.",
    "edits": "One row per stored typed edit: article, outlet, URL, version, capture time, kind, "
    "change, old and new text, paragraphs, silent, detail (JSON), analyser version. Versions "
    "not analysed yet have none: a note on stderr says how many (run `newsdiff analyse`).",
}


def _table_export(kind: str) -> Any:
    @export.command(kind, help=_TABLE_HELP[kind])
    @click.option(
        "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
    )
    @click.option(
        "--out",
        type=click.Path(dir_okay=False),
        help="Write to FILE (default: standard output). " + OUT_HELP,
    )
    @click.option("--force", is_flag=True, help=FORCE_HELP)
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
        force: bool,
        story: str | None,
        since: str | None,
        spreadsheet_safe: bool,
    ) -> None:
        from newsdiff.export.files import check_target, replacing
        from newsdiff.export.tables import export_rows, unanalysed_versions

        if spreadsheet_safe and fmt != "csv":
            raise click.UsageError("--spreadsheet-safe applies to --format csv only")
        if force and out is None:
            raise click.UsageError("--force applies to --out FILE only")
        start = _parse_since(since)
        options = {"fmt": fmt, "story": story, "since": start, "spreadsheet_safe": spreadsheet_safe}
        url = state.settings.database.url
        target = None if out is None else check_target(Path(out), database_url=url, force=force)
        database = open_db(state)
        with database.read() as session:
            if target is None:
                count = export_rows(session, kind, sys.stdout, **options)
            else:
                with replacing(target) as handle:
                    count = export_rows(session, kind, handle, **options)
                click.echo(f"wrote {count} {kind} rows to {out}", err=True)
            if kind == "edits":
                _unanalysed_note(*unanalysed_versions(session, story=story, since=start))

    return command


def _unanalysed_note(missing: int, older: int) -> None:
    if not missing and not older:
        return
    parts = []
    if missing:
        parts.append(f"{missing} {'version' if missing == 1 else 'versions'} not analysed yet")
    if older:
        parts.append(f"{older} analysed by an older analyser")
    click.echo(f"note: {' and '.join(parts)}: run `newsdiff analyse`", err=True)


for _kind in ("versions", "changes", "checks", "edits"):
    _table_export(_kind)


@export.command("newsedits")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="SQLite file to write. " + OUT_HELP,
)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.option("--outlet", help="Only this outlet (the corpus ships one file per outlet).")
@click.option(
    "--no-sentences",
    is_flag=True,
    help="Leave out split_sentences and matched_sentences (faster: no sentence alignment).",
)
@common
@pass_state
def export_newsedits_cmd(
    state: State, out: str, force: bool, outlet: str | None, no_sentences: bool
) -> None:
    """An SQLite file in the NewsEdits corpus layout: tables entry and entryversion, and the
    sentences of each version with their alignment to the next (split_sentences,
    matched_sentences)."""
    from newsdiff.export.files import check_target
    from newsdiff.export.newsedits import export_newsedits

    target = check_target(Path(out), database_url=state.settings.database.url, force=force)
    database = open_db(state)
    # the archive's replay URL for people, not its raw-bytes ("id_") form
    template = state.settings.archive.replay_url.replace("id_/", "/")
    with database.read() as session:
        result = export_newsedits(
            session,
            target,
            outlet=outlet,
            archive_template=template,
            sentences=not no_sentences,
        )
    wrote = f"{result.entries} entries and {result.versions} versions"
    if not no_sentences:
        wrote = (
            f"{result.entries} entries, {result.versions} versions, {result.sentences} "
            f"sentences and {result.matches} sentence matches"
        )
    click.echo(f"wrote {wrote} to {out}")


@export.command("html")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory: a new or empty one, or one an earlier export wrote (it holds a "
    ".newsdiff-site file listing the files written). Anything else is refused (exit 2).",
)
@click.option("--story", help="Only this story and the articles covering it.")
@click.option("--no-feed", is_flag=True, help="Do not write the Atom feeds.")
@common
@pass_state
def export_html_cmd(state: State, out: str, story: str | None, no_feed: bool) -> None:
    """A static site that opens offline: stories, version histories, side-by-side diffs.

    Exporting again into the same directory updates it: pages are rewritten, and the pages an
    earlier export wrote that are no longer part of the site are removed. Files newsdiff did
    not write are never touched.
    """
    from newsdiff.export.site import export_site
    from newsdiff.export.sitedir import check_site_dir

    url = state.settings.database.url
    check_site_dir(Path(out), database_url=url)
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
                    database_url=url,
                )
        else:
            result = export_site(
                session, Path(out), story=story, base_url=base_url, database_url=url
            )
    removed = f"; removed {result.removed} stale files" if result.removed else ""
    click.echo(
        f"wrote {result.pages} pages ({result.stories} stories, {result.articles} articles, "
        f"{result.versions} versions) to {out}{removed}; open {Path(out) / 'index.html'}"
    )


@cli.command()
@click.option("--story", help="Only articles covering this story's events.")
@click.option("--article", type=click.IntRange(min=1, max=MAX_ID), help="Only this article (id).")
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write to FILE (default: stdout). " + OUT_HELP
)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.option("--limit", type=click.IntRange(min=1, max=MAX_ID), default=100, show_default=True)
@click.option("--changes-only", is_flag=True, help="Leave out first versions (v1).")
@common
@pass_state
def feed(
    state: State,
    story: str | None,
    article: int | None,
    out: str | None,
    force: bool,
    limit: int,
    changes_only: bool,
) -> None:
    """Atom feed of changes, newest first: one entry per new version, saying what changed.

    Entries link to the version's diff page of `newsdiff export html`, published under the
    config's [export] base_url (a warning on stderr while it is still the default, localhost).
    """
    from newsdiff.config import ExportSettings
    from newsdiff.export.atom import build_feed
    from newsdiff.export.files import check_target, write_bytes

    if force and out is None:
        raise click.UsageError("--force applies to --out FILE only")
    base_url = state.settings.export.base_url
    url = state.settings.database.url
    target = None if out is None else check_target(Path(out), database_url=url, force=force)
    database = open_db(state)
    with database.read() as session:
        data = build_feed(
            session,
            base_url=base_url,
            story=story,
            article=article,
            limit=limit,
            changes_only=changes_only,
        )
    if target is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()
    else:
        write_bytes(target, data)
    # once the feed is written, so that a failure stays one line
    if base_url == ExportSettings().base_url:
        click.echo(
            f"newsdiff: warning: export.base_url is not set, so the feed links to {base_url}: "
            "set it to where the `newsdiff export html` site is published",
            err=True,
        )
    if target is not None:
        click.echo(f"wrote {data.count(b'<entry>')} entries to {out}", err=True)
