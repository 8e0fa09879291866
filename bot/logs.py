"""Logging set-up. The bot token is part of every Bot API URL; it must never reach a log.

One line per event, for a service manager (journald) or a log collector to read: "text" is
`time LEVEL logger: message [item=… member=…]`, "json" one object a line with the same fields.
A traceback stays on its event's line (its line breaks written as \\n in text; a JSON string
in json), so one event is never split into lines that read as events of their own. The item
code and the member id come from bot/logcontext.py, bound by whatever handles the update or
the outbox row.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot import logcontext

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactToken(logging.Filter):
    """Replaces the token wherever it appears in a record, arguments and traceback included."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._token:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: log what we have, never raise into the caller
            message = f"{record.msg} (bad logging arguments: {record.args!r})"
            record.msg, record.args = message, None
        if self._token in message:
            record.msg = message.replace(self._token, "<TOKEN>")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self._token in text:
                # Merge the formatted message: the traceback may hold '%' (URL escapes).
                redacted = text.replace(self._token, "<TOKEN>")
                record.msg = f"{record.getMessage()}\n{redacted}"
                record.args = None
                record.exc_info = None
                record.exc_text = None
        return True


class _OneLine(logging.Formatter):
    """The event, its context and its traceback on one line; the token, should anything have
    slipped past RedactToken (a stack, a field), replaced there too."""

    def __init__(self, token: str, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self._token = token

    def _redacted(self, line: str) -> str:
        return line.replace(self._token, "<TOKEN>") if self._token else line

    def _traceback(self, record: logging.LogRecord) -> str:
        parts = []
        if record.exc_info:
            parts.append(record.exc_text or self.formatException(record.exc_info))
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        return "\n".join(parts)


class TextFormatter(_OneLine):
    """`2026-12-01 08:00:00,123 INFO bot.app: decided approve at periksa [item=… member=…]`"""

    def __init__(self, token: str) -> None:
        super().__init__(token, TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        bound = logcontext.current()
        if bound:
            line += " [" + " ".join(f"{key}={value}" for key, value in bound.items()) + "]"
        if trace := self._traceback(record):
            line += "\n" + trace
        return self._redacted(line.replace("\r", "").replace("\n", "\\n"))


class JsonFormatter(_OneLine):
    """`{"time": "…Z", "level": "INFO", "logger": "bot.app", "message": "…", "item": "…",
    "member": 111, "update": 5}`; `exception` holds a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        event.update(logcontext.current())
        if trace := self._traceback(record):
            event["exception"] = trace
        return self._redacted(json.dumps(event, ensure_ascii=False))


def setup_logging(token: str, level: int = logging.INFO, fmt: str = "text") -> None:
    """The root logger writes one line per event to stderr, in `fmt` ("text" or "json")."""
    logging.basicConfig(format=TEXT_FORMAT, level=level)
    redact = RedactToken(token)
    formatter = JsonFormatter(token) if fmt == "json" else TextFormatter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
        handler.setFormatter(formatter)
    # httpx logs every request URL (which holds the token) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
