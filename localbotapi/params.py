"""Reading Bot API request parameters the way Telegram does.

Telegram accepts query strings, ``application/x-www-form-urlencoded``,
``multipart/form-data`` and JSON bodies. In the form encodings every value is a string and
clients JSON-encode the structured ones (PTB sends ``chat_id="42"`` and ``reply_markup`` as a
JSON string), so known keys are decoded once here and methods read typed values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .errors import bad_request
from .models import JSONDict

# Keys whose string value is a JSON document.
_JSON_KEYS = frozenset({
    "reply_markup", "reply_parameters", "entities", "caption_entities", "media", "commands",
    "scope", "allowed_updates", "link_preview_options", "results",
})  # fmt: skip
# Keys holding integers (chat_id may also be "@channelusername", which stays a string).
_INT_KEYS = frozenset({
    "chat_id", "from_chat_id", "message_id", "offset", "limit", "width", "height",
    "duration", "cache_time", "max_connections", "message_thread_id", "reply_to_message_id",
    "user_id",
})  # fmt: skip
_BOOL_KEYS = frozenset({
    "show_alert", "disable_notification", "drop_pending_updates", "protect_content",
    "allow_sending_without_reply", "disable_web_page_preview", "has_spoiler",
    "supports_streaming", "disable_content_type_detection", "show_caption_above_media",
})  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    file_name: str | None
    mime_type: str | None
    content: bytes = field(repr=False)

    def __repr__(self) -> str:  # the request log shows uploads without dumping their bytes
        return f"Upload({self.file_name!r}, {self.mime_type!r}, {len(self.content)} bytes)"


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value  # JSON bodies already carry native types
    try:
        if key in _JSON_KEYS:
            return json.loads(value)
        if key in _INT_KEYS:
            return int(value)
    except ValueError:
        return value  # left as sent; the method that needs it reports the error
    if key in _BOOL_KEYS and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


class Params:
    """The decoded parameters of one call, with typed getters that fail like Telegram."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload] | None = None) -> None:
        self.values: JSONDict = {k: _decode(k, v) for k, v in values.items()}
        self.uploads: dict[str, Upload] = uploads or {}

    @property
    def decoded(self) -> JSONDict:
        """All parameters, uploads included, as recorded in ``LocalBotApi.requests``."""
        return {**self.values, **self.uploads}

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.uploads

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(
        self, name: str, default: int | None = None, *, missing: str | None = None
    ) -> int | None:
        """An int parameter; ``missing`` is the error description when it is required."""
        value = self.values.get(name)
        if value is None or value == "":
            if missing is not None:
                raise bad_request(missing)
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise bad_request(f"invalid {name} specified")

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        return value is True or (isinstance(value, int) and value != 0)

    def json(self, name: str, *, error: str) -> Any:
        """A JSON parameter (None when absent); ``error`` describes unparsable input."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):  # _decode could not parse it
            raise bad_request(error)
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@"):
            return value
        raise bad_request("chat not found")


async def read_params(request: web.Request) -> Params:
    """Collect query, form, multipart and JSON parameters of an API request."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request") from None
            if isinstance(body, dict):
                values.update(body)
        else:
            form = await request.post()  # urlencoded and multipart alike
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    values[key] = value
    return Params(values, uploads)
