"""The office's people as use cases: seeding from config.toml, invitations, roles, admins made
in chat, deactivation. Each use case is one unit of work; every change is written to the roster
log (who, what, by whom, on what basis) in the same commit, so who held which role on any date
can be told later. After a commit the directory's snapshot is loaded again: effective at once.

The admins are config.toml's `telegram.admins` (the server's: chat cannot change them) and the
active members an admin made admins in /anggota. The bot never ends up without an admin: taking
admin from the last one, or deactivating them, is refused."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import invitations as links
from bot.domain.invitations import InvitationProblem, InvitationRefused
from bot.domain.roster import RosterMember
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.errors import ServiceError
from bot.service.owed import add_outbox
from bot.service.payloads import ClaimAnswer, ClaimCard
from bot.service.roster_rows import RosterKeeper, log_entry
from storage import models
from storage.uow import UnitOfWork


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


class LastAdmin(ServiceError):
    """The change would leave the bot without an admin (no config.toml admin, and this the last
    one made in chat); nothing changed."""

    def __init__(self, user_id: int, *, deactivating: bool) -> None:
        super().__init__(f"{user_id} is the last admin")
        self.user_id = user_id
        self.deactivating = deactivating


class ConfigAdmin(ServiceError):
    """An admin of config.toml: the server's, not changed in chat (edit config.toml)."""

    def __init__(self, user_id: int) -> None:
        super().__init__(f"{user_id} is an admin in config.toml")
        self.user_id = user_id


class InactiveMember(ServiceError):
    """A deactivated member cannot be made an admin (reactivate them first)."""

    def __init__(self, user_id: int) -> None:
        super().__init__(f"member {user_id} is not active")
        self.user_id = user_id


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
    admin: bool = False  # made an admin in chat (counts while active)
    config_admin: bool = False  # an admin of config.toml (not changed in chat)


class People:
    def __init__(self, ctx: ServiceContext, keeper: RosterKeeper) -> None:
        self.ctx = ctx
        self.keeper = keeper

    async def seed(self, members: Iterable[RosterMember]) -> bool:
        """First start: the members config.toml lists become the office's members. Once the
        database holds members it wins; config.toml only seeds (`check` reports a conflict)."""
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            if await uow.roster.any_member():
                return False
            for member in members:
                uow.roster.add_member(
                    _member_row(member.user_id, member.name, now, "config"), member.roles
                )
                for role in sorted(member.roles):
                    uow.roster.log(log_entry(now, member.user_id, "appointed", role, None))
            await uow.commit()
        await self.keeper.changed()
        return True

    # --- invitations ---------------------------------------------------------------------

    async def invite(self, admin_id: int, role: str) -> str:
        """A one-time token for the role; the handler turns it into the deep link."""
        return (await self.issue(admin_id, role)).token

    async def issue(self, admin_id: int, role: str) -> Invited:
        """A one-time invitation for the role, with its row id (to revoke it by button)."""
        self._admin(admin_id)
        if role not in self.ctx.catalog.roles:
            raise UnknownRole(role)
        token = secrets.token_urlsafe(16)
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
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
        async with UnitOfWork(self.ctx.factory) as uow:
            row = await uow.roster.invitation(invitation_id)
            if row is None:
                raise InvitationRefused(InvitationProblem.UNKNOWN)
            _invitation(row).check_open(0, is_member=False, now=self.ctx.clock.now())
            row.revoked_at = self.ctx.clock.now()
            await uow.commit()

    async def open_invitation(self, user_id: int, name: str, token: str) -> Claim:
        """The invitee pressed Start on the link: the token is spent; an admin decides."""
        if not links.looks_like_token(token):
            raise InvitationRefused(InvitationProblem.UNKNOWN)
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            row = await uow.roster.invitation_by_hash(links.token_hash(token))
            if row is None:
                raise InvitationRefused(InvitationProblem.UNKNOWN)
            member = await uow.roster.member(user_id)
            _invitation(row).check_open(user_id, member is not None and member.active, now)
            row.used_by, row.used_name, row.used_at = user_id, name, now
            claim = Claim(row.id, row.role, user_id, name, row.created_by)
            # the admins' Terima / Tolak is owed in the same commit: a crash cannot lose it
            card = ClaimCard(row.id, row.role, user_id, name)
            for admin in sorted(self.ctx.admins):
                add_outbox(uow.repo, now, admin, None, card)
            await uow.commit()
        self.ctx.on_commit(Committed(owed=True))
        return claim

    async def answer_claim(self, admin_id: int, invitation_id: int, accept: bool) -> Claim:
        """Terima: the person is a member with the invited role (added to their roles if
        they were a member before); Tolak: nothing changes for them."""
        self._admin(admin_id)
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            row = await uow.roster.invitation(invitation_id)
            if row is None or row.used_by is None:
                raise InvitationRefused(InvitationProblem.UNKNOWN)
            if row.accepted is not None:
                raise ClaimAlreadyAnswered(row.accepted)
            row.accepted, row.decided_by, row.decided_at = accept, admin_id, now
            claim = Claim(row.id, row.role, row.used_by, row.used_name or "", row.created_by)
            if accept:
                await self._admit(uow, claim, admin_id, now)
            # the welcome (or the refusal) is owed in the same commit: a crash cannot lose it
            told = ClaimAnswer(accept, claim.role, claim.name)
            add_outbox(uow.repo, now, claim.user_id, None, told)
            await uow.commit()
        if accept:
            # the directory knows the new member before the sender draws the welcome
            await self.keeper.changed()
        self.ctx.on_commit(Committed(owed=True))
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
        uow.roster.log(log_entry(now, claim.user_id, "appointed", claim.role, admin_id))

    # --- roles and deactivation ----------------------------------------------------------

    async def set_roles(self, admin_id: int, user_id: int, roles: frozenset[str]) -> None:
        self._admin(admin_id)
        if unknown := sorted(roles - set(self.ctx.catalog.roles)):
            raise UnknownRole(unknown[0])
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            if await uow.roster.member(user_id) is None:
                raise UnknownMember(user_id)
            before = (await uow.roster.roles()).get(user_id, set())
            await uow.roster.set_roles(user_id, roles)
            for role in sorted(roles - before):
                uow.roster.log(log_entry(now, user_id, "appointed", role, admin_id))
            for role in sorted(before - roles):
                uow.roster.log(log_entry(now, user_id, "released", role, admin_id))
            await uow.commit()
        await self.keeper.changed()

    async def set_active(self, admin_id: int, user_id: int, active: bool) -> None:
        self._admin(admin_id)
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            member = await uow.roster.member(user_id)
            if member is None:
                raise UnknownMember(user_id)
            if not active and member.admin and member.active:
                await self._keep_an_admin(uow, user_id, deactivating=True)
            await uow.roster.set_active(user_id, active, now)
            if not active:
                # their open question has nobody to answer it; the cards they were sent still
                # work for the role's other holders (every press is checked again)
                await uow.repo.clear_pending_input(user_id)
            change = "reactivated" if active else "deactivated"
            uow.roster.log(log_entry(now, user_id, change, None, admin_id))
            await uow.commit()
        await self.keeper.changed()

    # --- admins made in chat -------------------------------------------------------------

    async def set_admin(self, admin_id: int, user_id: int, admin: bool) -> None:
        """Make a member an admin, or take it away; config.toml's admins are refused (they
        are the server's), and so is taking admin from the last admin."""
        self._admin(admin_id)
        if user_id in self.ctx.directory.config_admins:
            raise ConfigAdmin(user_id)
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            member = await uow.roster.member(user_id)
            if member is None:
                raise UnknownMember(user_id)
            if admin and not member.active:
                raise InactiveMember(user_id)
            if member.admin == admin:
                return  # pressed twice, or by two admins: already so
            if not admin:
                await self._keep_an_admin(uow, user_id, deactivating=False)
            await uow.roster.set_admin(user_id, admin)
            change = "admin_granted" if admin else "admin_revoked"
            uow.roster.log(log_entry(now, user_id, change, None, admin_id))
            await uow.commit()
        await self.keeper.changed()

    async def _keep_an_admin(self, uow: UnitOfWork, user_id: int, *, deactivating: bool) -> None:
        """Refuse a change that leaves no admin: config.toml's always stay; else another
        active member made admin in chat must (their rows locked until the commit)."""
        if self.ctx.directory.config_admins:
            return
        if not set(await uow.roster.chat_admins()) - {user_id}:
            raise LastAdmin(user_id, deactivating=deactivating)

    async def members(self) -> list[MemberView]:
        roster = await self.keeper.roster()
        today = self.keeper.today()
        config_admins = self.ctx.directory.config_admins
        return [
            MemberView(
                member.user_id,
                member.name,
                member.roles,
                member.active,
                away.end if (away := roster.away(member.user_id, today)) else None,
                member.admin,
                member.user_id in config_admins,
            )
            for member in roster.members.values()
        ]

    def _admin(self, user_id: int) -> None:
        if not self.ctx.is_admin(user_id):
            raise NotAllowed


def _invitation(row: models.Invitation) -> links.Invitation:
    return links.Invitation(
        row.id, row.role, row.created_by, row.created_at, row.used_by, row.revoked_at
    )


def _member_row(user_id: int, name: str, now: datetime, via: str) -> models.Member:
    return models.Member(user_id=user_id, name=name, active=True, joined_at=now, joined_via=via)
