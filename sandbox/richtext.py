"""A message's text and entities (UTF-16 offsets) as safe HTML, as Telegram would show it."""

from __future__ import annotations

import itertools
import re
from html import escape
from typing import Any

# Telegram's clients link bare addresses in any message, whoever wrote it.
_BARE_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_SAFE_LINK = re.compile(r"^(https?|tg|mailto):", re.IGNORECASE)
# ... and commands: a click puts the command into the message box.
_COMMAND = re.compile(r"(?<![\w/.:])/[a-z][a-z0-9_]{1,31}\b")
_LINKABLE = re.compile(f"{_BARE_URL.pattern}|{_COMMAND.pattern}")
_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "code": ("<code>", "</code>"),
    "pre": ("<code class='pre'>", "</code>"),
    "spoiler": ("<span class='spoiler'>", "</span>"),
    "blockquote": ("<span class='quote'>", "</span>"),
    "expandable_blockquote": ("<span class='quote'>", "</span>"),
}
# Outer tags first, so that nested entities nest the same way in every segment.
_ORDER = ("text_link", "url", *_TAGS)


def _link(url: str, inner: str) -> str:
    if not _SAFE_LINK.match(url):
        return inner
    return f"<a href='{escape(url, quote=True)}' target='_blank' rel='noopener'>{inner}</a>"


def _command(command: str) -> str:
    return f"<a class='cmd' href='#' data-command='{command}'>{command}</a>"


def _autolink(text: str) -> str:
    out, last = [], 0
    for match in _LINKABLE.finditer(text):
        found = match.group(0)
        out.append(escape(text[last : match.start()]))
        out.append(_command(found) if found.startswith("/") else _link(found, escape(found)))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _wrap(segment: str, active: list[dict[str, Any]]) -> str:
    """One stretch of text under the entities that cover all of it."""
    linked = any(e["type"] in ("text_link", "url") for e in active)
    inner = escape(segment) if linked else _autolink(segment)
    ranked = sorted(
        (e for e in active if e["type"] in _ORDER), key=lambda e: _ORDER.index(e["type"])
    )
    for entity in reversed(ranked):
        kind = entity["type"]
        if kind in ("text_link", "url"):
            inner = _link(str(entity.get("url", "")), inner)
        else:
            opening, closing = _TAGS[kind]
            inner = f"{opening}{inner}{closing}"
    return inner


def to_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    """HTML for a text or caption; line breaks stay newlines (the page keeps them)."""
    units = text.encode("utf-16-le")
    entities = [dict(e) for e in entities or [] if e.get("length", 0) > 0]
    for entity in entities:
        if entity["type"] == "url":  # the whole address, even where a bold part splits it
            start, end = entity["offset"] * 2, (entity["offset"] + entity["length"]) * 2
            entity["url"] = units[start:end].decode("utf-16-le", errors="replace")
    cuts = {0, len(units) // 2}
    for entity in entities:
        cuts.update((entity["offset"], entity["offset"] + entity["length"]))
    bounds = sorted(c for c in cuts if 0 <= c <= len(units) // 2)
    parts = []
    for start, end in itertools.pairwise(bounds):
        segment = units[start * 2 : end * 2].decode("utf-16-le", errors="replace")
        active = [e for e in entities if e["offset"] <= start and end <= e["offset"] + e["length"]]
        parts.append(_wrap(segment, active))
    return "".join(parts)
