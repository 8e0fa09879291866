"""The report as the chat sends it, from a report's values alone: an empty period, file names
and the command that makes a file too big for Telegram on the server. (The chart of a real
half-year is checked end to end, tests/test_e2e_laporan.py.)"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from PIL import Image

from bot import texts
from bot.domain.figures import Monitoring
from bot.domain.monitoring import Report
from bot.domain.periods import Period, PeriodKind, month, semester
from bot.domain.sop import load_default_sop
from bot.domain.worktime import WorkCalendar
from bot.report.chart import chart_png
from bot.report.chat import ChatFile, chat_report, command_period, file_spec, zipped
from tests.office import OFFICE

SOP = load_default_sop()
CALENDAR = WorkCalendar(timezone=OFFICE.key)


def empty_report(period: Period) -> Report:
    start, end = period.bounds(OFFICE)
    figures = Monitoring(SOP, CALENDAR, start, end).figures()
    made = datetime(2027, 1, 4, 9, 0, tzinfo=OFFICE)
    return Report(SOP, "KPU Kabupaten Pulang Pisau", period, made, OFFICE, 80.0, figures, (), False)


def test_an_empty_period_is_said_so_with_the_workbook_and_without_a_csv() -> None:
    files = chat_report(empty_report(semester(2026, 1)))
    assert files.summary.splitlines() == [
        "<b>Laporan Monitoring Pelaksanaan SOP No. 3 Tahun 2022, Periode Januari–Juni 2026</b>",
        texts.REPORT_SUMMARY_EMPTY,
        texts.REPORT_SUMMARY_EMPTY_STEPS,
    ]
    assert files.chart is None and files.events is None and files.event_count == 0
    assert files.workbook.name == "laporan-monitoring-sop-2026-S1.xlsx"
    assert files.workbook.content.startswith(b"PK")  # an XLSX is a ZIP
    # the picture, were it drawn, says so too: a small PNG, not a chart of nothing
    with Image.open(io.BytesIO(chart_png(empty_report(month(2026, 2))))) as image:
        assert image.format == "PNG" and image.width == 1080 and image.height < 700


def test_file_names_and_the_servers_command_name_the_period() -> None:
    dates = Period(PeriodKind.DATES, date(2026, 7, 1), date(2026, 8, 15))
    assert file_spec(dates) == "2026-07-01_2026-08-15"
    assert command_period(dates) == '"1/7/2026 - 15/8/2026"'
    assert (file_spec(month(2026, 11)), command_period(month(2026, 11))) == ("2026-11", "2026-11")


def test_a_zipped_file_holds_the_file_under_its_own_name() -> None:
    csv = ChatFile("laporan-peristiwa-2026.csv", b"kode,waktu\r\n" * 5000, "caption")
    packed = zipped(csv, "zipped")
    assert packed.name == "laporan-peristiwa-2026.csv.zip" and packed.caption == "zipped"
    assert len(packed.content) < len(csv.content) // 10
    with zipfile.ZipFile(io.BytesIO(packed.content)) as archive:
        assert archive.read(csv.name) == csv.content
