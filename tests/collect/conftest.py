from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from newsdiff.config import Settings, settings_from_dict
from tests.collect.server import Site


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    s.set("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    s.start()
    yield s
    s.stop()


# the longest a test's clock runs (tests/collect's loops advance it six hours at most)
SAME_DAY = timedelta(hours=8)


class Clock:
    """An injectable clock the tests move forward."""

    def __init__(self) -> None:
        # starts ahead of the wall clock, so what tracking set up with the wall clock is due,
        # even when a loaded machine takes seconds between building the clock and tracking
        self.now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=2)
        # and keeps a test's polls (hours at most) within one UTC day: captures are filed by
        # day, so near midnight a test's second capture went to the next day's file. Within
        # SAME_DAY of midnight it starts just after it instead (still ahead, so still due)
        midnight = datetime.combine(self.now.date() + timedelta(days=1), time(), UTC)
        if midnight - self.now < SAME_DAY:
            self.now = midnight + timedelta(minutes=2)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_settings(db_url: str, **sections: dict[str, Any]) -> Settings:
    raw: dict[str, Any] = {
        "database": {"url": db_url},
        "fetch": {"timeout_s": 5, "user_agent": "newsdiff-test/1.0"},
    }
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return settings_from_dict(raw)


def count_inserts_per_transaction(engine: Any, table: str) -> list[int]:
    """Listen on ``engine``: the returned list gets, at each commit, how many INSERTs into
    ``table`` that transaction made (how tests see that writes are batched, or kept short)."""
    from sqlalchemy import event

    per_transaction: list[int] = []
    prefix = f"INSERT INTO {table.upper()}"
    inserts = 0

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal inserts
        if statement.lstrip().upper().startswith(prefix):
            inserts += 1

    def on_commit(_conn: Any) -> None:
        nonlocal inserts
        per_transaction.append(inserts)
        inserts = 0

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    return per_transaction
