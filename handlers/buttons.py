"""Button presses. Each press is checked against the database (state, role, version) by the
service; the data on the button is only a claim."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from html import escape

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot import texts
from bot.domain import workflow
from bot.domain.sop import Sop
from bot.domain.workflow import Action, Actor, Decision
from bot.service.decisions import StatusOnly
from bot.service.views import EventView, ItemView
from handlers import takedown
from handlers.actions import ACTION_VIEWS
from handlers.archive import send_archived
from handlers.cards import TEXT_LIMIT, done_text, fit, material_text, plain, sop_named
from handlers.commands import correction_prompt, status_keyboard, status_text
from handlers.common import REFUSALS, refusal_for
from handlers.context import BotContext
from handlers.design import draft_reply
from handlers.keyboards import (
    Callback,
    Verb,
    confirm_sources_keyboard,
    dismiss_keyboard,
    joined,
    unpack,
)
from handlers.press import PressAnswer, PressReply
from handlers.questions import ask_privately

Press = Callable[[Update, BotContext, Actor, Callback], Awaitable[str | PressReply]]


async def on_button(update: Update, context: BotContext) -> None:
    """Routes a press to its action and answers it with the outcome or the refusal."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    callback = unpack(query.data)
    async with PressAnswer(query, context.bot) as answer:
        if callback is None:
            await answer.send(texts.BAD_BUTTON, alert=True)
            return
        service = context.services.service
        try:
            actor = service.actor(query.from_user.id)
            result = await _ACTIONS[callback.verb](update, context, actor, callback)
        except REFUSALS as exc:
            await answer.send(refusal_for(context, exc), alert=True)
            return
        except Forbidden:
            await answer.send(texts.START_PRIVATE_CHAT, alert=True)
            return
        press_reply = result if isinstance(result, PressReply) else PressReply(result)
        await answer.send(press_reply.text)
    if press_reply.later is not None:
        await press_reply.later()


async def _approve(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    service = context.services.service
    try:
        return await _decide(context, actor, cb, Action.APPROVE)
    except workflow.SourcesNotConfirmed:
        # SOP 4b (the item's own SOP says so for its step): approval counts only after the
        # approver confirms the sources were checked. Cards carry the one-tap button
        # (Verb.APPROVE_SOURCES); a plain Setujui here comes from a card sent before it, and
        # still gets the confirmation asked separately.
        assert cb.step_key is not None
        key = cb.step_key
        data = await service.decisions.sources_to_confirm(actor, cb.item_id, key, cb.number)
        item = data.item
        sources = fit(material_text(data), 1500)
        text = texts.ASK_SOURCES.format(code=item.code, version=item.version, sources=sources)
        keyboard = confirm_sources_keyboard(item.id, key, item.version)
        await ask_privately(context, actor, item, text, keyboard)
        return texts.SOURCES_NOT_CONFIRMED


async def _approve_sources(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    # the card's one tap: its label says the sources were checked, so the press confirms it
    return await _decide(context, actor, cb, Action.APPROVE, sources_checked=True)


async def _confirm_sources(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    # the question's buttons come off with the decision (enqueue_after_transition)
    return await _decide(context, actor, cb, Action.APPROVE, sources_checked=True)


async def _decide(
    context: BotContext,
    actor: Actor,
    cb: Callback,
    action: Action,
    *,
    sources_checked: bool = False,
) -> str:
    service = context.services.service
    decision = Decision(action, cb.step_key, cb.number, sources_checked=sources_checked)
    decided = await service.decisions.decide(actor, cb.item_id, decision)
    return done_text(decided.item.sop, decided)


async def _ask(
    update: Update, context: BotContext, actor: Actor, cb: Callback, action: Action
) -> str:
    """Check the action is open to this member now, then ask for its text privately."""
    service = context.services.service
    item = await service.decisions.ask_for(actor, cb.item_id, action, cb.step_key, cb.number)
    role = escape(_receiving_role(item.sop, item))
    prompt = ACTION_VIEWS[action].ask
    assert prompt is not None, f"{action.value} asks for no text"
    text = prompt.format(code=item.code, title=escape(item.title), version=item.version, role=role)
    await ask_privately(context, actor, item, text, dismiss_keyboard(item.id))
    return plain(text.split("\n")[0])  # the toast shows no markup: the title as typed


def _receiving_role(sop: Sop, item: ItemView) -> str:
    """The role the typed text goes to: where Return sends the item, or the next step's."""
    step = item.step
    if step is None or not sop.has_step(step.key):
        return ""  # an item of another SOP (a takedown: Tolak ends it, no one receives it)
    following = sop.step(step.return_to) if step.return_to else sop.next_step(step.key)
    return sop.role_title((following or step).role)


async def _open_under(
    update: Update, context: BotContext, actor: Actor, cb: Callback
) -> PressReply:
    """/baru's SOP button: the new item follows that SOP (its openers only); the choice
    turns into the question for the title."""
    assert cb.step_key is not None
    service = context.services.service
    await service.opening.begin_item(actor, cb.step_key)
    sop = service.context.catalog.get(cb.step_key)
    text = texts.ASK_TITLE_SOP.format(sop=escape(sop_named(sop)))
    query = update.callback_query
    assert query is not None

    async def ask_title() -> None:
        with contextlib.suppress(BadRequest):  # pressed twice: the text is already there
            await query.edit_message_text(text, parse_mode=ParseMode.HTML)

    return PressReply(plain(sop_named(sop)), later=ask_title)


async def _return(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    return await _ask(update, context, actor, cb, Action.RETURN)


async def _refuse(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    return await _ask(update, context, actor, cb, Action.REFUSE)


async def _direct(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    return await _ask(update, context, actor, cb, Action.DIRECT)


async def _posted(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    return await _ask(update, context, actor, cb, Action.REPORT_POSTED)


async def _channel_only(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    # posted: the bot's channel post was the only platform; its links are the item's
    service = context.services.service
    decision = Decision(Action.REPORT_POSTED, cb.step_key, cb.number, channel_only=True)
    decided = await service.decisions.decide(actor, cb.item_id, decision)
    return done_text(decided.item.sop, decided)


async def _order(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    return await _decide(context, actor, cb, Action.ORDER_UPLOAD)


async def _material_done(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    # the receipt's "Selesai" comes off with the decision (enqueue_after_transition)
    decided = await context.services.service.decisions.submit_material(actor, cb.item_id)
    return done_text(decided.item.sop, decided)


async def _upload_here(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    item = await context.services.service.uploads.target_item_for_design(actor, cb.item_id)
    return texts.UPLOAD_TARGET_SET.format(code=item.code)


async def _submit_design(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    assert cb.number is not None
    service = context.services.service
    decided = await service.decisions.submit_design(actor, cb.item_id, cb.number)
    return done_text(decided.item.sop, decided)


async def _clear_design(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    assert cb.number is not None
    query = update.callback_query
    pressed = _message_of(query)
    uploads = context.services.service.uploads
    cleared = await uploads.clear_draft(actor, cb.item_id, cb.number, pressed)
    await context.services.sender.files.forget(cb.item_id, cb.number)
    await _drop_buttons(query)
    for chat_id, message_id in cleared.receipts_gone:  # the draft's other receipts
        if (chat_id, message_id) != pressed:
            with contextlib.suppress(BadRequest):  # already without buttons, or deleted
                await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    code = cleared.item.code
    if cleared.kept:
        names = ", ".join(cleared.kept_by)
        return texts.DESIGN_CLEARED_OWN.format(
            code=code, version=cb.number, kept=cleared.kept, names=names
        )
    return texts.DESIGN_CLEARED.format(code=code, version=cb.number)


async def _dismiss(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    service = context.services.service
    dropped = await service.conversation.drop_pending(actor.user_id, cb.item_id)
    await _drop_buttons(update.callback_query)
    return texts.PROMPT_CANCELLED if dropped else texts.PROMPT_ALREADY_CLOSED


async def _pick_item(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    assert cb.number is not None
    state = await context.services.service.uploads.assign_upload(actor, cb.item_id, cb.number)
    await _drop_buttons(update.callback_query)
    await draft_reply(update, context, state, file_name=None)
    return texts.UPLOAD_TARGET_SET.format(code=state.item.code)


async def _show_card(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    query = update.callback_query
    assert query is not None and query.message is not None
    service = context.services.service
    shown = await service.decisions.resend_card(actor, cb.item_id, query.message.chat.id)
    if isinstance(shown, StatusOnly):  # not theirs to act on now: what is true, to read
        return await _send_status(context, actor, shown.item, shown.events)
    if not shown.queued:  # the same card is still waiting to go to this chat
        return texts.CARD_ON_ITS_WAY.format(code=shown.item.code)
    return texts.CARD_RESENT.format(code=shown.item.code)


async def _show_status(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    found = await context.services.service.reads.status_of(actor.user_id, cb.item_id)
    if found is None:
        return texts.BAD_BUTTON
    return await _send_status(context, actor, *found)


async def _send_status(
    context: BotContext, actor: Actor, item: ItemView, events: Sequence[EventView]
) -> str:
    """The item's status, as /status tells it, in the member's private chat (no buttons)."""
    extra, takedown_keyboard = await takedown.status_parts(context, actor.user_id, item, events)
    text = status_text(context, item, events) + (f"\n\n{extra}" if extra else "")
    # "✏️ Ralat" and "🗑 Turunkan" for those who may ask for them
    keyboard = joined(status_keyboard(context, actor.user_id, item), takedown_keyboard)
    await context.bot.send_message(
        actor.user_id, fit(text, TEXT_LIMIT), parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    return texts.STATUS_SHOWN.format(code=item.code)


async def _correct(update: Update, context: BotContext, actor: Actor, cb: Callback) -> str:
    """The status card's "✏️ Ralat": check the member may ask for it now, then ask for the
    reason privately."""
    service = context.services.service
    item = await service.decisions.ask_for(actor, cb.item_id, Action.CORRECT)
    text = correction_prompt(context, item)
    await ask_privately(context, actor, item, text, dismiss_keyboard(item.id))
    return plain(text.split("\n")[0])


def _message_of(query: CallbackQuery | None) -> tuple[int, int] | None:
    """The (chat, message) a press came from, when Telegram still has it."""
    if query is None or query.message is None or not query.message.is_accessible:
        return None
    return query.message.chat.id, query.message.message_id


async def _drop_buttons(query: CallbackQuery | None) -> None:
    if query is None or query.message is None or not query.message.is_accessible:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        pass  # already without buttons, or too old to edit: nothing left to press either way


_ACTIONS: dict[Verb, Press] = {
    Verb.APPROVE: _approve,
    Verb.CONFIRM_SOURCES: _confirm_sources,
    Verb.APPROVE_SOURCES: _approve_sources,
    Verb.RETURN: _return,
    Verb.DIRECT: _direct,
    Verb.ORDER: _order,
    Verb.POSTED: _posted,
    Verb.CHANNEL_ONLY: _channel_only,
    Verb.UPLOAD_HERE: _upload_here,
    Verb.SUBMIT_DESIGN: _submit_design,
    Verb.CLEAR_DESIGN: _clear_design,
    Verb.MATERIAL_DONE: _material_done,
    Verb.DISMISS: _dismiss,
    Verb.PICK_ITEM: _pick_item,
    Verb.SHOW_CARD: _show_card,
    Verb.SHOW_STATUS: _show_status,
    Verb.ARCHIVE: send_archived,
    Verb.CORRECT: _correct,
    Verb.TAKE_DOWN: takedown.press_take_down,
    Verb.TAKEDOWN_REASON: takedown.press_reason,
    Verb.REFUSE: _refuse,
    Verb.LINK_REMOVED: takedown.press_link_removed,
    Verb.OPEN_UNDER: _open_under,
}
