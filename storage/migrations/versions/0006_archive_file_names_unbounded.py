"""file names as text: a sender's name over 256 characters no longer fails on PostgreSQL

Revision ID: 0006_archive
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_archive"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("design_files", "materials")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "file_name",
                existing_type=sa.String(length=256),
                type_=sa.Text(),
                existing_nullable=True,
            )


def downgrade() -> None:
    # Names longer than 256 characters are cut, as the old column cannot hold them.
    for table in _TABLES:
        op.execute(sa.text(f"UPDATE {table} SET file_name = substr(file_name, 1, 256)"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "file_name",
                existing_type=sa.Text(),
                type_=sa.String(length=256),
                existing_nullable=True,
            )
