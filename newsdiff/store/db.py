"""Engine setup, sessions and migrations.

SQLite runs in WAL mode with foreign keys on and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so that two writers queue instead of failing with "database is locked" halfway
through. Reads use a deferred ``BEGIN`` and never block writers. PostgreSQL is the same code.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from newsdiff.errors import SchemaOutdated, StoreError

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 60_000

# The newest migration's revision. Opening a database compares its ``alembic_version`` with
# this, without importing Alembic (a third of the TUI's start-up); a test checks that it is
# the head of ``migrations/``. Bump it with every new migration.
SCHEMA_HEAD = "0003"


def migrations_dir() -> Path:
    """The Alembic script directory: inside the wheel, or the source tree's ``migrations/``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_migrations", here.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise StoreError("newsdiff's migrations are missing from this installation")  # pragma: no cover


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
        try:
            self.engine = make_engine(url)
        except (SQLAlchemyError, ValueError, ImportError) as exc:
            raise StoreError(f"cannot open database {safe_url(url)}: {exc}") from exc
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine, expire_on_commit=False)
        if check:
            check_schema(self.engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a message helper must not fail
        return url


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
    try:
        current = current_revision(engine)
        has_tables = bool(inspect(engine).get_table_names()) if current is None else True
    except (OperationalError, sqlite3.DatabaseError) as exc:
        raise StoreError(f"cannot open database {safe_url(str(engine.url))}: {exc}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {safe_url(str(engine.url))}: {exc}") from exc
    if current == SCHEMA_HEAD:
        return
    where = safe_url(str(engine.url))
    if current is None and not has_tables:
        raise SchemaOutdated(f"database {where} is not initialised: run `newsdiff init`")
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrations_dir()))
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise SchemaOutdated(
            f"database {where} has schema {current}, unknown to this newsdiff (too new?): "
            "upgrade newsdiff"
        )
    raise SchemaOutdated(
        f"database {where} has schema {current}, this newsdiff needs {SCHEMA_HEAD}: "
        "run `newsdiff db upgrade`"
    )


def migrate(url: str) -> tuple[str | None, str | None]:
    """Bring the database at ``url`` to the latest schema. Idempotent. Returns (before, after)."""
    from alembic import command

    engine = make_engine(url)
    try:
        before = current_revision(engine)
        command.upgrade(_alembic_config(engine), "head")
        after = current_revision(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot migrate database {safe_url(url)}: {exc}") from exc
    finally:
        engine.dispose()
    if before != after:
        logger.info("migrated %s from %s to %s", safe_url(url), before, after)
    return before, after
