"""The outbox sender's look (`Repository.due_outbox_turns`), one statement: each chat's next turn
in the order its rows were written, of a chat whose lane is still busy only whether it has more,
at most a cap of rows with every chat's oldest row first, and nothing written after the bot's own
work (an archive) before that work is done: the guarantees of docs/reliability.md's outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.migrate import upgrade_to_head
from storage.models import OutboxMessage
from storage.uow import SessionFactory, UnitOfWork

AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
WORK = 0  # the bot's own chat (ARCHIVE_CHAT)


@pytest.fixture
async def factory(db: AsyncEngine) -> AsyncIterator[SessionFactory]:
    await upgrade_to_head(db)
    yield session_factory(db)


async def _owe(factory: SessionFactory, *chats: int) -> list[int]:
    """One notice row per chat named, in that order; returns their ids."""
    rows = [
        {"created_at": AT, "chat_id": chat, "kind": "notice", "item_id": None, "payload": {}}
        for chat in chats
    ]
    async with UnitOfWork(factory) as uow:
        await uow.session.execute(insert(OutboxMessage), rows)
        await uow.commit()
        found = await uow.repo.undelivered()
    return [row.id for row in found][-len(chats) :]


async def _look(
    factory: SessionFactory, *, cap: int = 100, busy: Sequence[int] = (), skip: Sequence[int] = ()
) -> list[tuple[int, int]]:
    """(chat, row) of what a look reads, turns of 5 rows."""
    async with UnitOfWork(factory, read_only=True) as uow:
        rows = await uow.repo.due_outbox_turns(
            AT, turn=5, cap=cap, work_chat=WORK, busy=busy, skip=skip
        )
    return [(row.chat_id, row.id) for row in rows]


async def test_each_chat_gets_its_next_turn_and_a_busy_chat_only_shows_it_has_more(
    factory: SessionFactory,
) -> None:
    ids = await _owe(factory, *[1] * 7, 2, 2, 3, 3, 3)
    one, two, three = ids[:7], ids[7:9], ids[9:]
    # chat 3's lane holds its first two rows
    found = await _look(factory, busy=[3], skip=three[:2])
    # a chat's first row before anyone's second; each chat's rows in the order written
    assert sorted(found, key=lambda seen: seen[1]) == sorted(
        [(1, row) for row in one[:5]] + [(2, row) for row in two] + [(3, three[2])],
        key=lambda seen: seen[1],
    )
    assert [chat for chat, _ in found[:3]] == [1, 2, 3]
    assert [row for chat, row in found if chat == 1] == one[:5]


async def test_the_cap_keeps_every_chats_oldest_row_before_anyones_second(
    factory: SessionFactory,
) -> None:
    ids = await _owe(factory, *[1, 2, 3, 4] * 3)
    found = await _look(factory, cap=6)
    assert found == [(1, ids[0]), (2, ids[1]), (3, ids[2]), (4, ids[3]), (1, ids[4]), (2, ids[5])]


async def test_rows_written_after_the_bots_own_work_wait_until_it_is_done(
    factory: SessionFactory,
) -> None:
    before, work, after = await _owe(factory, 1, WORK, 2)
    assert await _look(factory) == [(1, before), (WORK, work)]
    async with UnitOfWork(factory) as uow:
        await uow.repo.deliver_outbox([work], AT)
        await uow.commit()
    assert await _look(factory) == [(1, before), (2, after)]
