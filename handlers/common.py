"""Small pieces every handler shares: replying in HTML, and turning refusals into words."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.domain.workflow import WorkflowError
from bot.service.errors import ServiceError
from handlers.cards import TEXT_LIMIT, fit
from handlers.context import JdihContext
from handlers.refusals import refusal_text

REFUSALS = (ServiceError, WorkflowError)


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


async def refuse(update: Update, context: JdihContext, exc: Exception) -> None:
    """Tell the user why nothing happened: an alert for a button, a reply for a message."""
    config = context.services.config
    text = refusal_text(exc, config.sop, config.timezone)
    query = update.callback_query
    if query is not None:
        await query.answer(text[:200], show_alert=True)
    else:
        await reply(update, escape(text))  # the catalog's refusals are plain text
