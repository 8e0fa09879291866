"""Reads for the monitoring report: the items open during a period, a batch at a time, with
their history, step visits, reminders, design pages and material; and the roster's record.
Like every repository here it never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Absence,
    ActingAppointment,
    DesignFile,
    DesignVersion,
    Event,
    Item,
    Material,
    ReminderSent,
    ReportSent,
    RosterLog,
    StepVisitRecord,
)


class ReportingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def items_open_between(
        self, start: datetime, end: datetime, *, after_id: int, limit: int
    ) -> Sequence[Item]:
        """Items that were open at some moment of [start, end): created before its end and
        not closed before its start; `limit` of them with ids above `after_id`, by id."""
        query = (
            select(Item)
            .where(
                Item.created_at < end,
                or_(Item.closed_at.is_(None), Item.closed_at >= start),
                Item.id > after_id,
            )
            .order_by(Item.id)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def events_of(self, item_ids: Sequence[int]) -> Sequence[Event]:
        query = select(Event).where(Event.item_id.in_(item_ids)).order_by(Event.id)
        return (await self.session.scalars(query)).all()

    async def visits_of(self, item_ids: Sequence[int]) -> Sequence[StepVisitRecord]:
        query = (
            select(StepVisitRecord)
            .where(StepVisitRecord.item_id.in_(item_ids))
            .order_by(StepVisitRecord.id)
        )
        return (await self.session.scalars(query)).all()

    async def reminders_of(self, item_ids: Sequence[int]) -> Sequence[ReminderSent]:
        query = select(ReminderSent).where(ReminderSent.item_id.in_(item_ids))
        return (await self.session.scalars(query.order_by(ReminderSent.id))).all()

    async def pages_of(self, item_ids: Sequence[int]) -> Sequence[tuple[int, int, int, str | None]]:
        """(item, version, uploaded by, SHA-256) of every design page handed to an item."""
        query = (
            select(
                DesignFile.item_id, DesignFile.version, DesignFile.uploaded_by, DesignFile.sha256
            )
            .where(DesignFile.item_id.in_(item_ids), DesignFile.version.is_not(None))
            .order_by(DesignFile.id)
        )
        rows = (await self.session.execute(query)).all()
        return [(int(r[0] or 0), int(r[1] or 0), int(r[2]), r[3]) for r in rows]

    async def versions_of(self, item_ids: Sequence[int]) -> Sequence[DesignVersion]:
        query = select(DesignVersion).where(DesignVersion.item_id.in_(item_ids))
        return (await self.session.scalars(query)).all()

    async def materials_of(self, item_ids: Sequence[int]) -> Sequence[Material]:
        query = select(Material).where(Material.item_id.in_(item_ids)).order_by(Material.id)
        return (await self.session.scalars(query)).all()

    # --- the roster's record --------------------------------------------------------------

    async def roster_log(self) -> Sequence[RosterLog]:
        query = select(RosterLog).order_by(RosterLog.at, RosterLog.id)
        return (await self.session.scalars(query)).all()

    async def absences_between(self, first: date, last: date) -> Sequence[Absence]:
        """Absences sharing a day with [first, last], cancelled ones too (they may have
        counted until they were cancelled)."""
        query = (
            select(Absence)
            .where(Absence.start <= last, Absence.end >= first)
            .order_by(Absence.start, Absence.id)
        )
        return (await self.session.scalars(query)).all()

    async def appointments_of(self, absence_ids: Sequence[int]) -> Sequence[ActingAppointment]:
        if not absence_ids:
            return []
        query = select(ActingAppointment).where(ActingAppointment.absence_id.in_(absence_ids))
        return (await self.session.scalars(query.order_by(ActingAppointment.id))).all()

    # --- the step visits, written with each decision ----------------------------------------

    async def close_visit(self, item_id: int, now: datetime, event_id: int) -> None:
        """End the item's open visit (if it has one) with the event that ended it."""
        await self.session.execute(
            update(StepVisitRecord)
            .where(StepVisitRecord.item_id == item_id, StepVisitRecord.ended_at.is_(None))
            .values(ended_at=now, end_event_id=event_id)
            .execution_options(synchronize_session=False)
        )

    def add_visit(self, visit: StepVisitRecord) -> None:
        self.session.add(visit)

    async def reports_sent(self, keys: Sequence[str]) -> set[str]:
        """Which of these scheduled reports were sent (their `reports_sent` keys)."""
        query = select(ReportSent.key).where(ReportSent.key.in_(keys))
        return set((await self.session.scalars(query)).all())

    async def report_sent(self, key: str) -> bool:
        return await self.session.get(ReportSent, key) is not None
