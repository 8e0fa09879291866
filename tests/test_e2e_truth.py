"""Issue 13: what people are told is always true. End to end, against the local Bot API server.

The first part checks what the bot says today: a reminder says when the limit ran out (never
"terlambat 0 menit"), a name is shown once, the words are Indonesian, /start and /bantuan are
short and about the member's own roles. The second part states what the bot owes after a
fault or a crash around a typed decision, and around old buttons.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import texts
from localbotapi import ApiError, LocalBotApi
from tests import flows
from tests.botprocess import BotProcess
from tests.conftest import HarnessFactory
from tests.harness import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    MEMBERS,
    OFFICE,
    OPERATOR,
    SEKRETARIS,
    STRANGER,
    Harness,
    Person,
)
from tests.images import jpeg_bytes
from tests.settling import wait_settled
from tests.test_e2e_reminders import REMINDER, settled

ZERO_MINUTES = re.compile(r"\b0 menit")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


# --- a first reminder says when the limit ran out, never "0 menit" --------------------------


async def test_a_limit_that_ran_out_at_closing_is_reminded_without_zero_minutes(
    harness: Harness,
) -> None:
    h = harness
    h.clock.set(local(2026, 11, 23, 15, 30))  # Monday; the office closes at 16:00
    code = await flows.open_item(h)
    await flows.give_direction(h, code)  # the design (30 minutes) is due 16:00, at closing
    await flows.brief_for(h, code)
    await settled(h)
    before = h.mark()

    h.clock.set(local(2026, 11, 24, 7, 30))  # Tuesday's opening: no working time since

    for person in (OPERATOR, SEKRETARIS):
        reminder = await h.server.wait_for_message(person.user_id, contains=REMINDER, after=before)
        assert "Batas waktu habis Senin, 23 November 2026 pukul 16.00 WIB." in reminder.body
        assert not ZERO_MINUTES.search(reminder.body) and "terlambat" not in reminder.body

    # the next round (one limit of office time later) says how long ago, in working time
    await settled(h)
    h.clock.set(local(2026, 11, 24, 8, 0))
    second = await h.server.wait_for_message(OPERATOR.user_id, contains="(ke-2)", after=before)
    assert (
        "Batas waktu habis Senin, 23 November 2026 pukul 16.00 WIB; sudah lewat 30 menit kerja."
        in second.body
    )


# --- a name is shown once ---------------------------------------------------------------------

SARI = "Sari (Kasubbag Hukum)"  # a kasubbag configured with her title in her name


def members_with_kasubbag_named(name: str) -> list[dict[str, Any]]:
    return [{**p.config(), "name": name} if p is KASUBBAG else p.config() for p in MEMBERS]


async def test_a_name_that_carries_its_role_title_is_not_followed_by_it_again(
    make_harness: HarnessFactory,
) -> None:
    async with make_harness(members=members_with_kasubbag_named(SARI)) as h:
        code = await flows.open_item(h)
        await flows.give_direction(h, code)
        await flows.submit_design(h, code)
        await flows.return_design(h, code, 1, KASUBBAG, "Logo terlalu kecil.")

        card = await h.server.wait_for(
            lambda m: (
                m.chat_id == OPERATOR.user_id and code in m.body and "Dikembalikan oleh" in m.body
            )
        )
        assert f"↩️ Dikembalikan oleh {SARI}. Catatan perbaikan:\nLogo terlalu kecil." in (card.body)
        status = await h.say(OPERATOR, f"/status {code}", expect="Riwayat")
        assert f"Dikembalikan — {SARI}, langkah 3, versi 1" in status.body
        # a name without its title still gets it
        operator_title = h.config.sop.role_title("operator")
        assert f"Desain diserahkan — {OPERATOR.name} ({operator_title}), langkah 2" in (status.body)
        await h.settle()
        for message in h.server.sent:
            assert "(Kasubbag Hukum) (" not in message.body, message.body


# --- the words are Indonesian -----------------------------------------------------------------


async def test_files_are_named_in_indonesian_never_by_telegram_kind_or_mime_type(
    harness: Harness,
) -> None:
    h = harness
    # material: a compressed photo, which has no file name
    await h.say(KOORDINATOR, "/baru")
    prompt = await h.say(KOORDINATOR, "Foto kegiatan sosialisasi")
    code = prompt.body.split("Item ")[1].split(" ")[0]
    before = h.mark()
    await h.server.send_photo(KOORDINATOR.user_id, jpeg_bytes(800, 600), width=800, height=600)
    receipt = await h.server.wait_for_message(KOORDINATOR.user_id, after=before)
    await h.press(KOORDINATOR, receipt, texts.BTN_MATERIAL_DONE)
    card = await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and code in m.body and bool(m.button_texts)
    )
    assert "📎 foto" in card.body
    await flows.give_direction(h, code)

    # a design page as a compressed photo: its receipt names it "foto"
    brief = await flows.brief_for(h, code)
    before = h.mark()
    await h.server.send_photo(
        OPERATOR.user_id,
        jpeg_bytes(1080, 1350),
        width=1080,
        height=1350,
        reply_to=brief.message_id,
    )
    receipt = await h.server.wait_for_message(OPERATOR.user_id, after=before, contains=code)
    assert f"halaman 1 untuk {code} versi 1 (foto)." in receipt.body, receipt.body

    # a PDF that the phone declared as a PNG picture: the kinds in words, no MIME type
    before = h.mark()
    await h.server.send_document(
        OPERATOR.user_id, flows.PDF, "desain", "image/png", reply_to=brief.message_id
    )
    refused = await h.server.wait_for_message(OPERATOR.user_id, after=before)
    assert refused.body.startswith("File dikirim sebagai PNG, tetapi isinya PDF."), refused.body

    await h.settle()
    for message in h.server.sent:
        for word in ("(photo)", "photo", "document", "image/", "application/"):
            assert word not in message.body, message.body


# --- /start and /bantuan: a few lines about the member's own roles ----------------------------

HELP_MOST_CHARS = 600


async def test_start_and_help_are_short_and_about_the_members_own_roles(
    harness: Harness,
) -> None:
    h = harness
    sop = h.config.sop
    steps = {step.key: f"Langkah {step.ref}: {step.title}" for step in sop.steps}

    started = await h.say(OPERATOR, "/start", expect="Peran Anda")
    assert len(started.body) <= HELP_MOST_CHARS and len(started.body.splitlines()) <= 10
    # greeted by the name the office gave, as an office writes to someone it cannot tell Bapak
    # from Ibu
    assert started.body.startswith(f"Selamat datang, Bapak/Ibu {OPERATOR.name}.")
    assert f"Peran Anda: {sop.role_title('operator')}" in started.body
    assert steps["desain"] in started.body and steps["posting"] in started.body
    for other in ("materi", "periksa", "setuju", "unggah"):
        assert steps[other] not in started.body  # not the operator's steps
    assert "/baru" not in started.body and "/batal" not in started.body  # nor its commands

    helped = await h.say(KASUBBAG, "/bantuan", expect="Peran Anda")
    assert len(helped.body) <= HELP_MOST_CHARS and len(helped.body.splitlines()) <= 12
    assert f"Peran Anda: {sop.role_title('kasubbag')}" in helped.body
    for own in ("materi", "periksa", "unggah"):
        assert steps[own] in helped.body
    assert steps["desain"] not in helped.body
    assert flows.shown(texts.HELP_OPEN) in helped.body
    assert flows.shown(texts.HELP_CANCEL) in helped.body

    overseer = await h.say(SEKRETARIS, "/bantuan", expect="Peran Anda")  # after the digest
    assert f"Peran Anda: {sop.role_title('sekretaris')}" in overseer.body
    assert flows.shown(texts.HELP_DIGEST) in overseer.body
    assert not any(step in overseer.body for step in steps.values())

    koordinator = await h.say(KOORDINATOR, "/bantuan", expect="Peran Anda")
    assert flows.shown(texts.HELP_OPEN) in koordinator.body
    assert flows.shown(texts.HELP_CANCEL) not in koordinator.body

    stranger = await h.say(STRANGER, "/start")
    assert stranger.body == flows.shown(texts.UNKNOWN_USER.format(user_id=STRANGER.user_id))


# === part 2: after faults, crashes and old buttons; each test states what the user should see =


# --- a decision typed as text is confirmed, whatever Telegram answers its direct reply --------


async def _ask_direction(h: Harness) -> tuple[Person, str, str]:
    code = await flows.open_item(h)
    card = await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and texts.BTN_WRITE_DIRECTION in m.button_texts
    )
    await h.press(KASUBBAG, card, texts.BTN_WRITE_DIRECTION)
    done = texts.DONE_DIRECT.format(code=code, role=flows.role_at(h, "desain"))
    return KASUBBAG, "Buat infografis 1 halaman.", done


async def _ask_check_notes(h: Harness) -> tuple[Person, str, str]:
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await h.press(KASUBBAG, card, texts.BTN_RETURN)
    return KASUBBAG, "Logo terlalu kecil.", flows.returned(h, code)


async def _ask_legal_notes(h: Harness) -> tuple[Person, str, str]:
    """Divisi Hukum returns the design at step 4 (SOP 4)."""
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    card = await flows.review_card(h, code, 1, HUKUM)
    await h.press(HUKUM, card, texts.BTN_RETURN)
    return HUKUM, "Sumber pasal 3 belum dicantumkan.", flows.returned(h, code)


async def _ask_post_links(h: Harness) -> tuple[Person, str, str]:
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)
    card = await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR.user_id and texts.BTN_REPORT_POSTED in m.button_texts
    )
    await h.press(OPERATOR, card, texts.BTN_REPORT_POSTED)
    return OPERATOR, "https://instagram.com/p/abc123", texts.DONE_POSTED.format(code=code)


TYPED_DECISIONS: dict[str, Callable[[Harness], Awaitable[tuple[Person, str, str]]]] = {
    "direction": _ask_direction,
    "check-return-notes": _ask_check_notes,
    "legal-return-notes": _ask_legal_notes,
    "post-links": _ask_post_links,
}
REPLY_FAULTS = {
    "one-500": (ApiError.server_error(), 1),
    "four-429": (ApiError.flood(retry_after=1), 4),
}


@pytest.mark.parametrize("fault", REPLY_FAULTS, ids=list(REPLY_FAULTS))
@pytest.mark.parametrize("decision", TYPED_DECISIONS, ids=list(TYPED_DECISIONS))
async def test_a_typed_decision_whose_reply_fails_is_still_confirmed(
    harness: Harness, decision: str, fault: str
) -> None:
    h = harness
    who, typed, done = await TYPED_DECISIONS[decision](h)
    await h.settle()  # the question is asked; nothing else on its way
    error, times = REPLY_FAULTS[fault]
    failure = h.server.fail_when(
        "sendMessage",
        lambda p: p.get("chat_id") == who.user_id and p.get("text") == done,
        error,
        times=times,
    )
    before = h.mark()
    await h.server.send_text(who.user_id, typed)
    await h.settle()

    told = [m.body for m in h.server.sent[before:] if m.chat_id == who.user_id]
    assert texts.ERROR_GENERIC not in told  # never "try again" for what is done
    assert told.count(done) == 1, told  # the confirmation, once, retried until accepted
    assert failure.spent  # after Telegram refused it `times` times


# --- after a crash, the update handled again answers as it would have ---------------------------


PROCESS_SETTLE_S = 15.0


async def _settled_process(bot: BotProcess, db: AsyncEngine) -> None:
    """Until the bot process has finished every update and delivered what it owes."""
    await wait_settled(bot.server, db, seconds=PROCESS_SETTLE_S)


@pytest.mark.slow
async def test_return_notes_committed_before_a_crash_are_confirmed_after_the_restart(
    bot: BotProcess, server: LocalBotApi, db: AsyncEngine
) -> None:
    await bot.start()
    h = bot.harness
    _, notes, done = await _ask_check_notes(h)
    await _settled_process(bot, db)
    # The notes commit, then the confirmation is held before Telegram sees it: the bot dies
    # with the decision in the database and the kasubbag told nothing.
    hold = server.hold(
        "sendMessage", lambda p: p.get("chat_id") == KASUBBAG.user_id and p.get("text") == done
    )
    before = h.mark()
    await server.send_text(KASUBBAG.user_id, notes)
    typed = server.state.last_update_id
    await hold.wait_held()
    # PTB confirms the update to Telegram with its next poll; the inbox has it written down
    await bot.until(lambda: all(u["update_id"] != typed for u in server.state.updates), "confirm")
    await bot.kill()
    hold.release()

    await bot.start()
    await _settled_process(bot, db)
    told = [m.body for m in server.sent[before:] if m.chat_id == KASUBBAG.user_id]
    assert flows.shown(texts.NOTHING_EXPECTED) not in told
    assert told.count(done) == 1, told


# --- an old reminder's button shows what is true now, to the one who pressed it ---------------


async def test_an_old_reminders_button_shows_the_current_status_without_other_roles_buttons(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)  # step 1 (1 working day) is due Tuesday 09:00
    await settled(h)
    before = h.mark()
    h.clock.set(local(2026, 11, 24, 9, 10))
    reminder = await h.server.wait_for_message(KASUBBAG.user_id, contains=REMINDER, after=before)
    await flows.give_direction(h, code)  # the item moves on to the operators' step 2
    await flows.brief_for(h, code)
    await h.settle()

    pressed = h.mark()
    await h.press(KASUBBAG, reminder, texts.BTN_SHOW_CARD)
    await h.settle()
    shown = [m for m in h.server.sent[pressed:] if m.chat_id == KASUBBAG.user_id]
    status = await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")
    # the item as it stands now, as /status tells it, with no button of another role
    assert [(m.body, m.button_texts) for m in shown] == [(status.body, [])]


async def test_the_sekretaris_reminder_shows_the_items_status_with_its_history(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)  # step 2 (30 minutes) is due 09:30
    await flows.brief_for(h, code)
    await settled(h)
    before = h.mark()
    h.clock.advance(timedelta(minutes=40))
    reminder = await h.server.wait_for_message(SEKRETARIS.user_id, contains=REMINDER, after=before)
    await settled(h)
    assert reminder.button_texts == [texts.BTN_SHOW_STATUS]

    pressed = h.mark()
    await h.press(SEKRETARIS, reminder, texts.BTN_SHOW_STATUS)
    await h.settle()
    shown = [m for m in h.server.sent[pressed:] if m.chat_id == SEKRETARIS.user_id]
    status = await h.say(SEKRETARIS, f"/status {code}", expect="Riwayat")
    assert [(m.body, m.button_texts) for m in shown] == [(status.body, [])]  # read-only


# --- old question buttons are retired ----------------------------------------------------------


async def test_only_the_latest_material_receipt_keeps_its_selesai_button(
    harness: Harness,
) -> None:
    h = harness
    await h.say(KOORDINATOR, "/baru")
    asked = await h.say(KOORDINATOR, "PKPU Nomor 2 Tahun 2026")
    first = await h.say(KOORDINATOR, "Materi: https://jdih.kpu.go.id/pkpu-2-2026")
    second = await h.say(KOORDINATOR, "Pasal 3 dan 4 menjadi fokus.")
    await h.settle()
    assert [m.button_texts for m in (asked, first, second)] == [[], [], [texts.BTN_MATERIAL_DONE]]


async def test_a_question_replaced_by_a_newer_one_loses_its_batal_button(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    before = h.mark()
    await h.press(KASUBBAG, card, texts.BTN_RETURN)
    notes_asked = await h.server.wait_for_message(
        KASUBBAG.user_id, after=before, contains="catatan perbaikan"
    )
    reason_asked = await h.say(KASUBBAG, f"/batal {code}", expect="alasan pembatalan")
    await h.settle()
    assert notes_asked.button_texts == []  # the question it asked is no longer open
    assert reason_asked.button_texts == [texts.BTN_CANCEL_CONFIRM]


async def test_a_deleted_photo_draft_is_not_stamped_as_handed_in(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    brief = await flows.brief_for(h, code)
    before = h.mark()
    await h.server.send_photo(
        OPERATOR.user_id, jpeg_bytes(1080, 1350), width=1080, height=1350, reply_to=brief.message_id
    )
    deleted = await h.server.wait_for_message(OPERATOR.user_id, after=before, contains=code)
    await h.press(OPERATOR, deleted, texts.BTN_CLEAR_DESIGN)
    await h.settle()
    assert deleted.button_texts == []  # nothing left to hand in or delete

    kept = await flows.upload_design(h, code)
    await h.press(OPERATOR, kept, texts.BTN_SUBMIT_DESIGN)
    await flows.review_card(h, code, 1, KASUBBAG)
    await h.settle()
    handed_in = texts.ACTION_LABELS["submit_design"]
    assert handed_in in kept.body  # the draft handed in is stamped
    assert handed_in not in deleted.body and deleted.button_texts == []
