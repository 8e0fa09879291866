"""The backup archive: one gzip'd tar holding the database copy, the stored files and the
digital archive, and `manifest.json` with the SHA-256 and size of every file in it.

Writing hashes each file as it goes into the tar (one read per file). Reading checks every
member against the manifest: a wrong sum, a missing or an extra file, a name that would land
outside the target, or a truncated or damaged archive is a BackupError naming it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

MANIFEST = "manifest.json"
FORMAT = 1  # of the manifest; raise it when a field changes meaning
SECTIONS = ("database", "files", "arsip")  # the top folders of an archive
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what and where, for the
    person at the server (nothing was changed or lost when it is raised)."""


@dataclass
class Manifest:
    created_at: str
    database: dict[str, Any]  # kind ("sqlite" / "postgresql"), member, alembic revision
    paths: dict[str, str]  # where the files came from (the database's stored paths name them)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # member -> sha256, size

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "made_by": "jdih-bot",
            "created_at": self.created_at,
            "database": self.database,
            "paths": self.paths,
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(data, indent=1, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("made_by") != "jdih-bot" or data.get("format") != FORMAT:
                raise BackupError(f"{MANIFEST}: not a manifest of this bot (format {FORMAT})")
            return cls(data["created_at"], data["database"], data["paths"], data["files"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"{MANIFEST} is unreadable ({exc})") from None


class _Hashing:
    """A file as tarfile reads it, hashed on the way."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class ArchiveWriter:
    """Adds files to a new archive, recording each one's sum; `close` adds the manifest."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.manifest = manifest
        self._tar = tarfile.open(path, "w:gz", compresslevel=6)

    def add(self, source: Path, member: str) -> None:
        with source.open("rb") as stream:
            info = self._tar.gettarinfo(fileobj=stream, arcname=member)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            hashing = _Hashing(stream)
            self._tar.addfile(info, hashing)
        self.manifest.files[member] = {"sha256": hashing.digest.hexdigest(), "size": hashing.size}

    def add_tree(self, root: Path, section: str, skip: Callable[[Path], bool]) -> int:
        """Every file under `root` (none if it does not exist) as `section/<relative path>`;
        a file that disappears while the tree is read (an archive folder swapped in) is
        left out. Returns how many were added."""
        added = 0
        for path in sorted(_walk(root)):
            relative = path.relative_to(root)
            if skip(relative):
                continue
            try:
                self.add(path, f"{section}/{relative.as_posix()}")
            except FileNotFoundError:
                continue
            added += 1
        return added

    def close(self) -> None:
        raw = self.manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        info.mode = 0o644
        self._tar.addfile(info, _BytesReader(raw))
        self._tar.close()

    def abort(self) -> None:
        try:
            self._tar.close()
        except OSError:
            pass  # the disk that failed the write fails the close too: the caller removes it


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)

    def read(self, size: int = -1) -> bytes:
        size = len(self._data) if size < 0 else size
        chunk, self._data = self._data[:size], self._data[size:]
        return bytes(chunk)


def _walk(root: Path) -> Iterator[Path]:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            yield Path(folder) / name


def read_archive(
    path: Path, sink: Callable[[str], IO[bytes] | None] = lambda _member: None
) -> Manifest:
    """Read the whole archive, checking every file against the manifest; `sink(member)`
    may give a stream to copy each file's bytes into (restore) or None (verify only)."""
    found: dict[str, tuple[str, int]] = {}
    manifest: Manifest | None = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                name = _safe_name(member)
                if member.isdir():
                    continue
                source = tar.extractfile(member)
                assert source is not None  # a regular file (checked by _safe_name)
                if name == MANIFEST:
                    manifest = Manifest.from_json(source.read())
                    continue
                found[name] = _copy(source, sink(name))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path}: damaged or truncated archive ({exc})") from None
    if manifest is None:
        raise BackupError(f"{path}: no {MANIFEST} in it (damaged, truncated or not a backup)")
    _compare(path, manifest, found)
    return manifest


def _safe_name(member: tarfile.TarInfo) -> str:
    name = member.name
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or not parts:
        raise BackupError(f"archive member {name!r} would land outside the target")
    if name != MANIFEST and parts[0] not in SECTIONS:
        raise BackupError(f"archive member {name!r} is not part of a backup")
    if not (member.isfile() or member.isdir()):
        raise BackupError(f"archive member {name!r} is not a plain file")
    return name


def _copy(source: IO[bytes], target: IO[bytes] | None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    if target is not None:
        target.flush()
        os.fsync(target.fileno())
        target.close()
    return digest.hexdigest(), size


def _compare(path: Path, manifest: Manifest, found: dict[str, tuple[str, int]]) -> None:
    for member, entry in manifest.files.items():
        if member not in found:
            raise BackupError(f"{path}: {member} is in the manifest but not in the archive")
        digest, size = found[member]
        if digest != entry.get("sha256") or size != entry.get("size"):
            raise BackupError(
                f"{path}: {member} does not match its SHA-256 in the manifest (damaged or altered)"
            )
    extra = sorted(set(found) - set(manifest.files))
    if extra:
        raise BackupError(f"{path}: {extra[0]} is in the archive but not in the manifest")
