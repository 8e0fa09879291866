"""One member's updates in order; different members' updates side by side."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

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


async def test_a_bot_that_heard_from_many_people_keeps_no_memory_of_them_once_idle() -> None:
    # A long-running bot meets many senders; what it keeps per sender while their updates
    # are handled must go when they are done, or its memory grows with everyone it ever met.
    processor = PerUserUpdateProcessor()
    senders = 1000

    async def nothing() -> None:
        return None

    async with processor:
        await processor.process_update(_message_from(0, 0), nothing())  # warm up
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for user_id in range(1, senders + 1):
                await processor.process_update(_message_from(user_id, user_id), nothing())
            gc.collect()
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    # A lock and its counters cost about 180 bytes per sender; allow a tenth of that in all.
    assert kept < 18 * senders, f"{kept} bytes kept after {senders} senders"


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
