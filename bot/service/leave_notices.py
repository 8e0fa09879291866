"""What a change to an absence owes the people concerned, written to the outbox in the
change's own unit of work: the absent member hears that their leave is recorded and who acts
for them (or that it was cancelled or ended), each acting official that they are named
"Plh. Kasubbag Hukum" for the period on the basis (or no longer are). Whoever made the change
sees it on their screen and is not told again."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.leave_talk import Change
from bot.domain.roster import Absence, Roster
from bot.service.owed import add_outbox
from bot.service.payloads import AbsenceNotice, ActingLine, ActingNotice, LeaveChange
from storage.repositories import Repository


def tell_recorded(
    repo: Repository, roster: Roster, absence: Absence, by: int, now: datetime
) -> None:
    _tell(repo, roster, absence, LeaveChange.RECORDED, by, None, now)


def tell_changed(
    repo: Repository,
    roster: Roster,
    absence: Absence,
    change: Change,
    by: int,
    today: date,
    now: datetime,
) -> None:
    """Cancelled before it began, or ended because the member is back `today`."""
    if change is Change.CANCEL:
        _tell(repo, roster, absence, LeaveChange.CANCELLED, by, None, now)
    else:
        _tell(repo, roster, absence, LeaveChange.ENDED, by, today, now)


def _tell(
    repo: Repository,
    roster: Roster,
    absence: Absence,
    change: LeaveChange,
    by: int,
    back: date | None,
    now: datetime,
) -> None:
    def name(user_id: int) -> str:
        member = roster.members.get(user_id)
        return member.name if member else str(user_id)

    def reachable(user_id: int) -> bool:
        member = roster.members.get(user_id)
        return user_id != by and member is not None and member.active

    by_name = roster.members[by].name if by in roster.members else None
    member = roster.members.get(absence.user_id)
    named = {acting.role for acting in absence.acting}
    if reachable(absence.user_id):
        notice = AbsenceNotice(
            change=change,
            start=absence.start,
            end=absence.end,
            acting=tuple(
                ActingLine(a.role, name(a.user_id), a.kind.value, a.basis) for a in absence.acting
            ),
            unfilled=tuple(sorted((member.roles if member else frozenset()) - named)),
            by=by_name,
            back=back,
        )
        add_outbox(repo, now, absence.user_id, None, notice)
    for acting in absence.acting:
        if reachable(acting.user_id):
            appointed = ActingNotice(
                change=change,
                role=acting.role,
                acting_kind=acting.kind.value,
                basis=acting.basis,
                absent=name(absence.user_id),
                start=absence.start,
                end=absence.end,
                by=by_name,
                back=back,
            )
            add_outbox(repo, now, acting.user_id, None, appointed)
