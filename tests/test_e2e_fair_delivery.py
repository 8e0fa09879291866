"""Delivery is fair between chats: a backlog owed to one chat (paced by Telegram's limit of
about one message a second in a private chat) never holds another chat's cards."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from bot.config import parse_config
from bot.domain.clock import ManualClock
from bot.service.owed import OutboxKind
from localbotapi import LocalBotApi
from storage.database import session_factory
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests import flows
from tests.harness import (
    HUKUM,
    KASUBBAG,
    MONDAY_MORNING,
    OPERATOR2,
    TOKEN,
    Harness,
    config_data,
)

BACKLOG = 60  # notices owed to one chat: about a minute at one a second
CARD_WITHIN_S = 2.5


@pytest.fixture
async def paced(server: LocalBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with the real rate limiter on, as in production."""
    config = parse_config(
        config_data(server, database_url, reminders={"digest": False}),
        base_dir=tmp_path,
        environ={"JDIH_BOT_TOKEN": TOKEN},
    )
    h = Harness(server, config, ManualClock(MONDAY_MORNING), rate_limit=True)
    await h.start_bot()
    try:
        yield h
    finally:
        await h.stop_bot()


async def _owe_backlog(h: Harness, chat_id: int, code: str) -> None:
    """Many notices owed to one chat, written as transitions write them."""
    async with UnitOfWork(session_factory(h.engine)) as uow:
        item = await uow.repo.item_by_code(code)
        assert item is not None
        for n in range(1, BACKLOG + 1):
            params = {"code": code, "title": f"Pemberitahuan {n:02d}", "name": "-", "links": ""}
            uow.repo.add(
                OutboxMessage(
                    created_at=h.clock.now(),
                    chat_id=chat_id,
                    kind=OutboxKind.NOTICE,
                    item_id=item.id,
                    payload={"template": "published", "params": params},
                )
            )
        await uow.commit()
    h.services.sender.wake()


def _backlog_numbers(h: Harness, chat_id: int) -> list[int]:
    found = (re.search(r"Pemberitahuan (\d+)", m.body) for m in h.server.messages_in(chat_id))
    return [int(match[1]) for match in found if match]


async def test_one_chats_backlog_does_not_delay_another_chats_card(paced: Harness) -> None:
    h = paced
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    review = await flows.review_card(h, code, 1, KASUBBAG)

    await _owe_backlog(h, OPERATOR2.user_id, code)
    # the burst is spent: from here on that chat gets one message a second
    await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR2.user_id and "Pemberitahuan 07" in m.body, timeout=15
    )

    loop = asyncio.get_running_loop()
    started = loop.time()
    await h.press(KASUBBAG, review, texts.BTN_APPROVE)
    card = await flows.review_card(h, code, 1, HUKUM)
    waited = loop.time() - started

    assert texts.BTN_APPROVE_SOURCES in card.button_texts
    assert waited < CARD_WITHIN_S, f"the next role's card took {waited:.1f}s"
    delivered = _backlog_numbers(h, OPERATOR2.user_id)
    assert len(delivered) < BACKLOG  # the backlog was still draining meanwhile
    assert delivered == list(range(1, len(delivered) + 1))  # in the order it was written
