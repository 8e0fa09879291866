"""the reports sent without being asked: the semester report, the yearly review reminder

Revision ID: 0013_laporan
Revises: 0011_report

One row per scheduled report ("semester:2026-S2", "review:2027"), written with the outbox rows
that deliver it: sent once, whatever restarts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_laporan"
down_revision: str | None = "0011_report"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reports_sent",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("reports_sent")
