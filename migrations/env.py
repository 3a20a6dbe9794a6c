"""Alembic environment for newsdiff (render_as_batch so SQLite can ALTER)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from newsdiff.store.models import Base
from newsdiff.store.search import is_index_table

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, kind: str, _parents: object) -> bool:
    """Autogenerate leaves out the search index's tables: triggers and FTS5 keep them, not
    the models (migration 0005)."""
    return not (kind == "table" and is_index_table(name))


def run_migrations_online() -> None:
    engine: Engine | None = config.attributes.get("engine")
    owned = engine is None
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                include_name=include_name,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():  # pragma: no cover
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
