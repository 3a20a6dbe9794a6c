"""SQL views for the common questions (Datasette, sqlite3, psql).

- latest_versions: the latest version of each article, with its URL and outlet
- changes: one row per consecutive pair of versions, with the change stats and the change window
  (the same columns as ``newsdiff export changes``)
- event_coverage: which articles cover which event of which story (manual unlinks left out)
- event_coverage_counts: per event of each story, how many articles and outlets cover it, how
  many of those articles changed, and when the last of them changed

Views name the tables they read, so a later migration that rebuilds one of those tables on SQLite
(Alembic batch mode: create a copy, drop, rename) must drop the views first and create them again
afterwards (``VIEWS`` below), or SQLite refuses the rename.

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
               v.number AS to_version, p.captured_at AS from_captured_at,
               (SELECT max(c.checked_at) FROM checks c
                WHERE c.article_id = v.article_id AND c.checked_at < v.captured_at
                  AND c.outcome IN ('new_version', 'unchanged', 'not_modified')) AS window_start,
               v.captured_at AS window_end, p.title AS title_before,
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
    "event_coverage_counts": """
        SELECT s.slug AS story, e.slug AS event, e.date AS event_date, e.title AS event_title,
               count(a.id) AS articles, count(DISTINCT a.outlet_id) AS outlets,
               sum(CASE WHEN a.version_count > 1 THEN 1 ELSE 0 END) AS changed_articles,
               max(CASE WHEN a.version_count > 1 THEN a.last_changed_at END) AS last_changed_at
        FROM events e
        JOIN stories s ON s.id = e.story_id
        LEFT JOIN coverage c ON c.event_id = e.id AND NOT c.excluded
        LEFT JOIN articles a ON a.id = c.article_id
        GROUP BY s.slug, e.id, e.slug, e.date, e.title
    """,
}


def upgrade() -> None:
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
