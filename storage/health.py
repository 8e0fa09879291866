"""The figures /healthz and /metrics read at scrape time: three aggregate queries in one
read-only transaction, each served by an index (outbox: ix_outbox_pending; items: status),
whatever the size of the history. Never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Item, OutboxMessage, UtcDateTime

# Item statuses as stored (bot/domain/workflow.py ItemStatus; storage imports no bot code).
OPEN_STATUSES = ("draft", "active")


@dataclass(frozen=True, slots=True)
class StepCount:
    step: str  # the step key; a draft (no step yet) counts under "draft"
    open: int
    overdue: int  # past the step's due time


@dataclass(frozen=True, slots=True)
class HealthFigures:
    outbox_waiting: int  # owed, neither delivered nor given up
    outbox_failed: int  # given up (Telegram refused, the chat is unreachable): /kirimulang
    oldest_waiting_at: datetime | None  # when the oldest row that is due now was written
    steps: tuple[StepCount, ...] = field(default_factory=tuple)


async def read_health(session: AsyncSession, now: datetime) -> HealthFigures:
    """The outbox's backlog and the open items per step, as of `now`."""
    undelivered = OutboxMessage.delivered_at.is_(None)
    due = and_(
        OutboxMessage.failed_at.is_(None),
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )
    outbox = (
        await session.execute(
            select(
                func.count().filter(OutboxMessage.failed_at.is_(None)),
                func.count().filter(OutboxMessage.failed_at.is_not(None)),
                func.min(case((due, OutboxMessage.created_at)), type_=UtcDateTime()),
            ).where(undelivered)
        )
    ).one()
    overdue = case((and_(Item.step_due_at.is_not(None), Item.step_due_at < now), 1), else_=0)
    rows = (
        await session.execute(
            select(Item.status, Item.step_key, func.count(), func.sum(overdue))
            .where(Item.status.in_(OPEN_STATUSES))
            .group_by(Item.status, Item.step_key)
        )
    ).all()
    counts: dict[str, tuple[int, int]] = {}
    for status, step_key, count, late in rows:
        key = step_key if status == "active" and step_key else status
        before = counts.get(key, (0, 0))
        counts[key] = (before[0] + int(count), before[1] + int(late or 0))
    oldest = outbox[2]
    return HealthFigures(
        outbox_waiting=int(outbox[0]),
        outbox_failed=int(outbox[1]),
        oldest_waiting_at=oldest,
        steps=tuple(StepCount(step, n, late) for step, (n, late) in sorted(counts.items())),
    )
