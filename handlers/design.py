"""The operator's design upload: which item a file belongs to, and the draft's receipts."""

from __future__ import annotations

from html import escape
from pathlib import PurePath

from telegram import Message, Update

from bot import texts
from bot.errors import NoItemForUpload
from bot.views import DraftState, FileRef
from bot.workflow import Actor
from handlers.common import reply
from handlers.context import JdihContext
from handlers.keyboards import draft_keyboard, pick_item_keyboard

# What a design may be (SOP: the soft file of the content). Issue-level checks of the bytes
# themselves happen after download; here we refuse what is plainly something else.
DESIGN_MIME_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/pdf": ".pdf",
    "video/mp4": ".mp4",
}
DESIGN_SUFFIXES = {".png", ".jpg", ".jpeg", ".pdf", ".mp4"}


def file_of(message: Message) -> FileRef | None:
    """The file a message carries, as we store it; None for a message without one."""
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return FileRef(
            "photo", photo.file_id, photo.file_unique_id, None, "image/jpeg", photo.file_size
        )
    if message.document:
        doc = message.document
        return FileRef(
            "document", doc.file_id, doc.file_unique_id, doc.file_name, doc.mime_type, doc.file_size
        )
    if message.video:
        video = message.video
        return FileRef(
            "video",
            video.file_id,
            video.file_unique_id,
            video.file_name,
            video.mime_type,
            video.file_size,
        )
    return None


def design_file_problem(file: FileRef) -> str | None:
    """Why this file cannot be a design, in the words the operator will read; None if fine."""
    if file.kind == "photo":
        return None
    suffix = PurePath(file.file_name or "").suffix.lower()
    if file.mime_type in DESIGN_MIME_TYPES and (not suffix or suffix in DESIGN_SUFFIXES):
        return None
    kind = file.mime_type or (suffix or texts.FILE_NO_TYPE)
    return texts.UNSUPPORTED_FILE.format(
        name=escape(file.file_name or texts.FILE_NO_NAME), kind=escape(kind)
    )


async def upload_design(
    update: Update, context: JdihContext, actor: Actor, file: FileRef, reply_item: int | None
) -> None:
    """Attach the file to the right item's draft, or park it and ask which item."""
    service = context.services.service
    target = reply_item
    if target is None:
        pending = await service.pending(actor.user_id)
        if pending is not None and pending.kind == "design" and pending.item is not None:
            target = pending.item.id
    if target is None:
        candidates = await service.upload_targets(actor)
        if not candidates:
            raise NoItemForUpload
        if len(candidates) > 1:
            upload_id = await service.park_upload(actor, file)
            choices = [(item.id, f"{item.code} — {item.title}") for item in candidates]
            await reply(update, texts.PICK_ITEM, pick_item_keyboard(upload_id, choices))
            return
        target = candidates[0].id
    state = await service.add_design_file(actor, target, file)
    message = update.effective_message
    if message is not None and message.caption:
        state = await service.set_caption(actor, target, message.caption)
    await draft_reply(update, context, state, file_name=file.file_name or file.kind)


async def draft_reply(
    update: Update, context: JdihContext, state: DraftState, *, file_name: str | None
) -> None:
    """The receipt for a page, with the buttons to submit or clear the draft."""
    text = texts.DESIGN_FILE_ADDED.format(
        count=state.pages,
        code=state.item.code,
        version=state.version,
        name=escape(file_name or "-"),
    )
    sent = await reply(update, text, draft_keyboard(state.item.id, state.version))
    if sent is not None:
        await context.services.queries.record_message(
            chat_id=sent.chat_id,
            message_id=sent.message_id,
            item_id=state.item.id,
            step_key=state.item.step.key if state.item.step else None,
            version=state.version,
            kind="ack",
            has_buttons=True,
            text=text,
        )
