"""Leave and acting officials as use cases: an absence from date to date, with who acts
meanwhile in each of the absent member's roles (Plh or Plt, on what basis), recorded through
the /cuti conversation (its progress stored, bot/service/leave_talks.py; its rules pure,
bot/domain/leave_talk.py), and its cancellation or early end. Admins and the SOP's overseer
(the sekretaris) do this; every change is logged, and what it owes the people concerned (the
absent member, each acting official) is written to the outbox, in the same commit, and is
effective at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.domain import leave_talk
from bot.domain.leave_talk import Answer, Change, ChangeProblem, LeaveTalk, TalkProblem, Typed
from bot.domain.roster import Absence, Roster
from bot.service import leave_talks
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.leave_notices import tell_changed, tell_recorded
from bot.service.leave_talks import StoredTalk
from bot.service.leave_views import (
    AbsenceChanged,
    AbsenceChangeRefused,
    Asking,
    NotForLeave,
    Overview,
    Recorded,
    TalkRefused,
    TalkStep,
    TalkStopped,
)
from bot.service.people import NotAllowed
from bot.service.roster_rows import RosterKeeper, load_roster, log_entry
from storage import models
from storage.uow import UnitOfWork


class Leave:
    def __init__(self, ctx: ServiceContext, keeper: RosterKeeper) -> None:
        self.ctx = ctx
        self.keeper = keeper
        # Who has a /cuti waiting for typed text, and in which chat: kept after every change,
        # so a text is routed without a database read. None until first read (after a start):
        # until then every text asks here once.
        self._waiting: dict[int, int] | None = None

    def may_wait_for_text(self, user_id: int, chat_id: int) -> bool:
        """Whether the person's text in that chat may answer their /cuti."""
        return self._waiting is None or self._waiting.get(user_id) == chat_id

    # --- the conversation ----------------------------------------------------------------

    async def begin(self, by: int, chat_id: int) -> Overview:
        """/cuti: the absences running and coming, and a new talk (any earlier one is over)."""
        now = self.ctx.clock.now()
        today = self.ctx.office_day(now)
        async with UnitOfWork(self.ctx.factory) as uow:
            roster = await load_roster(uow, today)
            self._may_record_leave(by, roster, today)
            talk = leave_talk.begin(await leave_talks.last_rev(uow, by))
            await leave_talks.keep(uow, by, chat_id, talk, now)
            await uow.commit()
        self._note(by, chat_id, talk)
        return Overview(roster, today, talk)

    async def answer(self, by: int, given: Answer) -> TalkStep:
        """A press on one of the talk's questions (checked against the stored talk)."""
        now = self.ctx.clock.now()
        today = self.ctx.office_day(now)
        async with UnitOfWork(self.ctx.factory) as uow:
            roster = await load_roster(uow, today)
            self._may_record_leave(by, roster, today)
            stored = await leave_talks.open_talk(uow, by)
            if stored is None or leave_talk.expired(stored.asked_at, now):
                return TalkRefused(TalkProblem.STALE, None, None, True, roster)
            return await self._advance(uow, by, stored, given, roster, now)

    async def answer_text(
        self, by: int, chat_id: int, text: str, *, private: bool
    ) -> TalkStep | NotForLeave:
        """A text that may answer the person's /cuti: the period or a basis. An item question
        asked after the talk's (in private) takes it instead: the newest question wins."""
        if not self.may_wait_for_text(by, chat_id):
            return NotForLeave()
        now = self.ctx.clock.now()
        today = self.ctx.office_day(now)
        async with UnitOfWork(self.ctx.factory) as uow:
            if self._waiting is None:
                self._waiting = await leave_talks.waiting_for_text(uow)
            stored = await leave_talks.open_talk(uow, by)
            if stored is None or stored.chat_id != chat_id or not stored.talk.waits_for_text:
                return NotForLeave()
            if leave_talk.expired(stored.asked_at, now):
                await leave_talks.close(uow, by)
                await uow.commit()
                self._note(by, chat_id, None)
                return NotForLeave()
            item_question = await uow.repo.pending_input(by)
            if private and item_question and item_question.asked_at > stored.asked_at:
                return NotForLeave()
            roster = await load_roster(uow, today)
            try:
                self._may_record_leave(by, roster, today)
            except NotAllowed:
                await leave_talks.close(uow, by)  # their texts are their own again
                await uow.commit()
                self._note(by, chat_id, None)
                raise
            return await self._advance(uow, by, stored, Typed(text), roster, now)

    async def _advance(
        self,
        uow: UnitOfWork,
        by: int,
        stored: StoredTalk,
        given: Answer,
        roster: Roster,
        now: datetime,
    ) -> TalkStep:
        today = self.ctx.office_day(now)
        outcome = leave_talk.answer(stored.talk, given, roster, today)
        if isinstance(outcome, leave_talk.Refused) and not outcome.ended:
            return TalkRefused(
                outcome.problem, outcome.clash, stored.talk, False, roster
            )  # no commit
        if isinstance(outcome, leave_talk.Asked):
            await leave_talks.keep(uow, by, stored.chat_id, outcome.talk, now)
            await uow.commit()
            self._note(by, stored.chat_id, outcome.talk)
            return Asking(outcome.talk, roster, today)
        await leave_talks.close(uow, by)
        if not isinstance(outcome, leave_talk.Finished):
            await uow.commit()
            self._note(by, stored.chat_id, None)
            if isinstance(outcome, leave_talk.Refused):
                return TalkRefused(outcome.problem, outcome.clash, stored.talk, True, roster)
            return TalkStopped()
        kept = await self._record(uow, by, outcome.absence, roster, now)
        await uow.commit()
        self._note(by, stored.chat_id, None)
        return await self._recorded(kept, roster)

    def _note(self, user_id: int, chat_id: int, talk: LeaveTalk | None) -> None:
        """After a commit: whether the person's next text in that chat answers the talk."""
        if self._waiting is None:
            return  # read whole at the first text
        if talk is not None and talk.waits_for_text:
            self._waiting[user_id] = chat_id
        else:
            self._waiting.pop(user_id, None)

    # --- recording, cancelling, ending -------------------------------------------------------

    async def record_absence(self, by: int, absence: Absence) -> Absence:
        """Record leave (and who acts in which role meanwhile) at once; AbsenceRejected says
        what was wrong, and nothing is kept."""
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            roster = await load_roster(uow, self.ctx.office_day(now))
            self._may_record_leave(by, roster, self.ctx.office_day(now))
            roster.check_absence(absence, self.ctx.office_day(now))
            kept = await self._record(uow, by, absence, roster, now)
            await uow.commit()
        return (await self._recorded(kept, roster)).absence

    async def _record(
        self, uow: UnitOfWork, by: int, absence: Absence, roster: Roster, now: datetime
    ) -> Absence:
        """The absence's rows, its log and its notices, in the caller's unit of work."""
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
                    role=acting.role, user_id=acting.user_id, kind=acting.kind, basis=acting.basis
                )
                for acting in absence.acting
            ],
        )
        start, end = absence.start, absence.end
        uow.roster.log(log_entry(now, absence.user_id, "absent", None, by, start=start, end=end))
        for acting in absence.acting:
            uow.roster.log(
                log_entry(
                    now,
                    acting.user_id,
                    f"acting_{acting.kind}",
                    acting.role,
                    by,
                    basis=acting.basis,
                    start=start,
                    end=end,
                )
            )
        kept = replace(absence, id=row.id)
        tell_recorded(uow.repo, roster, kept, by, now)
        return kept

    async def _recorded(self, kept: Absence, roster: Roster) -> Recorded:
        """After the commit: the sender woken, the open items following the new roster."""
        self.ctx.on_commit(Committed(owed=True))
        await self.keeper.changed()
        after = Roster.of(roster.members.values(), (*roster.absences, kept))
        member = roster.members[kept.user_id]
        return Recorded(kept, after, tuple(after.uncovered(sorted(member.roles), kept.start)))

    async def change_absence(self, by: int, absence_id: int, change: Change) -> AbsenceChanged:
        """Cancel an absence not begun, or end a running one (the member is back today); the
        absent member and the acting officials are told; the open items follow."""
        now = self.ctx.clock.now()
        today = self.ctx.office_day(now)
        async with UnitOfWork(self.ctx.factory) as uow:
            row = await uow.roster.absence(absence_id)  # locked first: two presses, one change
            roster = await load_roster(uow, today)
            self._may_record_leave(by, roster, today)
            # the roster holds the absences not cancelled that have not ended: any other id
            # (cancelled, over, forged) is gone
            listed = next((a for a in roster.absences if a.id == absence_id), None)
            done = leave_talk.change_absence(listed, change, today)
            if isinstance(done, ChangeProblem):
                raise AbsenceChangeRefused(done)
            assert row is not None
            if isinstance(done, leave_talk.Shortened):
                row.end = done.end
                last: date | None = done.end
            else:
                row.cancelled_at = now
                last = None  # nothing of it is left
            word = "cancelled" if change is Change.CANCEL else "ended"
            absence = done.absence
            uow.roster.log(
                log_entry(
                    now, absence.user_id, f"absence_{word}", None, by, start=absence.start, end=last
                )
            )
            for acting in absence.acting:
                uow.roster.log(
                    log_entry(
                        now,
                        acting.user_id,
                        f"acting_{word}",
                        acting.role,
                        by,
                        basis=acting.basis,
                        start=absence.start,
                        end=last,
                    )
                )
            tell_changed(uow.repo, roster, absence, change, by, today, now)
            stored = await leave_talks.open_talk(uow, by)
            await uow.commit()
        self.ctx.on_commit(Committed(owed=True))
        await self.keeper.changed()
        after = await self.keeper.roster()
        talk = stored.talk if stored is not None else None
        return AbsenceChanged(absence, Overview(after, today, talk))

    def _may_record_leave(self, user_id: int, roster: Roster, today: date) -> None:
        """Admins, and the SOPs' overseer (the sekretaris), record leave."""
        overseers = self.ctx.catalog.overseers
        if self.ctx.is_admin(user_id) or overseers & set(roster.roles_on(user_id, today)):
            return
        raise NotAllowed
