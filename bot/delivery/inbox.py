"""The inbox: every update from Telegram is written to the database before Telegram hears it
arrived, and marked done once handled.

Telegram forgets an update as soon as the bot asks for the next ones, which PTB does before
handling the update in hand; a crash then lost whatever was being handled (an upload, typed
notes). With the inbox, an update cut off by a crash is handled again at the next start, and
one Telegram sends a second time is handled once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Bot, Update

from bot.delivery.frontdoor import FrontDoor, Verdict
from bot.domain.clock import Clock
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)

MAX_STARTS = 3  # an update that was being handled at 3 crashes is given up, not retried forever
KEEP_DONE = timedelta(days=2)  # Telegram keeps an update 24 hours; ids are not reused sooner
_FORGET_EVERY = 1000  # updates handled between clearing out old done rows


class Inbox:
    def __init__(self, factory: SessionFactory, clock: Clock) -> None:
        self.factory = factory
        self.clock = clock
        self._handled = 0

    async def record(self, update: Update) -> bool:
        """Write the update down; False when it is known already."""
        async with UnitOfWork(self.factory) as uow:
            new = await uow.repo.journal_update(
                update.update_id, update.to_dict(), self.clock.now()
            )
            await uow.commit()
        return new

    async def done(self, update: object) -> None:
        if not isinstance(update, Update):
            return
        async with UnitOfWork(self.factory) as uow:
            await uow.repo.finish_update(update.update_id, self.clock.now())
            self._handled += 1
            if self._handled % _FORGET_EVERY == 0:
                await uow.repo.forget_updates_done_before(self.clock.now() - KEEP_DONE)
            await uow.commit()

    async def unfinished(self, bot: Bot) -> list[Update]:
        """Updates a crash cut off, oldest first, each counted as one more start; one that
        was cut off MAX_STARTS times is logged and given up (it may be what crashes us)."""
        found: list[Update] = []
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            await uow.repo.forget_updates_done_before(now - KEEP_DONE)
            for row in await uow.repo.unfinished_updates():
                row.attempts += 1
                if row.attempts > MAX_STARTS:
                    log.error("update %s given up after %d starts", row.update_id, MAX_STARTS)
                    row.done_at = now
                    continue
                found.append(Update.de_json(row.payload, bot))
            await uow.commit()
        return found


class JournalingQueue(asyncio.Queue[object]):
    """PTB's update queue, writing each update to the inbox as the updater (polling) or the
    webhook server puts it in, before Telegram is told it arrived. The front door looks at
    each first: a non-member's update is never written down, and most are dropped here."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: Inbox | None = None  # set once the database is open
        self.door: FrontDoor | None = None  # set with the inbox

    async def put(self, item: object) -> None:
        verdict = self.door.admit(item) if self.door is not None else Verdict.MEMBER
        if verdict is Verdict.DROP:
            return
        if verdict is Verdict.ANSWER:
            # Only the gate's answer is owed: nothing to keep across a crash.
            await super().put(item)
            return
        if self.inbox is not None and isinstance(item, Update):
            try:
                if not await self.inbox.record(item):
                    log.info("update %s came again; it was handled already", item.update_id)
                    return
            except Exception:
                # Without the database the update cannot be kept; handling it still answers
                # the member (at worst with the error message) rather than dropping it.
                log.exception("inbox: could not write update %s down", item.update_id)
        await super().put(item)

    async def replay(self, updates: list[Update]) -> None:
        for update in updates:
            log.warning("update %s was cut off by a restart; handling it again", update.update_id)
            await super().put(update)
