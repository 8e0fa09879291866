"""A member's text message as Telegram delivers it, for the tests of the inbox and the
processor that feed updates without a Bot API server."""

from __future__ import annotations

from telegram import Update


def text_update(update_id: int, text: str = "halo") -> Update:
    """Sari (id 103) writes `text` in her private chat with the bot."""
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_763_860_000,
                "chat": {"id": 103, "type": "private"},
                "from": {"id": 103, "is_bot": False, "first_name": "Sari"},
                "text": text,
            },
        },
        None,
    )
