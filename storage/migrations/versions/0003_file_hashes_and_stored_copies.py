"""file hashes and stored copies

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 22:50:08.726498
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
    with op.batch_alter_table("design_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("stored_path", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_hashes", sa.JSON(), nullable=True))

    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("stored_path", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_column("stored_path")
        batch_op.drop_column("sha256")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("file_hashes")

    with op.batch_alter_table("design_files", schema=None) as batch_op:
        batch_op.drop_column("height")
        batch_op.drop_column("width")
        batch_op.drop_column("stored_path")
        batch_op.drop_column("sha256")
