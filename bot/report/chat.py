"""The report as the chat sends it (/laporan, and the reports sent on schedule): the chart with
a three-line summary as its caption, the workbook and the CSV of events, each a named file
with its caption. Drawn from a `Report`'s values; no Telegram here (bot/delivery/
report_delivery.py sends them, and keeps them within Telegram's upload limits)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from html import escape

from bot import texts
from bot.domain.monitoring import Assessment, Report
from bot.domain.periods import Period, PeriodKind
from bot.report import words
from bot.report.chart import chart_png
from bot.report.eventlog import events_csv

SHEETS = (
    texts.SHEET_MONITORING,
    texts.SHEET_STEPS,
    texts.SHEET_ITEMS,
    texts.SHEET_EXCEPTIONS,
    texts.SHEET_COMPLIANCE,
    texts.SHEET_WORKLOAD,
    texts.SHEET_EVALUATION,
)


@dataclass(frozen=True, slots=True)
class ChatFile:
    name: str
    content: bytes
    caption: str  # HTML


@dataclass(frozen=True, slots=True)
class ChatReport:
    summary: str  # three lines, HTML: the chart's caption
    chart: bytes | None  # PNG; None for a period without items (the summary says so)
    workbook: ChatFile
    events: ChatFile | None  # None: no event in the period
    event_count: int

    def events_zipped(self) -> ChatReport:
        """The same, its CSV inside a ZIP (a CSV shrinks to about a tenth)."""
        if self.events is None:
            return self
        caption = texts.REPORT_EVENTS_ZIPPED.format(count=self.event_count)
        return replace(self, events=zipped(self.events, caption))


def chat_report(report: Report) -> ChatReport:
    """Every file of the report (CPU work, seconds for a large period: off the event loop)."""
    # XlsxWriter only once a report is made (see bot/report/__init__.py)
    from bot.report.workbook import workbook_bytes

    stem = file_spec(report.period)
    workbook = ChatFile(
        texts.REPORT_FILE_STEM.format(spec=stem) + ".xlsx",
        workbook_bytes(report),
        texts.REPORT_WORKBOOK_CAPTION.format(sheets=", ".join(SHEETS)),
    )
    count = len(report.figures.events)
    events = None
    if count:
        events = ChatFile(
            texts.REPORT_EVENTS_STEM.format(spec=stem) + ".csv",
            events_csv(report),
            texts.REPORT_EVENTS_CAPTION.format(count=count),
        )
    chart = None if report.empty else chart_png(report)
    return ChatReport(summary(report), chart, workbook, events, count)


def summary(report: Report) -> str:
    """Three lines: the title; the items; the steps within the standard and those below the
    threshold (or that there was nothing to assess)."""
    title = f"<b>{escape(words.title(report))}</b>"
    if report.empty:
        return "\n".join((title, texts.REPORT_SUMMARY_EMPTY, texts.REPORT_SUMMARY_EMPTY_STEPS))
    o = report.figures.overview
    items = texts.REPORT_SUMMARY_ITEMS.format(
        items=o.items, published=o.published, cancelled=o.cancelled, open=o.open_at_end
    )
    if not o.measured:
        return "\n".join((title, items, texts.REPORT_SUMMARY_NO_RUNS))
    threshold = words.percent(report.threshold)
    below = [
        texts.REPORT_SUMMARY_STEP.format(
            ref=escape(words.ref(report, s)), pct=words.percent(s.within_pct)
        )
        for s in report.figures.steps
        if s.assessment is Assessment.NOT_GOOD
    ]
    verdict = (
        texts.REPORT_SUMMARY_BELOW.format(threshold=threshold, steps=", ".join(below))
        if below
        else texts.REPORT_SUMMARY_ALL_GOOD.format(threshold=threshold)
    )
    steps = texts.REPORT_SUMMARY_STEPS.format(
        within=o.within, measured=o.measured, pct=words.percent(o.within_pct), verdict=verdict
    )
    return "\n".join((title, items, steps))


def file_spec(period: Period) -> str:
    """The period in a file name: "2026-S2", "2026-11", or "2026-07-01_2026-08-15"."""
    if period.kind is PeriodKind.DATES:
        return f"{period.first.isoformat()}_{period.last.isoformat()}"
    return period.spec


def command_period(period: Period) -> str:
    """The period as `python -m bot laporan --period` takes it back."""
    if period.kind is PeriodKind.DATES:
        first, last = period.first, period.last
        return f'"{first.day}/{first.month}/{first.year} - {last.day}/{last.month}/{last.year}"'
    return period.spec


def zipped(file: ChatFile, caption: str) -> ChatFile:
    """The file inside a ZIP of its own."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(file.name, file.content)
    return ChatFile(file.name + ".zip", out.getvalue(), caption)
