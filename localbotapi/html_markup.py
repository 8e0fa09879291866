"""Telegram's HTML subset (``parse_mode="HTML"``), parsed as the official server does.

Unsupported tags such as ``<br>`` or ``<p>``, unclosed and mismatched tags, and a bare ``<``
fail with ``Bad Request: can't parse entities: ...`` and tdlib's wording and byte offsets.
"""

from __future__ import annotations

import re

from .entities import Builder, Entities, byte_offset, fail

_HTML_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_ATTR = re.compile(r"""([a-zA-Z_-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")
_HTML_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler", "code": "code",
    "pre": "pre", "blockquote": "blockquote", "a": "text_link", "tg-emoji": "custom_emoji",
}  # fmt: skip


def _html_unescape(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _HTML_NAMED:
        return _HTML_NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    return chr(code) if 0 < code < 0x110000 else match.group(0)


def parse_html(src: str) -> tuple[str, Entities]:
    """Parse Telegram's HTML subset; raise ApiError exactly where Telegram would."""
    out = Builder()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i, n = 0, len(src)
    while i < n:
        special = _HTML_SPECIAL.search(src, i)
        stop = special.start() if special else n
        if stop > i:
            out.add(src[i:stop])
            i = stop
            continue
        if src[i] == "&":
            entity = _HTML_ENTITY.match(src, i)
            out.add(_html_unescape(entity) if entity else "&")  # a bare "&" stays literal
            i = entity.end() if entity else i + 1
            continue
        tag_at = i  # error messages give tdlib's UTF-8 byte offset of the tag
        if src.startswith("</", i):
            end = src.find(">", i)
            if end < 0:
                fail(f"Unclosed end tag at byte offset {byte_offset(src, tag_at)}")
            name = src[i + 2 : end].strip().lower()
            if not stack:
                fail(f"Unexpected end tag at byte offset {byte_offset(src, tag_at)}")
            tag, start, attrs = stack.pop()
            if name != tag:
                at = byte_offset(src, tag_at)
                fail(
                    f'Unmatched end tag at byte offset {at}, expected "</{tag}>", found "</{name}>"'
                )
            _close_html(out, tag, start, attrs, stack)
            i = end + 1
            continue
        j = i + 1
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        name = src[i + 1 : j].lower()
        if j >= n:
            fail(f"Unclosed start tag at byte offset {byte_offset(src, tag_at)}")
        if name not in _HTML_TYPES:
            fail(f'Unsupported start tag "{name}" at byte offset {byte_offset(src, tag_at)}')
        attrs: dict[str, str] = {}
        while True:
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                fail(f"Unclosed start tag at byte offset {byte_offset(src, tag_at)}")
            if src[j] == ">":
                break
            attr = _HTML_ATTR.match(src, j)
            if attr is None:
                at = byte_offset(src, tag_at)
                fail(f'Empty attribute name in the tag "{name}" at byte offset {at}')
            value = (attr.group(2) or "").strip("\"'")
            attrs[attr.group(1).lower()] = _HTML_ENTITY.sub(_html_unescape, value)
            j = attr.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(src, tag_at)}'
            )
        stack.append((name, out.pos, attrs))
        i = j + 1
    if stack:
        fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html(
    out: Builder,
    tag: str,
    start: int,
    attrs: dict[str, str],
    stack: list[tuple[str, int, dict[str, str]]],
) -> None:
    kind = _HTML_TYPES[tag]
    language = attrs.get("class", "")
    if kind == "code" and stack and stack[-1][0] == "pre":
        # <pre><code class="language-x"> is one pre entity with a language, not two entities
        if language.startswith("language-"):
            stack[-1][2]["language"] = language.removeprefix("language-")
    elif kind == "text_link":
        if attrs.get("href"):
            out.entity("text_link", start, url=attrs["href"])
    elif kind == "custom_emoji":
        out.entity(kind, start, custom_emoji_id=attrs.get("emoji-id", ""))
    elif kind == "pre" and "language" in attrs:
        out.entity(kind, start, language=attrs["language"])
    else:
        out.entity(kind, start)
