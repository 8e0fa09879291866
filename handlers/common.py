"""Small pieces every handler shares: replying in HTML, and turning refusals into words."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.domain.workflow import WorkflowError
from bot.service.errors import ServiceError
from handlers.cards import TEXT_LIMIT, fit
from handlers.context import BotContext
from handlers.refusals import refusal_text

REFUSALS = (ServiceError, WorkflowError)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


async def reply(
    update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(
        fit(text, TEXT_LIMIT),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        do_quote=False,
    )


def refusal_for(context: BotContext, exc: Exception) -> str:
    """The words for a refusal, in the office's SOP and time zone."""
    config = context.services.config
    return refusal_text(exc, config.sops, config.timezone)


def answers_refusals(handler: Handler) -> Handler:
    """The one place a handler's refusals become words: a refused request is answered with
    its reason, never with the error handler's "Maaf, terjadi kesalahan" and an ERROR log."""

    @functools.wraps(handler)
    async def answered(update: Update, context: BotContext) -> None:
        try:
            await handler(update, context)
        except REFUSALS as exc:
            await refuse(update, context, exc)

    return answered


async def refuse(update: Update, context: BotContext, exc: Exception) -> None:
    """Tell the user why nothing happened: an alert for a button, a reply for a message."""
    text = refusal_for(context, exc)
    query = update.callback_query
    if query is not None:
        await query.answer(text[:200], show_alert=True)
    else:
        await reply(update, escape(text))  # the catalog's refusals are plain text
