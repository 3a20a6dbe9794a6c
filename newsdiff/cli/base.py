"""The `cli` group and what every command shares: the per-run State (config file, verbosity,
settings loaded on first use), the `common` options and `pass_state`, `open_db`, JSON and safe
terminal output, a staged progress bar, and `main`, which turns errors into the exit status.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click

from newsdiff import __version__
from newsdiff.config import Settings, load_settings
from newsdiff.errors import ConfigError, NewsdiffError
from newsdiff.text import printable

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    config_path: str | None = None
    verbose: int = 0
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings


def _set_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).config_path = value


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        state = ctx.ensure_object(State)
        state.verbose = max(state.verbose, value)
        level = logging.DEBUG if state.verbose > 1 else logging.INFO
        logging.basicConfig(
            level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
        )


def common(func: F) -> F:
    """``--config`` and ``-v`` on every command (they also work before the command name)."""
    func = click.option(
        "--config",
        type=click.Path(dir_okay=False),
        expose_value=False,
        callback=_set_config,
        is_eager=True,
        help="Config file (default: $NEWSDIFF_CONFIG or the user config dir).",
    )(func)
    func = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_set_verbose,
        help="Log what happens (-vv for debug).",
    )(func)
    return func


pass_state = click.make_pass_decorator(State, ensure=True)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def safe(text: object) -> str:
    """Untrusted text (titles, URLs from the web) for the terminal."""
    return printable("" if text is None else str(text))


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: newsdiff's, and those of the parts that decide what is stored and how it
    is compared (a methods section can cite them)."""
    if not value or ctx.resilient_parsing:
        return
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from newsdiff.diff import myers

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    engine = myers.engine()
    raw = f" (fast-diff-match-patch {of('fast-diff-match-patch')})" if engine == "native" else ""
    lines = [
        f"newsdiff {__version__}",
        f"  diff: {engine} raw diff{raw}, diff-match-patch {of('diff-match-patch')}",
        f"  extraction: trafilatura {of('trafilatura')}, readability-lxml {of('readability-lxml')}",
        f"  Python {platform.python_version()}, SQLAlchemy {of('SQLAlchemy')}, "
        f"Textual {of('textual')}",
    ]
    click.echo("\n".join(lines))
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version of newsdiff and of its diff and extraction parts, and exit.",
)
@common
def cli() -> None:
    """newsdiff: watch how news reporting changes.

    Poll feeds, store every version of every article, diff versions word by word, and follow a
    story's events through its coverage. Start with `newsdiff demo`, or:

    \b
      newsdiff init
      newsdiff feeds add https://example.org/rss.xml --outlet "Example News"
      newsdiff poll
      newsdiff articles --changed
      newsdiff diff ARTICLE
    """


def open_db(state: State, *, check: bool = True) -> Any:
    from newsdiff.store.db import Database

    return Database(state.settings.database.url, check=check)


@contextmanager
def staged_progress(prefix: str = "") -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress bar with one row per stage; yields ``report(stage, done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(prefix + "{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into one line and the documented exit status."""
    try:
        cli.main(args=argv, prog_name="newsdiff", standalone_mode=False)
    except ConfigError as exc:
        click.echo(f"newsdiff: {exc}", err=True)
        sys.exit(2)
    except NewsdiffError as exc:
        click.echo(f"newsdiff: error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)
