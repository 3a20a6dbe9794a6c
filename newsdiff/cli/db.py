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
    before, after = migrate(url)
    if before == after:
        click.echo(f"database {safe_url(url)}: already at schema {after}")
    else:
        click.echo(f"database {safe_url(url)}: upgraded from {before or 'empty'} to {after}")
