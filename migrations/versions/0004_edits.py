"""typed edits: what kind of change each version made

- edits: one row per typed edit of a version against the version before it (kind, change, the
  old and new spans it rests on, their paragraphs, silent, kind-specific detail as JSON); the
  article is repeated on each row so that archive-wide queries need no join
- versions.analyser_version: the analyser that computed the version's edits (NULL: not analysed
  yet; ``newsdiff analyse`` fills it in, and redoes versions analysed by an older one)
- versions.edit_kinds: the kinds of the version's edits, sorted, comma-separated ("" when it made
  none), for compact listings and filters
- versions.trivial: every edit of the version is trivial (spelling, punctuation, case...)

Only columns are added (plain ALTER TABLE, no table rebuild on SQLite), so the views of 0002 stay.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("versions", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("analyser_version", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("edit_kinds", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("trivial", sa.Boolean(), nullable=True))
    op.create_table(
        "edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("old_paragraph", sa.Integer(), nullable=True),
        sa.Column("new_paragraph", sa.Integer(), nullable=True),
        sa.Column("silent", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_edits_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_edits_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edits")),
    )
    op.create_index(op.f("ix_edits_version_id"), "edits", ["version_id"])
    op.create_index(op.f("ix_edits_article_id"), "edits", ["article_id"])
    op.create_index(op.f("ix_edits_kind_change"), "edits", ["kind", "change"])
    op.create_index(op.f("ix_versions_analyser_version"), "versions", ["analyser_version"])


def downgrade() -> None:
    op.drop_index(op.f("ix_versions_analyser_version"), table_name="versions")
    op.drop_table("edits")
    with op.batch_alter_table("versions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("trivial")
        batch_op.drop_column("edit_kinds")
        batch_op.drop_column("analyser_version")
