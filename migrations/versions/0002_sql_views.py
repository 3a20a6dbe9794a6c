"""SQL views for the common questions (Datasette, sqlite3, psql).

- latest_versions: the latest version of each article, with its URL and outlet
- changes: one row per consecutive pair of versions, with the change stats
- event_coverage: which articles cover which event of which story (manual unlinks left out)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = {
    "latest_versions": """
        SELECT v.id, v.article_id, o.name AS outlet, a.url, v.number, v.captured_at, v.title,
               v.byline, v.published_at, v.modified_at, v.paragraphs, v.text_hash, v.source,
               a.status, a.first_seen_at, a.last_checked_at
        FROM versions v
        JOIN articles a ON a.id = v.article_id AND v.number = a.version_count
        LEFT JOIN outlets o ON o.id = a.outlet_id
    """,
    "changes": """
        SELECT v.article_id, o.name AS outlet, a.url, p.number AS from_version,
               v.number AS to_version, p.captured_at AS old_captured_at,
               v.captured_at AS new_captured_at, p.title AS title_before,
               v.title AS title_after, v.title_changed, v.words_added, v.words_removed,
               v.paragraphs_unchanged, v.paragraphs_modified, v.paragraphs_inserted,
               v.paragraphs_deleted, v.paragraphs_moved
        FROM versions v
        JOIN versions p ON p.article_id = v.article_id AND p.number = v.number - 1
        JOIN articles a ON a.id = v.article_id
        LEFT JOIN outlets o ON o.id = a.outlet_id
    """,
    "event_coverage": """
        SELECT s.slug AS story, e.slug AS event, e.date AS event_date, e.title AS event_title,
               a.id AS article_id, o.name AS outlet, a.title, a.url,
               a.version_count AS versions, a.published_at, a.last_changed_at,
               c.origin, c.score, c.note
        FROM coverage c
        JOIN events e ON e.id = c.event_id
        JOIN stories s ON s.id = e.story_id
        JOIN articles a ON a.id = c.article_id
        LEFT JOIN outlets o ON o.id = a.outlet_id
        WHERE NOT c.excluded
    """,
}


def upgrade() -> None:
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
