"""Benchmark storage: bytes per version of text and of captures, write CPU, read time.

What it measures (issue 18), each time for today's form ("before": the text as it is in
``versions.paragraphs``, every capture a gzip'd WARC record) and the compact forms ("after":
``newsdiff.store.textstore`` full copies and deltas; compact capture records), both written in
the same run through the real write path:

- **bytes per version**: text (the versions' text columns, as ``newsdiff db stats`` counts them:
  pages' payload on SQLite, ``pg_column_size`` after TOAST on PostgreSQL) and captures (the
  files in the captures dir), over all versions, and for the text by how many versions the
  article has;
- **write CPU per version**: this process's CPU (``time.process_time``) inside
  ``record_observation`` and the commit of its transaction (the store's write, with change
  stats computed ahead as the poll does), and inside ``write_capture``; the ratio after/before
  of each repeat, then the median and the spread (lowest-highest) over repeats. The order of the
  two forms alternates between repeats. On PostgreSQL the server's CPU is not in it;
- **read time**: one random version of a 50-version article, ``session.get(Version,
  id).paragraphs`` on a fresh session (wall time from opening the session), median and p99,
  for both forms; "cold" clears the text store's cache of decoded full copies before each read
  (a random version of a large archive), "warm" does not (browsing one article).

On two archives:

(a) the poll bench's pages (``bench/poll.py``, imported: ~99 KB pages whose text gets a few
    words changed and a paragraph added per revision, template bytes changing too);
(b) a generated archive (seeded): articles of 400-1,500 words; versions per article 1 (30%),
    2-5 (45%), 6-19 (17%), 20-50 (8%), plus a few of exactly 50 for the read test; each new
    version makes 1-3 edits drawn from real kinds (a sentence reworded, a word or a number
    changed, a paragraph added (1-3 at once, often near the top), a paragraph removed, the
    headline changed, a typo fixed); each capture is the text in a page template (the poll
    bench's styles, scripts, menu and footer) whose most-read list, ad ids and comments change
    between captures.

On SQLite always (files in a temp dir); on PostgreSQL too with ``--database-url`` or
``NEWSDIFF_TEST_DATABASE_URL``, in a schema of its own (``newsdiff_storage_bench``, dropped at
the end). ``--quick`` finishes in under a minute. Never asserts anything.

    python bench/storage.py [--quick] [--repeat 3] [--articles 500] [--pages 40]
                            [--reads 1000] [--database-url URL] [--seed 18]

Goals (issue 18): text <= 1.2 KiB per version, captures <= 6 KiB per version, write CPU per
version <= 1.2x today's, read median <= 2 ms and p99 <= 10 ms.

Latest figures (at e111ea1, the 2-core development machine shared with other work, load 3-5;
SQLite 3.40 and a local PostgreSQL 15; ``python bench/storage.py --database-url ...``, 3 repeats,
461 s; write CPU after/before, median and spread; reads median and p99, before -> after):

    poll pages, SQLite      text 6.89 -> 0.67 KiB   captures 17.33 -> 5.05 KiB
                            CPU store 0.97x (0.97-1.23), capture 1.04x (0.98-1.18), both 0.99x
    generated, SQLite       text 7.12 -> 0.90 KiB   captures 12.86 -> 2.02 KiB
                            CPU store 1.10x (1.02-1.20), capture 1.07x (1.03-1.21), both 1.10x
                            read 0.19 -> 0.23 ms, p99 2.0 -> 4.4 ms (cold cache)
    poll pages, PostgreSQL  text 2.49 -> 1.34 KiB   captures 17.33 -> 5.06 KiB
                            CPU store 1.14x (1.00-1.17), capture 1.32x (1.26-1.32), both 1.18x
    generated, PostgreSQL   text 3.73 -> 1.29 KiB   captures 12.86 -> 2.02 KiB
                            CPU store 1.38x (1.07-1.38), capture 1.41x (1.34-1.46), both 1.39x
                            read 0.71 -> 0.87 ms, p99 4.0 -> 5.1 ms (cold cache)

Every goal is met on SQLite. On PostgreSQL text misses it (its "before" is already
TOAST-compressed, full copies can only be TOAST-compressed (pglz) for its SQL to read them, and
its JSON deltas are 2.5-5x SQLite's zstd ones), and so does write CPU, mostly by one more query a
version (the base's; 0.2 ms of client CPU there, 0.07 ms on SQLite). The capture's CPU includes
the lookup of the article's latest capture as the poll does it: one query in the read it makes
anyway. ``--quick``: under a minute for both databases on the same machine.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import inspect
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import poll as poll_bench  # noqa: E402  (the poll bench's page generator)
from sqlalchemy import text  # noqa: E402

from newsdiff.collect import warc  # noqa: E402
from newsdiff.store import textstore  # noqa: E402
from newsdiff.store.db import Database, make_engine, migrate  # noqa: E402
from newsdiff.store.models import Article, Base, Outlet, Version  # noqa: E402
from newsdiff.store.observations import Observation, record_observation  # noqa: E402
from newsdiff.store.space import directory_size, measure_space, text_bytes_sql  # noqa: E402
from newsdiff.store.versions import ChangeStats, VersionFields, VersionText  # noqa: E402
from newsdiff.store.versions import change_stats as compute_stats  # noqa: E402

SCHEMA = "newsdiff_storage_bench"
T0 = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
GOALS = {"text": 1.2 * 1024, "captures": 6 * 1024, "cpu": 1.2, "median_ms": 2.0, "p99_ms": 10.0}
RESPONSE_HEADERS = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "max-age=60, public",
    "server": "bench",
    "vary": "Accept-Encoding",
}
REQUEST_HEADERS = {
    "User-Agent": "newsdiff/0.1 (+https://example.org/contact)",
    "Accept": "text/html,application/xhtml+xml",
    "Accept-Encoding": "gzip, deflate",
}


# -- the forms -------------------------------------------------------------------------------


def text_forms_exist() -> bool:
    return hasattr(textstore, "FORM")


def capture_forms_exist() -> bool:
    return "compact" in inspect.signature(warc.write_capture).parameters


def use_form(form: str) -> None:
    """Write today's text form (``before``) or the compact one (``after``) from now on (the
    capture form is an argument of each write)."""
    if text_forms_exist():
        textstore.FORM = "plain" if form == "before" else "compact"


# -- the archives ----------------------------------------------------------------------------


@dataclass
class VersionSpec:
    title: str
    paragraphs: tuple[str, ...]
    stats: ChangeStats | None = None


@dataclass
class ArticleSpec:
    url: str
    outlet: str
    versions: list[VersionSpec]
    page: Callable[[int], bytes]  # the body of the capture of version k (0-based)
    start: datetime = T0
    every: timedelta = timedelta(hours=2)


@dataclass
class Archive:
    name: str
    articles: list[ArticleSpec]

    @property
    def versions(self) -> int:
        return sum(len(a.versions) for a in self.articles)

    @property
    def has_reads(self) -> bool:
        return any(len(a.versions) == 50 for a in self.articles)


def poll_archive(pages: int, revisions: int) -> Archive:
    """(a): the poll bench's pages, ``revisions`` text revisions of each."""
    articles = []
    for i in range(pages):
        specs = []
        for rev in range(revisions):
            title, paras = poll_bench.article_text(i, rev)
            specs.append(VersionSpec(title, tuple(paras)))
        articles.append(
            ArticleSpec(
                url=f"http://127.0.0.1:8000/news/{i}",
                outlet=f"Bench Times {i % 3}",
                versions=specs,
                page=lambda k, i=i: poll_bench.page(i, k, k),
                start=T0 + timedelta(minutes=7 * i),
            )
        )
    return Archive("poll bench pages", articles)


# Words of our own for the generated archive (common English, then a tail of made-up words).
FUNCTION = (
    "the the the a a of of of to to and and in in that is was for on with as by at from "
    "it he she they his her their has had have been be were will would could after before "
    "but not this which who when over into about than more also its one two"
).split()
CONTENT = (
    "council government minister police officers court hospital report inquiry school "
    "children families residents workers company shares market prices budget election vote "
    "party leader spokesman statement investigation evidence trial jury judge sentence "
    "charges fire flood storm road bridge station train service services plans decision "
    "review figures data rise fall cut increase week month year morning night yesterday "
    "today city town village county region country border talks deal agreement strike "
    "union pay staff patients doctors nurses teachers pupils parents victims witnesses "
    "emergency crews firefighters protest march crowd support opposition critics experts "
    "scientists study research results warning risk safety health water energy housing "
    "said told added warned confirmed announced denied called claimed expected described "
    "found began ended opened closed reported released arrested charged appeared remained "
    "new former local national public senior major second last first latest further "
    "serious significant early late full final recent independent"
).split()
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


class Writer:
    """News-like text, deterministic for a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        made: set[str] = set()
        while len(made) < 4_000:
            made.add("".join(self.rng.choices(SYLLABLES, k=self.rng.choice((2, 3, 3, 4)))))
        self.tail = sorted(made)
        self.names = [w.capitalize() for w in self.tail[:600]]

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.42:
            return self.rng.choice(FUNCTION)
        if r < 0.80:
            return self.rng.choice(CONTENT)
        if r < 0.84:
            return self.rng.choice(self.names)
        if r < 0.86:
            return self.number()
        # a Zipf-like tail: low ranks far more often
        return self.tail[min(int(self.rng.paretovariate(0.9)) - 1, len(self.tail) - 1)]

    def number(self) -> str:
        kind = self.rng.random()
        if kind < 0.4:
            return str(self.rng.randint(2, 99))
        if kind < 0.7:
            return f"{self.rng.randint(1, 999):,}"
        if kind < 0.85:
            return f"£{self.rng.randint(1, 90)}.{self.rng.randint(1, 9)}m"
        return f"{self.rng.randint(1, 80)}%"

    def sentence(self, words: int | None = None) -> str:
        n = words or self.rng.randint(9, 28)
        body = [self.word() for _ in range(n)]
        out = body[0].capitalize() + " " + " ".join(body[1:])
        if self.rng.random() < 0.15:
            who = self.rng.choice(self.names)
            return f'"{out}," said {who} {self.rng.choice(self.names)}.'
        return out + "."

    def paragraph(self, words: int | None = None) -> str:
        target = words or self.rng.randint(25, 70)
        out: list[str] = []
        count = 0
        while count < target:
            s = self.sentence()
            out.append(s)
            count += len(s.split())
        return " ".join(out)

    def article(self) -> tuple[str, list[str]]:
        words = self.rng.randint(400, 1_500)
        paras: list[str] = []
        while sum(len(p.split()) for p in paras) < words:
            paras.append(self.paragraph())
        return self.sentence(self.rng.randint(6, 13)).rstrip("."), paras


#: the kinds of edit a new version makes, with their weights
EDITS = (
    ("reword a sentence", 30),
    ("change a word or number", 25),
    ("add paragraphs", 18),
    ("remove a paragraph", 8),
    ("change the headline", 11),
    ("fix a typo", 8),
)


def edit(w: Writer, title: str, paras: list[str]) -> tuple[str, list[str]]:
    """The next version: 1-3 edits of real kinds (see :data:`EDITS`)."""
    paras = list(paras)
    rng = w.rng
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        kind = rng.choices([k for k, _ in EDITS], [n for _, n in EDITS])[0]
        k = rng.randrange(len(paras))
        if kind == "reword a sentence":
            sentences = paras[k].split(". ")
            j = rng.randrange(len(sentences))
            words = sentences[j].split()
            start = rng.randrange(max(1, len(words) - 3))
            span = rng.randint(2, 6)
            words[start : start + span] = [w.word() for _ in range(rng.randint(1, span + 2))]
            sentences[j] = " ".join(words)
            paras[k] = ". ".join(sentences)
        elif kind == "change a word or number":
            words = paras[k].split()
            j = rng.randrange(len(words))
            words[j] = w.number() if rng.random() < 0.5 else w.word()
            paras[k] = " ".join(words)
        elif kind == "add paragraphs":
            at = rng.choice((0, 1, 1, 2, rng.randrange(len(paras) + 1), len(paras)))
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                paras.insert(min(at, len(paras)), w.paragraph())
        elif kind == "remove a paragraph" and len(paras) > 3:
            del paras[k]
        elif kind == "change the headline":
            title = w.sentence(rng.randint(6, 13)).rstrip(".")
        else:  # a typo fixed: one character of one word
            words = paras[k].split()
            j = rng.randrange(len(words))
            word = words[j]
            if len(word) > 3:
                cut = rng.randrange(1, len(word) - 1)
                words[j] = word[:cut] + word[cut + 1 :]
            else:
                words[j] = word + "s"
            paras[k] = " ".join(words)
    return title, paras


def version_count(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.30:
        return 1
    if r < 0.75:
        return rng.randint(2, 5)
    if r < 0.92:
        return rng.randint(6, 19)
    return rng.randint(20, 50)


def wrap(title: str, paras: list[str], article: int, capture: int) -> bytes:
    """A capture of the text: a page template (the poll bench's styles, scripts, menu and
    footer) whose most-read list, ad ids and comments change from one capture to the next."""
    esc = poll_bench.html_escape
    rng = random.Random(article * 1_000 + capture)
    w = Writer.__new__(Writer)  # the sentences of the page furniture: same words, own rng
    w.rng, w.tail, w.names = rng, CONTENT, [c.capitalize() for c in CONTENT]
    body = "".join(f"<p class='body-text'>{esc(p)}</p>" for p in paras)
    most_read = "".join(
        f"<li><a href='/news/{rng.randrange(10_000)}'>{esc(w.sentence(10))}</a></li>"
        for _ in range(10)
    )
    comments = "".join(
        f"<div class='comment'><span class='who'>reader{rng.randrange(999)}</span>"
        f"<p>{esc(w.paragraph(30))}</p></div>"
        for _ in range(rng.randint(0, 12))
    )
    page = (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{esc(title)} | Generated Gazette</title>"
        f"<meta property='og:title' content='{esc(title)}'>"
        f"<link rel='stylesheet' href='/static/main.css?v={capture}'>"
        f"{poll_bench.STYLE}{poll_bench.ANALYTICS}</head><body>"
        f"<header><nav class='menu'><ul>{poll_bench.MENU}</ul></nav></header>"
        f"<main><article><h1>{esc(title)}</h1>"
        "<p class='byline'>By Staff Reporter</p>"
        f"<div class='ad-slot' id='ad-{capture}-{rng.randrange(10**6)}'></div>"
        f"<div class='story__body'>{body}</div></article>"
        f"<aside class='most-read'><ol>{most_read}</ol></aside>"
        f"<section class='comments'>{comments}</section></main>"
        f"<footer><ul>{poll_bench.FOOTER}</ul></footer>"
        f"<script src='/static/app.js?v={capture}' async></script></body></html>"
    )
    return page.encode()


def generated_archive(articles: int, read_articles: int, seed: int) -> Archive:
    """(b): ``articles`` generated articles, ``read_articles`` of them with 50 versions."""
    w = Writer(seed)
    specs = []
    for i in range(articles):
        count = 50 if i < read_articles else version_count(w.rng)
        title, paras = w.article()
        texts = [(title, list(paras))]
        while len(texts) < count:
            title, paras = edit(w, title, paras)
            if (title, paras) != texts[-1]:
                texts.append((title, list(paras)))
        versions = [VersionSpec(t, tuple(p)) for t, p in texts]
        specs.append(
            ArticleSpec(
                url=f"https://gazette.example/news/{i}",
                outlet=f"Generated Gazette {i % 4}",
                versions=versions,
                page=lambda k, i=i, v=versions: wrap(v[k].title, list(v[k].paragraphs), i, k),
                start=T0 + timedelta(minutes=11 * i),
                every=timedelta(minutes=w.rng.choice((20, 45, 90, 180))),
            )
        )
    return Archive("generated archive", specs)


def add_stats(archive: Archive) -> None:
    """Change stats of every version against the one before, computed once, ahead (as the poll
    computes them in a worker), so that the timed write does not diff."""
    for article in archive.articles:
        previous: VersionText | None = None
        for number, spec in enumerate(article.versions, 1):
            spec.stats = compute_stats(spec.title, spec.paragraphs, previous)
            digest = spec.stats.text_hash if spec.stats else ""
            previous = VersionText(number, digest, spec.title, spec.paragraphs)


# -- one run: write an archive in one form ---------------------------------------------------


@dataclass
class Run:
    form: str
    versions: int
    text_cpu: float  # seconds, total
    capture_cpu: float  # writing the capture, and looking up its base (the compact form)
    lookup_cpu: float  # of which looking up the base
    text_bytes: int
    capture_bytes: int
    database_bytes: int | None
    by_class: dict[str, tuple[int, int]] = field(default_factory=dict)  # class: (versions, bytes)
    url: str = ""
    captures: Path | None = None

    @property
    def text_per_version(self) -> float:
        return self.text_bytes / self.versions

    @property
    def captures_per_version(self) -> float:
        return self.capture_bytes / self.versions


def events(archive: Archive) -> Iterator[tuple[datetime, int, int]]:
    """(when, article index, version index) in time order, as a poll would meet them."""
    every = [
        (a.start + k * a.every, i, k)
        for i, a in enumerate(archive.articles)
        for k in range(len(a.versions))
    ]
    yield from sorted(every)


def write_archive(archive: Archive, url: str, captures: Path, form: str) -> Run:
    """Write ``archive`` into the empty database at ``url`` in ``form``, timing the writes."""
    use_form(form)
    database = Database(url)
    try:
        with database.write() as session:
            outlets: dict[str, Outlet] = {}
            rows = []
            for a in archive.articles:
                if a.outlet not in outlets:
                    outlets[a.outlet] = Outlet(
                        name=a.outlet, slug=a.outlet.lower().replace(" ", "-")
                    )
                    session.add(outlets[a.outlet])
                rows.append(Article(url=a.url, outlet=outlets[a.outlet], first_seen_at=a.start))
            session.add_all(rows)
            session.flush()
            ids = [r.id for r in rows]
        text_cpu = capture_cpu = lookup_cpu = 0.0
        clock = time.process_time
        compact: dict[str, Any] = {}
        previous: dict[int, Any] = {}  # each article's latest capture
        for when, i, k in events(archive):
            spec = archive.articles[i]
            version = spec.versions[k]
            body = spec.page(k)
            body_hash = hashlib.sha256(body).hexdigest()
            if capture_forms_exist():
                # the poll looks the article's latest capture up before writing a compact one,
                # one more query in the read transaction it makes for every check anyway (for
                # the latest text): that query is timed, not a transaction of its own
                latest = previous.get(i)
                if form == "after" and k > 0 and hasattr(warc, "latest_capture"):
                    with database.read() as session:
                        session.connection()  # the poll's read is open already
                        started = clock()
                        latest = warc.latest_capture(session, ids[i])
                        lookup_cpu += clock() - started
                compact = {"compact": form == "after", "previous": latest}
            started = clock()
            ref = warc.write_capture(
                captures,
                spec.url,
                200,
                RESPONSE_HEADERS,
                body,
                when,
                request_headers=REQUEST_HEADERS,
                **compact,
            )
            capture_cpu += clock() - started
            previous[i] = ref
            fields = VersionFields(
                title=version.title,
                paragraphs=version.paragraphs,
                extractor="bench",
                extractor_version="1",
                final_url=spec.url,
                http_status=200,
                warc_file=ref.file,
                warc_offset=ref.offset,
                warc_length=ref.length,
            )
            obs = Observation(
                article_id=ids[i],
                checked_at=when,
                fields=fields,
                outcome="new_version",
                stats=version.stats,
                http_status=200,
                final_url=spec.url,
                body_hash=body_hash,
            )
            started = clock()
            with database.write() as session:
                article = session.get(Article, ids[i])
                assert article is not None
                recorded = record_observation(session, article, obs)
            text_cpu += clock() - started
            if not recorded.created:
                raise SystemExit(f"bench: version {k + 1} of {spec.url} made no version")
        with database.read() as session:
            space = measure_space(session, captures)
            by_class = text_by_class(session)
    finally:
        database.dispose()
    return Run(
        form=form,
        versions=archive.versions,
        text_cpu=text_cpu,
        capture_cpu=capture_cpu + lookup_cpu,
        lookup_cpu=lookup_cpu,
        text_bytes=space.parts["text"] or 0,
        capture_bytes=directory_size(captures)[0],
        database_bytes=space.database_bytes,
        by_class=by_class,
        url=url,
        captures=captures,
    )


CLASSES = (("1", 1, 1), ("2-5", 2, 5), ("6-19", 6, 19), ("20-50", 20, 50))


def text_by_class(session: Any) -> dict[str, tuple[int, int]]:
    """Versions and text bytes by how many versions their article has."""
    engine = session.get_bind().dialect.name
    from newsdiff.store.space import text_columns

    size = text_bytes_sql(text_columns(session), engine, "v.")
    rows = session.execute(
        text(
            f"SELECT a.version_count, count(*), sum({size}) FROM versions v "
            "JOIN articles a ON a.id = v.article_id GROUP BY a.version_count"
        )
    ).all()
    out: dict[str, tuple[int, int]] = {}
    for name, low, high in CLASSES:
        picked = [(int(n), int(b)) for count, n, b in rows if low <= count <= high]
        if picked:
            out[name] = (sum(n for n, _ in picked), sum(b for _, b in picked))
    return out


# -- reads -----------------------------------------------------------------------------------


def time_reads(urls: dict[str, str], reads: int, seed: int, cold: bool) -> dict[str, list[float]]:
    """Seconds to read one random version of a 50-version article through the ORM, for each
    form: the forms take turns, read by read (in the order AB, then BA), so that whatever else
    the machine does falls on both alike."""
    databases = {form: Database(url) for form, url in urls.items()}
    times: dict[str, list[float]] = {form: [] for form in urls}
    try:
        first = next(iter(databases.values()))
        with first.read() as session:
            ids = list(
                session.scalars(
                    text(
                        "SELECT v.id FROM versions v JOIN articles a ON a.id = v.article_id "
                        "WHERE a.version_count = 50 ORDER BY v.id"
                    )
                )
            )
        rng = random.Random(seed)
        clear = getattr(getattr(textstore, "_full_text", None), "cache_clear", None)
        # the bench's own heap (every archive's texts) is left out of the collector's passes: a
        # full collection of it would be counted as a read
        gc.collect()
        gc.freeze()
        forms = list(databases)
        for n in range(reads):
            vid = rng.choice(ids)  # the archives are written alike: the same ids in each form
            for form in forms if n % 2 == 0 else forms[::-1]:
                if cold and clear is not None:
                    clear()
                started = time.perf_counter()
                with databases[form].read() as session:
                    version = session.get(Version, vid)
                    assert version is not None
                    size = len(version.paragraphs)
                times[form].append(time.perf_counter() - started)
                assert size > 0
    finally:
        gc.unfreeze()
        for database in databases.values():
            database.dispose()
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


# -- databases -------------------------------------------------------------------------------


class Backend:
    """Fresh empty databases of one engine, one per run."""

    name = ""

    def fresh(self, label: str) -> str:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SQLiteBackend(Backend):
    name = "SQLite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite"
        migrate(f"sqlite:///{self.template}")
        self.count = 0
        self.last: dict[str, Path] = {}

    def fresh(self, label: str) -> str:
        """A copy of the migrated template; the label's previous copy is deleted."""
        if label in self.last:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.last[label]}{suffix}").unlink(missing_ok=True)
        self.count += 1
        path = self.folder / f"{label}-{self.count}.sqlite"
        shutil.copyfile(self.template, path)
        self.last[label] = path
        return f"sqlite:///{path}"


class PostgresBackend(Backend):
    """A schema per form (``newsdiff_storage_bench_before``...), emptied for each run."""

    name = "PostgreSQL"

    def __init__(self, url: str) -> None:
        self.base = url
        self.engine = make_engine(url)
        self.schemas: dict[str, str] = {}

    def fresh(self, label: str) -> str:
        schema = f"{SCHEMA}_{label}"
        separator = "&" if "?" in self.base else "?"
        url = f"{self.base}{separator}options={quote(f'-csearch_path={schema}')}"
        if schema not in self.schemas.values():
            with self.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            migrate(url)
            self.schemas[label] = schema
        else:
            names = ", ".join(f"{schema}.{t.name}" for t in Base.metadata.sorted_tables)
            with self.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return url

    def close(self) -> None:
        with self.engine.begin() as conn:
            for schema in self.schemas.values():
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        self.engine.dispose()


# -- report ----------------------------------------------------------------------------------


def kib(n: float) -> str:
    return f"{n / 1024:.2f} KiB"


def bench_archive(archive: Archive, backend: Backend, args: argparse.Namespace, work: Path) -> None:
    say = print
    say(
        f"\n-- {archive.name} on {backend.name}: {len(archive.articles):,} articles, "
        f"{archive.versions:,} versions --"
    )
    runs: dict[str, list[Run]] = {"before": [], "after": []}
    reads: dict[tuple[str, bool], list[float]] = {}
    for repeat in range(args.repeat):
        order = ("before", "after") if repeat % 2 == 0 else ("after", "before")
        for form in order:
            captures = work / f"captures-{form}"
            shutil.rmtree(captures, ignore_errors=True)
            url = backend.fresh(form)
            runs[form].append(write_archive(archive, url, captures, form))
            shutil.rmtree(captures, ignore_errors=True)
    if archive.has_reads:  # the last repeat's archives, one of each form
        urls = {form: runs[form][-1].url for form in ("before", "after")}
        for cold in (True, False):
            for form, times in time_reads(urls, args.reads, args.seed, cold).items():
                reads[form, cold] = times
    before, after = runs["before"][-1], runs["after"][-1]
    say(
        f"text bytes per version:     before {kib(before.text_per_version)}, "
        f"after {kib(after.text_per_version)} ({after.text_bytes / before.text_bytes:.3f}x; "
        "goal <= 1.2 KiB)"
    )
    for name, (n, b) in after.by_class.items():
        nb, bb = before.by_class.get(name, (n, 0))
        say(
            f"  articles of {name:>5} versions: {n:>6,} versions, before {kib(bb / nb)}, "
            f"after {kib(b / n)}"
        )
    say(
        f"capture bytes per version:  before {kib(before.captures_per_version)}, "
        f"after {kib(after.captures_per_version)} "
        f"({after.capture_bytes / before.capture_bytes:.3f}x; goal <= 6 KiB)"
        + ("" if capture_forms_exist() else "  [no compact capture form in this tree]")
    )
    if before.database_bytes and after.database_bytes:
        say(
            f"database size:              before {before.database_bytes / 2**20:.1f} MiB, "
            f"after {after.database_bytes / 2**20:.1f} MiB"
        )
    pairs = list(zip(runs["before"], runs["after"], strict=True))
    say("write CPU per version (this process), after/before:")
    parts: tuple[tuple[str, Callable[[Run], float]], ...] = (
        ("store (text)", lambda r: r.text_cpu),
        ("capture", lambda r: r.capture_cpu),
        ("both", lambda r: r.text_cpu + r.capture_cpu),
    )
    for label, get in parts:
        ratios = [get(a) / get(b) for b, a in pairs]
        b_ms = statistics.median(get(b) / b.versions * 1e3 for b, _ in pairs)
        a_ms = statistics.median(get(a) / a.versions * 1e3 for _, a in pairs)
        say(
            f"  {label:<13} median {statistics.median(ratios):.2f}x (spread "
            f"{min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)} repeats); "
            f"{b_ms:.3f} -> {a_ms:.3f} ms per version (goal <= 1.2x)"
        )
        if label == "capture":
            lookup = statistics.median(a.lookup_cpu / a.versions * 1e3 for _, a in pairs)
            say(f"  {'':<13} (of which {lookup:.3f} ms looking up the article's latest capture)")
    if not reads:
        return
    say(f"read one random version of a 50-version article ({args.reads} reads, fresh session):")
    for cold in (True, False):
        base, new = reads["before", cold], reads["after", cold]
        say(
            f"  {'cold' if cold else 'warm'}: before median {ms(statistics.median(base))}, "
            f"p99 {ms(p99(base))}; after median {ms(statistics.median(new))}, "
            f"p99 {ms(p99(new))} ({statistics.median(new) / statistics.median(base):.2f}x "
            "the median; goal <= 2 ms / 10 ms)"
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run, under a minute")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--articles", type=int, default=500, help="generated articles")
    parser.add_argument("--pages", type=int, default=40, help="poll bench pages")
    parser.add_argument("--revisions", type=int, default=8, help="text revisions per page")
    parser.add_argument("--reads", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("NEWSDIFF_TEST_DATABASE_URL"),
        help="also on this PostgreSQL database (default: $NEWSDIFF_TEST_DATABASE_URL)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)
    read_articles = 4
    if args.quick:
        args.articles, args.pages, args.revisions = 60, 10, 5
        args.repeat, args.reads, read_articles = 2, 250, 2
    started = time.perf_counter()
    archives = [
        poll_archive(args.pages, args.revisions),
        generated_archive(args.articles, read_articles, args.seed),
    ]
    for archive in archives:
        add_stats(archive)
    print(
        f"storage bench: text forms {'before/after' if text_forms_exist() else 'before only'}, "
        f"capture forms {'before/after' if capture_forms_exist() else 'before only'}; "
        f"{args.repeat} repeats; archives made in {time.perf_counter() - started:.1f} s"
    )
    work = Path(tempfile.mkdtemp(prefix="newsdiff-storage-"))
    backends: list[Callable[[], Backend]] = []
    if not args.no_sqlite:
        backends.append(lambda: SQLiteBackend(work))
    if args.database_url:
        backends.append(lambda: PostgresBackend(args.database_url))
    try:
        for make in backends:
            backend = make()
            try:
                for archive in archives:
                    bench_archive(archive, backend, args, work)
            finally:
                backend.close()
    finally:
        use_form("after")
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n(done in {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
