from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from newsdiff.errors import SchemaOutdated, StoreError
from newsdiff.store import db as dbmod
from newsdiff.store.db import Database, make_engine, migrate
from newsdiff.store.models import Base
from newsdiff.store.search import is_index_table


def test_models_and_migrations_agree(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        # the search index's tables (migration 0005) are the database's own, not models
        opts = {
            "compare_type": True,
            "include_name": lambda name, kind, _parents: (
                not (kind == "table" and is_index_table(name))
            ),
        }
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_constraint_is_named() -> None:
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"
        for index in table.indexes:
            assert index.name


def test_upgrade_is_idempotent(db_url: str) -> None:
    before, after = migrate(db_url)
    assert before == after == dbmod.head_revision()


def test_schema_head_is_the_newest_migration() -> None:
    """Opening compares with SCHEMA_HEAD (no Alembic import): it must name the newest one."""
    assert dbmod.SCHEMA_HEAD == dbmod.head_revision()


def test_fresh_file_is_not_initialised(tmp_path: Path) -> None:
    with pytest.raises(SchemaOutdated, match="newsdiff init"):
        Database(f"sqlite:///{tmp_path / 'new.sqlite'}")


def test_old_schema_asks_for_upgrade(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend this newsdiff knows a newer revision than the database has.
    real_head = dbmod.SCHEMA_HEAD
    monkeypatch.setattr(dbmod, "SCHEMA_HEAD", "9999")
    with pytest.raises(SchemaOutdated) as info:
        Database(sqlite_url)
    assert "newsdiff db upgrade" in str(info.value)
    assert str(real_head) in str(info.value) and "needs 9999" in str(info.value)


def test_unknown_schema_says_too_new(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    engine.dispose()
    with pytest.raises(SchemaOutdated, match="too new"):
        Database(sqlite_url)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a sqlite file at all" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        Database(f"sqlite:///{path}")


def test_sqlite_pragmas(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    with database.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    database.dispose()
