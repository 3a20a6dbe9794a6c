"""A database handle that opens on first use, so a caller can start before SQLAlchemy loads.

The TUI draws its first frame while its first thread worker imports SQLAlchemy, connects and
checks the schema (:class:`LazyDatabase`); anything that needs a session waits for that. Code
that takes a database accepts either this or a :class:`~newsdiff.store.db.Database`
(:class:`Store`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from newsdiff.store.db import Database


class Store(Protocol):
    """What readers and writers need of a database: short read and write sessions."""

    def read(self) -> AbstractContextManager[Session]: ...

    def write(self) -> AbstractContextManager[Session]: ...


class LazyDatabase:
    """A :class:`~newsdiff.store.db.Database` for ``url``, opened (and its schema checked) by
    the first ``read()`` or ``write()``, in whichever thread comes first. An error opening it
    (:class:`~newsdiff.errors.StoreError`, :class:`~newsdiff.errors.SchemaOutdated`) is
    raised there, and again on every later use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._database: Database | None = None
        self.error: Exception | None = None  # why opening failed, once it has

    def open(self) -> Database:
        """The opened database (opening it now if nothing has yet)."""
        with self._lock:
            if self._database is not None:
                return self._database
            if self.error is not None:
                raise self.error
            from newsdiff.store.db import Database

            try:
                self._database = Database(self.url)
            except Exception as exc:
                self.error = exc
                raise
            return self._database

    @property
    def is_open(self) -> bool:
        return self._database is not None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.open().read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.open().write() as session:
            yield session

    def dispose(self) -> None:
        with self._lock:
            if self._database is not None:
                self._database.dispose()
