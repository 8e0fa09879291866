"""The files that go with a card: the reviewers' preview, the design pages, the material, and
for posting the stored copies, checked against what was approved, then the caption alone (the
operator's posting kit)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from telegram import Bot, InputFile, Message

from bot import texts
from bot.delivery.rendering import RenderedCard
from bot.domain.filenames import disk_name
from bot.domain.sop import StepKind
from bot.media.filestore import FileStore
from bot.media.preview import contact_sheet
from bot.service.views import CardData, FileRef

Part = Callable[[int], Awaitable[Message]]
_PREVIEW_CACHE = 32
_TEXT_LIMIT = 4096


class CardFiles:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._previews: OrderedDict[tuple[int, int], bytes] = OrderedDict()

    async def parts(self, data: CardData, card: RenderedCard) -> list[Part]:
        """What to send before the card's text, in order."""
        parts: list[Part] = []
        if data.step.kind is StepKind.REVIEW:
            preview = await self._preview(data)
            if preview is not None:
                caption = texts.PREVIEW_CAPTION.format(code=data.item.code, version=data.version)
                parts.append(partial(self._photo, image=preview, caption=caption))
        for file, caption in card.files:
            if data.step.kind is StepKind.POST and file.stored_path:
                parts.append(partial(self._from_disk, file=file, caption=caption))
            else:
                parts.append(partial(self._by_file_id, file=file, caption=caption))
        if card.caption:
            parts.append(partial(self._caption, text=card.caption))
        return parts

    @staticmethod
    def tampered_pages(data: CardData) -> list[int]:
        """Pages whose stored copy is not byte for byte what the approval was given for."""
        approved = data.approved_hashes
        if approved is None or len(approved) != len(data.design):
            return list(range(1, len(data.design) + 1))
        return [
            page
            for page, (file, digest) in enumerate(zip(data.design, approved, strict=True), 1)
            if not file.stored_path or not FileStore.matches(Path(file.stored_path), digest)
        ]

    async def _preview(self, data: CardData) -> bytes | None:
        pages = [Path(f.stored_path) for f in data.design if f.stored_path]
        if not pages or len(pages) != len(data.design):
            return None
        key = (data.item.id, data.version)
        if key not in self._previews:
            # Pillow work: off the event loop.
            self._previews[key] = await asyncio.to_thread(
                contact_sheet, pages, code=data.item.code, version=data.version
            )
            while len(self._previews) > _PREVIEW_CACHE:
                self._previews.popitem(last=False)
        return self._previews[key]

    async def _photo(self, chat_id: int, image: bytes, caption: str) -> Message:
        return await self.bot.send_photo(chat_id, image, caption=caption)

    async def _caption(self, chat_id: int, text: str) -> Message:
        """The post's caption alone, as plain text: a long press copies exactly it."""
        return await self.bot.send_message(chat_id, text[:_TEXT_LIMIT])

    async def _by_file_id(self, chat_id: int, file: FileRef, caption: str) -> Message:
        # Telegram will not change a file's type when re-sending by file_id.
        if file.kind == "photo":
            return await self.bot.send_photo(chat_id, file.file_id, caption=caption)
        if file.kind == "video":
            return await self.bot.send_video(chat_id, file.file_id, caption=caption)
        return await self.bot.send_document(chat_id, file.file_id, caption=caption)

    async def _from_disk(self, chat_id: int, file: FileRef, caption: str) -> Message:
        """The approved bytes themselves, as a document, so nothing is recompressed."""
        assert file.stored_path is not None
        path = Path(file.stored_path)
        code = caption.split(" ")[0]
        # the sender's name, made safe for the receiver's disk (no name or stem: the code)
        name = disk_name(file.file_name or f"{code}{path.suffix}", code)
        content = await asyncio.to_thread(path.read_bytes)
        return await self.bot.send_document(
            chat_id, InputFile(content, filename=name), caption=caption
        )
