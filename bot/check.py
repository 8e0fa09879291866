"""`python -m bot check`: is this installation ready? Configuration, database, Telegram."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.config import Config
from storage.database import create_engine
from storage.migrate import upgrade_to_head
from storage.models import Item


async def run_check(config: Config, say: Callable[[str], None] = print) -> bool:
    """Check each part in turn, saying what was found; True when all is well."""
    say(f"config: {len(config.members)} members, {config.sop.number}, {config.timezone.key}")
    webhook = config.webhook
    say(
        "updates: long polling"
        if webhook is None
        else f"updates: webhook {webhook.url} (listening on {webhook.listen}:{webhook.port})"
    )
    healthy = await _check_database(config, say)
    return await _check_telegram(config, say) and healthy


async def _check_database(config: Config, say: Callable[[str], None]) -> bool:
    engine = create_engine(config.database_url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            items = (await connection.execute(select(func.count()).select_from(Item))).scalar()
        say(f"database: {engine.url.render_as_string(hide_password=True)} ok, {items} items")
        return True
    except Exception as exc:  # any driver error: report it, the admin fixes the URL
        say(f"database: FAILED ({type(exc).__name__}: {exc})")
        return False
    finally:
        await engine.dispose()


async def _check_telegram(config: Config, say: Callable[[str], None]) -> bool:
    bot = Bot(
        config.telegram.token,
        base_url=config.telegram.api_base_url,
        base_file_url=config.telegram.file_base_url,
    )
    try:
        async with bot:
            me = bot.bot
        say(f"telegram: ok, the bot is @{me.username} (id {me.id})")
        return True
    except InvalidToken:
        say("telegram: FAILED (the token was refused; check JDIH_BOT_TOKEN)")
    except TelegramError as exc:
        say(f"telegram: FAILED ({type(exc).__name__}: {exc})")
    return False
