"""Every event of the period as CSV, for auditors who use their own tools: one row per event,
times in the office's zone (ISO 8601 with the offset), UTF-8 with a byte-order mark so a
spreadsheet opens Indonesian text right."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TextIO

from bot import texts
from bot.domain.monitoring import Report

ENCODING = "utf-8-sig"


def write_events(report: Report, out: TextIO) -> int:
    """Write the CSV to a text stream; returns the number of events."""
    writer = csv.writer(out, lineterminator="\r\n")
    # each event's SOP, when the report covers several (the same step key is another step)
    sops = {row.code: row.sop_key for row in report.figures.items} if report.several else None
    writer.writerow((*texts.CSV_HEADER, texts.CSV_SOP) if sops is not None else texts.CSV_HEADER)
    for event in report.figures.events:
        sop = (sops.get(event.code, ""),) if sops is not None else ()
        writer.writerow(
            (
                event.code,
                event.at.astimezone(report.zone).isoformat(timespec="seconds"),
                event.action,
                event.step_key or "",
                event.version,
                event.actor_id,
                event.actor_name,
                event.role,
                event.capacity or "",
                event.basis or "",
                event.notes or "",
                "" if event.sources_checked is None else int(event.sources_checked),
                " ".join(event.file_hashes or ()),
                *sop,
            )
        )
    return len(report.figures.events)


def events_csv(report: Report) -> bytes:
    """The CSV as bytes (for a chat upload)."""
    out = io.StringIO()
    write_events(report, out)
    return out.getvalue().encode(ENCODING)


def write_events_csv(report: Report, path: Path) -> int:
    """Write the CSV to a file; returns the number of events."""
    with path.open("w", encoding=ENCODING, newline="") as out:
        return write_events(report, out)
