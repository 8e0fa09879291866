"""A database that goes away while the bot runs (issue 17): the bot waits, says so in its log
and to the admins, and loses nothing owed.

On PostgreSQL the real bot loses its real database: its connections are ended
(pg_terminate_backend) and the database refuses new ones (ALLOW_CONNECTIONS false) until the
test lets it back. On SQLite a database cannot vanish that way while the bot runs (its open
descriptors keep serving the file, and root ignores permissions), so the parts that wait are
tested there with a session factory that fails as an unreachable database does."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.delivery.inbox import (
    MAX_HOLDS,
    Inbox,
    JournalingQueue,
    database_failed_the_update,
)
from bot.delivery.outage import DatabaseWatch, is_unavailable
from bot.domain.clock import ManualClock
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import InboxUpdate
from storage.uow import SessionFactory, UnitOfWork
from tests import flows
from tests.conftest import HarnessFactory
from tests.databases import ON_POSTGRES, PG_ENV
from tests.harness import ADMINS, KASUBBAG, MONDAY_MORNING
from tests.test_e2e_health import free_port
from tests.updates import text_update


def _away_error() -> OperationalError:
    return OperationalError("BEGIN", {}, Exception("unable to open database file"))


@dataclass
class Flaky:
    """A session factory (and a probe) that fail as an unreachable database does while
    `away` is set."""

    factory: SessionFactory
    away: bool = False
    refused: int = 0
    kw: dict[str, Any] = field(default_factory=dict)

    def __call__(self) -> AsyncSession:
        if self.away:
            self.refused += 1
            raise _away_error()
        return self.factory()

    async def probe(self) -> None:
        if self.away:
            raise _away_error()


@pytest.fixture
async def flaky(database_url: str) -> AsyncIterator[Flaky]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    yield Flaky(session_factory(engine))
    await engine.dispose()


async def stored(factory: SessionFactory) -> dict[int, bool]:
    """update id -> done, as the inbox table holds them."""
    async with UnitOfWork(factory, read_only=True) as uow:
        rows = await uow.session.execute(select(InboxUpdate.update_id, InboxUpdate.done_at))
        return {update_id: done is not None for update_id, done in rows}


async def test_an_update_is_not_let_through_until_the_database_has_it(
    flaky: Flaky, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The updater puts each fetched update and only then asks Telegram for more (which
    acknowledges them): while the inbox cannot write, `put` does not return."""
    monkeypatch.setattr("bot.delivery.outage.FIRST_PAUSE_S", 0.05)
    caplog.set_level(logging.INFO)
    clock = ManualClock(MONDAY_MORNING)
    inbox = Inbox(flaky, clock)  # type: ignore[arg-type]
    inbox.outage = DatabaseWatch(flaky.probe, clock)
    queue = JournalingQueue()
    queue.inbox = inbox

    flaky.away = True
    put = asyncio.create_task(queue.put(text_update(41)))
    await asyncio.sleep(0.5)
    assert not put.done() and queue.empty()
    assert inbox.outage.down

    flaky.away = False
    await asyncio.wait_for(put, 5)
    assert queue.qsize() == 1
    assert await stored(flaky.factory) == {41: False}
    log = caplog.text
    assert "database unreachable (inbox" in log
    assert "database still unreachable (try 1" in log and "next try in" in log
    assert "database reachable again" in log
    await inbox.outage.stop()


async def test_an_update_the_database_failed_is_held_not_marked_and_handled_again(
    flaky: Flaky,
) -> None:
    clock = ManualClock(MONDAY_MORNING)
    inbox = Inbox(flaky.factory, clock)
    queue = JournalingQueue()
    queue.inbox = inbox
    first, second = text_update(51), text_update(52)
    await queue.put(first)
    await queue.put(second)

    async with inbox.handling(first):
        database_failed_the_update()  # what the error hook does for a database error
    async with inbox.handling(second):
        pass  # a read that committed nothing: marked done after

    assert await stored(flaky.factory) == {51: False, 52: True}
    assert inbox.held == [first]
    while not queue.empty():
        queue.get_nowait()
    await queue.handle_again(inbox.take_held())
    assert queue.get_nowait() is first and inbox.held == []


async def test_an_update_that_keeps_failing_on_the_database_is_given_up_not_held_forever(
    flaky: Flaky,
) -> None:
    """An error that looks like an away database but stays once it answers (a missing
    table): the update and its member's "wait" text do not come round for ever."""
    inbox = Inbox(flaky.factory, ManualClock(MONDAY_MORNING))
    update = text_update(71)
    await inbox.record(update)
    for _ in range(MAX_HOLDS):
        async with inbox.handling(update):
            database_failed_the_update()
        assert inbox.take_held() == [update]
        assert await stored(flaky.factory) == {71: False}
    async with inbox.handling(update):
        database_failed_the_update()
    assert inbox.take_held() == []
    assert await stored(flaky.factory) == {71: True}


async def test_a_done_mark_the_database_refuses_holds_thetext_update(flaky: Flaky) -> None:
    clock = ManualClock(MONDAY_MORNING)
    inbox = Inbox(flaky, clock)  # type: ignore[arg-type]
    inbox.outage = DatabaseWatch(flaky.probe, clock)
    update = text_update(61)
    await inbox.record(update)
    async with inbox.handling(update):
        flaky.away = True  # it went while the handler ran
    assert inbox.held == [update]
    flaky.away = False
    await inbox.outage.back()
    assert await stored(flaky.factory) == {61: False}  # not lost: handled again, or at a start
    await inbox.outage.stop()


async def test_only_errors_of_reaching_the_database_count_as_it_being_away(
    tmp_path: Path,
) -> None:
    (tmp_path / "jdih.db").mkdir()  # a folder where the file should be: SQLite cannot open it
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'jdih.db'}")
    with pytest.raises(OperationalError) as opened, engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert is_unavailable(opened.value)
    assert is_unavailable(ConnectionRefusedError(111, "Connect call failed"))
    assert not is_unavailable(IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")))
    assert not is_unavailable(ValueError("a bug"))
    assert not is_unavailable(None)


# --- the real bot on PostgreSQL ----------------------------------------------------------------


async def _set_reachable(database_url: str, reachable: bool) -> None:
    """ALLOW_CONNECTIONS on the bot's database; when cut, its connections are ended too."""
    admin = create_engine(os.environ[PG_ENV], isolation_level="AUTOCOMMIT")
    name = make_url(database_url).database
    try:
        async with admin.connect() as connection:
            await connection.execute(
                text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(reachable).lower()}')
            )
            if not reachable:
                await connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
    finally:
        await admin.dispose()


@pytest.mark.skipif(not ON_POSTGRES, reason=f"needs PostgreSQL ({PG_ENV})")
async def test_postgres_going_away_loses_no_update_and_the_admins_hear_of_it(
    make_harness: HarnessFactory,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.delivery.outage.MAX_PAUSE_S", 2.0)
    caplog.set_level(logging.INFO)
    port = free_port()
    async with make_harness(monitoring={"port": port}) as h:
        code = await flows.open_item(h)
        card = await h.server.wait_for(
            lambda m: (
                m.chat_id == KASUBBAG.user_id
                and code in m.body
                and texts.BTN_WRITE_DIRECTION in m.button_texts
            )
        )
        await h.settle()

        await _set_reachable(database_url, False)
        mark = h.mark()
        # The kasubbag presses while the database is away: nothing is lost, and Telegram is
        # not told the press arrived until the bot has written it down.
        query = await h.server.press_button(KASUBBAG.user_id, card, texts.BTN_WRITE_DIRECTION)
        async with httpx.AsyncClient(timeout=15) as client:
            for _ in range(100):
                answer = await client.get(f"http://127.0.0.1:{port}/healthz")
                if answer.status_code == 503:
                    break
                await asyncio.sleep(0.1)
        assert answer.status_code == 503
        assert "database" in answer.json()["failed"]
        await asyncio.sleep(2)
        assert h.mark() == mark  # no answer while the database is away, and no error text

        await _set_reachable(database_url, True)
        # back: the press is handled (the bot asks for the direction), once
        await h.server.wait_for_answer(query, timeout=20)
        await h.say(KASUBBAG, "Buat infografis satu halaman.")
        brief = await flows.brief_for(h, code)
        assert "Buat infografis satu halaman." in brief.body
        for admin in ADMINS:
            alarm = await h.server.wait_for_message(
                admin.user_id, after=mark, contains="Basis data sempat tidak dapat dihubungi"
            )
            assert "menit" in alarm.body
        await h.settle()
        async with httpx.AsyncClient(timeout=15) as client:
            answer = await client.get(f"http://127.0.0.1:{port}/healthz")
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        assert answer.status_code == 200, answer.text
        assert "jdih_database_outages_total 1.0" in metrics

    log = caplog.text
    assert "database unreachable" in log
    assert "database still unreachable (try 1" in log
    assert "database reachable again" in log
