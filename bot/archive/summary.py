"""ringkasan.html: the one-page summary of an archived item that an auditor can print."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.archive.record import ArchiveRecord, ArchiveStep

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
FOOTER = "Ringkasan ini dibuat otomatis oleh bot SOP dari metadata.json di folder yang sama."

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


def summary_html(record: ArchiveRecord, relative: list[str], zone: ZoneInfo) -> str:
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
        (_when(d.at, zone), d.name, d.acted_as, d.action, d.step or NONE_TEXT, str(d.version),
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


def _table(columns: tuple[str, ...], rows: Sequence[tuple[str, ...]], hash_column: int = -1) -> str:
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
