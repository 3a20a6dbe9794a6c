"""The schema revision this newsdiff needs, importable without SQLAlchemy: opening a database
compares its ``alembic_version`` with it (:func:`newsdiff.store.db.check_schema`), and so does
the idle poll's check, which runs before SQLAlchemy is imported (``newsdiff.collect.due``)."""

from __future__ import annotations

# The newest migration's revision. Opening a database compares its ``alembic_version`` with
# this, without importing Alembic (a third of the TUI's start-up); a test checks that it is
# the head of ``migrations/``. Bump it with every new migration.
SCHEMA_HEAD = "0008"
