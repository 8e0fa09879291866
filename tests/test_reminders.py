"""Overdue reminders and the secretary's daily digest, without Telegram: the interval and the
rounds in office time, then the ReminderService on a real database (SQLite, or PostgreSQL with
JDIH_TEST_POSTGRES_URL set): one reminder per round whatever races or restarts, none for a step
done in time or a cancelled item, a cap, and a digest once per working day."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import RESPONSIBLE, ReminderSettings
from bot.delivery.scheduler import ReminderScheduler
from bot.domain.limits import Limit, LimitUnit
from bot.domain.sop import load_default_sop
from bot.domain.workflow import Action, Decision
from bot.domain.worktime import OfficeHours, WorkCalendar
from bot.service.directory import Directory
from bot.service.payloads import OutboxKind, from_json
from bot.service.reminders import MIN_INTERVAL, ReminderService, reminder_interval, round_times
from handlers.reports import render_digest
from storage.models import Item, ReminderSent
from tests.service_fixtures import (
    KASUBBAG,
    LINK,
    MEMBERS,
    MONDAY_MORNING,
    OFFICE,
    OPERATOR,
    OPERATOR2,
    SEKRETARIS,
    Office,
    local,
    office,
)

SOP = load_default_sop()
CALENDAR = WorkCalendar(timezone="Asia/Pontianak")
DEFAULTS = ReminderSettings()
OPERATORS = "Sari Operator, Dedi Operator"


def minutes(n: int) -> Limit:
    return Limit(n, LimitUnit.MINUTES)


# --- the interval between rounds -----------------------------------------------------------


def test_a_configured_interval_wins_over_the_steps_limit() -> None:
    settings = ReminderSettings(interval=Limit(2, LimitUnit.HOURS))

    assert reminder_interval(SOP.step("desain"), settings) == Limit(2, LimitUnit.HOURS)
    assert reminder_interval(SOP.step("materi"), settings) == Limit(2, LimitUnit.HOURS)


def test_without_a_configured_interval_the_steps_own_limit_is_used() -> None:
    assert reminder_interval(SOP.step("desain"), DEFAULTS) == minutes(30)
    assert reminder_interval(SOP.step("periksa"), DEFAULTS) == minutes(15)


def test_the_interval_is_never_below_fifteen_minutes() -> None:
    assert reminder_interval(SOP.step("unggah"), DEFAULTS) == minutes(15)  # its limit: 10 min
    assert reminder_interval(SOP.step("desain"), ReminderSettings(interval=minutes(5))) == (
        MIN_INTERVAL
    )
    assert reminder_interval(SOP.step("posting"), DEFAULTS) == MIN_INTERVAL  # no limit at all


def test_working_day_limits_stay_working_days() -> None:
    one_day = Limit(1, LimitUnit.WORKING_DAYS)
    assert reminder_interval(SOP.step("materi"), DEFAULTS) == one_day
    assert reminder_interval(SOP.step("desain"), ReminderSettings(interval=one_day)) == one_day


# --- when the rounds fall --------------------------------------------------------------------


def test_a_step_due_friday_at_closing_is_first_reminded_at_monday_opening() -> None:
    times = round_times(local(2026, 11, 27, 16, 30), minutes(30), 3, CALENDAR)

    assert times == [
        local(2026, 11, 30, 7, 30),
        local(2026, 11, 30, 8, 0),
        local(2026, 11, 30, 8, 30),
    ]
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in times)


def test_rounds_are_one_interval_of_office_time_apart_across_a_night() -> None:
    times = round_times(local(2026, 11, 26, 15, 45), minutes(30), 4, CALENDAR)  # Thursday

    assert times == [
        local(2026, 11, 26, 15, 45),
        local(2026, 11, 27, 7, 45),  # 15 minutes before Thursday's closing, 15 on Friday
        local(2026, 11, 27, 8, 15),
        local(2026, 11, 27, 8, 45),
    ]


def test_rounds_skip_nyepi_and_idul_fitri_2026() -> None:
    # 18-24 March 2026: cuti bersama Nyepi, Nyepi, Idul Fitri and its cuti bersama, a weekend.
    # Tuesday 17 March is in Ramadan: the office closes at 15:00.
    times = round_times(local(2026, 3, 17, 14, 50), minutes(30), 2, CALENDAR)
    assert times == [local(2026, 3, 17, 14, 50), local(2026, 3, 25, 7, 50)]

    due_at_closing = round_times(local(2026, 3, 17, 15, 0), minutes(30), 2, CALENDAR)
    assert due_at_closing == [local(2026, 3, 25, 7, 30), local(2026, 3, 25, 8, 0)]


def test_working_day_rounds_skip_the_holidays() -> None:
    one_day = Limit(1, LimitUnit.WORKING_DAYS)
    times = round_times(local(2026, 3, 16, 10, 0), one_day, 3, CALENDAR)

    assert times == [
        local(2026, 3, 16, 10, 0),
        local(2026, 3, 17, 10, 0),
        local(2026, 3, 25, 10, 0),
    ]


# --- the service on a database ---------------------------------------------------------------


@pytest.fixture
async def o(tmp_path: Path) -> AsyncIterator[Office]:
    async with office(tmp_path) as built:
        yield built


def reminders(o: Office, **settings: Any) -> ReminderService:
    return ReminderService(
        o.factory, SOP, Directory(MEMBERS, {}), CALENDAR, replace(DEFAULTS, **settings)
    )


async def sent_rows(o: Office) -> list[tuple[int, str, int, int]]:
    async with o.factory() as session:
        rows = await session.scalars(select(ReminderSent).order_by(ReminderSent.id))
        return [(r.item_id, r.step_key, r.round, r.late_minutes) for r in rows]


async def reminder_outbox(o: Office) -> list[tuple[int, dict[str, Any]]]:
    return [(chat, p) for chat, kind, p in await o.new_outbox() if kind == "reminder"]


async def test_an_overdue_step_is_reminded_once_to_operators_and_the_sekretaris(o: Office) -> None:
    item_id = await o.at_desain()  # due 09:30
    code = (await o.item(item_id)).code
    await o.new_outbox()
    service = reminders(o)
    o.clock.set(local(2026, 11, 23, 9, 40))

    assert await service.send_due(o.clock.now()) == 1

    assert await sent_rows(o) == [(item_id, "desain", 1, 10)]
    sent = await reminder_outbox(o)
    assert [chat for chat, _ in sent] == [OPERATOR, OPERATOR2, SEKRETARIS]
    for chat, payload in sent:
        assert payload["overseer"] is (chat == SEKRETARIS)
        assert (payload["code"], payload["step"], payload["round"]) == (code, "desain", 1)
        assert (payload["late_minutes"], payload["who"]) == (10, OPERATORS)
    assert (await o.item(item_id)).remind_at == local(2026, 11, 23, 10, 0)  # round 2 is next


async def test_sending_twice_at_the_same_time_sends_once(o: Office) -> None:
    await o.at_desain()
    await o.new_outbox()
    service = reminders(o)
    now = local(2026, 11, 23, 9, 45).astimezone(UTC)

    assert [await service.send_due(now), await service.send_due(now)] == [1, 0]
    assert await reminders(o).send_due(now) == 0  # nor after a restart

    assert len(await sent_rows(o)) == 1
    assert len(await reminder_outbox(o)) == 3


async def test_ten_simultaneous_ticks_send_once(o: Office) -> None:
    await o.at_desain()
    await o.new_outbox()
    now = local(2026, 11, 23, 9, 45).astimezone(UTC)
    services = [reminders(o) for _ in range(10)]  # as if ten processes ticked at once

    counts = await asyncio.gather(*(s.send_due(now) for s in services))

    assert sum(counts) == 1
    assert len(await sent_rows(o)) == 1
    assert sorted(chat for chat, _ in await reminder_outbox(o)) == [OPERATOR, OPERATOR2, SEKRETARIS]


async def test_after_downtime_only_the_latest_round_is_sent(o: Office) -> None:
    item_id = await o.at_desain()  # rounds at 09:30, 10:00, 10:30, 11:00, 11:30
    await o.new_outbox()
    service = reminders(o, max_rounds=5)
    now = local(2026, 11, 23, 11, 5)  # the bot was down for three intervals after the due time

    assert await service.send_due(now) == 1

    assert await sent_rows(o) == [(item_id, "desain", 4, 95)]
    assert {p["round"] for _, p in await reminder_outbox(o)} == {4}
    assert (await o.item(item_id)).remind_at == local(2026, 11, 23, 11, 30)
    assert await service.send_due(local(2026, 11, 23, 11, 29)) == 0
    assert await service.send_due(local(2026, 11, 23, 11, 30)) == 1
    assert [r[2] for r in await sent_rows(o)] == [4, 5]


async def test_a_step_done_before_its_due_time_gets_no_reminder(o: Office) -> None:
    item_id = await o.at_desain()  # desain due 09:30
    o.clock.set(local(2026, 11, 23, 9, 20))
    await o.design(item_id)  # periksa due 09:35
    service = reminders(o)

    assert await service.send_due(local(2026, 11, 23, 9, 31)) == 0
    assert await sent_rows(o) == []
    # what is reminded later is the check, never the finished design step
    assert await service.send_due(local(2026, 11, 23, 9, 40)) == 1
    assert await sent_rows(o) == [(item_id, "periksa", 1, 5)]


async def test_a_cancelled_item_gets_no_reminder(o: Office) -> None:
    item_id = await o.at_desain()
    cancel = Decision(Action.CANCEL, None, None, notes="Materi ditarik")
    await o.service.decisions.decide(o.who(KASUBBAG), item_id, cancel)
    service = reminders(o)

    assert await service.send_due(local(2026, 11, 23, 10, 0)) == 0
    assert await service.send_due(local(2026, 11, 24, 10, 0)) == 0

    assert await sent_rows(o) == []
    assert (await o.item(item_id)).status == "cancelled"
    assert await reminders(o, digest=False).next_wakeup(local(2026, 11, 23, 10, 0)) is None


async def test_max_rounds_caps_the_reminders(o: Office) -> None:
    item_id = await o.at_desain()
    service = reminders(o, max_rounds=2)

    for hh, mm in ((9, 30), (9, 45), (10, 0), (10, 30), (11, 0), (15, 0)):
        await service.send_due(local(2026, 11, 23, hh, mm))
    await service.send_due(local(2026, 11, 25, 10, 0))

    assert [(r[2], r[3]) for r in await sent_rows(o)] == [(1, 0), (2, 30)]
    assert (await o.item(item_id)).remind_at is None
    assert await reminders(o, max_rounds=2, digest=False).next_wakeup(o.clock.now()) is None


async def test_disabled_reminders_send_nothing(o: Office) -> None:
    await o.at_desain()
    service = reminders(o, enabled=False)

    assert await service.send_due(local(2026, 11, 23, 11, 0)) == 0

    assert await sent_rows(o) == []
    assert await reminders(o, enabled=False, digest=False).next_wakeup(o.clock.now()) is None


async def test_notify_only_the_responsible_role(o: Office) -> None:
    await o.at_desain()
    await o.new_outbox()

    assert await reminders(o, notify=(RESPONSIBLE,)).send_due(local(2026, 11, 23, 9, 40)) == 1

    assert [chat for chat, _ in await reminder_outbox(o)] == [OPERATOR, OPERATOR2]


async def test_a_step_visited_again_is_reminded_anew(o: Office) -> None:
    item_id = await o.at_periksa()  # periksa due 09:15
    service = reminders(o)
    o.clock.set(local(2026, 11, 23, 9, 20))
    assert await service.send_due(o.clock.now()) == 1
    await o.review(item_id, "periksa", 1, back=True)  # back to desain at 09:20, due 09:50
    o.clock.set(local(2026, 11, 23, 9, 30))
    await o.design(item_id)  # periksa again at 09:30, due 09:45

    assert await service.send_due(local(2026, 11, 23, 9, 50)) == 1

    assert await sent_rows(o) == [(item_id, "periksa", 1, 5), (item_id, "periksa", 1, 5)]


# --- the daily digest ----------------------------------------------------------------------


async def digests(o: Office) -> list[tuple[int, dict[str, Any]]]:
    return [(chat, p) for chat, kind, p in await o.new_outbox() if kind == "digest"]


async def publish(o: Office, title: str) -> int:
    item_id = await o.open_item(title)
    await o.direct(item_id)
    await o.design(item_id)
    await o.review(item_id, "periksa", 1)
    await o.review(item_id, "setuju", 1)
    await o.service.decisions.decide(
        o.who(KASUBBAG), item_id, Decision(Action.ORDER_UPLOAD, "unggah", 1)
    )
    posted = Decision(Action.REPORT_POSTED, "posting", 1, links=(LINK,))
    await o.service.decisions.decide(o.who(OPERATOR), item_id, posted)
    return item_id


async def test_the_digest_goes_out_once_per_working_day(o: Office) -> None:
    service = reminders(o)

    assert await service.send_digest_if_due(MONDAY_MORNING) is True  # started after opening
    assert await service.send_digest_if_due(local(2026, 11, 23, 15, 0)) is False
    assert await reminders(o).send_digest_if_due(local(2026, 11, 23, 15, 0)) is False
    assert await service.send_digest_if_due(local(2026, 11, 24, 7, 29)) is False
    assert await service.send_digest_if_due(local(2026, 11, 24, 7, 30)) is True
    assert await service.send_digest_if_due(local(2026, 11, 24, 7, 31)) is False

    sent = await digests(o)
    assert [(chat, p["day"]) for chat, p in sent] == [
        (SEKRETARIS, "2026-11-23"),
        (SEKRETARIS, "2026-11-24"),
    ]


async def test_simultaneous_ticks_send_one_digest(o: Office) -> None:
    now = local(2026, 11, 24, 7, 30)
    results = await asyncio.gather(*(reminders(o).send_digest_if_due(now) for _ in range(10)))

    assert results.count(True) == 1
    assert len(await digests(o)) == 1


async def test_no_digest_on_a_saturday_or_a_holiday(o: Office) -> None:
    service = reminders(o)

    assert await service.send_digest_if_due(local(2026, 11, 28, 10, 0)) is False  # Saturday
    assert await service.send_digest_if_due(local(2026, 11, 29, 10, 0)) is False  # Sunday
    assert await service.send_digest_if_due(local(2026, 3, 20, 10, 0)) is False  # Idul Fitri
    assert await digests(o) == []
    assert await reminders(o, digest=False).send_digest_if_due(MONDAY_MORNING) is False


async def test_the_digest_lists_overdue_items_first_and_yesterdays_publications(
    o: Office,
) -> None:
    waiting = await o.open_item("Keputusan KPU tentang JDIH")  # materi: due Tuesday 09:00
    overdue = await o.at_desain()  # desain: due Monday 09:30
    published = await publish(o, "PKPU Nomor 9 Tahun 2026")
    codes = {i: (await o.item(i)).code for i in (waiting, overdue, published)}
    await o.new_outbox()
    o.clock.set(local(2026, 11, 24, 7, 30))

    assert await reminders(o).send_digest_if_due(o.clock.now()) is True

    [(chat, payload)] = await digests(o)
    assert chat == SEKRETARIS
    assert (payload["day"], payload["previous"]) == ("2026-11-24", "2026-11-23")
    rows = {row["code"]: row for row in payload["active"]}
    assert set(rows) == {codes[waiting], codes[overdue]}
    assert rows[codes[overdue]]["overdue"] and rows[codes[overdue]]["who"] == OPERATORS
    assert not rows[codes[waiting]]["overdue"]
    assert payload["published"] == [{"code": codes[published], "title": "PKPU Nomor 9 Tahun 2026"}]

    text = render_digest(from_json(OutboxKind.DIGEST, payload), SOP, OFFICE)
    first_overdue = text.index(codes[overdue])
    assert text.index("Terlambat") < first_overdue < text.index(codes[waiting])
    assert "Admin/Operator Media Sosial (Sari Operator, Dedi Operator)" in text
    assert "Dipublikasikan sejak Senin, 23 November 2026" in text
    assert text.index(codes[published]) > text.index("Dipublikasikan")


async def test_the_monday_digest_lists_fridays_publications(o: Office) -> None:
    o.clock.set(local(2026, 11, 27, 14, 0))  # Friday
    published = await publish(o, "PKPU Nomor 9 Tahun 2026")
    await o.new_outbox()
    o.clock.set(local(2026, 11, 30, 7, 30))

    assert await reminders(o).send_digest_if_due(o.clock.now()) is True

    [(_, payload)] = await digests(o)
    assert payload["previous"] == "2026-11-27"
    assert [row["code"] for row in payload["published"]] == [(await o.item(published)).code]
    assert payload["active"] == []


async def test_the_next_digest_after_a_friday_evening_is_mondays_opening(o: Office) -> None:
    service = reminders(o)
    friday_evening = local(2026, 11, 27, 19, 0)
    assert await service.send_digest_if_due(local(2026, 11, 27, 7, 30)) is True

    assert await service.next_digest_at(friday_evening) == local(2026, 11, 30, 7, 30)
    assert await service.next_digest_at(local(2026, 11, 28, 10, 0)) == local(2026, 11, 30, 7, 30)
    assert await service.next_wakeup(friday_evening) == local(2026, 11, 30, 7, 30)


async def test_the_next_digest_after_a_holiday_eve_skips_the_holidays(o: Office) -> None:
    service = reminders(o)
    assert await service.send_digest_if_due(local(2026, 3, 17, 7, 30)) is False  # Ramadan: 08:00
    assert await service.send_digest_if_due(local(2026, 3, 17, 8, 0)) is True

    assert await service.next_digest_at(local(2026, 3, 17, 17, 0)) == local(2026, 3, 25, 7, 30)


async def test_a_configured_digest_time_is_used(o: Office) -> None:
    service = reminders(o, digest_time=time(8, 15))
    assert await service.next_digest_at(local(2026, 11, 24, 6, 0)) == local(2026, 11, 24, 8, 15)
    assert await service.send_digest_if_due(local(2026, 11, 24, 8, 0)) is False
    assert await service.send_digest_if_due(local(2026, 11, 24, 8, 15)) is True


async def test_the_stored_due_times_are_what_reminders_are_derived_from(o: Office) -> None:
    item_id = await o.at_desain()
    async with o.factory() as session:
        item = await session.get(Item, item_id)
        assert item is not None
        assert (item.step_due_at, item.remind_at) == (
            local(2026, 11, 23, 9, 30),
            local(2026, 11, 23, 9, 30),
        )
    o.clock.set(local(2026, 11, 27, 16, 15))  # Friday: the check falls due at closing
    await o.design(item_id)
    item = await o.item(item_id)
    assert item.step_due_at == local(2026, 11, 27, 16, 30)
    assert item.remind_at == local(2026, 11, 30, 7, 30)  # first reminder at Monday's opening
    service = reminders(o)
    assert await service.send_due(local(2026, 11, 28, 10, 0)) == 0  # Saturday: nothing
    assert await service.send_due(local(2026, 11, 30, 7, 30)) == 1
    assert await sent_rows(o) == [(item_id, "periksa", 1, 0)]


# --- calendar edges: a changed calendar, closing time, the weekend ----------------------------


async def test_a_changed_calendar_postpones_the_first_round_instead_of_failing(o: Office) -> None:
    item_id = await o.at_desain()  # due 09:30, first round stored for 09:30
    other = await o.at_desain()
    # The office now opens at 10:00 on Mondays (a new config after a restart).
    hours = dict(CALENDAR.hours) | {0: OfficeHours(time(10, 0), time(16, 0))}
    later = WorkCalendar(timezone="Asia/Pontianak", hours=hours)
    service = ReminderService(o.factory, SOP, Directory(MEMBERS, {}), later, DEFAULTS)

    assert await service.send_due(local(2026, 11, 23, 9, 45)) == 0  # closed now: no error

    assert await service.send_due(local(2026, 11, 23, 10, 0)) == 2
    assert {r[0] for r in await sent_rows(o)} == {item_id, other}


async def test_a_digest_time_after_closing_still_sends_that_days_digest(o: Office) -> None:
    service = reminders(o, digest_time=time(16, 15))  # Friday closes 16:30, Monday 16:00

    for moment in (
        local(2026, 11, 23, 16, 15),
        local(2026, 11, 23, 23, 0),
        local(2026, 11, 24, 7, 30),
        local(2026, 11, 24, 16, 15),
    ):
        await service.send_digest_if_due(moment)

    assert [p["day"] for _, p in await digests(o)] == ["2026-11-23", "2026-11-24"]


async def test_a_missed_round_caught_up_after_closing_waits_for_the_opening(o: Office) -> None:
    await o.at_desain()  # rounds at 09:30, 10:00, 10:30 on Monday; the bot was down all day
    service = reminders(o)

    assert await service.send_due(local(2026, 11, 23, 20, 0)) == 0
    assert await reminders(o, digest=False).next_wakeup(local(2026, 11, 23, 20, 0)) == (
        local(2026, 11, 24, 7, 30)
    )
    assert await service.send_due(local(2026, 11, 24, 7, 30)) == 1
    assert [r[2] for r in await sent_rows(o)] == [3]


async def test_the_monday_digest_lists_what_was_published_over_the_weekend(o: Office) -> None:
    o.clock.set(local(2026, 11, 28, 10, 0))  # Saturday: the operator posts and reports it
    published = await publish(o, "Ucapan Hari Guru Nasional")
    await o.new_outbox()
    o.clock.set(local(2026, 11, 30, 7, 30))

    assert await reminders(o).send_digest_if_due(o.clock.now()) is True

    [(_, payload)] = await digests(o)
    assert [row["code"] for row in payload["published"]] == [(await o.item(published)).code]


# --- the scheduler: one APScheduler job, never lost -----------------------------------------


class WallClock:
    """Moves without telling anyone, like the system clock (no subscribe)."""

    def __init__(self, start: datetime) -> None:
        self.instant = start.astimezone(UTC)

    def now(self) -> datetime:
        return self.instant


async def sent_soon(o: Office, count: int) -> list[tuple[int, str, int, int]]:
    for _ in range(50):
        rows = await sent_rows(o)
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.02)
    return await sent_rows(o)


def gated(
    method: Callable[..., Awaitable[Any]], which: int
) -> tuple[Callable[..., Awaitable[Any]], asyncio.Event, asyncio.Event]:
    """`method`, whose `which`-th call waits at its start until the gate opens."""
    entered, gate = asyncio.Event(), asyncio.Event()
    calls = 0

    async def wrapper(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == which:
            entered.set()
            await gate.wait()
        return await method(*args)

    return wrapper, entered, gate


async def test_a_commit_moves_the_planned_look_only_for_an_earlier_reminder_without_a_query(
    o: Office,
) -> None:
    await o.at_desain()  # due 09:30: the one look planned
    service = reminders(o, digest=False)
    looks: list[datetime] = []
    next_wakeup = service.next_wakeup

    async def counted(now: datetime) -> datetime | None:
        looks.append(now)
        return await next_wakeup(now)

    service.next_wakeup = counted  # type: ignore[method-assign]
    scheduler = ReminderScheduler(service, o.clock, lambda: None)
    await scheduler.start()
    try:
        planned = scheduler.next_look()
        assert planned is not None and len(looks) == 1
        scheduler.reminder_set(None)  # a commit that set no reminder
        scheduler.reminder_set(local(2026, 11, 23, 10, 0))  # later than 09:30
        assert scheduler.next_look() == planned
        scheduler.reminder_set(local(2026, 11, 23, 9, 15))  # earlier: the look moves to it
        moved = scheduler.next_look()
        assert moved is not None
        assert planned - moved == pytest.approx(timedelta(minutes=15), abs=timedelta(seconds=5))
        assert len(looks) == 1  # never a query
    finally:
        await scheduler.stop()


async def test_a_clock_move_while_a_tick_sends_is_not_lost(o: Office) -> None:
    item_id = await o.at_desain()  # due 09:30
    service = reminders(o, digest=False)
    service.send_due, entered, gate = gated(service.send_due, 1)  # type: ignore[method-assign]
    scheduler = ReminderScheduler(service, o.clock, lambda: None)
    await scheduler.start()
    try:
        scheduler.poke()  # a decision at 09:00; its tick is still reading the database...
        await asyncio.wait_for(entered.wait(), 2)
        o.clock.set(local(2026, 11, 23, 9, 40))  # ...when the clock passes the due time
        gate.set()
        rows = await sent_soon(o, 1)
    finally:
        await scheduler.stop()

    assert rows == [(item_id, "desain", 1, 10)]


async def test_a_clock_move_while_a_tick_reschedules_is_not_lost(o: Office) -> None:
    item_id = await o.at_desain()  # due 09:30
    service = reminders(o, digest=False)
    # call 1: start(); call 2: the reschedule at the end of the first tick
    service.next_wakeup, entered, gate = gated(service.next_wakeup, 2)  # type: ignore[method-assign]
    scheduler = ReminderScheduler(service, o.clock, lambda: None)
    await scheduler.start()
    try:
        scheduler.poke()
        await asyncio.wait_for(entered.wait(), 2)
        o.clock.set(local(2026, 11, 23, 9, 40))
        gate.set()
        rows = await sent_soon(o, 1)
    finally:
        await scheduler.stop()

    assert rows == [(item_id, "desain", 1, 10)]


async def test_a_reminder_falling_due_during_a_tick_is_not_lost(o: Office) -> None:
    first = await o.at_desain()  # due 09:30
    o.clock.set(local(2026, 11, 23, 9, 5))
    second = await o.at_desain()  # due 09:35
    wall = WallClock(local(2026, 11, 23, 9, 32))
    service = reminders(o, digest=False)
    service.send_due, entered, gate = gated(service.send_due, 1)  # type: ignore[method-assign]
    scheduler = ReminderScheduler(service, wall, lambda: None)
    await scheduler.start()  # the first is owed: a tick at once
    try:
        await asyncio.wait_for(entered.wait(), 2)
        wall.instant = local(2026, 11, 23, 9, 36).astimezone(UTC)  # time passes meanwhile
        gate.set()
        rows = await sent_soon(o, 2)
    finally:
        await scheduler.stop()

    assert [(r[0], r[2]) for r in rows] == [(first, 1), (second, 1)]


async def test_without_an_overseer_the_digest_is_never_owed(o: Office) -> None:
    service = ReminderService(
        o.factory, replace(SOP, overseer=None), Directory(MEMBERS, {}), CALENDAR, DEFAULTS
    )

    assert await service.send_digest_if_due(MONDAY_MORNING) is False
    assert await service.next_wakeup(MONDAY_MORNING) is None
