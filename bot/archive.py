"""The digital archive the SOP asks for ("menyimpan arsip digital"): one folder per published item.

Pure filesystem: a record in, a folder out (files, metadata.json, a printable ringkasan.html).
The folder is built beside its final place and swapped in, so a crash never leaves half an
archive, and the same record always gives the same bytes (no clock is read here).
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

# --- what people read in ringkasan.html (Bahasa Indonesia) -------------------------------

HTML_HEADING = "Arsip Digital Konten Media Sosial JDIH"
LABEL_CODE = "Kode"
LABEL_TITLE = "Judul"
LABEL_OFFICE = "Kantor"
LABEL_SOP = "SOP"
LABEL_PUBLISHED = "Dipublikasikan"
LABEL_APPROVED_VERSION = "Versi yang disetujui"
LABEL_SOURCES = "Sumber"
LABEL_CAPTION = "Keterangan (caption)"
LABEL_DECISIONS = "Riwayat keputusan"
LABEL_STEPS = "Waktu per langkah SOP"
LABEL_LINKS = "Tautan postingan"
LABEL_FILES = "Berkas"
DECISION_COLUMNS = ("Waktu", "Nama", "Peran", "Tindakan", "Langkah", "Versi", "Catatan")
STEP_COLUMNS = ("Langkah", "Mulai", "Selesai", "Waktu kerja", "Batas", "Keterangan")
FILE_COLUMNS = ("Jenis", "Berkas", "SHA-256")
STEP_ON_TIME = "Tepat waktu"
STEP_LATE = "⚠ Terlambat"
STEP_OPEN = "Belum selesai"
NONE_TEXT = "-"
MINUTES_TEXT = "{minutes} menit"
HOURS_TEXT = "{hours} jam {minutes} menit"
UNNAMED_FILE = "berkas"  # the file name when the sender's name had nothing usable in it
FOOTER = "Ringkasan ini dibuat otomatis oleh bot SOP dari metadata.json di folder yang sama."

ROLES = ("desain", "materi")  # subfolders: the approved design, and the content material
METADATA = "metadata.json"
FORMAT_VERSION = 1  # of metadata.json; raise it when a field changes meaning
SUMMARY = "ringkasan.html"
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # one safe path component
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')


class ArchiveError(Exception):
    """The archive cannot be written as recorded (a missing file, or a copy that differs)."""


@dataclass(frozen=True)
class ArchivedFile:
    source: Path
    name: str
    sha256: str  # as recorded when the file was received; the copy must match it
    role: str  # "desain" | "materi"


@dataclass(frozen=True)
class ArchiveDecision:
    at: datetime
    name: str
    role: str
    action: str  # as people read it (the caller passes the catalog's label)
    step: str | None
    version: int
    notes: str | None


@dataclass(frozen=True)
class ArchiveStep:
    """Time spent at one SOP step, in working minutes, against its limit.

    A working-day limit is not a fixed number of minutes, so the caller may give the step's
    due time instead: lateness is then ended_at > due_at.
    """

    key: str
    title: str
    started_at: datetime
    ended_at: datetime | None
    working_minutes: int
    limit_minutes: int | None
    limit_text: str | None = None  # "30 menit", "1 hari kerja"
    due_at: datetime | None = None

    @property
    def late(self) -> bool | None:
        """True or False once decidable; None when still open or without a limit."""
        if self.ended_at is None:
            return None
        if self.due_at is not None:
            return self.ended_at > self.due_at
        if self.limit_minutes is not None:
            return self.working_minutes > self.limit_minutes
        return None


@dataclass(frozen=True)
class ArchiveRecord:
    code: str
    title: str
    office: str
    sop_number: str
    published_at: datetime
    sources: list[str]
    decisions: list[ArchiveDecision]
    steps: list[ArchiveStep]
    post_links: list[str]
    files: list[ArchivedFile]
    caption: str | None
    approved_version: int


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
    folder = archive_folder(root, record.code, record.published_at, zone)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{record.code}.new-", dir=folder.parent))
    try:
        relative = _copy_files(record.files, staging)
        (staging / METADATA).write_text(_metadata(record, relative, zone), encoding="utf-8")
        (staging / SUMMARY).write_text(_summary_html(record, relative, zone), encoding="utf-8")
        _flush_to_disk(staging)
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _copy_files(files: list[ArchivedFile], staging: Path) -> list[str]:
    relative: list[str] = []
    for file in files:
        if file.role not in ROLES:
            raise ValueError(f"file role must be one of {ROLES}, got {file.role!r}")
        target = _free_name(staging / file.role, _safe_name(file.name))
        target.parent.mkdir(exist_ok=True)
        try:
            shutil.copyfile(file.source, target)
        except OSError as error:
            raise ArchiveError(f"cannot copy {file.source}: {error}") from error
        actual = _sha256(target)  # hash the copy itself: what the archive will really hold
        if actual != file.sha256.lower():
            raise ArchiveError(
                f"{file.source} changed since it was received: SHA-256 {actual}, "
                f"recorded {file.sha256}"
            )
        relative.append(target.relative_to(staging).as_posix())
    return relative


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return cleaned or UNNAMED_FILE


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3... when two archived files share a name."""
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = folder / name, 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


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
        for f, path in zip(record.files, relative, strict=True)
    ]
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_time(zone)) + "\n"


def _json_time(zone: ZoneInfo) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if isinstance(value, datetime):
            return value.astimezone(zone).isoformat()
        raise TypeError(f"not JSON serializable: {value!r}")

    return convert


# --- ringkasan.html ------------------------------------------------------------------------

_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 2em; color: #111; }
h1 { font-size: 16pt; margin: 0 0 .2em; } h2 { font-size: 12pt; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #999;
 padding: .25em .4em; text-align: left; vertical-align: top; } th { background: #eee; }
.facts th { width: 12em; } .hash { font-family: monospace; font-size: 8pt; word-break: break-all; }
.caption { white-space: pre-wrap; }
footer { margin-top: 2em; font-size: 8pt; color: #555; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; font-size: 9pt; } tr { break-inside: avoid; } }
"""


def _summary_html(record: ArchiveRecord, relative: list[str], zone: ZoneInfo) -> str:
    """One printable page in Indonesian; every value escaped, nothing loaded from outside."""
    e = html.escape
    facts = [
        (LABEL_CODE, record.code),
        (LABEL_TITLE, record.title),
        (LABEL_OFFICE, record.office),
        (LABEL_SOP, record.sop_number),
        (LABEL_PUBLISHED, _when(record.published_at, zone)),
        (LABEL_APPROVED_VERSION, str(record.approved_version)),
    ]
    decisions = [
        (_when(d.at, zone), d.name, d.role, d.action, d.step or NONE_TEXT, str(d.version),
         d.notes or NONE_TEXT)
        for d in record.decisions
    ]  # fmt: skip
    steps = [
        (s.title, _when(s.started_at, zone), _when(s.ended_at, zone),
         _duration(s.working_minutes), s.limit_text or _limit(s.limit_minutes), _status(s))
        for s in record.steps
    ]  # fmt: skip
    files = [
        (f.role, path, f.sha256.lower()) for f, path in zip(record.files, relative, strict=True)
    ]
    parts = [
        f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(record.code)} — {e(record.title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<p>{e(record.office)}</p>\n<h1>{e(HTML_HEADING)}</h1>\n",
        '<table class="facts">\n'
        + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>\n" for k, v in facts)
        + "</table>\n",
        f"<h2>{e(LABEL_SOURCES)}</h2>\n{_list([e(x) for x in record.sources])}",
        f'<h2>{e(LABEL_CAPTION)}</h2>\n<p class="caption">{e(record.caption or NONE_TEXT)}</p>\n',
        f"<h2>{e(LABEL_DECISIONS)}</h2>\n{_table(DECISION_COLUMNS, decisions)}",
        f"<h2>{e(LABEL_STEPS)}</h2>\n{_table(STEP_COLUMNS, steps)}",
        f"<h2>{e(LABEL_LINKS)}</h2>\n{_list([_link(x) for x in record.post_links])}",
        f"<h2>{e(LABEL_FILES)}</h2>\n{_table(FILE_COLUMNS, files, hash_column=2)}",
        f"<footer>{e(FOOTER)}</footer>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]], hash_column: int = -1) -> str:
    """A table of plain-text cells (escaped here); the hash column gets a small monospace."""

    def cell(index: int, value: str) -> str:
        css = ' class="hash"' if index == hash_column else ""
        return f"<td{css}>{html.escape(value)}</td>"

    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(f"<tr>{''.join(cell(*pair) for pair in enumerate(row))}</tr>\n" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>\n"


def _list(items: list[str]) -> str:
    """An HTML list of already-escaped items, or a dash when there are none."""
    if not items:
        return f"<p>{NONE_TEXT}</p>\n"
    return "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>\n"


def _link(url: str) -> str:
    # Only web links become anchors: a "javascript:" link must not be clickable in the archive.
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'
    return html.escape(url)


def _when(instant: datetime | None, zone: ZoneInfo) -> str:
    """Office time as the bot's messages write it: 03-11-2026 10:15 WIB."""
    if instant is None:
        return NONE_TEXT
    local = instant.astimezone(zone)
    return f"{local:%d-%m-%Y %H:%M} {local.tzname()}"


def _duration(minutes: int) -> str:
    if minutes < 60:
        return MINUTES_TEXT.format(minutes=minutes)
    return HOURS_TEXT.format(hours=minutes // 60, minutes=minutes % 60)


def _limit(minutes: int | None) -> str:
    return NONE_TEXT if minutes is None else _duration(minutes)


def _status(step: ArchiveStep) -> str:
    if step.ended_at is None:
        return STEP_OPEN
    return {True: STEP_LATE, False: STEP_ON_TIME, None: NONE_TEXT}[step.late]


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
