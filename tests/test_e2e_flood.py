"""No outsider slows the office down: while non-members flood the bot, with Telegram's real
flood limits kept (the rate limiter on, as in production), a member's press is answered
within a second and the next role's card arrives within two."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.config import parse_config
from bot.domain.clock import ManualClock
from localbotapi import BotMessage, LocalBotApi
from tests.flows import give_direction, open_item, review_card, submit_design
from tests.harness import (
    HUKUM,
    KASUBBAG,
    MONDAY_MORNING,
    STRANGER,
    TOKEN,
    Harness,
    config_data,
)
from tests.quiet import nothing_more_to

PRESS_S = 1.0  # Telegram shows a spinner until the press is answered
CARD_S = 2.0  # from the press to the next role's card
GROUP = -1001234567890
OUTSIDERS = list(range(50_000, 50_200))  # 200 people who are not members


@asynccontextmanager
async def _limited(
    server: LocalBotApi, database_url: str, tmp_path: Path, **extra: Any
) -> AsyncIterator[Harness]:
    """The bot with the production rate limiter (tests normally run without it)."""
    config = parse_config(
        config_data(server, database_url, **extra),
        base_dir=tmp_path,
        environ={"JDIH_BOT_TOKEN": TOKEN},
    )
    h = Harness(server=server, config=config, clock=ManualClock(MONDAY_MORNING), rate_limit=True)
    await h.start_bot()
    try:
        yield h
    finally:
        await h.stop_bot()


@pytest.fixture
async def limited(server: LocalBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    async with _limited(server, database_url, tmp_path) as h:
        yield h


@pytest.fixture
async def limited_group(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> AsyncIterator[Harness]:
    """As `limited`, with the divisi hukum's cards going to a group outsiders also write in."""
    server.add_group(GROUP, "Grup Divisi Hukum dan Relawan")
    async with _limited(server, database_url, tmp_path, role_chats={"divisi_hukum": GROUP}) as h:
        yield h


async def _at_review(h: Harness) -> tuple[str, BotMessage]:
    code = await open_item(h)
    await give_direction(h, code)
    await submit_design(h, code)
    return code, await review_card(h, code, 1, KASUBBAG)


async def _press_during(
    h: Harness, flood: Callable[[], Awaitable[None]], card_chat: int = HUKUM.user_id
) -> tuple[str, float, float]:
    """Flood, then at once the kasubbag presses Setujui: the answer's text, and the seconds
    to the answer and to the divisi hukum's card."""
    code, card = await _at_review(h)
    await flood()
    start = time.monotonic()
    query_id = await h.server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
    answer = await h.server.wait_for_answer(query_id, timeout=PRESS_S)
    answered = time.monotonic() - start
    await h.server.wait_for(
        lambda m: m.chat_id == card_chat and code in m.body and bool(m.button_texts),
        timeout=CARD_S,
    )
    return str(answer.get("text")), answered, time.monotonic() - start


def _messages_to(h: Harness, chat_id: int) -> list[BotMessage]:
    return [m for m in h.server.sent if m.chat_id == chat_id]


async def test_one_outsider_sending_300_messages_does_not_hold_up_a_press(
    limited: Harness,
) -> None:
    h = limited
    text, answered, carded = await _press_during(
        h, lambda: h.server.send_burst([STRANGER.user_id], "halo", 300)
    )
    assert text != texts.PRESS_WORKING  # the outcome itself, not the holding toast
    assert answered < PRESS_S and carded < CARD_S


async def test_200_outsiders_sending_500_messages_do_not_hold_up_a_press(
    limited: Harness,
) -> None:
    h = limited
    text, answered, carded = await _press_during(
        h, lambda: h.server.send_burst(OUTSIDERS, "halo", 500)
    )
    assert text != texts.PRESS_WORKING
    assert answered < PRESS_S and carded < CARD_S


async def test_outsiders_calling_the_bot_in_a_role_group_do_not_hold_up_its_cards(
    limited_group: Harness,
) -> None:
    h = limited_group
    command = f"/start@{h.server.bot_user['username']}"
    text, answered, carded = await _press_during(
        h, lambda: h.server.send_burst(OUTSIDERS[:80], command, 80, chat_id=GROUP), GROUP
    )
    assert text != texts.PRESS_WORKING
    assert answered < PRESS_S and carded < CARD_S
    await nothing_more_to(h.server, GROUP, seconds=0.5)
    # 80 people called: the group heard the refusal once, not 80 times, besides the card.
    refusals = [m for m in _messages_to(h, GROUP) if str(OUTSIDERS[0]) in m.body]
    assert len(refusals) == 1


async def test_an_outsider_is_answered_once_per_ten_minutes(limited: Harness) -> None:
    h = limited
    await h.server.send_burst([STRANGER.user_id], "halo", 300)
    await h.server.wait_for_message(STRANGER.user_id, contains=str(STRANGER.user_id))
    await nothing_more_to(h.server, STRANGER.user_id)
    assert len(_messages_to(h, STRANGER.user_id)) == 1  # not 300
    h.clock.advance(timedelta(minutes=9))
    await h.server.send_burst([STRANGER.user_id], "halo", 5)
    await nothing_more_to(h.server, STRANGER.user_id, seconds=0.5)
    assert len(_messages_to(h, STRANGER.user_id)) == 1
    h.clock.advance(timedelta(minutes=1))
    before = h.mark()
    await h.server.send_burst([STRANGER.user_id], "halo", 5)
    await h.server.wait_for_message(STRANGER.user_id, contains=str(STRANGER.user_id), after=before)
    await nothing_more_to(h.server, STRANGER.user_id, seconds=0.5)
    assert len(_messages_to(h, STRANGER.user_id)) == 2
