"""One use case, one transaction: the unit of work hands out repositories on one session.

Three things ride along without the use case knowing (docs/reliability.md, docs/performance.md):

* **The update in hand.** While the per-user processor handles an update it binds the update's
  id (`handling_update`); the first commit the handling task makes marks that update done in
  the inbox in the same transaction. An update whose use case committed is then never handled
  again after a crash, and a decision costs no separate transaction for its done mark.
* **Reads.** `UnitOfWork(factory, read_only=True)` begins a plain (deferred) transaction on
  SQLite instead of BEGIN IMMEDIATE, so a read never queues behind a writer; PostgreSQL is
  unaffected.
* **Sharing.** Inside `uow.shared()`, a unit of work opened on the same factory by the same
  task joins `uow` (the same session and transaction; its commit is the outer one's): the
  outbox sender reads a card's data, or records a card's parts, through the service's own
  queries in one transaction; a member's text is read and answered in one. What a joined
  unit of work asks to run after its commit (`after_commit`: waking the sender) runs after
  the outer one's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repository
from storage.roster import RosterRepository

SessionFactory = async_sessionmaker[AsyncSession]

# Read by storage/database.py's BEGIN hook: this transaction only reads.
READ_ONLY = "jdih_read_only"


@dataclass(slots=True)
class UpdateInHand:
    """The inbox update a task is handling, and whether a commit has marked it done."""

    update_id: int
    now: Callable[[], datetime]
    task: asyncio.Task[object] | None
    marked: bool = False


_IN_HAND: ContextVar[UpdateInHand | None] = ContextVar("update_in_hand", default=None)
_SHARED: ContextVar[UnitOfWork | None] = ContextVar("shared_unit_of_work", default=None)


@contextmanager
def handling_update(update_id: int, now: Callable[[], datetime]) -> Iterator[UpdateInHand]:
    """Bind the update this task handles: its first commit marks it done (see above). Only
    commits of this very task count: a task it starts (a timer, the scheduler woken from
    here) inherits the binding but commits work of its own."""
    in_hand = UpdateInHand(update_id, now, asyncio.current_task())
    token = _IN_HAND.set(in_hand)
    try:
        yield in_hand
    finally:
        _IN_HAND.reset(token)


class UnitOfWork:
    """`async with UnitOfWork(factory) as uow: ...; await uow.commit()`; no commit, no change."""

    session: AsyncSession
    repo: Repository
    roster: RosterRepository

    def __init__(self, factory: SessionFactory, *, read_only: bool = False) -> None:
        self._factory = factory
        self.read_only = read_only
        self._outer: UnitOfWork | None = None
        self._after: list[Callable[[], None]] = []
        self._sharing_task: asyncio.Task[object] | None = None
        # what a read-only transaction read already, for a query asked again inside it (the
        # sender's read of two cards of one item): shared with the units of work joining it
        self.read_cache: dict[object, Any] = {}

    async def __aenter__(self) -> UnitOfWork:
        outer = _SHARED.get()
        if (
            outer is not None
            and outer._factory is self._factory
            and outer._sharing_task is asyncio.current_task()
        ):
            self._outer = outer._outer or outer  # the one that ends the transaction
            self.session, self.repo, self.roster = outer.session, outer.repo, outer.roster
            self.read_cache = outer.read_cache
            return self
        self.session = self._factory()
        await self.session.begin()
        if self.read_only:
            # the connection, with the option the BEGIN hook reads, before anything runs
            await self.session.connection(execution_options={READ_ONLY: True})
        self.repo = Repository(self.session)
        self.roster = RosterRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._outer is not None:
            return  # the outer unit of work ends the transaction
        try:
            if exc_type is not None and self.session.in_transaction():
                await self.session.rollback()
        finally:
            # close() ends an uncommitted transaction too (the connection rolls back) but,
            # unlike rollback(), leaves the loaded rows readable for the caller.
            await self.session.close()

    async def commit(self) -> None:
        if self._outer is not None:
            if self._outer.read_only:
                raise RuntimeError("a unit of work inside a read-only one cannot commit")
            return  # committed with the outer unit of work
        in_hand = _IN_HAND.get()
        mark = (
            in_hand is not None
            and not in_hand.marked
            and not self.read_only
            and in_hand.task is asyncio.current_task()
        )
        await self.repo.write_owed()  # the outbox rows owed, in one statement
        if in_hand is not None and mark:
            await self.repo.finish_update(in_hand.update_id, in_hand.now())
        await self.session.commit()
        if in_hand is not None and mark:
            in_hand.marked = True
        after, self._after = self._after, []
        if after:
            # outside any sharing: a task started from here must not join this unit of work
            token = _SHARED.set(None)
            try:
                for callback in after:
                    callback()
            finally:
                _SHARED.reset(token)

    @property
    def reads_only(self) -> bool:
        """The transaction this unit of work is part of writes nothing."""
        return (self._outer or self).read_only

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this unit of work's changes are committed (for a joined one:
        once the outer one's are); never if they are not."""
        (self._outer or self)._after.append(callback)

    @contextmanager
    def shared(self) -> Iterator[UnitOfWork]:
        """Units of work this task opens on this factory inside the block join this one."""
        token = _SHARED.set(self)
        task, self._sharing_task = self._sharing_task, asyncio.current_task()
        try:
            yield self
        finally:
            self._sharing_task = task
            _SHARED.reset(token)
