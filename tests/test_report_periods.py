"""Report periods as the office names them, and the error that shows the right forms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.domain.periods import (
    PeriodKind,
    PeriodNotUnderstood,
    parse_report_period,
    previous_semester,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "kind", "first", "last", "label"),
    [
        ("2026-S2", PeriodKind.SEMESTER, date(2026, 7, 1), date(2026, 12, 31),
         "Juli–Desember 2026"),
        ("2027-s1", PeriodKind.SEMESTER, date(2027, 1, 1), date(2027, 6, 30), "Januari–Juni 2027"),
        ("2026-11", PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30), "November 2026"),
        ("2024-2", PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29), "Februari 2024"),
        ("2026-Q4", PeriodKind.QUARTER, date(2026, 10, 1), date(2026, 12, 31),
         "Oktober–Desember 2026"),
        ("2026", PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31), "Januari–Desember 2026"),
        ("1/7/2026 - 15/8/2026", PeriodKind.DATES, date(2026, 7, 1), date(2026, 8, 15),
         "1 Jul–15 Agu 2026"),
        ("1 - 15 Juli 2026", PeriodKind.DATES, date(2026, 7, 1), date(2026, 7, 15),
         "1–15 Jul 2026"),
        ("5 Des 2026", PeriodKind.DATES, date(2026, 12, 5), date(2026, 12, 5), "5 Des 2026"),
    ],
)  # fmt: skip
def test_periods_the_office_names(
    text: str, kind: PeriodKind, first: date, last: date, label: str
) -> None:
    period = parse_report_period(text, TODAY)
    named = texts.fmt_period(period)
    assert (period.kind, period.first, period.last, named) == (kind, first, last, label)
    assert (
        parse_report_period(period.spec if kind is not PeriodKind.DATES else text, TODAY) == period
    )


def test_no_period_is_the_current_semester() -> None:
    assert parse_report_period("", TODAY).spec == "2026-S2"
    assert parse_report_period(None, date(2027, 6, 30)).spec == "2027-S1"


def test_the_semester_before_is_what_january_and_july_send() -> None:
    assert previous_semester(date(2027, 1, 4)).spec == "2026-S2"
    assert previous_semester(date(2026, 7, 1)).spec == "2026-S1"


@pytest.mark.parametrize(
    "text", ["2026-S3", "semester dua", "2026-13", "2026-Q5", "15/8/2026 - 1/7/2026", "1850"]
)
def test_an_unknown_form_gets_the_right_ones_near_today(text: str) -> None:
    with pytest.raises(PeriodNotUnderstood) as info:
        parse_report_period(text, TODAY)
    assert info.value.text == text
    assert info.value.examples == ("2026-S2", "2026-11", "2026-Q4", "2026", "1/7/2026 - 23/11/2026")
    for example in info.value.examples:  # each example is itself understood
        parse_report_period(example, TODAY)


def test_a_period_is_whole_office_days() -> None:
    start, end = parse_report_period("2026-11", TODAY).bounds(ZoneInfo("Asia/Pontianak"))
    assert start.astimezone(UTC) == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 1 December 00:00
