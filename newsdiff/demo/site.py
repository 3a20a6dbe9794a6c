"""The demo news site: a real HTTP server on 127.0.0.1 (random port) serving three fictional
outlets whose pages change from round to round.

    with DemoSite() as site:
        for feed in site.feeds:           # .url, .outlet (the outlet's name)
            ...
        for n in range(site.rounds):
            site.set_round(n)             # what the site shows now
            when = site.round_time(n)     # the (aware, UTC) time that round stands for
            ...

Routes: ``/robots.txt``, ``/`` (the outlets), ``/<outlet>/`` (front page), ``/<outlet>/rss.xml``
(``atom.xml`` for the Chronicle), and ``/<outlet>/<article path>`` (query strings ignored, as
real sites do with tracking parameters). Articles answer 404 before they are published.
Responses carry an ETag and honour ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from newsdiff.demo.content import DemoArticle, DemoContent, DemoOutlet, Text, load_content
from newsdiff.demo.templates import (
    FeedItem,
    Link,
    Page,
    article_page,
    atom_feed,
    front_page,
    index_page,
    rss_feed,
)

logger = logging.getLogger(__name__)

ROBOTS = """User-agent: *
Disallow: /chronicle/search
Disallow: /ledger/signin
Allow: /
"""
FEED_LIMIT = 10
# Each outlet's own feed links carry its tracking parameters, as many real feeds do.
FEED_QUERY = {"ledger": "utm_source=rss&utm_medium=feed", "lamp": "", "chronicle": ""}


@dataclass(frozen=True)
class DemoFeed:
    """One feed of the demo site."""

    url: str
    outlet: str  # the outlet's display name
    key: str


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


NOT_FOUND = Response(404, "text/plain; charset=utf-8", b"not found\n")


class DemoSite:
    """The demo site. Use as a context manager; ``set_round`` changes what it serves."""

    def __init__(self, content: DemoContent | None = None, *, port: int = 0) -> None:
        self.content = content or load_content()
        self._round = 0
        self._lock = threading.Lock()
        self._cache: dict[tuple[int, str], Response] = {}
        self.hits = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "DemoNews/1.0"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                logger.debug("demo site: " + format, *args)

            def do_GET(self) -> None:  # noqa: N802
                self._answer(head=False)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(head=True)

            def _answer(self, *, head: bool) -> None:
                response = site.respond(self.path)
                etag = response.etag
                status = response.status
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    status = 304
                body = b"" if status == 304 or head else response.body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", response.content_type)
                    self.send_header("ETag", etag)
                    self.send_header("Cache-Control", "max-age=60")
                    self.send_header("Content-Length", str(0 if status == 304 else len(body)))
                    self.end_headers()
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> DemoSite:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="newsdiff-demo-site", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the driver uses ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def rounds(self) -> int:
        return len(self.content.rounds)

    @property
    def round(self) -> int:
        with self._lock:
            return self._round

    def set_round(self, n: int) -> None:
        if not 0 <= n < self.rounds:
            raise ValueError(f"round {n} out of range 0..{self.rounds - 1}")
        with self._lock:
            self._round = n

    def round_time(self, n: int) -> datetime:
        """The time round ``n`` stands for (aware, UTC)."""
        return self.content.rounds[n].at

    @property
    def feeds(self) -> list[DemoFeed]:
        return [DemoFeed(self.feed_url(o), o.name, o.key) for o in self.content.outlets]

    def feed_url(self, outlet: DemoOutlet) -> str:
        name = "atom.xml" if outlet.template == "chronicle" else "rss.xml"
        return f"{self.base_url}/{outlet.key}/{name}"

    def article_url(self, article: DemoArticle | str) -> str:
        """The article's own URL (without tracking parameters)."""
        if isinstance(article, str):
            article = self.content.article(article)
        return f"{self.base_url}/{article.outlet}/{article.path}"

    # -- rendering ---------------------------------------------------------------------------

    def respond(self, raw_path: str) -> Response:
        """The response for ``raw_path`` in the current round (cached per round)."""
        path = urlsplit(raw_path).path or "/"
        with self._lock:
            round_no = self._round
            self.hits += 1
            cached = self._cache.get((round_no, path))
        if cached is not None:
            return cached
        response = self._render(round_no, path)
        with self._lock:
            self._cache[(round_no, path)] = response
        return response

    def _render(self, n: int, path: str) -> Response:
        if path == "/robots.txt":
            return Response(200, "text/plain; charset=utf-8", ROBOTS.encode())
        if path == "/":
            rows = [
                (o, f"{self.base_url}/{o.key}/", self.feed_url(o)) for o in self.content.outlets
            ]
            note = self.content.rounds[n].note
            return _html(index_page(rows, f"Round {n + 1} of {self.rounds}: {note}."))
        key, _, rest = path.strip("/").partition("/")
        try:
            outlet = self.content.outlet(key)
        except KeyError:
            return NOT_FOUND
        if rest == "":
            links = [(t.headline, self.article_url(a)) for a, t in self._visible(outlet, n)]
            return _html(front_page(outlet, links))
        if rest in ("rss.xml", "atom.xml") and self.feed_url(outlet).endswith(rest):
            return self._feed(outlet, n)
        for article in self.content.articles:
            if article.outlet == key and article.path == rest.rstrip("/"):
                text = article.text_at(n)
                if text is None:
                    return NOT_FOUND
                return _html(article_page(self._page(outlet, article, text, n)))
        return NOT_FOUND

    def _visible(self, outlet: DemoOutlet, n: int) -> list[tuple[DemoArticle, Text]]:
        """The outlet's published articles in round ``n``, newest first."""
        out = []
        for article in self.content.articles:
            text = article.text_at(n)
            if article.outlet == outlet.key and text is not None:
                out.append((article, text))
        out.sort(key=lambda pair: pair[0].published, reverse=True)
        return out

    def _updated(self, article: DemoArticle, text: Text) -> datetime:
        if text is article.versions[0]:
            return article.published
        edited = self.content.rounds[text.round].at - timedelta(minutes=20)
        return max(edited, article.published)

    def _page(self, outlet: DemoOutlet, article: DemoArticle, text: Text, n: int) -> Page:
        related: list[Link] = [
            (t.headline, self.article_url(a))
            for a, t in self._visible(outlet, n)
            if a.key != article.key and a.about_story == article.about_story
        ][:4]
        related += [
            (title, f"{self.base_url}/{outlet.key}/guides/{i}")
            for i, title in enumerate(outlet.evergreen)
        ]
        most_read = tuple(
            (title, f"{self.base_url}/{outlet.key}/popular/{_slug(title)}")
            for title in outlet.most_read_at(n)
        )
        return Page(
            outlet=outlet,
            article=article,
            text=text,
            url=self.article_url(article),
            updated=self._updated(article, text),
            related=tuple(related),
            most_read=most_read,
        )

    def _feed(self, outlet: DemoOutlet, n: int) -> Response:
        entries: list[tuple[DemoArticle, Text, str]] = [
            (a, t, FEED_QUERY.get(outlet.key, "")) for a, t in self._visible(outlet, n)
        ]
        for article in self.content.articles:
            text = article.text_at(n)
            for syn in article.also_in:
                if syn.outlet == outlet.key and syn.from_round <= n and text is not None:
                    entries.append((article, text, syn.query))
        entries.sort(key=lambda entry: entry[0].published, reverse=True)
        items = [
            FeedItem(
                title=text.headline,
                link=self.article_url(article) + (f"?{query}" if query else ""),
                summary=text.paragraphs[0],
                published=article.published,
                updated=self._updated(article, text),
            )
            for article, text, query in entries[:FEED_LIMIT]
        ]
        home = f"{self.base_url}/{outlet.key}/"
        if outlet.template == "chronicle":
            body = atom_feed(outlet, home, self.feed_url(outlet), items)
            return Response(200, "application/atom+xml; charset=utf-8", body.encode())
        body = rss_feed(outlet, home, items)
        return Response(200, "application/rss+xml; charset=utf-8", body.encode())


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def _html(text: str) -> Response:
    return Response(200, "text/html; charset=utf-8", text.encode("utf-8"))
