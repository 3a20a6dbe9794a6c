"""A real threaded HTTP server on 127.0.0.1 whose routes tests can change between polls."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drip_delay: float = 0.0  # seconds between single bytes
    stream_bytes: int = 0  # send this many filler bytes without Content-Length
    handler: Callable[[BaseHTTPRequestHandler], Route] | None = None
    # writes the whole response itself (status line, headers, body): repeated or odd headers,
    # bodies without Content-Length, endless streams; a closed connection ends it quietly
    writer: Callable[[BaseHTTPRequestHandler], None] | None = None


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (a size cap, a timeout: what the tests provoke) is no
    error worth a traceback in the test output; anything else still prints one."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class Site:
    """Routes by path; every request is logged (path and headers) for assertions."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                with site.lock:
                    site.requests.append(
                        (self.path, {k.lower(): v for k, v in self.headers.items()})
                    )
                    route = site.routes.get(self.path)
                if route is None:
                    route = Route(404, b"not found", {"Content-Type": "text/plain"})
                if route.handler is not None:
                    route = route.handler(self)
                try:
                    self._send(route)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, route: Route) -> None:
                if route.writer is not None:
                    route.writer(self)
                    return
                self.send_response(route.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **route.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                if route.stream_bytes:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65_000 + b"</p>\n"
                    sent = 0
                    while sent < route.stream_bytes:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                    return
                if route.drip_delay:
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    for i in range(len(route.body)):
                        self.wfile.write(route.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(route.drip_delay)  # the server drips; tests never sleep
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # shutdown() waits for the serve loop to look at its flag: every 0.5 s by default, so
        # most tests ended with half a second of teardown after the last request
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, body: bytes | str = b"", status: int = 200, **kwargs: Any) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self.lock:
            self.routes[path] = Route(status=status, body=data, **kwargs)

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.requests if p == path)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


NAV = """<header class="site"><a href="/">Home</a> <nav><ul>
<li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li>
</ul></nav></header>"""


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    most_read: list[str] | None = None,
    generated: str = "2008-11-12 09:00",
    canonical: str | None = None,
    charset: str = "utf-8",
) -> str:
    """A realistic news page: the article plus navigation, related links and a footer."""
    most_read = most_read or ["Markets fall again", "Storm warning for the coast", "Cup draw made"]
    related = "".join(f'<li><a href="/news/{i}">{t}</a></li>' for i, t in enumerate(most_read))
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}"><title>{title} | The Test Gazette</title>
<meta property="og:title" content="{title}">{canon}</head>
<body>{NAV}
<main><article><h1>{title}</h1><p class="byline">By Alex Reporter</p>
<time datetime="2008-11-12T08:00:00Z">12 November 2008</time>
<div class="story-body">{body}</div></article>
<aside class="most-read"><h2>Most read</h2><ol>{related}</ol></aside>
<aside class="related"><h2>Related stories</h2><ul>{related}</ul></aside></main>
<footer><p>Page generated at {generated}</p>
<p>&copy; 2008 The Test Gazette. All rights reserved.</p>
<a href="/privacy">Privacy</a> <a href="/contact">Contact us</a></footer></body></html>"""


def rss(items: list[tuple[str, str]], *, title: str = "Test Gazette news") -> str:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        f"<pubDate>Wed, 12 Nov 2008 08:00:00 GMT</pubDate></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>{entries}</channel></rss>"
    )
