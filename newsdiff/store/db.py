"""Engine setup, sessions and migrations.

SQLite runs in WAL mode with foreign keys on and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so that two writers queue instead of failing with "database is locked" halfway
through. Reads use a deferred ``BEGIN`` and never block writers. PostgreSQL is the same code.

This is the boundary where the database's own exceptions become newsdiff's: every error of the
driver or SQLAlchemy that leaves ``Database.read()``, ``Database.write()``, ``migrate()`` or the
schema check is a :class:`~newsdiff.errors.StoreError` with a one-line message
(:func:`store_error`), never a traceback nor SQLAlchemy's "Background on this error" link.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError, StatementError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from newsdiff.errors import NewsdiffError, SchemaOutdated, StoreError
from newsdiff.store.revision import SCHEMA_HEAD as SCHEMA_HEAD  # bumped there

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 60_000


def migrations_dir() -> Path:
    """The Alembic script directory: inside the wheel, or the source tree's ``migrations/``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_migrations", here.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise StoreError("newsdiff's migrations are missing from this installation")  # pragma: no cover


def describe(exc: BaseException) -> str:
    """A database exception as one clean line: the driver's own message (its first line), without
    SQLAlchemy's statement, parameters and "Background on this error" link."""
    orig = getattr(exc, "orig", None)
    if isinstance(orig, BaseException):
        exc = orig
    lines = [line.strip() for line in str(exc).splitlines()]
    kept = [
        line
        for line in lines
        if line
        and not line.startswith(("(Background on this error", "[SQL:", "[parameters:"))
        and not (line.startswith("(") and "sqlalche.me" in line)
    ]
    text = kept[0] if kept else exc.__class__.__name__
    # SQLAlchemy prefixes the driver's class: "(sqlite3.OperationalError) database is locked"
    if text.startswith("(") and ") " in text:
        text = text.split(") ", 1)[1]
    return text


def busy_message() -> str:
    """What to say when SQLite's busy timeout expired: another writer held the lock too long."""
    return (
        "database is busy (another newsdiff process holds the write lock for more than "
        f"{BUSY_TIMEOUT_MS / 1000:g} s); try again"
    )


def store_error(exc: BaseException, url: str, doing: str = "database error on") -> StoreError:
    """The :class:`StoreError` for a driver or SQLAlchemy exception on the database at ``url``:
    one line (``<doing> <url>: <what>``), saying what to do for the usual causes (busy,
    read-only, disk full, not a database)."""
    text = describe(exc)
    lowered = text.lower()
    head = f"{doing} {safe_url(url)}"
    if "database is locked" in lowered or "database table is locked" in lowered:
        return StoreError(busy_message())
    if "readonly database" in lowered or "read-only" in lowered:
        return StoreError(
            f"{head}: it is read-only (check the permissions of the file and its directory)"
        )
    if "database or disk is full" in lowered or "no space left" in lowered:
        return StoreError(f"{head}: the disk is full ({text})")
    if "unable to open database file" in lowered:
        return StoreError(
            f"{head}: {text} (its directory must exist and be writable: SQLite keeps -wal and "
            "-shm files next to the database)"
        )
    if "file is not a database" in lowered:
        return StoreError(f"{head}: not an SQLite database ({text})")
    if isinstance(exc, OverflowError) or isinstance(getattr(exc, "orig", None), OverflowError):
        return StoreError(f"{head}: a value is out of the database's range ({text})")
    return StoreError(f"{head}: {text}")


def _is_driver_overflow(exc: BaseException) -> bool:
    # sqlite3 raises OverflowError itself (not wrapped by SQLAlchemy) for an int beyond 64 bits.
    return isinstance(exc, OverflowError) and "sqlite" in str(exc).lower()


def database_files(url: str) -> list[Path]:
    """The files of a SQLite database at ``url`` (the database, its -wal, -shm and -journal),
    resolved through symlinks; empty for a server database or an in-memory one. Outputs must
    never be written over these."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - an unparsable URL has no files to protect
        return []
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return []
    base = Path(parsed.database).expanduser().resolve()
    return [base] + [base.with_name(base.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is broken).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
    # versions' texts are read through newsdiff_text() (store/textstore.py)
    from newsdiff.store.textstore import register_sqlite

    register_sqlite(dbapi_connection)


def _on_sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with newsdiff's connection settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            poolclass=NullPool if parsed.database in (None, "", ":memory:") else None,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """An engine plus session factories: ``read()`` for queries, ``write()`` for changes.

    Each ``write()`` block is one short transaction (``BEGIN IMMEDIATE`` on SQLite) that commits on
    success and rolls back on error. Never do network I/O inside one.
    """

    def __init__(self, url: str, *, check: bool = True) -> None:
        self.url = url
        if check:
            _refuse_missing_file(url)
        try:
            self.engine = make_engine(url)
        except (SQLAlchemyError, ValueError, ImportError, OSError) as exc:
            raise StoreError(f"cannot open database {safe_url(url)}: {describe(exc)}") from exc
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine, expire_on_commit=False)
        if check:
            try:
                check_schema(self.engine)
            except BaseException:
                self.engine.dispose()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries. A database error inside becomes a :class:`StoreError`."""
        try:
            with self._read() as session:
                yield session
        except StatementError as exc:
            raise store_error(exc, self.url, "cannot read database") from exc
        except OverflowError as exc:
            if not _is_driver_overflow(exc):
                raise
            raise store_error(exc, self.url, "cannot read database") from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed at the end of the block, rolled back on an error. A
        database error (busy past the timeout, read-only, disk full...) becomes a
        :class:`StoreError`; newsdiff's own errors pass through untouched."""
        try:
            with self._write() as session, session.begin():
                yield session
        except StatementError as exc:
            raise store_error(exc, self.url, "cannot write to database") from exc
        except OverflowError as exc:
            if not _is_driver_overflow(exc):
                raise
            raise store_error(exc, self.url, "cannot write to database") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a message helper must not fail
        return url


def _refuse_missing_file(url: str) -> None:
    """A SQLite file that does not exist is not created by opening it (nor its directory):
    only ``newsdiff init`` creates a database."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - make_engine reports a bad URL
        return
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or name in (None, "", ":memory:"):
        return
    if parsed.query.get("uri") or name.startswith("file:"):
        return
    if not os.path.lexists(name):
        raise SchemaOutdated(f"database {safe_url(url)} does not exist: run `newsdiff init`")


def head_revision() -> str | None:
    """The newest revision in the migrations directory, as Alembic reads it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(migrations_dir())).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision; None when it has none (no ``alembic_version`` table)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Raise :class:`SchemaOutdated` unless the database is at this version's schema."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        current = current_revision(engine)
        has_tables = bool(inspect(engine).get_table_names()) if current is None else True
    except (SQLAlchemyError, sqlite3.DatabaseError) as exc:
        raise store_error(exc, url, "cannot open database") from exc
    if current == SCHEMA_HEAD:
        return
    where = safe_url(url)
    if current is None and not has_tables:
        raise SchemaOutdated(f"database {where} is not initialised: run `newsdiff init`")
    if current not in known_revisions():
        raise _too_new(where, current)
    raise SchemaOutdated(
        f"database {where} has schema {current}, this newsdiff needs {SCHEMA_HEAD}: "
        "run `newsdiff db upgrade`"
    )


def known_revisions() -> set[str]:
    """Every revision in the migrations directory."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrations_dir()))
    return {rev.revision for rev in script.walk_revisions()}


def _too_new(where: str, current: str | None) -> SchemaOutdated:
    return SchemaOutdated(
        f"database {where} has schema {current}, unknown to this newsdiff (too new?): "
        "upgrade newsdiff"
    )


def migrate(
    url: str, progress: Callable[[str, int, int], None] | None = None
) -> tuple[str | None, str | None]:
    """Bring the database at ``url`` to the latest schema. Idempotent. Returns (before, after).

    Creates a SQLite file's directory. A database at a schema this newsdiff does not know (made
    by a newer one) is left alone: :class:`SchemaOutdated`. Every failure is a
    :class:`StoreError` with a one-line message.

    ``progress(stage, done, total)`` hears of long steps: a migration's batches, and the
    conversion of versions' texts to their compact form that follows the migrations (resumed
    by the next call when interrupted; ``newsdiff.store.textstore.convert_texts``)."""
    from alembic import command
    from alembic.util import CommandError

    from newsdiff.store.textstore import convert_texts

    where = safe_url(url)
    try:
        engine = make_engine(url)
    except OSError as exc:
        reason = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else exc
        raise StoreError(f"cannot create the directory of database {where}: {reason}") from exc
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise StoreError(f"cannot open database {where}: {describe(exc)}") from exc
    try:
        before = current_revision(engine)
        if before is not None and before not in known_revisions():
            raise _too_new(where, before)
        config = _alembic_config(engine)
        if progress is not None:
            config.attributes["progress"] = progress
        command.upgrade(config, "head")
        after = current_revision(engine)
        convert_texts(
            engine,
            (lambda done, total: progress("compact texts", done, total)) if progress else None,
        )
    except NewsdiffError:
        raise
    except (SQLAlchemyError, sqlite3.DatabaseError) as exc:
        raise store_error(exc, url, "cannot migrate database") from exc
    except CommandError as exc:
        raise StoreError(f"cannot migrate database {where}: {describe(exc)}") from exc
    finally:
        engine.dispose()
    if before != after:
        logger.info("migrated %s from %s to %s", safe_url(url), before, after)
    return before, after
