"""Database set-up commands: `init`, and the `db` group for maintenance (`db upgrade`)."""

from __future__ import annotations

import click

from newsdiff.cli.base import State, cli, common, pass_state


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
    from newsdiff.store.db import migrate, safe_url

    url = state.settings.database.url
    _refuse_beside_workers(url)
    before, after = migrate(url)
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
