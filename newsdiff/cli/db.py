"""Database set-up commands: `init`, and the `db` group for maintenance (`db upgrade`,
`db stats`: where the space goes, `db check`: verify the whole archive)."""

from __future__ import annotations

from typing import Any

import click

from newsdiff.cli.base import (
    State,
    cli,
    common,
    echo_json,
    open_db,
    pass_state,
    safe,
    staged_progress,
)


@cli.command()
@common
@pass_state
def init(state: State) -> None:
    """Create the data directory and the database, and bring its schema up to date.

    The only command that creates a database: the others refuse a missing one. A database made
    by a newer newsdiff (a schema this one does not know) is left untouched (exit 1).
    """
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
    """Run pending migrations (safe to run any number of times).

    A database made by a newer newsdiff is left untouched (exit 1): upgrade newsdiff instead.
    """
    from newsdiff.cli.base import staged_progress
    from newsdiff.store.db import migrate, safe_url

    url = state.settings.database.url
    _refuse_beside_workers(url)
    with staged_progress() as progress:
        before, after = migrate(url, progress)
    if before == after:
        click.echo(f"database {safe_url(url)}: already at schema {after}")
    else:
        click.echo(f"database {safe_url(url)}: upgraded from {before or 'empty'} to {after}")
    _upgrade_worker_schema(url)


def _refuse_beside_workers(url: str) -> None:
    """Never migrate under running workers (README "Running workers": stop them, upgrade,
    start the new version)."""
    from newsdiff.errors import StoreError
    from newsdiff.workers.presence import running_workers

    workers = running_workers(url)
    if workers:
        raise StoreError(
            f"{workers} `newsdiff worker` process{'es run' if workers > 1 else ' runs'} on this "
            "database: stop them all, then upgrade"
        )


def _upgrade_worker_schema(url: str) -> None:
    """On PostgreSQL where workers have run, bring the queue and host tables up to date too."""
    from newsdiff.workers.schema import is_prepared, prepare

    if url.startswith("postgresql") and is_prepared(url):
        for line in prepare(url, upgrade=True):
            click.echo(f"worker queue: {line}")


@db.command("stats")
@click.option("--json", "as_json", is_flag=True, help="The figures as JSON (bytes).")
@common
@pass_state
def db_stats(state: State, as_json: bool) -> None:
    """Where the space goes: text, other columns, edits, checks, indexes, captures, per outlet.

    SQLite sizes are pages on disk (from `dbstat`); PostgreSQL's are the relations' sizes, the
    text as stored after TOAST's compression. Captures are the files in the captures dir.
    """
    from newsdiff.collect.warc import captures_path
    from newsdiff.store.space import measure_space

    database = open_db(state)
    with database.read() as session:
        report = measure_space(session, captures_path(state.settings))
    if as_json:
        echo_json(report.to_dict())
        return
    for line in _space_lines(report):
        click.echo(line)


def _size(nbytes: float | None) -> str:
    if nbytes is None:
        return "?"
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:,.1f} {unit}"
    return f"{nbytes:,.0f} B"


def _share(nbytes: int | None, total: int | None) -> str:
    if nbytes is None or not total:
        return ""
    return f"{100 * nbytes / total:5.1f}%"


def _space_lines(report: Any) -> list[str]:
    from newsdiff.store.space import PARTS

    total = report.total_bytes
    per = report.per_version
    lines = [f"{report.versions:,} versions ({report.engine}, sizes from {report.method})", ""]
    width = max(len(label) for _key, label in PARTS) + 2
    lines.append(f"{'':<{width}}{'size':>10}  {'share':>6}  {'per version':>11}")
    for key, label in PARTS:
        nbytes = report.parts.get(key)
        if key == "free" and report.engine == "postgresql":
            continue
        lines.append(
            f"{label:<{width}}{_size(nbytes):>10}  {_share(nbytes, total):>6}  "
            f"{_size(per(nbytes)) if key in ('text', 'version_columns') else '':>11}"
        )
    lines.append(f"{'database':<{width}}{_size(report.database_bytes):>10}")
    where = safe(report.captures_dir) if report.captures_dir else "none"
    lines.append(
        f"{'captures':<{width}}{_size(report.captures_bytes):>10}  "
        f"{_share(report.captures_bytes, total):>6}  {_size(per(report.captures_bytes)):>11}"
        f"  ({report.capture_files:,} files in {where})"
    )
    lines.append(f"{'total':<{width}}{_size(total):>10}")
    if report.outlets:
        lines += ["", f"{'outlet':<30}{'versions':>10}{'text':>11}{'captures':>11}"]
        for o in report.outlets:
            name = safe(o.outlet) if o.outlet is not None else "(no outlet)"
            name = name if len(name) <= 28 else name[:27] + "\u2026"
            lines.append(
                f"{name:<30}{o.versions:>10,}{_size(o.text_bytes):>11}{_size(o.capture_bytes):>11}"
            )
    return [line.rstrip() for line in lines]


@db.command("check")
@click.option("--repair-index", is_flag=True, help="Rebuild the search index if it is out of step.")
@click.option("--quiet", is_flag=True, help="No progress bar; only damage and the summary.")
@click.option("--json", "as_json", is_flag=True, help="What was found, as JSON.")
@common
@pass_state
def db_check(state: State, repair_index: bool, quiet: bool, as_json: bool) -> None:
    """Verify the whole archive: every version's text and raw capture, and the search index.

    Names each damaged version (article id, version number, what is wrong) and ends with one
    summary line. Exit status 1 when anything is damaged, else 0. Changes nothing, except the
    search index with --repair-index. Safe beside a running poll.
    """
    import sys

    from newsdiff.store.integrity import check_archive

    database = open_db(state)
    verify = _capture_verifier(state)
    if not quiet and not as_json and sys.stderr.isatty():
        with staged_progress() as progress:
            report = check_archive(
                database, verify_capture=verify, repair_index=repair_index, progress=progress
            )
    else:
        report = check_archive(database, verify_capture=verify, repair_index=repair_index)
    if as_json:
        echo_json(report.to_dict())
    else:
        for damage in report.damage:
            click.echo(safe(damage.line()))
        for problem in report.index_problems:
            click.echo(f"search index: {safe(problem)}")
        click.echo(report.summary())
    if not report.ok:
        sys.exit(1)  # a finding, not an error: the report above says what is damaged


def _capture_verifier(state: State) -> Any:
    """``verify(file, offset, length)`` for the configured captures dir: the collector's check
    of one capture, either form (the store does not know the captures' format)."""
    from newsdiff.collect.warc import CaptureRef, captures_path, verify_capture

    directory = captures_path(state.settings)

    def verify(file: str, offset: int, length: int) -> None:
        verify_capture(directory, CaptureRef(file, offset, length))

    return verify
