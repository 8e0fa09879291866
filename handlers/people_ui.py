"""What the people screens (handlers/people.py) and the leave conversation (handlers/leave.py)
share: their buttons' callback data, the refusal of a request with its reason, and answering a
press, editing its message or saying something new in its chat."""

from __future__ import annotations

import functools
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import texts
from bot.domain.dates import DateNotUnderstood
from bot.domain.invitations import InvitationRefused
from bot.service.errors import ServiceError
from bot.service.people import (
    ClaimAlreadyAnswered,
    ConfigAdmin,
    InactiveMember,
    LastAdmin,
    UnknownMember,
    UnknownRole,
)
from handlers.admin import is_admin as is_admin  # one question for every admin screen
from handlers.common import Handler, reply
from handlers.context import BotContext

log = logging.getLogger(__name__)


def callback_data(prefix: str, *parts: object) -> str:
    data = prefix + ":".join(str(part) for part in parts)
    assert len(data.encode()) <= 64, "Telegram refuses callback data over 64 bytes"
    return data


def button(prefix: str, label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callback_data(prefix, *parts))


def pressed(update: Update, prefix: str) -> tuple[str, list[str], int | None]:
    """A press's verb, its arguments, and the first argument as a number (an id) if it is one."""
    query = update.callback_query
    assert query is not None
    verb, *args = (query.data or "").removeprefix(prefix).split(":")
    number = int(args[0]) if args and args[0].isdigit() and len(args[0]) <= 12 else None
    return verb, args, number


async def refuse_button(update: Update) -> None:
    """A press this version does not know: forged, or from an older version's message."""
    assert update.callback_query is not None
    await update.callback_query.answer(texts.BAD_BUTTON, show_alert=True)


def refusal(exc: Exception) -> str:
    match exc:
        case InvitationRefused():
            return texts.INVITE_PROBLEMS[exc.problem.value]
        case ClaimAlreadyAnswered():
            return texts.CLAIM_ALREADY
        case DateNotUnderstood():
            return texts.LEAVE_BAD_DATE
        case UnknownRole() | UnknownMember():
            return texts.BAD_BUTTON
        case ConfigAdmin():
            return texts.ADMIN_FROM_CONFIG
        case LastAdmin():
            return texts.ADMIN_LAST_DEACTIVATE if exc.deactivating else texts.ADMIN_LAST
        case InactiveMember():
            return texts.ADMIN_INACTIVE
        case _:
            return texts.PEOPLE_ADMIN_ONLY


def answers(handler: Handler) -> Handler:
    """A refused request is answered with its reason and changes nothing."""

    @functools.wraps(handler)
    async def answered(update: Update, context: BotContext) -> None:
        try:
            await handler(update, context)
        except (InvitationRefused, ServiceError, DateNotUnderstood) as exc:
            text = refusal(exc)
            if update.callback_query is not None:
                await update.callback_query.answer(text[:200], show_alert=True)
            else:
                await reply(update, text)

    return answered


def user_of(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def answer(update: Update, text: str | None = None) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text[:200] if text else None)
        except TelegramError as exc:  # answered already or too late: the edit still tells
            log.info("callback answer failed: %s", exc)


async def edit(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        await reply(update, text, keyboard)
        return
    try:
        await query.message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except TelegramError as exc:  # unchanged text and the like: nothing to tell
        log.info("edit failed: %s", exc)


async def say(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the chat of the conversation (a press or a text)."""
    await reply(update, text, keyboard)
