"""The office's people kept in the database (bot/service/people.py, leave.py): seeding from config,
invitations, roles, deactivation, leave and acting officials, and the roster log."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from bot.domain.clock import ManualClock
from bot.domain.invitations import TTL, InvitationProblem, InvitationRefused
from bot.domain.leave_talk import Change
from bot.domain.roster import (
    Absence,
    AbsenceProblem,
    AbsenceRejected,
    Acting,
    ActingKind,
    Holder,
    Roster,
    RosterMember,
)
from bot.domain.sop import load_default_sop
from bot.domain.worktime import WorkCalendar
from bot.service.alarms import alarm_chats
from bot.service.context import ServiceContext
from bot.service.directory import Directory
from bot.service.leave import Leave
from bot.service.payloads import ClaimAnswer, OutboxKind, from_json
from bot.service.people import (
    ClaimAlreadyAnswered,
    ConfigAdmin,
    InactiveMember,
    LastAdmin,
    NotAllowed,
    People,
    UnknownMember,
    UnknownRole,
)
from bot.service.roster_rows import RosterKeeper
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.uow import UnitOfWork
from tests.office import MONDAY_MORNING, OFFICE

ADMIN = 900
SARI = RosterMember(1, "Sari", frozenset({"kasubbag"}))
BUDI = RosterMember(2, "Budi", frozenset({"operator"}))
TINI = RosterMember(3, "Tini", frozenset({"sekretaris"}))
BASIS = "Surat Perintah Sekretaris No. 12/HK.03/2026"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
def seen() -> list[Roster]:
    """Each roster the directory was handed after a change."""
    return []


@pytest.fixture
async def keeper(
    database_url: str, clock: ManualClock, seen: list[Roster]
) -> AsyncIterator[RosterKeeper]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)

    async def changed(roster: Roster) -> None:
        ctx.directory.replace(roster)  # as the service does: a change counts at once
        seen.append(roster)

    ctx = ServiceContext(
        session_factory(engine),
        load_default_sop(),
        Directory((), {}, admins=frozenset({ADMIN})),
        WorkCalendar(timezone=OFFICE.key),
        clock,
    )
    try:
        yield RosterKeeper(ctx, changed)
    finally:
        await engine.dispose()


@pytest.fixture
def people(keeper: RosterKeeper) -> People:
    return People(keeper.ctx, keeper)


@pytest.fixture
def leave(keeper: RosterKeeper) -> Leave:
    return Leave(keeper.ctx, keeper)


def today(people: People) -> date:
    return people.keeper.today()


async def test_config_seeds_the_members_once_then_the_database_wins(
    people: People, seen: list[Roster]
) -> None:
    assert await people.seed([SARI, BUDI])
    assert not await people.seed([RosterMember(7, "Other", frozenset({"operator"}))])
    roster = await people.keeper.roster()
    assert set(roster.members) == {1, 2}
    assert roster.holders("kasubbag", today(people)) == [Holder(1, "kasubbag")]
    assert seen[-1] == roster  # the directory was told at once


async def test_an_invitation_admits_one_person_after_an_admin_accepts(people: People) -> None:
    token = await people.invite(ADMIN, "operator")
    claim = await people.open_invitation(55, "Dewi", token)
    assert 55 not in (await people.keeper.roster()).members  # not a member until an admin says so
    with pytest.raises(InvitationRefused) as again:
        await people.open_invitation(56, "Eko", token)
    assert again.value.problem is InvitationProblem.USED
    await people.answer_claim(ADMIN, claim.invitation_id, accept=True)
    roster = await people.keeper.roster()
    assert roster.members[55] == RosterMember(55, "Dewi", frozenset({"operator"}))
    with pytest.raises(ClaimAlreadyAnswered):
        await people.answer_claim(ADMIN, claim.invitation_id, accept=False)


async def test_a_refused_claim_admits_nobody(people: People) -> None:
    claim = await people.open_invitation(55, "Dewi", await people.invite(ADMIN, "operator"))
    await people.answer_claim(ADMIN, claim.invitation_id, accept=False)
    assert 55 not in (await people.keeper.roster()).members


@pytest.mark.parametrize(
    ("token", "problem"),
    [("not-a-token-at-all-xyz", InvitationProblem.UNKNOWN), ("<b>", InvitationProblem.UNKNOWN)],
)
async def test_a_forged_token_is_refused(
    people: People, token: str, problem: InvitationProblem
) -> None:
    with pytest.raises(InvitationRefused) as refused:
        await people.open_invitation(55, "Dewi", token)
    assert refused.value.problem is problem


async def test_expired_revoked_and_member_links_are_refused(
    people: People, clock: ManualClock
) -> None:
    await people.seed([SARI])
    old = await people.invite(ADMIN, "operator")
    clock.advance(TTL)
    revoked = await people.invite(ADMIN, "operator")
    async with UnitOfWork(people.ctx.factory) as uow:
        newest = (await uow.roster.open_invitations(clock.now() - TTL))[-1].id
    await people.revoke(ADMIN, newest)
    mine = await people.invite(ADMIN, "koordinator")
    for token, user, problem in (
        (old, 55, InvitationProblem.EXPIRED),
        (revoked, 55, InvitationProblem.REVOKED),
        (mine, SARI.user_id, InvitationProblem.ALREADY_MEMBER),
    ):
        with pytest.raises(InvitationRefused) as refused:
            await people.open_invitation(user, "X", token)
        assert refused.value.problem is problem


async def test_only_admins_invite_and_only_sop_roles(people: People) -> None:
    with pytest.raises(NotAllowed):
        await people.invite(SARI.user_id, "operator")
    with pytest.raises(UnknownRole):
        await people.invite(ADMIN, "bupati")


async def test_roles_changes_and_deactivation_take_effect_and_are_logged(people: People) -> None:
    await people.seed([SARI, BUDI])
    await people.set_roles(ADMIN, BUDI.user_id, frozenset({"operator", "koordinator"}))
    await people.set_active(ADMIN, SARI.user_id, False)
    roster = await people.keeper.roster()
    assert roster.holders("koordinator", today(people)) == [Holder(2, "koordinator")]
    assert roster.holders("kasubbag", today(people)) == []
    async with UnitOfWork(people.ctx.factory) as uow:
        log = [
            (row.user_id, row.change, row.role, row.by_user) for row in await uow.roster.history()
        ]
    assert log == [
        (1, "appointed", "kasubbag", None),
        (2, "appointed", "operator", None),
        (2, "appointed", "koordinator", ADMIN),
        (1, "deactivated", None, ADMIN),
    ]


async def test_leave_with_a_plh_is_recorded_by_the_sekretaris(people: People, leave: Leave) -> None:
    await people.seed([SARI, BUDI, TINI])
    start = today(people) + timedelta(days=1)
    away = Absence(
        1, start, start + timedelta(days=4), (Acting("kasubbag", 2, ActingKind.PLH, BASIS),)
    )
    kept = await leave.record_absence(TINI.user_id, away)
    roster = await people.keeper.roster()
    assert roster.holders("kasubbag", start) == [Holder(2, "kasubbag", away.acting[0])]
    assert roster.holders("kasubbag", today(people)) == [Holder(1, "kasubbag")]
    with pytest.raises(AbsenceRejected) as refused:
        await leave.record_absence(
            ADMIN, Absence(1, start + timedelta(days=2), start + timedelta(days=9))
        )
    assert refused.value.problem is AbsenceProblem.OVERLAPS
    await leave.change_absence(ADMIN, kept.id or 0, Change.CANCEL)
    assert (await people.keeper.roster()).holders("kasubbag", start) == [Holder(1, "kasubbag")]
    async with UnitOfWork(people.ctx.factory) as uow:
        log = [(row.user_id, row.change, row.basis) for row in await uow.roster.history()][3:]
    assert log == [
        (1, "absent", None),
        (2, "acting_plh", BASIS),
        (1, "absence_cancelled", None),
        (2, "acting_cancelled", BASIS),
    ]


async def test_an_operator_may_not_record_leave(people: People, leave: Leave) -> None:
    await people.seed([SARI, BUDI])
    with pytest.raises(NotAllowed):
        await leave.record_absence(BUDI.user_id, Absence(1, today(people), today(people)))


# --- admins made in chat (config.toml's stay the server's) -----------------------------------


def without_config_admins(people: People) -> People:
    """The same office after config.toml's telegram.admins were emptied: only those made
    admins in chat remain (the directory built again, as at a restart)."""
    directory = Directory((), {})
    ctx = replace(people.ctx, directory=directory)

    async def changed(roster: Roster) -> None:
        directory.replace(roster)

    keeper = RosterKeeper(ctx, changed)
    return People(ctx, keeper)


async def admin_log(people: People) -> list[tuple[int, str, int | None, datetime]]:
    async with UnitOfWork(people.ctx.factory) as uow:
        return [
            (row.user_id, row.change, row.by_user, row.at)
            for row in await uow.roster.history()
            if row.change.startswith("admin")
        ]


async def test_a_member_made_admin_manages_at_once_and_the_log_says_who_and_when(
    people: People, clock: ManualClock
) -> None:
    await people.seed([SARI, BUDI])
    with pytest.raises(NotAllowed):
        await people.invite(BUDI.user_id, "operator")
    await people.set_admin(ADMIN, BUDI.user_id, True)
    assert people.ctx.admins == {ADMIN, BUDI.user_id}
    assert await people.invite(BUDI.user_id, "operator")  # no restart
    granted_at = clock.now()
    clock.advance(timedelta(minutes=5))
    await people.set_admin(BUDI.user_id, BUDI.user_id, False)  # config.toml's admin remains
    assert not people.ctx.is_admin(BUDI.user_id)
    with pytest.raises(NotAllowed):
        await people.invite(BUDI.user_id, "operator")
    assert await admin_log(people) == [
        (BUDI.user_id, "admin_granted", ADMIN, granted_at),
        (BUDI.user_id, "admin_revoked", BUDI.user_id, clock.now()),
    ]
    views = {v.user_id: v for v in await people.members()}
    assert not views[BUDI.user_id].admin


async def test_a_config_admin_is_not_changed_in_chat(people: People) -> None:
    configured = RosterMember(ADMIN, "Admin Server", frozenset({"sekretaris"}))
    await people.seed([configured, BUDI])
    await people.set_admin(ADMIN, BUDI.user_id, True)
    for admin in (False, True):
        with pytest.raises(ConfigAdmin):
            await people.set_admin(BUDI.user_id, ADMIN, admin)
    assert people.ctx.is_admin(ADMIN)
    views = {v.user_id: v for v in await people.members()}
    assert views[ADMIN].config_admin and not views[ADMIN].admin
    assert [change for _, change, _, _ in await admin_log(people)] == ["admin_granted"]


async def test_the_last_admin_keeps_admin_and_stays_active(people: People) -> None:
    await people.seed([SARI, BUDI])
    await people.set_admin(ADMIN, SARI.user_id, True)
    await people.set_admin(ADMIN, BUDI.user_id, True)
    office = without_config_admins(people)
    await office.keeper.changed()
    assert office.ctx.admins == {SARI.user_id, BUDI.user_id}

    await office.set_admin(SARI.user_id, BUDI.user_id, False)  # Sari remains
    logged = await admin_log(office)
    with pytest.raises(LastAdmin) as taking:
        await office.set_admin(SARI.user_id, SARI.user_id, False)
    assert not taking.value.deactivating
    with pytest.raises(LastAdmin) as deactivating:
        await office.set_active(SARI.user_id, SARI.user_id, False)
    assert deactivating.value.deactivating
    # nothing changed: Sari is an active admin, the log as it was
    assert office.ctx.admins == {SARI.user_id}
    assert (await office.keeper.roster()).members[SARI.user_id].active
    assert await admin_log(office) == logged

    await office.set_admin(SARI.user_id, BUDI.user_id, True)
    await office.set_active(BUDI.user_id, SARI.user_id, False)  # Budi remains
    assert office.ctx.admins == {BUDI.user_id}


async def test_two_admins_taking_admin_from_each_other_at_once_leave_one(
    people: People,
) -> None:
    await people.seed([SARI, BUDI])
    await people.set_admin(ADMIN, SARI.user_id, True)
    await people.set_admin(ADMIN, BUDI.user_id, True)
    office = without_config_admins(people)
    await office.keeper.changed()
    results = await asyncio.gather(
        office.set_admin(SARI.user_id, BUDI.user_id, False),
        office.set_admin(BUDI.user_id, SARI.user_id, False),
        return_exceptions=True,
    )
    assert results.count(None) == 1
    assert all(isinstance(r, LastAdmin | NotAllowed) for r in results if r is not None), results
    async with UnitOfWork(office.ctx.factory) as uow:
        assert len(await uow.roster.chat_admins()) == 1


async def test_only_active_members_are_admins(people: People) -> None:
    await people.seed([SARI, BUDI])
    await people.set_active(ADMIN, SARI.user_id, False)
    with pytest.raises(InactiveMember):
        await people.set_admin(ADMIN, SARI.user_id, True)
    await people.set_admin(ADMIN, BUDI.user_id, True)
    await people.set_active(ADMIN, BUDI.user_id, False)  # config.toml's admin remains
    assert not people.ctx.is_admin(BUDI.user_id)
    with pytest.raises(NotAllowed):
        await people.invite(BUDI.user_id, "operator")
    with pytest.raises(UnknownMember):
        await people.set_admin(ADMIN, 77, True)


async def test_the_answer_to_a_claim_is_owed_in_its_own_commit(people: People) -> None:
    accepted = await people.open_invitation(55, "Dewi", await people.invite(ADMIN, "operator"))
    refused = await people.open_invitation(56, "Eko", await people.invite(ADMIN, "operator"))
    await people.answer_claim(ADMIN, accepted.invitation_id, accept=True)
    await people.answer_claim(ADMIN, refused.invitation_id, accept=False)
    async with UnitOfWork(people.ctx.factory) as uow:
        owed = [
            (row.chat_id, from_json(row.kind, row.payload))
            for row in await uow.repo.undelivered()
            if row.kind == OutboxKind.CLAIM_ANSWER
        ]
    assert owed == [
        (55, ClaimAnswer(True, "operator", "Dewi")),
        (56, ClaimAnswer(False, "operator", "Eko")),
    ]


async def test_an_admin_made_in_chat_hears_the_alarm_when_nobody_can_act(people: People) -> None:
    await people.seed([SARI, BUDI, TINI])
    assert BUDI.user_id not in alarm_chats(people.ctx.sop, people.ctx.directory)
    await people.set_admin(ADMIN, BUDI.user_id, True)
    assert alarm_chats(people.ctx.sop, people.ctx.directory) == [TINI.user_id, BUDI.user_id, ADMIN]
