"""A fake web archive on 127.0.0.1: a CDX server and a replay endpoint, like the Wayback Machine's.

CDX (``/cdx``): ``output=json`` rows (a header row first), ``fl``, ``filter=field:regex`` (and
``!field:regex``), ``collapse=digest`` / ``collapse=urlkey``, ``from``/``to`` timestamp prefixes,
``matchType=exact|prefix``, ``limit`` (capped at ``page_size`` so that tests page), and
``showResumeKey``/``resumeKey``. Replay (``/web/<timestamp>id_/<url>``): the archived bytes; a
missing timestamp redirects to the nearest capture of the URL, as the Wayback Machine does.

Trouble on demand: the next N CDX or replay requests answered 429 with ``Retry-After`` (or 503),
raw malformed lines slipped into the CDX answer, a capture whose replay redirects elsewhere.
Every request is logged for assertions.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def urlkey(url: str) -> str:
    """A crude SURT-like key: scheme and ``www.`` dropped, lower-cased host."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    return host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass
class FakeCapture:
    url: str
    timestamp: str
    body: bytes
    statuscode: int = 200
    mimetype: str = "text/html"
    redirect_to: str | None = None  # a replay answering 302 to this path
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = hashlib.sha1(self.body).hexdigest().upper()[:32]

    def row(self) -> dict[str, str]:
        return {
            "urlkey": urlkey(self.url),
            "timestamp": self.timestamp,
            "original": self.url,
            "mimetype": self.mimetype,
            "statuscode": str(self.statuscode),
            "digest": self.digest,
            "length": str(len(self.body)),
        }


@dataclass
class Trouble:
    """Answers to give instead of the normal ones, counted down as they are used."""

    cdx_429: int = 0
    replay_429: int = 0
    replay_503: int = 0
    retry_after: str | None = "7"
    malformed_lines: list[str] = field(default_factory=list)  # slipped into the first page


class FakeArchive:
    def __init__(self, *, page_size: int = 3) -> None:
        self.captures: list[FakeCapture] = []
        self.page_size = page_size
        self.trouble = Trouble()
        self.requests: list[str] = []
        self.lock = threading.Lock()
        archive = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                with archive.lock:
                    archive.requests.append(self.path)
                try:
                    status, headers, body = archive.answer(self.path)
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # -- set-up ----------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def cdx_url(self) -> str:
        return self.base + "/cdx"

    @property
    def replay_url(self) -> str:
        return self.base + "/web/{timestamp}id_/{url}"

    def add(self, url: str, timestamp: str, body: str | bytes, **kwargs: Any) -> FakeCapture:
        data = body.encode("utf-8") if isinstance(body, str) else body
        capture = FakeCapture(url, timestamp, data, **kwargs)
        with self.lock:
            self.captures.append(capture)
        return capture

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self, prefix: str) -> list[str]:
        with self.lock:
            return [p for p in self.requests if p.startswith(prefix)]

    # -- answers ---------------------------------------------------------------------------------

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/cdx"):
            return self._cdx(path)
        if path.startswith("/web/"):
            return self._replay(path)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _throttled(self, kind: str) -> tuple[int, dict[str, str], bytes] | None:
        with self.lock:
            t = self.trouble
            if getattr(t, f"{kind}_429"):
                setattr(t, f"{kind}_429", getattr(t, f"{kind}_429") - 1)
                headers = {"Content-Type": "text/plain"}
                if t.retry_after is not None:
                    headers["Retry-After"] = t.retry_after
                return 429, headers, b"slow down"
            if kind == "replay" and t.replay_503:
                t.replay_503 -= 1
                return 503, {"Content-Type": "text/plain"}, b"busy"
        return None

    def _cdx(self, path: str) -> tuple[int, dict[str, str], bytes]:
        refused = self._throttled("cdx")
        if refused:
            return refused
        q = parse_qs(urlsplit(path).query, keep_blank_values=True)

        def one(name: str, default: str = "") -> str:
            return q.get(name, [default])[0]

        if one("output") != "json":
            return 400, {"Content-Type": "text/plain"}, b"this fake archive only speaks JSON"
        url, match_type = one("url"), one("matchType", "exact")
        with self.lock:
            captures = list(self.captures)
        key = urlkey(url)
        if match_type == "prefix":
            rows = [c.row() for c in captures if c.row()["urlkey"].startswith(key)]
        else:
            rows = [c.row() for c in captures if c.row()["urlkey"] == key]
        rows.sort(key=lambda r: (r["urlkey"], r["timestamp"]))
        for spec in q.get("filter", []):
            negate = spec.startswith("!")
            name, _, pattern = spec.lstrip("!").partition(":")
            rows = [r for r in rows if bool(re.fullmatch(pattern, r.get(name, ""))) != negate]
        since, until = one("from"), one("to")
        if since:
            rows = [r for r in rows if r["timestamp"][: len(since)] >= since]
        if until:
            rows = [r for r in rows if r["timestamp"][: len(until)] <= until]
        for name in q.get("collapse", []):
            kept: list[dict[str, str]] = []
            for r in rows:
                if kept and kept[-1][name] == r[name] and kept[-1]["urlkey"] == r["urlkey"]:
                    continue
                if name == "urlkey" and any(k["urlkey"] == r["urlkey"] for k in kept):
                    continue
                kept.append(r)
            rows = kept
        offset = int(one("resumeKey", "rk-0")[3:] or 0)
        limit = min(int(one("limit", "100000")), self.page_size)
        page = rows[offset : offset + limit]
        more = offset + limit < len(rows)
        fields = one("fl").split(",") if one("fl") else list(CDX_FIELDS)
        lines = [json.dumps(fields)]
        lines += [json.dumps([r[f] for f in fields]) for r in page]
        if offset == 0:
            with self.lock:
                lines[1:1] = self.trouble.malformed_lines
        if more and one("showResumeKey") == "true":
            lines += ["[]", json.dumps([f"rk-{offset + limit}"])]
        body = "[" + ",\n".join(lines) + "]\n" if page or offset else "[]\n"
        return 200, {"Content-Type": "application/json"}, body.encode("utf-8")

    def _replay(self, path: str) -> tuple[int, dict[str, str], bytes]:
        match = re.match(r"^/web/(\d{4,14})(id_)?/(.+)$", path)
        if match is None:
            return 400, {"Content-Type": "text/plain"}, b"bad replay URL"
        ts, flag, url = match.groups()
        if not flag:  # what an archive adds without id_: the thing backfill must not store
            return 200, {"Content-Type": "text/html"}, b"<div id=toolbar>ARCHIVE TOOLBAR</div>"
        refused = self._throttled("replay")
        if refused:
            return refused
        with self.lock:
            same = [c for c in self.captures if urlkey(c.url) == urlkey(url)]
        if not same:
            return 404, {"Content-Type": "text/plain"}, b"not in archive"
        exact = [c for c in same if c.timestamp == ts]
        if not exact:
            nearest = min(same, key=lambda c: abs(int(c.timestamp) - int(ts.ljust(14, "0"))))
            location = f"/web/{nearest.timestamp}id_/{nearest.url}"
            return 302, {"Location": location, "Content-Type": "text/plain"}, b""
        capture = exact[0]
        if capture.redirect_to:
            return 302, {"Location": capture.redirect_to, "Content-Type": "text/plain"}, b""
        headers = {"Content-Type": f"{capture.mimetype}; charset=utf-8"}
        return capture.statuscode, headers, capture.body
