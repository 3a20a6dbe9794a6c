"""``newsdiff demo``: the whole pipeline offline, on a bundled local news site.

A local HTTP server on 127.0.0.1 serves three fictional outlets whose articles about the Baby P
case change from round to round. The real poller fetches them over several rounds with an
injected clock (so versions get realistic timestamps spread over days), then the bundled story is
imported and its coverage linked.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from newsdiff.collect.poll import PollSummary, run_poll
from newsdiff.collect.sources import add_feed_url
from newsdiff.config import FetchSettings, ScheduleSettings, Settings
from newsdiff.errors import ConfigError
from newsdiff.store.db import Database, migrate
from newsdiff.store.models import Article
from newsdiff.timeline.linking import LinkResult
from newsdiff.timeline.service import import_and_link

logger = logging.getLogger(__name__)

STORY = "baby-p"
Report = Callable[[str, int, int], None]
"""``report(stage, done, total)``: stage is "polling" (done = rounds finished) or "linking"."""

_SIDE_FILES = ("-wal", "-shm", "-journal", ".poll-lock")


@dataclass(frozen=True)
class DemoResult:
    """What a demo run did, and where its database is."""

    db_path: Path
    database_url: str
    rounds: int
    polls: list[PollSummary]
    link: LinkResult | None
    most_edited: int | None  # article id
    replaced: bool  # an earlier demo database at db_path was replaced
    seconds: float

    @property
    def versions(self) -> int:
        return sum(p.new_versions for p in self.polls)

    @property
    def checks(self) -> int:
        return sum(p.checks for p in self.polls)


def demo_settings(base: Settings, url: str) -> Settings:
    """Settings for the demo: its own database, quick fetches, tracking that outlives the story."""
    return dataclasses.replace(
        base,
        database=dataclasses.replace(base.database, url=url),
        fetch=FetchSettings(
            user_agent="newsdiff-demo/0.1 (+offline demo)",
            concurrency=8,
            per_host_concurrency=4,
            timeout_s=10,
        ),
        schedule=dataclasses.replace(ScheduleSettings(), stop_after=timedelta(days=3650)),
        feeds=(),
        outlets={},
    )


def is_demo_database(path: Path) -> bool:
    """True when ``path`` holds nothing but what ``newsdiff demo`` writes: an empty file, or a
    newsdiff database whose outlets are the demo's, whose feeds and articles are on 127.0.0.1
    and whose only story is the demo's."""
    from newsdiff.demo.content import load_content

    if path.stat().st_size == 0:
        return True
    names = {o.name for o in load_content().outlets}
    local = "http://127.0.0.1:"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            outlets = {row[0] for row in conn.execute("SELECT name FROM outlets")}
            urls = [row[0] for row in conn.execute("SELECT url FROM feeds")]
            urls += [row[0] for row in conn.execute("SELECT url FROM articles")]
            stories = {row[0] for row in conn.execute("SELECT slug FROM stories")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return outlets <= names and stories <= {STORY} and all(u.startswith(local) for u in urls)


def prepare_db_path(db_path: Path | None) -> tuple[Path, bool]:
    """The database file to use, and whether an earlier demo database there was removed.

    ``None`` gives a new file in a new temp directory (kept after the run, so it can be
    explored). An existing file is replaced only when it is an earlier demo database; anything
    else raises :class:`ConfigError` rather than touching someone's data.
    """
    if db_path is None:
        return Path(tempfile.mkdtemp(prefix="newsdiff-demo-")) / "demo.sqlite", False
    path = db_path.expanduser().resolve()
    if path.is_dir():
        raise ConfigError(f"--db: {path} is a directory; give a file name")
    if not path.exists():
        return path, False
    if not is_demo_database(path):
        raise ConfigError(
            f"--db: {path} exists and is not a newsdiff demo database; "
            "choose a new file (the demo never overwrites other data)"
        )
    for suffix in ("", *_SIDE_FILES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return path, True


def run_demo(
    base: Settings,
    db_path: Path | None = None,
    *,
    report: Report | None = None,
) -> DemoResult:
    """Run the demo into ``db_path`` (see :func:`prepare_db_path`): serve the demo site, poll it
    once per round with the round's clock, import the bundled story and link its coverage."""
    from newsdiff.demo.site import DemoSite

    started = time.monotonic()
    path, replaced = prepare_db_path(db_path)
    url = f"sqlite:///{path}"
    migrate(url)
    settings = demo_settings(base, url)
    database = Database(url)
    polls: list[PollSummary] = []
    try:
        with DemoSite() as site:
            for feed in site.feeds:
                add_feed_url(database, feed.url, outlet=feed.outlet)
            total = site.rounds
            for n in range(total):
                site.set_round(n)
                start = site.round_time(n)
                ticks = itertools.count()

                def clock(start: datetime = start, ticks: itertools.count[int] = ticks) -> datetime:
                    return start + timedelta(seconds=2 * next(ticks))

                if report:
                    report("polling", n, total)
                summary = run_poll(settings, database, force=True, clock=clock)
                logger.info("demo round %d (%s): %s", n, start.isoformat(), summary.line())
                polls.append(summary)
            if report:
                report("polling", total, total)
        if report:
            report("linking", 0, 1)
        _, link = import_and_link(database, STORY, settings.linking)
        if report:
            report("linking", 1, 1)
        with database.read() as session:
            most = session.scalars(
                select(Article.id).order_by(Article.version_count.desc(), Article.id).limit(1)
            ).first()
    finally:
        database.dispose()
    return DemoResult(
        db_path=path,
        database_url=url,
        rounds=len(polls),
        polls=polls,
        link=link,
        most_edited=most,
        replaced=replaced,
        seconds=time.monotonic() - started,
    )


def serve_demo(
    *,
    port: int = 0,
    start_round: int = 0,
    say: Callable[[str], None],
    wait: Callable[[], bool],
) -> None:
    """Serve the demo site on 127.0.0.1 until ``wait`` returns False, for trying the commands
    by hand against it (the README's transcript is recorded this way). ``say`` prints the feed
    URLs and each round; every time ``wait`` returns True the site moves to its next round
    (the outlets rewrite their articles), and after the last round it stays there."""
    from newsdiff.demo.site import DemoSite

    site = DemoSite(port=port)
    if not 0 <= start_round < site.rounds:
        site.stop()
        raise ConfigError(f"--round must be 0 to {site.rounds - 1}")
    with site:
        site.set_round(start_round)
        say(f"demo site on {site.base_url} (127.0.0.1 only); its feeds:")
        for feed in site.feeds:
            say(f"  {feed.url}  ({feed.outlet})")

        def show() -> None:
            at = site.round_time(site.round)
            say(f"round {site.round + 1} of {site.rounds}: the site as of {at:%Y-%m-%d %H:%M}")

        show()
        while wait():
            if site.round + 1 < site.rounds:
                site.set_round(site.round + 1)
            show()
