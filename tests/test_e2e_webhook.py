"""Webhook mode: the bot registers its public URL with the secret token, Telegram pushes
updates to it, and a request without the secret is refused."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import texts
from localbotapi import LocalBotApi
from tests.botprocess import BotProcess
from tests.conftest import HarnessFactory
from tests.flows import approve_check, give_direction, open_item, submit_design
from tests.harness import HUKUM, KASUBBAG

SECRET = "rahasia-KPU_2026"


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
            lambda m: m.chat_id == HUKUM.user_id and texts.BTN_APPROVE in m.button_texts
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
