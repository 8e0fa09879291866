"""The inbox: an update is kept until handled, handled again after a crash, and handled once
when Telegram sends it twice; one that keeps crashing the bot is given up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Update

from bot.delivery.inbox import KEEP_DONE, MAX_STARTS, Inbox, JournalingQueue
from bot.domain.clock import ManualClock
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from tests.harness import MONDAY_MORNING


def _update(update_id: int, text: str = "halo") -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_763_860_000,
                "chat": {"id": 103, "type": "private"},
                "from": {"id": 103, "is_bot": False, "first_name": "Sari"},
                "text": text,
            },
        },
        None,
    )


@pytest.fixture
async def inbox(database_url: str) -> AsyncIterator[Inbox]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    yield Inbox(session_factory(engine), ManualClock(MONDAY_MORNING))
    await engine.dispose()


async def test_an_update_sent_twice_is_queued_once(inbox: Inbox) -> None:
    queue = JournalingQueue()
    queue.inbox = inbox
    await queue.put(_update(7))
    await queue.put(_update(7))  # Telegram's second delivery after an unconfirmed batch
    assert queue.qsize() == 1


async def test_an_unfinished_update_comes_back_whole_after_a_crash(inbox: Inbox) -> None:
    await inbox.record(_update(1, "catatan perbaikan"))
    await inbox.record(_update(2))
    await inbox.done(_update(2))
    replayed = await inbox.unfinished(bot=None)  # type: ignore[arg-type]
    assert [u.update_id for u in replayed] == [1]
    assert replayed[0].message is not None and replayed[0].message.text == "catatan perbaikan"


async def test_an_update_that_keeps_crashing_the_bot_is_given_up(
    inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    await inbox.record(_update(5))
    for _ in range(MAX_STARTS):
        assert [u.update_id for u in await inbox.unfinished(bot=None)] == [5]  # type: ignore[arg-type]
    assert await inbox.unfinished(bot=None) == []  # type: ignore[arg-type]
    assert "given up" in caplog.text


async def test_done_updates_are_forgotten_after_two_days(inbox: Inbox) -> None:
    await inbox.record(_update(9))
    await inbox.done(_update(9))
    clock = inbox.clock
    assert isinstance(clock, ManualClock)
    clock.advance(KEEP_DONE + timedelta(minutes=1))
    await inbox.unfinished(bot=None)  # type: ignore[arg-type]  # clears out old rows
    assert await inbox.record(_update(9))  # the id is free again
