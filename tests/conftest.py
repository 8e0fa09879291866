"""Fixtures: the local Bot API server, a fresh database, and the real bot polling them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.config import parse_config
from bot.domain.clock import ManualClock
from localbotapi import LocalBotApi
from tests.databases import fresh_database
from tests.harness import (
    MEMBERS,
    MONDAY_MORNING,
    STRANGER,
    TOKEN,
    Harness,
    config_data,
)

HarnessFactory = Callable[..., AbstractAsyncContextManager[Harness]]


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(token=TOKEN, bot_username="jdih_test_bot") as running:
        for person in (*MEMBERS, STRANGER):
            running.add_user(person.user_id, person.name.split()[0])
            # Members have pressed Start long ago, so the bot may write to them first.
            running.mark_started(person.user_id)
        yield running


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def make_harness(server: LocalBotApi, database_url: str, tmp_path: Path) -> HarnessFactory:
    """Start the bot with extra configuration (e.g. role_chats, more members)."""

    @asynccontextmanager
    async def factory(**extra: Any) -> AsyncIterator[Harness]:
        config = parse_config(
            config_data(server, database_url, **extra),
            base_dir=tmp_path,
            environ={"JDIH_BOT_TOKEN": TOKEN},
        )
        h = Harness(server=server, config=config, clock=ManualClock(MONDAY_MORNING))
        await h.start_bot()
        try:
            yield h
        finally:
            await h.stop_bot()

    return factory


@pytest.fixture
async def harness(make_harness: HarnessFactory) -> AsyncIterator[Harness]:
    async with make_harness() as h:
        yield h
