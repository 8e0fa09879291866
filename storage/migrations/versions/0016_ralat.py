"""the links of each published version, kept when a correction (ralat) replaces them

Revision ID: 0016_ralat
Revises: 0015_sops

A published item may be corrected and published again as a new version: its new links are
live, the earlier version's are kept, marked replaced (when, by which version). The links of
the items published before this revision are copied from `items.post_links` as live links of
the item's version, recorded when it was published.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_ralat"
down_revision: str | None = "0015_sops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_items = sa.table(
    "items",
    sa.column("id", sa.Integer()),
    sa.column("version", sa.Integer()),
    sa.column("post_links", sa.JSON()),
    sa.column("closed_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("created_by", sa.BigInteger()),
)


def upgrade() -> None:
    links = op.create_table(
        "post_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "recorded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaced_by_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("post_links", schema=None) as batch_op:
        batch_op.create_index("ix_post_links_item", ["item_id", "version"], unique=False)
    bind = op.get_bind()
    query = sa.select(
        _items.c.id, _items.c.version, _items.c.post_links, _items.c.closed_at, _items.c.created_at
    ).where(_items.c.post_links.is_not(None))
    rows = [
        {
            "item_id": row.id,
            "version": row.version,
            "url": str(url),
            "state": "live",
            "recorded_at": row.closed_at or row.created_at,
        }
        for row in bind.execute(query)
        for url in (row.post_links or [])
    ]
    if rows:
        op.bulk_insert(links, rows)


def downgrade() -> None:
    with op.batch_alter_table("post_links", schema=None) as batch_op:
        batch_op.drop_index("ix_post_links_item")
    op.drop_table("post_links")
