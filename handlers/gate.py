"""The door: only configured members get past; everyone else learns their user id."""

from __future__ import annotations

from telegram import Bot, Update
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
        if update.callback_query is None and not _speaks_to_bot(update, context.bot):
            raise ApplicationHandlerStop  # people talking in a group, not to the bot
        return
    if update.callback_query is not None:
        await update.callback_query.answer(
            texts.UNKNOWN_USER_ALERT.format(user_id=user.id), show_alert=True
        )
    elif _speaks_to_bot(update, context.bot):
        await reply(update, texts.UNKNOWN_USER.format(user_id=user.id))
    raise ApplicationHandlerStop


def _speaks_to_bot(update: Update, bot: Bot) -> bool:
    """In a group, only our commands and replies to our messages are meant for the bot;
    answering every chat line (or another bot's command) would flood the group."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    text = message.text or ""
    if text.startswith("/"):
        _, _, addressee = text.split(maxsplit=1)[0].partition("@")
        return not addressee or addressee.lower() == (bot.username or "").lower()
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)
