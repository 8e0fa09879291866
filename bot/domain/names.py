"""Titles people type: which characters show, and which may not reach a title at all.

Pure text rules, shared by the places that accept a title (and tested on their own)."""

from __future__ import annotations

import unicodedata

# Bidirectional marks, embeddings, overrides and isolates: they change the order in which the
# text around them is shown (an override makes "gpj.exe" read as "exe.jpg"), show nothing
# themselves, and would travel on into file names and the archive.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Letters by Unicode's categories that nevertheless show nothing (Hangul fillers, the blank
# Braille pattern): a title of these alone is as invisible as one of spaces.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Unicode categories that show nothing on their own: controls and format characters (zero-width
# space, joiners, BOM, soft hyphen), separators (spaces), unassigned, and combining marks.
_INVISIBLE_CATEGORIES = ("C", "Z", "Mn", "Me")


def is_visible(char: str) -> bool:
    """The character shows something on its own (a letter, a digit, a sign, an emoji)."""
    category = unicodedata.category(char)
    return not category.startswith(_INVISIBLE_CATEGORIES) and char not in _BLANK_LETTERS


def visible_length(text: str) -> int:
    """How many characters of `text` a reader actually sees."""
    return sum(1 for char in text if is_visible(char))


def clean_title(text: str) -> str:
    """A typed title as the bot keeps it: bidi controls removed, whitespace runs made one
    space, no space at either end."""
    return " ".join("".join(c for c in text if c not in BIDI_CONTROLS).split())
