"""Handlers in milliseconds: the real Application and its services on a fresh database, with
Telegram replaced by a recording request (tests/recording.py). Refusal wording and keyboard
shapes are checked here; what happens over real HTTP is the end-to-end tests' part."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot import texts
from bot.app import BuildOptions, build_application
from bot.config import parse_config
from bot.domain.clock import ManualClock
from handlers.context import BotApplication
from tests.databases import fresh_database
from tests.harness import TOKEN
from tests.office import (
    ADMINS,
    KASUBBAG,
    KOORDINATOR,
    MEMBERS,
    MONDAY_MORNING,
    OFFICE,
    OFFICE_NAME,
    OPERATOR,
    STRANGER,
    Person,
)
from tests.recording import BOT_USER, RecordingRequest

_update_ids = count(1)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[BotApplication, RecordingRequest]]:
    """The bot, started as in production but with every Bot API call recorded."""
    request = RecordingRequest()
    async with fresh_database(tmp_path) as url:
        data = {
            "telegram": {"admins": [p.user_id for p in ADMINS]},
            "database": {"url": url},
            "office": {"name": OFFICE_NAME, "timezone": OFFICE.key},
            "members": [p.config() for p in MEMBERS],
            "reminders": {"digest": False},
        }
        config = parse_config(data, base_dir=tmp_path, environ={"JDIH_BOT_TOKEN": TOKEN})
        clock = ManualClock(MONDAY_MORNING)
        options = BuildOptions(clock, rate_limit=False, set_commands=False, request=request)
        app = build_application(config, options)
        await app.initialize()
        assert app.post_init is not None and app.post_shutdown is not None
        await app.post_init(app)
        request.calls.clear()  # getMe and the start-up: not what the tests look at
        try:
            yield app, request
        finally:
            await app.shutdown()
            await app.post_shutdown(app)


def _user(who: Person) -> dict[str, Any]:
    return {"id": who.user_id, "is_bot": False, "first_name": who.name.split()[0]}


def _message(who: Person, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(MONDAY_MORNING.timestamp()),
        "chat": {"id": who.user_id, "type": "private"},
        "from": _user(who),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return message


async def say(app: BotApplication, who: Person, text: str) -> None:
    payload = {"update_id": next(_update_ids), "message": _message(who, text)}
    await app.process_update(Update.de_json(payload, app.bot))


async def press(app: BotApplication, who: Person, data: str) -> None:
    card = _message(who, "kartu") | {"from": BOT_USER}  # a message of the bot's, with buttons
    query = {"id": str(next(_update_ids)), "from": _user(who), "chat_instance": "1"}
    payload = {
        "update_id": next(_update_ids),
        "callback_query": query | {"data": data, "message": card},
    }
    await app.process_update(Update.de_json(payload, app.bot))


async def test_a_non_member_is_told_their_id_and_nothing_else(
    bot: tuple[BotApplication, RecordingRequest],
) -> None:
    app, request = bot
    await say(app, STRANGER, "/tugas")
    [told] = request.calls
    assert told.method == "sendMessage"
    assert told.params["chat_id"] == STRANGER.user_id
    assert told.params["text"] == texts.UNKNOWN_USER.format(user_id=STRANGER.user_id)
    assert told.rows == []


async def test_a_non_members_press_is_answered_with_an_alert_naming_their_id(
    bot: tuple[BotApplication, RecordingRequest],
) -> None:
    app, request = bot
    await press(app, STRANGER, "ap:1:periksa:1")
    [answer] = request.calls
    assert answer.method == "answerCallbackQuery"
    assert answer.params["text"] == texts.UNKNOWN_USER_ALERT.format(user_id=STRANGER.user_id)
    assert answer.params["show_alert"] is True


async def test_an_admin_command_from_a_member_who_is_not_admin_is_refused(
    bot: tuple[BotApplication, RecordingRequest],
) -> None:
    app, request = bot
    for command in ("/antrean", "/kirimulang"):
        request.calls.clear()
        await say(app, OPERATOR, command)
        assert [(c.method, c.params["text"]) for c in request.calls] == [
            ("sendMessage", texts.ADMIN_ONLY)
        ], command


async def test_a_new_items_title_is_answered_with_one_done_button_for_its_material(
    bot: tuple[BotApplication, RecordingRequest],
) -> None:
    app, request = bot
    await say(app, KOORDINATOR, "/baru")
    assert [c.params["text"] for c in request.calls] == [texts.ASK_TITLE]
    request.calls.clear()
    await say(app, KOORDINATOR, "PKPU Nomor 2 Tahun 2026")
    [asked] = request.calls
    code = "JDIH-2026-0001"
    assert asked.params["text"] == texts.ASK_MATERIAL.format(
        code=code, title="PKPU Nomor 2 Tahun 2026"
    )
    assert asked.rows == [[texts.BTN_MATERIAL_DONE]]


async def test_the_kasubbag_gets_the_material_with_one_button_to_write_the_direction(
    bot: tuple[BotApplication, RecordingRequest],
) -> None:
    app, request = bot
    await say(app, KOORDINATOR, "/baru")
    await say(app, KOORDINATOR, "PKPU Nomor 2 Tahun 2026")
    await say(app, KOORDINATOR, "https://jdih.kpu.go.id/pkpu-2-2026")
    done = request.of("sendMessage")[-1]
    markup = done.params["reply_markup"]
    data = markup["inline_keyboard"][0][0]["callback_data"]  # the material's Done button
    await press(app, KOORDINATOR, data)
    card = await request.wait_for(KASUBBAG.user_id, "sendMessage")
    assert card.rows == [[texts.BTN_WRITE_DIRECTION]]
    assert "JDIH-2026-0001" in card.params["text"]


def test_the_people_and_leave_buttons_are_never_read_as_item_buttons() -> None:
    """Each button goes to its own handler by its prefix: an item button (e.g. the posting
    link's "pl:") taken by /cuti's handler would never reach the item."""
    from handlers import keyboards, leave, people

    item_verbs = {f"{verb.value}:" for verb in keyboards.Verb}
    assert people.PREFIX not in item_verbs and leave.PREFIX not in item_verbs
    assert people.PREFIX != leave.PREFIX
