"""What the worker tests share: pages, tracking articles, reading what was stored."""

from __future__ import annotations

from newsdiff.collect.articles import track_url
from newsdiff.store.db import Database
from tests.collect.server import article_html
from tests.collect.test_poll import LEAD, SECOND
from tests.workers.conftest import query


def page(n: int, extra: str = "") -> str:
    return article_html(f"Story {n}", [f"Story {n}. {LEAD}{extra}", SECOND])


def track(url: str, page_url: str) -> int:
    database = Database(url)
    try:
        article, _ = track_url(database, page_url)
        return article.id
    finally:
        database.dispose()


def versions(url: str, article_id: int) -> int:
    return int(query(url, "SELECT count(*) FROM versions WHERE article_id = %s", article_id)[0][0])


def outcomes(url: str, article_id: int) -> list[str]:
    rows = query(
        url, "SELECT outcome FROM checks WHERE article_id = %s ORDER BY checked_at, id", article_id
    )
    return [r[0] for r in rows]


def job_rows(url: str, lock: str) -> list[tuple[str, int]]:
    """(status, attempts) of the jobs holding ``lock``."""
    rows = query(url, "SELECT status::text, attempts FROM procrastinate_jobs WHERE lock = %s", lock)
    return [(r[0], r[1]) for r in rows]
