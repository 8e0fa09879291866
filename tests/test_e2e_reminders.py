"""Overdue reminders and the daily digest end to end: the real bot, the local Bot API server, a
database, and a clock the tests move by hand (nobody waits real SOP minutes).

The harness clock starts on Monday 23 November 2026 at 09:00 in Pulang Pisau; the bot starts
after opening, so the sekretaris gets Monday's digest at once."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot import texts
from localbotapi import BotMessage
from storage.models import ReminderSent
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import (
    KASUBBAG,
    MEMBERS,
    OFFICE,
    OPERATOR,
    OPERATOR2,
    SEKRETARIS,
    Harness,
    Person,
)

REMINDER = "Pengingat"
DIGEST = "Ringkasan harian JDIH"
WHO_OPERATORS = "Yang harus bertindak: Admin/Operator Media Sosial (Sari Operator, Dedi Operator)"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


async def settled(h: Harness, seconds: float = 5.0) -> None:
    """Until the reminder scheduler has looked at the clock's current time and the bot has
    sent what that look owed: the basis of "and no reminder followed". The tests settle
    before moving the clock too, so that what a move causes is told apart from what was
    already on its way. (A scheduler that lost its job never rests; that a reminder arrives
    at all is what the tests that wait for one check.)"""
    deadline = time.monotonic() + seconds
    while not h.services.scheduler.at_rest():
        assert time.monotonic() < deadline, "the reminder scheduler did not come to rest"
        await asyncio.sleep(0.01)
    await h.server.wait_idle()


async def nothing_owed(h: Harness) -> bool:
    """Nothing is owed at the clock's time any more (a tick now would send nothing)."""
    return await h.services.scheduler.reminders.send_due(h.clock.now()) == 0


def reminders_in(h: Harness, who: Person, after: int = 0) -> list[BotMessage]:
    return [m for m in h.server.sent[after:] if m.chat_id == who.user_id and REMINDER in m.body]


async def first_after(
    h: Harness, after: int, predicate: Callable[[BotMessage], bool]
) -> BotMessage:
    return await h.server.wait_for(
        lambda m: predicate(m) and any(m is x for x in h.server.sent[after:])
    )


async def item_at_design(h: Harness) -> str:
    """An item whose direction is written at the current clock time: step 2 starts."""
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.brief_for(h, code, OPERATOR)
    return code


async def reminder_rows(h: Harness) -> int:
    async with h.services.service.context.factory() as session:
        return int(await session.scalar(select(func.count()).select_from(ReminderSent)) or 0)


async def test_an_overdue_design_reminds_the_operators_and_the_sekretaris(
    harness: Harness,
) -> None:
    h = harness
    code = await item_at_design(h)  # step 2 (30 minutes) due 09:30
    await settled(h)
    before = h.mark()

    h.clock.advance(timedelta(minutes=40))

    for operator in (OPERATOR, OPERATOR2):
        reminder = await h.server.wait_for_message(
            operator.user_id, contains=REMINDER, after=before
        )
        assert code in reminder.body and "(ke-1)" in reminder.body
        assert "Langkah 2: Membuat dan menyerahkan desain konten" in reminder.body
        assert "sudah lewat 10 menit kerja" in reminder.body
        assert "Senin, 23 November 2026 pukul 09.30 WIB" in reminder.body  # office time
        assert reminder.button_texts == [texts.BTN_SHOW_CARD]
    overseer = await h.server.wait_for_message(SEKRETARIS.user_id, contains=REMINDER, after=before)
    assert code in overseer.body and "sudah lewat 10 menit kerja" in overseer.body
    assert WHO_OPERATORS in overseer.body
    assert overseer.button_texts == [texts.BTN_SHOW_STATUS]  # to read, not to act
    await settled(h)
    assert [len(reminders_in(h, p, before)) for p in (OPERATOR, OPERATOR2, SEKRETARIS)] == [1] * 3
    assert reminders_in(h, KASUBBAG) == []  # not his step

    reminder = reminders_in(h, OPERATOR, before)[0]
    pressed = h.mark()
    answer = await h.press(OPERATOR, reminder, texts.BTN_SHOW_CARD)
    assert answer == texts.CARD_RESENT.format(code=code)
    card = await first_after(
        h,
        pressed,
        lambda m: (
            m.chat_id == OPERATOR.user_id
            and code in m.body
            and texts.BTN_UPLOAD_HERE in m.button_texts
        ),
    )
    assert "Langkah 2" in card.body
    # the card brought back works: the design goes in through it
    assert "versi 1" in await flows.submit_design(h, code)


async def test_a_step_completed_in_time_gets_no_reminder(harness: Harness) -> None:
    h = harness
    code = await item_at_design(h)  # design due 09:30
    await settled(h)
    h.clock.set(local(2026, 11, 23, 9, 20))
    await flows.submit_design(h, code)  # the check (15 minutes) is due 09:35
    await flows.review_card(h, code, 1, KASUBBAG)
    await settled(h)
    before = h.mark()

    h.clock.set(local(2026, 11, 23, 9, 31))  # past the design's old due time
    await settled(h)

    assert [reminders_in(h, p) for p in MEMBERS] == [[] for _ in MEMBERS]
    assert await reminder_rows(h) == 0
    assert await nothing_owed(h)
    assert h.server.sent[before:] == []

    h.clock.set(local(2026, 11, 23, 9, 36))  # the check is late now, and only the check
    reminder = await h.server.wait_for_message(KASUBBAG.user_id, contains=REMINDER, after=before)
    assert code in reminder.body and "Langkah 3" in reminder.body
    assert "sudah lewat 1 menit kerja" in reminder.body
    await settled(h)
    assert reminders_in(h, OPERATOR) == reminders_in(h, OPERATOR2) == []


async def test_a_check_due_at_friday_closing_is_reminded_at_monday_opening(
    harness: Harness,
) -> None:
    h = harness
    h.clock.set(local(2026, 11, 27, 16, 0))  # Friday; the office closes at 16:30
    code = await item_at_design(h)  # design due 16:30
    await settled(h)
    h.clock.set(local(2026, 11, 27, 16, 15))
    await flows.submit_design(h, code)  # the check (15 minutes) is due 16:30, at closing
    await flows.review_card(h, code, 1, KASUBBAG)
    await settled(h)
    before = h.mark()

    for moment in (
        local(2026, 11, 27, 16, 45),
        local(2026, 11, 28, 10, 0),
        local(2026, 11, 29, 12, 0),
        local(2026, 11, 30, 7, 29),
    ):
        h.clock.set(moment)  # Friday evening, Saturday, Sunday, a minute before opening
        await settled(h)
        assert [reminders_in(h, p, before) for p in MEMBERS] == [[] for _ in MEMBERS], moment
        assert await nothing_owed(h), moment
    assert await reminder_rows(h) == 0

    h.clock.set(local(2026, 11, 30, 7, 30))  # Monday's opening

    reminder = await h.server.wait_for_message(KASUBBAG.user_id, contains=REMINDER, after=before)
    assert code in reminder.body and "Langkah 3: Memeriksa desain konten" in reminder.body
    # no working time passed since the limit ran out at closing: no "0 menit" (issue 13)
    assert "Batas waktu habis Jumat, 27 November 2026 pukul 16.30 WIB." in reminder.body
    assert not re.search(r"\b0 menit", reminder.body)
    overseer = await h.server.wait_for_message(SEKRETARIS.user_id, contains=REMINDER, after=before)
    assert "Yang harus bertindak: Kasubbag Hukum / Ketua Tim Teknis (Budi Kasubbag)" in (
        overseer.body
    )
    await settled(h)
    assert [len(reminders_in(h, p, before)) for p in (KASUBBAG, SEKRETARIS)] == [1, 1]
    assert reminders_in(h, OPERATOR, before) == []


async def test_a_reminder_missed_while_the_bot_was_down_arrives_once_after_restart(
    harness: Harness,
) -> None:
    h = harness
    code = await item_at_design(h)  # design due 09:30; rounds at 09:30, 10:00, 10:30
    await settled(h)
    await h.stop_bot()
    h.clock.set(local(2026, 11, 23, 9, 45))  # it fell due while nobody was running
    before = h.mark()

    await h.start_bot()  # a new Application on the same database

    for person in (OPERATOR, OPERATOR2, SEKRETARIS):
        reminder = await h.server.wait_for_message(person.user_id, contains=REMINDER, after=before)
        assert code in reminder.body and "sudah lewat 15 menit kerja" in reminder.body
    await settled(h)
    h.clock.advance(timedelta(minutes=5))  # 09:50: still round 1
    await settled(h)
    assert [len(reminders_in(h, p)) for p in (OPERATOR, OPERATOR2, SEKRETARIS)] == [1, 1, 1]
    assert await reminder_rows(h) == 1
    assert await nothing_owed(h)
    digests = [m for m in h.server.sent if DIGEST in m.body]
    assert [m.chat_id for m in digests] == [SEKRETARIS.user_id]  # Monday's, not again

    h.clock.set(local(2026, 11, 23, 10, 0))  # round 2 is owed: the new scheduler keeps going
    second = await h.server.wait_for_message(OPERATOR.user_id, contains="(ke-2)", after=before)
    assert "sudah lewat 30 menit kerja" in second.body
    await settled(h)
    assert len(reminders_in(h, OPERATOR)) == 2


async def test_the_tuesday_digest_lists_the_overdue_item_with_who_must_act(
    make_harness: HarnessFactory,
) -> None:
    async with make_harness(reminders={"max_rounds": 1}) as h:
        code = await item_at_design(h)  # design due Monday 09:30
        waiting = await flows.open_item(h, "Keputusan KPU Nomor 5 Tahun 2026")  # step 1
        await settled(h)
        before = h.mark()

        h.clock.set(local(2026, 11, 24, 7, 30))

        digest = await h.server.wait_for_message(
            SEKRETARIS.user_id, contains=f"{DIGEST} — Selasa, 24 November 2026", after=before
        )
        body = digest.body
        assert "Terlambat (1):" in body
        assert body.index("Terlambat") < body.index(code) < body.index(waiting)
        assert "menunggu Admin/Operator Media Sosial (Sari Operator, Dedi Operator)" in body
        assert "Tidak ada item yang dipublikasikan sejak Senin, 23 November 2026." in body
        await settled(h)
        assert [m.chat_id for m in h.server.sent[before:] if DIGEST in m.body] == [
            SEKRETARIS.user_id
        ]
