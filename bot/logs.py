"""Logging set-up. The bot token is part of every Bot API URL; it must never reach a log."""

from __future__ import annotations

import logging


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


def setup_logging(token: str, level: int = logging.INFO) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    # httpx logs every request URL (which holds the token) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
