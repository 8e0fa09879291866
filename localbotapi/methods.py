"""Bot API methods about text messages, edits, callbacks, chats and commands."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import validation
from .errors import (
    NEED_CHANNEL_ADMIN,
    NOT_CHANNEL_MEMBER,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
)
from .models import CAPTIONED_KINDS, BotMessage, Chat, JSONDict
from .params import Params
from .state import State

Handler = Callable[[Params], Awaitable[Any]]

_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})  # fmt: skip
# ChatMemberAdministrator's rights (PTB 22 needs each); a channel's tests set these three.
_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip
_CHANNEL_RIGHTS = ("can_post_messages", "can_edit_messages", "can_delete_messages")
# Message content that copyMessage carries over.
_COPIED_KEYS = (
    "text",
    "entities",
    "photo",
    "document",
    "video",
    "sticker",
    "animation",
    "audio",
    "voice",
    "location",
    "contact",
    "caption",
    "caption_entities",
)


def reply_target(state: State, chat: Chat, p: Params) -> JSONDict | None:
    """The message a send replies to: PTB 22 sends ``reply_parameters``, older clients
    ``reply_to_message_id``. A missing target fails unless allow_sending_without_reply."""
    params = p.json("reply_parameters", error="can't parse reply parameters JSON object")
    if params is not None and not isinstance(params, dict):
        raise bad_request("can't parse reply parameters JSON object")
    message_id = (params or {}).get("message_id", p.integer("reply_to_message_id"))
    if message_id is None:
        return None
    target = chat.messages.get(int(message_id))
    allow = bool((params or {}).get("allow_sending_without_reply")) or p.flag(
        "allow_sending_without_reply"
    )
    if target is None and not allow:
        raise bad_request("message to be replied not found")
    return target


def set_or_pop(raw: JSONDict, key: str, value: Any) -> None:
    """Telegram omits empty fields, so an edit that clears one removes the key."""
    if value:
        raw[key] = value
    else:
        raw.pop(key, None)


class MessageMethods:
    """sendMessage, edits, deleteMessage, answerCallbackQuery, chat and command methods."""

    def __init__(self, state: State) -> None:
        self.state = state

    def table(self) -> dict[str, Handler]:
        return {
            "getMe": self.get_me, "logOut": self.ok, "close": self.ok,
            "sendMessage": self.send_message, "copyMessage": self.copy_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action, "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "setMyCommands": self.set_my_commands, "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
        }  # fmt: skip

    async def ok(self, p: Params) -> bool:
        return True

    async def get_me(self, p: Params) -> JSONDict:
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.state.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ------------------------------------------------------------------ send
    async def send_message(self, p: Params) -> JSONDict:
        chat = self.state.writable_chat(p.chat_id())
        text, entities = validation.message_text(p)
        markup = validation.reply_markup(p)
        reply_to = reply_target(self.state, chat, p)
        content: JSONDict = {"text": text}
        set_or_pop(content, "entities", entities)
        return self.state.add_bot_message(chat, content, reply_to=reply_to, markup=markup).raw

    async def copy_message(self, p: Params) -> JSONDict:
        source_chat = self.state.find_chat(p.chat_id("from_chat_id"))
        chat = self.state.writable_chat(p.chat_id())
        message_id = p.integer("message_id", missing="message identifier is not specified")
        source = source_chat.messages.get(message_id or 0)
        if source is None:
            raise bad_request("message to copy not found")
        content = {k: json.loads(json.dumps(source[k])) for k in _COPIED_KEYS if k in source}
        if p.has("caption") and "text" not in content:
            text, entities = validation.caption(p)
            set_or_pop(content, "caption", text)
            set_or_pop(content, "caption_entities", entities)
        markup = validation.reply_markup(p)
        reply_to = reply_target(self.state, chat, p)
        msg = self.state.add_bot_message(chat, content, reply_to=reply_to, markup=markup)
        return {"message_id": msg.message_id}

    # ----------------------------------------------------------------- edits
    def _editable(self, p: Params) -> BotMessage:
        if p.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not modelled
        chat = self.state.find_chat(p.chat_id())
        if chat.type == "channel":  # the bot's own posts, as an administrator
            if chat.bot_status == "left":
                raise ApiError(403, NOT_CHANNEL_MEMBER)
            if not (
                self.state.channel_right(chat, "can_edit_messages")
                or self.state.channel_right(chat, "can_post_messages")
            ):
                raise ApiError(400, NEED_CHANNEL_ADMIN)
        message_id = p.integer("message_id", missing="message identifier is not specified")
        msg = self.state.bot_messages.get((chat.id, message_id or 0))
        if msg is None or msg.deleted:
            if message_id in chat.messages:
                raise bad_request("message can't be edited")  # a user's message
            raise bad_request("message to edit not found")
        return msg

    def _apply_edit(self, msg: BotMessage, method: str, p: Params, changes: JSONDict) -> JSONDict:
        current = {k: msg.raw.get(k) or None for k in changes}
        if current == {k: v or None for k, v in changes.items()}:
            raise ApiError(400, NOT_MODIFIED)
        for key, value in changes.items():
            set_or_pop(msg.raw, key, value)
        msg.raw["edit_date"] = int(time.time())
        msg.edits.append({"method": method, "params": p.decoded})
        msg.refresh()
        self.state.changed.fire()
        return msg.raw

    async def edit_message_text(self, p: Params) -> JSONDict:
        msg = self._editable(p)
        if "text" not in msg.raw:
            raise bad_request("there is no text in the message to edit")
        text, entities = validation.message_text(p)
        # An edit without reply_markup removes the inline keyboard, as in Telegram.
        markup = validation.inline_only(validation.reply_markup(p))
        return self._apply_edit(
            msg, "editMessageText", p, {"text": text, "entities": entities, "reply_markup": markup}
        )

    async def edit_message_caption(self, p: Params) -> JSONDict:
        msg = self._editable(p)
        if msg.kind not in CAPTIONED_KINDS:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = validation.caption(p)
        markup = validation.inline_only(validation.reply_markup(p))
        return self._apply_edit(
            msg,
            "editMessageCaption",
            p,
            {"caption": caption, "caption_entities": entities, "reply_markup": markup},
        )

    async def edit_message_reply_markup(self, p: Params) -> JSONDict:
        msg = self._editable(p)
        markup = validation.inline_only(validation.reply_markup(p))
        return self._apply_edit(msg, "editMessageReplyMarkup", p, {"reply_markup": markup})

    async def delete_message(self, p: Params) -> bool:
        chat = self.state.find_chat(p.chat_id())
        message_id = p.integer("message_id", missing="message identifier is not specified")
        if chat.type == "channel":
            self._may_delete_in_channel(chat, message_id or 0)
        if chat.messages.pop(message_id or 0, None) is None:
            raise bad_request("message to delete not found")
        msg = self.state.bot_messages.get((chat.id, message_id or 0))
        if msg is not None:
            msg.deleted = True
            msg.edits.append({"method": "deleteMessage", "params": p.decoded})
            self.state.changed.fire()
        return True

    def _may_delete_in_channel(self, chat: Chat, message_id: int) -> None:
        """Bot API deleteMessage: a bot with can_post_messages deletes its own posts in a
        channel, with can_delete_messages any post; not in it: Telegram's 403."""
        if chat.bot_status == "left":
            raise ApiError(403, NOT_CHANNEL_MEMBER)
        if message_id not in chat.messages:
            raise bad_request("message to delete not found")
        own = (chat.id, message_id) in self.state.bot_messages
        if self.state.channel_right(chat, "can_delete_messages"):
            return
        if own and self.state.channel_right(chat, "can_post_messages"):
            return
        raise bad_request("message can't be deleted")

    async def get_chat_member(self, p: Params) -> JSONDict:
        """The bot's own membership in a channel as tests set it; anyone else in a channel is
        "left"; in other chats, a member."""
        chat = self.state.find_chat(p.chat_id())
        user_id = p.integer("user_id", missing="user_id is empty") or 0
        bot = self.state.bot_user
        user = bot if user_id == bot["id"] else self.state.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if chat.type != "channel":
            return {"status": "member", "user": user}
        if user is not bot or chat.bot_status == "left":
            return {"status": "left", "user": user}
        if chat.bot_status != "administrator":
            return {"status": "member", "user": user}
        rights = dict.fromkeys(_ADMIN_RIGHTS, False) | {
            key: chat.bot_rights.get(key, False) for key in _CHANNEL_RIGHTS
        }
        return {"status": "administrator", "user": user, **rights}

    # ------------------------------------------------------------- callbacks
    async def answer_callback_query(self, p: Params) -> bool:
        query_id = p.text("callback_query_id") or ""
        query = self.state.queries.get(query_id)
        too_late = (
            query is not None
            and time.monotonic() - query.pressed_at > self.state.callback_query_ttl
        )
        if query is None or query.answered or too_late:
            raise ApiError(400, QUERY_TOO_OLD)
        text = p.text("text")
        if text and len(text) > validation.MAX_ANSWER_TEXT_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        self.state.callback_answers[query_id] = p.decoded
        self.state.changed.fire()
        return True

    # ----------------------------------------------------------------- chats
    async def send_chat_action(self, p: Params) -> bool:
        self.state.writable_chat(p.chat_id())
        if p.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def get_chat(self, p: Params) -> JSONDict:
        chat = self.state.find_chat(p.chat_id())
        # ChatFullInfo: PTB 22 requires these fields to build the object.
        no_gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **chat.as_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": no_gifts,
        }

    # -------------------------------------------------------------- commands
    def _command_key(self, p: Params) -> tuple[str, str]:
        scope = p.json("scope", error="can't parse BotCommandScope JSON object")
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.text("language_code") or ""

    async def set_my_commands(self, p: Params) -> bool:
        self.state.commands[self._command_key(p)] = validation.commands(p)
        return True

    async def get_my_commands(self, p: Params) -> list[JSONDict]:
        return list(self.state.commands.get(self._command_key(p), []))

    async def delete_my_commands(self, p: Params) -> bool:
        self.state.commands.pop(self._command_key(p), None)
        return True
