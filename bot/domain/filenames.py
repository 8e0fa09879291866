"""File names from senders, made safe to show, store and write to disk.

A name typed on a phone may carry characters nobody can see (right-to-left overrides that
make `gpj.exe` read as `exe.jpg`, zero-width spaces, control characters), may be longer than
a file system allows (255 bytes per name on ext4, XFS, btrfs: a long regulation title with
accented letters passes that in UTF-8 well before 255 characters), or may have no stem at all
(`" .png"`). Pure functions: no disk, no clock.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 255  # one path component, in UTF-8, on the usual Linux file systems
MAX_STORED_CHARS = 1024  # a name as the database keeps it; longer is no one's real file name
_MAX_EXTENSION = 16  # ".pdf", ".jpeg", ".docx": anything longer is part of the stem
# Characters nobody sees: controls (Cc), format characters (Cf: bidi overrides and isolates,
# zero-width space/joiners, BOM, soft hyphen), surrogates (Cs), private use (Co), unassigned.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Not allowed in a file name on Windows or USB sticks (FAT), where the archive may be copied.
_UNSAFE = re.compile(r'[<>:"/\\|?*]+')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"^\.[0-9A-Za-z]{1,15}$")


def visible(text: str) -> str:
    """`text` in NFC without invisible characters; any kind of space or line break becomes
    one ordinary space."""
    kept = (
        " " if unicodedata.category(c).startswith("Z") or c in "\t\n\r\v\f" else c
        for c in unicodedata.normalize("NFC", text)
    )
    cleaned = "".join(c for c in kept if unicodedata.category(c) not in _INVISIBLE)
    return _SPACES.sub(" ", cleaned).strip()


def clean_file_name(name: str | None) -> str | None:
    """A sender's file name as the bot stores and shows it: visible characters only, at most
    MAX_STORED_CHARS characters (extension kept); None when nothing visible is left."""
    if name is None:
        return None
    cleaned = visible(name)
    if not cleaned:
        return None
    if len(cleaned) > MAX_STORED_CHARS:
        stem, extension = split_extension(cleaned)
        cleaned = stem[: MAX_STORED_CHARS - len(extension)].rstrip() + extension
    return cleaned


def split_extension(name: str) -> tuple[str, str]:
    """("laporan", ".pdf") for "laporan.pdf"; an extension is a short run of letters and
    digits after the last dot, anything else is all stem."""
    stem, dot, extension = name.rpartition(".")
    if dot and _EXTENSION.match("." + extension):
        return stem, "." + extension
    return name, ""


def disk_name(name: str | None, fallback_stem: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A name any file system takes: visible, no path separators or characters Windows
    refuses, no leading dot, at most `max_bytes` in UTF-8 with the extension kept. A stem
    that is empty, or only spaces and dots, becomes `fallback_stem`."""
    cleaned = _UNSAFE.sub("_", visible(name or ""))
    stem, extension = split_extension(cleaned)
    stem = stem.strip(" .")
    if not stem:
        stem = visible(fallback_stem).strip(" .") or "berkas"
    return _fit(stem, extension, max_bytes)


def unique_name(name: str, taken: set[str], max_bytes: int = MAX_NAME_BYTES) -> str:
    """`name`, or name-2, name-3... (still within `max_bytes`) when a name in `taken` is the
    same, ignoring case (an archive copied to Windows or a USB stick must not lose a file).
    Adds the result to `taken`."""
    stem, extension = split_extension(name)
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = _fit(stem, f"-{n}{extension}", max_bytes)
    taken.add(candidate.casefold())
    return candidate


def _fit(stem: str, ending: str, max_bytes: int) -> str:
    """stem + ending within max_bytes, cutting the stem at a character boundary."""
    room = max_bytes - len(ending.encode())
    encoded = stem.encode()
    if len(encoded) > room:
        # errors="ignore" drops a letter whose bytes the cut split in two
        stem = encoded[: max(room, 0)].decode(errors="ignore").rstrip(" .") or "_"
    return stem + ending
