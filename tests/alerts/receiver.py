"""A real notification receiver on 127.0.0.1: a threaded HTTP server that takes apprise's
``json://`` POSTs, and can be told to fail (an HTTP status), to hang (accept the request and
never answer, until the test ends) or to drip its answer (a byte every 0.1 s)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a client that gave up waiting (the hang test) is expected
        super().handle_error(request, client_address)


class Receiver:
    """``messages``: the JSON bodies it accepted (answered 2xx); ``attempts``: every POST."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.attempts = 0
        self.status = 200
        self.hang = False
        self.drip = False  # answer 200 with a body sent a byte per 0.1 s
        self.release = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.attempts += 1
                    hang, status, drip = receiver.hang, receiver.status, receiver.drip
                if drip:
                    self.send_response(200)
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    for _ in range(100):  # the server paces its bytes; the test never sleeps
                        if receiver.release.wait(0.1):
                            break
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    self.close_connection = True
                    return
                if hang:
                    receiver.release.wait(60)  # until the test ends; the client times out first
                    self.close_connection = True
                    return
                if status < 300:
                    with receiver.lock:
                        receiver.messages.append(json.loads(body))
                reply = b"{}" if status < 300 else b"broken"
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = _Quiet(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/hook") -> str:
        host, port = self.server.server_address[:2]
        return f"json://{host}:{port}{path}"

    def texts(self) -> list[str]:
        """Each accepted message as "title\\nbody"."""
        with self.lock:
            return [f"{m['title']}\n{m['message']}" for m in self.messages]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    try:
        yield r
    finally:
        r.stop()
