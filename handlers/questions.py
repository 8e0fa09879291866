"""A question the bot asks with buttons (the material's "Selesai", a question's "Batal")
replaces the ones it asked before in that chat: their buttons come off, so an old message
never offers to answer a question that is no longer open."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden

from bot.domain.workflow import Actor
from bot.service.views import ItemView
from handlers.cards import TEXT_LIMIT, fit
from handlers.context import BotContext


async def ask_privately(
    context: BotContext,
    actor: Actor,
    item: ItemView,
    text: str,
    keyboard: InlineKeyboardMarkup,
) -> None:
    """A question about `item`, in the member's private chat, so notes typed in reply never
    land in a role's group chat; a member who never started the bot is told to do so (the
    Forbidden goes on, its open question dropped)."""
    try:
        sent = await context.bot.send_message(
            actor.user_id, fit(text, TEXT_LIMIT), parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
    except Forbidden:
        await context.services.service.conversation.drop_pending(actor.user_id)
        raise
    await asked(context, sent, item)  # an earlier question's buttons come off


async def asked(context: BotContext, sent: Message | None, item: ItemView) -> None:
    """`sent` asks the member's open question about `item` in their private chat: remember
    it, and take the buttons off the questions asked there before."""
    if sent is None or sent.chat.type != ChatType.PRIVATE:
        return  # a group holds several members' questions: one does not replace another's
    earlier = await context.services.service.messages.record_question(
        chat_id=sent.chat_id,
        message_id=sent.message_id,
        item_id=item.id,
        step_key=item.step_key,
        version=item.version,
    )
    for message_id in earlier:
        with contextlib.suppress(BadRequest):  # already without buttons, or deleted
            await context.bot.edit_message_reply_markup(sent.chat_id, message_id, reply_markup=None)
