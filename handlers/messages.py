"""Messages that are not commands: a text or a file, each answered with one service call
(`Conversation.answer_text`, `Conversation.receive_file`) whose result is rendered here."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import Bot, Message, Update
from telegram.constants import ChatType

from bot import texts
from bot.delivery.downloads import fetch_design, fetch_material
from bot.domain.conversation import NothingExpected, TextExpected
from bot.media.filestore import FileStore
from bot.media.images import DesignFileRejected
from bot.service.conversation import (
    CaptionSet,
    ChatMessage,
    DesignAdded,
    FileAnswer,
    ItemCreated,
    TextAnswer,
    UploadParked,
)
from bot.service.opening import MaterialAdded
from bot.service.takedowns import TakedownStarted
from bot.service.views import FileRef
from handlers.actions import TYPED_WHAT
from handlers.common import answers_refusals, reply
from handlers.context import BotContext
from handlers.design import design_added, file_of, upload_parked
from handlers.keyboards import material_keyboard
from handlers.questions import asked

TEXT_INPUT_LIMIT = 3000


@dataclass(frozen=True, slots=True)
class _Downloads:
    """The service's way to fetch and check a member's file, through this bot."""

    bot: Bot
    files: FileStore

    async def material(self, file: FileRef) -> FileRef:
        return await fetch_material(self.bot, self.files, file)

    async def design(self, file: FileRef) -> FileRef:
        return await fetch_design(self.bot, self.files, file)


@answers_refusals
async def on_text(update: Update, context: BotContext) -> None:
    """Text answers the question the bot asked; otherwise the member is told what to do."""
    message = update.effective_message
    assert message is not None and message.text is not None and update.effective_user
    text = message.text.strip()
    if len(text) > TEXT_INPUT_LIMIT:
        await reply(update, texts.TEXT_TOO_LONG.format(length=len(text), limit=TEXT_INPUT_LIMIT))
        return
    # the bot asks its questions privately; text in a group never answers one
    private = update.effective_chat is not None and (update.effective_chat.type == ChatType.PRIVATE)
    answer = await context.services.service.conversation.answer_text(
        update.effective_user.id, text, private=private, replied_to=_replied_to(message)
    )
    await _render_text_answer(update, context, answer)


async def _render_text_answer(update: Update, context: BotContext, answer: TextAnswer) -> None:
    if isinstance(answer, NothingExpected):
        await reply(update, texts.NOTHING_EXPECTED)
    elif isinstance(answer, ItemCreated):
        item = answer.item
        sent = await reply(
            update,
            texts.ASK_MATERIAL.format(code=item.code, title=escape(item.title)),
            material_keyboard(item.id),
        )
        await asked(context, sent, item)
    elif isinstance(answer, MaterialAdded):
        await _material_added(update, context, answer)
    elif isinstance(answer, CaptionSet):
        draft = answer.draft
        await reply(update, texts.CAPTION_SET.format(code=draft.item.code, version=draft.version))
    elif isinstance(answer, TakedownStarted):
        started = texts.TAKEDOWN_STARTED.format(
            code=answer.item.code, original=answer.original.code, role=escape(answer.role)
        )
        await reply(update, started)
    # Decided: its confirmation was owed with the decision (the outbox delivers it, retried
    # until Telegram takes it), so a reply that failed never tells them to redo what is done


@answers_refusals
async def on_file(update: Update, context: BotContext) -> None:
    """A file is material (while a draft's material is asked for) or a design page."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    file = file_of(message)
    assert file is not None
    try:
        answer = await context.services.service.conversation.receive_file(
            update.effective_user.id,
            file,
            caption=message.caption,
            replied_to=_replied_to(message),
            downloads=_Downloads(context.bot, context.services.files),
        )
    except DesignFileRejected as exc:
        await reply(update, escape(exc.reason))
        return
    await _render_file_answer(update, context, answer)


async def _render_file_answer(update: Update, context: BotContext, answer: FileAnswer) -> None:
    if isinstance(answer, TextExpected):
        await reply(update, texts.TEXT_EXPECTED.format(what=TYPED_WHAT[answer.prompt]))
    elif isinstance(answer, MaterialAdded):
        await _material_added(update, context, answer)
    elif isinstance(answer, UploadParked):
        await upload_parked(update, answer)
    elif isinstance(answer, DesignAdded):
        await design_added(update, context, answer)


async def _material_added(update: Update, context: BotContext, added: MaterialAdded) -> None:
    # the newest receipt carries "Selesai"; the earlier ones' comes off
    sent = await reply(
        update,
        texts.MATERIAL_ADDED.format(count=added.count, code=added.item.code),
        material_keyboard(added.item.id),
    )
    await asked(context, sent, added.item)


async def on_edited(update: Update, context: BotContext) -> None:
    """An edit does not change what the bot already recorded; ask for a new message."""
    await reply(update, texts.EDITED_IGNORED)


async def on_other(update: Update, context: BotContext) -> None:
    """Stickers, locations, contacts and the like: say what the bot can take instead."""
    await reply(update, texts.UNSUPPORTED_MESSAGE)


def _replied_to(message: Message) -> ChatMessage | None:
    replied = message.reply_to_message
    return (replied.chat_id, replied.message_id) if replied is not None else None
