"""Benchmark writing a huge feed: how long the poll holds the database's write lock.

A local server (a thread of this process) serves one RSS feed of N entries (26,000 by default:
the size of feed that held SQLite's write lock for about two minutes in one transaction). We
poll it into a fresh SQLite database (no article checks: feeds only), twice per round:

- ``batched``: entries written ``ENTRY_BATCH`` (200) at a time, each batch its own transaction
  (what ``newsdiff poll`` does);
- ``one transaction``: ``ENTRY_BATCH`` set to N, the behaviour before batching (the baseline).

For each, the total time of the poll and the longest write transaction (from ``BEGIN`` to
``COMMIT``, measured with SQLAlchemy events), and while the poll runs, a second process-like
writer (another connection in a thread) tries a short write every 50 ms with a 2 s busy
timeout: how many of its writes failed with "database is locked". Figures are ratios to the
baseline in the same run, with median and spread over rounds. Never asserts anything.

    python bench/bigfeed.py [--entries 26000] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from newsdiff.collect import poll as poll_module  # noqa: E402
from newsdiff.collect.sources import add_feed_url  # noqa: E402
from newsdiff.config import settings_from_dict  # noqa: E402
from newsdiff.store.db import Database, migrate  # noqa: E402


def feed_bytes(n: int, port: int) -> bytes:
    items = "".join(
        f"<item><title>Story number {i}</title><link>http://127.0.0.1:{port}/news/{i}</link>"
        "<pubDate>Wed, 12 Nov 2008 08:00:00 GMT</pubDate></item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Big</title><link>http://example.org/</link>{items}</channel></rss>"
    ).encode()


def serve(n: int) -> ThreadingHTTPServer:
    holder: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                body, ctype = holder["feed"], "application/rss+xml"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["feed"] = feed_bytes(n, server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def _no_check(_ctx: Any, article_id: int) -> Any:
    return poll_module.CheckOutcome(article_id, "?", "unchanged")


def one_run(n: int, batch: int, feed_url: str, workdir: Path) -> dict[str, float]:
    path = workdir / f"bench-{batch}-{time.monotonic_ns()}.sqlite"
    url = f"sqlite:///{path}"
    migrate(url)
    settings = settings_from_dict(
        {"database": {"url": url}, "fetch": {"timeout_s": 120, "max_bytes": 100_000_000}}
    )
    database = Database(url)
    add_feed_url(database, feed_url, outlet="Big")
    longest = 0.0
    began: list[float] = []

    def on_begin(_conn: Any) -> None:
        began.append(time.perf_counter())

    def on_end(_conn: Any) -> None:
        nonlocal longest
        if began:
            longest = max(longest, time.perf_counter() - began.pop())

    event.listen(database.engine, "begin", on_begin)
    event.listen(database.engine, "commit", on_end)
    event.listen(database.engine, "rollback", on_end)
    stop = threading.Event()
    locked = attempts = 0

    def other_writer() -> None:
        nonlocal locked, attempts
        conn = sqlite3.connect(path, timeout=2.0, isolation_level=None)
        conn.execute("CREATE TABLE IF NOT EXISTS bench_other (at TEXT)")
        while not stop.wait(0.05):
            attempts += 1
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO bench_other VALUES (?)", (str(time.time()),))
                conn.execute("COMMIT")
            except sqlite3.OperationalError:
                locked += 1
        conn.close()

    writer = threading.Thread(target=other_writer)
    old_batch, old_check = poll_module.ENTRY_BATCH, poll_module.check_article
    poll_module.ENTRY_BATCH, poll_module.check_article = batch, _no_check  # type: ignore[assignment]
    writer.start()
    started = time.perf_counter()
    try:
        summary = poll_module.run_poll(
            settings, database, force=True, clock=lambda: datetime.now(UTC)
        )
    finally:
        total = time.perf_counter() - started
        stop.set()
        writer.join()
        poll_module.ENTRY_BATCH, poll_module.check_article = old_batch, old_check
        database.dispose()
    assert summary.new_articles == n, summary.problems
    return {"total": total, "longest": longest, "locked": locked, "attempts": attempts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=26_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 entries, one round")
    args = parser.parse_args()
    n, rounds = (2_000, 1) if args.quick else (args.entries, args.rounds)
    server = serve(n)
    feed_url = f"http://127.0.0.1:{server.server_address[1]}/rss.xml"
    results: dict[str, list[dict[str, float]]] = {"batched": [], "one transaction": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for name, batch in (("batched", poll_module.ENTRY_BATCH), ("one transaction", n)):
                got = one_run(n, batch, feed_url, Path(tmp))
                results[name].append(got)
                print(
                    f"round {r + 1} {name:<16} total {got['total']:6.1f} s, longest write "
                    f"{got['longest']:6.2f} s, other writer locked out {got['locked']:.0f}"
                    f"/{got['attempts']:.0f}",
                    flush=True,
                )
    server.shutdown()

    def ratios(key: str) -> list[float]:
        return [
            b[key] / o[key]
            for b, o in zip(results["batched"], results["one transaction"], strict=True)
            if o[key]
        ]

    for key, label in (("total", "whole poll"), ("longest", "longest write transaction")):
        values = ratios(key)
        spread = f" (spread {min(values):.3f}-{max(values):.3f})" if len(values) > 1 else ""
        print(
            f"{label}: batched / one transaction = {statistics.median(values):.3f}x median"
            f"{spread}, {n:,} entries"
        )


if __name__ == "__main__":
    main()
