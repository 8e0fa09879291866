"""`python -m bot check` reports on the configuration, the database and Telegram."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.check import run_check
from bot.config import Config, Secret, parse_config
from bot.domain.clock import ManualClock
from bot.domain.roster import Roster, RosterMember
from bot.domain.worktime import WorkCalendar
from bot.service.context import ServiceContext
from bot.service.directory import Directory
from bot.service.people import People
from bot.service.roster_rows import RosterKeeper
from localbotapi import LocalBotApi
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.roster import RosterRepository
from tests.harness import TOKEN, config_data
from tests.office import MONDAY_MORNING


async def _nothing(_roster: Roster) -> None:
    """No directory to refresh: the check reads the database afresh."""


def _config(server: LocalBotApi, database_url: str, tmp_path: Path) -> Config:
    return parse_config(
        config_data(server, database_url), base_dir=tmp_path, environ={"JDIH_BOT_TOKEN": TOKEN}
    )


async def test_check_passes_and_says_what_it_found(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    lines: list[str] = []
    assert await run_check(_config(server, database_url, tmp_path), lines.append)
    assert lines[0].startswith("config: 6 members")
    assert lines[1] == "updates: long polling"
    assert "database:" in lines[2] and "0 items" in lines[2]
    assert lines[3] == "admins: config.toml: 102 (Budi Kasubbag); made in chat: none"
    assert lines[4] == "telegram: ok, the bot is @jdih_test_bot (id 123456)"
    # no takedown SOP of the office's own: the shipped example is named as the draft it is
    assert lines[-1].startswith("takedown SOP: the EXAMPLE DRAFT shipped with the bot")


async def test_check_fails_on_a_refused_token_without_printing_it(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    config = _config(server, database_url, tmp_path)
    wrong = "999999:WRONG-TOKEN-abcdefghijklmnopqrstuvwxyz"
    config = dataclasses.replace(
        config, telegram=dataclasses.replace(config.telegram, token=Secret(wrong))
    )
    lines: list[str] = []
    assert not await run_check(config, lines.append)
    assert "telegram: FAILED" in next(line for line in lines if line.startswith("telegram:"))
    assert wrong not in "\n".join(lines)


async def test_check_fails_on_an_unreachable_database(server: LocalBotApi, tmp_path: Path) -> None:
    url = "postgresql+asyncpg://nobody:wrong@127.0.0.1:1/none"
    lines: list[str] = []
    assert not await run_check(_config(server, url, tmp_path), lines.append)
    assert lines[2].startswith("database: FAILED")
    assert "wrong" not in lines[2]


async def test_check_reports_where_config_toml_and_the_database_disagree_on_members(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    config = _config(server, database_url, tmp_path)
    first, second, *_ = config.members
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        ctx = ServiceContext(
            session_factory(engine), config.sop,
            Directory((), {}, admins=config.telegram.admins), WorkCalendar(),
            ManualClock(MONDAY_MORNING),
        )  # fmt: skip
        people = People(ctx, RosterKeeper(ctx, _nothing))
        await people.seed(RosterMember(m.user_id, m.name, m.roles) for m in config.members)
        admin = next(iter(config.telegram.admins))
        await people.set_roles(admin, first.user_id, frozenset({"operator"}))
        await people.set_active(admin, second.user_id, False)
    finally:
        await engine.dispose()
    lines: list[str] = []
    assert await run_check(config, lines.append)  # a warning, not a failure
    conflicts = [line for line in lines if line.startswith("members:")]
    assert conflicts == [
        f"members: CONFLICT: {first.user_id} ({first.name}) has roles "
        f"{', '.join(sorted(first.roles))} in config.toml but operator in the database",
        f"members: CONFLICT: {second.user_id} ({second.name}) is in config.toml but "
        "deactivated in the database",
        "members: the database wins; change members with /anggota in Telegram",
    ]


async def test_check_lists_the_admins_made_in_chat_and_warns_when_there_are_none(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    config = _config(server, database_url, tmp_path)
    admin = next(iter(config.telegram.admins))
    hukum = next(m for m in config.members if "divisi_hukum" in m.roles)
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        directory = Directory((), {}, admins=config.telegram.admins)
        ctx = ServiceContext(
            session_factory(engine), config.sop, directory, WorkCalendar(),
            ManualClock(MONDAY_MORNING),
        )  # fmt: skip
        people = People(ctx, RosterKeeper(ctx, _nothing))
        await people.seed(RosterMember(m.user_id, m.name, m.roles) for m in config.members)
        await people.set_admin(admin, hukum.user_id, True)
    finally:
        await engine.dispose()
    lines: list[str] = []
    assert await run_check(config, lines.append)
    assert [line for line in lines if line.startswith("admins:")] == [
        f"admins: config.toml: {admin} (Budi Kasubbag); "
        f"made in chat: {hukum.user_id} ({hukum.name})"
    ]

    nobody = dataclasses.replace(
        config, telegram=dataclasses.replace(config.telegram, admins=frozenset())
    )
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await RosterRepository(session).set_admin(hukum.user_id, False)
    finally:
        await engine.dispose()
    lines = []
    assert await run_check(nobody, lines.append)  # a warning: the bot still runs
    warning = next(line for line in lines if line.startswith("admins:"))
    assert warning.startswith("admins: WARNING: none") and "telegram.admins" in warning


def _with_channel(server: LocalBotApi, database_url: str, tmp_path: Path, channel: str) -> Config:
    data = config_data(server, database_url, publish={"telegram": {"channel": channel}})
    return parse_config(data, base_dir=tmp_path, environ={"JDIH_BOT_TOKEN": TOKEN})


async def _channel_line(config: Config) -> tuple[bool, str]:
    lines: list[str] = []
    healthy = await run_check(config, lines.append)
    return healthy, next(line for line in lines if line.startswith("channel:"))


async def test_check_passes_for_a_channel_the_bot_posts_to_and_deletes_in(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    server.add_channel(-1001234567890, "Kanal JDIH", "kanal_jdih_kantor")
    config = _with_channel(server, database_url, tmp_path, "@kanal_jdih_kantor")
    healthy, line = await _channel_line(config)
    assert healthy
    assert line == (
        "channel: ok, the bot posts to @kanal_jdih_kantor (Kanal JDIH) and may delete its posts"
    )


async def test_check_fails_for_a_channel_that_does_not_exist(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    config = _with_channel(server, database_url, tmp_path, "@kanal_salah_ketik")
    healthy, line = await _channel_line(config)
    assert not healthy
    assert line.startswith("channel: FAILED: @kanal_salah_ketik not found")
    assert "publish.telegram.channel" in line


async def test_check_fails_for_a_private_channel_the_bot_is_not_in(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    server.add_channel(-1009876543210, "Kanal Internal", bot="left")
    config = _with_channel(server, database_url, tmp_path, "-1009876543210")
    healthy, line = await _channel_line(config)
    assert not healthy and "not found" in line


async def test_check_fails_when_the_bot_is_no_administrator_of_the_channel(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    server.add_channel(-1001234567890, "Kanal JDIH", "kanal_jdih_kantor", bot="member")
    config = _with_channel(server, database_url, tmp_path, "@kanal_jdih_kantor")
    healthy, line = await _channel_line(config)
    assert not healthy
    assert line.startswith(
        "channel: FAILED: the bot is not an administrator of @kanal_jdih_kantor (member)"
    )
    assert "add the bot as an administrator with 'Post messages'" in line


async def test_check_names_each_missing_right_in_the_channel(
    server: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    server.add_channel(
        -1001234567890,
        "Kanal JDIH",
        "kanal_jdih_kantor",
        can_post_messages=False,
        can_delete_messages=False,
    )
    config = _with_channel(server, database_url, tmp_path, "@kanal_jdih_kantor")
    healthy, line = await _channel_line(config)
    assert not healthy
    assert line == (
        "channel: FAILED: the bot is an administrator of @kanal_jdih_kantor without the right "
        "to Post messages (can_post_messages) and Delete messages (can_delete_messages); give "
        "it in the channel's Administrators, the bot's rights"
    )
