"""Issue 14's day change end to end: a leave that begins at the office's midnight hands the open
card to the Plh at midnight, by itself (no message, no clock move wakes the bot); a leave that
began while the bot was stopped is an alarm at the next start, and only once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot import texts
from bot.config import parse_config
from localbotapi import BotMessage, LocalBotApi
from tests.flows import brief_for, give_direction, open_item
from tests.harness import (
    HUKUM,
    KASUBBAG,
    MONDAY_MORNING,
    OFFICE,
    OPERATOR,
    SEKRETARIS,
    TOKEN,
    Harness,
    config_data,
)
from tests.running_clock import RunningClock
from tests.test_e2e_people import record_leave

ALARM = "Tidak ada yang dapat bertindak"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


@pytest.fixture
async def running(server: LocalBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot on a clock that runs by itself from where the test sets it."""
    config = parse_config(
        config_data(server, database_url), base_dir=tmp_path, environ={"JDIH_BOT_TOKEN": TOKEN}
    )
    h = Harness(server=server, config=config, clock=RunningClock(MONDAY_MORNING))
    await h.start_bot()
    try:
        yield h
    finally:
        await h.stop_bot()


def alarms_for(h: Harness, code: str) -> list[BotMessage]:
    return [
        m
        for m in h.server.sent
        if m.chat_id == SEKRETARIS.user_id and ALARM in m.body and code in m.body
    ]


async def test_the_plh_s_card_arrives_at_local_midnight_of_the_first_day(running: Harness) -> None:
    h = running
    code = await open_item(h)  # Monday: step 1 waits for the Kasubbag
    await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and texts.BTN_WRITE_DIRECTION in m.button_texts
    )
    await record_leave(h, "24/11/2026 - 25/11/2026", HUKUM)  # from Tuesday, Plh named
    await h.settle()
    evening = h.mark()
    h.clock.set(local(2026, 11, 23, 23, 59, 58))  # two seconds before Tuesday
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == HUKUM.user_id
            and code in m.body
            and texts.BTN_WRITE_DIRECTION in m.button_texts
        ),
        timeout=6,
    )
    arrived = h.clock.now().astimezone(OFFICE)
    assert h.server.sent.index(card) >= evening
    assert arrived.date() == date(2026, 11, 24) and arrived.time() < time(0, 0, 6)

    await give_direction(h, code, who=HUKUM)  # the Plh acts on it
    await brief_for(h, code, OPERATOR)


async def test_a_leave_that_began_while_stopped_is_an_alarm_at_start_once(
    harness: Harness,
) -> None:
    h = harness
    code = await open_item(h)  # Monday: step 1 waits for the Kasubbag
    await record_leave(h, "24/11/2026 - 25/11/2026", None)  # from Tuesday, nobody to act
    await h.settle()
    assert alarms_for(h, code) == []  # he is here today
    await h.stop_bot()

    h.clock.set(local(2026, 11, 24, 10, 0))  # the bot was stopped over Tuesday's midnight
    await h.start_bot()
    alarm = await h.server.wait_for(
        lambda m: m.chat_id == SEKRETARIS.user_id and ALARM in m.body and code in m.body
    )
    assert h.config.sop.role_title("kasubbag") in alarm.body
    assert h.config.sop.step("materi").title in alarm.body  # the step, named
    await h.settle()

    await h.stop_bot()
    h.clock.set(local(2026, 11, 25, 10, 0))  # started again the next day, still nobody
    await h.start_bot()
    await h.settle()
    assert len(alarms_for(h, code)) == 1
