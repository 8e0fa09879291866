"""What the people on the other side do: write, send files, edit, press buttons.

Each action stores the message like Telegram would and queues the update the bot will
receive through getUpdates (or its webhook). Mixed into :class:`LocalBotApi`.
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from .formatting import utf16_len
from .models import BotMessage, Chat, JSONDict
from .state import State
from .user_media import UserMediaActions

# A command Telegram marks with a bot_command entity: "/name" or "/name@botusername".
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?(?=\s|$)")
# Telegram answers ids of supergroups with this offset ("-100" + channel id).
_SUPERGROUP_LIMIT = -1_000_000_000_000


class UserActions(UserMediaActions):
    """The test-facing "user side" of the fake Telegram: people, text, edits, buttons."""

    state: State  # provided by LocalBotApi

    # ---------------------------------------------------------------- people
    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
    ) -> JSONDict:
        """Register a user; the bot may not message them until they write to it."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        return dict(self.state.add_user(user_id, first_name, username, last_name))

    def add_group(self, chat_id: int, title: str) -> JSONDict:
        """Register a group the bot is a member of (negative id; -100… makes a supergroup)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if chat_id <= _SUPERGROUP_LIMIT else "group"
        chat = self.state.chats.setdefault(chat_id, Chat(chat_id, kind, title=title))
        chat.title, chat.bot_removed = title, False
        return chat.as_dict()

    def mark_started(self, user_id: int) -> None:
        """The user pressed Start at some earlier time: the bot may write to them first."""
        self._private_chat(user_id).started = True

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends answer 403 "bot was blocked by the user"."""
        self._private_chat(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot again."""
        self._private_chat(user_id).blocked = False

    def remove_bot_from_group(self, chat_id: int) -> None:
        """The bot is kicked: sends answer 403 "bot was kicked from the group chat"."""
        self._chat(chat_id).bot_removed = True

    def _sender(self, user_id: int) -> JSONDict:
        if user_id not in self.state.users:  # convenience: unknown users are made up
            self.state.add_user(user_id, f"User {user_id}")
        return self.state.users[user_id]

    def _private_chat(self, user_id: int) -> Chat:
        self._sender(user_id)
        return self.state.chats[user_id]

    def _chat(self, chat_id: int) -> Chat:
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise ValueError(f"unknown chat {chat_id}: add it with add_group() first")
        return chat

    # -------------------------------------------------------------- messages
    def _post(
        self,
        user_id: int,
        content: JSONDict,
        *,
        chat_id: int | None,
        reply_to: int | None,
        media_group_id: str | None = None,
    ) -> JSONDict:
        sender = self._sender(user_id)
        if chat_id is None or chat_id == user_id:
            chat = self._private_chat(user_id)
            # Writing (re)starts the conversation; a blocking user has to unblock to write.
            chat.started, chat.blocked = True, False
        else:
            chat = self._chat(chat_id)
        target = None
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            if target is None:
                raise ValueError(f"no message {reply_to} in chat {chat.id} to reply to")
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        raw = self.state.new_message(chat, sender, content, target)
        if self._bot_sees(chat, raw):
            self.state.push_update("message", raw)
        return copy.deepcopy(raw)

    def _bot_sees(self, chat: Chat, raw: JSONDict) -> bool:
        """In privacy mode a bot sees only commands and replies to it in groups."""
        if chat.bot_removed:
            return False
        if chat.type == "private" or not self.state.privacy_mode:
            return True
        replied = raw.get("reply_to_message", {}).get("from", {})
        if replied.get("id") == self.state.bot_user["id"]:
            return True
        command = _COMMAND.match(raw.get("text", ""))
        addressee = command.group(1) if command else None
        return command is not None and addressee in (None, "@" + self.state.bot_user["username"])

    async def send_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> JSONDict:
        """A text message; "/cmd[@bot] ..." gets the bot_command entity CommandHandler needs."""
        content: JSONDict = {"text": text}
        command = _COMMAND.match(text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
            ]
        return self._post(user_id, content, chat_id=chat_id, reply_to=reply_to)

    async def edit_user_message(
        self, user_id: int, message_id: int, new_text: str, chat_id: int | None = None
    ) -> JSONDict:
        """The user edits their text (or caption); pushes an ``edited_message`` update."""
        chat = self._private_chat(user_id) if chat_id is None else self._chat(chat_id)
        raw = chat.messages.get(message_id)
        if raw is None or raw.get("from", {}).get("id") != user_id:
            raise ValueError(f"user {user_id} has no message {message_id} in chat {chat.id}")
        key = "text" if "text" in raw else "caption"
        raw[key] = new_text
        raw.pop("entities", None)
        command = _COMMAND.match(new_text) if key == "text" else None
        if command:
            raw["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
            ]
        raw["edit_date"] = int(time.time())
        if self._bot_sees(chat, raw):
            self.state.push_update("edited_message", raw)
        return copy.deepcopy(raw)

    # --------------------------------------------------------------- buttons
    async def press_button(
        self, user_id: int, message: BotMessage, button: str, *, chat_id: int | None = None
    ) -> str:
        """Press a button of the message's *current* inline keyboard, by text or data."""
        chat_id = message.chat_id if chat_id is None else chat_id
        current = self.state.bot_messages.get((chat_id, message.message_id))
        if current is None or current.deleted:
            raise AssertionError(f"message {message.message_id} in chat {chat_id} is gone")
        rows: list[list[Any]] = (current.reply_markup or {}).get("inline_keyboard", [])
        flat = [b for row in rows for b in row]
        found = next((b for b in flat if b.get("text") == button), None) or next(
            (b for b in flat if b.get("callback_data") == button), None
        )
        if found is None:
            raise AssertionError(
                f"no button {button!r} on message {message.message_id} in "
                f"chat {chat_id}; available: {current.buttons}"
            )
        if "callback_data" not in found:
            raise AssertionError(f"button {button!r} is not a callback button: {found}")
        return await self.press_callback(
            user_id, message.message_id, chat_id, found["callback_data"]
        )

    async def press_callback(self, user_id: int, message_id: int, chat_id: int, data: str) -> str:
        """A raw callback query with any data on any message id (for forgery/fuzz tests)."""
        sender = self._sender(user_id)
        chat = self._private_chat(user_id) if chat_id == user_id else self._chat(chat_id)
        raw = chat.messages.get(message_id)
        # A message the client can no longer see arrives as an InaccessibleMessage (date 0).
        message = (
            copy.deepcopy(raw)
            if raw
            else {"chat": chat.as_dict(), "message_id": message_id, "date": 0}
        )
        query_id = self.state.new_query()
        self.state.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": sender,
                "message": message,
                "chat_instance": chat.instance,
                "data": data,
            },
        )
        return query_id

    def push_raw_update(self, update: dict[str, Any]) -> None:
        """Queue any update dict as is; ``update_id`` is assigned when missing."""
        self.state.push_raw(copy.deepcopy(update))

    async def send_burst(
        self, user_ids: list[int], text: str, count: int, *, chat_id: int | None = None
    ) -> None:
        """A flood: ``count`` text messages queued at once, from ``user_ids`` in turn (in
        their private chats, or all in ``chat_id``), as a client script would send them."""
        if not user_ids or count < 1:
            raise ValueError("a burst needs at least one sender and one message")
        for n in range(count):
            await self.send_text(user_ids[n % len(user_ids)], text, chat_id=chat_id)
