"""Office time end to end: the posting (the output of SOP step 5) has step 5's limit and is
reminded, never during the lunch break; stale holiday data is told to the admins at start,
through the outbox, once a day. The real bot, the local Bot API server, a hand-moved clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

from bot import texts
from bot.config import parse_config
from bot.domain.clock import ManualClock
from bot.domain.worktime import WorkCalendar, indonesian_holidays
from localbotapi import LocalBotApi
from tests import flows
from tests.harness import (
    KASUBBAG,
    MONDAY_MORNING,
    OFFICE,
    OPERATOR,
    OPERATOR2,
    SEKRETARIS,
    TOKEN,
    Harness,
    config_data,
)
from tests.test_e2e_reminders import REMINDER, nothing_owed, reminders_in, settled

WARNING = "Data hari libur perlu diperbarui"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


async def test_the_posting_is_due_10_working_minutes_after_the_order_across_the_break(
    harness: Harness,
) -> None:
    h = harness
    h.clock.set(local(2026, 11, 23, 11, 55))  # Monday, five minutes before the lunch break
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)  # the posting starts at 11:55: due 13:05
    await settled(h)
    before = h.mark()

    h.clock.set(local(2026, 11, 23, 12, 30))  # in the break: nothing is owed, nothing is sent
    await settled(h)
    h.clock.set(local(2026, 11, 23, 13, 4))
    await settled(h)
    assert await nothing_owed(h)
    assert [reminders_in(h, p, before) for p in (OPERATOR, OPERATOR2, SEKRETARIS)] == [[]] * 3

    h.clock.set(local(2026, 11, 23, 13, 15))
    for operator in (OPERATOR, OPERATOR2):
        reminder = await h.server.wait_for_message(
            operator.user_id, contains=REMINDER, after=before
        )
        assert code in reminder.body
        assert "Langkah 5: Mengunggah konten dan melaporkan tautan" in reminder.body
        assert "sudah lewat 10 menit kerja" in reminder.body
        assert texts.fmt_moment(local(2026, 11, 23, 13, 5), h.config.timezone) in reminder.body
    overseer = await h.server.wait_for_message(SEKRETARIS.user_id, contains=REMINDER, after=before)
    assert code in overseer.body and "Langkah 5: Mengunggah" in overseer.body
    assert reminders_in(h, KASUBBAG, before) == []  # the direction was given in time
    # and the current holiday data warned nobody at start
    assert not [m for m in h.server.sent if WARNING in m.body]


def holidays_0_98(year: int, categories: tuple[str, ...]) -> Mapping[date, str]:
    """`holidays` 0.98 and older: no cuti bersama from 2026 on."""
    if year >= 2026:
        categories = tuple(c for c in categories if c != "government")
    return indonesian_holidays(year, categories) if categories else {}


async def test_stale_holiday_data_warns_the_admins_at_start_once_a_day(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    config = parse_config(
        config_data(server, database_url), base_dir=tmp_path, environ={"JDIH_BOT_TOKEN": TOKEN}
    )
    stale = WorkCalendar(timezone=OFFICE.key, holiday_source=holidays_0_98)
    h = Harness(
        server=server,
        config=dataclasses.replace(config, calendar=stale),
        clock=ManualClock(MONDAY_MORNING),
    )
    await h.start_bot()
    try:
        warning = await server.wait_for_message(KASUBBAG.user_id, contains=WARNING)  # the admin
        assert "cuti bersama tahun 2026 dan 2027" in warning.body
        assert "scripts/lock --upgrade-package holidays" in warning.body
        await h.settle()
        assert [m.chat_id for m in server.sent if WARNING in m.body] == [KASUBBAG.user_id]

        await h.stop_bot()  # restarted the same day: not told again
        await h.start_bot()
        await h.settle()
        assert len([m for m in server.sent if WARNING in m.body]) == 1

        await h.stop_bot()  # the next day, still stale: told again
        h.clock.advance(timedelta(days=1))
        before = h.mark()
        await h.start_bot()
        await server.wait_for_message(KASUBBAG.user_id, contains=WARNING, after=before)
    finally:
        await h.stop_bot()
