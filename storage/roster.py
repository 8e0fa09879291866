"""The office's people: members and roles, absences with their acting officials, the roster
log and invitations. Like every repository here, it never commits: the unit of work does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Absence,
    ActingAppointment,
    Invitation,
    LeaveTalk,
    Member,
    MemberRole,
    RosterLog,
)


class RosterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- members -------------------------------------------------------------------------

    async def members(self) -> Sequence[Member]:
        return (await self.session.scalars(select(Member).order_by(Member.joined_at))).all()

    async def member(self, user_id: int) -> Member | None:
        return await self.session.get(Member, user_id)

    async def roles(self) -> dict[int, set[str]]:
        """Every member's current roles (deactivated members keep theirs, for the record)."""
        held: dict[int, set[str]] = {}
        for row in await self.session.scalars(select(MemberRole)):
            held.setdefault(row.user_id, set()).add(row.role)
        return held

    async def any_member(self) -> bool:
        return (await self.session.scalar(select(Member.user_id).limit(1))) is not None

    def add_member(self, member: Member, roles: Iterable[str]) -> None:
        self.session.add(member)
        self.session.add_all(MemberRole(user_id=member.user_id, role=role) for role in roles)

    async def set_roles(self, user_id: int, roles: Iterable[str]) -> None:
        await self.session.execute(delete(MemberRole).where(MemberRole.user_id == user_id))
        self.session.add_all(MemberRole(user_id=user_id, role=role) for role in roles)

    async def set_active(self, user_id: int, active: bool, now: datetime) -> None:
        await self.session.execute(
            update(Member)
            .where(Member.user_id == user_id)
            .values(active=active, deactivated_at=None if active else now)
        )

    async def set_admin(self, user_id: int, admin: bool) -> None:
        await self.session.execute(
            update(Member).where(Member.user_id == user_id).values(admin=admin)
        )

    async def chat_admins(self) -> list[int]:
        """The active members made admins in chat, their rows locked until the commit (on
        PostgreSQL; SQLite's writers take turns), so two admins taking admin from each other at
        once cannot both see the other stay."""
        query = (
            select(Member.user_id)
            .where(Member.admin.is_(True), Member.active.is_(True))
            .order_by(Member.user_id)
            .with_for_update()
        )
        return list((await self.session.scalars(query)).all())

    # --- absences and acting officials ---------------------------------------------------

    async def absences_from(self, day: date) -> Sequence[Absence]:
        """The absences not cancelled that end on or after the day (the running and coming
        ones: the only ones that decide who holds a role from now on)."""
        query = (
            select(Absence)
            .where(Absence.cancelled_at.is_(None), Absence.end >= day)
            .order_by(Absence.start, Absence.id)
        )
        return (await self.session.scalars(query)).all()

    async def appointments(self, absence_ids: Iterable[int]) -> Sequence[ActingAppointment]:
        ids = list(absence_ids)
        if not ids:
            return []
        query = select(ActingAppointment).where(ActingAppointment.absence_id.in_(ids))
        return (await self.session.scalars(query.order_by(ActingAppointment.id))).all()

    async def add_absence(
        self, absence: Absence, appointments: Iterable[ActingAppointment]
    ) -> Absence:
        self.session.add(absence)
        await self.session.flush()  # the appointments refer to its id
        for appointment in appointments:
            appointment.absence_id = absence.id
            self.session.add(appointment)
        return absence

    async def cancel_absence(self, absence_id: int, now: datetime) -> Absence | None:
        absence = await self.session.get(Absence, absence_id)
        if absence is None or absence.cancelled_at is not None:
            return None
        absence.cancelled_at = now
        return absence

    # --- the record ----------------------------------------------------------------------

    def log(self, entry: RosterLog) -> None:
        self.session.add(entry)

    async def history(self, user_id: int | None = None) -> Sequence[RosterLog]:
        query = select(RosterLog).order_by(RosterLog.at, RosterLog.id)
        if user_id is not None:
            query = query.where(RosterLog.user_id == user_id)
        return (await self.session.scalars(query)).all()

    # --- invitations ---------------------------------------------------------------------

    def add_invitation(self, invitation: Invitation) -> None:
        self.session.add(invitation)

    async def invitation_by_hash(self, token_hash: str) -> Invitation | None:
        query = select(Invitation).where(Invitation.token_hash == token_hash)
        return (await self.session.scalars(query.with_for_update())).first()

    async def invitation(self, invitation_id: int) -> Invitation | None:
        return await self.session.get(Invitation, invitation_id, with_for_update=True)

    async def open_invitations(self, since: datetime) -> Sequence[Invitation]:
        """Invitations still waiting to be opened, made after `since` (older ones expired)."""
        query = (
            select(Invitation)
            .where(
                Invitation.used_by.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.created_at > since,
            )
            .order_by(Invitation.created_at)
        )
        return (await self.session.scalars(query)).all()

    # --- absences changed from the list, and the /cuti conversation -----------------------

    async def absence(self, absence_id: int) -> Absence | None:
        """The absence, locked for the change (None: there is none by that id)."""
        return await self.session.get(Absence, absence_id, with_for_update=True)

    async def leave_talk(self, user_id: int) -> LeaveTalk | None:
        """The person's /cuti row (its `state` empty when no talk is open), locked."""
        return await self.session.get(LeaveTalk, user_id, with_for_update=True)

    def add_leave_talk(self, talk: LeaveTalk) -> None:
        self.session.add(talk)

    async def open_leave_talks(self) -> list[LeaveTalk]:
        """The talks in progress (a row per person who ever used /cuti: a handful)."""
        rows = await self.session.scalars(select(LeaveTalk))
        return [row for row in rows if row.state is not None]
