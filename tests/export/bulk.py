"""Fill a database with many synthetic versions quickly (Core bulk inserts), for the memory test
and bench/export.py. The text is generated here: numbered filler words, no third-party text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from newsdiff.store.db import Database
from newsdiff.store.models import Article, Check, Outlet, Version

T0 = datetime(2020, 1, 1, tzinfo=UTC)


def paragraph(article: int, version: int, k: int, words: int) -> str:
    return " ".join(f"w{article}-{version}-{k}-{i}," for i in range(words))


def fill(
    database: Database, articles: int, versions: int, *, words: int = 30, start: int = 0
) -> int:
    """``articles`` articles of ``versions`` versions each (4 paragraphs of ``words`` words), one
    check per version. Returns the size of the version texts in bytes.

    ``start``: articles already put in by an earlier call with the same ``versions`` (the new ones
    are numbered after them, in the same outlet), so a database can be grown in steps."""
    size = 0
    with database.write() as s:
        if start:
            outlet = s.scalars(select(Outlet).where(Outlet.slug == "bulk-news")).one()
        else:
            outlet = Outlet(name="Bulk News", slug="bulk-news")
            s.add(outlet)
            s.flush()
        s.execute(
            insert(Article),
            [
                {
                    "id": a + 1,
                    "outlet_id": outlet.id,
                    "url": f"https://bulk.example/{a + 1}",
                    "first_seen_at": T0,
                    "status": "tracking",
                    "version_count": versions,
                    "failure_count": 0,
                }
                for a in range(start, start + articles)
            ],
        )
    batch: list[dict[str, object]] = []
    checks: list[dict[str, object]] = []
    next_id = start * versions + 1

    def flush() -> None:
        with database.write() as s:
            s.execute(insert(Version), batch)
            s.execute(insert(Check), checks)
        batch.clear()
        checks.clear()

    for a in range(start + 1, start + articles + 1):
        for n in range(1, versions + 1):
            text = "\n".join(paragraph(a, n, k, words) for k in range(4))
            size += len(text.encode())
            at = T0 + timedelta(minutes=15 * n + a)
            batch.append(
                {
                    "id": next_id,
                    "article_id": a,
                    "number": n,
                    "captured_at": at,
                    "title": f"Headline {a} version {n}",
                    "plain_paragraphs": text,  # bulk rows: the plain form
                    "text_hash": f"{a}-{n}",
                    "extractor": "bulk",
                    "extractor_version": "1",
                    "source": "live",
                    "words_added": words,
                    "words_removed": words,
                    "paragraphs_modified": 4,
                }
            )
            checks.append(
                {
                    "article_id": a,
                    "checked_at": at,
                    "outcome": "new_version",
                    "version_id": next_id,
                    "source": "live",
                }
            )
            next_id += 1
            if len(batch) >= 5000:
                flush()
    if batch:
        flush()
    return size
