"""The office's Telegram channel (issue 19): the sender's part. Posts an item's approved files
with the approved caption (checked against the approval's hashes first, as the operator's
posting kit is), deletes posts a newer version replaced or a takedown removes, and raises the
alarm when Telegram refuses (the bot is no admin, the channel is gone, a right is missing).

Each Bot API call that posts is preceded by a committed *sending* record and followed by the
commit of its messages (bot/service/channel.py): a crash in between is found at the next try,
which gives the job up with an alarm rather than post a second time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from telegram import Bot, InputMediaDocument, InputMediaPhoto, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot import texts
from bot.delivery.card_files import CardFiles
from bot.domain.filenames import disk_name
from bot.domain.sop_catalog import SopCatalog
from bot.domain.workflow import ItemStatus
from bot.service.channel import ChannelPublishing, PostedMessage, PostState, chat_of, post_link
from bot.service.directory import Directory
from bot.service.payloads import ChannelJob, ChannelOp
from bot.service.queries import Reads
from bot.service.views import CardData, FileRef

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024  # a media caption; a longer approved caption goes as a text after them
ALBUM = 10  # items in one sendMediaGroup
PHOTO_LIMIT = 10 * 1024 * 1024  # Telegram's limit for a photo upload
_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})

Call = Callable[[], Awaitable[list[Message]]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a channel row: `recorded` (marked done with its record), else the
    caller marks it delivered, or given up with `failed`."""

    recorded: bool = False
    failed: str | None = None


class ChannelSender:
    def __init__(
        self,
        bot: Bot,
        channel: str,
        publishing: ChannelPublishing,
        reads: Reads,
        sops: SopCatalog,
        directory: Directory,
    ) -> None:
        self.bot = bot
        self.chat = chat_of(channel)
        self.channel = channel
        self.publishing = publishing
        self.reads = reads
        # the roles that order uploads, in any of the office's SOPs: they hear the alarms
        self.order_roles = tuple(
            dict.fromkeys(role for sop in sops.publishing for role in sop.order_roles)
        )
        self.directory = directory

    async def deliver(self, row_id: int, item_id: int, job: ChannelJob) -> Outcome:
        if job.op is ChannelOp.POST:
            return await self._post(row_id, item_id, job)
        return await self._delete(item_id, job)

    # ------------------------------------------------------------------ posting
    async def _post(self, row_id: int, item_id: int, job: ChannelJob) -> Outcome:
        assert job.version is not None
        done = await self.publishing.begin(row_id)
        data = await self.reads.posting_data(item_id, job.version)
        code, title = (data.item.code, data.item.title) if data else (str(item_id), "-")
        if done is None:  # cut off between a call and its record: a person looks
            await self._alarm(texts.CHANNEL_ALARM_UNCERTAIN, code, title, "")
            return Outcome(recorded=True)
        if data is None or not data.design:
            return Outcome(failed=texts.CHANNEL_NOTHING_TO_POST)
        if data.item.version != job.version or data.item.status == ItemStatus.CANCELLED:
            # a retry of a job that a newer version (or a cancellation) made moot: never
            # post an older version over a newer one
            log.info("channel: %s v%s is no longer the version to post", code, job.version)
            return Outcome()
        if pages := await asyncio.to_thread(CardFiles.tampered_pages, data):
            cause = texts.CHANNEL_FILES_CHANGED.format(pages=", ".join(map(str, pages)))
            await self._alarm(texts.CHANNEL_ALARM_POST, code, title, cause)
            return Outcome(failed=f"bot: {cause}")
        calls = self._calls(data)
        for part, call in enumerate(calls):
            if part in done:
                continue  # posted and recorded by an earlier try
            marker = await self.publishing.sending(row_id, item_id, job.version, part)
            try:
                messages = await call()
            except (BadRequest, Forbidden) as exc:
                await self.publishing.not_sent(marker)
                log.error("channel: Telegram refused posting %s: %s", code, exc)
                await self._alarm(texts.CHANNEL_ALARM_POST, code, title, str(exc))
                return Outcome(failed=f"{texts.CHANNEL_REFUSED}: {exc}")
            except RetryAfter:
                await self.publishing.not_sent(marker)  # Telegram did not take it
                raise
            # Any other error (a timeout, a dropped connection) may have posted it: the
            # sending record stays, and the next try raises the alarm instead of posting.
            posted = [
                PostedMessage(
                    m.chat.id, m.message_id, post_link(m.chat.id, m.chat.username, m.message_id)
                )
                for m in messages
            ]
            last = part == len(calls) - 1
            await self.publishing.posted(
                row_id, item_id, job.version, part, marker, posted, last=last
            )
        return Outcome(recorded=True)

    def _calls(self, data: CardData) -> list[Call]:
        """The Bot API calls that post the version: albums of up to ten files, the caption
        on the album (or after it, as a text, when longer than a caption may be)."""
        caption = (data.caption or "").strip()
        files = list(data.design)
        photos = all(_is_photo(file) for file in files)
        chunks = [files[at : at + ALBUM] for at in range(0, len(files), ALBUM)]
        long_caption = len(caption) > CAPTION_LIMIT
        calls: list[Call] = []
        for index, chunk in enumerate(chunks):
            # the caption on the first album's first photo (Telegram shows it under the
            # album), or on the last document of the last album (shown under the documents)
            first, last_chunk = index == 0, index == len(chunks) - 1
            on = 0 if photos and first else (len(chunk) - 1 if not photos and last_chunk else None)
            text = None if long_caption or on is None else caption or None
            calls.append(self._album_call(data.item.code, chunk, photos, text, on))
        if long_caption:
            calls.append(self._text_call(caption))
        return calls

    def _album_call(
        self, code: str, files: list[FileRef], photos: bool, caption: str | None, on: int | None
    ) -> Call:
        async def call() -> list[Message]:
            uploads = [await _upload(file, code) for file in files]
            if len(uploads) == 1:
                (content, name), text = uploads[0], caption if on == 0 else None
                if photos:
                    sent = await self.bot.send_photo(self.chat, content, text, filename=name)
                else:
                    sent = await self.bot.send_document(self.chat, content, text, filename=name)
                return [sent]
            media = [
                (InputMediaPhoto if photos else InputMediaDocument)(
                    content, caption=caption if index == on else None, filename=name
                )
                for index, (content, name) in enumerate(uploads)
            ]
            return list(await self.bot.send_media_group(self.chat, media))

        return call

    def _text_call(self, caption: str) -> Call:
        async def call() -> list[Message]:
            return [await self.bot.send_message(self.chat, caption[:4096])]

        return call

    # ----------------------------------------------------------------- deleting
    async def _delete(self, item_id: int, job: ChannelJob) -> Outcome:
        replaced = job.op is ChannelOp.REPLACE
        for target in await self.publishing.targets(item_id, job):
            try:
                await self.bot.delete_message(target.chat, target.message_id)
            except BadRequest as exc:
                if "message to delete not found" in str(exc).lower():
                    # deleted by hand before: already gone, which is what was wanted
                    await self.publishing.ended(target, item_id, PostState.GONE)
                    continue
                return await self._refused_deletion(item_id, exc)
            except Forbidden as exc:
                return await self._refused_deletion(item_id, exc)
            state = PostState.REPLACED if replaced else PostState.DELETED
            await self.publishing.ended(target, item_id, state)
        return Outcome()

    async def _refused_deletion(self, item_id: int, exc: TelegramError) -> Outcome:
        code, title = await self.publishing.item_label(item_id)
        log.error("channel: Telegram refused deleting posts of %s: %s", code, exc)
        await self._alarm(texts.CHANNEL_ALARM_DELETE, code, title, str(exc))
        return Outcome(failed=f"{texts.CHANNEL_REFUSED}: {exc}")

    # -------------------------------------------------------------------- alarm
    async def _alarm(self, template: str, code: str, title: str, cause: str) -> None:
        """The kasubbag (the SOP's order roles) and the admins hear what to fix."""
        text = template.format(
            code=escape(code),
            title=escape(title),
            channel=escape(self.channel),
            cause=escape(cause),
        )
        recipients = [
            *self.directory.chats_for_roles(self.order_roles),
            *sorted(self.directory.admins),
        ]
        for chat_id in dict.fromkeys(recipients):
            try:
                await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
            except (Forbidden, BadRequest) as exc:
                log.warning("channel: cannot tell %s: %s", chat_id, exc)


def _is_photo(file: FileRef) -> bool:
    suffix = Path(file.file_name or file.stored_path or "").suffix.lower()
    small = (file.file_size or 0) <= PHOTO_LIMIT
    return (file.kind == "photo" or suffix in _IMAGE_SUFFIXES) and small


async def _upload(file: FileRef, code: str) -> tuple[bytes, str]:
    """The approved bytes from the bot's store (checked against the approval just before),
    and the file's name."""
    assert file.stored_path is not None
    path = Path(file.stored_path)
    name = disk_name(file.file_name or f"{code}{path.suffix}", code)
    return await asyncio.to_thread(path.read_bytes), name
