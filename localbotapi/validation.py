"""The checks Telegram applies to what a bot sends: lengths, keyboards, commands.

Each failure raises :class:`ApiError` with Telegram's own description, so a bot's mistake
shows up in tests as the same ``telegram.error.BadRequest`` it would get in production.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .formatting import Entities, format_text
from .models import JSONDict
from .params import Params

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_ANSWER_TEXT_LENGTH = 200
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile refuses bigger files ("file is too big")
MAX_UPLOAD_SIZE = 50 * 1024 * 1024  # multipart uploads of documents/videos
MAX_PHOTO_SIZE = 10 * 1024 * 1024  # multipart uploads of photos
MAX_COMMANDS = 100

# An inline button needs exactly one of these; one without any is a plain "text button".
_BUTTON_ACTIONS = (
    "callback_data", "url", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game",
    "pay", "web_app", "copy_text",
)  # fmt: skip
_BUTTON_URL = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"


def _entities(p: Params, name: str) -> Entities | None:
    entities = p.json(name, error=f"can't parse {name} JSON object")
    if entities is not None and not isinstance(entities, list):
        raise bad_request(f"can't parse {name} JSON object")
    return entities


def message_text(p: Params) -> tuple[str, Entities]:
    """The ``text`` of sendMessage/editMessageText, parsed and length-checked."""
    raw = p.text("text")
    if not raw:
        raise bad_request("message text is empty")
    text, entities = format_text(raw, p.text("parse_mode"), _entities(p, "entities"))
    if not text:  # only whitespace or only markup
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, entities


def check_caption(
    raw: str | None, parse_mode: str | None, entities: Entities | None
) -> tuple[str | None, Entities]:
    """A caption, parsed; ``(None, [])`` when absent or empty."""
    if not raw:
        return None, []
    text, found = format_text(raw, parse_mode, entities)
    if len(text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return (text or None), found


def caption(p: Params) -> tuple[str | None, Entities]:
    """The ``caption`` parameter of send*/editMessageCaption."""
    return check_caption(p.text("caption"), p.text("parse_mode"), _entities(p, "caption_entities"))


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton should be an Object"
                )
            text = button.get("text")
            if not isinstance(text, str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            # Telegram treats callback_data "" as absent, which leaves a bare text button.
            if not any(button.get(key) not in (None, "") for key in _BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are "
                    "unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data not in (None, "") and (
                not isinstance(data, str) or len(data.encode()) > MAX_CALLBACK_DATA_BYTES
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url not in (None, "") and not (isinstance(url, str) and _BUTTON_URL.match(url)):
                raise bad_request("BUTTON_URL_INVALID")


def reply_markup(p: Params) -> JSONDict | None:
    """The validated ``reply_markup`` (inline keyboard, reply keyboard, removal) or None."""
    markup = p.json("reply_markup", error=_MARKUP_ERROR)
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(_MARKUP_ERROR)
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return {"inline_keyboard": markup["inline_keyboard"]}
    keyboard = markup.get("keyboard")
    if keyboard is not None:
        if not isinstance(keyboard, list) or not all(isinstance(r, list) for r in keyboard):
            raise bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
            )
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request(_MARKUP_ERROR)


def inline_only(markup: JSONDict | None) -> JSONDict | None:
    """Telegram echoes only inline keyboards back in the Message."""
    return markup if markup and "inline_keyboard" in markup else None


def commands(p: Params) -> list[JSONDict]:
    """The ``commands`` list of setMyCommands."""
    value = p.json("commands", error="can't parse commands JSON object")
    if not isinstance(value, list):
        raise bad_request("can't parse commands JSON object")
    if len(value) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    result = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request("command description must be non-empty")
        result.append({"command": command, "description": description})
    return result
