"""The operator's design upload, rendered: the question which item a parked page belongs to,
and the draft's receipts (one per album, not one per page). Which item a page goes to is
the service's answer (`Conversation.receive_file`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from html import escape
from pathlib import Path

from telegram import Message, Update

from bot import texts
from bot.domain.filenames import clean_file_name
from bot.media.images import PlatformFormat, platform_warning
from bot.service.conversation import DesignAdded, UploadParked
from bot.service.views import DraftState, FileRef
from handlers.common import reply
from handlers.context import BotContext
from handlers.keyboards import draft_keyboard, pick_item_keyboard

# Telegram sends an album as separate messages with no marker for the last one; the receipt
# waits this long after the latest page (the pages themselves are stored at once).
ALBUM_QUIET_S = 0.8


def file_of(message: Message) -> FileRef | None:
    """The file a message carries, as we store it; None for a message without one."""
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return FileRef(
            "photo", photo.file_id, photo.file_unique_id, None, "image/jpeg", photo.file_size
        )
    for kind, media in (("document", message.document), ("video", message.video)):
        if media is not None:
            return FileRef(
                kind,
                media.file_id,
                media.file_unique_id,
                clean_file_name(media.file_name),  # no invisible characters, bounded
                media.mime_type,
                media.file_size,
            )
    return None


async def upload_parked(update: Update, parked: UploadParked) -> None:
    """The page is kept; the operator picks which of their items it belongs to."""
    choices = [(item.id, f"{item.code} — {item.title}") for item in parked.choices]
    await reply(update, texts.PICK_ITEM, pick_item_keyboard(parked.upload_id, choices))


async def design_added(update: Update, context: BotContext, added: DesignAdded) -> None:
    """The receipt for a page: at once, or one per album after its last page."""
    checked, state = added.file, added.draft
    notes = design_notes(checked, state, context.services.config.platforms)
    message = update.effective_message
    if message is not None and message.media_group_id:
        _receipt_after_album(update, context, state, message.media_group_id, notes)
        return
    await draft_reply(
        update,
        context,
        state,
        file_name=texts.file_label(checked.file_name, checked.kind),
        notes=notes,
    )


def design_notes(
    file: FileRef, state: DraftState, platforms: Sequence[PlatformFormat]
) -> list[str]:
    """Advice that does not block: a size no platform uses, a compressed photo."""
    notes: list[str] = []
    if file.width and file.height:
        warning = platform_warning(file.width, file.height, platforms)
        if warning:
            notes.append(warning)
    if file.kind == "photo" and state.photo_pages == 1:
        notes.append(texts.PHOTO_COMPRESSED_TIP)  # said once per version
    return notes


def _receipt_after_album(
    update: Update, context: BotContext, state: DraftState, group: str, notes: list[str]
) -> None:
    albums = context.services.albums  # this application's albums, not the process's
    previous = albums.timers.pop(group, None)
    if previous is not None:
        previous.cancel()
    gathered = albums.notes.setdefault(group, [])
    gathered.extend(note for note in notes if note not in gathered)

    def send() -> None:
        albums.timers.pop(group, None)
        album_notes = albums.notes.pop(group, [])
        task = asyncio.create_task(
            draft_reply(update, context, state, file_name=texts.ALBUM_NAME, notes=album_notes)
        )
        albums.tasks.add(task)
        task.add_done_callback(albums.tasks.discard)

    albums.timers[group] = asyncio.get_running_loop().call_later(ALBUM_QUIET_S, send)


async def draft_reply(
    update: Update,
    context: BotContext,
    state: DraftState,
    *,
    file_name: str | None,
    notes: list[str] | None = None,
) -> None:
    """The receipt for the draft so far, with the buttons to submit or clear it. It comes once
    the reviewers' preview of these pages is drawn, so that *Kirim* only has to send it."""
    if state.page_paths:
        await context.services.sender.files.prepare(
            state.item.id, state.item.code, state.version, [Path(p) for p in state.page_paths]
        )
    text = texts.DESIGN_FILE_ADDED.format(
        count=state.pages,
        code=state.item.code,
        version=state.version,
        name=escape(file_name or "-"),
    )
    if notes:
        text += "\n\n" + "\n\n".join(escape(note) for note in notes)
    sent = await reply(update, text, draft_keyboard(state.item.id, state.version))
    if sent is not None:
        await context.services.service.messages.record_message(
            chat_id=sent.chat_id,
            message_id=sent.message_id,
            item_id=state.item.id,
            step_key=state.item.step.key if state.item.step else None,
            version=state.version,
            kind="ack",
            has_buttons=True,
            text=text,
        )
