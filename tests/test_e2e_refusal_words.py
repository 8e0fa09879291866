"""Refusals are answered with their reason, never with "Maaf, terjadi kesalahan"; a button of
an item that moved on or closed says what happened to it; album receipts belong to one bot;
and no SOP role key reaches a user (issue 12)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.config import parse_config
from bot.domain import workflow
from bot.domain.clock import ManualClock
from bot.domain.sop import load_default_sop
from handlers.refusals import refusal_text
from localbotapi import BotMessage, LocalBotApi
from tests import flows
from tests.conftest import HarnessFactory
from tests.databases import fresh_database
from tests.flows import ADMIN_WITHOUT_ROLE, admin_without_role
from tests.harness import (
    HUKUM,
    KASUBBAG,
    MEMBERS,
    MONDAY_MORNING,
    OFFICE,
    OPERATOR,
    TOKEN,
    Harness,
    Person,
    config_data,
)
from tests.images import png_bytes

# --- an admin with no SOP role --------------------------------------------------------------


async def test_an_admin_with_no_sop_role_is_answered_without_an_error(
    make_harness: HarnessFactory, server: LocalBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    admin = ADMIN_WITHOUT_ROLE
    telegram = admin_without_role(server)
    caplog.set_level(logging.WARNING)
    async with make_harness(telegram=telegram, reminders={"digest": False}) as h:
        code = await flows.open_item(h)
        assert (await h.say(admin, "/tugas")).body == texts.TASKS_NONE
        assert code in (await h.say(admin, f"/status {code}")).body
        # acting needs an SOP role: each refusal is its reason, not the error handler's
        refused = texts.UNKNOWN_USER_ALERT.format(user_id=admin.user_id)
        for words in ("/baru", f"/batal {code}", "Judul apa saja"):
            assert (await h.say(admin, words)).body == refused, words
        await h.settle()
        said = [m.body for m in h.server.sent if m.chat_id == admin.user_id]
        assert texts.ERROR_GENERIC not in said
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], caplog.text


# --- buttons of an item that moved on or closed ----------------------------------------------


def _data(message: BotMessage, button: str) -> str:
    """The button's data as the member's Telegram client still shows it."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return next(b["callback_data"] for row in rows for b in row if b["text"] == button)


async def _press_old(h: Harness, who: Person, message: BotMessage, data: str) -> str:
    """Press a button the client still shows although the bot has moved on."""
    query = await h.server.press_callback(who.user_id, message.message_id, message.chat_id, data)
    return str((await h.server.wait_for_answer(query)).get("text") or "")


async def _at_check(h: Harness) -> tuple[str, BotMessage, str]:
    """An item at step 3; its brief and the brief's "upload here" data."""
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    brief = await flows.brief_for(h, code)
    upload_here = _data(brief, texts.BTN_UPLOAD_HERE)
    await flows.submit_design(h, code)
    return code, brief, upload_here


async def test_an_old_brief_of_a_cancelled_item_names_the_cancellation(harness: Harness) -> None:
    h = harness
    code, brief, upload_here = await _at_check(h)
    await h.say(KASUBBAG, f"/batal {code}")
    await h.say(KASUBBAG, "Peraturan dicabut", expect="dibatalkan")
    await h.settle()
    answer = await _press_old(h, OPERATOR, brief, upload_here)
    assert answer.startswith(
        texts.ALREADY_DECIDED.format(
            action=texts.ACTION_LABELS["cancel"],
            who=f"{KASUBBAG.name} ({h.config.sop.role_title('kasubbag')})",
            at="",
        )[:-1]
    ), answer
    assert "cancelled" not in answer  # never the status's key


async def test_an_old_brief_of_a_published_item_names_the_publication(harness: Harness) -> None:
    h = harness
    code, brief, upload_here = await _at_check(h)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)
    await flows.report_posted(h, code)
    await h.settle()
    answer = await _press_old(h, OPERATOR, brief, upload_here)
    assert texts.ACTION_LABELS["report_posted"] in answer and OPERATOR.name in answer, answer
    assert "published" not in answer


async def test_an_old_card_of_a_step_already_decided_names_the_decision(harness: Harness) -> None:
    h = harness
    code, _, _ = await _at_check(h)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    approve, send_back = _data(card, texts.BTN_APPROVE), _data(card, texts.BTN_RETURN)
    await h.press(KASUBBAG, card, texts.BTN_APPROVE)
    await h.settle()
    decided = texts.ALREADY_DECIDED.split("{")[0] + texts.ACTION_LABELS["approve"]
    for data in (approve, send_back):
        answer = await _press_old(h, KASUBBAG, card, data)
        assert answer.startswith(decided) and KASUBBAG.name in answer, answer


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            workflow.ItemClosed(workflow.ItemStatus.CANCELLED),
            texts.ITEM_CLOSED_NOW.format(status=texts.STATUS_LABELS["cancelled"]),
        ),
        (workflow.StaleDecision("item is at setuju v2"), texts.STEP_MOVED_ON),
        (
            workflow.InvalidTransition(workflow.Action.APPROVE, "desain"),
            texts.ACTION_NOT_NOW.format(
                where=texts.STEP_WHERE.format(
                    ref="2", title="Membuat dan menyerahkan desain konten"
                )
            ),
        ),
        (
            workflow.InvalidTransition(workflow.Action.SUBMIT_MATERIAL, "active"),
            texts.ACTION_NOT_NOW.format(where=texts.STATUS_LABELS["active"]),
        ),
    ],
)
def test_a_workflow_refusal_says_what_happened_to_the_item(error: Exception, expected: str) -> None:
    assert refusal_text(error, load_default_sop(), OFFICE) == expected
    assert expected != texts.BAD_BUTTON


# --- album receipts belong to one application ------------------------------------------------


@pytest.fixture
async def second_server() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(token=TOKEN, bot_username="jdih_kedua_bot") as running:
        for person in MEMBERS:
            running.add_user(person.user_id, person.name.split()[0])
            running.mark_started(person.user_id)
        yield running


async def _page(h: Harness, brief: BotMessage, page: int) -> None:
    await h.server.send_document(
        OPERATOR.user_id,
        png_bytes(1080, 1350),
        f"slide-{page}.png",
        "image/png",
        reply_to=brief.message_id,
        media_group_id="album-1",  # album ids are per Telegram server: both fakes say this
    )


async def test_two_bots_in_one_process_each_send_their_album_receipt(
    harness: Harness, second_server: LocalBotApi, tmp_path: Path
) -> None:
    """Two applications in one process (tests, the sandbox) keep their own albums: one bot's
    page does not cancel the receipt the other bot owes for its album."""
    first = harness
    async with fresh_database(tmp_path / "second") as url:
        config = parse_config(
            config_data(second_server, url),
            base_dir=tmp_path / "second",
            environ={"JDIH_BOT_TOKEN": TOKEN},
        )
        second = Harness(server=second_server, config=config, clock=ManualClock(MONDAY_MORNING))
        await second.start_bot()
        try:
            briefs = []
            for h in (first, second):
                code = await flows.open_item(h)
                await flows.give_direction(h, code)
                briefs.append((h, code, await flows.brief_for(h, code), h.mark()))
            for page in (1, 2):  # the two albums' pages interleave
                for h, _, brief, _ in briefs:
                    await _page(h, brief, page)
            for h, code, _, before in briefs:
                receipt = await h.server.wait_for_message(
                    OPERATOR.user_id, contains="halaman 2", after=before
                )
                assert f"untuk {code} versi 1 ({texts.ALBUM_NAME})" in receipt.body
                await h.server.wait_idle(quiet=0.3)
                receipts = [
                    m
                    for m in h.server.sent[before:]
                    if m.chat_id == OPERATOR.user_id and texts.BTN_SUBMIT_DESIGN in m.button_texts
                ]
                assert receipts == [receipt]
        finally:
            await second.stop_bot()


# --- role keys never reach users -------------------------------------------------------------


async def test_no_role_key_reaches_a_user_in_a_full_item_run(harness: Harness) -> None:
    """Every message of a run (cards, retired cards' decision lines, notices, a return, the
    reminders, /status, /tugas, the archive search) names roles by their titles."""
    h = harness
    sop = h.config.sop
    assert sop.role_title("divisi_hukum") != "divisi_hukum"
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await h.settle()
    h.clock.advance(timedelta(days=3))  # step 4 overdue: reminders and the digest
    await h.settle()
    await flows.return_design(h, code, 1, HUKUM, "Sumber belum lengkap")
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 2)
    await flows.approve_legal(h, code, 2)
    await flows.order_upload(h, code)
    await flows.report_posted(h, code)
    await h.settle()
    await h.say(HUKUM, f"/status {code}", expect="Riwayat")
    await h.say(HUKUM, "/tugas")
    await h.say(HUKUM, f"/arsip {code}")
    await h.settle()
    keys = re.compile("|".join(rf"\({key}\)|\b{key}\b" for key in sop.roles if "_" in key))
    keys_in_brackets = re.compile("|".join(rf"\({key}\)" for key in sop.roles))
    assert any(texts.REMINDER_WHO.split("{")[0] in m.body for m in h.server.sent)
    for message in h.server.sent:
        for words in (message.body, message.caption or ""):
            assert not keys.search(words), words
            assert not keys_in_brackets.search(words), words
