"""The office's people as use cases: seeding from config.toml, invitations, roles, leave and
acting officials. Each use case is one unit of work; every change is written to the roster log
(who, what, by whom, on what basis) in the same commit, so who held which role on any date can
be told later. After a commit the directory's snapshot is loaded again: effective at once."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import invitations as links
from bot.domain.clock import Clock
from bot.domain.invitations import InvitationProblem, InvitationRefused
from bot.domain.roster import Absence, Acting, ActingKind, Roster, RosterMember
from bot.domain.sop import Sop
from bot.service.commits import Committed
from bot.service.context import OnCommit, no_one_to_wake
from bot.service.errors import ServiceError
from bot.service.owed import add_outbox
from bot.service.payloads import ClaimCard
from storage import models
from storage.uow import SessionFactory, UnitOfWork


class NotAllowed(ServiceError):
    """Only admins (and, for leave, the SOP's overseer) manage the office's people."""


class UnknownRole(ServiceError):
    def __init__(self, role: str) -> None:
        super().__init__(f"no role {role!r} in the SOP")
        self.role = role


class UnknownMember(ServiceError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"no member {user_id}")
        self.user_id = user_id


class ClaimAlreadyAnswered(ServiceError):
    def __init__(self, accepted: bool) -> None:
        super().__init__("the claim was already answered")
        self.accepted = accepted


@dataclass(frozen=True, slots=True)
class Claim:
    """Someone opened an invitation: the admins decide whether they join."""

    invitation_id: int
    role: str
    user_id: int
    name: str
    invited_by: int


@dataclass(frozen=True, slots=True)
class Invited:
    """A fresh invitation: its row (for the revoke button) and its one-time token."""

    invitation_id: int
    role: str
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class MemberView:
    user_id: int
    name: str
    roles: frozenset[str]
    active: bool
    away_until: date | None  # the last day of a running absence


class People:
    def __init__(
        self,
        factory: SessionFactory,
        sop: Sop,
        clock: Clock,
        today: Callable[[datetime], date],
        admins: frozenset[int],
        *,
        on_change: Callable[[Roster], Awaitable[None] | None] = lambda roster: None,
        on_commit: OnCommit = no_one_to_wake,
    ) -> None:
        self.factory = factory
        self.sop = sop
        self.clock = clock
        self.today = today  # the office's date of an instant (its time zone)
        self.admins = admins
        self.on_change = on_change
        self.on_commit = on_commit  # wakes the outbox sender after owed messages were written

    # --- the snapshot --------------------------------------------------------------------

    async def roster(self) -> Roster:
        """Everyone, with the absences that still matter (running or coming)."""
        return await self.roster_from(self.today(self.clock.now()))

    async def roster_from(self, day: date) -> Roster:
        """Everyone, with the absences that end on or after `day` (who held what since)."""
        async with UnitOfWork(self.factory, read_only=True) as uow:
            return await _roster(uow, day)

    async def seed(self, members: Iterable[RosterMember]) -> bool:
        """First start: the members config.toml lists become the office's members. Once the
        database holds members it wins; config.toml only seeds (`check` reports a conflict)."""
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            if await uow.roster.any_member():
                return False
            for member in members:
                uow.roster.add_member(
                    _member_row(member.user_id, member.name, now, "config"), member.roles
                )
                for role in sorted(member.roles):
                    uow.roster.log(_log(now, member.user_id, "appointed", role, None))
            await uow.commit()
        await self._changed()
        return True

    # --- invitations ---------------------------------------------------------------------

    async def invite(self, admin_id: int, role: str) -> str:
        """A one-time token for the role; the handler turns it into the deep link."""
        return (await self.issue(admin_id, role)).token

    async def issue(self, admin_id: int, role: str) -> Invited:
        """A one-time invitation for the role, with its row id (to revoke it by button)."""
        self._admin(admin_id)
        if role not in self.sop.roles:
            raise UnknownRole(role)
        token = secrets.token_urlsafe(16)
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            row = models.Invitation(
                token_hash=links.token_hash(token),
                role=role,
                created_by=admin_id,
                created_at=now,
            )
            uow.roster.add_invitation(row)
            await uow.session.flush()
            invited = Invited(row.id, role, token, now + links.TTL)
            await uow.commit()
        return invited

    async def revoke(self, admin_id: int, invitation_id: int) -> None:
        self._admin(admin_id)
        async with UnitOfWork(self.factory) as uow:
            row = await uow.roster.invitation(invitation_id)
            if row is None:
                raise InvitationRefused(InvitationProblem.UNKNOWN)
            _invitation(row).check_open(0, is_member=False, now=self.clock.now())
            row.revoked_at = self.clock.now()
            await uow.commit()

    async def open_invitation(self, user_id: int, name: str, token: str) -> Claim:
        """The invitee pressed Start on the link: the token is spent; an admin decides."""
        if not links.looks_like_token(token):
            raise InvitationRefused(InvitationProblem.UNKNOWN)
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            row = await uow.roster.invitation_by_hash(links.token_hash(token))
            if row is None:
                raise InvitationRefused(InvitationProblem.UNKNOWN)
            member = await uow.roster.member(user_id)
            _invitation(row).check_open(user_id, member is not None and member.active, now)
            row.used_by, row.used_name, row.used_at = user_id, name, now
            claim = Claim(row.id, row.role, user_id, name, row.created_by)
            # the admins' Terima / Tolak is owed in the same commit: a crash cannot lose it
            card = ClaimCard(row.id, row.role, user_id, name)
            for admin in sorted(self.admins):
                add_outbox(uow.repo, now, admin, None, card)
            await uow.commit()
        self.on_commit(Committed(owed=True))
        return claim

    async def answer_claim(self, admin_id: int, invitation_id: int, accept: bool) -> Claim:
        """Terima: the person is a member with the invited role (added to their roles if
        they were a member before); Tolak: nothing changes for them."""
        self._admin(admin_id)
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            row = await uow.roster.invitation(invitation_id)
            if row is None or row.used_by is None:
                raise InvitationRefused(InvitationProblem.UNKNOWN)
            if row.accepted is not None:
                raise ClaimAlreadyAnswered(row.accepted)
            row.accepted, row.decided_by, row.decided_at = accept, admin_id, now
            claim = Claim(row.id, row.role, row.used_by, row.used_name or "", row.created_by)
            if accept:
                await self._admit(uow, claim, admin_id, now)
            await uow.commit()
        if accept:
            await self._changed()
        return claim

    async def _admit(self, uow: UnitOfWork, claim: Claim, admin_id: int, now: datetime) -> None:
        member = await uow.roster.member(claim.user_id)
        if member is None:
            uow.roster.add_member(
                _member_row(claim.user_id, claim.name, now, "invitation"), [claim.role]
            )
        else:
            roles = (await uow.roster.roles()).get(claim.user_id, set())
            await uow.roster.set_roles(claim.user_id, roles | {claim.role})
            if not member.active:
                await uow.roster.set_active(claim.user_id, True, now)
        uow.roster.log(_log(now, claim.user_id, "appointed", claim.role, admin_id))

    # --- roles and deactivation ----------------------------------------------------------

    async def set_roles(self, admin_id: int, user_id: int, roles: frozenset[str]) -> None:
        self._admin(admin_id)
        if unknown := sorted(roles - set(self.sop.roles)):
            raise UnknownRole(unknown[0])
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            if await uow.roster.member(user_id) is None:
                raise UnknownMember(user_id)
            before = (await uow.roster.roles()).get(user_id, set())
            await uow.roster.set_roles(user_id, roles)
            for role in sorted(roles - before):
                uow.roster.log(_log(now, user_id, "appointed", role, admin_id))
            for role in sorted(before - roles):
                uow.roster.log(_log(now, user_id, "released", role, admin_id))
            await uow.commit()
        await self._changed()

    async def set_active(self, admin_id: int, user_id: int, active: bool) -> None:
        self._admin(admin_id)
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            if await uow.roster.member(user_id) is None:
                raise UnknownMember(user_id)
            await uow.roster.set_active(user_id, active, now)
            if not active:
                # their open question has nobody to answer it; the cards they were sent still
                # work for the role's other holders (every press is checked again)
                await uow.repo.clear_pending_input(user_id)
            change = "reactivated" if active else "deactivated"
            uow.roster.log(_log(now, user_id, change, None, admin_id))
            await uow.commit()
        await self._changed()

    async def members(self) -> list[MemberView]:
        roster = await self.roster()
        today = self.today(self.clock.now())
        return [
            MemberView(
                member.user_id,
                member.name,
                member.roles,
                member.active,
                away.end if (away := roster.away(member.user_id, today)) else None,
            )
            for member in roster.members.values()
        ]

    # --- leave and acting officials ------------------------------------------------------

    async def check_absence(self, by: int, absence: Absence) -> None:
        """The checks of record_absence without keeping anything: a guided conversation
        refuses a bad period before it asks who acts meanwhile."""
        now = self.clock.now()
        roster = await self.roster()
        self._may_record_leave(by, roster, self.today(now))
        roster.check_absence(absence, self.today(now))

    async def may_record_leave(self, by: int) -> None:
        """NotAllowed unless `by` is an admin or holds the SOP's overseer role today."""
        self._may_record_leave(by, await self.roster(), self.today(self.clock.now()))

    async def record_absence(self, by: int, absence: Absence) -> Absence:
        """Record leave (and who acts in which role meanwhile); AbsenceRejected says what
        was wrong, and nothing is kept."""
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            roster = await _roster(uow, self.today(now))
            self._may_record_leave(by, roster, self.today(now))
            roster.check_absence(absence, self.today(now))
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
                _log(now, absence.user_id, "absent", None, by, start=absence.start, end=absence.end)
            )
            for acting in absence.acting:
                uow.roster.log(
                    _log(
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
        await self._changed()
        return kept

    async def cancel_absence(self, by: int, absence_id: int) -> bool:
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            roster = await _roster(uow, self.today(now))
            self._may_record_leave(by, roster, self.today(now))
            row = await uow.roster.cancel_absence(absence_id, now)
            if row is None:
                return False
            uow.roster.log(
                _log(now, row.user_id, "absence_cancelled", None, by, start=row.start, end=row.end)
            )
            await uow.commit()
        await self._changed()
        return True

    # --- helpers -------------------------------------------------------------------------

    def _admin(self, user_id: int) -> None:
        if user_id not in self.admins:
            raise NotAllowed

    def _may_record_leave(self, user_id: int, roster: Roster, today: date) -> None:
        """Admins, and the SOP's overseer (the sekretaris), record leave."""
        overseer = self.sop.overseer
        if user_id in self.admins or (
            overseer is not None and overseer in roster.roles_on(user_id, today)
        ):
            return
        raise NotAllowed

    async def _changed(self) -> None:
        result = self.on_change(await self.roster())
        if result is not None:
            await result


async def _roster(uow: UnitOfWork, today: date) -> Roster:
    held = await uow.roster.roles()
    members = [
        RosterMember(row.user_id, row.name, frozenset(held.get(row.user_id, ())), row.active)
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


def _invitation(row: models.Invitation) -> links.Invitation:
    return links.Invitation(
        row.id, row.role, row.created_by, row.created_at, row.used_by, row.revoked_at
    )


def _member_row(user_id: int, name: str, now: datetime, via: str) -> models.Member:
    return models.Member(user_id=user_id, name=name, active=True, joined_at=now, joined_via=via)


def _log(
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
