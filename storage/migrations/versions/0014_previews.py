"""the review preview's file_id, kept with its design version: drawn and uploaded once

Revision ID: 0014_previews
Revises: 0013_laporan

Once the preview photo of a version went out, its Telegram file_id is recorded; every later
reviewer of that version gets the photo by that id. Empty until then (and for the versions
reviewed before this revision: their preview is drawn once more, then recorded).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_previews"
down_revision: str | None = "0013_laporan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("design_versions") as batch:
        batch.add_column(sa.Column("preview_file_id", sa.String(length=256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("design_versions") as batch:
        batch.drop_column("preview_file_id")
