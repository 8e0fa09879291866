"""Sending keeps Telegram's pace: a burst per private chat, then about one a second; other
chats are not held up by a busy one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.delivery.ratelimit import (
    OUTSIDER_BURST,
    OUTSIDER_REPLY,
    OfficeRateLimiter,
    OutsiderReplyDropped,
)


async def _send(limiter: OfficeRateLimiter, chat_id: int, sent: list[int]) -> None:
    async def callback(*_: Any, **__: Any) -> bool:
        sent.append(chat_id)
        return True

    await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat_id}, None)


async def test_a_private_chat_gets_a_burst_then_waits_while_others_go_on() -> None:
    limiter = OfficeRateLimiter(private_burst=3, private_period=0.6)
    sent: list[int] = []
    busy = [asyncio.create_task(_send(limiter, 101, sent)) for _ in range(4)]
    await asyncio.sleep(0.05)
    assert sent == [101, 101, 101]  # the burst went at once; the fourth waits its turn
    await _send(limiter, 102, sent)  # another member is not held up
    assert sent[-1] == 102 and sent.count(101) == 3
    await asyncio.wait_for(asyncio.gather(*busy), timeout=2)
    assert sent.count(101) == 4


async def test_groups_use_the_group_limit_not_the_private_one() -> None:
    limiter = OfficeRateLimiter(private_burst=1, private_period=10.0)
    sent: list[int] = []
    await asyncio.wait_for(
        asyncio.gather(*(_send(limiter, -100123, sent) for _ in range(5))), timeout=2
    )
    assert sent == [-100123] * 5


async def test_replies_to_non_members_have_their_own_budget_and_are_dropped_not_queued() -> None:
    limiter = OfficeRateLimiter(private_burst=1, private_period=10.0)
    sent: list[int] = []

    async def callback(*_: Any, **__: Any) -> bool:
        sent.append(999)
        return True

    async def outsider() -> None:
        data = {"chat_id": 999}
        await limiter.process_request(callback, (), {}, "sendMessage", data, OUTSIDER_REPLY)

    # A burst, none held up by the private chat's limit of one (that is the members' budget).
    await asyncio.wait_for(asyncio.gather(*(outsider() for _ in range(OUTSIDER_BURST))), 1)
    assert sent == [999] * OUTSIDER_BURST
    with pytest.raises(OutsiderReplyDropped):  # spent: dropped at once, not queued
        await asyncio.wait_for(outsider(), timeout=0.5)
    await asyncio.wait_for(_send(limiter, 101, sent), timeout=0.5)  # members: untouched
    assert sent[-1] == 101
