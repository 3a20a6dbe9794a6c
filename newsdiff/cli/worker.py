"""`newsdiff worker`: poll as procrastinate jobs on PostgreSQL, with any number of workers."""

from __future__ import annotations

import logging

import click

from newsdiff.cli.base import State, cli, common, pass_state

QUEUE_NAMES = ("feeds", "articles", "scheduler")


def _queues(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    names = tuple(n.strip() for v in value for n in v.split(",") if n.strip())
    for name in names:
        if name not in QUEUE_NAMES:
            raise click.BadParameter(
                f"unknown queue {name!r} (queues: {', '.join(QUEUE_NAMES)})", param_hint="--queues"
            )
    return names


@cli.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1000),
    help="Jobs at once in this worker (default: workers.concurrency).",
)
@click.option(
    "--queues",
    multiple=True,
    callback=_queues,
    metavar="NAMES",
    help="Only these queues, comma-separated: feeds, articles, scheduler (default: all). "
    "Some worker must take 'scheduler', or nothing is deferred.",
)
@common
@pass_state
def worker(state: State, concurrency: int | None, queues: tuple[str, ...]) -> None:
    """Run a queue worker on the configured PostgreSQL database, until SIGTERM or Ctrl-C.

    Any number of workers, on any number of machines, share the polling: a scheduler (run by
    one of them each tick) defers due feeds and articles as jobs, and [fetch]'s politeness
    (per-host concurrency, delays, Crawl-delay, Retry-After) holds for all of them together.
    `newsdiff poll` refuses to run beside them. On SIGTERM, running jobs get
    workers.shutdown_timeout_s to finish, then go back to the queue.
    """
    from newsdiff.workers.runner import run_worker

    if not state.verbose:  # a daemon says what happens to it, not to each job (-v for those)
        logging.basicConfig(
            level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        logging.getLogger("newsdiff.workers").setLevel(logging.INFO)
        # one line per failed attempt to reach a lost database: the supervisor says it once
        logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    run_worker(state.settings, concurrency=concurrency, queues=queues or None)
