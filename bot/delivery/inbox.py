"""The inbox: every update from Telegram is written to the database before Telegram hears it
arrived, and marked done once handled.

Telegram forgets an update as soon as the bot asks for the next ones, which PTB does before
handling the update in hand; a crash then lost whatever was being handled (an upload, typed
notes). With the inbox, an update cut off by a crash before its use case committed is handled
again at the next start, and one Telegram sends a second time is handled once.

What it costs: one transaction per getUpdates batch (or webhook request) to write the updates
down, and none to mark one done when its use case commits (the mark goes into that commit,
storage/uow.py); only an update that committed nothing (a read, a refusal) costs a
transaction of its own for its mark.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from telegram import Bot, Update
from telegram.ext import Updater

from bot.delivery.frontdoor import FrontDoor, Verdict
from bot.domain.clock import Clock
from storage.uow import SessionFactory, UnitOfWork, handling_update

if TYPE_CHECKING:
    from bot.delivery.outage import DatabaseWatch

log = logging.getLogger(__name__)

MAX_STARTS = 3  # an update that was being handled at 3 crashes is given up, not retried forever
KEEP_DONE = timedelta(days=2)  # Telegram keeps an update 24 hours; ids are not reused sooner
_FORGET_EVERY = 1000  # updates written down between clearing out old done rows
# An update the database failed this often is given up (marked done) instead of held again:
# an error that looks like an unreachable database but stays once it answers (a table
# missing) must not keep one update, and its member's "wait" text, coming round for ever.
MAX_HOLDS = 3
# The same for writing a batch down: after this many tries the batch is handled unwritten.
MAX_WRITE_TRIES = 10
# Set while an update is handled; the error hook (bot/delivery/outage.py) flips it when the
# handling failed because the database was away.
_DATABASE_FAILED: ContextVar[list[bool] | None] = ContextVar("database_failed", default=None)


def database_failed_the_update() -> None:
    """The update in hand failed because the database was away: hold it, do not mark it."""
    flag = _DATABASE_FAILED.get()
    if flag is not None:
        flag[0] = True


class Inbox:
    def __init__(self, factory: SessionFactory, clock: Clock) -> None:
        self.factory = factory
        self.clock = clock
        self._written = 0
        # issue 17: told when the database is away; updates it failed, to handle once back
        self.outage: DatabaseWatch | None = None
        self.held: list[Update] = []
        self._holds: dict[int, int] = {}  # update id -> times held

    async def record(self, update: Update) -> bool:
        """Write the update down; False when it is known already."""
        return update.update_id in await self.record_all([update])

    async def record_all(self, updates: Sequence[Update]) -> set[int]:
        """Write the updates down in one transaction; returns the ids that were new (the
        others Telegram sent before)."""
        if not updates:
            return set()
        now = self.clock.now()
        new: set[int] = set()
        async with UnitOfWork(self.factory) as uow:
            for update in updates:
                if await uow.repo.journal_update(update.update_id, update.to_dict(), now):
                    new.add(update.update_id)
            before = self._written
            self._written += len(updates)
            if before // _FORGET_EVERY != self._written // _FORGET_EVERY:
                await uow.repo.forget_updates_done_before(now - KEEP_DONE)
            await uow.commit()
        return new

    @asynccontextmanager
    async def handling(self, update: object) -> AsyncIterator[None]:
        """While an update is handled: the first commit of its use case marks it done; if
        none did (a read, a refusal, an error), it is marked done afterwards."""
        if not isinstance(update, Update):
            yield
            return
        binding = handling_update(update.update_id, self.clock.now)
        in_hand = binding.__enter__()
        failed = [False]
        flag = _DATABASE_FAILED.set(failed)
        try:
            yield
        finally:
            _DATABASE_FAILED.reset(flag)
            binding.__exit__(None, None, None)
            if not in_hand.marked:
                await self._finish(update, database_failed=failed[0])

    async def _finish(self, update: Update, *, database_failed: bool) -> None:
        """Mark an update that committed nothing done; unless the database failed it (or
        fails the mark): then it is held, to be handled again once the database is back."""
        holds = self._holds.get(update.update_id, 0)
        if database_failed and holds >= MAX_HOLDS:
            log.error(
                "update %s failed on the database %d times; given up", update.update_id, holds
            )
            database_failed = False
        if not database_failed:
            try:
                await self.done(update)
                self._holds.pop(update.update_id, None)
                return
            except Exception as exc:
                if self.outage is None or not self.outage.unavailable(exc, "inbox"):
                    raise
        log.warning("update %s held until the database is back", update.update_id)
        self._holds[update.update_id] = holds + 1
        self.held.append(update)

    def take_held(self) -> list[Update]:
        held, self.held = self.held, []
        return held

    async def done(self, update: object) -> None:
        if not isinstance(update, Update):
            return
        async with UnitOfWork(self.factory) as uow:
            await uow.repo.finish_update(update.update_id, self.clock.now())
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
    """PTB's update queue, writing the updates to the inbox as the updater (polling) or the
    webhook server puts them in, before Telegram is told they arrived. The front door looks
    at each first: a non-member's update is never written down, and most are dropped here.

    The updater puts a getUpdates batch one update at a time; `expect` (called with the batch
    as it arrives, see `journal_whole_batches`) lets the first put write the whole batch in
    one transaction. Telegram hears of the batch only at the next getUpdates, after every put.
    """

    def __init__(self) -> None:
        super().__init__()
        self.inbox: Inbox | None = None  # set once the database is open
        self.door: FrontDoor | None = None  # set with the inbox
        self._expected: list[Update] = []  # the batch the updater is about to put
        self._queue_it: dict[int, bool] = {}  # update id -> queued or not, decided for its batch

    def expect(self, updates: Sequence[object]) -> None:
        self._expected = [update for update in updates if isinstance(update, Update)]

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):
            await super().put(item)
            return
        if item.update_id not in self._queue_it:
            batch = self._expected if any(u is item for u in self._expected) else [item]
            self._expected = []
            await self._journal(batch)
        if self._queue_it.pop(item.update_id, True):
            await super().put(item)

    async def _journal(self, batch: list[Update]) -> None:
        """Decide for each update of the batch whether it is handled, writing the members'
        down in one transaction."""
        decided: dict[int, bool] = {}
        members: list[Update] = []
        for update in batch:
            verdict = self.door.admit(update) if self.door is not None else Verdict.MEMBER
            if verdict is Verdict.MEMBER and self.inbox is not None:
                members.append(update)
            else:
                # An answer to a non-member is all that is owed: nothing to keep across a crash.
                decided[update.update_id] = verdict is not Verdict.DROP
        if members:
            assert self.inbox is not None
            new = await self._record(self.inbox, members)
            for update in members:
                if update.update_id not in new:
                    log.info("update %s came again; it was handled already", update.update_id)
                decided[update.update_id] = update.update_id in new
        self._queue_it = decided

    async def _record(self, inbox: Inbox, members: list[Update]) -> set[int]:
        """Write the members' updates down. While the database is away (the watch says so)
        this waits and tries again: the updater asks Telegram for nothing more meanwhile, so
        Telegram keeps every update it was not told we have."""
        failure: Exception | None = None
        for _ in range(MAX_WRITE_TRIES):
            try:
                return await inbox.record_all(members)
            except Exception as exc:
                failure = exc
                if inbox.outage is None or not inbox.outage.unavailable(exc, "inbox"):
                    break
            await inbox.outage.back()
        # The updates cannot be kept; handling them still answers the members (at worst
        # with the error message).
        log.error("inbox: could not write %d update(s) down", len(members), exc_info=failure)
        return {update.update_id for update in members}

    async def handle_again(self, updates: list[Update]) -> None:
        """Updates already written down whose handling the database failed: handled now."""
        for update in updates:
            log.info("update %s: handling it now that the database is back", update.update_id)
            await super().put(update)

    async def replay(self, updates: list[Update]) -> None:
        for update in updates:
            log.warning("update %s was cut off by a restart; handling it again", update.update_id)
            await super().put(update)


class _BatchAnnouncingBot:
    """The bot as the updater sees it: each getUpdates batch is announced to the queue before
    the updater puts its updates in one by one. Everything else goes to the bot itself."""

    def __init__(self, bot: Bot, queue: JournalingQueue) -> None:
        self._bot = bot
        self._queue = queue

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await self._bot.get_updates(*args, **kwargs)
        self._queue.expect(updates)
        return updates

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)


def journal_whole_batches(updater: Updater | None, queue: JournalingQueue) -> None:
    """Let the queue write each polled batch down in one transaction. PTB offers no hook
    between fetching a batch and putting its updates, so the updater polls through a thin
    wrapper of its bot (its last getUpdates at shutdown, whose updates PTB drops, then writes
    nothing down either: they are fetched again at the next start)."""
    if updater is not None:
        updater.bot = cast(Bot, _BatchAnnouncingBot(updater.bot, queue))
