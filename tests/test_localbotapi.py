"""The fake Bot API server, exercised by the real python-telegram-bot over loopback HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
import telegram
from aiohttp import web
from PIL import Image
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from localbotapi import ApiError, BotMessage, LocalBotApi
from localbotapi.formatting import format_text

TOKEN = "123456:TEST-TOKEN"
USER = 42
GROUP = -1001234567890


def png(width: int = 40, height: int = 30) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in buttons]])


# --------------------------------------------------------------------- a tiny bot
async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message and update.effective_user
    await update.message.reply_text(
        f"Halo {update.effective_user.first_name}, pilih:",
        reply_markup=keyboard(("Setujui", "ap:1"), ("Tolak", "rj:1")),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(text=f"OK {query.data}")
    if query.message is not None and query.message.is_accessible:
        await query.edit_message_text(f"Diproses: {query.data}")


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message and update.message.document
    try:
        file = await update.message.document.get_file()
    except BadRequest as exc:
        await update.message.reply_text(f"Gagal: {exc.message}")
        return
    data = await file.download_as_bytearray()
    await update.message.reply_text(f"Diterima {len(data)} bytes")


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message and update.message.photo
    largest = update.message.photo[-1]
    data = await (await largest.get_file()).download_as_bytearray()
    group = update.message.media_group_id
    await update.message.reply_text(f"Foto {largest.width}x{largest.height} {len(data)} {group}")


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.edited_message
    await update.edited_message.reply_text(f"Diubah: {update.edited_message.text}", do_quote=True)


def build_app(server: LocalBotApi, token: str = TOKEN) -> Application:
    app = (
        Application.builder()
        .token(token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.PHOTO, on_photo))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit))
    return app


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(token=TOKEN, bot_username="jdih_test_bot") as srv:
        yield srv


@pytest.fixture
async def bot_app(server: LocalBotApi) -> AsyncIterator[Application]:
    async with polling(build_app(server)) as app:
        yield app


# ---------------------------------------------------------------- end to end
async def test_command_button_answer_and_edit(server: LocalBotApi, bot_app: Application) -> None:
    server.add_user(USER, "Sari", username="sari")
    before = len(server.sent)
    await server.send_text(USER, "/start")
    msg = await server.wait_for_message(USER, contains="Halo Sari", after=before)
    assert msg.buttons == [[("Setujui", "ap:1"), ("Tolak", "rj:1")]]
    assert msg.raw["from"]["username"] == "jdih_test_bot" and msg.raw["date"] > 0

    query_id = await server.press_button(USER, msg, "Setujui")
    assert (await server.wait_for_answer(query_id))["text"] == "OK ap:1"
    edited = await server.wait_for(lambda m: m.body.startswith("Diproses"))
    assert edited is msg and msg.text == "Diproses: ap:1"
    assert msg.reply_markup is None  # an edit without reply_markup drops the keyboard
    assert [e["method"] for e in msg.edits] == ["editMessageText"]
    await server.wait_idle()
    assert server.messages_in(USER) == [msg]
    assert [m.message_id for m in server.messages_in(USER)] == [2]  # user's /start was 1
    names = [name for name, _ in server.requests]
    assert names[:2] == ["getMe", "deleteWebhook"] and "answerCallbackQuery" in names


async def test_press_by_callback_data_and_missing_button(
    server: LocalBotApi, bot_app: Application
) -> None:
    await server.send_text(USER, "/start")
    msg = await server.wait_for_message(USER)
    query_id = await server.press_button(USER, msg, "rj:1")
    assert (await server.wait_for_answer(query_id))["text"] == "OK rj:1"
    await server.wait_for(lambda m: m.text == "Diproses: rj:1")
    with pytest.raises(AssertionError, match=r"no button 'Setujui'"):
        await server.press_button(USER, msg, "Setujui")  # the edit removed the keyboard


async def test_group_command_addressed_to_bot(server: LocalBotApi, bot_app: Application) -> None:
    server.add_user(7, "Budi")
    server.add_group(GROUP, "Tim JDIH")
    await server.send_text(7, "/start@jdih_test_bot", chat_id=GROUP)
    msg = await server.wait_for_message(GROUP, contains="Halo Budi")
    assert msg.raw["chat"] == {"id": GROUP, "type": "supergroup", "title": "Tim JDIH"}


async def test_document_roundtrip_and_too_big(server: LocalBotApi, bot_app: Application) -> None:
    payload = bytes(range(256)) * 20
    await server.send_document(USER, payload, "surat.pdf", "application/pdf", caption="cek")
    assert (await server.wait_for_message(USER, contains="Diterima")).text == "Diterima 5120 bytes"

    before = len(server.sent)
    await server.send_document(
        USER, b"%PDF small", "besar.pdf", "application/pdf", declared_size=25 * 1024 * 1024
    )
    reply = await server.wait_for_message(USER, contains="Gagal", after=before)
    assert reply.text == "Gagal: File is too big"


async def test_photo_sizes_and_user_album(server: LocalBotApi, bot_app: Application) -> None:
    content = png()
    sent = await server.send_photo(USER, content, width=1280, height=960, media_group_id="al1")
    assert [(p["width"], p["height"]) for p in sent["photo"]] == [(90, 68), (1280, 960)]
    await server.send_photo(USER, content, width=1280, height=960, media_group_id="al1")
    await server.wait_idle()
    replies = [m.text for m in server.messages_in(USER)]
    assert replies == [f"Foto 1280x960 {len(content)} al1"] * 2


async def test_edited_message_and_reply_to(server: LocalBotApi, bot_app: Application) -> None:
    first = await server.send_text(USER, "halo")
    await server.edit_user_message(USER, first["message_id"], "halo lagi")
    msg = await server.wait_for_message(USER, contains="Diubah: halo lagi")
    assert msg.reply_to_message_id == first["message_id"]
    assert msg.raw["reply_to_message"]["text"] == "halo lagi"
    answer = await server.send_text(USER, "ini balasan", reply_to=msg.message_id)
    assert answer["reply_to_message"]["from"]["is_bot"] is True


async def test_forged_callback_on_missing_message(
    server: LocalBotApi, bot_app: Application
) -> None:
    await server.send_text(USER, "hai")  # the private chat must exist
    query_id = await server.press_callback(USER, 999, USER, "ap:999")
    assert (await server.wait_for_answer(query_id))["text"] == "OK ap:999"
    await server.wait_idle()
    assert server.sent == []  # an InaccessibleMessage cannot be edited, so nothing was


# ------------------------------------------------------ Telegram's checks (bot)
async def test_callback_data_limit_is_bytes(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    async with build_app(server) as app:
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await app.bot.send_message(USER, "x", reply_markup=keyboard(("a", "x" * 65)))
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await app.bot.send_message(USER, "x", reply_markup=keyboard(("a", "ж" * 33)))
        await app.bot.send_message(USER, "ok", reply_markup=keyboard(("a", "ж" * 32)))
        bare = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="")]])
        with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
            await app.bot.send_message(USER, "x", reply_markup=bare)
    assert [m.text for m in server.sent] == ["ok"]
    assert server.errors[0] == ("sendMessage", "Bad Request: BUTTON_DATA_INVALID")


async def test_text_and_caption_limits(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    async with build_app(server) as app:
        bot = app.bot
        await bot.send_message(USER, "a" * 4096)
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(USER, "a" * 4097)
        # HTML is measured after parsing: tags and entities don't count
        await bot.send_message(USER, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)text is empty"):
            await bot.send_message(USER, "  \n ")
        with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "br"'):
            await bot.send_message(USER, "a<br>b", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can't find end tag"):
            await bot.send_message(USER, "<b>tebal", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)character '.' is reserved"):
            await bot.send_message(USER, "Selesai.", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await bot.send_photo(USER, png(), caption="c" * 1025)
    assert server.sent[1].text == "&" * 4096
    assert server.sent[1].raw["entities"] == [{"type": "bold", "offset": 0, "length": 4096}]


async def test_edit_errors(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    async with build_app(server) as app:
        bot = app.bot
        markup = keyboard(("Ya", "y"))
        msg = await bot.send_message(USER, "Status: baru", reply_markup=markup)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Status: baru", USER, msg.message_id, reply_markup=markup)
        await bot.edit_message_reply_markup(USER, msg.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", USER, 999)
        with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
            await bot.edit_message_text("x", USER, 1)  # the user's own message
        photo = await bot.send_photo(USER, png(), caption="foto")
        with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
            await bot.edit_message_text("x", USER, photo.message_id)
        await bot.edit_message_caption(USER, photo.message_id, caption="foto baru")
        assert await bot.delete_message(USER, msg.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(USER, msg.message_id)
    first = server.sent[0]
    assert first.deleted and first.reply_markup is None
    assert server.messages_in(USER)[0].caption == "foto baru"


async def test_who_the_bot_may_write_to(server: LocalBotApi) -> None:
    server.add_user(5, "Belum Mulai")
    async with build_app(server) as app:
        with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
            await app.bot.send_message(5, "halo")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await app.bot.send_message(777, "halo")
        await server.send_text(5, "/start")
        await app.bot.send_message(5, "halo")
        server.block(5)
        with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
            await app.bot.send_chat_action(5, "typing")


async def test_answer_callback_query_rules() -> None:
    async with LocalBotApi(token=TOKEN, callback_query_ttl=0.2) as server:
        await server.send_text(USER, "hai")
        async with build_app(server) as app:
            msg = await app.bot.send_message(USER, "pilih", reply_markup=keyboard(("A", "a")))
            bot_msg = server.last_in(USER)
            assert bot_msg.message_id == msg.message_id
            first = await server.press_button(USER, bot_msg, "A")
            with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
                await app.bot.answer_callback_query(first, text="x" * 201)
            assert await app.bot.answer_callback_query(first, text="ok")
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await app.bot.answer_callback_query(first)  # answered twice
            late = await server.press_button(USER, bot_msg, "a")
            await asyncio.sleep(0.25)
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await app.bot.answer_callback_query(late)
            with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
                await app.bot.answer_callback_query("nope")
        assert server.callback_answers == {first: {"callback_query_id": first, "text": "ok"}}


async def test_bot_media_group_and_file_reuse(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    async with build_app(server) as app:
        bot = app.bot
        album = await bot.send_media_group(
            USER, [InputMediaPhoto(png(), caption="satu"), InputMediaPhoto(png(60, 20))]
        )
        assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
        assert (album[1].photo[-1].width, album[1].photo[-1].height) == (60, 20)
        with pytest.raises(BadRequest, match=r"(?i)document can't be mixed"):
            await bot.send_media_group(
                USER, [InputMediaPhoto(png()), InputMediaDocument(b"doc", filename="a.txt")]
            )
        with pytest.raises(BadRequest, match=r"(?i)too many messages"):
            await bot.send_media_group(USER, [InputMediaPhoto(png())] * 11)
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await bot.send_photo(USER, b"not an image")
        photo_id = album[0].photo[-1].file_id
        again = await bot.send_photo(USER, photo_id)
        assert again.photo[-1].file_id == photo_id
        with pytest.raises(BadRequest, match=r"(?i)can't use file of type photo as document"):
            await bot.send_document(USER, photo_id)
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_document(USER, "BQACnonexistent")
        doc = await bot.send_document(USER, b"isi", filename="laporan.pdf", caption="PDF")
        assert doc.document and doc.document.mime_type == "application/pdf"
        assert await (await bot.get_file(doc.document.file_id)).download_as_bytearray() == b"isi"
        with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
            await bot.get_file("nope")
    assert [m.kind for m in server.sent] == ["photo", "photo", "photo", "document"]
    assert server.sent[0].media_group_id and server.sent[0].caption == "satu"


async def test_add_file_declares_size_without_allocating(server: LocalBotApi) -> None:
    big = server.add_file(b"tiny", size=30 * 1024 * 1024, file_name="video.mp4")
    ok = server.add_file(b"tiny", size=20 * 1024 * 1024, file_name="pas.pdf")
    async with build_app(server) as app:
        with pytest.raises(BadRequest, match=r"(?i)file is too big"):
            await app.bot.get_file(big["file_id"])
        file = await app.bot.get_file(ok["file_id"])
        assert file.file_size == 20 * 1024 * 1024
        assert await file.download_as_bytearray() == b"tiny"


async def test_commands_chat_and_unknown_method(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    async with build_app(server) as app:
        bot = app.bot
        await bot.set_my_commands([("ajukan", "Ajukan konten"), ("status", "Cek status")])
        assert [c.command for c in await bot.get_my_commands()] == ["ajukan", "status"]
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([("Ajukan-Konten", "x")])
        assert server.my_commands()[0] == {"command": "ajukan", "description": "Ajukan konten"}
        chat = await bot.get_chat(USER)
        assert chat.type == "private" and chat.id == USER
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("fooBar")
        copied = await bot.copy_message(USER, USER, 1)
        assert server.last_in(USER).text == "hai" and copied.message_id == 2


async def test_wrong_token_is_unauthorized(server: LocalBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with build_app(server, token="999:WRONG") as app:
            await app.bot.get_me()


# ------------------------------------------------------------ fault injection
# The bot opts in to PTB 23's timedelta durations (PTB_TIMEDELTA, set by bot.app).
async def test_fail_next_injects_errors(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    server.fail_next("sendMessage", ApiError.flood(retry_after=1))
    server.fail_next("sendMessage", ApiError(500, "Internal Server Error"))
    server.fail_next("sendMessage", ApiError(0, "drop"))
    async with build_app(server) as app:
        with pytest.raises(RetryAfter) as info:
            await app.bot.send_message(USER, "1")
        assert info.value.retry_after == timedelta(seconds=1)
        with pytest.raises(NetworkError, match=r"Internal Server Error"):
            await app.bot.send_message(USER, "2")
        with pytest.raises(NetworkError):
            await app.bot.send_message(USER, "3")
        await app.bot.send_message(USER, "4")
    assert [m.text for m in server.sent] == ["4"]
    assert len(server.calls("sendMessage")) == 4


async def test_polling_survives_a_dropped_get_updates(server: LocalBotApi) -> None:
    server.fail_next("getUpdates", ApiError.dropped())
    async with polling(build_app(server)):
        await server.send_text(USER, "/start")
        await server.wait_for_message(USER, contains="Halo", timeout=5)


# --------------------------------------------------------- updates & webhooks
async def test_get_updates_offset_and_long_poll(server: LocalBotApi) -> None:
    async with build_app(server) as app:
        bot = app.bot
        await server.send_text(USER, "satu")
        await server.send_text(USER, "dua")
        updates = await bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == [1, 2]
        assert [u.update_id for u in await bot.get_updates(offset=2, timeout=0)] == [2]
        started = time.monotonic()
        waiting = asyncio.create_task(bot.get_updates(offset=3, timeout=5))
        await asyncio.sleep(0.05)
        await server.send_text(USER, "tiga")
        woken = await waiting
        assert [u.message.text for u in woken if u.message] == ["tiga"]
        assert time.monotonic() - started < 1  # answered on arrival, not at the timeout


async def test_stop_releases_a_held_long_poll() -> None:
    server = await LocalBotApi(token=TOKEN).start()
    async with build_app(server) as app:
        waiting = asyncio.create_task(app.bot.get_updates(timeout=30))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await server.stop()
        assert time.monotonic() - started < 2
        assert await waiting == ()


async def test_webhook_delivery_with_secret_and_retry(server: LocalBotApi) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []
    failures = [500]  # the first POST fails, Telegram-style retry follows

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=failures.pop() if failures else 200)

    hook_app = web.Application()
    hook_app.router.add_post("/hook", receive)
    runner = web.AppRunner(hook_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with build_app(server) as app:
            bot = app.bot
            assert await bot.set_webhook(url, secret_token="rahasia_123")
            assert (await bot.get_webhook_info()).url == url
            with pytest.raises(Conflict, match=r"(?i)webhook is active"):
                await bot.get_updates(timeout=0)
            await server.send_text(USER, "lewat webhook")
            await server.wait_idle()
            assert [status for _, status in server.webhook_log] == [500, 200]
            assert received[-1][0] == "rahasia_123"
            assert received[-1][1]["message"]["text"] == "lewat webhook"  # type: ignore[index]
            await bot.delete_webhook()
            await server.send_text(USER, "lewat polling")
            assert [u.message.text for u in await bot.get_updates(timeout=0) if u.message] == [
                "lewat polling"
            ]
    finally:
        await runner.cleanup()


# ------------------------------------------------------------ test helpers
async def test_wait_failures_are_readable(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    async with build_app(server) as app:
        await app.bot.send_message(USER, "Menunggu persetujuan", reply_markup=keyboard(("Ya", "y")))
    with pytest.raises(AssertionError) as info:
        await server.wait_for_message(USER, contains="Disetujui", timeout=0.1)
    text = str(info.value)
    assert "Menunggu persetujuan" in text and "buttons=['Ya']" in text
    with pytest.raises(AssertionError, match=r"available"):
        await server.press_button(USER, server.last_in(USER), "Tidak")
    with pytest.raises(AssertionError, match=r"no message in chat 1"):
        server.last_in(1)


async def test_push_raw_update_and_wait_idle(server: LocalBotApi, bot_app: Application) -> None:
    server.push_raw_update(
        {
            "message": {
                "message_id": 50,
                "date": 1,
                "chat": {"id": USER, "type": "private"},
                "from": {"id": USER, "is_bot": False, "first_name": "Mentah"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            }
        }
    )
    await server.send_text(USER, "hai")  # starts the chat so the bot may answer
    await server.wait_idle()
    last = server.last_in(USER)
    assert isinstance(last, BotMessage) and last.text == "Halo Mentah, pilih:"
    assert next(p for name, p in server.requests if name == "sendMessage")["chat_id"] == USER


def test_formatting_matches_telegram() -> None:
    assert format_text("<b>a</b> &lt;b&gt; <i>c</i>", "HTML") == (
        "a <b> c",
        [{"type": "bold", "offset": 0, "length": 1}, {"type": "italic", "offset": 6, "length": 1}],
    )
    assert format_text("*tebal* _miring_ \\.", "MarkdownV2")[0] == "tebal miring ."
    assert format_text('<a href="https://kpu.go.id">x</a>', "HTML")[1][0]["url"] == (
        "https://kpu.go.id"
    )
    assert format_text("  halo  ", None) == ("halo", [])
    with pytest.raises(ApiError, match=r"Unmatched end tag"):
        format_text("<b><i>x</b></i>", "HTML")


async def test_raw_http_get_json_and_files(server: LocalBotApi) -> None:
    await server.send_text(USER, "hai")
    api = f"{server.base_url}{TOKEN}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{api}/getMe") as resp:
            assert (await resp.json())["result"]["username"] == "jdih_test_bot"
        async with http.post(f"{api}/sendMessage", json={"chat_id": USER, "text": "json"}) as r:
            assert (await r.json())["result"]["text"] == "json"
        async with http.get(f"{api}/sendmessage", params={"chat_id": USER, "text": "q"}) as r:
            assert r.status == 200  # method names are case-insensitive, GET works too
        async with http.post(f"{api}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with http.get(f"{server.base_url}999:WRONG/getMe") as resp:
            assert resp.status == 401
        async with http.get(f"{server.base_file_url}{TOKEN}/documents/nope.pdf") as resp:
            assert resp.status == 404
    assert [m.text for m in server.sent] == ["json", "q"]
    assert server.calls("SENDMESSAGE")[0] == {"chat_id": USER, "text": "json"}


async def test_privacy_mode_in_groups() -> None:
    async with LocalBotApi(token=TOKEN, privacy_mode=True) as server:
        server.add_group(-5, "Grup kecil")
        await server.send_text(USER, "obrolan biasa", chat_id=-5)
        await server.send_text(USER, "/start@other_bot", chat_id=-5)
        await server.send_text(USER, "/start@jdih_test_bot", chat_id=-5)
        async with build_app(server) as app:
            me = await app.bot.get_me()
            assert me.can_read_all_group_messages is False
            updates = await app.bot.get_updates(timeout=0)
        assert [u.message.text for u in updates if u.message] == ["/start@jdih_test_bot"]


async def test_wait_idle_reports_unfetched_updates(server: LocalBotApi) -> None:
    await server.send_text(USER, "tidak ada yang polling")
    with pytest.raises(AssertionError, match="1 update"):
        await server.wait_idle(timeout=0.1)


async def test_wait_idle_waits_until_a_fetched_update_is_acknowledged(
    server: LocalBotApi,
) -> None:
    """A bot journals a batch between fetching it and its next getUpdates: not idle yet."""
    await server.send_text(USER, "diambil, belum dikonfirmasi")
    async with aiohttp.ClientSession() as http:
        url = f"{server.url}/bot{TOKEN}/getUpdates"
        async with http.post(url, json={"timeout": 0}) as resp:
            (update,) = (await resp.json())["result"]
        with pytest.raises(AssertionError, match="1 update"):
            await server.wait_idle(timeout=0.2)
        async with http.post(url, json={"offset": update["update_id"] + 1, "timeout": 0}):
            pass
    await server.wait_idle(timeout=1.0)


@pytest.mark.parametrize("path", ["/api/bot{token}/getMe", "/bott{token}/getMe"])
async def test_a_wrong_base_url_path_gets_telegrams_json_404(
    server: LocalBotApi, path: str
) -> None:
    """A wrong path, or a typo that makes the token malformed (`bott<token>` reads as the
    token `t<token>`), is answered as Telegram does: PTB raises InvalidToken as in production."""
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url + path.format(token=TOKEN)) as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


# ------------------------------------------------------------------------ channels
CHANNEL = -1001112223334


async def test_channel_posts_by_username_and_id_with_the_channel_as_sender(
    server: LocalBotApi, bot_app: Application
) -> None:
    server.add_channel(CHANNEL, "Kanal JDIH", "kanal_jdih_kantor")
    bot = bot_app.bot
    text = await bot.send_message("@kanal_jdih_kantor", "Halo kanal")
    photo = await bot.send_photo(CHANNEL, png(), caption="Infografis")
    album = await bot.send_media_group(
        "@Kanal_JDIH_Kantor",  # usernames are case-insensitive
        [InputMediaDocument(b"%PDF-1", filename=f"{n}.pdf") for n in (1, 2)],
    )
    assert text.chat.username == "kanal_jdih_kantor" and text.chat.type == "channel"
    assert text.sender_chat is not None and text.sender_chat.id == CHANNEL
    assert text.from_user is None
    assert [m.message_id for m in server.channel_posts(CHANNEL)] == [
        text.message_id,
        photo.message_id,
        *(m.message_id for m in album),
    ]
    edited = await bot.edit_message_caption(CHANNEL, photo.message_id, caption="Diperbaiki")
    assert isinstance(edited, telegram.Message) and edited.caption == "Diperbaiki"


async def test_channel_refusals_are_telegrams(server: LocalBotApi, bot_app: Application) -> None:
    bot = bot_app.bot
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message("@kanal_tidak_ada", "x")
    server.add_channel(CHANNEL, "Kanal JDIH", "kanal_jdih_kantor", bot="left")
    with pytest.raises(Forbidden, match="bot is not a member of the channel chat"):
        await bot.send_message(CHANNEL, "x")
    server.set_channel_bot(CHANNEL, "member")
    with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
        await bot.send_document(CHANNEL, b"%PDF-1", filename="a.pdf")
    server.set_channel_bot(CHANNEL, "administrator", can_post_messages=False)
    with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
        await bot.send_photo(CHANNEL, png())
    # a private channel the bot is not in is not found at all
    server.add_channel(-1005556667778, "Kanal Internal", bot="left")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(-1005556667778)


async def test_channel_deletions_need_the_rights_and_a_post_deleted_by_hand_is_gone(
    server: LocalBotApi, bot_app: Application
) -> None:
    server.add_channel(CHANNEL, "Kanal JDIH", "kanal_jdih_kantor", can_delete_messages=False)
    bot = bot_app.bot
    first = await bot.send_message(CHANNEL, "satu")
    second = await bot.send_message(CHANNEL, "dua")
    server.delete_post_by_hand(CHANNEL, first.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHANNEL, first.message_id)
    server.set_channel_bot(CHANNEL, "member")
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(CHANNEL, second.message_id)
    server.set_channel_bot(CHANNEL, "administrator", can_delete_messages=False)
    assert await bot.delete_message(CHANNEL, second.message_id)  # its own post: may
    assert server.channel_posts(CHANNEL) == []
    assert len(server.channel_posts(CHANNEL, deleted=True)) == 2


async def test_get_chat_and_the_bots_membership_in_a_channel(
    server: LocalBotApi, bot_app: Application
) -> None:
    server.add_channel(CHANNEL, "Kanal JDIH", "kanal_jdih_kantor", can_delete_messages=False)
    bot = bot_app.bot
    chat = await bot.get_chat("@kanal_jdih_kantor")
    assert (chat.id, chat.type, chat.title, chat.username) == (
        CHANNEL,
        "channel",
        "Kanal JDIH",
        "kanal_jdih_kantor",
    )
    member = await bot.get_chat_member(CHANNEL, bot.id)
    assert isinstance(member, telegram.ChatMemberAdministrator)
    assert (member.can_post_messages, member.can_delete_messages) == (True, False)
    server.set_channel_bot(CHANNEL, "member")
    assert (await bot.get_chat_member(CHANNEL, bot.id)).status == "member"
    server.set_channel_bot(CHANNEL, "left")
    assert (await bot.get_chat_member("@kanal_jdih_kantor", bot.id)).status == "left"
