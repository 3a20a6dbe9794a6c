"""Cheaper checks (issue 17 item 6): a run with nothing to do loads no fetching or extraction
code; pages that offer validators are fetched conditionally (a 304 is a not_modified check);
checks that see nothing new are written in batches, each still its own row, and a check that
raced another writer looks again instead of recording stale news; a 304 keeps its connection."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from newsdiff.collect.http import Fetcher
from newsdiff.collect.poll import CheckBatch, CheckOutcome, DueArticle, PollContext, check_article
from newsdiff.config import Settings
from newsdiff.store.db import Database
from newsdiff.store.models import Article, Check, Version
from newsdiff.store.observations import Observation, SeenArticle, record_seen_again
from tests.collect.conftest import Clock, count_inserts_per_transaction, make_settings
from tests.collect.server import Route, Site, article_html
from tests.collect.test_poll import LEAD, SECOND, THIRD, count, poll, rows, track

HEAVY = ("trafilatura", "lxml", "httpx", "feedparser", "courlan", "warcio", "textual", "rich")


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


def test_a_run_with_nothing_to_do_loads_no_fetching_or_extraction(
    sqlite_url: str, tmp_path: Path
) -> None:
    """`newsdiff poll` with nothing due decides so before it imports the HTTP client, the feed
    parser, URL handling, captures or extraction (checked in a fresh interpreter)."""
    settings = make_settings(sqlite_url)
    aid = track(settings, "https://news.example.org/news/a")
    database = Database(sqlite_url)
    with database.write() as session:  # checked a moment ago: due in an hour
        article = session.get(Article, aid)
        assert article is not None
        article.next_check_at = article.first_seen_at + timedelta(hours=1)
    database.dispose()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{sqlite_url}"\n[fetch]\nuser_agent = "test/1 (+mailto:t@t.t)"\n'
    )
    code = (
        "import json, sys\n"
        "from newsdiff.cli import main\n"
        "try:\n"
        f"    main(['--config', {str(config)!r}, 'poll', '--json'])\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        f"print(json.dumps([status, sorted(m for m in {HEAVY!r} if m in sys.modules)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    lines = out.strip().splitlines()
    status, loaded = json.loads(lines[-1])
    assert status == 0
    assert json.loads("\n".join(lines[:-1]))["checks"] == 0
    assert loaded == []


def test_unchanged_checks_are_written_in_batches(
    site: Site, settings: Settings, clock: Clock
) -> None:
    """A poll of pages that did not change writes their checks in a few transactions, not one
    each; every check is still its own row, and every article is rescheduled from its own."""
    n = 12
    ids = []
    for i in range(n):
        site.set(f"/news/{i}", article_html(f"Story {i}", [LEAD, SECOND, f"Number {i}. {THIRD}"]))
        ids.append(track(settings, site.url(f"/news/{i}")))
    assert poll(settings, clock).new_versions == n
    clock.advance(hours=1)

    database = Database(settings.database.url)
    per_transaction = count_inserts_per_transaction(database.engine, "checks")
    try:
        from newsdiff.collect.poll import run_poll

        summary = run_poll(settings, database, force=True, clock=clock)
    finally:
        database.dispose()
    assert summary.unchanged == n and summary.checks == n, summary.problems
    assert sum(1 for k in per_transaction if k) < n / 2, per_transaction
    for aid in ids:
        checks = rows(settings, Check, Check.article_id == aid)
        assert [c.outcome for c in checks] == ["new_version", "unchanged"]
        assert checks[1].checked_at == clock.now and checks[1].http_status == 200
        assert checks[1].body_hash == checks[0].body_hash and checks[1].duration_ms is not None
        article = rows(settings, Article, Article.id == aid)[0]
        assert article.last_checked_at == clock.now
        assert article.next_check_at is not None and article.next_check_at > clock.now
        assert article.check_interval > settings.schedule.min_interval.total_seconds()


def _check(settings: Settings, clock: Clock, aid: int, due: DueArticle | None) -> CheckOutcome:
    """Check one article as a poll does (with a batch), reading ``due`` as what the check read
    before another writer changed the article (None: the row as it is)."""
    database = Database(settings.database.url)

    async def go() -> CheckOutcome:
        async with Fetcher(settings.fetch) as fetcher:
            batch = CheckBatch(database, settings.schedule)
            ctx = PollContext(settings, database, fetcher, clock=clock, batch=batch)
            if due is not None:
                ctx.due[aid] = due
            return await check_article(ctx, aid)

    try:
        return asyncio.run(go())
    finally:
        database.dispose()


def _set_article(settings: Settings, aid: int, **values: Any) -> None:
    database = Database(settings.database.url)
    with database.write() as session:
        session.execute(update(Article).where(Article.id == aid).values(**values))
    database.dispose()


def test_a_check_that_raced_another_writer_looks_again(
    site: Site, settings: Settings, clock: Clock
) -> None:
    """The check read the article, then another process stored other bytes for it: the bytes
    this check found "the same" are no longer the article's last ones, so it is not recorded as
    unchanged but checks again from what the article holds now."""
    page = article_html("Town hall", [LEAD, SECOND, THIRD]).encode()
    site.set("/news/a", page)
    aid = track(settings, site.url("/news/a"))
    assert _check(settings, clock, aid, None).outcome == "new_version"
    seen = hashlib.sha256(page).hexdigest()
    due = DueArticle(aid, site.url("/news/a"), seen, 1, None, None)
    _set_article(settings, aid, last_body_hash="f" * 64)  # the other writer
    clock.advance(hours=1)

    outcome = _check(settings, clock, aid, due)
    assert outcome.outcome == "unchanged"  # extracted again: the text is the latest version's
    assert site.hits("/news/a") == 3  # first check, the raced look, the second look
    assert [c.outcome for c in rows(settings, Check, Check.article_id == aid)] == [
        "new_version",
        "unchanged",
    ]
    assert rows(settings, Article, Article.id == aid)[0].last_body_hash == seen


def test_a_check_reads_its_article_through_the_drivers_reader(
    site: Site, settings: Settings, clock: Clock
) -> None:
    """A driver that gives ``PollContext.read_due`` (a worker: a statement on its own
    connections) has each check read its article through it: the first read, and the second
    look after a race with another writer."""
    from newsdiff.collect import poll

    page = article_html("Town hall", [LEAD, SECOND, THIRD]).encode()
    site.set("/news/a", page)
    aid = track(settings, site.url("/news/a"))
    seen = hashlib.sha256(page).hexdigest()
    reads: list[int] = []
    database = Database(settings.database.url)

    async def go(cached: DueArticle | None) -> CheckOutcome:
        async with Fetcher(settings.fetch) as fetcher:
            plain = PollContext(settings, database, fetcher)

            async def read_due(article_id: int) -> DueArticle | None:
                reads.append(article_id)
                return await poll._read_due(plain, article_id)  # the database's own read

            ctx = PollContext(
                settings,
                database,
                fetcher,
                clock=clock,
                batch=CheckBatch(database, settings.schedule),
                read_due=read_due,
            )
            if cached is not None:
                ctx.due[aid] = cached
            return await check_article(ctx, aid)

    try:
        assert asyncio.run(go(None)).outcome == "new_version"
        assert reads == [aid]
        _set_article(settings, aid, last_body_hash="f" * 64)  # another writer, after the read
        clock.advance(hours=1)
        stale = DueArticle(aid, site.url("/news/a"), seen, 1, None, None)
        assert asyncio.run(go(stale)).outcome == "unchanged"
        assert reads == [aid, aid]  # the cached entry first, then the second look
    finally:
        database.dispose()


def _etag_route(site: Site, path: str, pages: dict[str, bytes], current: list[str]) -> None:
    """``path`` serves ``pages[current[0]]`` with ETag ``"<key>"`` and a Last-Modified, and a
    304 to an If-None-Match naming the current key."""

    def handler(request: Any) -> Route:
        tag = f'"{current[0]}"'
        headers = {"ETag": tag, "Last-Modified": "Wed, 12 Nov 2008 09:00:00 GMT"}
        if request.headers.get("If-None-Match") == tag:
            return Route(304, b"", headers)
        return Route(200, pages[current[0]], headers)

    site.routes[path] = Route(handler=handler)


def test_a_page_answered_304_is_a_not_modified_check(
    site: Site, settings: Settings, clock: Clock
) -> None:
    pages = {
        "v1": article_html("Town hall", [LEAD, SECOND, THIRD]).encode(),
        "v2": article_html("Town hall", [LEAD, SECOND, "The council said nothing."]).encode(),
    }
    current = ["v1"]
    _etag_route(site, "/news/a", pages, current)
    aid = track(settings, site.url("/news/a"))
    assert poll(settings, clock).new_versions == 1
    article = rows(settings, Article, Article.id == aid)[0]
    assert (article.etag, article.last_modified) == ('"v1"', "Wed, 12 Nov 2008 09:00:00 GMT")

    clock.advance(hours=1)
    summary = poll(settings, clock)
    assert summary.unchanged == 1 and summary.new_versions == 0, summary.problems
    sent = [h for p, h in site.requests if p == "/news/a"][-1]
    assert sent.get("if-none-match") == '"v1"'
    assert sent.get("if-modified-since") == "Wed, 12 Nov 2008 09:00:00 GMT"
    checks = rows(settings, Check, Check.article_id == aid)
    assert [(c.outcome, c.http_status) for c in checks] == [
        ("new_version", 200),
        ("not_modified", 304),
    ]
    assert checks[1].version_id is None and checks[1].checked_at == clock.now
    assert count(settings, Version) == 1
    article = rows(settings, Article, Article.id == aid)[0]
    assert article.last_checked_at == clock.now and article.next_check_at > clock.now

    current[0] = "v2"  # the page changes, and with it its ETag: a 200, a new version
    clock.advance(hours=1)
    assert poll(settings, clock).new_versions == 1
    assert rows(settings, Article, Article.id == aid)[0].etag == '"v2"'
    assert count(settings, Version) == 2


def test_validators_go_with_the_body_they_came_with(
    site: Site, settings: Settings, clock: Clock
) -> None:
    """A new body without validators clears the old ones: they stood for other bytes."""
    pages = {"v1": article_html("Town hall", [LEAD, SECOND, THIRD]).encode()}
    _etag_route(site, "/news/a", pages, ["v1"])
    aid = track(settings, site.url("/news/a"))
    poll(settings, clock)
    assert rows(settings, Article, Article.id == aid)[0].etag == '"v1"'

    site.set("/news/a", article_html("Town hall", [LEAD, SECOND, "Later."]))  # no validators
    clock.advance(hours=1)
    assert poll(settings, clock).new_versions == 1
    article = rows(settings, Article, Article.id == aid)[0]
    assert (article.etag, article.last_modified) == (None, None)
    clock.advance(hours=1)
    poll(settings, clock)
    sent = [h for p, h in site.requests if p == "/news/a"][-1]
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_a_304_for_validators_replaced_meanwhile_looks_again(
    site: Site, settings: Settings, clock: Clock
) -> None:
    """The check sent the validators it read; meanwhile another process stored the same bytes
    with other validators: the 304 confirms validators the article no longer has, so the check
    looks again with the current ones."""
    pages = {"v1": article_html("Town hall", [LEAD, SECOND, THIRD]).encode()}
    _etag_route(site, "/news/a", pages, ["v1"])
    aid = track(settings, site.url("/news/a"))
    assert _check(settings, clock, aid, None).outcome == "new_version"
    seen = hashlib.sha256(pages["v1"]).hexdigest()
    due = DueArticle(aid, site.url("/news/a"), seen, 1, None, None, '"v1"', None)
    _set_article(settings, aid, etag='"v0"', last_modified=None)  # the other writer
    clock.advance(hours=1)

    outcome = _check(settings, clock, aid, due)
    assert outcome.outcome == "unchanged"  # the second look sent "v0": a 200, the same bytes
    sent = [h.get("if-none-match") for p, h in site.requests if p == "/news/a"]
    assert sent == [None, '"v1"', '"v0"']
    assert [c.outcome for c in rows(settings, Check, Check.article_id == aid)] == [
        "new_version",
        "unchanged",
    ]
    assert rows(settings, Article, Article.id == aid)[0].etag == '"v1"'


def test_seen_again_records_each_check_or_says_why_not(settings: Settings, clock: Clock) -> None:
    """The store's batch: one row per observation recorded; an article deleted meanwhile is
    "missing", one holding other bytes "changed", and neither gets a row."""
    ids = [track(settings, f"https://news.example.org/news/{i}") for i in range(3)]
    for aid in ids:
        _set_article(settings, aid, last_body_hash=f"{aid:064x}")
    database = Database(settings.database.url)
    with database.write() as session:
        session.delete(session.get(Article, ids[2]))
    plans: list[SeenArticle] = []

    def plan(article: SeenArticle, obs: Observation) -> tuple[str, Any, int]:
        plans.append(article)
        return "tracking", obs.checked_at + timedelta(hours=2), 7200

    def seen(aid: int, digest: str) -> Observation:
        return Observation(aid, clock.now, outcome="unchanged", http_status=200, body_hash=digest)

    observations = [
        seen(ids[0], f"{ids[0]:064x}"),
        seen(ids[1], "e" * 64),
        seen(ids[2], f"{ids[2]:064x}"),
    ]
    with database.write() as session:
        results = record_seen_again(session, observations, plan)
    database.dispose()
    assert results == ["recorded", "changed", "missing"]
    assert [a.id for a in plans] == [ids[0]]
    checks = rows(settings, Check)
    assert [(c.article_id, c.outcome, c.body_hash) for c in checks] == [
        (ids[0], "unchanged", f"{ids[0]:064x}")
    ]
    first = rows(settings, Article, Article.id == ids[0])[0]
    assert first.last_checked_at == clock.now and first.check_interval == 7200
    assert first.next_check_at == clock.now + timedelta(hours=2)
    assert rows(settings, Article, Article.id == ids[1])[0].last_checked_at is None


def test_a_304_keeps_the_connection(site: Site) -> None:
    """A response whose body is not read (a 304, a short redirect) is drained, so the next
    request to the host reuses the connection instead of opening one."""
    ports: list[int] = []

    def handler(request: Any) -> Route:
        ports.append(request.client_address[1])
        return Route(304, b"", {"ETag": '"x"'})

    site.routes["/news/a"] = Route(handler=handler)
    site.set("/moved", b"", status=301, headers={"Location": "/news/a"})
    settings = make_settings("sqlite://")

    async def go() -> None:
        async with Fetcher(settings.fetch) as fetcher:
            for _ in range(4):
                result = await fetcher.fetch(site.url("/moved"), etag='"x"')
                assert result.not_modified

    asyncio.run(go())
    assert len(ports) == 4 and len(set(ports)) == 1, ports


@pytest.fixture
def tls_site(tmp_path: Path) -> Any:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate (skipped without openssl)."""
    import shutil
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = b"<html><p>over TLS</p></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client refusing the certificate hangs up mid-handshake

    server = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert
    server.shutdown()
    server.server_close()


def test_https_is_verified_and_its_ca_bundle_loaded_on_first_use(
    site: Site, tls_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fetcher loads the CA bundle only when it first fetches over https, and https is
    verified: a self-signed certificate is refused, unless trusted through SSL_CERT_FILE as
    httpx's defaults allow."""
    import ssl

    from newsdiff.errors import FetchError

    base, cert = tls_site
    loads: list[object] = []
    original = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args or kwargs)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    site.set("/news/a", article_html("Town hall", [LEAD]))
    settings = make_settings("sqlite://", fetch={"respect_robots": False})

    async def go() -> None:
        async with Fetcher(settings.fetch) as fetcher:
            assert (await fetcher.fetch(site.url("/news/a"))).status == 200
            assert loads == []  # http only so far
            with pytest.raises(FetchError, match="(?i)certificate verify failed"):
                await fetcher.fetch(f"{base}/news/b")
            assert loads

    asyncio.run(go())

    monkeypatch.setenv("SSL_CERT_FILE", str(cert))

    async def trusted() -> int:
        async with Fetcher(settings.fetch) as fetcher:
            return (await fetcher.fetch(f"{base}/news/b")).status

    assert asyncio.run(trusted()) == 200
