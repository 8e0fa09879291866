"""Leave and acting officials as use cases: an absence from date to date, with who acts
meanwhile in each of the absent member's roles (Plh or Plt, on what basis), and its
cancellation. Admins and the SOP's overseer (the sekretaris) record them; every change is
logged in the same commit and is effective at once."""

from __future__ import annotations

from datetime import date

from bot.domain.roster import Absence, Roster
from bot.service.context import ServiceContext
from bot.service.people import NotAllowed
from bot.service.roster_rows import RosterKeeper, load_roster, log_entry
from storage import models
from storage.uow import UnitOfWork


class Leave:
    def __init__(self, ctx: ServiceContext, keeper: RosterKeeper) -> None:
        self.ctx = ctx
        self.keeper = keeper

    async def check_absence(self, by: int, absence: Absence) -> None:
        """The checks of record_absence without keeping anything: a guided conversation
        refuses a bad period before it asks who acts meanwhile."""
        now = self.ctx.clock.now()
        roster = await self.keeper.roster()
        self._may_record_leave(by, roster, self.ctx.office_day(now))
        roster.check_absence(absence, self.ctx.office_day(now))

    async def may_record_leave(self, by: int) -> None:
        """NotAllowed unless `by` is an admin or holds the SOP's overseer role today."""
        self._may_record_leave(by, await self.keeper.roster(), self.keeper.today())

    async def record_absence(self, by: int, absence: Absence) -> Absence:
        """Record leave (and who acts in which role meanwhile); AbsenceRejected says what
        was wrong, and nothing is kept."""
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            roster = await load_roster(uow, self.ctx.office_day(now))
            self._may_record_leave(by, roster, self.ctx.office_day(now))
            roster.check_absence(absence, self.ctx.office_day(now))
            row = await uow.roster.add_absence(
                models.Absence(
                    user_id=absence.user_id,
                    start=absence.start,
                    end=absence.end,
                    recorded_by=by,
                    recorded_at=now,
                ),
                [
                    models.ActingAppointment(
                        role=acting.role,
                        user_id=acting.user_id,
                        kind=acting.kind,
                        basis=acting.basis,
                    )
                    for acting in absence.acting
                ],
            )
            uow.roster.log(
                log_entry(
                    now, absence.user_id, "absent", None, by, start=absence.start, end=absence.end
                )
            )
            for acting in absence.acting:
                uow.roster.log(
                    log_entry(
                        now,
                        acting.user_id,
                        f"acting_{acting.kind}",
                        acting.role,
                        by,
                        basis=acting.basis,
                        start=absence.start,
                        end=absence.end,
                    )
                )
            await uow.commit()
            kept = Absence(absence.user_id, absence.start, absence.end, absence.acting, row.id)
        await self.keeper.changed()
        return kept

    async def cancel_absence(self, by: int, absence_id: int) -> bool:
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            roster = await load_roster(uow, self.ctx.office_day(now))
            self._may_record_leave(by, roster, self.ctx.office_day(now))
            row = await uow.roster.cancel_absence(absence_id, now)
            if row is None:
                return False
            uow.roster.log(
                log_entry(
                    now, row.user_id, "absence_cancelled", None, by, start=row.start, end=row.end
                )
            )
            await uow.commit()
        await self.keeper.changed()
        return True

    def _may_record_leave(self, user_id: int, roster: Roster, today: date) -> None:
        """Admins, and the SOP's overseer (the sekretaris), record leave."""
        overseer = self.ctx.sop.overseer
        if self.ctx.is_admin(user_id) or (
            overseer is not None and overseer in roster.roles_on(user_id, today)
        ):
            return
        raise NotAllowed
