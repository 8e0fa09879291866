"""Fixtures: the local Bot API server, a fresh database, and the real bot polling them; and
which kind each test module is (the markers that let a developer run the fast part alone)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import parse_config
from bot.domain.clock import ManualClock
from localbotapi import LocalBotApi
from storage.database import create_engine
from tests.botprocess import BotProcess
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

# --- markers: what each test module needs, by file name --------------------------------------
# pure: no database, no server, no subprocess of the bot; milliseconds to a few seconds.
# service: a real database (SQLite, or PostgreSQL with JDIH_TEST_POSTGRES_URL), no Bot API server.
# e2e: the real Application (or the bot process) against the local Bot API server over HTTP.
# slow: also marked on top of its kind; what `scripts/test -m "not slow"` leaves out.
# Every test_e2e_* module is e2e, every module under tests/browser/ is e2e and slow; any other
# module must be named here, so a new one is placed on purpose (collection fails until it is).
PURE = {
    "test_archive.py", "test_archive_names.py", "test_cards.py", "test_config.py",
    "test_containers.py", "test_conversation.py", "test_directory.py", "test_images.py",
    "test_invitations.py", "test_leave_talk.py", "test_logs.py", "test_names.py",
    "test_payloads.py", "test_texts.py",
    "test_deploy.py", "test_lock.py",
    "test_roster.py", "test_sop.py", "test_sop_catalog.py", "test_workflow.py",
    "test_workflow_gaps.py", "test_workflow_takedown.py", "test_worktime.py",
    "test_report_periods.py", "test_ralat.py",
    "test_report_figures.py", "test_report_chat.py", "test_health_config.py",
    "test_archive_versions.py",
}  # fmt: skip
SERVICE = {
    "test_frontdoor.py", "test_handlers.py", "test_inbox.py", "test_leave.py",
    "test_migrations.py",
    "test_people.py", "test_processor.py", "test_ratelimit.py", "test_reminders.py",
    "test_service.py", "test_day_change.py", "test_report_service.py", "test_report_cli.py",
    "test_report_migration.py", "test_report_schedule.py",
    "test_preview_migration.py", "test_database_engine.py", "test_multisop_service.py",
    "test_outbox_look.py", "test_ralat_service.py",
    "test_on_demand.py", "test_sqlreplay.py",
}  # fmt: skip
E2E = {
    "test_bench_smoke.py", "test_check.py", "test_crash.py", "test_localbotapi.py",
    "test_localbotapi_faults.py", "test_startup.py", "test_transactions.py",
    "test_e2e_truth.py",  # named although test_e2e_*: its crash test is marked slow itself
    "test_instance.py", "test_backup.py", "test_backup_disks.py", "test_backup_load.py",
    "test_database_away.py",
    "test_bot_api_transport.py",
}  # fmt: skip
SLOW = {
    "test_bench_smoke.py", "test_crash.py", "test_e2e_flood.py", "test_e2e_fuzz.py",
    "test_backup_load.py",
}  # fmt: skip


def kinds_of(path: Path) -> list[str]:
    """The markers of a test module, by its file name (see the table above)."""
    name = path.name
    if path.parent.name == "browser":
        return ["e2e", "slow"]
    if name in PURE:
        kind = "pure"
    elif name in SERVICE:
        kind = "service"
    elif name in E2E or name.startswith("test_e2e_"):
        kind = "e2e"
    else:
        raise pytest.UsageError(
            f"{path}: no kind; add it to PURE, SERVICE or E2E in tests/conftest.py"
        )
    return [kind, "slow"] if name in SLOW else [kind]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for kind in kinds_of(item.path):
            item.add_marker(kind)


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


@pytest.fixture
async def bot(server: LocalBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The real bot in a process of its own, to kill and start again (tests/botprocess.py)."""
    process = BotProcess(server, database_url, tmp_path / "bot")
    try:
        yield process
    finally:
        await process.close()
        print(process.describe())  # shown by pytest when the test failed


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The bot's database, read by the test while (or after) the process writes it."""
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()
