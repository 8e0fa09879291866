"""One bot per database and per token (bot/instance.py): a second bot process on the same
database refuses to start, and one polling with the same token stops, each with a message
naming the cause and exit code 3 (the systemd unit does not restart it); the bot already
running keeps serving. A killed bot's lock never blocks the next start."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from bot import instance
from bot.app import INSTANCE_LOCK_KEY
from bot.instance import EXIT_ANOTHER_INSTANCE
from localbotapi import LocalBotApi
from tests.botprocess import BotProcess
from tests.databases import ON_POSTGRES, fresh_database
from tests.harness import KASUBBAG, Harness


async def still_serves(bot: BotProcess) -> None:
    """The running bot answers a member's command."""
    reply = await bot.harness.say(KASUBBAG, "/tugas")
    assert reply.body.strip(), "the bot answered /tugas"


async def test_second_bot_on_the_same_database_refuses_to_start_and_a_killed_ones_lock_is_free(
    bot: BotProcess, server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    await bot.start()
    await still_serves(bot)
    second = BotProcess(server, database_url, tmp_path / "second")
    try:
        code = await second.start_expecting_exit()
        assert code == EXIT_ANOTHER_INSTANCE, second.describe()
        assert "another bot already runs on this database" in second.stderr()
        assert f"pid {bot.pid}" in second.stderr(), "the refusal names the running bot"
        assert "Traceback" not in second.stderr()
        await still_serves(bot)

        await bot.kill()  # SIGKILL: no clean-up, the lock must still be free
        await second.start()
        await still_serves(second)
    finally:
        await second.close()


async def test_second_bot_with_the_same_token_stops_and_the_first_keeps_serving(
    bot: BotProcess, server: LocalBotApi, tmp_path: Path
) -> None:
    await bot.start()
    await still_serves(bot)  # it has polled: it is the bot already running
    (tmp_path / "other").mkdir()
    async with fresh_database(tmp_path / "other") as other_database:
        second = BotProcess(server, other_database, tmp_path / "second")
        try:
            code = await second.start_expecting_exit()
            assert code == EXIT_ANOTHER_INSTANCE, second.describe()
            assert "another bot is receiving updates with this token" in second.stderr()
            assert "terminated by other getUpdates request" in second.stderr()
            assert "Traceback" not in second.stderr()
        finally:
            await second.close()
    await still_serves(bot)
    assert bot.running


@pytest.mark.skipif(not ON_POSTGRES, reason="the advisory lock is PostgreSQL's")
async def test_a_lost_lock_connection_is_replaced_and_the_lock_taken_again(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server restarted, or someone ended the lock's connection: the watchdog takes the
    lock again, so a second bot is still refused."""
    monkeypatch.setattr(instance, "WATCHDOG_INTERVAL_S", 0.05)
    lock = harness.app.bot_data[INSTANCE_LOCK_KEY]  # type: ignore[union-attr]
    lock._watchdog.cancel()  # restart it with the short interval
    lock._watchdog = asyncio.create_task(lock._watch())
    holder = text(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    async with harness.engine.connect() as connection:
        first = (await connection.execute(holder)).scalar_one()
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        await connection.commit()
    again = None
    for _ in range(100):  # five seconds at most
        await asyncio.sleep(0.05)
        async with harness.engine.connect() as connection:
            again = (await connection.execute(holder)).scalar()
        if again not in (None, first):
            break
    assert again not in (None, first), "the lock is held again, by a new connection"
    with pytest.raises(instance.AnotherInstance, match="another bot already runs"):
        await instance.InstanceLock.acquire(
            harness.config.database_url, harness.clock.now(), on_lost=lambda _r: None
        )
