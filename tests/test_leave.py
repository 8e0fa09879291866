"""Leave as use cases on a real database (bot/service/leave.py): the /cuti conversation kept
across a restart, which texts it takes, who may use it, ending and cancelling a recorded
absence, and what each change owes the absent member and the acting officials (outbox rows in
the change's own commit)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot.domain.clock import ManualClock
from bot.domain.conversation import Question
from bot.domain.leave_talk import (
    Ask,
    Change,
    ChangeProblem,
    PickActing,
    PickKind,
    PickMember,
    TalkProblem,
)
from bot.domain.roster import Absence, Acting, ActingKind, Holder, Roster, RosterMember
from bot.domain.sop import load_default_sop
from bot.domain.worktime import WorkCalendar
from bot.service import questions
from bot.service.context import ServiceContext
from bot.service.directory import Directory
from bot.service.leave import Leave
from bot.service.leave_views import (
    AbsenceChangeRefused,
    Asking,
    NotForLeave,
    Recorded,
    TalkRefused,
)
from bot.service.payloads import (
    AbsenceNotice,
    ActingLine,
    ActingNotice,
    LeaveChange,
    Payload,
    from_json,
    to_json,
)
from bot.service.people import NotAllowed, People
from bot.service.roster_rows import RosterKeeper
from storage import models
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.uow import UnitOfWork
from tests.office import MONDAY_MORNING, OFFICE

SARI = RosterMember(1, "Sari", frozenset({"kasubbag"}))
BUDI = RosterMember(2, "Budi", frozenset({"operator"}))
TINI = RosterMember(3, "Tini", frozenset({"sekretaris"}))
BASIS = "Surat Perintah Sekretaris No. 12/HK.03/2026"
CHAT = TINI.user_id  # the sekretaris's private chat


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
async def ctx(database_url: str, clock: ManualClock) -> AsyncIterator[ServiceContext]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    context = ServiceContext(
        session_factory(engine),
        load_default_sop(),
        Directory((), {}),
        WorkCalendar(timezone=OFFICE.key),
        clock,
    )  # no admin: the sekretaris (the SOP's overseer) records leave

    async def nothing(_roster: Roster) -> None:
        return None

    await People(context, RosterKeeper(context, nothing)).seed([SARI, BUDI, TINI])
    try:
        yield context
    finally:
        await engine.dispose()


def leave_of(ctx: ServiceContext) -> Leave:
    """The use case as a (re)started bot builds it: nothing in memory."""

    async def nothing(_roster: Roster) -> None:
        return None

    return Leave(ctx, RosterKeeper(ctx, nothing))


async def outbox(ctx: ServiceContext) -> list[tuple[int, Payload]]:
    async with UnitOfWork(ctx.factory, read_only=True) as uow:
        rows = (await uow.session.scalars(select(models.OutboxMessage))).all()
        return [(row.chat_id, from_json(row.kind, row.payload)) for row in rows]


async def test_a_talk_goes_on_after_a_restart_and_records_with_its_notices(
    ctx: ServiceContext,
) -> None:
    before = leave_of(ctx)
    talk = (await before.begin(TINI.user_id, CHAT)).talk
    assert talk is not None
    asked = await before.answer(TINI.user_id, PickMember(talk.rev, SARI.user_id))
    assert isinstance(asked, Asking) and asked.talk.asks is Ask.PERIOD

    after = leave_of(ctx)  # the bot restarted: the talk is read from the database
    assert after.may_wait_for_text(TINI.user_id, CHAT)
    step = await after.answer_text(TINI.user_id, CHAT, "24/11/2026 - 27/11/2026", private=True)
    assert isinstance(step, Asking) and step.talk.asks is Ask.ACTING
    step = await after.answer(TINI.user_id, PickActing(step.talk.rev, BUDI.user_id))
    assert isinstance(step, Asking)
    step = await after.answer(TINI.user_id, PickKind(step.talk.rev, "plh"))
    assert isinstance(step, Asking) and step.talk.asks is Ask.BASIS
    done = await after.answer_text(TINI.user_id, CHAT, BASIS, private=True)

    assert isinstance(done, Recorded)
    start, end = date(2026, 11, 24), date(2026, 11, 27)
    acting = Acting("kasubbag", BUDI.user_id, ActingKind.PLH, BASIS)
    assert done.roster.holders("kasubbag", start) == [Holder(BUDI.user_id, "kasubbag", acting)]
    assert not after.may_wait_for_text(TINI.user_id, CHAT)  # the talk is over
    assert await outbox(ctx) == [
        (
            SARI.user_id,
            AbsenceNotice(
                LeaveChange.RECORDED,
                start,
                end,
                (ActingLine("kasubbag", BUDI.name, "plh", BASIS),),
                (),
                TINI.name,
            ),
        ),
        (
            BUDI.user_id,
            ActingNotice(
                LeaveChange.RECORDED, "kasubbag", "plh", BASIS, SARI.name, start, end, TINI.name
            ),
        ),
    ]


async def test_only_the_talks_chat_and_person_are_routed_to_it(ctx: ServiceContext) -> None:
    leave = leave_of(ctx)
    assert await leave.answer_text(BUDI.user_id, BUDI.user_id, "halo", private=True) == (
        NotForLeave()
    )  # the first text after a start reads who waits: nobody
    assert not leave.may_wait_for_text(BUDI.user_id, BUDI.user_id)  # known now without a read
    talk = (await leave.begin(TINI.user_id, CHAT)).talk
    assert talk is not None
    assert not leave.may_wait_for_text(TINI.user_id, CHAT)  # a member is picked by a button
    await leave.answer(TINI.user_id, PickMember(talk.rev, SARI.user_id))
    assert leave.may_wait_for_text(TINI.user_id, CHAT)
    assert not leave.may_wait_for_text(TINI.user_id, -100)  # a group she writes in
    assert not leave.may_wait_for_text(BUDI.user_id, CHAT)


async def test_an_item_question_asked_after_the_talks_takes_the_text(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    leave = leave_of(ctx)
    talk = (await leave.begin(TINI.user_id, CHAT)).talk
    assert talk is not None
    await leave.answer(TINI.user_id, PickMember(talk.rev, SARI.user_id))
    clock.advance(timedelta(minutes=1))
    async with UnitOfWork(ctx.factory) as uow:
        await questions.ask(uow, TINI.user_id, Question.title(), clock.now())
        await uow.commit()
    typed = await leave.answer_text(TINI.user_id, CHAT, "24/11/2026", private=True)
    assert typed == NotForLeave()
    # The talk stays open: once the item question is answered, texts go to it again.
    assert leave.may_wait_for_text(TINI.user_id, CHAT)


async def test_a_talk_left_a_day_no_longer_takes_texts(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    leave = leave_of(ctx)
    talk = (await leave.begin(TINI.user_id, CHAT)).talk
    assert talk is not None
    await leave.answer(TINI.user_id, PickMember(talk.rev, SARI.user_id))
    clock.advance(timedelta(hours=25))
    assert await leave.answer_text(TINI.user_id, CHAT, "30/11/2026", private=True) == (
        NotForLeave()
    )
    assert not leave.may_wait_for_text(TINI.user_id, CHAT)


async def test_someone_not_allowed_cannot_begin_nor_press(ctx: ServiceContext) -> None:
    leave = leave_of(ctx)
    with pytest.raises(NotAllowed):
        await leave.begin(BUDI.user_id, BUDI.user_id)
    with pytest.raises(NotAllowed):
        await leave.answer(BUDI.user_id, PickMember(1, SARI.user_id))
    with pytest.raises(NotAllowed):
        await leave.change_absence(BUDI.user_id, 1, Change.CANCEL)


async def test_an_unreadable_stored_talk_counts_as_none(ctx: ServiceContext) -> None:
    leave = leave_of(ctx)
    talk = (await leave.begin(TINI.user_id, CHAT)).talk
    assert talk is not None
    async with UnitOfWork(ctx.factory) as uow:
        await uow.session.execute(update(models.LeaveTalk).values(state={"member": "x"}))
        await uow.commit()
    refused = await leave.answer(TINI.user_id, PickMember(talk.rev, SARI.user_id))
    assert isinstance(refused, TalkRefused) and refused.problem is TalkProblem.STALE
    assert refused.talk is None


async def test_ending_a_running_absence_brings_the_member_back_today(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    leave = leave_of(ctx)
    start = date(2026, 11, 23)
    acting = Acting("kasubbag", BUDI.user_id, ActingKind.PLT, BASIS)
    kept = await leave.record_absence(
        TINI.user_id, Absence(SARI.user_id, start, date(2026, 12, 4), (acting,))
    )
    assert kept.id is not None
    clock.advance(timedelta(days=2))  # Wednesday: Sari is back early
    with pytest.raises(AbsenceChangeRefused) as refused:
        await leave.change_absence(TINI.user_id, kept.id, Change.CANCEL)  # begun: end it
    assert refused.value.problem is ChangeProblem.BEGUN
    done = await leave.change_absence(TINI.user_id, kept.id, Change.END)
    wednesday = date(2026, 11, 25)
    assert done.overview.roster.holders("kasubbag", wednesday) == [Holder(1, "kasubbag")]
    async with UnitOfWork(ctx.factory, read_only=True) as uow:
        row = await uow.roster.absence(kept.id)
        assert row is not None and row.end == date(2026, 11, 24) and row.cancelled_at is None
        log = [(r.user_id, r.change, r.end, r.by_user) for r in await uow.roster.history()][-2:]
    assert log == [
        (SARI.user_id, "absence_ended", date(2026, 11, 24), TINI.user_id),
        (BUDI.user_id, "acting_ended", date(2026, 11, 24), TINI.user_id),
    ]
    told = [(chat, p) for chat, p in await outbox(ctx) if getattr(p, "change", None) == "ended"]
    assert [chat for chat, _ in told] == [SARI.user_id, BUDI.user_id]
    assert all(p.back == wednesday for _, p in told)  # type: ignore[union-attr]
    with pytest.raises(AbsenceChangeRefused) as again:
        await leave.change_absence(TINI.user_id, kept.id, Change.END)
    assert again.value.problem is ChangeProblem.GONE


@pytest.mark.parametrize(
    "payload",
    [
        AbsenceNotice(
            LeaveChange.RECORDED,
            date(2026, 12, 7),
            date(2026, 12, 11),
            (ActingLine("kasubbag", "Ibu <Dewi>", "plh", BASIS),),
            ("koordinator",),
            None,
        ),
        AbsenceNotice(
            LeaveChange.ENDED,
            date(2026, 12, 7),
            date(2026, 12, 11),
            (),
            (),
            "Tini",
            date(2026, 12, 9),
        ),
        ActingNotice(
            LeaveChange.CANCELLED,
            "kasubbag",
            "plt",
            BASIS,
            "Sari",
            date(2026, 12, 7),
            date(2026, 12, 7),
            "Tini",
        ),
    ],
    ids=["absence", "ended", "acting"],
)
def test_leave_notices_come_back_whole_from_their_json(payload: Payload) -> None:
    assert from_json(payload.kind, to_json(payload)) == payload
