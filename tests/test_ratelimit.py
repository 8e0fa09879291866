"""Sending keeps Telegram's pace: a burst per private chat, then about one a second; other
chats are not held up by a busy one."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.ratelimit import OfficeRateLimiter


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
