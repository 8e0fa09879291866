"""Webhook mode: the bot registers its public URL with the secret token, Telegram pushes
updates to it, and a request without the secret is refused."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot import texts
from bot.delivery.webhook import MAX_BODY_BYTES, SECRET_HEADER
from localbotapi import LocalBotApi
from tests.botprocess import BotProcess
from tests.conftest import HarnessFactory
from tests.flows import approve_check, give_direction, open_item, submit_design
from tests.harness import HUKUM, KASUBBAG

SECRET = "rahasia-KPU_2026"
# The bot answers from the headers at once; a server that waited for the body (which these
# tests never finish sending) would not answer at all.
ANSWER_TIMEOUT_S = 10.0
HUGE = 100 * 1024 * 1024  # what tornado (PTB's own webhook server) would have read


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def webhook() -> dict[str, Any]:
    port = _free_port()
    return {
        "url": f"http://127.0.0.1:{port}/jdih-hook",
        "listen": "127.0.0.1",
        "port": port,
        "secret_token": SECRET,
    }


async def test_the_sop_runs_over_a_webhook(
    make_harness: HarnessFactory, webhook: dict[str, Any]
) -> None:
    async with make_harness(webhook=webhook) as h:
        info = h.server.calls("setWebhook")[-1]
        assert info["url"] == webhook["url"] and info["secret_token"] == SECRET
        code = await open_item(h)
        await give_direction(h, code)
        await submit_design(h, code)
        answer = await approve_check(h, code, 1)
        assert code in answer
        card = await h.server.wait_for(
            lambda m: m.chat_id == HUKUM.user_id and texts.BTN_APPROVE_SOURCES in m.button_texts
        )
        assert code in card.body
        # Every update went by POST (no getUpdates while a webhook is set), each accepted.
        statuses = [status for _, status in h.server.webhook_log]
        assert statuses and set(statuses) == {200}
        assert not h.server.calls("getUpdates")


@pytest.mark.parametrize("header", [None, "salah-tebak"])
async def test_a_post_without_the_right_secret_is_refused(
    make_harness: HarnessFactory, webhook: dict[str, Any], header: str | None
) -> None:
    forged = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": KASUBBAG.user_id, "type": "private"},
            "from": {"id": KASUBBAG.user_id, "is_bot": False, "first_name": "Palsu"},
            "text": "/baru",
        },
    }
    headers = {} if header is None else {"X-Telegram-Bot-Api-Secret-Token": header}
    async with make_harness(webhook=webhook) as h:
        async with httpx.AsyncClient() as client:
            response = await client.post(webhook["url"], json=forged, headers=headers)
        assert response.status_code == 403
        await h.server.wait_idle()
        assert not h.server.messages_in(KASUBBAG.user_id)  # the forged /baru did nothing


async def test_python_m_bot_runs_a_webhook_and_stops_cleanly_on_sigterm(
    server: LocalBotApi, database_url: str, tmp_path: Path, webhook: dict[str, Any]
) -> None:
    process = BotProcess(server, database_url, tmp_path / "bot", webhook=webhook)
    try:
        await process.start()
        assert server.calls("setWebhook")[-1]["url"] == webhook["url"]
        before = len(server.sent)
        await server.send_text(KASUBBAG.user_id, "/tugas")
        await server.wait_for_message(KASUBBAG.user_id, after=before)
        # Telegram retries a POST the bot's server was not yet listening for; one got in.
        assert [status for _, status in server.webhook_log][-1] == 200
        assert len(server.sent[before:]) == 1
        assert await process.terminate() == 0
        assert "webhook mode: listening on 127.0.0.1" in process.stderr()
    finally:
        await process.close()


async def _post_partly(url: str, headers: dict[str, str], body: bytes) -> int:
    """POST over a raw connection, sending the headers and only `body` (less than they
    declare, or a chunked body never ended), and return the status the bot answers with."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    head = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    async with asyncio.timeout(ANSWER_TIMEOUT_S):
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
            status_line = await reader.readline()
        finally:
            writer.close()
    assert status_line, "the bot closed the connection without an answer"
    return int(status_line.split()[1])


@pytest.mark.parametrize("secret", [None, "salah-tebak"])
async def test_a_huge_post_without_the_secret_is_refused_before_its_body_is_read(
    make_harness: HarnessFactory, webhook: dict[str, Any], secret: str | None
) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(HUGE)}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with make_harness(webhook=webhook):
        assert await _post_partly(webhook["url"], headers, b'{"update_id": 1,') == 403


async def test_a_body_over_the_limit_is_refused_with_413_without_reading_it(
    make_harness: HarnessFactory, webhook: dict[str, Any]
) -> None:
    """Even with the right secret: an update is small, so a declared size over the limit is
    refused from the headers alone."""
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(MAX_BODY_BYTES + 1),
        SECRET_HEADER: SECRET,
    }
    async with make_harness(webhook=webhook):
        assert await _post_partly(webhook["url"], headers, b'{"update_id": 1,') == 413


async def test_a_chunked_body_is_refused_with_413_once_it_passes_the_limit(
    make_harness: HarnessFactory, webhook: dict[str, Any]
) -> None:
    """No size declared: the bot reads up to the limit and no further."""
    chunk = b"x" * (64 * 1024)
    count = MAX_BODY_BYTES // len(chunk) + 1
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(count))
    headers = {
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
        SECRET_HEADER: SECRET,
    }
    async with make_harness(webhook=webhook):
        # the closing zero-length chunk is never sent: only the limit ends the read
        assert await _post_partly(webhook["url"], headers, body) == 413


async def test_a_well_formed_update_just_over_the_limit_is_not_handled(
    make_harness: HarnessFactory, webhook: dict[str, Any]
) -> None:
    padded = {
        "update_id": 999_002,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": KASUBBAG.user_id, "type": "private"},
            "from": {"id": KASUBBAG.user_id, "is_bot": False, "first_name": "Budi"},
            "text": "/tugas",
            "padding": "x" * MAX_BODY_BYTES,
        },
    }
    async with make_harness(webhook=webhook) as h:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                webhook["url"], json=padded, headers={SECRET_HEADER: SECRET}
            )
        assert response.status_code == 413
        await h.server.wait_idle()
        assert not h.server.messages_in(KASUBBAG.user_id)


@pytest.mark.parametrize("body", [b"null", b"[]", b"{not json"])
async def test_a_body_that_is_not_an_update_is_refused_and_the_bot_carries_on(
    make_harness: HarnessFactory, webhook: dict[str, Any], body: bytes
) -> None:
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    async with make_harness(webhook=webhook) as h:
        async with httpx.AsyncClient() as client:
            response = await client.post(webhook["url"], content=body, headers=headers)
        assert response.status_code == 400
        answer = await h.say(KASUBBAG, "/tugas")  # Telegram's own POSTs still go through
        assert answer.body
