"""each item names the SOP it follows: an office may run several SOPs side by side

Revision ID: 0015_sops
Revises: 0014_previews

`items.sop_key` holds the key of the item's SOP (its steps, roles and limits). The items
stored before this revision keep it empty and follow the office's default SOP, as they did.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_sops"
down_revision: str | None = "0014_previews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: a batch rebuilds `items` on SQLite, which the tables
# referring to it forbid.
def upgrade() -> None:
    op.add_column("items", sa.Column("sop_key", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("items", "sop_key")
