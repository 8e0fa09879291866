"""Titles people type: which characters show, and which may not reach a title at all; and
how a person's name is shown with their role titles.

Pure text rules, shared by the places that accept a title or show a person (and tested on
their own)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

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


# --- people: a name with the titles of its roles ------------------------------------------


def _words(text: str) -> str:
    """Casefolded words joined by single spaces, padded, so that a containment test
    matches whole words only ("Admin" is not in "Administrasi")."""
    return " " + " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split()) + " "


def carries_title(name: str, title: str) -> bool:
    """Does the configured name already say this role? It does when the title, or one of its
    "/"-separated alternatives ("Kasubbag Hukum / Ketua Tim Teknis"), appears in the name as
    whole words, or when the name's own remark in parentheses ("Budi (Operator)") appears
    in the title."""
    name_words = _words(name)
    alternatives = [title, *title.split("/")]
    if any(_words(part).strip() and _words(part) in name_words for part in alternatives):
        return True
    remarks = [part.split(")")[0] for part in name.split("(")[1:]]
    return any(_words(remark).strip() and _words(remark) in _words(title) for remark in remarks)


def name_with_roles(name: str, titles: Iterable[str]) -> str:
    """A person as messages show them, each thing said once: "Budi (Kasubbag Hukum / Ketua
    Tim Teknis)", but "Sari (Kasubbag Hukum)" alone when the configured name already carries
    the title. Titles the name does not carry are added, in their given order."""
    missing = [t for t in dict.fromkeys(titles) if t.strip() and not carries_title(name, t)]
    return f"{name} ({', '.join(missing)})" if missing else name


def beside_title(name: str, title: str) -> str:
    """A name shown after its role's title ("Kasubbag Hukum (Sari)"): a remark in brackets
    that the title already says is left off, so "Sari (Kasubbag Hukum)" reads "Sari"."""
    if "(" not in name or not carries_title(name, title):
        return name
    return name.split("(")[0].strip() or name


def names_beside_title(names: Iterable[str], title: str) -> str:
    """Those who hold a role, after its title: "Sari, Budi"; "-" when nobody does."""
    return ", ".join(beside_title(name, title) for name in names) or "-"
