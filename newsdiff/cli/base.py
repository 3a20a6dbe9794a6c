"""The `cli` group and what every command shares: the per-run State (config file, verbosity,
settings loaded on first use), the `common` options and `pass_state`, `open_db`, JSON and safe
terminal output, a staged progress bar, the argument checks (ids, URLs), and `main`, which turns
errors into one line on stderr and the exit status.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
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

# The largest id a database row can have (a signed 64-bit integer). A bigger number given for
# an id is bad usage, said before the database sees it.
MAX_ID = 2**63 - 1

# -v given on this run: main() then shows the traceback of an unexpected error.
_verbosity = 0


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
    global _verbosity
    if value:
        state = ctx.ensure_object(State)
        state.verbose = max(state.verbose, value)
        _verbosity = state.verbose
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


def check_id(
    text: str,
    param: click.Parameter | None = None,
    ctx: click.Context | None = None,
    *,
    param_hint: str | None = None,
) -> None:
    """Fail (exit 2, naming the argument) when ``text`` is a number larger than any id can be."""
    stripped = text.strip()
    if stripped.isdigit() and int(stripped) > MAX_ID:
        raise click.BadParameter(
            f"{stripped} is not an id (ids go up to {MAX_ID})",
            ctx=ctx,
            param=param,
            param_hint=param_hint,
        )


def id_or_url(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback for an ARTICLE (or feed) argument given as an id or a URL: the text is left to
    the library to resolve, but a number too large to be an id is refused here (exit 2)."""
    if isinstance(value, str):
        check_id(value, param, ctx)
    return value


def check_http_url(url: str, hint: str) -> None:
    """Fail (exit 2, naming ``hint``) unless ``url`` is a well-formed http(s) URL: a scheme, a
    host, a valid port."""
    from urllib.parse import urlsplit

    problem = None
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            problem = "not an http(s) URL"
        else:
            parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        problem = f"not a usable URL ({exc})"
    if problem:
        raise click.BadParameter(f"{problem}: {url!r}", param_hint=hint)


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

    Exit status: 0 done; 1 failed (the database refused or is busy, a file cannot be written...);
    2 bad usage or bad config (an existing --out file without --force, an id too large...).
    Every failure is one line on stderr; -v adds the traceback of an unexpected error.
    """


def open_db(state: State, *, check: bool = True) -> Any:
    """The configured database, closed (its connections released) when the command ends."""
    from newsdiff.store.db import Database

    database = Database(state.settings.database.url, check=check)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(database.dispose)
    return database


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


def one_line(text: str) -> str:
    """A message as one line for the terminal: lines joined, SQLAlchemy's statement and
    "Background on this error" lines dropped, control characters shown as symbols."""
    lines = [line.strip() for line in str(text).splitlines()]
    kept = [
        line
        for line in lines
        if line and not line.startswith(("[SQL:", "[parameters:", "(Background on this error"))
    ]
    return safe(" ".join(kept))


def _usage_line(exc: click.UsageError) -> str:
    """Click's usage error as one line: the message and where to find help."""
    message = one_line(exc.format_message())
    if exc.ctx is not None:
        return f"newsdiff: {message} (see '{exc.ctx.command_path} --help')"
    return f"newsdiff: {message}"


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into one line and the documented exit status.

    2 for bad usage or config (:class:`ConfigError`, click's usage errors), 1 for every other
    failure: newsdiff's own errors, an OSError (a file that cannot be written, stdout on a full
    disk), and, as a last resort, any unexpected exception ("internal error"; -v shows its
    traceback)."""
    global _verbosity
    _verbosity = 0
    try:
        cli.main(args=argv, prog_name="newsdiff", standalone_mode=False)
    except ConfigError as exc:
        _fail(f"newsdiff: {one_line(str(exc))}", 2, exc)
    except NewsdiffError as exc:
        _fail(f"newsdiff: error: {one_line(str(exc))}", 1, exc)
    except click.exceptions.Exit as exc:
        _exit(exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message(), err=True)
        _exit(exc.exit_code)
    except click.UsageError as exc:
        _fail(_usage_line(exc), exc.exit_code, None)
    except click.ClickException as exc:
        _fail(f"newsdiff: {one_line(exc.format_message())}", exc.exit_code, None)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C inside a command into Abort (from KeyboardInterrupt)
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            _exit(130)
        click.echo("aborted", err=True)
        _exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        _exit(130)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"newsdiff: error: {one_line(where + reason)}", 1, exc)
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, not a traceback
        text = one_line(str(exc))
        hint = "" if _verbosity else " (run with -v for the traceback)"
        message = f"newsdiff: internal error: {exc.__class__.__name__}: {text}".rstrip(": ")
        _fail(message + hint, 1, exc, always=True)
    _exit(0)


def _fail(message: str, status: int, exc: BaseException | None, *, always: bool = False) -> None:
    """Print ``message`` on stderr and exit with ``status``; with -v, the traceback first (of
    an unexpected error, or of the database/OS error behind one of newsdiff's)."""
    if exc is not None and _verbosity and (always or exc.__cause__ is not None):
        traceback.print_exception(exc)
    try:
        click.echo(message, err=True)
    except OSError:
        pass
    _exit(status)


def _exit(status: int) -> None:
    """Exit with ``status`` once stdout is flushed; output that cannot be written (a closed pipe,
    a full disk) is reported once here instead of by Python at shutdown."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    except OSError as exc:
        _quiet_stdout()
        try:
            click.echo(f"newsdiff: error: cannot write the output: {exc.strerror or exc}", err=True)
        except OSError:
            pass
        status = status or 1
    sys.exit(status)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
