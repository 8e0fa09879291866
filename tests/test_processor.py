"""One member's updates in order; different members' updates side by side."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.delivery.processor import PerUserUpdateProcessor


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


async def test_one_senders_backlog_takes_no_slot_from_another() -> None:
    processor = PerUserUpdateProcessor(max_concurrent_updates=2)
    stuck = asyncio.Event()
    other_done = asyncio.Event()

    async def handle(wait: asyncio.Event | None = None, done: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        if done is not None:
            done.set()

    async with processor:
        backlog = [
            asyncio.create_task(processor.process_update(_message_from(1, n), handle(stuck)))
            for n in range(5)  # one sender, more updates than there are slots
        ]
        other = asyncio.create_task(
            processor.process_update(_message_from(2, 9), handle(done=other_done))
        )
        # the backlog waits for its sender's turn without holding the slots
        await asyncio.wait_for(other_done.wait(), timeout=2)
        stuck.set()
        await asyncio.gather(*backlog, other)


async def test_non_members_have_a_small_lane_and_are_dropped_when_it_is_full() -> None:
    class Door:
        def is_outsider(self, update: object) -> bool:
            return isinstance(update, Update) and update.effective_user.id == 999  # type: ignore[union-attr]

    processor = PerUserUpdateProcessor(outsider_slots=1)
    processor.door = Door()  # type: ignore[assignment]
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update_id: int) -> None:
        await release.wait()
        handled.append(update_id)

    async with processor:
        first = asyncio.create_task(processor.process_update(_message_from(999, 1), handle(1)))
        await asyncio.sleep(0)  # the first takes the lane
        await processor.process_update(_message_from(999, 2), handle(2))  # returns at once
        release.set()
        await first
    assert handled == [1]
