"""The bot's own copies of uploaded files, kept by content (SHA-256), so what was approved
can be proven to be what is posted and archived."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

_CHUNK = 1024 * 1024
_SUFFIX = re.compile(r"^\.[0-9a-z]{1,10}$")  # ".pdf": anything else is not kept in the name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def incoming(self) -> Path:
        """A fresh path to download into; nothing else ever writes there."""
        folder = self.root / "incoming"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / uuid.uuid4().hex

    def keep(self, downloaded: Path, sha256: str, suffix: str) -> Path:
        """Move a checked download to its place by content; the same content is kept once."""
        suffix = suffix.lower() if _SUFFIX.match(suffix.lower()) else ""
        target = self.root / sha256[:2] / f"{sha256}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and sha256_of(target) == sha256:
            downloaded.unlink(missing_ok=True)
        else:
            os.replace(downloaded, target)  # same file system: atomic
        return target

    @staticmethod
    def discard(path: Path) -> None:
        path.unlink(missing_ok=True)

    @staticmethod
    def matches(path: Path, sha256: str) -> bool:
        """Is the stored copy still byte for byte what was recorded?"""
        try:
            return sha256_of(path) == sha256
        except OSError:
            return False
