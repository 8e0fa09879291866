"""Plain data kept by the fake server: chats, stored files and the bot's messages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]

# The order decides a message's ``kind`` when several keys are present (a photo with a caption
# is a "photo"); it follows the Bot API's Message field list.
MESSAGE_KINDS = (
    "text",
    "animation",
    "audio",
    "document",
    "photo",
    "sticker",
    "video",
    "video_note",
    "voice",
    "contact",
    "location",
    "venue",
    "poll",
    "dice",
)
# Kinds whose message carries a caption that editMessageCaption may change.
CAPTIONED_KINDS = frozenset({"animation", "audio", "document", "photo", "video", "voice"})


@dataclass
class Chat:
    """A chat as the server knows it; messages of both sides share one id sequence."""

    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    user: JSONDict | None = None  # the other side of a private chat
    started: bool = False  # private: the user has written to the bot (so it may answer)
    blocked: bool = False  # private: the user blocked the bot
    bot_removed: bool = False  # group: the bot was kicked
    username: str | None = None  # channel: public by @username, private without
    # channel: the bot's membership ("administrator" | "member" | "left") and admin rights
    bot_status: str = "member"
    bot_rights: dict[str, bool] = field(default_factory=dict)
    # Telegram gives every (chat, bot) pair an opaque "chat_instance" for callback queries.
    instance: str = field(default_factory=lambda: str(secrets.randbits(62)))
    next_message_id: int = 1
    messages: dict[int, JSONDict] = field(default_factory=dict)  # every live message, by id

    def as_dict(self) -> JSONDict:
        """The ``Chat`` object embedded in messages."""
        if self.type == "private" and self.user is not None:
            chat: JSONDict = {"id": self.id, "type": "private"}
            for key in ("first_name", "last_name", "username"):
                if self.user.get(key) is not None:
                    chat[key] = self.user[key]
            return chat
        chat = {"id": self.id, "type": self.type, "title": self.title or ""}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class StoredFile:
    """A file the server holds; ``size`` may exceed ``len(content)`` to fake big files cheaply."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo" | "document" | "video" | "sticker" ...
    content: bytes
    size: int
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None

    def as_dict(self) -> JSONDict:
        """The Document/Video/Sticker/PhotoSize object Telegram sends for this file."""
        obj: JSONDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        for key in ("file_name", "mime_type", "width", "height", "duration"):
            value = getattr(self, key)
            if value is not None:
                obj[key] = value
        return obj


@dataclass
class BotMessage:
    """A message the bot created, kept current: edits update it in place.

    ``raw`` is the Message dict as the bot last received it; the other fields are derived
    from it by :meth:`refresh`, so they can never disagree.
    """

    chat_id: int
    message_id: int
    kind: str = "text"  # "text" | "photo" | "document" | "video" | "sticker" ...
    text: str | None = None  # current text (after edits)
    caption: str | None = None  # current caption (after edits)
    reply_markup: JSONDict | None = None  # current inline keyboard
    file_id: str | None = None  # media: the file (for photos, the largest size)
    file_name: str | None = None
    media_group_id: str | None = None
    reply_to_message_id: int | None = None
    edits: list[JSONDict] = field(default_factory=list)  # [{"method": ..., "params": {...}}]
    raw: JSONDict = field(default_factory=dict)
    deleted: bool = False
    # A reply keyboard (or its removal / force_reply) sent along; Telegram does not echo it in
    # the Message, so it lives here rather than in ``raw``.
    reply_keyboard: JSONDict | None = None

    @classmethod
    def from_raw(cls, raw: JSONDict) -> BotMessage:
        """Wrap a freshly sent Message dict."""
        msg = cls(raw["chat"]["id"], raw["message_id"], raw=raw)
        msg.refresh()
        return msg

    def refresh(self) -> None:
        """Re-derive the convenience fields from ``raw`` after it changed."""
        raw = self.raw
        self.kind = next((k for k in MESSAGE_KINDS if k in raw), "other")
        self.text = raw.get("text")
        self.caption = raw.get("caption")
        markup = raw.get("reply_markup")
        self.reply_markup = markup if markup else None
        media = raw.get(self.kind)
        if self.kind == "photo" and media:
            media = media[-1]  # the largest size, the one a bot would download
        self.file_id = media.get("file_id") if isinstance(media, dict) else None
        self.file_name = media.get("file_name") if isinstance(media, dict) else None
        self.media_group_id = raw.get("media_group_id")
        reply = raw.get("reply_to_message")
        self.reply_to_message_id = reply["message_id"] if reply else None

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as ``(text, callback_data or url)``."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            [(b.get("text", ""), b.get("callback_data", b.get("url"))) for b in row] for row in rows
        ]

    @property
    def button_texts(self) -> list[str]:
        """The inline buttons' texts, row by row, flattened."""
        return [text for row in self.buttons for text, _ in row]

    @property
    def body(self) -> str:
        """Text or caption, whichever the message has, or ""."""
        return self.text if self.text is not None else (self.caption or "")

    def describe(self) -> str:
        """One line for readable assertion messages."""
        state = " [deleted]" if self.deleted else ""
        buttons = f" buttons={self.button_texts}" if self.reply_markup else ""
        return (
            f"chat={self.chat_id} id={self.message_id} {self.kind}{state}: "
            f"{self.body[:120]!r}{buttons}"
        )
