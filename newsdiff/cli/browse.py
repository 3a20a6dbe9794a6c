"""Commands that read what was collected: `articles`, `versions`, `diff` (two versions of an
article, or two text files), the `tui`, and the offline `demo` of the whole pipeline.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from newsdiff.cli.base import (
    MAX_ID,
    State,
    check_id,
    cli,
    common,
    echo_json,
    id_or_url,
    open_db,
    pass_state,
    safe,
    staged_progress,
)
from newsdiff.config import Settings

MAX_WIDTH = 1000


@cli.command()
@click.option("--outlet", help="Only this outlet (name or slug).")
@click.option("--changed", is_flag=True, help="Only articles with two versions or more.")
@click.option("--limit", type=click.IntRange(min=1, max=MAX_ID), help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def articles(
    state: State, outlet: str | None, changed: bool, limit: int | None, as_json: bool
) -> None:
    """List tracked articles, newest first: id, date, versions, the kinds of edits across its
    versions (as in `newsdiff versions`), outlet and headline."""
    from newsdiff.store.articles import list_articles
    from newsdiff.store.edits import article_kinds, badges, split_kinds

    database = open_db(state)
    with database.read() as session:
        rows = list_articles(session, outlet=outlet, changed=changed, limit=limit)
        kinds = article_kinds(session, [r.id for r in rows])
    if as_json:
        echo_json([{**r.to_dict(), "edit_kinds": split_kinds(kinds.get(r.id))} for r in rows])
        return
    if not rows:
        click.echo("no articles yet: add a feed (`newsdiff feeds add URL`) and run `newsdiff poll`")
        return
    for r in rows:
        when = (r.published_at or r.first_seen_at).strftime("%Y-%m-%d")
        title = safe(r.title or r.url)
        mark = badges(kinds.get(r.id))
        click.echo(
            f"{r.id:>6}  {when}  v{r.versions:<3} {mark:<7} {safe(r.outlet or '-'):<20.20}  {title}"
        )


@cli.command()
@click.argument("article", callback=id_or_url)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@common
@pass_state
def versions(state: State, article: str, as_json: bool) -> None:
    """List the versions of ARTICLE (an id or any URL it is known under).

    Each line: number, capture time (UTC), words added and removed, the kinds of its edits
    against the version before (H headline, N number, Q quote, S source, C certainty,
    ! correction notice, t trivial, o other; * some edit is silent; ? not analysed yet:
    run `newsdiff analyse`), and its headline.
    """
    from newsdiff.collect.articles import resolve_article
    from newsdiff.store.edits import badges, silent_counts, split_kinds
    from newsdiff.store.versions import list_versions

    database = open_db(state)
    with database.read() as session:
        found = resolve_article(session, article)
        rows = list_versions(session, found.id)
        silent = silent_counts(session, [v.id for v in rows])
        data: list[dict[str, Any]] = [
            {
                "number": v.number,
                "captured_at": v.captured_at.isoformat(),
                "title": v.title,
                "title_changed": v.title_changed,
                "words_added": v.words_added,
                "words_removed": v.words_removed,
                "paragraphs": len(v.paragraph_list),
                "source": v.source,
                "extractor": f"{v.extractor} {v.extractor_version}",
                "edit_kinds": (
                    split_kinds(v.edit_kinds) if v.analyser_version is not None else None
                ),
                "trivial": v.trivial,
                "silent_edits": silent.get(v.id, 0),
            }
            for v in rows
        ]
        marks = [
            badges(v.edit_kinds, analysed=v.analyser_version is not None)
            + ("*" if silent.get(v.id) else "")
            for v in rows
        ]
        header = f"article {found.id} {found.url}"
    if as_json:
        echo_json(data)
        return
    click.echo(safe(header))
    if not data:
        click.echo("no versions yet (run `newsdiff poll`)")
    for d, mark in zip(data, marks, strict=True):
        click.echo(
            f"  v{d['number']:<3} {d['captured_at'][:16]}  +{d['words_added']:<5}"
            f" -{d['words_removed']:<5} {mark:<6} {safe(d['title'])}"
        )


@cli.command("diff")
@click.argument("old", metavar="ARTICLE|OLD")
@click.argument("new", metavar="[NEW]", required=False)
@click.option("--headline", is_flag=True, help="Files: the first line of each is the headline.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["side", "inline", "json", "html"]),
    default="side",
    show_default=True,
    help="Side by side, inline ([-old-]{+new+}), the diff JSON, or a standalone HTML page.",
)
@click.option(
    "--from", "from_n", type=click.IntRange(min=1, max=MAX_ID), help="Old version number."
)
@click.option("--to", "to_n", type=click.IntRange(min=1, max=MAX_ID), help="New version number.")
@click.option(
    "--width",
    type=click.IntRange(min=20, max=MAX_WIDTH),
    help=f"Width of the side-by-side view, 20 to {MAX_WIDTH} (default: the terminal's).",
)
@click.option("--ignore-whitespace", is_flag=True, help="Ignore whitespace-only changes.")
@click.option("--ignore-punctuation", is_flag=True, help="Ignore punctuation-only changes.")
@common
@pass_state
def diff_command(
    state: State,
    old: str,
    new: str | None,
    headline: bool,
    fmt: str,
    from_n: int | None,
    to_n: int | None,
    width: int | None,
    ignore_whitespace: bool,
    ignore_punctuation: bool,
) -> None:
    """Show what changed between two versions of ARTICLE (id or URL; default: the last two),
    or between two plain-text files OLD NEW (each non-blank line is a paragraph)."""
    import os
    import shutil

    from newsdiff import diff as nd

    options = {"ignore_whitespace": ignore_whitespace, "ignore_punctuation": ignore_punctuation}
    refs: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None)
    labels: tuple[str, str]
    if new is not None:
        if from_n is not None or to_n is not None:
            raise click.UsageError("--from/--to apply to an ARTICLE, not to two files")
        docs = []
        for name, path in (("OLD", old), ("NEW", new)):
            if not Path(path).is_file():
                raise click.BadParameter(f"no such file: {path!r}", param_hint=name)
            text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
            docs.append(nd.Document.from_text(text, headline=headline))
        result = nd.compare(docs[0], docs[1], **options)
        header = f"{old} -> {new}"
        labels = (old, new)
        refs = ({"file": old}, {"file": new})
    else:
        from newsdiff.collect.articles import resolve_article
        from newsdiff.timeline.compare import diff_versions, version_ref

        ref = old.strip()
        if not ref.isdigit() and Path(ref).is_file():
            raise click.UsageError(f"{old} is a file: give two files to compare (OLD NEW)")
        if not ref.isdigit() and "://" not in ref:
            # neither an id nor a URL: most likely a file name with a typo
            raise click.BadParameter(
                f"no such file, and not an article id or URL: {old!r} (give an article id or "
                "URL, or two files OLD NEW)",
                param_hint="ARTICLE|OLD",
            )
        check_id(old, param_hint="ARTICLE")

        database = open_db(state)
        with database.read() as session:
            found = resolve_article(session, old)
            result, v_old, v_new = diff_versions(session, found.id, from_n, to_n, **options)
            refs = (version_ref(v_old), version_ref(v_new))
            labels = (
                f"v{v_old.number} {v_old.captured_at:%Y-%m-%d %H:%M}",
                f"v{v_new.number} {v_new.captured_at:%Y-%m-%d %H:%M}",
            )
            header = f"article {found.id} {found.url}: {labels[0]} -> {labels[1]}"
    if fmt == "json":
        click.echo(nd.render_json(result, *refs))
        return
    if fmt == "html":
        heading = result.title.new_text or header
        click.echo(
            nd.render_html(result, heading=heading, old_label=labels[0], new_label=labels[1]),
            nl=False,
        )
        return
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(safe(header))
    if fmt == "inline":
        click.echo(nd.render_inline(result, color=color), nl=False, color=color)
        return
    columns = width or max(20, shutil.get_terminal_size((100, 24)).columns)
    click.echo(nd.render_side_by_side(result, width=columns, color=color), nl=False, color=color)


@cli.command()
@click.option("--story", "story_slug", help="Open this story (default: the most recent one).")
@common
@pass_state
def tui(state: State, story_slug: str | None) -> None:
    """Review a story's timeline, its coverage and side-by-side diffs in the terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        from newsdiff.errors import NewsdiffError

        raise NewsdiffError(
            "the TUI needs a terminal: stdin and stdout are not one "
            "(in scripts, use newsdiff articles, versions or diff)"
        )
    import gc

    # No cyclic garbage collection until the first frame is out (the app collects again
    # then, see NewsdiffApp.on_ready): none of what starting allocates is garbage, and a full
    # collection came during the first frame, a sixth of the time to it.
    gc.disable()
    from newsdiff.store.lazy import LazyDatabase
    from newsdiff.tui.app import make_app

    # Opened by the app's first worker, after the first frame (SQLAlchemy loads meanwhile).
    database = LazyDatabase(state.settings.database.url)
    try:
        app = make_app(state.settings, database, story=story_slug)  # ConfigError: [tui] keys
        error = app.run()
    finally:
        database.dispose()
        gc.enable()
    if error is not None:
        raise error  # an unopenable database, or no such story: one line, exit status 1


@cli.command()
@click.option("--no-tui", is_flag=True, help="Print a summary instead of opening the TUI.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the demo database in this file. An existing file is replaced only when it is an "
    "earlier demo database; anything else is refused. Default: a new temp file.",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Only serve the demo site and print its feed URLs, to try the commands by hand "
    "against it; Enter moves the site to its next round (the outlets rewrite their articles), "
    "Ctrl-C or end of input stops it.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="With --serve: the port (0: any)."
)
@click.option(
    "--round",
    "start_round",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --serve: the round to start at.",
)
@common
@pass_state
def demo(
    state: State,
    no_tui: bool,
    db_path: Path | None,
    serve: bool,
    port: int,
    start_round: int,
) -> None:
    """The whole pipeline offline, in about fifteen seconds.

    Serves a local news site (three fictional outlets, 127.0.0.1 only) whose articles about the
    Baby P case change between polls, polls it over twelve rounds with a simulated clock
    (2007-2010), imports the bundled baby-p story and links its coverage. Then opens the TUI on
    the result when run in a terminal; otherwise, or with --no-tui, prints a summary: events and
    their coverage, and the most-edited article with its last change side by side.

    With --serve it only serves the site, so that `feeds add`, `poll` and the rest can be tried
    by hand against it (the README's transcript is made this way).
    """
    import os
    import shutil

    from newsdiff.demo.run import run_demo, serve_demo
    from newsdiff.demo.summary import build_summary, next_steps, summary_text

    if serve:

        def wait() -> bool:
            return bool(sys.stdin.readline())  # Enter: next round; end of input: stop

        try:
            serve_demo(
                port=port,
                start_round=start_round - 1,
                say=lambda line: click.echo(line),
                wait=wait,
            )
        except OSError as exc:
            raise click.BadParameter(
                f"cannot serve on port {port}: {exc}", param_hint="--port"
            ) from None
        except KeyboardInterrupt:
            click.echo("stopped")
        return

    if sys.stderr.isatty():
        result = _demo_with_progress(state.settings, db_path)
    else:
        result = run_demo(state.settings, db_path)
    if result.replaced:
        click.echo(f"replaced {safe(result.db_path)}: it held an earlier demo", err=True)
    summary = build_summary(result)
    app = None if no_tui else _demo_app(state.settings, result.database_url)
    if app is not None:
        error = app.run()
        if error is not None:
            raise error
    else:
        width = min(shutil.get_terminal_size((100, 24)).columns, 160)
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(summary_text(summary, width=width, color=color), color=color)
        click.echo()
    for line in next_steps(summary):
        click.echo(safe(line))


def _demo_with_progress(settings: Settings, db_path: Path | None) -> Any:
    from newsdiff.demo.run import run_demo

    with staged_progress("demo ") as report:
        return run_demo(settings, db_path, report=report)


def _demo_app(settings: Settings, url: str) -> Any:
    """The TUI on the demo database, or None (with a note) when it cannot be shown here."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo("not a terminal: printing a summary instead of opening the TUI", err=True)
        return None
    try:
        from newsdiff.tui.app import make_app
    except ImportError as exc:
        click.echo(f"the TUI is not available ({exc}): printing a summary", err=True)
        return None
    from newsdiff.demo.run import STORY
    from newsdiff.store.lazy import LazyDatabase

    return make_app(settings.with_database_url(url), LazyDatabase(url), story=STORY)
