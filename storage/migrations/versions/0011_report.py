"""step visits as they began (limit, due time, the SOP they ran under); an approval's
sources confirmation on its event

Revision ID: 0011_report
Revises: 0007

The visits under way at the upgrade are copied from their items (which hold the limit recorded
when each began), without an SOP identity: it was never recorded. Visits that ended before the
upgrade have no row; the report measures them against the current SOP and says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_report"
down_revision: str | None = "0009_admins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "step_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_limit", sa.String(length=16), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sop_name", sa.Text(), nullable=True),
        sa.Column("sop_number", sa.String(length=64), nullable=True),
        sa.Column("sop_version", sa.String(length=64), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["end_event_id"], ["events.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("step_visits", schema=None) as batch_op:
        batch_op.create_index("ix_step_visits_ended", ["ended_at", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_visits_item_id"), ["item_id"], unique=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sources_checked", sa.Boolean(), nullable=True))
    # the visits under way keep the limit their item recorded when they began
    op.execute(
        "INSERT INTO step_visits (item_id, step_key, started_at, step_limit, due_at) "
        "SELECT id, step_key, step_started_at, step_limit, step_due_at FROM items "
        "WHERE status = 'active' AND step_key IS NOT NULL AND step_started_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("sources_checked")
    with op.batch_alter_table("step_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_visits_item_id"))
        batch_op.drop_index("ix_step_visits_ended")
    op.drop_table("step_visits")
