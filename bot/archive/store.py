"""The digital archive the SOP asks for ("menyimpan arsip digital"): one folder per published item.

Pure filesystem: a record in, a folder out (files, metadata.json, a printable ringkasan.html).
The folder is built beside its final place and swapped in, so a crash never leaves half an
archive, and the same record always gives the same bytes (no clock is read here).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.archive.record import (
    ArchiveError,
    ArchiveRecord,
)
from bot.archive.summary import summary_html
from bot.domain.filenames import disk_name, unique_name

log = logging.getLogger(__name__)

ROLES = ("desain", "materi")  # subfolders: the approved design, and the content material
METADATA = "metadata.json"
FORMAT_VERSION = 1  # of metadata.json; raise it when a field changes meaning
SUMMARY = "ringkasan.html"
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # one safe path component
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def archive_folder(root: Path, code: str, published_at: datetime, zone: ZoneInfo) -> Path:
    """root/YEAR/MONTH/CODE, by the office's local publication date (how staff look for it)."""
    if not _CODE_RE.match(code):
        raise ValueError(f"item code cannot be a folder name: {code!r}")
    if published_at.tzinfo is None:
        raise ValueError("published_at must be timezone-aware")
    local = published_at.astimezone(zone)
    return root / f"{local:%Y}" / f"{local:%m}" / code


def write_archive(root: Path, record: ArchiveRecord, zone: ZoneInfo) -> Path:
    """Copy the files, verify their SHA-256, write metadata.json and ringkasan.html; return it."""
    # a corrected item stays in the folder of its first publication, beside its first files
    folder = archive_folder(
        root, record.code, record.first_published_at or record.published_at, zone
    )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{record.code}.new-", dir=folder.parent))
    try:
        relative = _copy_files(record, staging, _archived_copies(folder))
        (staging / METADATA).write_text(_metadata(record, relative, zone), encoding="utf-8")
        (staging / SUMMARY).write_text(summary_html(record, relative, zone), encoding="utf-8")
        _flush_to_disk(staging)
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _copy_files(record: ArchiveRecord, staging: Path, archived: dict[str, Path]) -> list[str]:
    """Copy each file into the staging folder (a corrected item's design pages by version:
    desain/versi-1/, desain/versi-2/); a file the bot no longer holds is taken from the
    item's earlier archive (`archived`: its files by SHA-256) rather than lost."""
    relative: list[str] = []
    taken: dict[str, set[str]] = {}
    pages: dict[str, int] = {}
    for file in record.files:
        if file.role not in ROLES:
            raise ValueError(f"file role must be one of {ROLES}, got {file.role!r}")
        place = file.role
        if record.versioned and file.version is not None:
            place = f"{file.role}/{texts.ARCHIVE_VERSION_FOLDER.format(version=file.version)}"
        pages[place] = pages.get(place, 0) + 1
        # The sender's name, made safe for any disk (metadata.json keeps it whole).
        fallback = f"{record.code}-{file.role}-{pages[place]}"
        name = unique_name(disk_name(file.name, fallback), taken.setdefault(place, set()))
        target = staging / place / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(file.source, target)
        except OSError as error:
            earlier = archived.get(file.sha256.lower())
            if earlier is None:
                raise ArchiveError(
                    f"cannot copy {file.source}: {error}", name=file.name, error=error
                ) from error
            shutil.copyfile(earlier, target)  # checked against the recorded hash below
        actual = _sha256(target)  # hash the copy itself: what the archive will really hold
        if actual != file.sha256.lower():
            raise ArchiveError(
                f"{file.source} changed since it was received: SHA-256 {actual}, "
                f"recorded {file.sha256}",
                name=file.name,
            )
        relative.append(target.relative_to(staging).as_posix())
    return relative


def _archived_copies(folder: Path) -> dict[str, Path]:
    """The files an earlier archive of the item holds, by SHA-256 (nothing if none, or if
    its metadata cannot be read)."""
    try:
        meta = json.loads((folder / METADATA).read_text(encoding="utf-8"))
        return {
            str(f["sha256"]).lower(): folder / str(f["path"])
            for f in meta.get("files", [])
            if (folder / str(f["path"])).is_file()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _swap_in(staging: Path, folder: Path) -> None:
    """Put the finished staging folder at `folder`, replacing an older archive of the item.

    A directory cannot be replaced by one rename, so the old one steps aside first; a crash
    in between leaves the complete old archive in its hidden `.CODE.old-*` folder.
    """
    staging.chmod(0o755)  # mkdtemp makes it private; the archive is meant to be read
    if not folder.exists():
        os.replace(staging, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
    os.replace(folder, old / folder.name)
    try:
        os.replace(staging, folder)
    except OSError:
        os.replace(old / folder.name, folder)  # put the old archive back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _flush_to_disk(staging: Path) -> None:
    """fsync every file before the rename publishes them: a power cut must not empty them."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            with path.open("rb") as stream:
                os.fsync(stream.fileno())


def _metadata(record: ArchiveRecord, relative: list[str], zone: ZoneInfo) -> str:
    """Everything in the record as JSON; datetimes in office time with their offset."""
    data = {"format": FORMAT_VERSION} | asdict(record)
    for step, original in zip(data["steps"], record.steps, strict=True):
        step["late"] = original.late
    # Where the bot kept the file is no business of the archive; where the archive keeps it is.
    data["files"] = [
        {"role": f.role, "name": f.name, "path": path, "sha256": f.sha256.lower()}
        | ({"version": f.version} if f.version is not None else {})
        for f, path in zip(record.files, relative, strict=True)
    ]
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_time(zone)) + "\n"


def _json_time(zone: ZoneInfo) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if isinstance(value, datetime):
            return value.astimezone(zone).isoformat()
        raise TypeError(f"not JSON serializable: {value!r}")

    return convert


# --- searching -----------------------------------------------------------------------------


def search_archive(
    root: Path, *, code: str | None = None, words: str | None = None, month: str | None = None
) -> list[dict[str, Any]]:
    """Archived items matching every filter given, newest first.

    `month` is "2026-11" (the office-time month of publication, i.e. the folder); `words` must
    all appear in the title, ignoring case. Unreadable metadata is logged and skipped.
    """
    pattern = "*/*/*/" + METADATA
    if month is not None:
        match = _MONTH_RE.match(month)
        if match is None:
            raise ValueError(f"month must look like 2026-11, got {month!r}")
        pattern = f"{match[1]}/{match[2]}/*/{METADATA}"
    wanted = (words or "").casefold().split()
    found: list[tuple[datetime, dict[str, Any]]] = []
    for path in sorted(root.glob(pattern)):
        if path.parent.name.startswith("."):  # an archive being written or set aside
            continue
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            published = datetime.fromisoformat(meta["published_at"])
            item_code, title = str(meta["code"]), str(meta["title"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("skipping unreadable archive metadata %s: %s", path, error)
            continue
        if code is not None and item_code.casefold() != code.casefold():
            continue
        if not all(word in title.casefold() for word in wanted):
            continue
        summary = {"code": item_code, "title": title, "published_at": published}
        found.append((published, summary | {"folder": path.parent}))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [summary for _, summary in found]
