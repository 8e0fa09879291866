"""The files that go with a card: the reviewers' preview, the design pages, the material, and
for posting the stored copies, checked against what was approved, then the caption alone (the
operator's posting kit).

The preview is drawn once per design version, when its pages arrive (`prepare`, before the
operator's receipt: off the path from *Kirim* to the reviewer's card), and kept on disk until
the first card that shows it uploads it and records the file_id Telegram gave the photo
(design_versions.preview_file_id, with the card's messages); every later card of the version
sends that id. A card whose pages were not drawn beforehand (a drawing that failed, a sheet
deleted) draws them itself. Cards of one version that go out at once share the one drawing and
upload (the others wait for it, then send by id), and sheets are drawn one at a time, so a
burst of reviews holds one sheet's pixels, not one per card. Nothing drawn is kept once sent:
a refused id is drawn and uploaded again."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest

from bot import texts
from bot.delivery.rendering import RenderedCard
from bot.domain.filenames import disk_name
from bot.domain.sop import StepKind
from bot.media.filestore import FileStore
from bot.media.preview import contact_sheet
from bot.media.workers import in_image_thread
from bot.service.views import CardData, FileRef

log = logging.getLogger(__name__)

Part = Callable[[int], Awaitable[Message]]
PreviewKey = tuple[int, int]  # (item id, version)
# Sheets drawn at once. One: measured on 1080x1350 PNG pages, a second sheet drawn beside the
# first adds about 25 MB to the peak (1 page) or 35 MB (4 pages), four at once about 70 MB;
# and Pillow's work competes with the bot's own for the same core anyway.
PREVIEW_DRAWS = 1
_KNOWN_IDS = 4096  # file_ids remembered in memory (the database keeps them all)
_TEXT_LIMIT = 4096


@dataclass(slots=True)
class _Drawing:
    """A version's preview while cards wait for its first upload: one draws and uploads, the
    others then send the id it got."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    image: bytes | None = None  # kept only while a card of the version still needs it


class CardFiles:
    def __init__(
        self, bot: Bot, *, draws: int = PREVIEW_DRAWS, prepared: Path | None = None
    ) -> None:
        self.bot = bot
        # where sheets drawn as their pages arrived wait for their first card (None: drawn
        # by the first card, as they were before)
        self.prepared = prepared
        # the ids this process learnt, newest last; a card read before its version's id was
        # recorded still finds it here
        self._file_ids: OrderedDict[PreviewKey, str] = OrderedDict()
        self._drawings: dict[PreviewKey, _Drawing] = {}
        self._draw_slots = asyncio.Semaphore(draws)

    async def parts(self, data: CardData, card: RenderedCard) -> list[Part]:
        """What to send before the card's text, in order."""
        parts: list[Part] = []
        if data.step.kind is StepKind.REVIEW:
            pages = [Path(f.stored_path) for f in data.design if f.stored_path]
            if pages and len(pages) == len(data.design):
                parts.append(partial(self._preview, data=data, pages=pages))
        for file, caption in card.files:
            if data.step.kind is StepKind.POST and file.stored_path:
                parts.append(partial(self._from_disk, file=file, caption=caption))
            else:
                parts.append(partial(self._by_file_id, file=file, caption=caption))
        if card.caption:
            parts.append(partial(self._caption, text=card.caption))
        return parts

    def unrecorded_preview(self, data: CardData) -> str | None:
        """The preview's file_id when this process learnt one the card's data (read from the
        database) does not hold yet: to be recorded with the card's messages."""
        known = self._file_ids.get((data.item.id, data.version))
        return known if known is not None and known != data.preview_file_id else None

    async def prepare(self, item_id: int, code: str, version: int, pages: list[Path]) -> None:
        """Draw the version's preview from the pages it has now and keep it for its first
        card; a sheet of the version drawn earlier (fewer pages) is dropped. A failure is
        logged and left to the card, which draws the sheet itself."""
        if self.prepared is None or not pages:
            return
        target = self._prepared_path((item_id, version), pages)
        if await asyncio.to_thread(target.exists):
            return  # drawn when this receipt was first sent
        try:
            image = await self._draw(code, version, pages)
            await asyncio.to_thread(_replace_sheet, target, (item_id, version), image)
        except Exception:
            log.warning("preview of %s version %d not drawn ahead", code, version, exc_info=True)

    async def forget(self, item_id: int, version: int) -> None:
        """The version's draft was cleared: its sheet drawn ahead is not needed."""
        if self.prepared is not None:
            await asyncio.to_thread(_drop_sheets, self.prepared, (item_id, version))

    def _prepared_path(self, key: PreviewKey, pages: list[Path]) -> Path:
        assert self.prepared is not None
        # the pages are stored by content: their paths, in order, name the sheet's content
        digest = hashlib.sha256("\n".join(map(str, pages)).encode()).hexdigest()[:20]
        return self.prepared / f"{key[0]}-{key[1]}-{digest}.jpg"

    async def _take_prepared(self, key: PreviewKey, pages: list[Path]) -> bytes | None:
        if self.prepared is None:
            return None
        try:
            return await asyncio.to_thread(self._prepared_path(key, pages).read_bytes)
        except OSError:
            return None

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

    async def _preview(self, chat_id: int, data: CardData, pages: list[Path]) -> Message:
        """The version's preview photo: by file_id once Telegram holds it, else drawn (off
        the event loop) and uploaded, once for all the cards of the version that wait."""
        key = (data.item.id, data.version)
        caption = texts.PREVIEW_CAPTION.format(code=data.item.code, version=data.version)
        tried = self._file_ids.get(key) or data.preview_file_id
        if tried is not None and (sent := await self._photo_by_id(key, chat_id, tried, caption)):
            return sent
        drawing = self._drawings.setdefault(key, _Drawing())
        drawing.users += 1
        try:
            async with drawing.lock:
                # another card of the version uploaded it while this one waited
                known = self._file_ids.get(key)
                if known is not None and known != tried:
                    if sent := await self._photo_by_id(key, chat_id, known, caption):
                        return sent
                if drawing.image is None:
                    drawing.image = await self._take_prepared(key, pages) or await self._draw(
                        data.item.code, data.version, pages
                    )
                message = await self.bot.send_photo(chat_id, drawing.image, caption=caption)
                if message.photo:  # the largest size: what Telegram shows when opened
                    self._learn(key, message.photo[-1].file_id)
                    if self.prepared is not None:  # Telegram holds it now
                        await asyncio.to_thread(_drop_sheets, self.prepared, key)
                return message
        finally:
            drawing.users -= 1
            if not drawing.users:
                del self._drawings[key]  # its bytes with it

    async def _draw(self, code: str, version: int, pages: list[Path]) -> bytes:
        async with self._draw_slots:
            # Pillow work: off the event loop, in this process, in the image thread
            return await in_image_thread(contact_sheet, pages, code=code, version=version)

    async def _photo_by_id(
        self, key: PreviewKey, chat_id: int, file_id: str, caption: str
    ) -> Message | None:
        """The preview sent by its id; None when Telegram no longer knows the id (it is
        forgotten, and the caller draws and uploads the preview again)."""
        try:
            return await self.bot.send_photo(chat_id, file_id, caption=caption)
        except BadRequest as exc:
            if not _file_id_refused(exc):
                raise
        if self._file_ids.get(key) == file_id:
            del self._file_ids[key]
        return None

    def _learn(self, key: PreviewKey, file_id: str) -> None:
        self._file_ids[key] = file_id
        self._file_ids.move_to_end(key)
        while len(self._file_ids) > _KNOWN_IDS:
            self._file_ids.popitem(last=False)

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


def _drop_sheets(folder: Path, key: PreviewKey) -> None:
    for old in folder.glob(f"{key[0]}-{key[1]}-*.jpg"):
        old.unlink(missing_ok=True)


def _replace_sheet(target: Path, key: PreviewKey, image: bytes) -> None:
    """Keep `image` at `target`, instead of any sheet of the same version drawn before."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _drop_sheets(target.parent, key)
    partial_file = target.with_suffix(".part")
    partial_file.write_bytes(image)
    partial_file.replace(target)  # whole or not at all: a card never reads half a sheet


def _file_id_refused(exc: BadRequest) -> bool:
    """Telegram does not (or no longer) know a file_id ("wrong file identifier/HTTP URL
    specified", "wrong remote file identifier", an expired file reference)."""
    message = str(exc).lower()
    return "file identifier" in message or "file reference" in message
