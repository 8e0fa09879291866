"""Issue 13: what people are told is always true. End to end, against the local Bot API server.

The first part checks what the bot says today: a reminder says when the limit ran out (never
"terlambat 0 menit"), a name is shown once, the words are Indonesian, /start and /bantuan are
short and about the member's own roles. The second part (marked xfail, strict) states what the
bot owes after a fault or a crash around a typed decision, and around old buttons; whoever
makes one of them true removes its xfail mark.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot import texts
from localbotapi import BotMessage
from tests import flows
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
)
from tests.images import jpeg_bytes, png_bytes
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
        assert "Batas waktu habis Senin 23-11-2026 16:00 WIB." in reminder.body, reminder.body
        assert not ZERO_MINUTES.search(reminder.body) and "terlambat" not in reminder.body

    # the next round (one limit of office time later) says how long ago, in working time
    await settled(h)
    h.clock.set(local(2026, 11, 24, 8, 0))
    second = await h.server.wait_for_message(OPERATOR.user_id, contains="(ke-2)", after=before)
    assert "Batas waktu habis Senin 23-11-2026 16:00 WIB; sudah lewat 30 menit kerja." in (
        second.body
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
    assert refused.body.startswith("File dikirim sebagai PNG tetapi isinya PDF."), refused.body

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

    started = await h.say(OPERATOR, "/start")
    assert len(started.body) <= HELP_MOST_CHARS and len(started.body.splitlines()) <= 10
    assert started.body.startswith(texts.WELCOME.format(name=OPERATOR.name.split()[0]))
    assert f"Peran Anda: {sop.role_title('operator')}" in started.body
    assert steps["desain"] in started.body and steps["posting"] in started.body
    for other in ("materi", "periksa", "setuju", "unggah"):
        assert steps[other] not in started.body  # not the operator's steps
    assert "/baru" not in started.body and "/batal" not in started.body  # nor its commands

    helped = await h.say(KASUBBAG, "/bantuan")
    assert len(helped.body) <= HELP_MOST_CHARS and len(helped.body.splitlines()) <= 12
    assert f"Peran Anda: {sop.role_title('kasubbag')}" in helped.body
    for own in ("materi", "periksa", "unggah"):
        assert steps[own] in helped.body
    assert steps["desain"] not in helped.body
    assert flows.shown(texts.HELP_OPEN) in helped.body
    assert flows.shown(texts.HELP_CANCEL) in helped.body

    overseer = await h.say(SEKRETARIS, "/bantuan")
    assert f"Peran Anda: {sop.role_title('sekretaris')}" in overseer.body
    assert flows.shown(texts.HELP_DIGEST) in overseer.body
    assert not any(step in overseer.body for step in steps.values())

    koordinator = await h.say(KOORDINATOR, "/bantuan")
    assert flows.shown(texts.HELP_OPEN) in koordinator.body
    assert flows.shown(texts.HELP_CANCEL) not in koordinator.body

    stranger = await h.say(STRANGER, "/start")
    assert stranger.body == flows.shown(texts.UNKNOWN_USER.format(user_id=STRANGER.user_id))


_ = (HUKUM, png_bytes, timedelta, BotMessage)
