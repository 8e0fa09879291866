"""the office's Telegram channel: each post the bot made there, and what became of it

Revision ID: 0017_channel
Revises: 0016_ralat

One row per message the bot posted to the channel ([publish.telegram], issue 19), with its
t.me link, written in the commit that marks the posting job done; a row without a message id
is a post being sent (written before the Bot API call, so a crash between Telegram's accept
and the commit is seen at the next start, not posted twice). A post's state says whether it is
still there (live), was replaced by a newer version's post, deleted by a takedown, or found
already deleted by hand (gone).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_channel"
down_revision: str | None = "0016_ralat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "channel_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),  # the posting job
        sa.Column("part", sa.Integer(), nullable=False),  # the job's call that posted it
        sa.Column("channel", sa.String(length=64), nullable=False),  # as configured
        sa.Column("chat_id", _TG_ID, nullable=True),  # the channel's id, as Telegram said
        sa.Column("message_id", sa.Integer(), nullable=True),  # None: being sent
        sa.Column("link", sa.String(length=128), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_channel_posts_item", "channel_posts", ["item_id", "state"])
    op.create_index("ix_channel_posts_job", "channel_posts", ["outbox_id"])


def downgrade() -> None:
    op.drop_index("ix_channel_posts_job", table_name="channel_posts")
    op.drop_index("ix_channel_posts_item", table_name="channel_posts")
    op.drop_table("channel_posts")
