"""the validators of each article's last response, for conditional GET

- articles.etag, articles.last_modified: the ETag and Last-Modified of the response whose body
  hashed to articles.last_body_hash (set and cleared with it), sent back as If-None-Match and
  If-Modified-Since on the next check; a 304 is then a not_modified check, with no body read

Only columns are added and dropped (plain ALTER TABLE, no table rebuild on SQLite), so the
views of 0002 stay.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("etag", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("last_modified", sa.String(length=100), nullable=True))


def downgrade() -> None:
    # recreate="never": a plain DROP COLUMN (SQLite >= 3.35); rebuilding the table would trip
    # over the views of 0002
    with op.batch_alter_table("articles", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("last_modified")
        batch_op.drop_column("etag")
