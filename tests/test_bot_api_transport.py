"""Either transport the bot can talk to Telegram with ([telegram] http: "aiohttp", the default,
or "httpx", python-telegram-bot's own) carries what a bot does over the wire the same way:
uploads arrive whole and named, downloads come back whole, timeouts and refusals become the
errors PTB's callers handle, and Telegram's error answers reach them as PTB's exceptions."""

from __future__ import annotations

import asyncio
import io
import os
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, HTTPXRequest

from bot.app import REQUESTS_KEY
from bot.config import ConfigError, parse_config
from bot.delivery.http import AiohttpRequest
from bot.health.metrics import Metrics
from bot.health.requests import ObservedRequest
from localbotapi import ApiError, LocalBotApi
from tests.harness import KASUBBAG, TEST_HTTP_ENV, Harness
from tests.images import png_bytes

TOKEN = "123456:TEST-TOKEN"
USER = 42
TRANSPORTS = ("aiohttp", "httpx")


def made(http: str, **timeouts: float) -> BaseRequest:
    """A transport of the kind named, with its own default timeouts changed."""
    if http == "httpx":
        return HTTPXRequest(**timeouts)
    return AiohttpRequest(**timeouts)


@pytest.fixture(params=TRANSPORTS)
def http(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(token=TOKEN) as running:
        running.add_user(USER, "Pengguna")
        running.mark_started(USER)
        yield running


def bot_on(api: LocalBotApi, sending: BaseRequest, polling: BaseRequest | None = None) -> Bot:
    return Bot(
        TOKEN,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=sending,
        get_updates_request=polling or sending,
    )


@pytest.fixture
async def bot(api: LocalBotApi, http: str) -> AsyncIterator[Bot]:
    """A bot on the requests the bot itself builds for this setting."""
    sending, polling = ObservedRequest.pair(Metrics(), http)
    async with bot_on(api, sending, polling) as running:
        yield running


async def test_a_document_arrives_with_its_bytes_and_its_name(bot: Bot, api: LocalBotApi) -> None:
    content = bytes(range(256)) * 1000  # every byte value, 256 kB: more than one write
    name = 'Desain "final" Pekan Ke-2 ü.pdf'
    sent = await bot.send_document(
        USER, io.BytesIO(content), filename=name, caption="Desain untuk ditinjau"
    )
    assert sent.document is not None
    stored = api.state.files[sent.document.file_id]
    assert stored.content == content
    # as browsers (and httpx) write it: the quotes percent-encoded, the rest as it is
    assert stored.file_name == "Desain %22final%22 Pekan Ke-2 ü.pdf"
    assert [m.caption for m in api.messages_in(USER)] == ["Desain untuk ditinjau"]


async def test_a_photo_and_its_keyboard_arrive_from_bytes(bot: Bot, api: LocalBotApi) -> None:
    keyboard = InlineKeyboardMarkup.from_button(
        InlineKeyboardButton("Setujui", callback_data="a:1")
    )
    picture = png_bytes(320, 400)
    await bot.send_photo(USER, picture, caption="Pratinjau", reply_markup=keyboard)
    (message,) = api.messages_in(USER)
    assert message.kind == "photo" and message.caption == "Pratinjau"
    assert message.buttons == [[("Setujui", "a:1")]]
    assert api.state.files[message.file_id or ""].content == picture


async def test_a_file_download_returns_its_bytes(bot: Bot, api: LocalBotApi) -> None:
    content = b"%PDF-1.7\n" + bytes(range(256)) * 4000  # 1 MB
    stored = api.add_file(content, file_name="materi.pdf")
    file = await bot.get_file(stored["file_id"])
    assert bytes(await file.download_as_bytearray()) == content


async def test_an_answer_slower_than_the_read_timeout_is_timed_out(
    api: LocalBotApi, http: str
) -> None:
    hold = api.hold("sendMessage", times=2)
    async with bot_on(api, made(http, read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "halo")  # the transport's own read timeout
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "halo", read_timeout=0.2)  # the call's
        hold.release()
        assert (await bot.send_message(USER, "lagi", read_timeout=5)).text == "lagi"


async def test_a_long_poll_outlasts_the_read_timeout_it_adds_to(
    api: LocalBotApi, http: str
) -> None:
    # PTB asks getUpdates for the poll's seconds on top of the read timeout: a poll of 1 s
    # with nothing to fetch is an empty answer, not a timeout.
    request = made(http, read_timeout=0.3)
    async with bot_on(api, made(http), request) as bot:
        assert await bot.get_updates(timeout=1) == ()


async def test_a_refused_connection_is_a_network_error(http: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with made(http) as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    assert not isinstance(raised.value, TimedOut)


async def test_a_body_the_server_stops_reading_is_timed_out(http: str) -> None:
    # Telegram (or the way there) takes no more of an upload: the write timeout ends it.
    stalled: list[asyncio.StreamWriter] = []

    async def never_read(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stalled.append(writer)

    listener = await asyncio.start_server(never_read, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    request = made(http, media_write_timeout=0.5)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    try:
        async with request:  # the bot is not initialized: that would ask the api getMe
            with pytest.raises(TimedOut):
                await bot.send_document(USER, b"\0" * 64_000_000, filename="besar.bin")
    finally:
        for writer in stalled:
            writer.close()
        listener.close()
        await listener.wait_closed()


async def test_flood_control_reaches_ptb_as_retry_after(bot: Bot, api: LocalBotApi) -> None:
    api.fail_next("sendMessage", ApiError.flood(retry_after=7))
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(USER, "halo")
    assert raised.value.retry_after in (7, timedelta(seconds=7))  # PTB 22 or 23's type
    assert (await bot.send_message(USER, "halo")).text == "halo"  # the next one goes


@pytest.mark.parametrize(
    ("error", "raised", "text"),
    [
        (ApiError.server_error(), NetworkError, "Internal Server Error"),
        (ApiError(400, "Bad Request: chat not found"), BadRequest, "Chat not found"),
    ],
)
async def test_telegram_errors_reach_ptb_as_its_exceptions(
    bot: Bot, api: LocalBotApi, error: ApiError, raised: type[Exception], text: str
) -> None:
    api.fail_next("sendMessage", error)
    with pytest.raises(raised) as caught:
        await bot.send_message(USER, "halo")
    assert type(caught.value) is raised  # a 500 is not mistaken for a bad request, nor back
    assert str(caught.value) == text


async def test_a_request_shut_down_refuses_work_until_initialized_again(
    api: LocalBotApi, http: str
) -> None:
    request = made(http)
    bot = bot_on(api, request)
    async with bot:
        await bot.send_message(USER, "satu")
    with pytest.raises(NetworkError, match="not initialized"):
        await bot.send_message(USER, "dua")
    async with bot:
        await bot.send_message(USER, "tiga")
    assert [m.text for m in api.messages_in(USER)] == ["satu", "tiga"]


# --- the setting ---------------------------------------------------------------------------


def config_with(**telegram: object) -> dict[str, object]:
    return {"telegram": {"token": TOKEN, **telegram}}


@pytest.mark.parametrize("http", TRANSPORTS)
def test_the_setting_picks_the_transport_the_bot_builds(http: str) -> None:
    config = parse_config(config_with(http=http), base_dir=Path("."), environ={})
    sending, polling = ObservedRequest.pair(Metrics(), config.telegram.http)
    kind = HTTPXRequest if http == "httpx" else AiohttpRequest
    assert all(isinstance(r._inner, kind) for r in (sending, polling))  # type: ignore[attr-defined]


def test_the_lighter_transport_is_the_default() -> None:
    assert parse_config(config_with(), base_dir=Path("."), environ={}).telegram.http == "aiohttp"


@pytest.mark.parametrize("wrong", ["requests", "HTTPX", 1, ""])
def test_a_wrong_transport_is_refused_naming_the_key_and_the_choices(wrong: object) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(config_with(http=wrong), base_dir=Path("."), environ={})
    message = str(raised.value)
    assert message.startswith("telegram.http:") and '"aiohttp"' in message and '"httpx"' in message


async def test_the_tests_bot_runs_on_the_transport_the_run_names(harness: Harness) -> None:
    # CI runs the end-to-end tests again with JDIH_TEST_HTTP=httpx: that run must really be
    # on python-telegram-bot's transport, chosen through the setting as an operator would.
    wanted = os.environ.get(TEST_HTTP_ENV) or "aiohttp"
    assert harness.config.telegram.http == wanted
    assert harness.app is not None
    kind = HTTPXRequest if wanted == "httpx" else AiohttpRequest
    requests = harness.app.bot_data[REQUESTS_KEY]
    assert all(isinstance(r._inner, kind) for r in requests)
    assert (await harness.say(KASUBBAG, "/bantuan")).body  # and the bot answers over it
