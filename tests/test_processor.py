"""One member's updates in order; different members' updates side by side."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.processor import PerUserUpdateProcessor


def _message_from(user_id: int, update_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "U"},
                "text": f"pesan {update_id}",
            },
        },
        None,
    )


async def test_a_slow_update_holds_back_its_sender_only() -> None:
    processor = PerUserUpdateProcessor()
    done: list[int] = []
    slow = asyncio.Event()
    other_done = asyncio.Event()

    async def handle(update_id: int, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()  # e.g. a 20 MB download
        done.append(update_id)
        if update_id == 3:
            other_done.set()

    async with processor:
        tasks = [
            asyncio.create_task(processor.process_update(_message_from(1, 1), handle(1, slow))),
            asyncio.create_task(processor.process_update(_message_from(1, 2), handle(2))),
            asyncio.create_task(processor.process_update(_message_from(2, 3), handle(3))),
        ]
        await asyncio.wait_for(other_done.wait(), timeout=2)
        assert done == [3]  # the other member was not held up; member 1's second waits
        slow.set()
        await asyncio.gather(*tasks)
    assert done == [3, 1, 2]  # member 1's updates in the order they came


async def test_locks_are_forgotten_when_idle() -> None:
    processor = PerUserUpdateProcessor()

    async def nothing() -> None:
        return None

    async with processor:
        for update_id in range(50):
            await processor.process_update(_message_from(update_id, update_id), nothing())
    assert not processor._locks and not processor._waiting
