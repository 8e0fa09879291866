"""[publish.telegram]: the office's Telegram channel the bot posts approved content to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.config.values import ConfigError

# A public channel's @username: 5 to 32 letters, digits and underscores, starting with a letter
# (https://core.telegram.org/bots/api#sendmessage: "@channelusername"). A private channel is
# named by its numeric id, -100 followed by its internal id.
_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}")
_CHANNEL_ID = re.compile(r"-100[0-9]{1,13}")


@dataclass(frozen=True, slots=True)
class PublishSettings:
    # None: no channel; else "@username" or "-100..." exactly as the Bot API takes chat_id
    channel: str | None = None

    @property
    def chat_id(self) -> int | str | None:
        """The channel as the Bot API's chat_id: a number for a private one's id."""
        if self.channel is None:
            return None
        return int(self.channel) if _CHANNEL_ID.fullmatch(self.channel) else self.channel


def parse_publish(table: Mapping[str, Any]) -> PublishSettings:
    telegram = table.get("telegram", {})
    if not isinstance(telegram, Mapping):
        raise ConfigError("publish.telegram: must be a table ([publish.telegram])")
    for key in telegram:
        if key != "channel":
            raise ConfigError(f"publish.telegram.{key}: unknown setting (see config.example.toml)")
    if "channel" not in telegram:
        return PublishSettings()
    raw = telegram["channel"]
    value = str(raw) if type(raw) is int else raw
    if not isinstance(value, str) or not (
        _USERNAME.fullmatch(value.strip()) or _CHANNEL_ID.fullmatch(value.strip())
    ):
        raise ConfigError(
            "publish.telegram.channel: must be the channel's @username (5 to 32 letters, "
            'digits or _, e.g. "@office_channel") or a private channel\'s id '
            f"(-100...), not {raw!r}"
        )
    return PublishSettings(value.strip())
