"""The day change of issue 14 without Telegram: a leave begins or ends by itself at the office's
midnight, and the open items follow then (the acting official's card, the official's card back,
the alarm when nobody can act), not at the next reminder; after the bot was away, the start
catches up, the alarm included, once; reminders go to whoever holds the role that day.

The office of tests/office.py on a real database (SQLite, or PostgreSQL when the CI asks), its
members in the database as after the first start, and the service built as the bot builds it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import ReminderSettings
from bot.delivery.scheduler import ReminderScheduler, next_midnight
from bot.domain.clock import ManualClock
from bot.domain.roster import Absence, Acting, ActingKind, RosterMember
from bot.domain.sop import load_default_sop
from bot.domain.workflow import Action, Decision
from bot.domain.worktime import WorkCalendar
from bot.service.directory import Directory
from bot.service.facade import Service, build_service
from bot.service.payloads import NoticeKind, OutboxKind
from bot.service.reminders import ReminderService
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import OutboxMessage
from storage.uow import SessionFactory
from tests import office as people
from tests.databases import fresh_database
from tests.office import MONDAY_MORNING, OFFICE
from tests.running_clock import RunningClock

SOP = load_default_sop()
CALENDAR = WorkCalendar(timezone=OFFICE.key)
KOORDINATOR = people.KOORDINATOR.user_id
KASUBBAG = people.KASUBBAG.user_id
HUKUM = people.HUKUM.user_id
SEKRETARIS = people.SEKRETARIS.user_id
BASIS = "Surat Perintah Sekretaris No. 12/HK.03/2026"
MONDAY = MONDAY_MORNING.date()
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


def leave(start: date, end: date, plh: int | None = None) -> Absence:
    """The kasubbag away from `start` to `end`, with `plh` acting as kasubbag (or nobody)."""
    acting = (Acting("kasubbag", plh, ActingKind.PLH, BASIS),) if plh is not None else ()
    return Absence(KASUBBAG, start, end, acting)


@dataclass
class Office:
    factory: SessionFactory
    clock: ManualClock
    service: Service

    async def start(self) -> Service:
        """The service as the bot builds it at start (again: a restart on the same data)."""
        clock = self.clock
        directory = Directory((), {}, today=lambda: clock.now().astimezone(OFFICE).date())
        self.service = build_service(self.factory, SOP, directory, CALENDAR, clock)
        await self.service.people.seed(
            RosterMember(p.user_id, p.name, frozenset(p.roles)) for p in people.MEMBERS
        )
        await self.service.load_roster()
        return self.service

    def reminders(self, *, digest: bool = True) -> ReminderService:
        directory = self.service.context.directory
        settings = ReminderSettings(digest=digest)
        return ReminderService(self.factory, SOP, directory, CALENDAR, settings)

    async def open_item(self) -> int:
        """Steps 0-1a: the item waits at step 1 (the kasubbag's direction, one working day)."""
        opening, who = self.service.opening, self.service.actor
        item = await opening.create_item(who(KOORDINATOR), "PKPU Nomor 2 Tahun 2026")
        await opening.add_material(who(KOORDINATOR), item.id, text="jdih.kpu.go.id")
        await self.service.decisions.submit_material(who(KOORDINATOR), item.id)
        return item.id

    async def record(self, absence: Absence) -> None:
        await self.service.leave.record_absence(SEKRETARIS, absence)

    async def rows(self, kind: OutboxKind) -> list[OutboxMessage]:
        async with self.factory() as session:
            query = select(OutboxMessage).where(OutboxMessage.kind == kind)
            return list(await session.scalars(query.order_by(OutboxMessage.id)))

    async def cards(self, item_id: int) -> list[int]:
        """The chats owed the item's card, in order."""
        return [r.chat_id for r in await self.rows(OutboxKind.CARD) if r.item_id == item_id]

    async def alarms(self, item_id: int) -> list[int]:
        """The chats owed the alarm that nobody can act at the item's step."""
        return [
            r.chat_id
            for r in await self.rows(OutboxKind.NOTICE)
            if r.item_id == item_id and r.payload["template"] == NoticeKind.UNCOVERED
        ]

    async def reminded(self, item_id: int) -> list[tuple[int, bool, str]]:
        """(chat, as overseer, who must act) of each reminder owed for the item."""
        return [
            (r.chat_id, r.payload["overseer"], r.payload["who"])
            for r in await self.rows(OutboxKind.REMINDER)
            if r.item_id == item_id
        ]


async def _office(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Office]:
    async with fresh_database(tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
            built = Office(session_factory(engine), clock, None)  # type: ignore[arg-type]
            await built.start()
            yield built
        finally:
            await engine.dispose()


@pytest.fixture
async def o(tmp_path: Path) -> AsyncIterator[Office]:
    async for built in _office(tmp_path, ManualClock(MONDAY_MORNING)):
        yield built


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Office]:
    """The office on a clock that runs by itself (tests/running_clock.py)."""
    async for built in _office(tmp_path, RunningClock(MONDAY_MORNING)):
        yield built


async def soon(check: Any, seconds: float) -> Any:
    """The check's first true answer within `seconds` of real time (else its last answer)."""
    deadline = time.monotonic() + seconds
    while True:
        found = await check()
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.05)


# --- the day change at the office's midnight ------------------------------------------------


async def past_midnight(o: Office, check: Any) -> tuple[Any, datetime]:
    """Monday a second before midnight, the reminder scheduler running as in the bot: what
    `check` finds within three seconds, and the office's time when it found it."""
    scheduler = ReminderScheduler(o.reminders(), o.clock, lambda: None, also=o.service.new_day)
    o.clock.set(local(2026, 11, 23, 23, 59, 59))
    assert not await check()  # not before the day changed
    await scheduler.start()
    try:
        found = await soon(check, 3)
        return found, o.clock.now().astimezone(OFFICE)
    finally:
        await scheduler.stop()


async def test_the_plh_gets_the_open_card_at_midnight_of_the_first_day(running: Office) -> None:
    o = running
    item = await o.open_item()  # Monday: the kasubbag's card
    await o.record(leave(TUESDAY, WEDNESDAY, plh=HUKUM))
    assert await o.cards(item) == [KASUBBAG]

    async def plh_card() -> bool:
        return HUKUM in await o.cards(item)

    found, at = await past_midnight(o, plh_card)

    assert found, "no card for the Plh within seconds of midnight"
    assert at.date() == TUESDAY and at.time() < local(2026, 11, 24, 0, 0, 5).timetz()
    assert await o.cards(item) == [KASUBBAG, HUKUM]


async def test_a_role_nobody_holds_from_today_is_an_alarm_at_midnight(running: Office) -> None:
    o = running
    item = await o.open_item()
    await o.record(leave(TUESDAY, WEDNESDAY))  # nobody named to act

    async def alarmed() -> bool:
        return bool(await o.alarms(item))

    found, at = await past_midnight(o, alarmed)

    assert found, "no alarm within seconds of midnight"
    assert at.date() == TUESDAY
    assert await o.alarms(item) == [SEKRETARIS]


async def test_before_midnight_the_next_look_is_planned_for_midnight(o: Office) -> None:
    o.clock.set(local(2026, 11, 23, 23, 30))  # nothing owed before Tuesday's opening
    reminders = o.reminders(digest=False)
    scheduler = ReminderScheduler(reminders, o.clock, lambda: None, also=o.service.new_day)
    await scheduler.start()
    try:
        planned = scheduler.next_look()
        assert planned is not None  # on the wall clock: half an hour from the wall's now
        wait = planned - datetime.now(UTC)
        assert abs(wait - timedelta(minutes=30)) < timedelta(seconds=5)
    finally:
        await scheduler.stop()


def test_the_next_midnight_is_the_office_s_not_utc_s() -> None:
    evening = local(2026, 11, 23, 20, 0)  # 13:00 UTC
    assert next_midnight(evening, OFFICE) == local(2026, 11, 24, 0, 0)
    assert next_midnight(local(2026, 11, 24, 0, 0), OFFICE) == local(2026, 11, 25, 0, 0)


async def test_while_the_date_stays_a_tick_reads_no_roster(
    o: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[date] = []
    roster_from = o.service.roster.roster_from

    async def counted(day: date) -> Any:
        reads.append(day)
        return await roster_from(day)

    monkeypatch.setattr(o.service.roster, "roster_from", counted)
    for hour in (10, 15, 23):
        o.clock.set(local(2026, 11, 23, hour, 0))
        assert await o.service.new_day() is False
    assert reads == []
    o.clock.set(local(2026, 11, 24, 0, 0))
    assert await o.service.new_day() is True
    assert reads  # the day changed: the roster is read again


async def test_a_day_change_that_failed_is_followed_at_the_next_tick(
    o: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = await o.open_item()
    await o.record(leave(TUESDAY, WEDNESDAY))
    follow = o.service.coverage.follow
    failures = [RuntimeError("the database went away")]

    async def flaky(*args: Any, **kwargs: Any) -> int:
        if failures:
            raise failures.pop()
        return await follow(*args, **kwargs)

    monkeypatch.setattr(o.service.coverage, "follow", flaky)
    o.clock.set(local(2026, 11, 24, 0, 0))
    with pytest.raises(RuntimeError):
        await o.service.new_day()
    assert await o.alarms(item) == []
    assert await o.service.new_day() is True  # the next tick: the same day change
    assert await o.alarms(item) == [SEKRETARIS]
    assert await o.service.new_day() is False
    assert await o.alarms(item) == [SEKRETARIS]


# --- the start after the bot was away --------------------------------------------------------


async def test_a_step_nobody_can_act_in_after_downtime_is_alarmed_at_start_once(
    o: Office,
) -> None:
    item = await o.open_item()  # Monday: the kasubbag's card
    await o.record(leave(TUESDAY, WEDNESDAY))  # recorded ahead: nobody named to act
    assert await o.alarms(item) == []  # the kasubbag is here today

    o.clock.set(local(2026, 11, 24, 10, 0))  # the bot was away at Tuesday's midnight
    await o.start()
    assert await o.alarms(item) == [SEKRETARIS]

    o.clock.set(local(2026, 11, 24, 11, 0))  # started again the same day
    await o.start()
    o.clock.set(local(2026, 11, 25, 10, 0))  # and the next day, still nobody to act
    await o.start()
    assert await o.alarms(item) == [SEKRETARIS]


async def test_an_alarm_raised_at_the_step_s_start_is_not_raised_again_at_a_restart(
    o: Office,
) -> None:
    await o.record(leave(MONDAY, WEDNESDAY))  # from today, nobody named to act
    item = await o.open_item()  # the alarm, at once
    assert await o.alarms(item) == [SEKRETARIS]

    o.clock.set(local(2026, 11, 24, 10, 0))
    await o.start()
    assert await o.alarms(item) == [SEKRETARIS]


async def test_a_new_stretch_without_anyone_to_act_is_alarmed_again(o: Office) -> None:
    item = await o.open_item()
    await o.record(leave(TUESDAY, TUESDAY))
    await o.record(leave(THURSDAY, THURSDAY))
    o.clock.set(local(2026, 11, 24, 10, 0))
    await o.start()
    assert await o.alarms(item) == [SEKRETARIS]

    o.clock.set(local(2026, 11, 26, 10, 0))  # away again on Wednesday's evening and after
    await o.start()  # Wednesday the kasubbag was back: Thursday is a new alarm
    assert await o.alarms(item) == [SEKRETARIS, SEKRETARIS]


async def test_a_leave_that_ended_while_away_gives_the_card_back_and_the_plh_no_reminders(
    o: Office,
) -> None:
    await o.record(leave(MONDAY, TUESDAY, plh=HUKUM))
    item = await o.open_item()  # the step begins with the Plh holding the role
    assert await o.cards(item) == [HUKUM]

    o.clock.set(local(2026, 11, 25, 10, 0))  # Wednesday: the leave ended while away
    await o.start()
    assert await o.cards(item) == [HUKUM, KASUBBAG]
    assert await o.alarms(item) == []

    # step 1 was due on Tuesday: the reminder goes to the kasubbag, not to the Plh
    assert await o.reminders().send_due(o.clock.now()) == 1
    reminded = await o.reminded(item)
    assert [(chat, overseer) for chat, overseer, _ in reminded] == [
        (KASUBBAG, False),
        (SEKRETARIS, True),
    ]
    assert all(people.KASUBBAG.name in who and people.HUKUM.name not in who for *_, who in reminded)


async def test_during_the_period_the_reminder_goes_to_the_plh_not_the_absent_member(
    o: Office,
) -> None:
    item = await o.open_item()  # Monday: the kasubbag's card
    await o.record(leave(TUESDAY, WEDNESDAY, plh=HUKUM))
    o.clock.set(local(2026, 11, 24, 10, 0))  # Tuesday: step 1 is overdue
    assert await o.service.new_day() is True
    assert await o.cards(item) == [KASUBBAG, HUKUM]

    assert await o.reminders().send_due(o.clock.now()) == 1
    reminded = await o.reminded(item)
    assert [(chat, overseer) for chat, overseer, _ in reminded] == [
        (HUKUM, False),
        (SEKRETARIS, True),
    ]
    assert all(people.HUKUM.name in who and people.KASUBBAG.name not in who for *_, who in reminded)
    # and the Plh may act on it
    decision = Decision(Action.DIRECT, "materi", 0, notes="Infografis 1 halaman")
    await o.service.decisions.decide(o.service.actor(HUKUM), item, decision)
