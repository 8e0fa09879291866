"""Telegram's text formatting: ``parse_mode`` markup to plain text plus entities.

Telegram measures and stores text *after* parsing, and rejects malformed markup with
``Bad Request: can't parse entities: ...``. The parsers (:mod:`.html_markup`,
:mod:`.markdown`) follow the official server (tdlib) closely enough for a bot's usual
mistakes to fail here as they fail there. Entity offsets are in UTF-16 code units.
"""

from __future__ import annotations

from .entities import Entities, utf16_len
from .errors import ApiError
from .html_markup import parse_html
from .markdown import parse_markdown, parse_markdown_v2

__all__ = ["Entities", "format_text", "utf16_len"]


def _strip(text: str, entities: Entities) -> tuple[str, Entities]:
    """Telegram trims surrounding whitespace; entities shift and shrink along."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    kept: Entities = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(
    text: str, parse_mode: str | None, entities: Entities | None = None
) -> tuple[str, Entities]:
    """Plain text and entities for a text/caption as sent with ``parse_mode``/``entities``."""
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        plain, found = parse_html(text)
    elif mode == "markdownv2":
        plain, found = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = parse_markdown(text)
    elif mode == "":
        plain, found = text, [dict(e) for e in entities or []]
    else:
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    return _strip(plain, found)
