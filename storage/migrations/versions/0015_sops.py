"""each item names the SOP it follows: an office may run several SOPs side by side

Revision ID: 0015_sops
Revises: 0014_previews

`items.sop_key` holds the key of the item's SOP (its steps, roles and limits). The items
stored before this revision keep it empty and follow the office's default SOP, as they did.
`pending_inputs.sop_key`: the SOP chosen at /baru, while its title is awaited.
`sop_snapshots`: each SOP's content as the bot ran it, one row per key and fingerprint, so an
SOP whose file is removed while items follow it is rebuilt at start and runs them on.
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
    op.add_column("pending_inputs", sa.Column("sop_key", sa.String(length=16), nullable=True))
    op.create_table(
        "sop_snapshots",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("first_used", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "version"),
    )


def downgrade() -> None:
    op.drop_table("sop_snapshots")
    op.drop_column("pending_inputs", "sop_key")
    op.drop_column("items", "sop_key")
