"""Messages that are not commands: the text a member was asked for, and files."""

from __future__ import annotations

import re
from html import escape

from telegram import Update
from telegram.constants import ChatType

from bot import texts
from bot.delivery.downloads import fetch_material
from bot.domain.actions import ACTION_FOR_PROMPT, PromptKind
from bot.domain.workflow import Action, Actor, Decision
from bot.media.images import DesignFileRejected
from bot.service.items import Pending
from handlers.actions import TYPED_WHAT
from handlers.cards import done_text
from handlers.common import answers_refusals, reply
from handlers.context import JdihContext
from handlers.design import file_of, upload_design
from handlers.keyboards import material_keyboard

LINK_RE = re.compile(r"https?://[^\s<>\"]+")
TEXT_INPUT_LIMIT = 3000


@answers_refusals
async def on_text(update: Update, context: JdihContext) -> None:
    """Text answers the question the bot asked; otherwise the member is told what to do."""
    message = update.effective_message
    assert message is not None and message.text is not None and update.effective_user
    service = context.services.service
    text = message.text.strip()
    if len(text) > TEXT_INPUT_LIMIT:
        await reply(update, texts.TEXT_TOO_LONG.format(length=len(text), limit=TEXT_INPUT_LIMIT))
        return
    actor = service.actor(update.effective_user.id)
    # the bot asks its questions privately; text in a group never answers one
    private = update.effective_chat is not None and (update.effective_chat.type == ChatType.PRIVATE)
    pending = await service.pending(actor.user_id) if private else None
    reply_item = await _reply_item(update, context)
    await _answer_text(update, context, actor, pending, reply_item, text)


async def _answer_text(
    update: Update,
    context: JdihContext,
    actor: Actor,
    pending: Pending | None,
    reply_item: int | None,
    text: str,
) -> None:
    service = context.services.service
    if pending is None or (reply_item is not None and pending.kind == PromptKind.DESIGN):
        if reply_item is None:
            await reply(update, texts.NOTHING_EXPECTED)
            return
        state = await service.set_caption(actor, reply_item, text)
        await reply(update, texts.CAPTION_SET.format(code=state.item.code, version=state.version))
        return
    if pending.kind == PromptKind.TITLE:
        item = await service.create_item(actor, text)
        await reply(
            update,
            texts.ASK_MATERIAL.format(code=item.code, title=escape(item.title)),
            material_keyboard(item.id),
        )
    elif pending.kind == PromptKind.MATERIAL and pending.item is not None:
        count = await service.add_material(actor, pending.item.id, text=text)
        await reply(
            update,
            texts.MATERIAL_ADDED.format(count=count, code=pending.item.code),
            material_keyboard(pending.item.id),
        )
    elif pending.kind == PromptKind.DESIGN and pending.item is not None:
        state = await service.set_caption(actor, pending.item.id, text)
        await reply(update, texts.CAPTION_SET.format(code=state.item.code, version=state.version))
    elif pending.kind in ACTION_FOR_PROMPT and pending.item is not None:
        await _decide_with_text(update, context, actor, pending, text)


async def _decide_with_text(
    update: Update, context: JdihContext, actor: Actor, pending: Pending, text: str
) -> None:
    assert pending.item is not None
    action = ACTION_FOR_PROMPT[pending.kind]
    links = tuple(LINK_RE.findall(text)) if action is Action.REPORT_POSTED else ()
    step_key = None if action is Action.CANCEL else pending.step_key
    decision = Decision(action, step_key, pending.version, notes=text, links=links)
    outcome = await context.services.service.decide(actor, pending.item.id, decision)
    # done_text is plain (it is also a press's toast); role titles may hold < or &
    await reply(update, escape(done_text(context.services.config.sop, outcome)))


@answers_refusals
async def on_file(update: Update, context: JdihContext) -> None:
    """A file is material (while a draft is open) or a design page (from an operator)."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    file = file_of(message)
    assert file is not None
    service = context.services.service
    try:
        actor = service.actor(update.effective_user.id)
        pending = await service.pending(actor.user_id)
        reply_item = await _reply_item(update, context)
        if pending is not None and pending.kind in TYPED_WHAT and reply_item is None:
            await reply(update, texts.TEXT_EXPECTED.format(what=TYPED_WHAT[pending.kind]))
            return
        if pending is not None and pending.kind == PromptKind.MATERIAL and pending.item:
            kept = await fetch_material(context.bot, context.services.files, file)
            count = await service.add_material(actor, pending.item.id, file=kept)
            if message.caption:
                count = await service.add_material(actor, pending.item.id, text=message.caption)
            await reply(
                update,
                texts.MATERIAL_ADDED.format(count=count, code=pending.item.code),
                material_keyboard(pending.item.id),
            )
            return
        await upload_design(update, context, actor, file, reply_item)
    except DesignFileRejected as exc:
        await reply(update, escape(exc.reason))


async def on_edited(update: Update, context: JdihContext) -> None:
    """An edit does not change what the bot already recorded; ask for a new message."""
    await reply(update, texts.EDITED_IGNORED)


async def on_other(update: Update, context: JdihContext) -> None:
    """Stickers, locations, contacts and the like: say what the bot can take instead."""
    await reply(update, texts.UNSUPPORTED_MESSAGE)


async def _reply_item(update: Update, context: JdihContext) -> int | None:
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return None
    replied = message.reply_to_message
    return await context.services.service.item_for_message(replied.chat_id, replied.message_id)
