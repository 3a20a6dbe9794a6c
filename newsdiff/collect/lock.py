"""One poll at a time: a second ``newsdiff poll`` exits at once instead of queueing behind it.

SQLite: an exclusive ``flock`` on a file next to the database (released by the OS if the process
dies). PostgreSQL: a session-level advisory lock on a dedicated connection.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from newsdiff.errors import PollLocked
from newsdiff.store.db import Database

ADVISORY_KEY = 0x6E657773  # "news"


@contextmanager
def poll_lock(database: Database) -> Iterator[None]:
    """Hold the poll lock for the block, or raise :class:`PollLocked` at once."""
    url = make_url(database.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database).expanduser()
        lock_path = path.with_name(path.name + ".poll-lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PollLocked(
                    f"another poll is running on {path} (lock {lock_path}); not starting"
                ) from None
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(fd)
        return
    if url.get_backend_name() == "postgresql":
        with database.engine.connect() as conn:
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
            ).scalar()
            conn.commit()
            if not got:
                raise PollLocked("another poll is running on this database; not starting")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
        return
    yield
