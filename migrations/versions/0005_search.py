"""full-text search over every version (title and paragraphs)

SQLite: ``versions_fts``, an FTS5 table over versions' ``title`` and ``paragraphs`` with
external content (it holds only the index and reads the text from ``versions`` by id), tokenizer
``unicode61 remove_diacritics 2`` (letters and digits make words, case and accents folded, no
stemming, no stop words), with an index of three-letter prefixes (``prefix='3'``: the shortest
prefix a query may use would otherwise merge the doclists of hundreds of words at every
lookup; longer prefixes stand for few words). Three triggers keep it in step with every
write to ``versions``, whoever makes it (the poller, the archive backfill, raw SQL, the
cascade of an article's deletion): after an insert, after a delete, and after an update of the
text.

PostgreSQL: ``version_search`` (``version_id``, ``document`` tsvector) with a GIN index, one row
per version, written by a trigger after an insert or an update of the text, deleted with the
version (ON DELETE CASCADE). The document is ``to_tsvector('newsdiff_search', text)`` where
every character of the text but letters, digits and spaces became a space first
(``newsdiff_search_document``), so that words split as FTS5 splits them: PostgreSQL's own
parser would read ``covid-19`` as ``covid`` and ``-19``, ``12.5`` as one number and
``example.com`` as a host (and it parses the reduced text twice as fast). ``newsdiff_search``
is a copy of the ``simple`` configuration (no stemming, no stop words: a phrase matches the
exact wording on both engines, "are expected to" stays three words), with ``unaccent`` before
it when that
extension can be created (it is "trusted" since PostgreSQL 13: the database owner needs no
superuser, but the contrib package must be installed); without it, accents are not folded on
PostgreSQL, and the migration says so.

Existing versions are indexed here, in batches, with progress logged (logger
``alembic.runtime.migration``, INFO: ``newsdiff -v db upgrade`` shows it) and reported to a
``progress(stage, done, total)`` callable in the Alembic config's ``attributes`` when one is
there. The GIN index is built after the rows are in (much faster than row by row).

A later migration that rebuilds ``versions`` on SQLite (batch mode: copy, drop, rename) drops
the triggers with the old table: it must create ``SQLITE_TRIGGERS`` again (ids are kept by the
copy, so the index stays valid).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("alembic.runtime.migration")

BATCH = 5_000
STAGE = "search index"

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE versions_fts USING fts5(title, paragraphs, content='versions', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='3')"
)
SQLITE_TRIGGERS = {
    "versions_fts_insert": """
        CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN
            INSERT INTO versions_fts (rowid, title, paragraphs)
            VALUES (new.id, new.title, new.paragraphs);
        END
    """,
    "versions_fts_delete": """
        CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, title, paragraphs)
            VALUES ('delete', old.id, old.title, old.paragraphs);
        END
    """,
    "versions_fts_update": """
        CREATE TRIGGER versions_fts_update AFTER UPDATE OF id, title, paragraphs ON versions
        BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, title, paragraphs)
            VALUES ('delete', old.id, old.title, old.paragraphs);
            INSERT INTO versions_fts (rowid, title, paragraphs)
            VALUES (new.id, new.title, new.paragraphs);
        END
    """,
}

PG_DOCUMENT = r"""
    CREATE FUNCTION newsdiff_search_document(title text, paragraphs text) RETURNS tsvector
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT to_tsvector('newsdiff_search', regexp_replace(
            coalesce(title, '') || ' ' || coalesce(paragraphs, ''),
            '[^[:alnum:][:space:]]', ' ', 'g'))
    $$
"""
PG_TRIGGER_FUNCTION = """
    CREATE FUNCTION newsdiff_index_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO version_search (version_id, document)
        VALUES (NEW.id, newsdiff_search_document(NEW.title, NEW.paragraphs))
        ON CONFLICT (version_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$
"""
PG_TRIGGER = """
    CREATE TRIGGER versions_search AFTER INSERT OR UPDATE OF title, paragraphs ON versions
    FOR EACH ROW EXECUTE FUNCTION newsdiff_index_version()
"""
# the kinds of token left once the text is reduced to letters and digits that can hold accents
PG_WORD_TOKENS = "word, numword, hword, numhword, hword_part, hword_numpart"


def _progress() -> Callable[[str, int, int], None] | None:
    config = context.config
    report = config.attributes.get("progress") if config is not None else None
    return report if callable(report) else None


def _fill(insert: str) -> None:
    """Run ``insert`` (with :lo and :hi) over every version id, in batches, reporting progress."""
    bind = op.get_bind()
    total = bind.execute(sa.text("SELECT count(*) FROM versions")).scalar_one()
    report = _progress()
    logger.info("search index: indexing %s versions", f"{total:,}")
    done, last, started, shown = 0, 0, time.monotonic(), 0.0
    while done < total:
        row = bind.execute(
            sa.text("SELECT id FROM versions WHERE id > :last ORDER BY id LIMIT 1 OFFSET :skip"),
            {"last": last, "skip": BATCH - 1},
        ).first()
        high: Any = row[0] if row is not None else None
        if high is None:
            high = bind.execute(sa.text("SELECT max(id) FROM versions")).scalar_one()
        bind.execute(sa.text(insert), {"lo": last, "hi": high})
        done = min(done + BATCH, total) if row is not None else total
        last = high
        if report is not None:
            report(STAGE, done, total)
        now = time.monotonic()
        if now - shown >= 5 or done >= total:
            shown = now
            logger.info(
                "search index: %s of %s versions (%d%%, %.0f s)",
                f"{done:,}",
                f"{total:,}",
                100 * done // max(total, 1),
                now - started,
            )
        if row is None:
            break


def _upgrade_sqlite() -> None:
    op.execute(SQLITE_TABLE)
    for body in SQLITE_TRIGGERS.values():
        op.execute(body)
    _fill(
        "INSERT INTO versions_fts (rowid, title, paragraphs) "
        "SELECT id, title, paragraphs FROM versions WHERE id > :lo AND id <= :hi"
    )
    # one segment instead of many: fewer lookups per query
    op.execute("INSERT INTO versions_fts (versions_fts) VALUES ('optimize')")


def _unaccent() -> str | None:
    """Create the unaccent extension if it is missing and can be; the schema-qualified name of
    its dictionary (the extension may live in a schema off the search path), or None."""
    bind = op.get_bind()
    available = bind.execute(
        sa.text("SELECT installed_version FROM pg_available_extensions WHERE name = 'unaccent'")
    ).first()
    if available is None:
        return None
    if available[0] is None:
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        except sa.exc.DBAPIError as exc:
            logger.warning("search index: cannot create the unaccent extension (%s)", exc.orig)
            return None
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
    ).scalar_one()
    return '"' + schema.replace('"', '""') + '".unaccent'


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    op.execute("CREATE TEXT SEARCH CONFIGURATION newsdiff_search (COPY = pg_catalog.simple)")
    folded = False
    dictionary = _unaccent()
    if dictionary is not None:
        try:
            with bind.begin_nested():
                bind.execute(
                    sa.text(
                        "ALTER TEXT SEARCH CONFIGURATION newsdiff_search "
                        f"ALTER MAPPING FOR {PG_WORD_TOKENS} WITH {dictionary}, simple"
                    )
                )
            folded = True
        except sa.exc.DBAPIError as exc:
            logger.warning("search index: cannot use unaccent (%s)", exc.orig)
    if not folded:
        logger.warning(
            "search index: the unaccent extension is not available: on this PostgreSQL "
            "database, searches will not ignore accents (install PostgreSQL's contrib "
            "package, then run `CREATE EXTENSION unaccent` and "
            "`ALTER TEXT SEARCH CONFIGURATION newsdiff_search ALTER MAPPING FOR %s "
            "WITH unaccent, simple`, then reindex)",
            PG_WORD_TOKENS,
        )
    op.create_table(
        "version_search",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name="fk_version_search_version_id_versions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", name="pk_version_search"),
    )
    op.execute(PG_DOCUMENT)
    op.execute(PG_TRIGGER_FUNCTION)
    op.execute(PG_TRIGGER)  # before the fill: a write from now on waits for this transaction
    _fill(
        "INSERT INTO version_search (version_id, document) "
        "SELECT id, newsdiff_search_document(title, paragraphs) FROM versions "
        "WHERE id > :lo AND id <= :hi"
    )
    logger.info("search index: building the GIN index")
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute("CREATE INDEX ix_version_search_document ON version_search USING gin (document)")
    op.execute("ANALYZE version_search")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS versions_search ON versions")
        op.execute("DROP TABLE IF EXISTS version_search")
        op.execute("DROP FUNCTION IF EXISTS newsdiff_index_version()")
        op.execute("DROP FUNCTION IF EXISTS newsdiff_search_document(text, text)")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS newsdiff_search")
        # unaccent stays: other things may use it, and dropping it needs its owner
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS versions_fts")
