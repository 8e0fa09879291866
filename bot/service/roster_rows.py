"""The roster as the people use cases keep it: loaded from the database for a day, the log of
every change (who, what, by whom, on what basis), and the one thing done after each change
(the directory's snapshot replaced and the open items following)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from bot.domain.roster import Absence, Acting, ActingKind, Roster, RosterMember
from bot.service.context import ServiceContext
from storage import models
from storage.uow import UnitOfWork

# Told the new roster after every committed change (the service replaces the directory's
# snapshot and the open items follow).
OnRosterChange = Callable[[Roster], Awaitable[None]]


class RosterKeeper:
    """Today's roster, the roster since a day, and the call after a change."""

    def __init__(self, ctx: ServiceContext, on_change: OnRosterChange) -> None:
        self.ctx = ctx
        self.on_change = on_change

    def today(self) -> date:
        return self.ctx.office_day(self.ctx.clock.now())

    async def roster(self) -> Roster:
        """Everyone, with the absences that still matter (running or coming)."""
        return await self.roster_from(self.today())

    async def roster_from(self, day: date) -> Roster:
        """Everyone, with the absences that end on or after `day` (who held what since)."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            return await load_roster(uow, day)

    async def changed(self) -> None:
        await self.on_change(await self.roster())


async def load_roster(uow: UnitOfWork, today: date) -> Roster:
    held = await uow.roster.roles()
    members = [
        RosterMember(
            row.user_id, row.name, frozenset(held.get(row.user_id, ())), row.active, row.admin
        )
        for row in await uow.roster.members()
    ]
    absences = await uow.roster.absences_from(today)
    acting: dict[int, list[Acting]] = {}
    for appointment in await uow.roster.appointments(row.id for row in absences):
        acting.setdefault(appointment.absence_id, []).append(
            Acting(
                appointment.role,
                appointment.user_id,
                ActingKind(appointment.kind),
                appointment.basis,
            )
        )
    return Roster.of(
        members,
        (
            Absence(row.user_id, row.start, row.end, tuple(acting.get(row.id, ())), row.id)
            for row in absences
        ),
    )


def log_entry(
    now: datetime,
    user_id: int,
    change: str,
    role: str | None,
    by: int | None,
    *,
    basis: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> models.RosterLog:
    return models.RosterLog(
        at=now,
        user_id=user_id,
        change=change,
        role=role,
        by_user=by,
        basis=basis,
        start=start,
        end=end,
    )
