"""MarkdownV2 and legacy Markdown (``parse_mode``), parsed as the official server does.

MarkdownV2 requires every reserved character outside markup to be escaped, the classic cause
of "Character '.' is reserved and must be escaped with the preceding '\\'".
"""

from __future__ import annotations

import re

from .entities import Builder, Entities, byte_offset, fail

_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_TYPES = {
    "*": ("bold", "Bold"), "_": ("italic", "Italic"), "__": ("underline", "Underline"),
    "~": ("strikethrough", "Strikethrough"), "||": ("spoiler", "Spoiler"),
}  # fmt: skip
_MD1_TYPES = {"*": "bold", "_": "italic"}


def _find_unescaped(src: str, token: str, start: int) -> int:
    i = start
    while i < len(src):
        if src[i] == "\\":
            i += 2
        elif src.startswith(token, i):
            return i
        else:
            i += 1
    return -1


def _unescape_md(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def _md_code(src: str, i: int, out: Builder, escapes: bool) -> int:
    """A `code` span or ```pre``` block starting at ``i``; returns the index after it."""
    fence = "```" if src.startswith("```", i) else "`"
    after = i + len(fence)
    end = _find_unescaped(src, fence, after) if escapes else src.find(fence, after)
    if end < 0:
        name = "Pre" if fence == "```" else "Code"
        fail(f"Can't find end of {name} entity at byte offset {byte_offset(src, i)}")
    body = src[after:end]
    body = _unescape_md(body) if escapes else body
    start, extra = out.pos, {}
    if fence == "```" and "\n" in body:
        first, rest = body.split("\n", 1)
        if first and " " not in first:  # ```python\n...``` names the language
            body, extra = rest, {"language": first}
    out.add(body)
    out.entity("pre" if fence == "```" else "code", start, **extra)
    return end + len(fence)


def _md_link(src: str, i: int, out: Builder, start: int) -> int:
    """After ``]`` at ``i``: read an optional ``(url)``; returns the index after it."""
    if not src.startswith("(", i + 1):
        return i + 1
    end = _find_unescaped(src, ")", i + 2)
    if end < 0:
        fail(f"Can't find end of a URL at byte offset {byte_offset(src, i + 1)}")
    url = _unescape_md(src[i + 2 : end])
    if url:
        out.entity("text_link", start, url=url)
    return end + 1


def parse_markdown_v2(src: str) -> tuple[str, Entities]:
    """Parse MarkdownV2; unescaped reserved characters are errors, as in Telegram."""
    out = Builder()
    stack: list[tuple[str, int, int]] = []  # (token, start in the output, index in src)
    quote: int | None = None
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n and 0 < ord(src[i + 1]) <= 126:
            out.add(src[i + 1])
            i += 2
            continue
        if ch == ">" and (i == 0 or src[i - 1] == "\n"):
            quote = out.pos if quote is None else quote  # consecutive ">" lines: one quote
            i += 1
            continue
        if ch == "\n" and quote is not None and not src.startswith(">", i + 1):
            out.entity("blockquote", quote)
            quote = None
        if ch not in _MD2_RESERVED:
            out.add(ch)
            i += 1
            continue
        if ch == "`":
            i = _md_code(src, i, out, escapes=True)
            continue
        if ch == "[":
            stack.append(("[", out.pos, i))
            i += 1
            continue
        if ch == "]" and stack and stack[-1][0] == "[":
            i = _md_link(src, i, out, stack.pop()[1])
            continue
        token = "__" if src.startswith("__", i) else "||" if src.startswith("||", i) else ch
        if token in _MD2_TYPES:
            if stack and stack[-1][0] == token:
                out.entity(_MD2_TYPES[token][0], stack.pop()[1])
            else:
                stack.append((token, out.pos, i))
            i += len(token)
            continue
        fail(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
    if quote is not None:
        out.entity("blockquote", quote)
    if stack:
        token, _, index = stack[-1]
        name = _MD2_TYPES[token][1] if token in _MD2_TYPES else "TextUrl"
        fail(f"Can't find end of {name} entity at byte offset {byte_offset(src, index)}")
    return out.result()


def parse_markdown(src: str) -> tuple[str, Entities]:
    """Parse legacy Markdown (``*bold*``, ``_italic_``, code, links); no nesting."""
    out = Builder()
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.add(src[i + 1])
            i += 2
            continue
        if ch not in "_*`[":
            out.add(ch)
            i += 1
            continue
        if ch == "`":
            i = _md_code(src, i, out, escapes=False)
            continue
        close = "]" if ch == "[" else ch
        end = src.find(close, i + 1)
        if end < 0:
            fail(f"Can't find end of the entity starting at byte offset {byte_offset(src, i)}")
        start = out.pos
        out.add(src[i + 1 : end])
        if ch == "[":
            i = _md_link(src, end, out, start)
        else:
            out.entity(_MD1_TYPES[ch], start)
            i = end + 1
    return out.result()
