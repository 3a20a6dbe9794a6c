"""version texts in compact form: full copies (zstd on SQLite) and deltas, each with its digest

New columns on ``versions`` (newsdiff/store/textstore.py says what they hold): ``text_codec``,
``text_data``, ``text_base_id`` (indexed), ``text_digest``. The ``paragraphs`` column keeps the
text as it is only for versions not yet converted (``text_codec`` NULL); SQL reads every
version's text through ``newsdiff_text(codec, data, base_data, digest, plain)``:

- PostgreSQL: a PL/pgSQL function made here (full copies are stored as UTF-8 bytes there, which
  TOAST compresses: ``text_data`` uses pglz, which made article text ~20% smaller than lz4 on
  bench/storage.py, and ``toast_tuple_target`` is lowered so that rows of short texts and
  deltas are compressed too);
- SQLite: a function newsdiff registers on each connection (``newsdiff.store.textstore``).

The view ``version_texts`` (id, article_id, number, captured_at, title, paragraphs) gives every
version's plain text; ``latest_versions`` reads its text through the function. On SQLite the
search index (FTS5, migration 0005) now takes its content from ``version_texts`` (it is made
again and refilled, in batches with progress); its delete trigger runs *before* the row goes,
and also takes out the versions whose base it is, so that deleting an article (all its versions,
in any order) never leaves the index unable to find a deleted text. The index follows a change of
the title or of the text, whoever makes it, but not a change of the stored form alone (the
conversion of plain texts, which would otherwise index every version again).

Existing versions are converted *after* this migration, by ``newsdiff db upgrade``
(``newsdiff.store.textstore.convert_texts``): article by article, one short transaction per
batch, with progress, safe beside a running poll. Interrupted (a crash, Ctrl-C), the database
stays readable (every version is either converted or not, and both forms read back) and
``newsdiff db upgrade`` goes on with the versions not yet converted. (Plain ``alembic upgrade``
makes the schema only; the plain texts then stay as they are until ``newsdiff db upgrade``.)
Each step of this migration is idempotent: run again on a database where part of it was done,
it does the rest.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import importlib.util
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from newsdiff.store import textstore

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("alembic.runtime.migration")

BATCH = 2_000
STAGE_INDEX = "search index"
TEXT_NEW = textstore.text_sql("new")
TEXT_OLD = textstore.text_sql("old")
TEXT_V = textstore.text_sql("v")

PG_FUNCTION = r"""
    CREATE OR REPLACE FUNCTION newsdiff_text(
        codec text, data bytea, base bytea, digest text, plain text
    ) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
        result text;
        base_text text;
    BEGIN
        IF codec IS NULL THEN
            RETURN plain;
        ELSIF data IS NULL THEN
            RETURN NULL;
        ELSIF codec = 'plain' THEN
            result := convert_from(data, 'UTF8');
        ELSIF codec = 'delta' AND base IS NOT NULL THEN
            base_text := convert_from(base, 'UTF8');
            SELECT coalesce(string_agg(
                       CASE WHEN jsonb_typeof(op) = 'string' THEN op #>> '{}'
                            ELSE substr(base_text, (op ->> 0)::int + 1, (op ->> 1)::int) END,
                       '' ORDER BY n), '')
            INTO result
            FROM jsonb_array_elements(convert_from(data, 'UTF8')::jsonb)
                 WITH ORDINALITY AS ops(op, n);
        ELSE
            RETURN NULL;
        END IF;
        IF digest IS NOT NULL
           AND left(encode(sha256(convert_to(result, 'UTF8')), 'hex'), 32) <> digest THEN
            RETURN NULL;
        END IF;
        RETURN result;
    EXCEPTION WHEN others THEN
        RETURN NULL;
    END
    $$
"""
PG_INDEX_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION newsdiff_index_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.title IS NOT DISTINCT FROM NEW.title
           AND {TEXT_OLD} IS NOT DISTINCT FROM {TEXT_NEW} THEN
            RETURN NULL;  -- the same text in another stored form
        END IF;
        INSERT INTO version_search (version_id, document)
        VALUES (NEW.id, newsdiff_search_document(NEW.title, {TEXT_NEW}))
        ON CONFLICT (version_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$
"""
PG_TRIGGER = """
    CREATE TRIGGER versions_search
    AFTER INSERT OR UPDATE OF title, paragraphs, text_codec, text_data, text_base_id, text_digest
    ON versions FOR EACH ROW EXECUTE FUNCTION newsdiff_index_version()
"""
VERSION_TEXTS = f"""
    CREATE VIEW version_texts AS
    SELECT v.id, v.article_id, v.number, v.captured_at, v.title, {TEXT_V} AS paragraphs
    FROM versions v
"""
LATEST_VERSIONS = f"""
    CREATE VIEW latest_versions AS
    SELECT v.id, v.article_id, o.name AS outlet, a.url, v.number, v.captured_at, v.title,
           v.byline, v.published_at, v.modified_at, {TEXT_V} AS paragraphs, v.text_hash,
           v.source, a.status, a.first_seen_at, a.last_checked_at
    FROM versions v
    JOIN articles a ON a.id = v.article_id AND v.number = a.version_count
    LEFT JOIN outlets o ON o.id = a.outlet_id
"""
LATEST_VERSIONS_BEFORE = """
    CREATE VIEW latest_versions AS
    SELECT v.id, v.article_id, o.name AS outlet, a.url, v.number, v.captured_at, v.title,
           v.byline, v.published_at, v.modified_at, v.paragraphs, v.text_hash, v.source,
           a.status, a.first_seen_at, a.last_checked_at
    FROM versions v
    JOIN articles a ON a.id = v.article_id AND v.number = a.version_count
    LEFT JOIN outlets o ON o.id = a.outlet_id
"""
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE versions_fts USING fts5(title, paragraphs, content='version_texts', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='3')"
)
SQLITE_TRIGGERS = {
    "versions_fts_insert": f"""
        CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN
            INSERT INTO versions_fts (rowid, title, paragraphs)
            VALUES (new.id, new.title, {TEXT_NEW});
        END
    """,
    "versions_fts_delete": f"""
        CREATE TRIGGER versions_fts_delete BEFORE DELETE ON versions BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, title, paragraphs)
            SELECT 'delete', v.id, v.title, {TEXT_V} FROM versions v
            WHERE (v.id = old.id OR v.text_base_id = old.id)
              AND EXISTS (SELECT 1 FROM versions_fts_docsize d WHERE d.id = v.id);
        END
    """,
    "versions_fts_update": f"""
        CREATE TRIGGER versions_fts_update
        AFTER UPDATE OF title, paragraphs, text_codec, text_data, text_base_id, text_digest
        ON versions
        WHEN old.title IS NOT new.title OR {TEXT_OLD} IS NOT {TEXT_NEW}
        BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, title, paragraphs)
            VALUES ('delete', old.id, old.title, {TEXT_OLD});
            INSERT INTO versions_fts (rowid, title, paragraphs)
            VALUES (new.id, new.title, {TEXT_NEW});
        END
    """,
}


def _progress() -> Callable[[str, int, int], None] | None:
    config = context.config
    report = config.attributes.get("progress") if config is not None else None
    return report if callable(report) else None


class _Reporter:
    """Progress of one stage: to the Alembic config's callable, and to the log every 5 s."""

    def __init__(self, stage: str, total: int) -> None:
        self.stage, self.total = stage, total
        self.report = _progress()
        self.started = self.shown = time.monotonic()
        logger.info("%s: %s versions", stage, f"{total:,}")

    def __call__(self, done: int) -> None:
        if self.report is not None:
            self.report(self.stage, done, self.total)
        now = time.monotonic()
        if now - self.shown >= 5 or done >= self.total:
            self.shown = now
            logger.info(
                "%s: %s of %s versions (%d%%, %.0f s)",
                self.stage,
                f"{done:,}",
                f"{self.total:,}",
                100 * done // max(self.total, 1),
                now - self.started,
            )


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("versions")}


def _add_columns() -> None:
    have = _columns()
    with op.batch_alter_table("versions", schema=None, recreate="never") as batch_op:
        if "text_codec" not in have:
            batch_op.add_column(sa.Column("text_codec", sa.String(length=8), nullable=True))
        if "text_data" not in have:
            batch_op.add_column(sa.Column("text_data", sa.LargeBinary(), nullable=True))
        if "text_base_id" not in have:
            batch_op.add_column(sa.Column("text_base_id", sa.Integer(), nullable=True))
        if "text_digest" not in have:
            batch_op.add_column(sa.Column("text_digest", sa.String(length=32), nullable=True))
    op.execute("CREATE INDEX IF NOT EXISTS ix_versions_text_base_id ON versions (text_base_id)")


def _sqlite_index_is_new() -> bool:
    sql = (
        op.get_bind()
        .execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'versions_fts'"))
        .scalar()
    )
    return sql is not None and "version_texts" in sql


def _upgrade_sqlite() -> None:
    bind = op.get_bind()
    op.execute("DROP VIEW IF EXISTS latest_versions")
    op.execute(LATEST_VERSIONS)
    op.execute("DROP VIEW IF EXISTS version_texts")
    op.execute(VERSION_TEXTS)
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if not _sqlite_index_is_new():
        op.execute("DROP TABLE IF EXISTS versions_fts")
        op.execute(SQLITE_FTS)
        total = bind.execute(sa.text("SELECT count(*) FROM versions")).scalar_one()
        report, done, last = _Reporter(STAGE_INDEX, total), 0, 0
        while True:
            ids = (
                bind.execute(
                    sa.text("SELECT id FROM versions WHERE id > :last ORDER BY id LIMIT :n"),
                    {"last": last, "n": BATCH * 2},
                )
                .scalars()
                .all()
            )
            if not ids:
                break
            bind.execute(
                sa.text(
                    "INSERT INTO versions_fts (rowid, title, paragraphs) "
                    "SELECT id, title, paragraphs FROM version_texts WHERE id >= :lo AND id <= :hi"
                ),
                {"lo": ids[0], "hi": ids[-1]},
            )
            done, last = done + len(ids), ids[-1]
            report(done)
        op.execute("INSERT INTO versions_fts (versions_fts) VALUES ('optimize')")
    for body in SQLITE_TRIGGERS.values():
        op.execute(body)


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    op.execute(PG_FUNCTION)
    for statement in (
        "ALTER TABLE versions ALTER COLUMN text_data SET COMPRESSION pglz",
        "ALTER TABLE versions SET (toast_tuple_target = 256)",
    ):
        try:
            with bind.begin_nested():
                bind.execute(sa.text(statement))
        except sa.exc.DBAPIError as exc:  # before PostgreSQL 14 there is no choice
            logger.info("compact texts: %s: %s", statement, str(exc.orig).splitlines()[0])
    op.execute("DROP VIEW IF EXISTS latest_versions")
    op.execute(LATEST_VERSIONS)
    op.execute("DROP VIEW IF EXISTS version_texts")
    op.execute(VERSION_TEXTS)
    op.execute("DROP TRIGGER IF EXISTS versions_search ON versions")
    op.execute(PG_INDEX_FUNCTION)
    op.execute(PG_TRIGGER)


def _migration_0005() -> Any:
    """Migration 0005's module (its name is not an identifier: loaded from its file)."""
    spec = importlib.util.spec_from_file_location(
        "newsdiff_migration_0005", Path(__file__).with_name("0005_search.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    bind = op.get_bind()
    _add_columns()
    if bind.dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text(
            f"UPDATE versions SET paragraphs = {textstore.text_sql('versions')} "
            "WHERE text_codec IS NOT NULL"
        )
    )
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS versions_search ON versions")
        module = _migration_0005()
        op.execute("DROP FUNCTION IF EXISTS newsdiff_index_version()")
        op.execute(module.PG_TRIGGER_FUNCTION)
        op.execute(module.PG_TRIGGER)
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP VIEW IF EXISTS version_texts")
    op.execute("DROP VIEW IF EXISTS latest_versions")
    op.execute(LATEST_VERSIONS_BEFORE)
    if bind.dialect.name != "postgresql":
        # the index's content is the table's own column again (migration 0005's form)
        op.execute("DROP TABLE IF EXISTS versions_fts")
        op.execute(
            SQLITE_FTS.replace("content='version_texts'", "content='versions'"),
        )
        op.execute("INSERT INTO versions_fts (versions_fts) VALUES ('rebuild')")
        for body in _migration_0005().SQLITE_TRIGGERS.values():
            op.execute(body)
    op.execute("DROP INDEX IF EXISTS ix_versions_text_base_id")
    with op.batch_alter_table("versions", schema=None, recreate="never") as batch_op:
        for name in ("text_digest", "text_base_id", "text_data", "text_codec"):
            batch_op.drop_column(name)
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS newsdiff_text(text, bytea, bytea, text, text)")
