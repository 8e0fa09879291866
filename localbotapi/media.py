"""Bot API methods that carry files: sendPhoto/Document/Video, sendMediaGroup and getFile.

A file parameter is a multipart upload (in the part named like the parameter, or in the part
an ``attach://<name>`` value names) or the ``file_id`` of a file the server already holds.
Uploads get new ids; a ``file_id`` re-uses its file and must keep its type, as in Telegram.
"""

from __future__ import annotations

import io
import mimetypes
import warnings
from typing import Any

from PIL import Image

from . import validation
from .errors import ApiError, bad_request
from .methods import Handler, reply_target, set_or_pop
from .models import JSONDict, StoredFile
from .params import Params, Upload
from .state import State

_ALBUM_TYPES = frozenset({"photo", "video", "document", "audio"})
_ALBUM_MAX = 10
_MAX_PHOTO_SIDE = 1280  # Telegram recompresses photos to at most 1280 px on the long side
_MAX_PHOTO_DIMENSIONS = 10000  # width + height
_MAX_PHOTO_RATIO = 20


def _image_size(content: bytes) -> tuple[int, int]:
    """Width and height of an uploaded photo, refused the way Telegram's processor does."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:  # reads the header only
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bad_request("PHOTO_INVALID_DIMENSIONS") from None
    except (OSError, SyntaxError, ValueError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    if width + height > _MAX_PHOTO_DIMENSIONS or max(width, height) > _MAX_PHOTO_RATIO * min(
        width, height
    ):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return width, height


def _type_name(kind: str) -> str:
    return kind.capitalize()  # "photo" -> "Photo", as in "can't use file of type Photo as ..."


def media_content(kind: str, files: list[StoredFile]) -> JSONDict:
    """The Message fields for a media kind: photo is a list of sizes, others one object."""
    if kind == "photo":
        return {"photo": [f.as_dict() for f in files]}
    return {kind: files[-1].as_dict()}


class MediaMethods:
    """Sending and fetching files."""

    def __init__(self, state: State) -> None:
        self.state = state

    def table(self) -> dict[str, Handler]:
        return {
            "sendPhoto": self.send_photo, "sendDocument": self.send_document,
            "sendVideo": self.send_video, "sendMediaGroup": self.send_media_group,
            "getFile": self.get_file,
        }  # fmt: skip

    # ------------------------------------------------------------- resolving
    def _store_upload(self, upload: Upload, kind: str, attrs: JSONDict) -> list[StoredFile]:
        content = upload.content
        size = len(content)
        if size == 0:
            raise bad_request("file must be non-empty")
        if size > validation.MAX_UPLOAD_SIZE:
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            if size > validation.MAX_PHOTO_SIZE:
                raise bad_request(
                    f"file of size {size} bytes is too big for a photo; the "
                    f"maximum size is {validation.MAX_PHOTO_SIZE} bytes"
                )
            width, height = _image_size(content)
            scale = min(1.0, _MAX_PHOTO_SIDE / max(width, height))
            return self.state.store_photo(content, round(width * scale), round(height * scale))
        name = (upload.file_name or "").replace("/", "_").replace("\\", "_") or None
        mime = mimetypes.guess_type(name or "", strict=False)[0]
        if kind in ("video", "audio"):
            if not (mime or "").startswith(f"{kind}/"):
                mime = "video/mp4" if kind == "video" else "audio/mpeg"
            numbers = {key: max(0, int(attrs.get(key) or 0)) for key in ("width", "height")}
            if kind == "audio":
                numbers = {}
            return [
                self.state.store_file(
                    kind,
                    content,
                    file_name=name,
                    mime_type=mime,
                    duration=int(attrs.get("duration") or 0),
                    **numbers,
                )
            ]
        return [
            self.state.store_file(
                kind, content, file_name=name, mime_type=mime or "application/octet-stream"
            )
        ]

    def _resolve(
        self,
        p: Params,
        value: Any,
        field: str,
        kind: str,
        *,
        album: bool = False,
        attrs: JSONDict | None = None,
    ) -> list[StoredFile]:
        """The stored file(s) one media parameter names."""
        upload = None if album else p.uploads.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = p.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(
                    "can't parse InputMedia: media not found"
                    if album
                    else f"there is no {field} in the request"
                )
        if upload is not None:
            return self._store_upload(upload, kind, attrs or {})
        if not isinstance(value, str) or not value:
            raise bad_request(
                "can't parse InputMedia: media not found"
                if album
                else f"there is no {field} in the request"
            )
        if "://" in value:
            # Telegram would download the URL; this server has no internet to fetch from.
            raise bad_request("failed to get HTTP URL content")
        stored = self.state.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(
                f"can't use file of type {_type_name(stored.kind)} as {_type_name(kind)}"
            )
        return self.state.photo_sets.get(value, [stored])

    # ------------------------------------------------------------------ send
    async def _send(self, p: Params, kind: str) -> JSONDict:
        chat = self.state.writable_chat(p.chat_id())
        caption, entities = validation.caption(p)
        markup = validation.reply_markup(p)
        reply_to = reply_target(self.state, chat, p)
        files = self._resolve(p, p.values.get(kind), kind, kind, attrs=p.values)
        content = media_content(kind, files)
        set_or_pop(content, "caption", caption)
        set_or_pop(content, "caption_entities", entities)
        return self.state.add_bot_message(chat, content, reply_to=reply_to, markup=markup).raw

    async def send_photo(self, p: Params) -> JSONDict:
        return await self._send(p, "photo")

    async def send_document(self, p: Params) -> JSONDict:
        return await self._send(p, "document")

    async def send_video(self, p: Params) -> JSONDict:
        return await self._send(p, "video")

    async def send_media_group(self, p: Params) -> list[JSONDict]:
        """An album: every item is a message sharing ``media_group_id``; no reply_markup."""
        chat = self.state.writable_chat(p.chat_id())
        media = p.json("media", error="can't parse media JSON object")
        if not media:
            raise bad_request("there are no messages to send")
        if not isinstance(media, list):
            raise bad_request("can't parse media JSON object")
        if len(media) > _ALBUM_MAX:
            raise bad_request("too many messages to send as an album")
        for item in media:
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                raise bad_request('can\'t parse InputMedia: Field "type" must be of type String')
            if item["type"] not in _ALBUM_TYPES:
                raise bad_request(f'can\'t parse InputMedia: type "{item["type"]}" is unsupported')
        types = [item["type"] for item in media]
        for solo in ("document", "audio"):
            if solo in types and any(t != solo for t in types):
                raise bad_request(f"{solo} can't be mixed with other media types")
        reply_to = reply_target(self.state, chat, p)
        prepared = []  # resolve everything first: a refused album sends nothing
        for item in media:
            caption = validation.check_caption(
                item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
            )
            files = self._resolve(
                p, item.get("media"), "media", item["type"], album=True, attrs=item
            )
            prepared.append((item["type"], files, caption))
        # Telegram sends a one-item "album" as a plain message, outside any media group.
        group_id = str(13_000_000_000_000_000 + self.state.next_id()) if len(media) > 1 else None
        messages = []
        for kind, files, (caption_text, entities) in prepared:
            content = media_content(kind, files)
            set_or_pop(content, "caption", caption_text)
            set_or_pop(content, "caption_entities", entities)
            set_or_pop(content, "media_group_id", group_id)
            msg = self.state.add_bot_message(chat, content, reply_to=reply_to, markup=None)
            messages.append(msg.raw)
        return messages

    # ------------------------------------------------------------------ files
    async def get_file(self, p: Params) -> JSONDict:
        stored = self.state.files.get(p.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > validation.MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }
