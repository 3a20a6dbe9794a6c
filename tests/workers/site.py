"""A real HTTP site on a loopback address (127.0.0.1, 127.0.0.2...: all local on Linux) that
records, for each request, when it arrived and when its response ended, so that tests check
politeness as the server sees it. A route can be held (the response waits for the test to
release it) or slowed (the server takes that long to answer)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOLD_LIMIT_S = 60.0  # a held response is released after this anyway: no test hangs for ever


@dataclass
class Page:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    slow_s: float = 0.0  # the server takes this long to answer
    hold: threading.Event | None = None  # the answer waits for this


@dataclass(frozen=True)
class Hit:
    path: str
    arrived: float  # time.time() at the server
    ended: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class LoopbackSite:
    def __init__(self, address: str = "127.0.0.1") -> None:
        self.pages: dict[str, Page] = {}
        self.hits: list[Hit] = []
        self.arrivals: dict[str, int] = {}
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                arrived = time.time()
                with site.lock:
                    site.in_flight += 1
                    site.max_in_flight = max(site.max_in_flight, site.in_flight)
                    site.arrivals[self.path] = site.arrivals.get(self.path, 0) + 1
                    page = site.pages.get(self.path)
                try:
                    if page is None:
                        page = Page(b"not found", 404, {"Content-Type": "text/plain"})
                    if page.hold is not None:
                        page.hold.wait(HOLD_LIMIT_S)
                    if page.slow_s:
                        time.sleep(page.slow_s)  # the server is slow; tests never sleep
                    self.send_response(page.status)
                    headers = {"Content-Type": "text/html; charset=utf-8", **page.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(page.body)))
                    self.end_headers()
                    self.wfile.write(page.body)
                    self.wfile.flush()
                finally:
                    with site.lock:
                        site.in_flight -= 1
                        site.hits.append(Hit(self.path, arrived, time.time()))

        self.server = _Server((address, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, body: str | bytes, **kwargs: Any) -> Page:
        data = body.encode() if isinstance(body, str) else body
        page = Page(data, **kwargs)
        with self.lock:
            self.pages[path] = page
        return page

    def hits_of(self, prefix: str) -> list[Hit]:
        with self.lock:
            hits = [h for h in self.hits if h.path.startswith(prefix)]
        return sorted(hits, key=lambda h: h.arrived)

    def count(self, path: str) -> int:
        """Requests for ``path`` that have arrived (answered or not)."""
        with self.lock:
            return self.arrivals.get(path, 0)

    def start(self) -> LoopbackSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        with self.lock:
            pages = list(self.pages.values())
        for page in pages:
            if page.hold is not None:
                page.hold.set()
        self.server.shutdown()
        self.server.server_close()
