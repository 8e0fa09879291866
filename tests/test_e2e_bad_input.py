"""Bad input end to end (issue 5): whatever a member or a stranger sends, presses or edits,
the bot answers in Indonesian with what was wrong and what to do, and the database does not
change. Strangers in private chats, wrong roles, /status with a wrong code and refused design
files are covered in test_e2e_rules.py and test_e2e_design_files.py."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot import texts
from bot.delivery.frontdoor import ANSWER_EVERY
from bot.logs import RedactToken
from localbotapi import BotMessage
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import (
    KASUBBAG,
    KOORDINATOR,
    OPERATOR,
    STRANGER,
    TOKEN,
    Harness,
    Person,
)
from tests.images import png_bytes
from tests.invariants import assert_invariants, assert_unchanged, settled_snapshot

GROUP = -1001234567890


async def _at_check(h: Harness, title: str = "PKPU Nomor 2 Tahun 2026") -> tuple[str, BotMessage]:
    """An item waiting for the kasubbag's check (step 3); its review card."""
    code = await flows.open_item(h, title)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    return code, await flows.review_card(h, code, 1, KASUBBAG)


async def _asked_for_return_notes(h: Harness) -> tuple[str, BotMessage]:
    """The kasubbag pressed Kembalikan and the bot waits for the correction notes."""
    code, card = await _at_check(h)
    await h.press(KASUBBAG, card, texts.BTN_RETURN)
    await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and texts.NOTES_WHAT["return"] in m.body
            and code in m.body
        )
    )
    return code, card


async def _answers(h: Harness, chat_id: int, act: Callable[[], Awaitable[Any]]) -> list[str]:
    """Do something, let the bot finish, and return what it wrote in that chat meanwhile."""
    before = h.mark()
    await act()
    await h.settle()
    return [m.body for m in h.server.sent[before:] if m.chat_id == chat_id]


async def _press_data(h: Harness, who: Person, message: BotMessage, data: str) -> dict[str, Any]:
    query = await h.server.press_callback(who.user_id, message.message_id, message.chat_id, data)
    return await h.server.wait_for_answer(query)


def _data(message: BotMessage, label: str) -> str:
    data = next(data for text, data in (b for row in message.buttons for b in row) if text == label)
    assert data is not None
    return data


def _item_id(card: BotMessage) -> int:
    return int(str(card.buttons[0][0][1]).split(":")[1])


async def _status(h: Harness, code: str) -> str:
    return (await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")).body


async def _the_question_still_stands(h: Harness, code: str) -> None:
    answer = await h.say(KASUBBAG, "Logo KPU terlalu kecil", expect=code)
    assert answer.body == flows.returned(h, code)
    assert "Logo KPU terlalu kecil" in await _status(h, code)


# --- unknown commands -----------------------------------------------------------------------


async def test_unknown_commands_are_explained_and_the_question_still_stands(
    harness: Harness,
) -> None:
    h = harness
    code, _ = await _asked_for_return_notes(h)
    before = await settled_snapshot(h)
    for command in ("/hapus", "/status_semua JDIH", "/setujui JDIH-2026-0001", "/x@jdih_test_bot"):
        answers = await _answers(
            h, KASUBBAG.user_id, lambda c=command: h.server.send_text(KASUBBAG.user_id, c)
        )
        assert answers == [texts.UNKNOWN_COMMAND], command
    await assert_unchanged(h, before)
    await _the_question_still_stands(h, code)


# --- text where a file is expected, a file where text is expected ---------------------------


async def test_text_instead_of_a_design_is_kept_as_caption_and_hands_nothing_in(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    brief = await flows.brief_for(h, code)
    await h.press(OPERATOR, brief, texts.BTN_UPLOAD_HERE)
    answer = await h.say(OPERATOR, "Ini caption, desainnya menyusul")
    assert answer.body == texts.CAPTION_SET.format(code=code, version=1)
    # a forged "Kirim" for the version that has no file yet is refused
    item_id = int(_data(brief, texts.BTN_UPLOAD_HERE).split(":")[1])
    before = await settled_snapshot(h)
    alert = await _press_data(h, OPERATOR, brief, f"sd:{item_id}:1")
    assert alert["text"] == texts.NO_DESIGN_FILES and alert.get("show_alert")
    await assert_unchanged(h, before)
    status = await _status(h, code)
    assert "Langkah 2" in status and "Desain diserahkan" not in status


# Each asks a member for a text: (who, what was asked, a good answer, the bot's reply to it).
Asked = tuple[Person, str, str, str]


async def _title_asked(h: Harness) -> Asked:
    await h.say(KOORDINATOR, "/baru")
    title = "PKPU Nomor 9 Tahun 2026"
    made = flows.shown(texts.ASK_MATERIAL.format(code="JDIH-2026-0001", title=title))
    return KOORDINATOR, "judul", title, made


async def _notes_asked(h: Harness) -> Asked:
    code, _ = await _asked_for_return_notes(h)
    return KASUBBAG, texts.NOTES_WHAT["return"], "Logo KPU terlalu kecil", flows.returned(h, code)


async def _links_asked(h: Harness) -> Asked:
    code, _ = await _at_check(h)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)
    card = await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR.user_id and texts.BTN_REPORT_POSTED in m.button_texts
    )
    await h.press(OPERATOR, card, texts.BTN_REPORT_POSTED)
    return OPERATOR, "tautan", "https://instagram.com/p/abc123", texts.DONE_POSTED.format(code=code)


@pytest.mark.parametrize("asked", [_title_asked, _notes_asked, _links_asked])
async def test_a_file_where_text_was_asked_says_what_is_awaited_and_keeps_the_question(
    harness: Harness, asked: Callable[[Harness], Awaitable[Asked]]
) -> None:
    h = harness
    who, awaited, good_text, reply = await asked(h)
    before = await settled_snapshot(h)
    answers = await _answers(
        h,
        who.user_id,
        lambda: h.server.send_photo(who.user_id, png_bytes(1080, 1080), width=1080, height=1080),
    )
    await assert_unchanged(h, before)
    assert len(answers) == 1
    assert awaited in answers[0], answers
    # the question still stands: the text asked for is taken
    after = await h.say(who, good_text)
    assert after.body == reply


# --- forged or malformed callback data ------------------------------------------------------

MALFORMED = [
    "",
    " ",
    "zz",
    "ap",
    "ap:",
    "ap:1",
    "ap:x:periksa:1",
    "xx:1:periksa:1",
    "ap:1:periksa",
    "ap:1:PERIKSA:1",
    "ap:1:periksa:1:2",
    "ap:-1:periksa:1",
    " ap:1:periksa:1",
    "sd:1:periksa:1",
    "md:1:2",
    "no:1:x",
    "ap:1:" + "p" * 40 + ":1",
    "a" * 64,
    "é" * 32,
    "\x00\x01\x02",
    "<b>ap:1:periksa:1</b>",
    "ap:1234567890123:periksa:1",
]


async def test_malformed_callback_data_is_refused_and_changes_nothing(harness: Harness) -> None:
    h = harness
    code, card = await _at_check(h)
    before = await settled_snapshot(h)
    for data in MALFORMED:
        alert = await _press_data(h, KASUBBAG, card, data)
        assert (alert.get("text"), alert.get("show_alert")) == (texts.BAD_BUTTON, True), data
    await assert_unchanged(h, before)
    assert texts.BTN_APPROVE in card.button_texts
    answer = await h.press(KASUBBAG, card, texts.BTN_APPROVE)
    assert answer == flows.approved(h, code, 1, "setuju")


MISSING = 987654  # no item, upload or archive has this id
NOT_FOUND = [
    f"ap:{MISSING}:periksa:1",
    f"rt:{MISSING}:periksa:1",
    f"cf:{MISSING}:setuju:1",
    f"dr:{MISSING}:materi:0",
    f"or:{MISSING}:unggah:1",
    f"pl:{MISSING}:posting:1",
    f"ud:{MISSING}:desain:0",
    f"sd:{MISSING}:1",
    f"dc:{MISSING}:1",
    f"md:{MISSING}",
    f"cd:{MISSING}",
    f"up:{MISSING}:1",
    f"up:1:{MISSING}",
    f"ar:{MISSING}",
]


async def _refused_as_missing(
    h: Harness, card: BotMessage, data: list[str], *, or_unknown: bool = False
) -> None:
    """Each press is refused as naming nothing that exists (or, with `or_unknown`, as a
    button the bot does not know), and nothing changes."""
    before = await settled_snapshot(h)
    for forged in data:
        alert = await _press_data(h, OPERATOR, card, forged)
        text = alert.get("text") or ""
        assert text != texts.ERROR_GENERIC[:200], forged
        assert "tidak ditemukan" in text or (or_unknown and text == texts.BAD_BUTTON), (
            forged,
            text,
        )
    await assert_unchanged(h, before)


async def test_buttons_for_items_that_do_not_exist_are_refused(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    brief = await flows.brief_for(h, code)
    await _refused_as_missing(h, brief, NOT_FOUND)


async def test_buttons_with_ids_beyond_32_bits_are_refused_as_missing(harness: Harness) -> None:
    h = harness
    _, card = await _at_check(h)
    item = _item_id(card)
    huge = 99_999_999_999
    forged = [f"ap:{huge}:periksa:1", f"cd:{huge}", f"up:{huge}:{item}", f"ar:{huge}"]
    await _refused_as_missing(h, card, forged, or_unknown=True)


async def test_a_button_with_an_impossibly_large_version_is_refused_as_unknown(
    harness: Harness,
) -> None:
    h = harness
    _, card = await _at_check(h)
    before = await settled_snapshot(h)
    alert = await _press_data(h, KASUBBAG, card, f"ap:{_item_id(card)}:periksa:99999999999")
    text = alert.get("text") or ""
    assert text != texts.ERROR_GENERIC[:200]
    # No version that large can exist (button numbers stop at 2**31 - 1): never a real button.
    assert text == texts.BAD_BUTTON
    await assert_unchanged(h, before)


async def test_batal_under_an_older_question_keeps_the_current_one(harness: Harness) -> None:
    h = harness
    first, first_card = await _at_check(h, "PKPU Nomor 2 Tahun 2026")
    second, second_card = await _at_check(h, "Keputusan KPU Nomor 10 Tahun 2026")
    await h.press(KASUBBAG, first_card, texts.BTN_RETURN)
    old_question = await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and texts.NOTES_WHAT["return"] in m.body
            and first in m.body
        )
    )
    old_batal = next(data for row in old_question.buttons for _, data in row)
    await h.press(KASUBBAG, second_card, texts.BTN_RETURN)
    await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and texts.NOTES_WHAT["return"] in m.body
            and second in m.body
        )
    )
    await h.settle()
    assert old_question.button_texts == []  # the newer question took its "Batal" (issue 13)
    # a client that still shows the old "Batal" (pressed before the edit reached it)
    query = await h.server.press_callback(
        KASUBBAG.user_id, old_question.message_id, KASUBBAG.user_id, old_batal
    )
    closed = (await h.server.wait_for_answer(query))["text"]
    assert closed == texts.PROMPT_ALREADY_CLOSED
    answer = await h.say(KASUBBAG, "Warna latar terlalu gelap", expect=second)
    assert answer.body == flows.returned(h, second)
    assert "Warna latar terlalu gelap" in await _status(h, second)


async def test_material_sent_after_the_draft_was_cancelled_is_not_taken(harness: Harness) -> None:
    h = harness
    await h.say(KOORDINATOR, "/baru")
    await h.say(KOORDINATOR, "Draf yang dibatalkan", expect="JDIH-2026-0001")
    await h.say(KASUBBAG, "/batal JDIH-2026-0001", expect=texts.NOTES_WHAT["cancel"])
    await h.say(
        KASUBBAG, "Tidak jadi dibuat", expect=texts.DONE_CANCEL.format(code="JDIH-2026-0001")
    )
    await h.server.wait_for_message(KOORDINATOR.user_id, contains="Alasan: Tidak jadi dibuat")
    before = await settled_snapshot(h)
    answer = await h.say(KOORDINATOR, "Materi: https://jdih.kpu.go.id/pkpu-2-2026")
    await assert_unchanged(h, before)
    assert answer.body == texts.NOTHING_EXPECTED  # the draft's question went with the draft
    await assert_invariants(h)


# --- very long messages ---------------------------------------------------------------------


async def test_too_long_notes_are_refused_with_the_limit_and_the_question_stands(
    harness: Harness,
) -> None:
    h = harness
    code, _ = await _asked_for_return_notes(h)
    before = await settled_snapshot(h)
    answers = await _answers(
        h, KASUBBAG.user_id, lambda: h.server.send_text(KASUBBAG.user_id, "Catatan. " * 455)
    )
    assert answers == [
        texts.TEXT_TOO_LONG.format(length=len(("Catatan. " * 455).strip()), limit=3000)
    ]
    await assert_unchanged(h, before)
    await _the_question_still_stands(h, code)


async def test_too_long_title_is_refused_and_no_item_is_made(harness: Harness) -> None:
    h = harness
    await h.say(KOORDINATOR, "/baru")
    before = await settled_snapshot(h)
    long_title = "Peraturan KPU tentang " + "tahapan " * 40
    answer = await h.say(KOORDINATOR, long_title)
    assert answer.body == texts.TITLE_INVALID.format(limit=200)
    answer = await h.say(KOORDINATOR, "/status " + "X" * 3000)
    assert answer.body == texts.NEED_CODE.format(command="status").replace("<code>", "").replace(
        "</code>", ""
    )
    await assert_unchanged(h, before)
    made = await h.say(KOORDINATOR, "PKPU Nomor 2 Tahun 2026")
    title = "PKPU Nomor 2 Tahun 2026"
    assert made.body == flows.shown(texts.ASK_MATERIAL.format(code="JDIH-2026-0001", title=title))


async def test_text_with_a_nul_character_is_taken_without_it(harness: Harness) -> None:
    h = harness
    code, _ = await _asked_for_return_notes(h)
    answer = await h.say(KASUBBAG, "Logo KPU\x00 terlalu kecil", expect=code)
    assert answer.body == flows.returned(h, code)
    assert "terlalu kecil" in await _status(h, code)


async def test_a_title_with_markup_characters_is_shown_as_written(harness: Harness) -> None:
    h = harness
    title = "Perubahan <Keputusan> KPU & tahapan"
    await h.say(KOORDINATOR, "/baru")
    made = await h.say(KOORDINATOR, title)
    assert made.body != texts.ERROR_GENERIC
    assert f"JDIH-2026-0001 — {title} dibuat" in made.body
    assert title in (await h.say(KOORDINATOR, "/status JDIH-2026-0001")).body
    assert title in (await h.say(KOORDINATOR, "/tugas")).body


# --- stickers, locations, contacts ----------------------------------------------------------


async def test_stickers_locations_and_contacts_are_explained_and_change_nothing(
    harness: Harness,
) -> None:
    h = harness
    code, _ = await _asked_for_return_notes(h)
    before = await settled_snapshot(h)
    user = KASUBBAG.user_id
    for send in (
        lambda: h.server.send_sticker(user),
        lambda: h.server.send_location(user, -2.6, 113.9),
        lambda: h.server.send_contact(user, "+6281234567890", "Sari"),
    ):
        assert await _answers(h, user, send) == [texts.UNSUPPORTED_MESSAGE]
    stranger = await _answers(h, STRANGER.user_id, lambda: h.server.send_sticker(STRANGER.user_id))
    assert len(stranger) == 1 and str(STRANGER.user_id) in stranger[0]
    await assert_unchanged(h, before)
    await _the_question_still_stands(h, code)


# --- groups ---------------------------------------------------------------------------------


async def test_a_non_member_in_a_group_is_answered_only_when_addressing_the_bot(
    make_harness: HarnessFactory,
) -> None:
    async with make_harness(role_chats={"kasubbag": GROUP}) as h:
        h.server.add_group(GROUP, "Tim Teknis JDIH")
        code = await flows.open_item(h)
        card = await h.server.wait_for(
            lambda m: m.chat_id == GROUP and texts.BTN_WRITE_DIRECTION in m.button_texts
        )
        before = await settled_snapshot(h)
        downloads = len(h.server.calls("getFile"))
        user = STRANGER.user_id

        async def in_group(act: Callable[[], Awaitable[Any]]) -> list[str]:
            return await _answers(h, GROUP, act)

        # chatter among people is not for the bot
        assert await in_group(lambda: h.server.send_text(user, "Selamat pagi", chat_id=GROUP)) == []
        assert await in_group(lambda: h.server.send_sticker(user, chat_id=GROUP)) == []
        # a command, or a reply to the bot, is: the stranger learns their id
        for act in (
            lambda: h.server.send_text(user, f"/status {code}", chat_id=GROUP),
            lambda: h.server.send_text(user, "Ini apa?", chat_id=GROUP, reply_to=card.message_id),
            lambda: h.server.send_document(
                user,
                png_bytes(1080, 1080),
                "d.png",
                "image/png",
                chat_id=GROUP,
                reply_to=card.message_id,
            ),
        ):
            h.clock.advance(ANSWER_EVERY)  # a non-member is answered once per ten minutes
            answers = await in_group(act)
            assert len(answers) == 1 and str(user) in answers[0] and "admin" in answers[0]
        h.clock.advance(ANSWER_EVERY)
        alert = await _press_data(h, STRANGER, card, _data(card, texts.BTN_WRITE_DIRECTION))
        assert str(user) in alert["text"] and alert.get("show_alert")
        await assert_unchanged(h, before)
        assert len(h.server.calls("getFile")) == downloads
        assert texts.BTN_WRITE_DIRECTION in card.button_texts


async def test_group_chatter_never_answers_a_question_asked_privately(
    make_harness: HarnessFactory,
) -> None:
    async with make_harness(role_chats={"kasubbag": GROUP}) as h:
        h.server.add_group(GROUP, "Tim Teknis JDIH")
        code = await flows.open_item(h)
        card = await h.server.wait_for(
            lambda m: m.chat_id == GROUP and texts.BTN_WRITE_DIRECTION in m.button_texts
        )
        await h.press(KASUBBAG, card, texts.BTN_WRITE_DIRECTION, chat_id=GROUP)
        await h.server.wait_for(
            lambda m: m.chat_id == KASUBBAG.user_id and "arahan" in m.body and code in m.body
        )
        before = await settled_snapshot(h)
        # with privacy mode on, a group bot sees replies to its messages: "siap" is one
        await h.server.send_text(
            KASUBBAG.user_id, "Siap, nanti saya cek", chat_id=GROUP, reply_to=card.message_id
        )
        await assert_unchanged(h, before)
        # the private answer is the direction
        done = await h.say(KASUBBAG, "Buat infografis 1 halaman.", expect=code)
        assert done.body == texts.DONE_DIRECT.format(code=code, role=flows.role_at(h, "desain"))


async def test_group_messages_not_meant_for_the_bot_get_no_reply(
    make_harness: HarnessFactory,
) -> None:
    async with make_harness(role_chats={"kasubbag": GROUP}) as h:
        h.server.add_group(GROUP, "Tim Teknis JDIH")
        await flows.open_item(h)
        await h.server.wait_for(lambda m: m.chat_id == GROUP)
        before = await settled_snapshot(h)
        user = KOORDINATOR.user_id
        for act in (
            lambda: h.server.send_text(user, "Rapat jam 10 ya", chat_id=GROUP),
            lambda: h.server.send_sticker(user, chat_id=GROUP),
            lambda: h.server.send_text(user, "/start@other_bot", chat_id=GROUP),
        ):
            assert await _answers(h, GROUP, act) == []
        await assert_unchanged(h, before)


# --- edited messages ------------------------------------------------------------------------


async def test_an_edited_answer_is_not_reprocessed_and_the_record_stays(harness: Harness) -> None:
    h = harness
    code, card = await _at_check(h)
    await h.press(KASUBBAG, card, texts.BTN_RETURN)
    notes = await h.server.send_text(KASUBBAG.user_id, "Logo KPU terlalu kecil")
    await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and m.body == flows.returned(h, code)
    )
    before = await settled_snapshot(h)
    answers = await _answers(
        h,
        KASUBBAG.user_id,
        lambda: h.server.edit_user_message(
            KASUBBAG.user_id, notes["message_id"], "Semua sudah bagus"
        ),
    )
    assert answers == [texts.EDITED_IGNORED]
    await assert_unchanged(h, before)
    status = await _status(h, code)
    assert "Logo KPU terlalu kecil" in status and "Semua sudah bagus" not in status


async def test_a_message_edited_into_a_command_runs_nothing(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    greeting = await h.server.send_text(KASUBBAG.user_id, "Selamat pagi")
    await h.server.wait_for_message(KASUBBAG.user_id, contains=texts.NOTHING_EXPECTED[:40])
    before = await settled_snapshot(h)
    answers = await _answers(
        h,
        KASUBBAG.user_id,
        lambda: h.server.edit_user_message(
            KASUBBAG.user_id, greeting["message_id"], f"/batal {code}"
        ),
    )
    assert answers == [texts.EDITED_IGNORED]
    await assert_unchanged(h, before)


# --- commands with a wrong item code --------------------------------------------------------


async def test_commands_with_a_wrong_item_code_are_explained(harness: Harness) -> None:
    h = harness
    cancelled = await flows.open_item(h, "Item yang dibatalkan")
    await h.say(KASUBBAG, f"/batal {cancelled}")
    await h.say(KASUBBAG, "Peraturan dicabut", expect="dibatalkan")
    before = await settled_snapshot(h)
    expected = {
        "/batal JDIH-2099-9999": "Item dengan kode JDIH-2099-9999 tidak ditemukan",
        "/batal": "/batal JDIH-2026-0001",
        "/batal <b>JDIH</b>": "Item dengan kode <B>JDIH</B> tidak ditemukan",
        f"/batal {cancelled}": "Sudah diputuskan: Dibatalkan oleh Budi Kasubbag",
        "/status 2026-0001": "Item dengan kode 2026-0001 tidak ditemukan",
        "/arsip JDIH-2099-9999": 'Tidak ada item di arsip untuk "JDIH-2099-9999"',
        "/arsip 2026-13": "Cari dengan kode (JDIH-2026-0001)",
    }
    for command, wanted in expected.items():
        answer = await h.say(KASUBBAG, command)
        assert wanted in answer.body, (command, answer.body)
    await assert_unchanged(h, before)


# --- the error handler ----------------------------------------------------------------------


async def test_a_failing_handler_answers_the_user_and_logs_context_without_the_token(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    code, card = await _at_check(h)
    service = h.services.service

    async def broken(*args: Any, **kwargs: Any) -> Any:
        # e.g. an HTTP library's error carrying the request URL, which holds the token
        raise RuntimeError(f"GET {h.server.base_url}{TOKEN}/getFile: connection reset")

    before = await settled_snapshot(h)
    redact = RedactToken(TOKEN)  # what setup_logging puts on every handler in production
    caplog.handler.addFilter(redact)
    try:
        with caplog.at_level(logging.WARNING):
            monkeypatch.setattr(service.conversation, "answer_text", broken)
            reply = await h.say(KASUBBAG, "Logo terlalu kecil")
            assert reply.body == texts.ERROR_GENERIC
            monkeypatch.setattr(service.decisions, "decide", broken)
            alert = await _press_data(h, KASUBBAG, card, _data(card, texts.BTN_APPROVE))
            assert alert == {
                "callback_query_id": alert["callback_query_id"],
                "text": texts.ERROR_GENERIC,
                "show_alert": True,
            }
            await h.settle()
    finally:
        caplog.handler.removeFilter(redact)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 2, caplog.text
    text_failure, press_failure = (r.getMessage() for r in failures)
    for failure in (text_failure, press_failure):
        assert re.match(rf"update \d+ from user {KASUBBAG.user_id} failed", failure), failure
    assert "RuntimeError" in caplog.text and "<TOKEN>" in caplog.text
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    await assert_unchanged(h, before)
    # repaired, the same press counts: nothing was half done
    monkeypatch.undo()
    answer = await h.press(KASUBBAG, card, texts.BTN_APPROVE)
    assert answer == flows.approved(h, code, 1, "setuju")
    await assert_invariants(h)
