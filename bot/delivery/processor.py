"""Updates from different people are handled at the same time; one person's updates are
handled one after another, in the order they came.

PTB's default handles every update in turn, so one slow upload would hold up every other
member; its concurrent mode has no order at all, so a title and the material typed right after
it could be handled the wrong way round. Decisions themselves never need this lock: the
database lets exactly one of two simultaneous presses win.

A slot is taken only once the person's turn has come: PTB's own semaphore is taken before
`do_process_update` (so before the person's lock), and 64 updates from one sender would then
hold all 64 slots while they wait for each other. Non-members (the few the front door lets
through to be told their id) get a small lane of their own, and are dropped when it is full.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot import logcontext
from bot.delivery.frontdoor import FrontDoor

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 64  # members' updates being handled at once
OUTSIDER_SLOTS = 4  # non-members' updates being answered at once
# PTB's semaphore, taken before the person's lock, must never be what holds anyone up.
_UNLIMITED = 1_000_000


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        outsider_slots: int = OUTSIDER_SLOTS,
    ) -> None:
        super().__init__(_UNLIMITED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._outsider_slots = asyncio.Semaphore(outsider_slots)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}
        # Wraps the handling of a member's update: the inbox's, which marks it done.
        self.handling: Callable[[object], AbstractAsyncContextManager[None]] = _unrecorded
        self.door: FrontDoor | None = None  # who is a member; set when the services start
        # issue 17: told of each update handled (True: a member's), for /metrics
        self.on_handled: Callable[[bool], None] = lambda _member: None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self.door is not None and self.door.is_outsider(update):
            await self._outsider(update, coroutine)
            return
        key = _sender(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        update_id = update.update_id if isinstance(update, Update) else None
        try:
            # asyncio.Lock is FIFO: the person's order is kept; log lines meanwhile name the
            # update and its sender (bot/logcontext.py; the item once the service reads it)
            with logcontext.scope(update=update_id, member=key):
                async with lock, self._slots, self.handling(update):
                    await coroutine
            self.on_handled(True)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued for this person: forget the lock
                del self._waiting[key]
                del self._locks[key]

    async def _outsider(self, update: object, coroutine: Awaitable[Any]) -> None:
        """A non-member's update: never kept in the inbox, so nothing to mark done."""
        if self._outsider_slots.locked():
            log.debug("update from a non-member dropped: their lane is full")
            if isinstance(coroutine, Coroutine):
                coroutine.close()  # never started: no "was never awaited" warning
            return
        async with self._outsider_slots:
            await coroutine
        self.on_handled(False)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


@asynccontextmanager
async def _unrecorded(_update: object) -> AsyncIterator[None]:
    """Before the inbox is open (and in tests of the processor alone): nothing to mark."""
    yield


def _sender(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None
