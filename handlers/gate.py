"""The door: only configured members get past; everyone else learns their user id."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot import texts
from handlers.common import reply
from handlers.context import JdihContext


async def members_only(update: Update, context: JdihContext) -> None:
    """Runs before every other handler; stops updates from people who are not members."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop  # channel posts and the like: nothing for us
    config = context.services.config
    if config.member(user.id) is not None or user.id in config.telegram.admins:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(
            texts.UNKNOWN_USER_ALERT.format(user_id=user.id), show_alert=True
        )
    elif _speaks_to_bot(update):
        await reply(update, texts.UNKNOWN_USER.format(user_id=user.id))
    raise ApplicationHandlerStop


def _speaks_to_bot(update: Update) -> bool:
    """In a group, only commands and replies to the bot are meant for it; answering every
    chat line of a non-member would flood the group."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    is_command = bool(message.text and message.text.startswith("/"))
    replied = message.reply_to_message
    return is_command or bool(replied and replied.from_user and replied.from_user.is_bot)
