"""The fake Telegram's memory: users, chats, messages, files and the update queue.

Everything lives in one asyncio loop, so no locks: methods mutate state synchronously and
fire :class:`Signal` so that long polls and test waiters re-check their conditions.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import mimetypes
import secrets
import time
from dataclasses import dataclass

from .errors import (
    BLOCKED,
    CANT_INITIATE,
    CHAT_NOT_FOUND,
    KICKED,
    NEED_CHANNEL_ADMIN,
    NOT_CHANNEL_MEMBER,
    ApiError,
)
from .models import BotMessage, Chat, JSONDict, StoredFile

# Update kinds Telegram leaves out unless a bot asks for them in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_FILE_FOLDERS = {
    "photo": "photos",
    "document": "documents",
    "video": "videos",
    "sticker": "stickers",
    "animation": "animations",
}
_FILE_ID_PREFIX = {"photo": "AgAC", "document": "BQAC", "video": "BAAC", "sticker": "CAAC"}
_THUMB_SIDE = 90  # Telegram's smallest PhotoSize ("s") is 90 px on the long side


class Signal:
    """Wakes every current waiter; waiters then re-check their own condition.

    A fresh Event per firing avoids the lost-wakeup race of ``clear()``/``set()`` pairs.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float | None) -> None:
        """Return on the next :meth:`fire` or after ``seconds``, whichever is first."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()


@dataclass
class PendingQuery:
    """A callback query the bot still has to answer (within ``callback_query_ttl``)."""

    pressed_at: float  # time.monotonic(): immune to wall-clock jumps
    answered: bool = False


class State:
    """Users, chats, messages, files, updates and the logs tests read."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_first_name: str,
        *,
        callback_query_ttl: float,
        privacy_mode: bool,
    ) -> None:
        try:
            bot_id = int(token.split(":")[0])
        except ValueError:
            raise ValueError(f"token must look like '<bot id>:<secret>', got {token!r}") from None
        self.token = token
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.callback_query_ttl = callback_query_ttl
        self.privacy_mode = privacy_mode
        self.users: dict[int, JSONDict] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}  # by file_id
        self.paths: dict[str, StoredFile] = {}  # by file_path, for downloads
        self.photo_sets: dict[str, list[StoredFile]] = {}  # any size's file_id -> all sizes
        self.sent: list[BotMessage] = []
        self.bot_messages: dict[tuple[int, int], BotMessage] = {}
        self.requests: list[tuple[str, JSONDict]] = []
        self.errors: list[tuple[str, str]] = []  # (method, description) of every error answer
        self.callback_answers: dict[str, JSONDict] = {}
        self.queries: dict[str, PendingQuery] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.updates: list[JSONDict] = []  # unconfirmed, ascending update_id
        self.last_update_id = 0
        self.delivered_update_id = 0  # highest update_id handed to the bot
        self.allowed_updates: list[str] | None = None
        self.inflight = 0  # API requests being answered (long polls excluded)
        self.acknowledged_offset = 0  # the highest getUpdates offset the bot sent
        self.last_activity = time.monotonic()
        self.closing = False
        self.changed = Signal()
        self._seq = itertools.count(1)

    # ----------------------------------------------------------------- chats
    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "id",
    ) -> JSONDict:
        """Register a user and their (not yet started) private chat."""
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
        self.users[user_id] = user
        chat = self.chats.setdefault(user_id, Chat(user_id, "private"))
        chat.user = user
        return user

    def find_chat(self, chat_id: int | str) -> Chat:
        """A chat the server knows, or Telegram's "chat not found". A channel is found by its
        @username too; a private channel the bot is not in is not found."""
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            chat = next(
                (c for c in self.chats.values() if c.username and c.username.lower() == name),
                None,
            )
        else:
            chat = self.chats.get(chat_id)
        if chat is None or (
            chat.type == "channel" and not chat.username and chat.bot_status == "left"
        ):
            raise ApiError(400, CHAT_NOT_FOUND)
        return chat

    def channel_right(self, chat: Chat, right: str) -> bool:
        """Is the bot an administrator of the channel with `right`?"""
        return chat.bot_status == "administrator" and chat.bot_rights.get(right, False)

    def writable_chat(self, chat_id: int | str) -> Chat:
        """The chat a bot may send to, or the 403 Telegram gives for it."""
        chat = self.find_chat(chat_id)
        if chat.type == "private":
            if chat.blocked:
                raise ApiError(403, BLOCKED)
            if not chat.started:
                raise ApiError(403, CANT_INITIATE)
        elif chat.type == "channel":
            if chat.bot_status == "left":
                raise ApiError(403, NOT_CHANNEL_MEMBER)
            if not self.channel_right(chat, "can_post_messages"):
                raise ApiError(400, NEED_CHANNEL_ADMIN)
        elif chat.bot_removed:
            raise ApiError(403, KICKED)
        return chat

    # -------------------------------------------------------------- messages
    def new_message(
        self, chat: Chat, sender: JSONDict, content: JSONDict, reply_to: JSONDict | None = None
    ) -> JSONDict:
        """Store a message of either side; ids are per chat and shared, as in Telegram."""
        raw: JSONDict = {
            "message_id": chat.next_message_id,
            "from": dict(sender),
            "chat": chat.as_dict(),
            "date": int(time.time()),
        }
        if chat.type == "channel":  # a channel post is sent on behalf of the channel
            del raw["from"]
            raw["sender_chat"] = chat.as_dict()
        chat.next_message_id += 1
        raw.update(content)
        if reply_to is not None:
            # Telegram embeds the replied message one level deep only
            raw["reply_to_message"] = {
                k: copy.deepcopy(v) for k, v in reply_to.items() if k != "reply_to_message"
            }
        chat.messages[raw["message_id"]] = raw
        return raw

    def add_bot_message(
        self, chat: Chat, content: JSONDict, *, reply_to: JSONDict | None, markup: JSONDict | None
    ) -> BotMessage:
        """Store a message sent by the bot and record it in :attr:`sent`."""
        raw = self.new_message(chat, self.bot_user, content, reply_to)
        if markup and "inline_keyboard" in markup:
            raw["reply_markup"] = markup
        msg = BotMessage.from_raw(raw)
        msg.reply_keyboard = markup if markup and "inline_keyboard" not in markup else None
        self.sent.append(msg)
        self.bot_messages[(chat.id, msg.message_id)] = msg
        self.changed.fire()
        return msg

    def next_id(self) -> int:
        """A process-unique number for query ids, media group ids and file names."""
        return next(self._seq)

    def new_query(self) -> str:
        """Register a button press; its id is what answerCallbackQuery must name."""
        query_id = str(4_000_000_000_000_000_000 + secrets.randbits(40) * 1000 + self.next_id())
        self.queries[query_id] = PendingQuery(time.monotonic())
        return query_id

    # ----------------------------------------------------------------- files
    def store_file(
        self,
        kind: str,
        content: bytes,
        *,
        size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
    ) -> StoredFile:
        """Keep a file and give it ids and a download path; ``size`` may fake a bigger file."""
        number = self.next_id()
        ext = {"photo": ".jpg", "video": ".mp4", "sticker": ".webp"}.get(kind, "")
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        if kind in ("document", "video") and mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = StoredFile(
            file_id=_FILE_ID_PREFIX.get(kind, "BQAC") + secrets.token_urlsafe(30),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            kind=kind,
            content=content,
            size=len(content) if size is None else size,
            file_path=f"{_FILE_FOLDERS.get(kind, 'documents')}/file_{number}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
        )
        self.files[stored.file_id] = stored
        self.paths[stored.file_path] = stored
        return stored

    def store_photo(
        self, content: bytes, width: int, height: int, size: int | None = None
    ) -> list[StoredFile]:
        """A compressed photo: a thumbnail size and the full size, both serving ``content``."""
        scale = min(1.0, _THUMB_SIDE / max(width, height, 1))
        small = (max(1, round(width * scale)), max(1, round(height * scale)))
        sizes = [
            self.store_file("photo", content, size=size, width=w, height=h)
            for w, h in (small, (width, height))
        ]
        for stored in sizes:
            self.photo_sets[stored.file_id] = sizes
        return sizes

    # --------------------------------------------------------------- updates
    def push_update(self, kind: str, payload: JSONDict) -> int:
        """Queue an update the way Telegram would (honouring allowed_updates); 0 if filtered."""
        allowed = self.allowed_updates
        if (kind not in allowed) if allowed else (kind in _OPT_IN_UPDATES):
            return 0
        return self.push_raw({kind: copy.deepcopy(payload)})

    def push_raw(self, update: JSONDict) -> int:
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self.last_update_id + 1
        self.last_update_id = max(self.last_update_id, update["update_id"])
        self.updates.append(update)
        self.updates.sort(key=lambda u: u["update_id"])
        self.changed.fire()
        return int(update["update_id"])

    def confirm(self, offset: int) -> None:
        """getUpdates' offset: forget updates below it (negative: keep only the last -offset)."""
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    def undelivered(self) -> int:
        """Queued updates the bot has not received yet."""
        return sum(1 for u in self.updates if u["update_id"] > self.delivered_update_id)

    def note_offset(self, offset: object) -> None:
        """A getUpdates arrived with this offset: the bot has acknowledged what is below it."""
        try:
            value = int(str(offset)) if offset is not None else 0
        except ValueError:
            return
        self.acknowledged_offset = max(self.acknowledged_offset, value)

    def unacknowledged(self) -> int:
        """Queued updates the bot has not acknowledged: not received, or received but not yet
        confirmed by a later getUpdates offset (or removed by a webhook's 2xx). A bot journals
        an update before it acknowledges it, so a received, unacknowledged update is still in
        its hands."""
        return sum(1 for u in self.updates if u["update_id"] >= self.acknowledged_offset)

    def mark_delivered(self, update_id: int) -> None:
        """Note that the bot received every update up to ``update_id``."""
        self.delivered_update_id = max(self.delivered_update_id, update_id)
        self.touch()

    def touch(self) -> None:
        """Note API activity, for wait_idle's quiet period."""
        self.last_activity = time.monotonic()
        self.changed.fire()
