"""Holding requests in the fake Bot API server: the fault hook the crash tests stand on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from localbotapi import ApiError, LocalBotApi
from localbotapi.faults import DOWNLOAD

TOKEN = "123456:TEST-TOKEN"
USER = 42
OTHER = 43


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(token=TOKEN) as srv:
        for user in (USER, OTHER):
            srv.add_user(user, f"User {user}")
            srv.mark_started(user)
        yield srv


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, server: LocalBotApi, method: str, **params: Any
) -> dict[str, Any]:
    async with http.post(f"{server.base_url}{TOKEN}/{method}", json=params) as response:
        body: dict[str, Any] = await response.json()
        return body


async def test_held_request_is_not_carried_out_until_released(
    server: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    hold = server.hold("sendMessage", lambda p: p.get("chat_id") == USER)
    held_call = asyncio.create_task(call(http, server, "sendMessage", chat_id=USER, text="satu"))
    assert (await hold.wait_held())["text"] == "satu"
    # another chat is not held: the predicate picks the request
    other = await call(http, server, "sendMessage", chat_id=OTHER, text="lain")
    assert other["ok"]
    assert [m.text for m in server.messages_in(USER)] == []
    assert not held_call.done()

    hold.release()
    answer = await held_call
    assert answer["result"]["text"] == "satu"
    assert [m.text for m in server.messages_in(USER)] == ["satu"]


async def test_answered_hold_does_the_work_and_keeps_the_response(
    server: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    hold = server.hold("sendMessage", answered=True)
    held_call = asyncio.create_task(call(http, server, "sendMessage", chat_id=USER, text="ada"))
    await hold.wait_held()
    # Telegram has the message, the client has no answer: what a crash right now leaves
    assert [m.text for m in server.messages_in(USER)] == ["ada"]
    assert not held_call.done()
    hold.release()
    assert (await held_call)["ok"]


async def test_client_that_goes_away_is_never_answered_and_server_goes_idle(
    server: LocalBotApi,
) -> None:
    hold = server.hold("sendMessage", answered=True)
    session = aiohttp.ClientSession()
    held_call = asyncio.create_task(call(session, server, "sendMessage", chat_id=USER, text="x"))
    await hold.wait_held()
    held_call.cancel()  # the bot dies with its connection
    await session.close()
    await server.wait_idle(timeout=3)
    assert [m.text for m in server.messages_in(USER)] == ["x"]
    hold.release()  # nothing left to answer: harmless


async def test_hold_catches_only_as_many_requests_as_asked(
    server: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    hold = server.hold("sendMessage", times=1)
    first = asyncio.create_task(call(http, server, "sendMessage", chat_id=USER, text="1"))
    await hold.wait_held()
    second = await call(http, server, "sendMessage", chat_id=USER, text="2")
    assert second["ok"]
    assert [m.text for m in server.messages_in(USER)] == ["2"]
    hold.release()
    await first
    assert [m.text for m in server.messages_in(USER)] == ["2", "1"]


async def test_file_download_can_be_held(server: LocalBotApi, http: aiohttp.ClientSession) -> None:
    stored = server.add_file(b"%PDF-1.4 isi", file_name="a.pdf")
    got = await call(http, server, "getFile", file_id=stored["file_id"])
    path = got["result"]["file_path"]
    hold = server.hold(DOWNLOAD, lambda p: p["file_path"] == path)

    async def download() -> bytes:
        async with http.get(f"{server.base_file_url}{TOKEN}/{path}") as response:
            return await response.read()

    fetching = asyncio.create_task(download())
    assert (await hold.wait_held()) == {"file_path": path}
    assert not fetching.done()
    hold.release()
    assert await fetching == b"%PDF-1.4 isi"


async def test_wait_held_fails_readably_and_stop_releases_holds() -> None:
    server = await LocalBotApi(token=TOKEN).start()
    hold = server.hold("getMe")
    with pytest.raises(AssertionError, match="no getme request was held"):
        await hold.wait_held(timeout=0.05)
    async with aiohttp.ClientSession() as http:
        waiting = asyncio.create_task(call(http, server, "getMe"))
        await hold.wait_held()
        await server.stop()  # a held request must not keep the shutdown waiting
        assert hold.released
        waiting.cancel()


async def test_a_failure_answers_only_the_requests_it_picks(
    server: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    failure = server.fail_when(
        "sendMessage",
        lambda p: p.get("chat_id") == USER and p.get("text") == "konfirmasi",
        ApiError.server_error(),
        times=2,
    )
    assert (await call(http, server, "sendMessage", chat_id=USER, text="lain"))["ok"]
    assert (await call(http, server, "sendMessage", chat_id=OTHER, text="konfirmasi"))["ok"]
    for _ in range(2):
        refused = await call(http, server, "sendMessage", chat_id=USER, text="konfirmasi")
        assert (refused["ok"], refused["error_code"]) == (False, 500)
    assert failure.spent and len(failure.failed) == 2
    # spent: the third try goes through, and nothing failed ever reached the chat
    assert (await call(http, server, "sendMessage", chat_id=USER, text="konfirmasi"))["ok"]
    assert [m.text for m in server.messages_in(USER)] == ["lain", "konfirmasi"]
    assert server.errors == [("sendMessage", "Internal Server Error")] * 2


async def test_a_failure_can_answer_a_flood_limit(
    server: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    server.fail_when("sendMessage", lambda p: True, ApiError.flood(retry_after=3))
    refused = await call(http, server, "sendMessage", chat_id=USER, text="x")
    assert refused["parameters"] == {"retry_after": 3} and refused["error_code"] == 429
