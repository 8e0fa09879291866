"""The inbox: an update is kept until handled, handled again after a crash unless its use case
committed, and handled once when Telegram sends it twice; one that keeps crashing the bot is
given up. A batch of updates costs one transaction, and a use case's commit carries the done
mark of the update it answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from bot.delivery.inbox import KEEP_DONE, MAX_STARTS, Inbox, JournalingQueue
from bot.domain.clock import ManualClock
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import InboxUpdate, PendingInput
from storage.uow import UnitOfWork
from tests.harness import MONDAY_MORNING
from tests.updates import text_update


@pytest.fixture
async def inbox(database_url: str) -> AsyncIterator[Inbox]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    yield Inbox(session_factory(engine), ManualClock(MONDAY_MORNING))
    await engine.dispose()


def transactions(inbox: Inbox) -> list[int]:
    """A list that grows by one with every transaction the inbox's engine begins."""
    begun: list[int] = []
    engine = inbox.factory.kw["bind"]
    event.listen(engine.sync_engine, "begin", lambda _conn: begun.append(1))
    return begun


async def done_ids(inbox: Inbox) -> list[int]:
    async with UnitOfWork(inbox.factory, read_only=True) as uow:
        found = await uow.session.execute(
            select(InboxUpdate.update_id).where(InboxUpdate.done_at.is_not(None))
        )
        return sorted(found.scalars().all())


async def a_use_case(inbox: Inbox, user_id: int = 103) -> None:
    """Something a handler's use case commits (here: a question asked of a member)."""
    async with UnitOfWork(inbox.factory) as uow:
        await uow.repo.set_pending_input(
            PendingInput(user_id=user_id, kind="notes", asked_at=MONDAY_MORNING)
        )
        await uow.commit()


async def test_an_update_sent_twice_is_queued_once(inbox: Inbox) -> None:
    queue = JournalingQueue()
    queue.inbox = inbox
    await queue.put(text_update(7))
    await queue.put(text_update(7))  # Telegram's second delivery after an unconfirmed batch
    assert queue.qsize() == 1


async def test_an_unfinished_update_comes_back_whole_after_a_crash(inbox: Inbox) -> None:
    await inbox.record(text_update(1, "catatan perbaikan"))
    await inbox.record(text_update(2))
    await inbox.done(text_update(2))
    replayed = await inbox.unfinished(bot=None)  # type: ignore[arg-type]
    assert [u.update_id for u in replayed] == [1]
    assert replayed[0].message is not None and replayed[0].message.text == "catatan perbaikan"


async def test_an_update_that_keeps_crashing_the_bot_is_given_up(
    inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    await inbox.record(text_update(5))
    for _ in range(MAX_STARTS):
        assert [u.update_id for u in await inbox.unfinished(bot=None)] == [5]  # type: ignore[arg-type]
    assert await inbox.unfinished(bot=None) == []  # type: ignore[arg-type]
    assert "given up" in caplog.text


async def test_done_updates_are_forgotten_after_two_days(inbox: Inbox) -> None:
    await inbox.record(text_update(9))
    await inbox.done(text_update(9))
    clock = inbox.clock
    assert isinstance(clock, ManualClock)
    clock.advance(KEEP_DONE + timedelta(minutes=1))
    await inbox.unfinished(bot=None)  # type: ignore[arg-type]  # clears out old rows
    assert await inbox.record(text_update(9))  # the id is free again


async def test_a_polled_batch_is_written_down_in_one_transaction(inbox: Inbox) -> None:
    queue = JournalingQueue()
    queue.inbox = inbox
    batch = [text_update(20), text_update(21), text_update(22)]
    begun = transactions(inbox)
    queue.expect(batch)  # the updater fetched them (bot/delivery/inbox.py)
    for update in batch:
        await queue.put(update)
    assert queue.qsize() == 3
    assert len(begun) == 1
    assert [u.update_id for u in await inbox.unfinished(bot=None)] == [20, 21, 22]  # type: ignore[arg-type]


async def test_the_use_case_commit_marks_its_update_done_in_the_same_transaction(
    inbox: Inbox,
) -> None:
    await inbox.record(text_update(30))
    begun = transactions(inbox)
    async with inbox.handling(text_update(30)):
        await a_use_case(inbox)
        assert await done_ids(inbox) == [30]  # with the use case's commit, not after it
    assert len(begun) == 2  # the use case, and the test's own look; no done mark of its own
    # a crash now: the update is not handled again (its answer would be owed, issue 13)
    assert await inbox.unfinished(bot=None) == []  # type: ignore[arg-type]


async def test_an_update_that_committed_nothing_is_marked_done_after_it(inbox: Inbox) -> None:
    await inbox.record(text_update(40))
    async with inbox.handling(text_update(40)):
        async with UnitOfWork(inbox.factory, read_only=True) as uow:  # a read, a refusal
            await uow.repo.pending_input(103)
        # a crash here: it is handled again after the restart
        assert [u.update_id for u in await inbox.unfinished(bot=None)] == [40]  # type: ignore[arg-type]
    assert await done_ids(inbox) == [40]


async def test_an_update_whose_commit_failed_is_marked_done_after_it(inbox: Inbox) -> None:
    await inbox.record(text_update(50))
    with pytest.raises(IntegrityError):
        async with inbox.handling(text_update(50)):
            async with UnitOfWork(inbox.factory) as uow:
                # a write the database refuses at the commit: nothing of it is kept
                uow.repo.add(InboxUpdate(update_id=50, received_at=MONDAY_MORNING, payload={}))
                await uow.commit()
    assert await done_ids(inbox) == [50]  # by the mark after it (the handler raised)


async def test_a_task_started_while_handling_does_not_mark_thetext_update(inbox: Inbox) -> None:
    """A timer or a scheduler woken from a handler inherits its context; its commits are
    its own work, not the update's use case."""
    await inbox.record(text_update(60))
    seen: list[list[int]] = []

    async def elsewhere() -> None:
        await a_use_case(inbox, user_id=104)
        seen.append(await done_ids(inbox))

    async with inbox.handling(text_update(60)):
        await asyncio.create_task(elsewhere())
    assert seen == [[]]
    assert await done_ids(inbox) == [60]


async def test_a_unit_of_work_inside_a_shared_one_joins_its_transaction(inbox: Inbox) -> None:
    begun = transactions(inbox)
    async with UnitOfWork(inbox.factory) as outer:
        with outer.shared():
            await a_use_case(inbox)  # its commit is the outer one's
        await outer.commit()
    assert len(begun) == 1
    async with UnitOfWork(inbox.factory, read_only=True) as uow:
        assert await uow.repo.pending_input(103) is not None


async def test_nothing_is_committed_inside_a_shared_read(inbox: Inbox) -> None:
    async with UnitOfWork(inbox.factory, read_only=True) as outer:
        with outer.shared(), pytest.raises(RuntimeError):
            await a_use_case(inbox)
    async with UnitOfWork(inbox.factory, read_only=True) as uow:
        assert await uow.repo.pending_input(103) is None
