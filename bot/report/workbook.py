"""The monitoring report as an XLSX workbook (XlsxWriter), one sheet per part:

1. "Monitoring (Tabel 7)": PermenPANRB 35/2012's form, one row per SOP step, the assessment
   proposed from the figures, the notes, and empty "Tindakan" and "Paraf" for the assessor;
2. "Ringkasan per langkah": the figures as a table, with a native chart (median and p90
   working time per step beside the standard);
3. "Item": every item open in the period, each step's actor, working time and limit;
4. "Pengecualian": late steps, returns, cancellations, items still open at the end;
5. "Kepatuhan": per item, the auditor's checks; who held each role (Plh/Plt included);
6. "Beban kerja": per person and role, decisions and working time;
7. "Evaluasi": the guideline's evaluation questions, Ya/Tidak for the assessor, figures beside.

Rows are streamed (constant-memory mode): a sheet is written top to bottom once, so a long
period costs disk, not memory. Times are in minutes of office working time; moments are
shown in the office's zone.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from bot import texts
from bot.domain.monitoring import Assessment, Report, StepFigures
from bot.report import words
from bot.report.evaluation import evaluation_rows

Cell = str | int | float | datetime | None


class _Book:
    """The workbook and its few formats."""

    def __init__(self, target: str | BinaryIO, report: Report) -> None:
        self.report = report
        self.book = Workbook(
            target, {"constant_memory": True, "remove_timezone": True, "strings_to_urls": False}
        )
        self.title = self.book.add_format({"bold": True, "font_size": 13})
        self.bold = self.book.add_format({"bold": True})
        self.head = self.book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#DDEBF7"}
        )
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self.when = self.book.add_format(
            {"num_format": "dd-mm-yyyy hh:mm", "valign": "top", "border": 1}
        )
        self.good = self.book.add_format(
            {"text_wrap": True, "valign": "top", "border": 1, "bg_color": "#E2EFDA"}
        )
        self.bad = self.book.add_format(
            {"text_wrap": True, "valign": "top", "border": 1, "bg_color": "#FCE4D6"}
        )

    def sheet(self, name: str, widths: Sequence[int]) -> Worksheet:
        sheet = self.book.add_worksheet(name)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        return sheet

    def local(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(self.report.zone)

    def row(
        self, sheet: Worksheet, row: int, cells: Sequence[Cell], fmt: Format | None = None
    ) -> int:
        """Write one row; returns the next row's index."""
        for column, value in enumerate(cells):
            if isinstance(value, datetime):
                sheet.write_datetime(row, column, self.local(value), self.when)
            elif value is None:
                sheet.write_blank(row, column, None, fmt or self.wrap)
            elif isinstance(value, str):
                # never write(): a title or a note typed as "=..." would become a formula
                sheet.write_string(row, column, value, fmt or self.wrap)
            else:
                sheet.write_number(row, column, value, fmt or self.wrap)
        return row + 1


def write_workbook(report: Report, target: str | Path | BinaryIO) -> None:
    """Write the report's workbook to a file (or a binary stream)."""
    book = _Book(str(target) if isinstance(target, Path) else target, report)
    _monitoring(book)
    _steps(book)
    _items(book)
    _exceptions(book)
    _compliance(book)
    _workload(book)
    _evaluation(book)
    book.book.close()


def workbook_bytes(report: Report) -> bytes:
    """The workbook as bytes (for a chat upload)."""
    out = io.BytesIO()
    write_workbook(report, out)
    return out.getvalue()


def _heading(book: _Book, sheet: Worksheet, width: int) -> int:
    """The title block every sheet opens with; returns the next free row."""
    report = book.report
    sheet.merge_range(0, 0, 0, width - 1, "", book.title)  # then the text, never a formula
    sheet.write_string(0, 0, words.title(report), book.title)
    subtitle = texts.REPORT_SUBTITLE.format(sop_name=report.sop.name, office=report.office)
    sheet.write_string(1, 0, subtitle if report.office else report.sop.name)
    made = texts.fmt_moment(report.made_at, report.zone)
    sheet.write_string(2, 0, texts.REPORT_MADE.format(at=made, version=report.sop.version))
    row = 3
    if report.empty:
        sheet.write_string(row, 0, texts.REPORT_EMPTY, book.bold)
        row += 1
    return row + 1


def _monitoring(book: _Book) -> None:
    report = book.report
    sheet = book.sheet(texts.SHEET_MONITORING, (6, 40, 24, 80, 30, 14))
    row = _heading(book, sheet, len(texts.COLS_MONITORING))
    sheet.write_string(row, 0, texts.REPORT_WORKING_TIME_NOTE)
    row += 1
    overview = report.figures.overview
    if overview.unrecorded_runs:
        sheet.write_string(row, 0, texts.REPORT_UNRECORDED.format(count=overview.unrecorded_runs))
        row += 1
    if report.figures.sop_versions:
        versions = ", ".join(report.figures.sop_versions)
        sheet.write_string(row, 0, texts.REPORT_SOP_VERSIONS.format(versions=versions))
        row += 1
    row = book.row(sheet, row + 1, texts.COLS_MONITORING, book.head)
    for step in report.figures.steps:
        fmt = {Assessment.GOOD: book.good, Assessment.NOT_GOOD: book.bad}.get(step.assessment)
        book.row(sheet, row, (step.ref, f"{step.title} ({step.role})"))
        sheet.write_string(row, 2, words.assessment(step), fmt or book.wrap)
        sheet.write_string(row, 3, words.step_note(step, report.threshold), book.wrap)
        sheet.write_blank(row, 4, None, book.wrap)
        sheet.write_blank(row, 5, None, book.wrap)
        row += 1


def _step_cells(step: StepFigures) -> list[Cell]:
    return [
        step.ref,
        step.title,
        step.role,
        words.limits(step) or texts.NOTE_NO_LIMIT,
        step.runs,
        step.within if step.within_pct is not None else None,
        round(step.within_pct, 1) if step.within_pct is not None else None,
        words.minutes(step.median),
        words.minutes(step.p90),
        words.minutes(step.longest),
        words.minutes(step.standard),
        step.returns,
        words.reasons(step),
        step.reminders,
        step.open_at_end,
        words.assessment(step),
    ]


def _steps(book: _Book) -> None:
    steps = book.report.figures.steps
    sheet = book.sheet(texts.SHEET_STEPS, (6, 34, 24, 14, *(11,) * 7, 12, 30, 10, 12, 26))
    row = book.row(sheet, 0, texts.COLS_STEPS, book.head)
    for step in steps:
        row = book.row(sheet, row, _step_cells(step))
    if not steps:
        return
    name, last = texts.SHEET_STEPS, len(steps)
    chart: Any = book.book.add_chart({"type": "column"})
    for column, series in ((7, texts.CHART_MEDIAN), (8, texts.CHART_P90)):
        chart.add_series(
            {
                "name": series,
                "categories": [name, 1, 0, last, 0],
                "values": [name, 1, column, last, column],
            }
        )
    standard: Any = book.book.add_chart({"type": "line"})
    standard.add_series(
        {
            "name": texts.CHART_STANDARD,
            "categories": [name, 1, 0, last, 0],
            "values": [name, 1, 10, last, 10],
            "line": {"none": True},
            "marker": {"type": "dash", "size": 14},
        }
    )
    chart.combine(standard)
    chart.set_title({"name": texts.CHART_TITLE, "name_font": {"size": 11}})
    chart.set_y_axis({"name": texts.CHART_Y})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 360})
    sheet.insert_chart(last + 2, 1, chart)


def _items(book: _Book) -> None:
    report = book.report
    steps = report.figures.steps
    per_step = [c.format(ref=s.ref) for s in steps for c in texts.COLS_ITEM_STEP]
    widths = (16, 36, 30, 18, 16, 16, 16, 12, 16, 8, 8, 8, 8, 30, *(18, 10, 12) * len(steps))
    sheet = book.sheet(texts.SHEET_ITEMS, widths)
    row = book.row(sheet, 0, (*texts.COLS_ITEMS, *per_step), book.head)
    for item in report.figures.items:
        cells: list[Cell] = [
            item.code,
            item.title,
            item.source,
            item.created_by,
            item.created_at,
            item.closed_at,
            words.status(item.status_at_end),
            _step_name(report, item.step_at_end, item.sop_key),
            words.status(item.status_now),
            item.versions,
            item.approved_version,
            item.returns,
            item.reminders,
            "\n".join(item.links),
        ]
        for step in steps:
            cell = item.steps.get(step.key) if _same(step, item.sop_key) else None
            if cell is None:
                cells += [None, None, None]
                continue
            actors = ", ".join(cell.actors) + (texts.ITEM_STEP_LATE if cell.late else "")
            limit = texts.fmt_limit(cell.limit) if cell.limit else None
            cells += [actors, words.minutes(cell.working), limit]
        row = book.row(sheet, row, cells)


def _step_name(report: Report, key: str | None, sop_key: str = "") -> str | None:
    """A step by its number and title, among its own SOP's steps."""
    if key is None:
        return None
    step = next((s for s in report.figures.steps if s.key == key and _same(s, sop_key)), None)
    return f"{step.ref}. {step.title}" if step else key


def _same(step: StepFigures, sop_key: str) -> bool:
    """The step is of that SOP (rows made before SOPs had keys match any)."""
    return not sop_key or not step.sop_key or step.sop_key == sop_key


def _section(
    book: _Book,
    sheet: Worksheet,
    row: int,
    title: str,
    head: Sequence[str],
    rows: Sequence[Sequence[Cell]],
) -> int:
    sheet.write_string(row, 0, title, book.title)
    row = book.row(sheet, row + 1, head, book.head)
    if not rows:
        sheet.write_string(row, 0, texts.EXC_NONE)
        return row + 2
    for cells in rows:
        row = book.row(sheet, row, cells)
    return row + 1


def _exceptions(book: _Book) -> None:
    report, figures = book.report, book.report.figures
    sheet = book.sheet(texts.SHEET_EXCEPTIONS, (16, 34, 30, 26, 18, 18, 40, 14, 14))
    late = [
        [
            x.code,
            x.title,
            _step_name(report, x.step_key, x.sop_key),
            f"{x.actor} ({x.capacity})" if x.capacity else x.actor,
            x.due_at,
            x.ended_at,
            words.minutes(x.late),
            texts.fmt_limit(x.limit),
            texts.YES if x.recorded else texts.NO,
        ]
        for x in figures.late
    ]
    row = _section(book, sheet, 0, texts.EXC_LATE, texts.COLS_LATE, late)
    returns = [
        [
            n.code,
            n.title,
            _step_name(report, n.step_key, n.sop_key),
            n.at,
            f"{n.actor} ({n.capacity})" if n.capacity else n.actor,
            n.version,
            n.notes,
        ]
        for n in figures.returns
    ]
    row = _section(book, sheet, row, texts.EXC_RETURNS, texts.COLS_RETURNS, returns)
    cancelled: list[list[Cell]] = [
        [
            n.code,
            n.title,
            _step_name(report, n.step_key, n.sop_key) or words.status("draft"),
            n.at,
            f"{n.actor} ({n.capacity})" if n.capacity else n.actor,
            n.notes,
        ]
        for n in figures.cancellations
    ]
    row = _section(book, sheet, row, texts.EXC_CANCELLED, texts.COLS_CANCELLED, cancelled)
    still = [
        [
            o.code,
            o.title,
            words.status(o.status),
            _step_name(report, o.step_key, o.sop_key),
            o.since,
            o.due_at,
            words.minutes(o.late),
        ]
        for o in figures.open_at_end
    ]
    _section(book, sheet, row, texts.EXC_OPEN, texts.COLS_OPEN, still)


def _compliance(book: _Book) -> None:
    report = book.report
    confirm = next((s.ref for s in report.sop.steps if s.confirm_sources), "-")
    head = [c.format(ref=confirm) for c in texts.COLS_COMPLIANCE]
    sheet = book.sheet(texts.SHEET_COMPLIANCE, (16, 36, 18, 18, 18, 18, 50))
    row = book.row(sheet, 0, head, book.head)
    for c in report.figures.compliance:
        checks = (
            c.approver_not_maker,
            c.sources_confirmed,
            c.posted_as_approved,
            c.decided_by_holders,
        )
        facts = "; ".join(f for check in checks for f in check.facts)
        row = book.row(sheet, row, [c.code, c.title, *map(words.verdict, checks), facts or None])
    row += 1
    sheet.write_string(row, 0, texts.COMPLIANCE_HOLDERS, book.title)
    row = book.row(sheet, row + 1, texts.COLS_HOLDERS, book.head)
    if not report.roster_known:
        sheet.write_string(row, 0, texts.HOLDERS_UNKNOWN)
        return
    for h in report.holdings:
        role = words.role(report, h.role)
        when = [texts.fmt_date(h.first), texts.fmt_date(h.last) if h.last else None]
        row = book.row(sheet, row, [role, h.name, words.capacity(h), *when, h.basis])


def _workload(book: _Book) -> None:
    report = book.report
    sheet = book.sheet(texts.SHEET_WORKLOAD, (26, 30, 28, 10, 12, 14, 10))
    row = book.row(sheet, 0, texts.COLS_WORKLOAD, book.head)
    for w in report.figures.workload:
        row = book.row(
            sheet,
            row,
            [
                w.name,
                words.role(report, w.role),
                w.capacity,
                w.decisions,
                w.runs,
                words.minutes(w.working),
                w.late_runs,
            ],
        )


def _evaluation(book: _Book) -> None:
    sheet = book.sheet(texts.SHEET_EVALUATION, (6, 60, 10, 80, 30))
    row = _heading(book, sheet, len(texts.COLS_EVALUATION))
    sheet.write_string(row, 0, texts.EVALUATION_INTRO)
    row = book.row(sheet, row + 2, texts.COLS_EVALUATION, book.head)
    first = row
    for number, (question, figures) in enumerate(evaluation_rows(book.report), 1):
        row = book.row(sheet, row, [number, question, None, figures, None])
    sheet.data_validation(
        first, 2, row - 1, 2, {"validate": "list", "source": [texts.YES, texts.NO]}
    )
