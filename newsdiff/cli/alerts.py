"""`newsdiff alerts`: test an alert, list what the alerts have sent, send what is pending.

Alerts are sent after every `newsdiff poll`; `alerts send` does the same without polling (after
a worker batch, or to retry at once).
"""

from __future__ import annotations

from typing import Any

import click

from newsdiff.cli.base import State, cli, common, echo_json, open_db, pass_state, safe


@cli.group()
def alerts() -> None:
    """Alerts ([[alerts]] in the config): messages about new changes, through apprise."""


@alerts.command("test")
@click.argument("name")
@common
@pass_state
def alerts_test(state: State, name: str) -> None:
    """Send a sample message to every URL of the alert NAME (nothing is recorded).

    Exits 1 when a URL did not take it, saying why."""
    from newsdiff.alerts import find_alert, send_sample
    from newsdiff.errors import NewsdiffError

    try:
        alert = find_alert(state.settings, name)
    except NewsdiffError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1], param_hint="NAME") from None
    failed = 0
    for shown, error in send_sample(alert):
        if error is None:
            click.echo(f"sent: {safe(shown)}")
        else:
            failed += 1
            click.echo(f"failed: {safe(shown)}: {safe(error)}", err=True)
    if failed:
        raise click.ClickException(f"{failed} of {len(alert.urls)} URLs failed")


@alerts.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def alerts_list(state: State, as_json: bool) -> None:
    """The configured alerts: what each matches, and per URL what was sent, what is pending
    (failed sends wait for the next run) and the last error."""
    from newsdiff.alerts import alert_status

    settings = state.settings
    if not settings.alerts:
        if as_json:
            echo_json([])
        else:
            click.echo("no alerts: add [[alerts]] tables to the config (see config.example.toml)")
        return
    rows = alert_status(settings, open_db(state))
    if as_json:
        echo_json([r.to_dict() for r in rows])
        return
    for row in rows:
        seen = f"since {row.first_seen_at:%Y-%m-%d %H:%M}" if row.first_seen_at else "not run yet"
        click.echo(f"{safe(row.name)}  ({seen}): {safe(row.match)}")
        for t in row.targets:
            line = (
                f"  {safe(t.url)}: {t.sent} sent, {t.summarised} in summaries, {t.pending} pending"
            )
            if t.failing:
                line += f" ({t.failing} after failures; last: {safe(t.last_error or '')})"
            click.echo(line)


@alerts.command("send")
@click.option("--json", "as_json", is_flag=True, help="The outcome as JSON.")
@common
@pass_state
def alerts_send(state: State, as_json: bool) -> None:
    """Match new versions and send what is pending, as after a poll."""
    report = send_after(state, open_db(state), quiet=as_json)
    if as_json:
        echo_json(report.to_dict() if report else {"alerts": []})


def send_after(state: State, database: Any, *, quiet: bool) -> Any:
    """Send the alerts (after a poll); print their line and problems unless ``quiet``
    (problems always go to stderr). Returns the report (None without alerts)."""
    if not state.settings.alerts:
        return None
    from newsdiff.alerts import send_alerts

    report = send_alerts(state.settings, database)
    for problem in report.problems[:20]:
        click.echo(f"  {safe(problem)}", err=True)
    if not quiet:
        click.echo(report.line())
    return report
