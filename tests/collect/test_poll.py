"""The collector against a real HTTP server on 127.0.0.1 whose pages change between polls."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from newsdiff.collect.lock import poll_lock
from newsdiff.collect.poll import PollSummary, run_poll
from newsdiff.config import Settings
from newsdiff.errors import PollLocked
from newsdiff.store.db import Database
from newsdiff.store.models import Article, ArticleURL, Check, Feed, Version
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site, article_html, rss

LEAD = (
    "Inspectors are expected to say that Haringey council's children's services failed to "
    "protect Peter Connolly, the seventeen-month-old boy who died in August 2007 after months "
    "of abuse at home."
)
LEAD_SAID = LEAD.replace("are expected to say", "said")
SECOND = (
    "The joint area review was ordered by the children's secretary after the trial of three "
    "people over the boy's death ended last week. Ofsted, the Healthcare Commission and the "
    "police inspectorate carried it out together."
)
THIRD = (
    "The council has said it is cooperating fully with the inspectors and will publish its own "
    "serious case review once the process is complete, a spokesman told reporters on Tuesday."
)
REACTION = (
    "Opposition members of the council called for the director of children's services to step "
    "aside while the findings are considered, saying families needed to regain confidence."
)


def poll(settings: Settings, clock: Clock, *, force: bool = True) -> PollSummary:
    database = Database(settings.database.url)
    try:
        return run_poll(settings, database, force=force, clock=clock)
    finally:
        database.dispose()


def count(settings: Settings, model: type, *where: object) -> int:
    database = Database(settings.database.url)
    try:
        with database.read() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
    finally:
        database.dispose()


def rows(settings: Settings, model: type, *where: object) -> list:
    database = Database(settings.database.url)
    try:
        with database.read() as session:
            return list(session.scalars(select(model).where(*where).order_by(model.id)))
    finally:
        database.dispose()


def add_feeds(settings: Settings, *urls: str) -> None:
    from newsdiff.collect.sources import add_feed_url

    database = Database(settings.database.url)
    for url in urls:
        add_feed_url(database, url, outlet="Test Gazette")
    database.dispose()


def track(settings: Settings, url: str) -> int:
    from newsdiff.collect.articles import track_url

    database = Database(settings.database.url)
    article, _ = track_url(database, url)
    database.dispose()
    return article.id


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


def test_feed_to_versions_and_changes(site: Site, settings: Settings, clock: Clock) -> None:
    site.set(
        "/feed.xml",
        rss([("Review ordered", site.url("/news/review")), ("Other", site.url("/news/other"))]),
        headers={"Content-Type": "application/rss+xml"},
    )
    site.set("/news/review", article_html("Council to be criticised", [LEAD, SECOND, THIRD]))
    site.set("/news/other", article_html("An unrelated story", [SECOND, THIRD, REACTION]))
    add_feeds(settings, site.url("/feed.xml"))

    first = poll(settings, clock)
    assert (first.feeds_polled, first.new_articles, first.new_versions, first.failures) == (
        1,
        2,
        2,
        0,
    )

    site.set(
        "/news/review", article_html("Council criticised", [LEAD_SAID, SECOND, THIRD, REACTION])
    )
    clock.advance(hours=2)
    second = poll(settings, clock)
    assert second.new_versions == 1
    versions = rows(settings, Version)
    review = [v for v in versions if v.title.startswith("Council")]
    assert [v.number for v in review] == [1, 2]
    assert review[1].title == "Council criticised"
    assert review[1].paragraph_list == [LEAD_SAID, SECOND, THIRD, REACTION]
    assert review[1].title_changed
    assert review[1].paragraphs_inserted == 1 and review[1].paragraphs_modified == 1
    assert review[1].extractor and review[1].extractor_version
    assert not any("Most read" in p or "Privacy" in p for v in versions for p in v.paragraph_list)
    # every check recorded: 2 per article
    assert count(settings, Check) == 4


def test_identical_refetch_skips_extraction(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/a", article_html("Headline", [LEAD, SECOND]))
    aid = track(settings, site.url("/news/a"))
    poll(settings, clock)
    clock.advance(hours=1)
    summary = poll(settings, clock)
    assert summary.new_versions == 0 and summary.unchanged == 1
    checks = rows(settings, Check, Check.article_id == aid)
    assert [c.outcome for c in checks] == ["new_version", "unchanged"]
    assert checks[0].body_hash == checks[1].body_hash
    assert count(settings, Version) == 1


def test_template_only_change_is_no_version(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/a", article_html("Headline", [LEAD, SECOND, THIRD]))
    track(settings, site.url("/news/a"))
    poll(settings, clock)
    site.set(
        "/news/a",
        article_html(
            "Headline",
            [LEAD, SECOND, THIRD],
            most_read=["Totally different", "Other things"],
            generated="2008-11-13 10:00",
        ),
    )
    clock.advance(hours=1)
    summary = poll(settings, clock)
    assert summary.new_versions == 0
    checks = rows(settings, Check)
    assert checks[-1].outcome == "unchanged"
    assert checks[0].body_hash != checks[1].body_hash  # the page did change, the text did not


def test_a_b_a_gives_three_versions(site: Site, settings: Settings, clock: Clock) -> None:
    track(settings, site.url("/news/a"))
    for paragraphs in ([LEAD, SECOND], [LEAD_SAID, SECOND], [LEAD, SECOND]):
        site.set("/news/a", article_html("Headline", paragraphs))
        poll(settings, clock)
        clock.advance(hours=1)
    assert [v.number for v in rows(settings, Version)] == [1, 2, 3]


def test_schedule_grows_then_resets(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/a", article_html("Headline", [LEAD, SECOND]))
    aid = track(settings, site.url("/news/a"))
    poll(settings, clock, force=False)
    intervals = []
    for _ in range(3):
        article = rows(settings, Article, Article.id == aid)[0]
        intervals.append(article.check_interval)
        clock.now = article.next_check_at
        poll(settings, clock, force=False)
    assert intervals == [900, 1350, 2025]
    site.set("/news/a", article_html("Headline", [LEAD_SAID, SECOND]))
    clock.now = rows(settings, Article, Article.id == aid)[0].next_check_at
    assert poll(settings, clock, force=False).new_versions == 1
    assert rows(settings, Article, Article.id == aid)[0].check_interval == 900
    # not due: nothing is fetched
    before = site.hits("/news/a")
    assert poll(settings, clock, force=False).checks == 0
    assert site.hits("/news/a") == before


def test_stops_after_maximum_age(site: Site, db_url: str, clock: Clock) -> None:
    settings = make_settings(db_url, schedule={"stop_after": "1h", "min_interval": "15m"})
    site.set("/news/a", article_html("Headline", [LEAD, SECOND]))
    aid = track(settings, site.url("/news/a"))
    for _ in range(6):
        poll(settings, clock, force=False)
        clock.advance(minutes=40)
    assert rows(settings, Article, Article.id == aid)[0].status == "stopped"


def test_malformed_feed_yields_entries_with_warning(
    site: Site, settings: Settings, clock: Clock
) -> None:
    broken = rss([("One", site.url("/news/a")), ("Two & three", site.url("/news/b"))]).replace(
        "</channel></rss>", ""
    )
    site.set("/feed.xml", broken, headers={"Content-Type": "application/rss+xml"})
    add_feeds(settings, site.url("/feed.xml"))
    summary = poll(settings, clock)
    assert summary.new_articles == 2
    feed = rows(settings, Feed)[0]
    assert feed.last_warning and "malformed" in feed.last_warning
    assert feed.last_error is None


def test_garbage_feed_is_an_error_on_the_feed(site: Site, settings: Settings, clock: Clock) -> None:
    site.set(
        "/feed.xml",
        b"\x00\x01 this is { not a feed",
        headers={"Content-Type": "application/rss+xml"},
    )
    add_feeds(settings, site.url("/feed.xml"))
    summary = poll(settings, clock)
    assert summary.feeds_failed == 1
    feed = rows(settings, Feed)[0]
    assert feed.error_count == 1 and feed.last_error


def test_wrong_declared_charset(site: Site, settings: Settings, clock: Clock) -> None:
    # The XML says utf-8; the HTTP header says the truth (iso-8859-1): the header wins.
    doc = rss([("Café owner speaks", site.url("/news/a"))]).encode("iso-8859-1")
    site.set("/feed.xml", doc, headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"})
    add_feeds(settings, site.url("/feed.xml"))
    poll(settings, clock, force=False)
    assert rows(settings, Article)[0].title == "Café owner speaks"


def test_conditional_get_304(site: Site, settings: Settings, clock: Clock) -> None:
    doc = rss([("One", site.url("/news/a"))])

    def handler(request):  # type: ignore[no-untyped-def]
        from tests.collect.server import Route

        if request.headers.get("If-None-Match") == '"v1"':
            return Route(304, b"", {"ETag": '"v1"'})
        return Route(200, doc.encode(), {"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    from tests.collect.server import Route

    site.routes["/feed.xml"] = Route(handler=handler)
    add_feeds(settings, site.url("/feed.xml"))
    poll(settings, clock)
    summary = poll(settings, clock)
    assert summary.feeds_failed == 0
    feed = rows(settings, Feed)[0]
    assert feed.last_status == 304 and feed.etag == '"v1"'
    assert site.requests[-1][1].get("if-none-match") is not None or any(
        h.get("if-none-match") == '"v1"' for p, h in site.requests if p == "/feed.xml"
    )


def test_redirect_chain_recorded_as_aliases(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/old", status=301, headers={"Location": "/older"})
    site.set("/older", status=301, headers={"Location": site.url("/news/final")})
    site.set("/news/final", article_html("Headline", [LEAD, SECOND]))
    aid = track(settings, site.url("/old"))
    summary = poll(settings, clock)
    assert summary.new_versions == 1
    version = rows(settings, Version)[0]
    assert version.final_url == site.url("/news/final")
    aliases = {a.url for a in rows(settings, ArticleURL, ArticleURL.article_id == aid)}
    assert site.url("/news/final") in aliases
    # the article is now also found under its final URL, so a feed listing it adds nothing
    site.set(
        "/feed.xml",
        rss([("Headline", site.url("/news/final"))]),
        headers={"Content-Type": "application/rss+xml"},
    )
    add_feeds(settings, site.url("/feed.xml"))
    assert poll(settings, clock).new_articles == 0


def test_redirect_loop_is_a_failed_check(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/a", status=302, headers={"Location": "/b"})
    site.set("/b", status=302, headers={"Location": "/a"})
    track(settings, site.url("/a"))
    summary = poll(settings, clock)
    assert summary.failures == 1
    check = rows(settings, Check)[0]
    assert check.outcome == "error" and "redirect loop" in (check.error or "")


def test_404_then_410_marks_gone(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/a", article_html("Headline", [LEAD, SECOND]))
    aid = track(settings, site.url("/news/a"))
    poll(settings, clock)
    site.set("/news/a", "gone", status=404)
    clock.advance(hours=1)
    poll(settings, clock)
    assert rows(settings, Article)[0].status == "tracking"
    site.set("/news/a", "gone", status=410)
    clock.advance(hours=1)
    poll(settings, clock)
    article = rows(settings, Article)[0]
    assert article.status == "gone"
    assert [c.outcome for c in rows(settings, Check, Check.article_id == aid)] == [
        "new_version",
        "gone",
        "gone",
    ]
    assert count(settings, Version) == 1  # the stored version is kept


def test_500_reschedules_and_keeps_tracking(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/a", "oops", status=500)
    track(settings, site.url("/news/a"))
    summary = poll(settings, clock)
    assert summary.failures == 1
    article = rows(settings, Article)[0]
    check = rows(settings, Check)[0]
    assert (check.outcome, check.http_status) == ("error", 500)
    assert article.status == "tracking" and article.next_check_at > clock.now


def test_429_retry_after_reschedules(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/a", "slow down", status=429, headers={"Retry-After": "7200"})
    track(settings, site.url("/news/a"))
    poll(settings, clock)
    article = rows(settings, Article)[0]
    assert article.next_check_at - clock.now >= timedelta(seconds=7200)
    assert rows(settings, Check)[0].http_status == 429


def test_dripping_server_hits_total_timeout(site: Site, db_url: str, clock: Clock) -> None:
    settings = make_settings(db_url, fetch={"timeout_s": 1})
    site.set("/news/a", article_html("Headline", [LEAD]), drip_delay=0.05)  # ~60 s to send it all
    track(settings, site.url("/news/a"))
    summary = poll(settings, clock)
    assert summary.failures == 1
    check = rows(settings, Check)[0]
    assert check.outcome == "error" and "within 1s" in (check.error or "")
    assert check.duration_ms is not None and check.duration_ms < 10_000


def test_huge_page_is_cut_while_streaming(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/huge", stream_bytes=50_000_000)
    site.set("/news/declared", b"x" * 6_000_000)
    track(settings, site.url("/news/huge"))
    track(settings, site.url("/news/declared"))
    summary = poll(settings, clock)
    assert summary.failures == 2
    errors = sorted(c.error or "" for c in rows(settings, Check))
    assert all("max_bytes" in e for e in errors)


def test_pdf_is_recorded_and_skipped(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/report.pdf", b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    track(settings, site.url("/report.pdf"))
    poll(settings, clock)
    check = rows(settings, Check)[0]
    assert check.outcome == "skipped" and "application/pdf" in (check.error or "")
    assert rows(settings, Article)[0].status == "stopped"


def test_robots_disallow_blocks(site: Site, settings: Settings, clock: Clock) -> None:
    site.set(
        "/robots.txt",
        "User-agent: *\nDisallow: /private/\n",
        headers={"Content-Type": "text/plain"},
    )
    site.set("/private/a", article_html("Headline", [LEAD, SECOND]))
    track(settings, site.url("/private/a"))
    poll(settings, clock)
    assert rows(settings, Check)[0].outcome == "blocked"
    assert site.hits("/private/a") == 0
    assert all(h.get("user-agent") == "newsdiff-test/1.0" for _, h in site.requests)


def test_two_feeds_one_story(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/story", article_html("Headline", [LEAD, SECOND]))
    site.set(
        "/a.xml",
        rss([("Story", site.url("/news/story?utm_source=rss&utm_medium=feed"))]),
        headers={"Content-Type": "application/rss+xml"},
    )
    site.set(
        "/b.xml",
        rss([("Story", site.url("/news/story/#comments"))]),
        headers={"Content-Type": "application/rss+xml"},
    )
    add_feeds(settings, site.url("/a.xml"), site.url("/b.xml"))
    summary = poll(settings, clock)
    assert summary.new_articles == 1
    assert count(settings, Article) == 1 and count(settings, Version) == 1


def test_second_poll_exits_at_once(
    site: Site, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    if not settings.database.url.startswith("sqlite"):
        pytest.skip("exercised through the CLI on SQLite; the PostgreSQL lock is tested below")
    site.set("/news/a", article_html("Headline", [LEAD, SECOND]))
    track(settings, site.url("/news/a"))
    database = Database(settings.database.url)
    with poll_lock(database):
        result = subprocess.run(
            [sys.executable, "-m", "newsdiff", "poll"],
            env={**os.environ, "NEWSDIFF_DATABASE_URL": settings.database.url},
            capture_output=True,
            text=True,
            timeout=60,
        )
    database.dispose()
    assert result.returncode == 0
    assert "another poll is running" in result.stderr
    assert count(settings, Check) == 0


def test_lock_is_exclusive(settings: Settings) -> None:
    first, second = Database(settings.database.url), Database(settings.database.url)
    with poll_lock(first):
        with pytest.raises(PollLocked):
            with poll_lock(second):
                pass
    with poll_lock(second):
        pass
    first.dispose()
    second.dispose()


def test_poll_killed_mid_run_then_rerun(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/fast", article_html("Fast", [LEAD, SECOND]))
    site.set("/news/slow", article_html("Slow", [THIRD, REACTION]), drip_delay=0.2)
    track(settings, site.url("/news/fast"))
    track(settings, site.url("/news/slow"))
    env = {**os.environ, "NEWSDIFF_DATABASE_URL": settings.database.url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdiff", "poll", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = 60.0
        import time

        start = time.monotonic()
        while site.hits("/news/slow") == 0 or count(settings, Check) == 0:
            assert time.monotonic() - start < deadline, "poll never got going"
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.01)  # polling interval of the condition above, not a wait
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)  # closes the pipe (an open one is a ResourceWarning)
    # what was written is whole; the lock was released with the process
    database = Database(settings.database.url)
    with database.read() as session:
        if database.is_sqlite:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    database.dispose()
    assert count(settings, Version) == 1 and count(settings, Check) == 1
    site.set("/news/slow", article_html("Slow", [THIRD, REACTION]))
    summary = poll(settings, clock)
    assert summary.failures == 0
    numbers = sorted((v.article_id, v.number) for v in rows(settings, Version))
    assert len(numbers) == 2 and all(n == 1 for _, n in numbers)
