"""Errors the fake server answers with, shaped exactly like Telegram's error responses."""

from __future__ import annotations

from typing import Any

# Descriptions Telegram uses word for word; bots (and PTB) match on them, so keep them verbatim.
CHAT_NOT_FOUND = "Bad Request: chat not found"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
BLOCKED = "Forbidden: bot was blocked by the user"
KICKED = "Forbidden: bot was kicked from the group chat"
# Channels (https://github.com/tucnak/telebot/pull/659, teloxide#450: Telegram's own texts)
NOT_CHANNEL_MEMBER = "Forbidden: bot is not a member of the channel chat"
NEED_CHANNEL_ADMIN = "Bad Request: need administrator rights in the channel chat"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
OTHER_POLLER = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class ApiError(Exception):
    """A Bot API error response: raised by method implementations, or injected by tests.

    ``status`` is the HTTP status and ``error_code``; PTB maps it to an exception class
    (400 BadRequest, 403 Forbidden, 401/404 InvalidToken, 409 Conflict, else NetworkError).
    ``retry_after`` adds ``parameters.retry_after`` so PTB raises ``RetryAfter``.
    ``status == 0`` is not an answer at all: the server drops the connection, which
    PTB reports as a ``NetworkError`` — the way a flaky network looks to a bot.
    """

    def __init__(
        self, status: int, description: str, retry_after: int | float | None = None
    ) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @property
    def drops_connection(self) -> bool:
        """True for the pseudo-error that closes the connection without a response."""
        return self.status == 0

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    @classmethod
    def flood(cls, retry_after: int = 1) -> ApiError:
        """A 429 as Telegram sends it when a bot exceeds its rate limits."""
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    @classmethod
    def server_error(cls) -> ApiError:
        """A 500, which PTB raises as a plain ``NetworkError``."""
        return cls(500, "Internal Server Error")

    @classmethod
    def dropped(cls) -> ApiError:
        """Close the connection without answering (``ApiError(0, "drop")``)."""
        return cls(0, "drop")

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.description!r}, retry_after={self.retry_after})"


def bad_request(what: str) -> ApiError:
    """``400 Bad Request: <what>``, the most common answer."""
    return ApiError(400, f"Bad Request: {what}")
