"""The reports sent without being asked (issue 15), through the service on a real database:
when each is owed, that it is owed once whatever races or restarts, that a month gone by is
not made up for, and that one nobody can receive waits without the scheduler spinning."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.config import ReportSettings
from bot.domain.periods import Period, PeriodKind, semester, year
from bot.service.directory import Directory
from bot.service.payloads import OutboxKind, ReportJob, ReportPurpose, from_json
from bot.service.report_schedule import ReportSchedule, Scheduled
from tests.service_fixtures import MEMBERS, SEKRETARIS, Office, local, office

APRIL = ReportSettings(review_month=4)  # the month of SOP No. 3/2022's date


@pytest.fixture
async def o(tmp_path: Path) -> AsyncIterator[Office]:
    async with office(tmp_path) as built:
        yield built


def schedule(
    o: Office, settings: ReportSettings = APRIL, *, sekretaris: bool = True
) -> ReportSchedule:
    members = [m for m in MEMBERS if sekretaris or m.user_id != SEKRETARIS]
    ctx = replace(o.service.context, directory=Directory(members, {}))
    return ReportSchedule(ctx, settings)


async def reports_owed(o: Office) -> list[tuple[int, ReportJob]]:
    return [
        (chat, job)
        for chat, kind, payload in await o.new_outbox()
        if kind == OutboxKind.REPORT and isinstance(job := from_json(kind, payload), ReportJob)
    ]


async def test_each_is_owed_at_the_opening_of_its_months_first_working_day(o: Office) -> None:
    s = schedule(o)
    # 1 January 2027 is a holiday, then a weekend: Monday the 4th
    assert s.owed_in(2027, 1) == [
        Scheduled(
            "semester:2026-S2",
            ReportPurpose.SEMESTER,
            semester(2026, 2),
            local(2027, 1, 4, 7, 30),
            ("sekretaris",),
        )
    ]
    assert [(x.key, x.period, x.at) for x in s.owed_in(2027, 7)] == [
        ("semester:2027-S1", semester(2027, 1), local(2027, 7, 1, 7, 30))
    ]
    (review,) = s.owed_in(2027, 4)
    assert (review.key, review.purpose, review.roles) == (
        "review:2027",
        ReportPurpose.REVIEW,
        ("sekretaris", "kasubbag"),
    )
    assert review.period == Period(PeriodKind.DATES, date(2026, 4, 1), date(2027, 3, 31))
    assert s.owed_in(2027, 2) == []
    # reviewed in January: the previous calendar year, beside the semester report
    january = schedule(o, ReportSettings(review_month=1)).owed_in(2027, 1)
    assert [(x.key, x.period) for x in january] == [
        ("semester:2026-S2", semester(2026, 2)),
        ("review:2027", year(2026)),
    ]
    assert schedule(o, ReportSettings(schedule=False)).owed_in(2027, 1) == []


async def test_each_is_owed_once_whatever_races_and_restarts(o: Office) -> None:
    s = schedule(o)
    o.clock.set(local(2027, 1, 4, 7, 0))  # before the opening: not yet
    assert await s.send_due(o.clock.now()) == 0
    assert await s.next_at(o.clock.now()) == local(2027, 1, 4, 7, 30)

    o.clock.set(local(2027, 1, 4, 9, 0))
    now = o.clock.now()
    assert sum(await asyncio.gather(s.send_due(now), s.send_due(now))) == 1
    assert await schedule(o).send_due(now) == 0  # as after a restart
    assert await reports_owed(o) == [
        (
            SEKRETARIS,
            ReportJob(ReportPurpose.SEMESTER, "semester", date(2026, 7, 1), date(2026, 12, 31)),
        )
    ]
    assert await s.next_at(now) is None  # nothing more this month or the next

    o.clock.set(local(2027, 3, 15, 9, 0))
    assert await s.next_at(o.clock.now()) == local(2027, 4, 1, 7, 30)  # the review, next
    o.clock.set(local(2027, 4, 20, 10, 0))  # the bot was down on the 1st: at its start
    assert await s.next_at(o.clock.now()) == local(2027, 4, 1, 7, 30)
    assert await s.send_due(o.clock.now()) == 1
    assert sorted(chat for chat, _ in await reports_owed(o)) == sorted(
        [SEKRETARIS, *(m.user_id for m in MEMBERS if "kasubbag" in m.roles)]
    )


async def test_a_month_gone_by_is_not_made_up_for(o: Office) -> None:
    s = schedule(o)
    o.clock.set(local(2027, 2, 1, 9, 0))  # the bot was down all January
    assert await s.send_due(o.clock.now()) == 0
    assert await reports_owed(o) == []


async def test_one_nobody_can_receive_waits_and_the_scheduler_does_not_spin(o: Office) -> None:
    o.clock.set(local(2027, 1, 4, 9, 0))
    now = o.clock.now()
    nobody = schedule(o, sekretaris=False)  # no sekretaris today (away, no Plh)
    assert await nobody.send_due(now) == 0
    assert await nobody.next_at(now) is None  # not "at once" again and again
    # the sekretaris is back: owed at once, and sent
    back = schedule(o)
    assert await back.next_at(now) == local(2027, 1, 4, 7, 30)
    assert await back.send_due(now) == 1
    assert [chat for chat, _ in await reports_owed(o)] == [SEKRETARIS]
