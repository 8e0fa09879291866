"""Takedown (penurunan): /turunkan KODE and the "Turunkan" button of a published item's
status ask for the reason (buttons), then the explanation (typed, in private); the
takedown's own buttons (Tolak, each link removed) are in `_PRESSES`."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.domain.workflow import Actor, ItemStatus
from bot.service.takedowns import TakedownAsk
from bot.service.views import EventView, ItemView
from handlers.cards import done_text, plain
from handlers.common import answers_refusals, reply
from handlers.context import BotContext
from handlers.keyboards import (
    Callback,
    dismiss_keyboard,
    take_down_keyboard,
    takedown_reasons_keyboard,
)
from handlers.questions import ask_privately, asked
from handlers.takedown_cards import takedown_status


@answers_refusals
async def take_down_command(update: Update, context: BotContext) -> None:
    """/turunkan KODE: asks to take a published item down; the reason is asked next."""
    args = context.args or []
    code = args[0].strip() if args and args[0].strip() and len(args[0]) <= 40 else None
    if code is None:
        await reply(update, texts.TAKEDOWN_USAGE)
        return
    service = context.services.service
    actor = service.actor(update.effective_user.id)  # type: ignore[union-attr]
    ask = await service.takedowns.ask(actor, code=code)
    sent = await reply(update, _reason_question(ask), _reasons_keyboard(ask))
    await asked(context, sent, ask.original)


async def press_take_down(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    """ "Turunkan" on a published item's status: the reason is asked, in private."""
    ask = await context.services.service.takedowns.ask(actor, item_id=cb.item_id)
    text = _reason_question(ask)
    await ask_privately(context, actor, ask.original, text, _reasons_keyboard(ask))
    return plain(text.split("\n")[0])


async def press_reason(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    """A reason chosen: the explanation is asked next, in private."""
    assert cb.step_key is not None
    ask = await context.services.service.takedowns.choose_reason(actor, cb.item_id, cb.step_key)
    assert ask.reason is not None
    text = texts.TAKEDOWN_ASK_TEXT.format(code=ask.original.code, reason=escape(ask.reason.title))
    await ask_privately(context, actor, ask.original, text, dismiss_keyboard(ask.original.id))
    return texts.TAKEDOWN_REASON_SET.format(reason=ask.reason.title)


async def press_link_removed(
    update: Update, context: BotContext, actor: Actor, cb: Callback
) -> str:
    """The operator removed one link's post: confirmed; the last one ends the takedown."""
    service = context.services.service
    decided = await service.takedowns.confirm_removed(actor, cb.item_id, cb.step_key, cb.number)
    return done_text(context.services.config.sop, decided)


def _reason_question(ask: TakedownAsk) -> str:
    return texts.TAKEDOWN_ASK_REASON.format(
        code=ask.original.code, title=escape(ask.original.title)
    )


def _reasons_keyboard(ask: TakedownAsk) -> InlineKeyboardMarkup:
    reasons = [(reason.key, reason.title) for reason in ask.reasons]
    return takedown_reasons_keyboard(ask.original.id, reasons)


async def status_parts(
    context: BotContext, viewer: int, item: ItemView, events: Sequence[EventView]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/status's takedown part (the link between a takedown and its item, the reason, each
    step's decision), and "Turunkan" for a published item when the viewer may ask."""
    service = context.services.service
    config = context.services.config
    views = await service.takedowns.views_for(viewer, item.id)
    sop = config.sops.takedown
    text = takedown_status(views, sop, config.timezone) if views and sop else ""
    actor = service.context.directory.actor(viewer)
    keyboard = None
    if (
        item.status == ItemStatus.PUBLISHED
        and actor is not None
        and service.takedowns.may_ask(actor)
    ):
        keyboard = take_down_keyboard(item.id)
    return text, keyboard
