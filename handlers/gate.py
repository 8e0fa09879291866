"""The door: members, admins and invitation links get past; everyone else learns their id.

The front door (bot/delivery/frontdoor.py) has already dropped most updates from outside; the few
left are answered here, on the non-members' own sending budget. Whatever happens to that
answer (refused, dropped, timed out), the update goes no further."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.delivery.frontdoor import invitation_token, speaks_to_bot
from bot.delivery.ratelimit import outsider_reply
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def members_only(update: Update, context: BotContext) -> None:
    """Runs before every other handler; stops updates from people who are not members."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop  # channel posts and the like: nothing for us
    if context.services.service.context.directory.may_enter(user.id):
        if update.callback_query is None and not speaks_to_bot(update, context.bot):
            raise ApplicationHandlerStop  # people talking in a group, not to the bot
        return
    if invitation_token(update) is not None:
        return  # an invitation link opened: /start answers it (handlers/people.py)
    try:
        await _tell_user_id(update, context, user.id)
    except Exception as exc:
        log.info("non-member %s not told their id: %s", user.id, type(exc).__name__)
    raise ApplicationHandlerStop


async def _tell_user_id(update: Update, context: BotContext, user_id: int) -> None:
    budget = outsider_reply(context.bot)
    query = update.callback_query
    if query is not None:
        alert = texts.UNKNOWN_USER_ALERT.format(user_id=user_id)
        await context.bot.answer_callback_query(query.id, alert, show_alert=True, **budget)
        return
    message = update.effective_message
    if message is None or not speaks_to_bot(update, context.bot):
        return
    await context.bot.send_message(
        message.chat_id,
        texts.UNKNOWN_USER.format(user_id=user_id),
        parse_mode=ParseMode.HTML,
        message_thread_id=message.message_thread_id if message.is_topic_message else None,
        **budget,
    )
