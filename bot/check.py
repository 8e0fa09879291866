"""`python -m bot check`: is this installation ready? Configuration, database, Telegram."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.config import Config
from bot.domain.clock import SystemClock
from bot.domain.office_hours import weekly_total
from bot.domain.sop_catalog import takedown_sop_line
from bot.domain.worktime import HOLIDAYS_VERSION
from bot.health.requests import transport
from storage.database import create_engine
from storage.migrate import upgrade_to_head
from storage.models import Item
from storage.roster import RosterRepository


async def run_check(config: Config, say: Callable[[str], None] = print) -> bool:
    """Check each part in turn, saying what was found; True when all is well."""
    numbers = ", ".join(sop.number for sop in config.sops.sops)  # the office's SOPs
    say(f"config: {len(config.members)} members, {numbers}, {config.timezone.key}")
    webhook = config.webhook
    say(
        "updates: long polling"
        if webhook is None
        else f"updates: webhook {webhook.url} (listening on {webhook.listen}:{webhook.port})"
    )
    healthy = await _check_database(config, say)
    healthy = await _check_telegram(config, say) and healthy
    check_office_time(config, say)
    say(takedown_sop_line(config.sops))
    return healthy


async def _check_database(config: Config, say: Callable[[str], None]) -> bool:
    engine = create_engine(config.database_url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            items = (await connection.execute(select(func.count()).select_from(Item))).scalar()
        say(f"database: {engine.url.render_as_string(hide_password=True)} ok, {items} items")
        for line in await _member_conflicts(engine, config):
            say(line)
        say(await _admins(engine, config))
        return True
    except Exception as exc:  # any driver error: report it, the admin fixes the URL
        say(f"database: FAILED ({type(exc).__name__}: {exc})")
        return False
    finally:
        await engine.dispose()


async def _check_telegram(config: Config, say: Callable[[str], None]) -> bool:
    request = transport(config.telegram.http)  # what the bot itself talks over
    bot = Bot(
        config.telegram.token,
        base_url=config.telegram.api_base_url,
        base_file_url=config.telegram.file_base_url,
        request=request,
        get_updates_request=request,
    )
    try:
        async with bot:
            me = bot.bot
            say(f"telegram: ok, the bot is @{me.username} (id {me.id})")
            if config.publish.channel is None:
                return True
            return await _check_channel(bot, config.publish.channel, say)
    except InvalidToken:
        say("telegram: FAILED (the token was refused; check JDIH_BOT_TOKEN)")
    except TelegramError as exc:
        say(f"telegram: FAILED ({type(exc).__name__}: {exc})")
    return False


async def _check_channel(bot: Bot, channel: str, say: Callable[[str], None]) -> bool:
    """[publish.telegram] channel: it exists, and the bot is an administrator there allowed to
    post and to delete (a takedown, a replaced version), each failure with what to fix."""
    chat_id = int(channel) if channel.lstrip("-").isdigit() else channel
    fix = (
        f"in Telegram, open the channel {channel}, Administrators, add the bot as an "
        "administrator with 'Post messages' and 'Delete messages of others'"
    )
    try:
        chat = await bot.get_chat(chat_id)
    except TelegramError as exc:
        say(
            f"channel: FAILED: {channel} not found ({exc}); check publish.telegram.channel in "
            "config.toml (a public channel's @username, or a private channel's -100... id) "
            f"and that the bot was added to it; then {fix}"
        )
        return False
    try:
        member = await bot.get_chat_member(chat_id, bot.bot.id)
    except TelegramError as exc:
        say(f"channel: FAILED: cannot see the bot's rights in {channel} ({exc}); {fix}")
        return False
    if member.status != "administrator":
        say(
            f"channel: FAILED: the bot is not an administrator of {channel} "
            f"({member.status}); {fix}"
        )
        return False
    missing = [
        label
        for label, right in (
            ("Post messages (can_post_messages)", "can_post_messages"),
            ("Delete messages (can_delete_messages)", "can_delete_messages"),
        )
        if not getattr(member, right, False)
    ]
    if missing:
        say(
            f"channel: FAILED: the bot is an administrator of {channel} without the right to "
            f"{' and '.join(missing)}; give it in the channel's Administrators, the bot's rights"
        )
        return False
    say(f"channel: ok, the bot posts to {channel} ({chat.title}) and may delete its posts")
    return True


async def _admins(engine: AsyncEngine, config: Config) -> str:
    """Who the admins are: config.toml's (the server's) and those made in chat (/anggota);
    a warning when there are none, since then nobody can invite or manage the members."""
    async with AsyncSession(engine) as session:
        rows = await RosterRepository(session).members()
    names = {m.user_id: m.name for m in config.members} | {row.user_id: row.name for row in rows}
    granted = sorted(row.user_id for row in rows if row.admin and row.active)
    configured = sorted(config.telegram.admins)
    if not configured and not granted:
        return (
            "admins: WARNING: none (telegram.admins in config.toml is empty and nobody was "
            "made admin in chat); nobody can invite or manage members. Add your Telegram id "
            "to telegram.admins in config.toml"
        )

    def listed(ids: list[int]) -> str:
        return ", ".join(f"{i} ({names[i]})" if i in names else str(i) for i in ids) or "none"

    return f"admins: config.toml: {listed(configured)}; made in chat: {listed(granted)}"


async def _member_conflicts(engine: AsyncEngine, config: Config) -> list[str]:
    """Where config.toml's [[members]] and the database disagree. The database wins once it
    has members (config.toml only seeds the first start), so these are warnings."""
    async with AsyncSession(engine) as session:
        repo = RosterRepository(session)
        stored = {row.user_id: row for row in await repo.members()}
        roles = await repo.roles()
    if not stored:
        return []
    found: list[str] = []
    for member in config.members:
        row = stored.get(member.user_id)
        held = frozenset(roles.get(member.user_id, ()))
        if row is None:
            found.append(
                f"members: CONFLICT: {member.user_id} ({member.name}) is in config.toml "
                "but not in the database; invite them with /undang"
            )
        elif not row.active:
            found.append(
                f"members: CONFLICT: {member.user_id} ({member.name}) is in config.toml "
                "but deactivated in the database"
            )
        elif held != member.roles:
            found.append(
                f"members: CONFLICT: {member.user_id} ({member.name}) has roles "
                f"{', '.join(sorted(member.roles))} in config.toml but "
                f"{', '.join(sorted(held)) or 'none'} in the database"
            )
    if found:
        found.append("members: the database wins; change members with /anggota in Telegram")
    return found


def check_office_time(
    config: Config, say: Callable[[str], None], today: date | None = None
) -> None:
    """The office's week, this year's Ramadan, and a warning (not a failure) when the holiday
    data has no cuti bersama for this year or the next."""
    calendar = config.calendar
    day = today or SystemClock().now().astimezone(config.timezone).date()
    week = weekly_total(calendar.hours).total_seconds() / 3600
    say(f"office time: {week:g} working hours a week, breaks excluded")
    if calendar.ramadan is not None:
        months = ", ".join(f"{a} to {b}" for a, b in calendar.ramadan.months(day.year))
        say(f"office time: Ramadan {day.year}: {months or 'none'} (its own hours)")
    if not calendar.use_public_holidays:
        return
    missing = calendar.missing_cuti_bersama(day)
    if missing:
        years = " and ".join(str(year) for year in missing)
        say(
            f"holidays: WARNING: the holiday data (holidays {HOLIDAYS_VERSION}) has no cuti "
            f"bersama for {years}, so those days count as working days; once the SKB for "
            "that year is out, update it: scripts/lock --upgrade-package holidays, then restart "
            "the bot with scripts/run-bot"
        )
    else:
        years = f"{day.year} and {day.year + 1}"
        say(f"holidays: ok, holidays {HOLIDAYS_VERSION} lists cuti bersama for {years}")
