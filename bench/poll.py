"""Benchmark the poll cycle: checks per second for unchanged and for changed pages.

A local site (in a separate process, so it does not compete for our GIL) serves N realistic
article pages of about 100 KB each, written by this script: a head with meta tags, JSON-LD,
inline CSS and scripts; a mega-menu; the article (standfirst, byline, figure, inline links, an
ad slot, a pull quote); share buttons with inline SVG; related and most-read lists; reader
comments; a footer. Every page of a revision is rendered before the poll that reads it. We
track them all, then time four forced polls:

1. first sight: every page is new (fetch + extract + store version 1)
2. unchanged: the same bytes again (fetch + body hash, no extraction)
3. template: same text, other template bytes (fetch + extract, and no new version: any
   "new versions" here are template noise leaking into the text)
4. changed: every article's text edited (fetch + extract + diff + store version 2)

Limits are set high so the run is CPU-bound. Each poll prints checks/s (and the ratio to the
goal of issue 4: 100 unchanged and 30 changed checks/s on a 2-core machine), and the CPU each
check cost the poller's process, its worker processes and the site: other work on the machine
slows the checks/s but not the CPU figures, and "ceiling" is what two idle cores would allow
at that CPU cost. With --profile, where the time goes in the event loop's thread, by area and
by function (extraction runs inline there unless --executor says otherwise). Never asserts
anything about time.

    python bench/poll.py [--pages 300] [--quick] [--repeat 3] [--concurrency 16]
                         [--executor thread|process|N|inline] [--profile] [--db URL]
    python bench/poll.py --peer urlwatch [--pages 300] [--quick] [--repeat 3]
                         [--validators off|on|both]

With --peer urlwatch, `newsdiff poll` and urlwatch run side by side on the same site instead,
as whole commands, and the CPU of their whole process trees is compared (bench/peer.py); with
--worker, one `newsdiff worker` process on PostgreSQL too. With --stages, the CPU of each check
by stage (extraction, change stats, typed edits, capture, reads, writes).

Last figures (2-core machine under other work, load about 2; 300 pages, 3 rounds; a check's CPU
is the slope over a one-page run, see bench/peer.py), `python bench/poll.py --peer urlwatch
--worker --validators both`, newsdiff / urlwatch 2.29, per-round ratios median [min-max]:

                        validators off            validators on (304s)
    newsdiff poll
      unchanged check   1.2 / 1.9 ms  0.72x [0.47-0.73]   1.1 / 1.9 ms  0.67x [0.38-0.74]
      changed check     33.8 / 13.4 ms 2.52x [2.29-2.64]  31.6 / 13.0 ms 2.60x [2.39-2.61]
      nothing to do     0.08 / 0.20 s 0.39x [0.38-0.40]   0.08 / 0.19 s 0.39x [0.36-0.40]
    newsdiff worker (one process, a worker started and stopped per round)
      unchanged check   7.7 ms  4.10x [3.53-4.58]         7.7 ms  3.10x [2.96-4.09]
      changed check     39.6 ms 2.96x [2.72-3.02]         39.9 ms 3.15x [2.84-3.33]
      start, one tick, stop  0.71 s 3.39x [3.30-3.86]     0.64 s 3.37x [3.34-3.50]

Goals of issue 17 item 6 (newsdiff poll): unchanged <= 1.0x met, nothing to do <= 2x met. A
changed check, `--stages --executor thread` (300 pages): extraction 51%, write transaction 22%
(add_version with the text store and search trigger 9%, typed edit rows 7%), capture 5%, typed
edits 4%, change stats 3%, latest text read 3%, the rest (fetch, hashing, event loop) 11%:
extraction alone costs more than urlwatch's whole changed check. A worker's unchanged check is a
job: queue fetch and finish, a host lease taken and released, a read of its article, its own
write transaction (no batching); SQLAlchemy and psycopg are 37% of its CPU (cProfile). Since
c68851e a worker batches those writes as the poll does (collect.record.CheckBatch); `--peer
urlwatch --worker --quick` (60 pages) at 6c75440 then twice at c68851e, the same hour: the
worker's unchanged check 8.8 ms [6.8-9.2] 3.84x before, 8.6 ms [6.0-9.9] 3.79x and 5.7 ms
[4.5-6.9] 2.57x after. With 10 fetches at once a batch holds few checks: no clear gain.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import gc
import hashlib
import io
import json
import multiprocessing
import os
import pstats
import random
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdiff.collect.articles import track_url  # noqa: E402
from newsdiff.collect.poll import run_poll  # noqa: E402

try:  # absent before the ExtractionPool: run_poll's own default then (to compare commits)
    from newsdiff.collect.workers import ExtractionPool
except ImportError:
    ExtractionPool = None  # type: ignore[assignment,misc]
from newsdiff.config import settings_from_dict  # noqa: E402
from newsdiff.store.db import Database, migrate  # noqa: E402

GOALS = {"unchanged": 100.0, "changed": 30.0}
WORDS = (
    "council inspectors report children services review social workers police hospital doctors "
    "family court evidence failures minister statement government department management borough "
    "officials concerns warning protection care agency trial jury verdict investigation findings "
    "response public inquiry director chief executive spokesman according yesterday morning week "
    "the a of to and in that was for on with said by at from had were would have been their "
    "after before while which who not but also more than over under new local national"
).split()
SECTIONS = (
    "News UK World Business Politics Technology Science Health Education Sport Culture Opinion"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def paragraph(rng: random.Random, n: int) -> str:
    out: list[str] = []
    while n > 0:
        k = min(n, rng.randint(8, 22))
        out.append(sentence(rng, max(k, 2)))
        n -= k
    return " ".join(out)


def _icon(seed: int) -> str:
    path = " ".join(
        f"M{(k * 7 + seed) % 32}.{k % 10} {(k * 13) % 32}.{k % 7}l{k % 5}.5-{k % 3}.25"
        f"c.{k % 9} 0 1.{k % 4} .{k % 6} 1.{k % 8}z"
        for k in range(18)
    )
    return f"<svg viewBox='0 0 32 32' aria-hidden='true' class='icon'><path d='{path}'/></svg>"


ICONS = [_icon(s) for s in range(5)]
STYLE = (
    "<style>"
    + "".join(
        f".c-{k:03d}-{WORDS[k % len(WORDS)]}{{margin:{k % 7}px {k % 11}px;padding:{k % 5}px;"
        f"color:#{(k * 2654435761) % 0xFFFFFF:06x};font-size:{12 + k % 9}px;line-height:1.{k % 9}}}"
        for k in range(200)
    )
    + "</style>"
)
ANALYTICS = (
    "<script>window.dataLayer=window.dataLayer||[];(function(){var cfg="
    + json.dumps(
        {
            f"flag_{k}": {"on": k % 3 == 0, "weight": k % 17, "variant": f"v{k % 5}"}
            for k in range(260)
        }
    )
    + ";function t(e){dataLayer.push({event:e,ts:Date.now()})}t('load');})();</script>"
)
MENU = "".join(
    f"<li class='menu__item'><a class='menu__link' href='/{s.lower()}'>{s}</a><ul class='sub'>"
    + "".join(
        f"<li><a href='/{s.lower()}/{w}'>{w.capitalize()}</a></li>"
        for w in WORDS[k * 3 : k * 3 + 9]
    )
    + "</ul></li>"
    for k, s in enumerate(SECTIONS)
)
FOOTER = "".join(
    f"<li><a href='/{s.lower()}/{w}' class='footer__link'>{s} {w}</a></li>"
    for s in SECTIONS
    for w in WORDS[:7]
)


def article_text(i: int, text_rev: int) -> tuple[str, list[str]]:
    """The headline and paragraphs of article ``i`` at revision ``text_rev``."""
    rng = random.Random(i)
    title = f"Story {i}: " + sentence(rng, 9).rstrip(".")
    paras = [paragraph(rng, rng.randint(40, 75)) for _ in range(rng.randint(12, 18))]
    for rev in range(1, text_rev + 1):
        edit = random.Random(i * 7919 + rev)
        for k in edit.sample(range(len(paras)), 3):
            words = paras[k].split()
            words[edit.randrange(len(words))] = "amended"
            paras[k] = " ".join(words)
        paras.insert(edit.randrange(len(paras)), paragraph(edit, 40))
    return title, paras


def page(i: int, text_rev: int, template_rev: int) -> bytes:
    """About 100 KB of article page; the text depends on ``text_rev`` only, the rest of the
    markup (most-read list, ad ids, cache busters) on ``template_rev`` too."""
    title, paras = article_text(i, text_rev)
    rng = random.Random(i * 31 + template_rev)
    quote = sentence(random.Random(-i), 12)
    esc = html_escape
    body_parts: list[str] = []
    for k, p in enumerate(paras):
        words = p.split(" ")
        j = rng.randrange(len(words) - 3)
        linked = (
            " ".join(words[:j])
            + f" <a href='/news/{rng.randrange(10_000)}'>{' '.join(words[j : j + 2])}</a> "
            + " ".join(words[j + 2 :])
        )
        body_parts.append(f"<p class='body-text'>{linked}</p>")
        if k == 3:
            body_parts.append(
                f"<div class='ad-slot' id='ad-{template_rev}-{i}' data-ad-unit='mid-article'>"
                "<!-- ad slot: filled by script --><span>Advertisement</span></div>"
            )
        if k == 6:
            body_parts.append(f"<blockquote class='pull-quote'><p>{esc(quote)}</p></blockquote>")
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": "2008-11-12T09:30:00+00:00",
            "dateModified": f"2008-11-12T{10 + text_rev:02d}:05:00+00:00",
            "author": {"@type": "Person", "name": "Martin Hale"},
            "publisher": {"@type": "Organization", "name": "Bench Times"},
            "description": paras[0][:200],
        }
    )
    share = "".join(f"<button class='share share--{k}'>{ICONS[k]}</button>" for k in range(5))
    related = "".join(
        f"<li class='card'><a href='/news/{k}'><img src='/img/{k}.jpg' alt='' loading='lazy' "
        f"width='320' height='180'><h3 class='card__title'>{esc(sentence(rng, 9))}</h3></a>"
        f"<p class='card__summary'>{esc(sentence(rng, 18))}</p></li>"
        for k in range(16)
    )
    most_read = "".join(
        f"<li><span class='rank'>{k + 1}</span><a href='/news/{rng.randrange(10_000)}'>"
        f"{esc(sentence(rng, 10))}</a></li>"
        for k in range(10)
    )
    comments = "".join(
        f"<div class='comment' id='c{k}'><img class='avatar' src='/avatars/{k}.png' alt=''>"
        f"<span class='who'>reader{k}</span><time>2 hours ago</time>"
        f"<p>{esc(paragraph(rng, rng.randint(15, 50)))}</p>"
        f"<button class='reply'>Reply</button><button class='like'>{ICONS[k % 5]} {k}</button>"
        "</div>"
        for k in range(26)
    )
    html = (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{esc(title)} | Bench Times</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta property='og:title' content='{esc(title)}'>"
        "<meta property='og:type' content='article'>"
        f"<meta name='description' content='{esc(paras[0][:150])}'>"
        "<meta property='article:published_time' content='2008-11-12T09:30:00+00:00'>"
        f"<link rel='canonical' href='/news/{i}'>"
        f"<link rel='stylesheet' href='/static/main.css?v={template_rev}'>"
        f"<script type='application/ld+json'>{jsonld}</script>{STYLE}{ANALYTICS}</head>"
        "<body><!-- header --><header class='masthead'><a href='/' class='logo'>Bench Times</a>"
        f"<nav class='menu'><ul>{MENU}</ul></nav></header>"
        f"<div class='ticker'>Breaking: {esc(sentence(rng, 8))}</div>"
        "<main id='main'><article class='story'>"
        f"<h1 class='story__headline'>{esc(title)}</h1>"
        f"<p class='standfirst'>{esc(sentence(random.Random(i + 10**6), 20))}</p>"
        "<p class='byline'>By Martin Hale, Social Affairs Reporter</p>"
        "<time datetime='2008-11-12T09:30:00+00:00'>12 November 2008</time>"
        f"<div class='share-bar'>{share}</div>"
        f"<figure><img src='/img/{i}.jpg' srcset='/img/{i}-640.jpg 640w, /img/{i}-1280.jpg 1280w'"
        f" alt='The council offices'><figcaption>The council offices in {i} Street</figcaption>"
        f"</figure><div class='story__body'>{''.join(body_parts)}</div>"
        f"<div class='share-bar share-bar--bottom'>{share}</div></article>"
        f"<aside class='related'><h2>Related stories</h2><ul>{related}</ul></aside>"
        f"<aside class='most-read'><h2>Most read</h2><ol>{most_read}</ol></aside>"
        f"<section class='comments'><h2>Comments (26)</h2>{comments}</section></main>"
        "<form class='newsletter'><label>Get our morning briefing <input type='email'></label>"
        "<button>Sign up</button></form>"
        f"<footer><ul>{FOOTER}</ul><p>Copyright Bench Times</p></footer>"
        f"<script src='/static/app.js?v={template_rev}' async></script></body></html>"
    )
    return html.encode()


def html_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
    )


def serve(port_queue: Any, orders: Any, done: Any, pages: int) -> None:
    """The site. Each order ``(text_rev, template_rev)`` renders every page at that revision,
    then switches to it and says so on ``done``: rendering is not part of any timing.

    An order ``(text_rev, template_rev, True)`` also offers validators: each page an ETag (a
    digest of its bytes) and a Last-Modified (when the site moved to that revision), and a 304
    to a request whose If-None-Match matches (or, without one, whose If-Modified-Since is not
    older), as RFC 9110 13.2.2 orders them."""
    cache: dict[tuple[int, int, int], tuple[bytes, str]] = {}
    current: list[Any] = [(0, 0), False, ""]  # revision, validators, Last-Modified

    def render() -> None:
        while True:
            text_rev, template_rev, *rest = orders.get()
            revision = (text_rev, template_rev)
            for i in range(pages):
                if (i, *revision) not in cache:
                    body = page(i, *revision)
                    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
                    cache[(i, *revision)] = (body, etag)
            # validators first, so no request sees the new revision with the old ones
            current[1], current[2] = bool(rest and rest[0]), formatdate(usegmt=True)
            current[0] = revision
            done.put(revision)

    threading.Thread(target=render, daemon=True).start()
    parent = os.getppid()

    def orphaned() -> None:  # the bench was killed: no server left behind
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            revision, validators, modified = current
            headers: dict[str, str] = {}
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                i = int(self.path.rsplit("/", 1)[-1])
                body, etag = cache[(i, *revision)]
                ctype = "text/html; charset=utf-8"
                if validators:
                    headers = {"ETag": etag, "Last-Modified": modified}
                    if not_modified(self.headers, etag, modified):
                        self.send_response(304)
                        for name, value in headers.items():
                            self.send_header(name, value)
                        self.end_headers()
                        return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def not_modified(request: Any, etag: str, modified: str) -> bool:
    """Whether a GET with these request headers gets a 304 (RFC 9110 13.2.2: If-None-Match
    decides when present, If-Modified-Since only without it)."""
    match = request.get("If-None-Match")
    if match is not None:
        tags = [t.strip().removeprefix("W/") for t in match.split(",")]
        return "*" in tags or etag in tags
    since = request.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
    except (TypeError, ValueError):
        return False


class InlineExecutor(Executor):
    """Runs each call at once in the caller's thread (so that cProfile sees extraction)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
            future.set_exception(exc)
        return future


def make_executor(kind: str) -> Executor | None:
    """The executor for all polls (``None``: a new ExtractionPool per poll, as run_poll does)."""
    if kind == "default":
        return None
    if kind == "inline":
        return InlineExecutor()
    if kind == "thread":
        return ThreadPoolExecutor(os.cpu_count() or 2)
    workers = int(kind) if kind.isdigit() else (os.cpu_count() or 2)
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _proc_stats() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds of it and of its children it has waited for)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(stat.parent.name)] = (int(fields[1]), sum(map(int, fields[11:15])) / tick)
    return found


def cpu_seconds(site: int) -> tuple[float, float, float]:
    """CPU seconds so far of (this process, its other descendants, the site's processes):
    the poller's own cost, whatever else loads the machine. Worker processes are counted while
    alive and, once reaped, through their parent (this process or the forkserver)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    me = usage.ru_utime + usage.ru_stime
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    others, site_cpu = reaped.ru_utime + reaped.ru_stime, 0.0
    procs = _proc_stats()
    for pid, (_parent, cpu) in procs.items():
        chain, up = [], pid
        while up in procs and up not in (0, 1) and len(chain) < 20:
            chain.append(up)
            up = procs[up][0]
        if pid == os.getpid() or os.getpid() not in chain:
            continue
        if site in chain:
            site_cpu += cpu
        else:
            others += cpu
    return me, others, site_cpu


AREAS = (
    ("trafilatura", "extraction: trafilatura"),
    ("readability", "extraction: readability"),
    ("newsdiff/collect/strategies", "extraction: strategy choice"),
    ("newsdiff/collect/", "collect (poll, extract, urls...)"),
    ("lxml", "lxml"),
    ("newsdiff/diff", "diff stats (newsdiff.diff)"),
    ("diff_match_patch", "diff stats (diff_match_patch)"),
    ("newsdiff/store", "store (newsdiff.store)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("sqlite3", "sqlite3 driver"),
    ("httpx", "HTTP: httpx"),
    ("httpcore", "HTTP: httpcore"),
    ("h11", "HTTP: h11"),
    ("anyio", "HTTP: anyio"),
    ("asyncio", "asyncio event loop"),
    ("socket", "sockets"),
    ("newsdiff/text", "text normalisation"),
)


def areas(profiler: cProfile.Profile) -> list[tuple[str, float]]:
    """Own time summed by area (package), largest first: where the time goes."""
    totals: dict[str, float] = {}
    raw: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        where = f"{filename} {name}"
        area = next((label for key, label in AREAS if key in where), "other")
        if area == "other" and "method" in name and ("lxml" in name or "etree" in name):
            area = "lxml"
        totals[area] = totals.get(area, 0.0) + tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


class GCTimer:
    """Time spent in the cyclic garbage collector (part of every figure above)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._start = 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1

    def take(self) -> tuple[float, list[int]]:
        taken = (self.seconds, self.collections)
        self.seconds, self.collections = 0.0, [0, 0, 0]
        return taken


class Stages:
    """CPU time of the calling thread spent in chosen functions of the poll, by stage (--stages):
    where a changed check's CPU goes. Each function is wrapped in this process; a stage indented
    under another runs inside it. Extraction must run in this process (inline or threads): in
    worker processes it is not seen. What no stage covers (fetching, the event loop, hashing,
    scheduling) is the remainder of the process's CPU."""

    def __init__(self) -> None:
        import newsdiff.collect.extract as extract
        import newsdiff.collect.poll as poll
        import newsdiff.collect.warc as warc
        import newsdiff.collect.workers as workers
        import newsdiff.store.observations as observations
        import newsdiff.store.versions as versions
        from newsdiff.store.db import Database

        self.cpu: dict[str, float] = {}
        #: (label, depth): in the order printed; depth 0 stages add up with the remainder
        self.order: list[tuple[str, int]] = []
        self._wrap(extract, "extract_article", "extraction (extract_article)", 0)
        self._wrap(workers, "change_stats", "change stats (diff)", 0)
        self._wrap(workers, "compute_edits", "typed edits (compute_edits)", 0)
        self._wrap(warc, "write_capture", "capture (compress + write, a thread)", 0)
        self._wrap_cm(Database, "read", "read transactions", 0)
        self._wrap(versions, "latest_text", "latest text (decoded)", 1)
        self._wrap_cm(Database, "write", "write transactions (incl. commit)", 0)
        self._wrap(poll, "record_one", "record check + version (record_one)", 1)
        self._wrap(observations, "add_version", "add_version (text store, FTS trigger)", 2)
        self._wrap(observations, "save_edits", "save_edits (typed edit rows)", 2)

    def _add(self, label: str, depth: int) -> None:
        self.cpu[label] = 0.0
        self.order.append((label, depth))

    def _wrap(self, owner: Any, name: str, label: str, depth: int) -> None:
        original = getattr(owner, name)
        self._add(label, depth)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.cpu[label] += time.thread_time() - start

        setattr(owner, name, timed)

    def _wrap_cm(self, owner: Any, name: str, label: str, depth: int) -> None:
        original = getattr(owner, name)
        self._add(label, depth)

        @contextlib.contextmanager
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                with original(*args, **kwargs) as value:
                    yield value
            finally:
                self.cpu[label] += time.thread_time() - start

        setattr(owner, name, timed)

    def take(self) -> dict[str, float]:
        taken = dict(self.cpu)
        self.cpu = dict.fromkeys(self.cpu, 0.0)
        return taken

    def show(self, taken: dict[str, float], total_ms: float, n: int) -> None:
        covered = 0.0
        for label, depth in self.order:
            ms = taken[label] * 1000 / n
            covered += ms if depth == 0 else 0.0
            share = f"{100 * ms / total_ms:4.0f}%" if total_ms else ""
            print(f"  {'  ' * depth}{label:<{44 - 2 * depth}} {ms:7.2f} ms/check {share}")
        rest = total_ms - covered
        print(
            f"  {'the rest (fetch, hashing, event loop...)':<44} {rest:7.2f} ms/check "
            f"{100 * rest / total_ms if total_ms else 0:4.0f}%"
        )


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="60 pages, one round")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the four polls")
    parser.add_argument(
        "--executor",
        help="where extraction runs: default (an ExtractionPool per poll, as run_poll does), "
        "thread, process, N processes, inline (default with --profile)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the event loop's thread (with extraction inline unless --executor)",
    )
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    parser.add_argument(
        "--stages",
        action="store_true",
        help="CPU per check by stage (extraction, diff, edits, capture, reads, writes), with "
        "extraction inline unless --executor",
    )
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--concurrency", type=int, default=16, help="fetch limits (global, host)")
    parser.add_argument(
        "--peer",
        choices=["urlwatch"],
        help="run the peer's command and `newsdiff poll` side by side instead (bench/peer.py)",
    )
    parser.add_argument(
        "--worker",
        nargs="?",
        const="postgresql://postgres@127.0.0.1:5432/postgres",
        metavar="ADMIN_URL",
        help="with --peer: also one `newsdiff worker` process on a PostgreSQL database made on "
        "this server for the run (default postgresql://postgres@127.0.0.1:5432/postgres)",
    )
    parser.add_argument(
        "--validators",
        choices=["off", "on", "both"],
        default="off",
        help="with --peer: whether the site sends ETag/Last-Modified and answers 304",
    )
    args = parser.parse_args()
    pages = 60 if args.quick else args.pages

    ctx = multiprocessing.get_context("spawn")
    port_queue, orders, done = ctx.Queue(), ctx.Queue(), ctx.Queue()
    server = ctx.Process(target=serve, args=(port_queue, orders, done, pages), daemon=True)
    server.start()
    port = port_queue.get(timeout=60)
    assert server.pid is not None
    site_pid = server.pid

    def revise(text_rev: int, template_rev: int, validators: bool = False) -> None:
        orders.put((text_rev, template_rev, validators))
        done.get(timeout=600)

    revise(0, 0)
    base = f"http://127.0.0.1:{port}"
    avg = sum(len(page(i, 0, 0)) for i in range(10)) / 10
    print(f"{pages} pages of ~{avg / 1024:.0f} KB on {base}; {load()}")
    if args.peer:
        from peer import run_peer

        rounds = max(args.repeat, 3)
        for setting in ("off", "on") if args.validators == "both" else (args.validators,):
            run_peer(base, pages, rounds, setting == "on", revise, site_pid, args.worker)
            print(load())
        server.terminate()
        return

    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='newsdiff-bench-')) / 'b.sqlite'}"
    migrate(url)
    limit = args.concurrency
    settings = settings_from_dict(
        {
            "database": {"url": url},
            "fetch": {"concurrency": limit, "per_host_concurrency": limit, "timeout_s": 60},
        }
    )
    database = Database(url)
    inline = args.profile or args.stages
    executor = make_executor(args.executor or ("inline" if inline else "default"))
    stages = Stages() if args.stages else None
    print(
        f"extraction in {type(executor).__name__ if executor else 'run_poll default'}; "
        f"fetch concurrency {limit}; database {database.engine.dialect.name}"
    )
    for i in range(pages):
        track_url(database, f"{base}/news/{i}", outlet="Bench Times")

    gc_timer = GCTimer()

    def timed(label: str) -> float:
        # CPU time: a loaded machine does not inflate the figures
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        gc_timer.take()
        if stages is not None:
            stages.take()
        start, before = time.perf_counter(), cpu_seconds(site_pid)
        if profiler:
            profiler.enable()
        pool = ExtractionPool() if executor is None and ExtractionPool else None
        with pool or contextlib.nullcontext():
            summary = run_poll(settings, database, force=True, executor=executor or pool)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
        n = max(summary.checks, 1)
        main_ms, others_ms, site_ms = (
            (b - a) * 1000 / n for a, b in zip(before, cpu_seconds(site_pid), strict=True)
        )
        rate = summary.checks / elapsed
        goal = f" ({rate / GOALS[label]:4.2f}x goal)" if label in GOALS else " " * 13
        # what the CPU of 2 idle cores would allow: poller, workers and site sharing them
        ceiling = 2000 / max(main_ms + others_ms + site_ms, 1e-9)
        print(
            f"{label:<12} {summary.checks:>4} checks {elapsed:6.2f}s {rate:6.1f}/s{goal} | CPU "
            f"ms/check: poller {main_ms:5.1f} + workers {others_ms:5.1f}, site {site_ms:4.1f}"
            f" | ceiling {ceiling:5.0f}/s | {summary.new_versions} new versions, "
            f"{summary.failures} failures | {load()}"
        )
        if pool is not None and (pool.in_threads or pool.in_processes):
            print(
                f"  extraction jobs: {pool.in_threads} in threads, "
                f"{pool.in_processes} in {pool.processes} worker processes"
            )
        gc_seconds, collections = gc_timer.take()
        if args.profile or gc_seconds * 1000 / n >= 1:
            print(f"  poller in gc: {gc_seconds * 1000 / n:.2f} ms/check {collections}")
        if summary.failures:
            print("  first problems:", summary.problems[:3])
        if stages is not None:
            stages.show(stages.take(), main_ms + others_ms, n)
        if profiler:
            print(f"--- {label}: own time by area")
            for area, seconds in areas(profiler):
                print(f"  {area:<34} {seconds * 1000 / n:7.2f} ms/check")
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats(key).print_stats(args.top)
                print(f"--- {label}: top {args.top} by {key}")
                print("\n".join(out.getvalue().splitlines()[6:]))
        return rate

    text_rev = template_rev = 0
    rates: dict[str, list[float]] = {}
    rates.setdefault("first sight", []).append(timed("first sight"))
    for _ in range(1 if args.quick else args.repeat):
        rates.setdefault("unchanged", []).append(timed("unchanged"))
        template_rev += 1
        revise(text_rev, template_rev)
        rates.setdefault("template", []).append(timed("template"))
        text_rev += 1
        revise(text_rev, template_rev)
        rates.setdefault("changed", []).append(timed("changed"))
    if len(rates["changed"]) > 1:
        print("best of", len(rates["changed"]), "rounds:")
        for label, values in rates.items():
            print(f"  {label:<12} {max(values):7.1f} checks/s")
    database.dispose()
    if executor is not None:
        executor.shutdown()
    server.terminate()


if __name__ == "__main__":
    main()
