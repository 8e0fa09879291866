"""ringkasan.html: the one-page summary of an archived item that an auditor can print."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.archive.record import (
    ArchiveCorrection,
    ArchiveLink,
    ArchiveRecord,
    ArchiveStep,
    ArchiveTakedown,
)

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
    e, none = html.escape, texts.SUMMARY_NONE
    facts = [
        (texts.SUMMARY_CODE, record.code),
        (texts.SUMMARY_TITLE, record.title),
        (texts.SUMMARY_OFFICE, record.office),
        (texts.SUMMARY_SOP, _sop(record)),
        (texts.SUMMARY_PUBLISHED, _when(record.published_at, zone)),
        (texts.SUMMARY_APPROVED_VERSION, str(record.approved_version)),
    ]
    decisions = [
        (_when(d.at, zone), d.name, d.acted_as, d.action, d.step or none, str(d.version),
         d.notes or none)
        for d in record.decisions
    ]  # fmt: skip
    steps = [
        (s.title, _when(s.started_at, zone), _when(s.ended_at, zone),
         texts.fmt_duration(s.working_minutes), s.limit_text or _limit(s.limit_minutes), _status(s))
        for s in record.steps
    ]  # fmt: skip
    files = [
        (texts.SUMMARY_FILE_ROLES.get(f.role, f.role), path, f.sha256.lower())
        for f, path in zip(record.files, relative, strict=True)
    ]
    parts = [
        f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(record.code)} — {e(record.title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<p>{e(record.office)}</p>\n<h1>{e(texts.SUMMARY_HEADING)}</h1>\n",
        '<table class="facts">\n'
        + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>\n" for k, v in facts)
        + "</table>\n",
        f"<h2>{e(texts.SUMMARY_SOURCES)}</h2>\n{_list([e(x) for x in record.sources])}",
        f"<h2>{e(texts.SUMMARY_CAPTION)}</h2>\n"
        f'<p class="caption">{e(record.caption or none)}</p>\n',
        f"<h2>{e(texts.SUMMARY_DECISIONS)}</h2>\n"
        f"{_table(texts.SUMMARY_DECISION_COLUMNS, decisions)}",
        f"<h2>{e(texts.SUMMARY_STEPS)}</h2>\n{_table(texts.SUMMARY_STEP_COLUMNS, steps)}",
        f"<h2>{e(texts.SUMMARY_LINKS)}</h2>\n{_list([_link(x) for x in record.post_links])}",
        _publications(record, zone),
        f"<h2>{e(texts.SUMMARY_FILES)}</h2>\n"
        f"{_table(texts.SUMMARY_FILE_COLUMNS, files, hash_column=2)}",
        _takedown(record.takedown, zone) if record.takedown else "",
        f"<footer>{e(texts.SUMMARY_FOOTER)}</footer>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _publications(record: ArchiveRecord, zone: ZoneInfo) -> str:
    """Every published version with its links (the replaced ones marked), its approvals and
    the correction that reopened the item for it; nothing for an item published once."""
    if not record.versioned:
        return ""
    rows = [
        (
            str(p.version),
            _when(p.published_at, zone),
            "; ".join(_link_state(link, zone) for link in p.links) or texts.SUMMARY_NONE,
            "; ".join(f"{a.name} ({a.acted_as}, {_when(a.at, zone)})" for a in p.approvals)
            or texts.SUMMARY_NONE,
            _correction(p.correction, zone),
        )
        for p in record.publications
    ]
    heading = html.escape(texts.SUMMARY_PUBLICATIONS)
    return f"<h2>{heading}</h2>\n{_table(texts.SUMMARY_PUBLICATION_COLUMNS, rows)}"


def _link_state(link: ArchiveLink, zone: ZoneInfo) -> str:
    if link.state == "replaced":
        at = _when(link.replaced_at, zone)
        by = link.replaced_by_version or "-"
        return f"{link.url} ({texts.SUMMARY_LINK_REPLACED.format(at=at, by=by)})"
    if link.state == "taken_down":
        return f"{link.url} ({texts.SUMMARY_LINK_TAKEN_DOWN})"
    return link.url


def _correction(correction: ArchiveCorrection | None, zone: ZoneInfo) -> str:
    if correction is None:
        return texts.SUMMARY_NONE
    who = f"{correction.name} ({correction.role})"
    return texts.SUMMARY_CORRECTION.format(
        reason=correction.reason, name=who, at=_when(correction.at, zone)
    )


def _takedown(takedown: ArchiveTakedown, zone: ZoneInfo) -> str:
    """The takedown that removed the post: who asked, why, each decision and step's time,
    each link removed and when."""
    e, none = html.escape, texts.SUMMARY_NONE
    facts = [
        (texts.SUMMARY_TAKEDOWN_CODE, takedown.code),
        (texts.SUMMARY_SOP, takedown.sop_number),
        (texts.SUMMARY_TAKEDOWN_STATUS, takedown.status),
        (texts.SUMMARY_TAKEDOWN_REASON, takedown.reason),
        (texts.SUMMARY_TAKEDOWN_EXPLANATION, takedown.explanation),
        (texts.SUMMARY_TAKEDOWN_ASKED, f"{takedown.asked_by}, {_when(takedown.asked_at, zone)}"),
        (texts.SUMMARY_TAKEDOWN_AT, _when(takedown.taken_down_at, zone)),
    ]
    decisions = [
        (_when(d.at, zone), d.name, d.acted_as, d.action, d.step or none, d.notes or none)
        for d in takedown.decisions
    ]
    steps = [
        (s.title, _when(s.started_at, zone), _when(s.ended_at, zone),
         texts.fmt_duration(s.working_minutes), s.limit_text or _limit(s.limit_minutes), _status(s))
        for s in takedown.steps
    ]  # fmt: skip
    links = [
        (link.url, _when(link.removed_at, zone), link.removed_by or none,
         texts.SUMMARY_REMOVED_HOW.get(link.how or "", none))
        for link in takedown.links
    ]  # fmt: skip
    return (
        f"<h2>{e(texts.ARCHIVE_TAKEDOWN_HEADING)}</h2>\n"
        + '<table class="facts">\n'
        + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>\n" for k, v in facts)
        + "</table>\n"
        + f"<h2>{e(texts.SUMMARY_TAKEDOWN_DECISIONS)}</h2>\n"
        + _table(texts.SUMMARY_TAKEDOWN_DECISION_COLUMNS, decisions)
        + f"<h2>{e(texts.SUMMARY_TAKEDOWN_STEPS)}</h2>\n"
        + _table(texts.SUMMARY_STEP_COLUMNS, steps)
        + f"<h2>{e(texts.SUMMARY_TAKEDOWN_LINKS)}</h2>\n"
        + _table(texts.SUMMARY_REMOVED_COLUMNS, links)
    )


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
        return f"<p>{texts.SUMMARY_NONE}</p>\n"
    return "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>\n"


def _link(url: str) -> str:
    # Only web links become anchors: a "javascript:" link must not be clickable in the archive.
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'
    return html.escape(url)


def _when(instant: datetime | None, zone: ZoneInfo) -> str:
    """Office time as the bot's lists write it: 3 Nov 2026 10.15 WIB."""
    return texts.fmt_moment_short(instant, zone)


def _limit(minutes: int | None) -> str:
    return texts.SUMMARY_NONE if minutes is None else texts.fmt_duration(minutes)


def _status(step: ArchiveStep) -> str:
    if step.ended_at is None:
        return texts.SUMMARY_OPEN
    return {True: texts.SUMMARY_LATE, False: texts.SUMMARY_ON_TIME, None: texts.SUMMARY_NONE}[
        step.late
    ]


def _sop(record: ArchiveRecord) -> str:
    """The SOP the item followed: its name and number, or the number alone (older records)."""
    return f"{record.sop_name} ({record.sop_number})" if record.sop_name else record.sop_number
