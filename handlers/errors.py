"""The last resort: log what broke with its context, and still answer the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from handlers.context import BotContext
from handlers.press import PressAnswer, is_expired_query

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure (never the token: the log filter redacts it) and tells the user."""
    error = context.error
    if isinstance(error, TelegramError) and is_expired_query(error):
        # The press waited longer than Telegram keeps a query open; its work was done anyway.
        log.info("late answer to a callback query: %s", error)
        return
    where = update.update_id if isinstance(update, Update) else "-"
    user = update.effective_user.id if isinstance(update, Update) and update.effective_user else "-"
    log.error("update %s from user %s failed", where, user, exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await PressAnswer(update.callback_query, context.bot).send(
                texts.ERROR_GENERIC, alert=True
            )
        elif update.effective_message is not None:
            await update.effective_message.reply_text(texts.ERROR_GENERIC)
    except TelegramError as exc:
        log.warning("could not tell user %s about the failure: %s", user, exc)
