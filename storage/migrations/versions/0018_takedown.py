"""takedowns (penurunan): a takedown item refers to the published item it takes down

Revision ID: 0018_takedown
Revises: 0017_channel

`takedowns` ties a takedown item (its own code, under the takedown SOP) to the published item
it takes down, with the reason chosen and the explanation typed; `takedown_links` holds each
link of the original post to remove, and who confirmed its removal when. A taken-down item
keeps its row in `items`, with the status `taken_down`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_takedown"
down_revision: str | None = "0017_channel"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "takedowns",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("reason_key", sa.String(length=16), nullable=False),
        sa.Column("reason_title", sa.Text(), nullable=False),
        sa.Column("legal", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.ForeignKeyConstraint(["original_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("item_id"),
    )
    op.create_index("ix_takedowns_original_id", "takedowns", ["original_id"])
    op.create_table(
        "takedown_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", _TG_ID, nullable=True),
        sa.Column("removed_by_name", sa.Text(), nullable=True),
        sa.Column("how", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["takedowns.item_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_takedown_links_item_id", "takedown_links", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_takedown_links_item_id", table_name="takedown_links")
    op.drop_table("takedown_links")
    op.drop_index("ix_takedowns_original_id", table_name="takedowns")
    op.drop_table("takedowns")
