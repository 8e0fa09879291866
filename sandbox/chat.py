"""A member's private chat with the bot, as JSON for the page: what Telegram would show."""

from __future__ import annotations

from typing import Any

from localbotapi.models import MESSAGE_KINDS, JSONDict
from localbotapi.state import State
from sandbox.richtext import to_html

_SNIPPET = 90  # characters of a replied-to message shown in the quote
_FILE_KINDS = ("document", "video", "animation", "audio", "voice")


def file_url(file_id: str) -> str:
    return f"/api/file/{file_id}"


def kind_of(raw: JSONDict) -> str:
    return next((k for k in MESSAGE_KINDS if k in raw), "other")


def snippet(raw: JSONDict) -> str:
    """One line standing for a message: its text, else its file."""
    text = raw.get("text") or raw.get("caption")
    if not text:
        kind = kind_of(raw)
        media = raw.get(kind)
        name = media.get("file_name") if isinstance(media, dict) else None
        text = f"📎 {name}" if name else {"photo": "🖼 Foto", "video": "🎬 Video"}.get(kind, kind)
    line = " ".join(str(text).split())
    return line if len(line) <= _SNIPPET else line[: _SNIPPET - 1] + "…"


def _buttons(raw: JSONDict) -> list[list[JSONDict]]:
    rows = (raw.get("reply_markup") or {}).get("inline_keyboard", [])
    return [
        [
            {"text": b.get("text", ""), "data": b.get("callback_data"), "url": b.get("url")}
            for b in row
        ]
        for row in rows
    ]


def _media(raw: JSONDict, kind: str) -> JSONDict | None:
    if kind == "photo":
        largest = raw["photo"][-1]
        return {
            "type": "photo",
            "url": file_url(largest["file_id"]),
            "width": largest.get("width"),
            "height": largest.get("height"),
        }
    if kind in _FILE_KINDS:
        media = raw[kind]
        mime = str(media.get("mime_type") or "")
        return {
            "type": kind,
            "url": file_url(media["file_id"]),
            "name": media.get("file_name") or kind,
            "mime": mime,
            "size": media.get("file_size", 0),
            "image": mime in ("image/png", "image/jpeg", "image/gif", "image/webp"),
        }
    return None


def _from_bot(raw: JSONDict, bot_id: int) -> bool:
    """The bot's message; in the channel, a post (sent on behalf of the channel: only the bot
    posts there in the sandbox)."""
    return raw.get("from", {}).get("id") == bot_id or "sender_chat" in raw


def message_json(raw: JSONDict, bot_id: int, stamp: str) -> JSONDict:
    kind = kind_of(raw)
    if "text" in raw:
        html = to_html(raw["text"], raw.get("entities"))
    elif raw.get("caption"):
        html = to_html(raw["caption"], raw.get("caption_entities"))
    elif kind in ("photo", *_FILE_KINDS):
        html = ""
    else:
        html = f"<i>[{kind}]</i>"
    reply = raw.get("reply_to_message")
    return {
        "id": raw["message_id"],
        "from_bot": _from_bot(raw, bot_id),
        "kind": kind,
        "html": html,
        "media": _media(raw, kind),
        "buttons": _buttons(raw),
        "edited": "edit_date" in raw,
        "time": stamp,
        "reply_to": {"id": reply["message_id"], "snippet": snippet(reply)} if reply else None,
    }


def chat_json(state: State, user_id: int, stamps: dict[tuple[int, int], str]) -> list[JSONDict]:
    """Every live message of the member's private chat, both sides, oldest first."""
    chat = state.chats.get(user_id)
    if chat is None:
        return []
    bot_id = int(state.bot_user["id"])
    return [
        message_json(raw, bot_id, stamps.get((user_id, message_id), ""))
        for message_id, raw in sorted(chat.messages.items())
    ]


def summary_json(state: State, user_id: int) -> dict[str, Any]:
    """For the member list: the bot's message ids (for unread badges) and the last line."""
    chat = state.chats.get(user_id)
    if chat is None or not chat.messages:
        return {"bot_ids": [], "last": ""}
    bot_id = state.bot_user["id"]
    ids = [i for i, raw in chat.messages.items() if _from_bot(raw, bot_id)]
    last = chat.messages[max(chat.messages)]
    return {"bot_ids": sorted(ids), "last": snippet(last)}
