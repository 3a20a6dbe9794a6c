"""Benchmark full-text search: query times on a generated archive, index size and build time.

Generates an archive of N versions (1,000,000 by default; ``--quick``: 20,000) of news-like
text (a few KB each: a Zipf vocabulary under common English words, rare names, and phrases that
come and go between versions, such as "are expected to"), written straight into a database at
schema 0004 (executemany on SQLite, COPY on PostgreSQL: generation time is not a figure). Then:

- **build**: ``alembic upgrade 0005`` on it, the migration that indexes an existing database,
  timed; with the index size, both against the size of the text indexed;
- **queries**: a mix of ``search()`` calls (rare, medium and common words, two-word AND, OR,
  NOT, phrases common and rare, prefixes, ``--in latest``, ``added`` and ``removed``,
  filters), each the whole library call a command makes (query, then headline and snippet
  for 20 results), in rounds; median and p95 over all of them, and per kind;
- **baselines measured in the same run**: the search figures are also given as ratios to
  (a) a plain ``LIKE '%word%'`` scan over 10,000 versions (what a search costs without an
  index, over 1% of a 1,000,000-version archive) and (b) reading one version by primary key
  (the floor of any query); and, once, the ``LIKE`` scan over the whole archive.

On SQLite always (a file in a temporary directory, or ``--dir``); on PostgreSQL too when a URL
is given, in a schema of its own (``newsdiff_bench``, dropped at the end unless ``--keep``).
Never asserts anything: the issue's goal is median <= 50 ms and p95 <= 200 ms at 1,000,000.

    python bench/search.py [--versions N] [--quick] [--postgres URL] [--rounds 3] [--dir D]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alembic import command  # noqa: E402
from sqlalchemy import text  # noqa: E402

from newsdiff.store import db as dbmod  # noqa: E402
from newsdiff.store.db import Database, make_engine  # noqa: E402
from newsdiff.store.search import search  # noqa: E402

SCHEMA = "newsdiff_bench"
T0 = datetime(2023, 1, 1, tzinfo=UTC)
COMMON = (
    "the of to and a in that is for on said was he it with as by at from his be has have "
    "an are but not they this who were had been which their its will after would one also "
    "more than there about up two new when people government police minister year years "
    "told over last into could first against out all some what other we her she just under"
).split()
PHRASE = ["are", "expected", "to"]  # comes and goes between versions
ADDED = ["has", "been", "charged"]  # appears in later versions
KINDS = ["", "quote", "number", "number,quote", "certainty", "headline", "source", "trivial"]


# -- the archive -----------------------------------------------------------------------------


class Writer:
    """Makes news-like text deterministically (seeded)."""

    def __init__(self, seed: int = 16) -> None:
        self.rng = random.Random(seed)
        syllables = [c + v for c in "bcdfghklmnprstvwz" for v in "aeiou"] + ["an", "er", "in"]
        words: set[str] = set()
        while len(words) < 30_000:
            words.add("".join(self.rng.choices(syllables, k=self.rng.choice((2, 2, 3, 3, 4)))))
        self.vocab = COMMON + sorted(words)
        self.rng.shuffle(self.vocab[len(COMMON) :])  # ranks after the common words: random
        weights = [1 / (rank + 1) ** 1.07 for rank in range(len(self.vocab))]
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.names = sorted({w.capitalize() + "ski" for w in self.vocab[5_000:25_000]})

    def word_at(self, rank: int) -> str:
        return self.vocab[rank]

    def sentence(self, n: int) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=n)
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def paragraph(self, name: str | None = None) -> str:
        sentences = [self.sentence(self.rng.randint(9, 20)) for _ in range(self.rng.randint(2, 3))]
        if name is not None:
            sentences[0] = f"{name} {sentences[0][0].lower()}{sentences[0][1:]}"
        return " ".join(sentences)

    def article(self, versions: int) -> Iterator[tuple[str, list[str], str]]:
        """The title, paragraphs and edit kinds of each version of one article."""
        name = self.rng.choice(self.names) if self.rng.random() < 0.1 else None
        paragraphs = [
            self.paragraph(name if i == 0 else None) for i in range(self.rng.randint(8, 14))
        ]
        title = self.sentence(self.rng.randint(5, 10))[:-1]
        if self.rng.random() < 0.05:  # "are expected to" in the lead
            paragraphs[0] = paragraphs[0].replace(".", " " + " ".join(PHRASE) + " say.", 1)
        yield title, paragraphs, ""
        for _ in range(versions - 1):
            paragraphs = list(paragraphs)
            roll = self.rng.random()
            at = self.rng.randrange(len(paragraphs))
            if roll < 0.5:  # a few words changed in one paragraph
                words = paragraphs[at].split(" ")
                for _ in range(self.rng.randint(1, 4)):
                    words[self.rng.randrange(len(words))] = self.rng.choices(
                        self.vocab, cum_weights=self.cum
                    )[0]
                paragraphs[at] = " ".join(words)
            elif roll < 0.75:
                paragraphs.insert(at, self.paragraph())
            elif roll < 0.85 and len(paragraphs) > 3:
                del paragraphs[at]
            else:
                title = self.sentence(self.rng.randint(5, 10))[:-1]
            if " ".join(PHRASE) in paragraphs[0] and self.rng.random() < 0.4:
                paragraphs[0] = paragraphs[0].replace(" ".join(PHRASE) + " say", "said")
            if self.rng.random() < 0.02:
                paragraphs.append(f"A man {' '.join(ADDED)} with {self.sentence(6)[:-1]}.")
            yield title, paragraphs, self.rng.choice(KINDS)


def version_counts(rng: random.Random, total: int) -> Iterator[int]:
    """Versions per article (1 to 20, about 4 on average) adding up to ``total``."""
    left = total
    while left > 0:
        n = min(left, 1 + min(int(rng.expovariate(1 / 3)), 19))
        left -= n
        yield n


@dataclass
class Generated:
    versions: int
    articles: int
    seconds: float
    writer: Writer


def generate(url: str, total: int, progress: Callable[[str], None]) -> Generated:
    """Write ``total`` versions into the (empty, schema 0004) database at ``url``."""
    writer = Writer()
    started = time.perf_counter()
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    cur = raw.cursor()
    outlets = [(i + 1, f"Outlet {i + 1}", f"outlet-{i + 1}") for i in range(20)]
    articles: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    vid = aid = 0

    def stamp(when: datetime) -> Any:
        return when if postgres else when.replace(tzinfo=None).isoformat(" ", "microseconds")

    def flush() -> None:
        if postgres:
            with cur.copy(  # type: ignore[attr-defined]
                "COPY articles (id, outlet_id, url, first_seen_at, status, failure_count, "
                "version_count, title, last_changed_at) FROM STDIN"
            ) as copy:
                for row in articles:
                    copy.write_row(row)
            with cur.copy(  # type: ignore[attr-defined]
                "COPY versions (id, article_id, number, captured_at, title, paragraphs, "
                "text_hash, extractor, extractor_version, source, title_changed, words_added, "
                "words_removed, paragraphs_unchanged, paragraphs_modified, paragraphs_inserted, "
                "paragraphs_deleted, paragraphs_moved, edit_kinds, analyser_version) FROM STDIN"
            ) as copy:
                for row in versions:
                    copy.write_row(row)
        else:
            cur.execute("BEGIN")
            cur.executemany(
                "INSERT INTO articles (id, outlet_id, url, first_seen_at, status, failure_count, "
                f"version_count, title, last_changed_at) VALUES ({', '.join('?' * 9)})",
                articles,
            )
            cur.executemany(
                "INSERT INTO versions (id, article_id, number, captured_at, title, paragraphs, "
                "text_hash, extractor, extractor_version, source, title_changed, words_added, "
                "words_removed, paragraphs_unchanged, paragraphs_modified, paragraphs_inserted, "
                f"paragraphs_deleted, paragraphs_moved, edit_kinds, analyser_version) VALUES "
                f"({', '.join('?' * 20)})",
                versions,
            )
            cur.execute("COMMIT")
        articles.clear()
        versions.clear()

    if postgres:
        with cur.copy("COPY outlets (id, name, slug) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in outlets:
                copy.write_row(row)
    else:
        cur.executemany("INSERT INTO outlets (id, name, slug) VALUES (?, ?, ?)", outlets)
        cur.execute("PRAGMA synchronous = OFF")
    shown = time.monotonic()
    for count in version_counts(writer.rng, total):
        aid += 1
        first = T0 + timedelta(minutes=writer.rng.randrange(2 * 365 * 24 * 60))
        when = first
        title = ""
        for number, (title, paragraphs, kinds) in enumerate(writer.article(count), start=1):
            vid += 1
            body = "\n".join(paragraphs)
            versions.append(
                (
                    vid, aid, number, stamp(when), title, body,
                    hashlib.sha256((title + body).encode()).hexdigest(), "bench", "1", "live",
                    False, 0, 0, 0, 0, 0, 0, 0, kinds, "bench",
                )
            )  # fmt: skip
            when += timedelta(minutes=15 + writer.rng.randrange(600))
        articles.append(
            (
                aid, 1 + aid % len(outlets), f"https://example.org/news/{aid}", stamp(first),
                "tracking", 0, count, title, stamp(when),
            )
        )  # fmt: skip
        if len(versions) >= 5_000:
            flush()
            if time.monotonic() - shown > 10:
                shown = time.monotonic()
                progress(f"  generated {vid:,} of {total:,} versions")
    flush()
    if postgres:
        for table in ("outlets", "articles", "versions"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    raw.commit()
    raw.close()
    engine.dispose()
    return Generated(vid, aid, time.perf_counter() - started, writer)


# -- the runs -------------------------------------------------------------------------------


def alembic_config(url: str) -> Any:
    cfg = dbmod._alembic_config(make_engine(url))
    return cfg


def build(url: str, progress: Callable[[str], None]) -> float:
    """Upgrade 0004 -> 0005 (the indexing migration), timed."""
    cfg = alembic_config(url)
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        if time.monotonic() - last[0] > 15 or done == total:
            last[0] = time.monotonic()
            progress(f"  {stage}: {done:,} of {total:,}")

    cfg.attributes["progress"] = report
    started = time.perf_counter()
    command.upgrade(cfg, "0005")
    seconds = time.perf_counter() - started
    command.upgrade(cfg, "head")  # later migrations, untimed
    cfg.attributes["engine"].dispose()
    return seconds


def sizes(database: Database) -> tuple[int, int, int]:
    """(bytes of text indexed, bytes of the index, bytes of the versions table)."""
    with database.read() as session:
        if database.is_sqlite:
            textsize = session.execute(
                text(
                    "SELECT sum(length(CAST(title AS BLOB)) + length(CAST(paragraphs AS BLOB))) "
                    "FROM versions"
                )
            ).scalar_one()
            index = session.execute(
                text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'versions_fts%'")
            ).scalar_one()
            table = session.execute(
                text("SELECT sum(pgsize) FROM dbstat WHERE name = 'versions'")
            ).scalar_one()
        else:
            textsize = session.execute(
                text("SELECT sum(octet_length(title) + octet_length(paragraphs)) FROM versions")
            ).scalar_one()
            index = session.execute(
                text("SELECT pg_total_relation_size('version_search')")
            ).scalar_one()
            table = session.execute(text("SELECT pg_total_relation_size('versions')")).scalar_one()
    return int(textsize), int(index), int(table)


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    options: dict[str, Any]


def cases(writer: Writer) -> list[Case]:
    w = writer.word_at
    rare = writer.names[:400:40]  # names in ~0.1% of articles
    out = [Case("rare word", name, {}) for name in rare[:4]]
    out += [Case("medium word", w(r), {}) for r in (1_000, 1_500, 2_000, 3_000)]
    out += [Case("common word", w(r), {}) for r in (0, 8, 30, 90)]
    out += [
        Case("two words", f"{w(300)} {w(2_000)}", {}),
        Case("two words", f"{w(30)} {w(500)}", {}),
    ]
    out += [Case("OR", f"{rare[5]} OR {rare[6]}", {}), Case("OR", f"{w(5_000)} OR {w(6_000)}", {})]
    out += [Case("NOT", f"{w(500)} -{w(40)}", {}), Case("NOT", f"{rare[7]} NOT {w(3)}", {})]
    out += [
        Case("phrase, common", '"' + " ".join(PHRASE) + '"', {}),
        Case("phrase, common", f'"{w(0)} {w(1)}"', {}),
        Case("phrase, rare", f'"{w(2_000)} {w(3)}"', {}),
        Case("phrase, rare", f'"{" ".join(ADDED)}"', {}),
    ]
    out += [Case("prefix", w(r)[:4] + "*", {}) for r in (2_000, 9_000)]
    out += [Case("prefix", w(r)[:3] + "*", {}) for r in (700, 4_000)]  # the shortest allowed
    out += [
        Case("--in latest", w(2_000), {"within": "latest"}),
        Case("--in latest", '"' + " ".join(PHRASE) + '"', {"within": "latest"}),
        Case("--in added", '"' + " ".join(ADDED) + '"', {"within": "added"}),
        Case("--in added", w(2_000), {"within": "added"}),
        Case("--in added", '"' + " ".join(PHRASE) + '"', {"within": "added"}),
        Case("--in removed", '"' + " ".join(PHRASE) + '"', {"within": "removed"}),
        Case("--in removed", w(1_500), {"within": "removed"}),
        Case("filtered", w(1_000), {"outlet": "Outlet 3", "since": T0 + timedelta(days=400)}),
        Case("filtered", w(100), {"kinds": ["quote"], "until": T0 + timedelta(days=200)}),
    ]
    return out


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def baselines(database: Database, writer: Writer, versions: int) -> dict[str, float]:
    rng = random.Random(7)
    word = writer.word_at(2_000)
    with database.read() as session:
        pk = []
        for _ in range(200):
            vid = rng.randint(1, versions)
            pk.append(
                timed(
                    lambda vid=vid: session.execute(
                        text("SELECT title, paragraphs FROM versions WHERE id = :id"), {"id": vid}
                    ).one()
                )[0]
            )
        like = [
            timed(
                lambda: session.execute(
                    text(
                        "SELECT count(*) FROM versions WHERE id <= 10000 AND "
                        "(title LIKE :w OR paragraphs LIKE :w)"
                    ),
                    {"w": f"%{word}%"},
                ).scalar_one()
            )[0]
            for _ in range(5)
        ]
        full, _ = timed(
            lambda: session.execute(
                text("SELECT count(*) FROM versions WHERE title LIKE :w OR paragraphs LIKE :w"),
                {"w": f"%{word}%"},
            ).scalar_one()
        )
    return {"pk": statistics.median(pk), "like10k": statistics.median(like), "like_all": full}


def run_queries(database: Database, writer: Writer, rounds: int) -> dict[str, list[float]]:
    by_kind: dict[str, list[float]] = {}
    mix = cases(writer)
    with database.read() as session:  # first use: imports, mappers, statement caches
        search(session, writer.word_at(0), limit=20)
    for _ in range(rounds):
        for case in mix:

            def one(case: Case = case) -> int:
                with database.read() as session:
                    return len(search(session, case.query, limit=20, **case.options))

            seconds, _ = timed(one)
            by_kind.setdefault(case.kind, []).append(seconds)
    return by_kind


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 10e6 else f"{size / 1e6:,.1f} MB"


def bench(name: str, url: str, total: int, rounds: int) -> None:
    say = print
    say(f"\n== {name}: {total:,} versions ==")
    cfg = alembic_config(url)
    command.upgrade(cfg, "0004")
    cfg.attributes["engine"].dispose()
    made = generate(url, total, say)
    say(
        f"generated {made.versions:,} versions of {made.articles:,} articles in "
        f"{made.seconds:.0f} s (not a figure)"
    )
    seconds = build(url, say)
    database = Database(url)
    try:
        textsize, index, table = sizes(database)
        say(
            f"build (migration 0005): {seconds:.1f} s for {mb(textsize)} of text "
            f"({textsize / 1e6 / seconds:.1f} MB/s)"
        )
        say(
            f"index size: {mb(index)} = {index / textsize:.2f}x the text "
            f"(versions table {mb(table)})"
        )
        base = baselines(database, made.writer, made.versions)
        times = run_queries(database, made.writer, rounds)
    finally:
        database.dispose()
    every = [t for values in times.values() for t in values]
    median, high = statistics.median(every), p95(every)
    say(
        f"baselines: primary-key read {ms(base['pk'])}; LIKE over 10,000 versions "
        f"{ms(base['like10k'])}; LIKE over all {made.versions:,} versions {ms(base['like_all'])}"
    )
    say(
        f"queries ({len(every)} = {len(every) // rounds} x {rounds} rounds, limit 20): "
        f"median {ms(median)}, p95 {ms(high)}, max {ms(max(every))}  (goal: 50 ms / 200 ms)"
    )
    say(
        f"  as ratios: median {median / base['like10k']:.3f}x and p95 "
        f"{high / base['like10k']:.3f}x the LIKE scan of 10,000 versions; "
        f"median {median / base['pk']:.0f}x and p95 "
        f"{high / base['pk']:.0f}x a primary-key read"
    )
    width = max(len(k) for k in times)
    for kind, values in times.items():
        say(
            f"  {kind:<{width}}  median {ms(statistics.median(values)):>9}  "
            f"max {ms(max(values)):>9}  ({len(values)})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 versions, one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="also on this PostgreSQL database")
    parser.add_argument("--dir", type=Path, help="where the SQLite file goes (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)
    total = 20_000 if args.quick else args.versions
    rounds = 1 if args.quick else args.rounds
    if not args.no_sqlite:
        folder = Path(args.dir or tempfile.mkdtemp(prefix="newsdiff-bench-"))
        path = folder / "search.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        try:
            bench("SQLite", f"sqlite:///{path}", total, rounds)
        finally:
            if not args.keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
    if args.postgres:
        separator = "&" if "?" in args.postgres else "?"
        url = f"{args.postgres}{separator}options={quote(f'-csearch_path={SCHEMA}')}"
        engine = make_engine(args.postgres)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        try:
            bench("PostgreSQL", url, total, rounds)
        finally:
            if not args.keep:
                with engine.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
