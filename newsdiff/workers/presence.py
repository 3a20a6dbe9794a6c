"""Workers and ``newsdiff poll`` never poll one database together.

``newsdiff poll`` holds the poll lock (:mod:`newsdiff.collect.lock`): on PostgreSQL, the session
advisory lock :data:`~newsdiff.collect.lock.ADVISORY_KEY`, taken exclusively and without
waiting. Every running worker holds the same lock *shared*, on a connection of its own, for as
long as it runs. So a poll started beside workers cannot take it and stops at once (status 0,
saying why); a worker started during a poll waits for the poll to end; several workers share
it. A worker that dies releases it with its connection, at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from newsdiff.collect.lock import ADVISORY_KEY

if TYPE_CHECKING:
    import psycopg

logger = logging.getLogger(__name__)

#: how often a worker waiting for a poll to end asks again
POLL_WAIT_S = 2.0

_HOLDERS = """
SELECT count(*) FROM pg_locks
 WHERE locktype = 'advisory' AND granted AND mode = 'ShareLock'
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND classid = %s AND objid = %s AND objsubid = 1
"""


def running_workers(url: str) -> int:
    """How many workers run on the PostgreSQL database at ``url`` (0 on SQLite)."""
    import psycopg

    from newsdiff.store.db import store_error
    from newsdiff.workers.schema import conninfo

    if not url.startswith("postgresql"):
        return 0
    try:
        with psycopg.connect(conninfo(url), autocommit=True) as conn:
            row = conn.execute(_HOLDERS, (ADVISORY_KEY >> 32, ADVISORY_KEY & 0xFFFFFFFF)).fetchone()
    except psycopg.Error as exc:
        raise store_error(exc, url, "cannot read database") from exc
    return int(row[0]) if row else 0


@asynccontextmanager
async def worker_presence(
    dsn: str, stop: asyncio.Event
) -> AsyncIterator[psycopg.AsyncConnection[tuple[object, ...]] | None]:
    """Hold the poll lock shared on a connection of its own for the block (waiting while a
    poll holds it). Yields the connection (the caller checks now and then that it lives), or
    None when ``stop`` was set while waiting."""
    import psycopg

    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
    try:
        said = False
        while True:
            cur = await conn.execute("SELECT pg_try_advisory_lock_shared(%s)", (ADVISORY_KEY,))
            row = await cur.fetchone()
            if row and row[0]:
                break
            if not said:
                logger.warning("a `newsdiff poll` is running on this database: waiting for it")
                said = True
            try:
                await asyncio.wait_for(stop.wait(), POLL_WAIT_S)
            except TimeoutError:
                continue
            yield None
            return
        yield conn
    finally:
        await conn.close()
