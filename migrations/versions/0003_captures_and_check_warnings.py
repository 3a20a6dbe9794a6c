"""raw captures on versions, warnings on checks

- versions.warc_file, warc_offset, warc_length: where the HTTP response behind the version is kept
  (a file name inside the captures dir, and the byte range of its gzip'd WARC record)
- checks.warnings: extraction warnings of a successful check (one per line), which used to go to
  checks.error

Only columns are added and dropped (plain ALTER TABLE, no table rebuild on SQLite), so the
views of 0002 stay.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warc_file", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("warc_offset", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("warc_length", sa.Integer(), nullable=True))
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.Text(), nullable=True))


def downgrade() -> None:
    # recreate="never": a plain DROP COLUMN (SQLite >= 3.35); rebuilding the tables would trip
    # over the views of 0002
    with op.batch_alter_table("checks", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("warnings")
    with op.batch_alter_table("versions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("warc_length")
        batch_op.drop_column("warc_offset")
        batch_op.drop_column("warc_file")
