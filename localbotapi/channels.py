"""Channels, as tests set them up: public (an @username, t.me/<name>/<id>) or private (t.me/c/
<id>/<post>); the bot an administrator with some rights, a plain member, or not in it. The
bot's posts there are recorded like any message (``channel_posts``); a person may delete one
by hand. Mixed into :class:`LocalBotApi`."""

from __future__ import annotations

from .models import BotMessage, Chat
from .state import State


class ChannelActions:
    state: State  # provided by LocalBotApi

    def add_channel(
        self,
        chat_id: int,
        title: str,
        username: str | None = None,
        *,
        bot: str = "administrator",
        can_post_messages: bool = True,
        can_delete_messages: bool = True,
        can_edit_messages: bool = True,
    ) -> Chat:
        """A channel (its id -100...); ``bot``: "administrator", "member" or "left"."""
        if not str(chat_id).startswith("-100"):
            raise ValueError("a channel's id starts with -100")
        chat = Chat(chat_id, "channel", title=title, username=username)
        self.state.chats[chat_id] = chat
        self.set_channel_bot(
            chat_id,
            bot,
            can_post_messages=can_post_messages,
            can_delete_messages=can_delete_messages,
            can_edit_messages=can_edit_messages,
        )
        return chat

    def set_channel_bot(
        self,
        chat_id: int,
        status: str,
        *,
        can_post_messages: bool = True,
        can_delete_messages: bool = True,
        can_edit_messages: bool = True,
    ) -> None:
        """Make the bot an administrator (with these rights), a member, or not in it."""
        if status not in ("administrator", "member", "left"):
            raise ValueError(f"unknown membership {status!r}")
        chat = self.state.chats[chat_id]
        chat.bot_status = status
        chat.bot_rights = {
            "can_post_messages": can_post_messages,
            "can_delete_messages": can_delete_messages,
            "can_edit_messages": can_edit_messages,
        }
        self.state.changed.fire()

    def channel_posts(self, chat_id: int, *, deleted: bool = False) -> list[BotMessage]:
        """The bot's posts in a channel, in order: live ones (with ``deleted``, all)."""
        return [m for m in self.state.sent if m.chat_id == chat_id and (deleted or not m.deleted)]

    def delete_post_by_hand(self, chat_id: int, message_id: int) -> None:
        """A channel admin deletes a post in the Telegram app."""
        chat = self.state.chats[chat_id]
        chat.messages.pop(message_id, None)
        msg = self.state.bot_messages.get((chat_id, message_id))
        if msg is not None:
            msg.deleted = True
        self.state.changed.fire()
