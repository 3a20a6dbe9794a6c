"""Benchmark the streaming exports: rows per second, and the Python memory they hold.

Fills a fresh database with ARTICLES x VERSIONS synthetic versions (4 paragraphs each, text made
up here), then runs each export twice: once timed, once under tracemalloc for its peak. Prints
rows/s and the peak against the size of the text exported. Never asserts anything.

    python bench/export.py [--articles 20000] [--versions 10] [--url postgresql+psycopg://...]

The default is a temporary SQLite file; with --url the database there is emptied first (never
point it at data you want to keep).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from newsdiff.export.newsedits import export_newsedits  # noqa: E402
from newsdiff.export.tables import export_rows  # noqa: E402
from newsdiff.store.db import Database, migrate  # noqa: E402
from tests.export.bulk import fill  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsdiff-bench-export-"))
    url = args.url or f"sqlite:///{work / 'bench.sqlite'}"
    if args.url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate(url)
    database = Database(url)
    started = time.perf_counter()
    size = fill(database, args.articles, args.versions)
    rows = args.articles * args.versions
    print(
        f"{database.engine.dialect.name}: {rows} versions, {size / 1e6:.0f} MB of text, "
        f"filled in {time.perf_counter() - started:.1f}s"
    )

    def table(kind: str, fmt: str) -> Callable[[], int]:
        def run() -> int:
            with (
                database.read() as session,
                (work / f"out.{fmt}").open("w", encoding="utf-8", newline="") as out,
            ):
                return export_rows(session, kind, out, fmt=fmt)

        return run

    def newsedits() -> int:
        with database.read() as session:
            return export_newsedits(session, work / "newsedits.db")[1]

    cases = {
        "versions csv": table("versions", "csv"),
        "versions jsonl": table("versions", "jsonl"),
        "changes csv": table("changes", "csv"),
        "checks csv": table("checks", "csv"),
        "newsedits": newsedits,
    }
    print(f"{'export':<16}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'peak MB':>9}{'text MB':>9}")
    for name, run in cases.items():
        started = time.perf_counter()
        count = run()
        seconds = time.perf_counter() - started
        tracemalloc.start()
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{name:<16}{count:>9}{seconds:>9.1f}{count / seconds:>10.0f}"
            f"{peak / 1e6:>9.1f}{size / 1e6:>9.0f}"
        )
    database.dispose()


if __name__ == "__main__":
    main()
