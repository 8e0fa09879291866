"""Working-time rules for SOP deadlines, on real 2026-2027 dates (Pulang Pisau, Asia/Pontianak,
UTC+7), with the default 37.5-hour KPU week: Monday-Thursday 07:30-12:00 and 13:00-16:00,
Friday 07:30-11:30 and 13:00-16:30.

Calendar notes used below (2026): Thu 1 Jan New Year; Fri 16 Jan Isra Mikraj; Mon 16 Feb cuti
bersama and Tue 17 Feb Imlek; Ramadan 1447 H on the Umm al-Qura calendar Wed 18 Feb - Thu 19 Mar;
in March the `holidays` package lists Wed 18 cuti bersama Nyepi, Thu 19 Nyepi, Fri 20 cuti bersama
Idul Fitri, Sat 21 + Sun 22 Idul Fitri, Mon 23 + Tue 24 cuti bersama Idul Fitri; Wed 25 March is
worked. 2027: Fri 1 Jan New Year; Fri 5 Feb cuti bersama Imlek; Ramadan 1448 H Mon 8 Feb - Mon
8 Mar (Umm al-Qura).
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.check import check_office_time
from bot.config import TOKEN_ENV, Config, ConfigError, load_config, parse_config
from bot.domain.limits import Limit, LimitUnit
from bot.domain.office_hours import (
    HoursPeriod,
    Ramadan,
    day_hours,
    every_day,
    ramadan_months,
    weekly_total,
)
from bot.domain.worktime import DEFAULT_HOURS, OfficeHours, WorkCalendar, indonesian_holidays

PONTIANAK = ZoneInfo("Asia/Pontianak")
MAKASSAR = ZoneInfo("Asia/Makassar")


def wib(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A 2026 instant on the Pulang Pisau office clock."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=PONTIANAK)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def minutes(n: int) -> Limit:
    return Limit(n, LimitUnit.MINUTES)


def hours(n: int) -> Limit:
    return Limit(n, LimitUnit.HOURS)


def working_days(n: int) -> Limit:
    return Limit(n, LimitUnit.WORKING_DAYS)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.default()


def assert_utc(actual: datetime, expected: datetime) -> None:
    assert actual == expected
    assert actual.tzinfo is UTC


# --- the holiday data the rules rely on --------------------------------------------------------


def test_package_lists_nyepi_idul_fitri_and_cuti_bersama_for_march_2026(cal: WorkCalendar) -> None:
    march = {day: cal.holiday_name(date(2026, 3, day)) for day in range(16, 27)}
    assert march == {
        16: None,
        17: None,
        18: "Cuti Bersama Hari Suci Nyepi",
        19: "Hari Suci Nyepi",
        20: "Cuti Bersama Hari Raya Idul Fitri",
        21: "Hari Raya Idul Fitri",
        22: "Hari kedua dari Hari Raya Idul Fitri",
        23: "Cuti Bersama Hari Raya Idul Fitri",
        24: "Cuti Bersama Hari Raya Idul Fitri",
        25: None,
        26: None,
    }


def test_nyepi_and_its_cuti_bersama_are_not_working_days(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2026, 3, 17))
    assert not cal.is_working_day(date(2026, 3, 18))
    assert not cal.is_working_day(date(2026, 3, 19))
    assert cal.opening_of(date(2026, 3, 19)) is None


def test_next_working_day_skips_the_whole_idul_fitri_break(cal: WorkCalendar) -> None:
    assert cal.next_working_day(date(2026, 3, 17)) == date(2026, 3, 25)


# --- minutes and hours -------------------------------------------------------------------------


def test_30_minutes_from_1445_before_idul_fitri_is_due_on_first_day_after(
    cal: WorkCalendar,
) -> None:
    # Tue 17 Mar is in Ramadan (closing 15:00): 15 minutes before closing, the other 15 on
    # Wed 25 Mar, after Ramadan, from 07:30.
    assert_utc(cal.due_at(wib(3, 17, 14, 45), minutes(30)), utc(3, 25, 0, 45))


def test_friday_afternoon_limit_fits_before_the_later_friday_closing(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 9, 15, 50), minutes(15)), utc(1, 9, 9, 5))  # Fri 16:05


def test_thursday_1550_plus_15_minutes_is_due_friday_0735(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 8, 15, 50), minutes(15)), utc(1, 9, 0, 35))


def test_limit_that_ends_exactly_at_closing_is_due_at_closing(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 12, 15, 45), minutes(15)), utc(1, 12, 9, 0))  # Mon 16:00


def test_start_before_opening_counts_from_0730(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 12, 6, 0), minutes(30)), utc(1, 12, 1, 0))  # Mon 08:00


def test_start_on_sunday_counts_from_monday_opening(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 11, 10, 0), minutes(10)), utc(1, 12, 0, 40))  # Mon 07:40


def test_start_given_in_utc_is_read_on_the_office_clock(cal: WorkCalendar) -> None:
    # 08:50 UTC Thursday = 15:50 in Pulang Pisau.
    assert_utc(cal.due_at(utc(1, 8, 8, 50), minutes(15)), utc(1, 9, 0, 35))


def test_limit_spanning_a_long_weekend_skips_the_friday_holiday(cal: WorkCalendar) -> None:
    # Thu 15 Jan 15:30: 30 min that day; Fri 16 Jan is Isra Mikraj; 90 min on Mon 19 Jan.
    assert_utc(cal.due_at(wib(1, 15, 15, 30), hours(2)), utc(1, 19, 2, 0))  # Mon 09:00


def test_hours_limit_carries_over_to_the_next_morning(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 12, 14, 0), hours(3)), utc(1, 13, 1, 30))  # Tue 08:30


def test_hours_limit_longer_than_a_day_spans_several_days(cal: WorkCalendar) -> None:
    # Mon 7.5 h + Tue 7.5 h + 5 h on Wednesday: 07:30-12:00, then 13:00-13:30.
    assert_utc(cal.due_at(wib(1, 12, 7, 30), hours(20)), utc(1, 14, 6, 30))  # Wed 13:30


def test_huge_minute_limit_is_computed_by_day_segments(cal: WorkCalendar) -> None:
    # 1000 working hours (about 118 working days): checks consistency, and that it finishes fast.
    start = wib(1, 5, 7, 30)
    due = cal.due_at(start, minutes(60_000))
    assert cal.working_time_between(start, due) == timedelta(minutes=60_000)


@pytest.mark.parametrize(
    "start",
    [wib(1, 8, 15, 50), wib(1, 9, 16, 29), wib(3, 17, 9, 0), wib(3, 13, 12, 0), wib(12, 23, 15, 0)],
)
def test_working_time_until_the_deadline_equals_the_limit(
    cal: WorkCalendar, start: datetime
) -> None:
    for limit in (minutes(10), minutes(15), minutes(30), hours(9)):
        due = cal.due_at(start, limit)
        assert cal.working_time_between(start, due) == timedelta(
            minutes=limit.amount * (60 if limit.unit is LimitUnit.HOURS else 1)
        )


def test_office_in_makassar_is_due_an_hour_earlier_in_utc() -> None:
    makassar = WorkCalendar(timezone="Asia/Makassar")
    start = datetime(2026, 1, 8, 15, 50, tzinfo=MAKASSAR)
    due = makassar.due_at(start, minutes(15))
    assert_utc(due, utc(1, 8, 23, 35))  # Fri 07:35 WITA
    pontianak_due = WorkCalendar(timezone=PONTIANAK).due_at(wib(1, 8, 15, 50), minutes(15))
    assert pontianak_due - due == timedelta(hours=1)


def test_extra_closed_date_from_config_is_skipped() -> None:
    cal = WorkCalendar(closed_dates=[date(2026, 1, 12)])
    assert cal.holiday_name(date(2026, 1, 12)) == "Libur kantor"
    assert not cal.is_working_day(date(2026, 1, 12))
    # Fri 16:25: 5 minutes on Friday, then Monday is closed, 10 minutes on Tuesday.
    assert_utc(cal.due_at(wib(1, 9, 16, 25), minutes(15)), utc(1, 13, 0, 40))


def test_extra_working_saturday_uses_monday_hours() -> None:
    cal = WorkCalendar(extra_working_dates=[date(2026, 1, 10)])
    assert cal.is_working_day(date(2026, 1, 10))
    assert_utc(cal.opening_of(date(2026, 1, 10)), utc(1, 10, 0, 30))  # Sat 07:30
    assert_utc(cal.due_at(wib(1, 9, 16, 25), minutes(15)), utc(1, 10, 0, 40))  # Sat 07:40
    assert cal.is_open(wib(1, 10, 15, 59))
    assert not cal.is_open(wib(1, 10, 16, 0))


def test_extra_working_date_on_a_holiday_is_worked() -> None:
    cal = WorkCalendar(extra_working_dates=[date(2026, 3, 24)])
    assert cal.next_working_day(date(2026, 3, 17)) == date(2026, 3, 24)


def test_without_public_holidays_only_weekends_are_off() -> None:
    cal = WorkCalendar(use_public_holidays=False)
    assert cal.is_working_day(date(2026, 3, 19))
    assert cal.holiday_name(date(2026, 3, 19)) is None


# --- working days ------------------------------------------------------------------------------


def test_one_working_day_from_friday_1550_is_monday_1550(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 9, 15, 50), working_days(1)), utc(1, 12, 8, 50))


def test_one_working_day_across_a_holiday_skips_to_the_next_working_day(
    cal: WorkCalendar,
) -> None:
    # Thu 15 Jan 10:00 -> Fri 16 Jan is Isra Mikraj -> Mon 19 Jan 10:00.
    assert_utc(cal.due_at(wib(1, 15, 10, 0), working_days(1)), utc(1, 19, 3, 0))


def test_one_working_day_across_idul_fitri(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(3, 17, 10, 0), working_days(1)), utc(3, 25, 3, 0))


def test_working_day_from_saturday_counts_from_monday_opening(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 10, 10, 0), working_days(1)), utc(1, 13, 0, 30))  # Tue 07:30


def test_working_day_from_friday_1620_is_clamped_to_monday_closing(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(wib(1, 9, 16, 20), working_days(1)), utc(1, 12, 9, 0))  # Mon 16:00


def test_several_working_days_keep_the_start_clock_time(cal: WorkCalendar) -> None:
    # Fri 9 Jan 16:20 + 5 working days: Mon 12 .. Thu 15, Fri 16 is Isra Mikraj, so Mon 19 Jan,
    # clamped to its 16:00 closing (the clamp does not drift to earlier days).
    assert_utc(cal.due_at(wib(1, 9, 16, 20), working_days(5)), utc(1, 19, 9, 0))
    # Mon 5 Jan 16:20 is after closing: counts from Tue 6 Jan 07:30; + 3 -> Fri 9 Jan 07:30.
    assert_utc(cal.due_at(wib(1, 5, 16, 20), working_days(3)), utc(1, 9, 0, 30))


def test_working_day_target_opening_later_is_clamped_to_its_opening() -> None:
    late_friday = OfficeHours(time(9, 0), time(16, 30))
    early = OfficeHours(time(7, 30), time(16, 0))
    cal = WorkCalendar(hours={0: early, 1: early, 2: early, 3: early, 4: late_friday})
    assert_utc(cal.due_at(wib(1, 8, 8, 0), working_days(1)), utc(1, 9, 2, 0))  # Fri 09:00


# --- working time between two instants ---------------------------------------------------------


def test_working_time_across_a_night(cal: WorkCalendar) -> None:
    # Thu 15:00 -> Fri 08:00: 60 minutes Thursday + 30 minutes Friday.
    assert cal.working_time_between(wib(1, 8, 15, 0), wib(1, 9, 8, 0)) == timedelta(minutes=90)


def test_working_time_across_a_weekend(cal: WorkCalendar) -> None:
    # Fri 16:00 -> Mon 08:00: 30 minutes Friday + 30 minutes Monday.
    assert cal.working_time_between(wib(1, 9, 16, 0), wib(1, 12, 8, 0)) == timedelta(minutes=60)


def test_working_time_across_the_idul_fitri_break(cal: WorkCalendar) -> None:
    # Tue 17 Mar 14:00-15:00 (Ramadan closes at 15:00) + Wed 25 Mar 07:30-08:00.
    got = cal.working_time_between(wib(3, 17, 14, 0), wib(3, 25, 8, 0))
    assert got == timedelta(minutes=90)


def test_working_time_is_zero_when_the_end_is_not_after_the_start(cal: WorkCalendar) -> None:
    assert cal.working_time_between(wib(1, 9, 10, 0), wib(1, 9, 9, 0)) == timedelta(0)
    assert cal.working_time_between(wib(1, 9, 10, 0), wib(1, 9, 10, 0)) == timedelta(0)


# --- open or closed ----------------------------------------------------------------------------


def test_opening_instant_is_open_and_closing_instant_is_closed(cal: WorkCalendar) -> None:
    assert not cal.is_open(wib(1, 12, 7, 29, 59))
    assert cal.is_open(wib(1, 12, 7, 30))
    assert cal.is_open(utc(1, 12, 0, 30))  # the same instant in UTC
    assert cal.is_open(wib(1, 12, 15, 59, 59))
    assert not cal.is_open(wib(1, 12, 16, 0))
    assert cal.is_open(wib(1, 9, 16, 0))  # Friday closes later
    assert not cal.is_open(wib(1, 9, 16, 30))
    assert not cal.is_open(wib(3, 19, 10, 0))  # Nyepi


def test_next_opening_is_the_instant_itself_when_open(cal: WorkCalendar) -> None:
    assert_utc(cal.next_opening(wib(1, 12, 10, 0)), utc(1, 12, 3, 0))


def test_next_opening_after_friday_closing_is_monday(cal: WorkCalendar) -> None:
    assert_utc(cal.next_opening(wib(1, 9, 16, 30)), utc(1, 12, 0, 30))


def test_opening_of_a_working_day_is_in_utc(cal: WorkCalendar) -> None:
    assert_utc(cal.opening_of(date(2026, 3, 25)), utc(3, 25, 0, 30))


# --- refusals ----------------------------------------------------------------------------------


def test_naive_datetimes_are_refused(cal: WorkCalendar) -> None:
    naive = datetime(2026, 1, 12, 10, 0)
    with pytest.raises(ValueError):
        cal.is_open(naive)
    with pytest.raises(ValueError):
        cal.due_at(naive, minutes(15))
    with pytest.raises(ValueError):
        cal.working_time_between(naive, wib(1, 12, 11, 0))


def test_calendar_without_any_working_day_is_refused() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(hours={})


def test_calendar_of_only_extra_dates_runs_out_with_an_error() -> None:
    cal = WorkCalendar(hours={}, extra_working_dates=[date(2026, 1, 10)])
    assert cal.next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)
    with pytest.raises(ValueError):
        cal.next_working_day(date(2026, 1, 10))


def test_office_hours_must_open_before_closing() -> None:
    with pytest.raises(ValueError):
        OfficeHours(time(16, 0), time(7, 30))


# --- rest breaks (Perpres 21/2023: 37.5 hours a week, breaks excluded) --------------------------


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An instant on the Pulang Pisau office clock, in any year."""
    return datetime(year, month, day, hour, minute, tzinfo=PONTIANAK)


def test_the_default_week_is_37_and_a_half_hours_without_the_breaks(cal: WorkCalendar) -> None:
    # Monday 23 - Friday 27 November 2026, no holiday in it.
    week = cal.working_time_between(at(2026, 11, 23, 0), at(2026, 11, 28, 0))
    assert week == timedelta(hours=37, minutes=30)
    assert weekly_total(cal.hours) == timedelta(hours=37, minutes=30)


@pytest.mark.parametrize("year, month, day", [(2026, 11, 23), (2027, 1, 11)])
def test_15_minutes_from_1155_on_a_monday_are_due_1310_after_the_lunch_break(
    cal: WorkCalendar, year: int, month: int, day: int
) -> None:
    # 5 minutes until 12:00, the break 12:00-13:00 is not working time, 10 minutes from 13:00.
    assert_utc(cal.due_at(at(year, month, day, 11, 55), minutes(15)), at(year, month, day, 13, 10))


@pytest.mark.parametrize("year, month, day", [(2026, 11, 27), (2027, 1, 8)])
def test_30_minutes_from_1120_on_a_friday_are_due_1320_after_friday_prayers(
    cal: WorkCalendar, year: int, month: int, day: int
) -> None:
    # 10 minutes until 11:30, the break 11:30-13:00, 20 minutes from 13:00.
    assert_utc(cal.due_at(at(year, month, day, 11, 20), minutes(30)), at(year, month, day, 13, 20))


def test_a_step_started_in_the_break_counts_from_its_end(cal: WorkCalendar) -> None:
    assert_utc(cal.due_at(at(2026, 11, 23, 12, 20), minutes(15)), at(2026, 11, 23, 13, 15))
    assert_utc(cal.due_at(at(2026, 11, 27, 12, 0), minutes(15)), at(2026, 11, 27, 13, 15))


def test_a_deadline_may_fall_on_the_breaks_start_and_its_reminder_after_the_break(
    cal: WorkCalendar,
) -> None:
    due = cal.due_at(at(2026, 11, 23, 11, 45), minutes(15))
    assert_utc(due, at(2026, 11, 23, 12, 0))
    assert_utc(cal.next_opening(due), at(2026, 11, 23, 13, 0))  # when a reminder may go out


def test_the_office_is_closed_during_the_breaks(cal: WorkCalendar) -> None:
    monday, friday = (2026, 11, 23), (2026, 11, 27)
    assert cal.is_open(at(*monday, 11, 59))
    assert not cal.is_open(at(*monday, 12, 0))
    assert not cal.is_open(at(*monday, 12, 59))
    assert cal.is_open(at(*monday, 13, 0))
    assert cal.is_open(at(*friday, 11, 29))
    assert not cal.is_open(at(*friday, 11, 30))
    assert not cal.is_open(at(*friday, 12, 45))
    assert cal.is_open(at(*friday, 16, 29))
    assert_utc(cal.next_opening(at(*friday, 11, 30)), at(*friday, 13, 0))


def test_working_time_across_the_lunch_break_leaves_it_out(cal: WorkCalendar) -> None:
    assert cal.working_time_between(at(2026, 11, 23, 11, 0), at(2026, 11, 23, 14, 0)) == timedelta(
        hours=2
    )


def test_one_working_day_is_the_same_clock_time_on_the_next_working_day(
    cal: WorkCalendar,
) -> None:
    # Monday 10:00 -> Tuesday 10:00: a whole working day, 7.5 hours without the break.
    due = cal.due_at(at(2026, 11, 23, 10, 0), working_days(1))
    assert_utc(due, at(2026, 11, 24, 10, 0))
    assert cal.working_time_between(at(2026, 11, 23, 10, 0), due) == timedelta(hours=7, minutes=30)


def test_one_working_day_landing_in_friday_prayers_is_due_when_the_office_resumes(
    cal: WorkCalendar,
) -> None:
    # Thursday 11:45 -> Friday 11:45 falls in 11:30-13:00: due at 13:00.
    assert_utc(cal.due_at(at(2026, 11, 26, 11, 45), working_days(1)), at(2026, 11, 27, 13, 0))


def test_the_old_single_span_is_an_office_without_a_break() -> None:
    whole_day = OfficeHours(time(7, 30), time(16, 0))
    cal = WorkCalendar(hours=dict.fromkeys(range(5), whole_day), ramadan=None)
    assert cal.hours[0] == (whole_day,)
    assert_utc(cal.due_at(at(2026, 11, 23, 11, 55), minutes(15)), at(2026, 11, 23, 12, 10))


def test_touching_spans_are_one_and_overlapping_spans_are_refused() -> None:
    morning, afternoon = (
        OfficeHours(time(7, 30), time(12, 0)),
        OfficeHours(time(12, 0), time(16, 0)),
    )
    assert day_hours([afternoon, morning]) == (OfficeHours(time(7, 30), time(16, 0)),)
    with pytest.raises(ValueError, match="overlap"):
        day_hours([morning, OfficeHours(time(11, 0), time(13, 0))])


# --- Ramadan, on the Hijri calendar ------------------------------------------------------------


def test_ramadan_is_computed_on_the_umm_al_qura_calendar() -> None:
    assert ramadan_months(2026) == [(date(2026, 2, 18), date(2026, 3, 19))]  # 1447 H
    assert ramadan_months(2027) == [(date(2027, 2, 8), date(2027, 3, 8))]  # 1448 H
    # 2030 has two: 1451 H in January, 1452 H from 26 December (into 2031)
    assert [first for first, _ in ramadan_months(2030)] == [date(2030, 1, 5), date(2030, 12, 26)]


def opening(cal: WorkCalendar, year: int, month: int, day: int) -> time | None:
    found = cal.opening_of(date(year, month, day))
    return None if found is None else found.astimezone(PONTIANAK).time()


def test_ramadan_2026_computed_has_its_shorter_hours(cal: WorkCalendar) -> None:
    assert opening(cal, 2026, 2, 13) == time(7, 30)  # Friday before Ramadan
    assert opening(cal, 2026, 2, 18) == time(8, 0)  # 1 Ramadan 1447 H
    assert opening(cal, 2026, 3, 25) == time(7, 30)  # after Idul Fitri
    # Thursday 19 Feb 11:50 + 15 minutes: 10 until 12:00, break 12:00-12:30, 5 more.
    assert_utc(cal.due_at(wib(2, 19, 11, 50), minutes(15)), wib(2, 19, 12, 35))
    # Friday 20 Feb closes at 15:30: 10 minutes, the other 5 on Monday from 08:00.
    assert_utc(cal.due_at(wib(2, 20, 15, 20), minutes(15)), wib(2, 23, 8, 5))
    assert cal.working_time_between(wib(2, 23, 0, 0), wib(2, 28, 0, 0)) == timedelta(
        hours=32, minutes=30
    )


def test_ramadan_2026_overridden_by_the_governments_dates() -> None:
    cal = WorkCalendar(ramadan=Ramadan(dates=((date(2026, 2, 19), date(2026, 3, 20)),)))
    assert opening(cal, 2026, 2, 18) == time(7, 30)  # not Ramadan in Indonesia that year
    assert opening(cal, 2026, 2, 19) == time(8, 0)
    assert cal.ramadan is not None
    assert cal.ramadan.months(2026) == [(date(2026, 2, 19), date(2026, 3, 20))]
    assert cal.ramadan.months(2027) == [(date(2027, 2, 8), date(2027, 3, 8))]  # still computed


def test_ramadan_2027_computed_and_overridden(cal: WorkCalendar) -> None:
    assert opening(cal, 2027, 2, 4) == time(7, 30)
    assert opening(cal, 2027, 2, 8) == time(8, 0)  # 1 Ramadan 1448 H
    assert opening(cal, 2027, 3, 5) == time(8, 0)
    assert opening(cal, 2027, 3, 16) == time(7, 30)  # after Idul Fitri and its cuti bersama
    overridden = WorkCalendar(ramadan=Ramadan(dates=((date(2027, 2, 9), date(2027, 3, 9)),)))
    assert opening(overridden, 2027, 2, 8) == time(7, 30)
    assert opening(overridden, 2027, 2, 9) == time(8, 0)


def test_without_ramadan_hours_the_usual_week_holds() -> None:
    assert opening(WorkCalendar(ramadan=None), 2026, 2, 19) == time(7, 30)


# --- date-range periods ------------------------------------------------------------------------


def test_a_half_day_closes_at_noon_and_the_rest_waits_for_the_next_working_day() -> None:
    half = HoursPeriod(
        date(2026, 12, 31), date(2026, 12, 31), every_day(OfficeHours(time(7, 30), time(12, 0)))
    )
    cal = WorkCalendar(periods=[half])
    assert not cal.is_open(at(2026, 12, 31, 13, 30))
    # Thu 31 Dec 11:50 + 15: 10 minutes; Fri 1 Jan 2027 is New Year; 5 on Mon 4 Jan.
    assert_utc(cal.due_at(at(2026, 12, 31, 11, 50), minutes(15)), at(2027, 1, 4, 7, 35))


def test_a_period_never_opens_a_weekend_and_may_close_a_weekday() -> None:
    friday_closed = {4: ()}
    week = HoursPeriod(
        date(2026, 11, 23), date(2026, 11, 29), every_day(OfficeHours(time(7, 0), time(15, 0)))
    )
    no_friday = HoursPeriod(date(2026, 11, 23), date(2026, 11, 29), friday_closed)
    cal = WorkCalendar(periods=[week, no_friday])  # the later one wins where both speak
    assert opening(cal, 2026, 11, 23) == time(7, 0)
    assert not cal.is_working_day(date(2026, 11, 27))
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday stays off


def test_a_period_inside_ramadan_wins_over_ramadans_hours() -> None:
    ceremony = HoursPeriod(
        date(2026, 2, 19),
        date(2026, 2, 19),
        every_day(OfficeHours(time(7, 0), time(11, 0))),
        "Upacara",
    )
    cal = WorkCalendar(periods=[ceremony])
    assert cal.hours_on(date(2026, 2, 19)) == (OfficeHours(time(7, 0), time(11, 0)),)
    assert opening(cal, 2026, 2, 20) == time(8, 0)  # Ramadan again


# --- election (voting) days --------------------------------------------------------------------

# The holidays data lists no voting day in 2026 or 2027 (the next Pemilu is in 2029); 2024's are
# the real ones it has: Pemilu on Wednesday 14 February, Pilkada on Wednesday 27 November.


def test_the_package_names_the_2024_voting_days(cal: WorkCalendar) -> None:
    assert cal.election_days(2024) == [date(2024, 2, 14), date(2024, 11, 27)]
    assert cal.election_days(2026) == cal.election_days(2027) == []


def test_a_voting_day_is_a_working_day_for_the_kpu_office(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2024, 2, 14))
    assert cal.is_working_day(date(2024, 11, 27))
    assert cal.holiday_name(date(2024, 2, 14)) is None
    # Tue 13 Feb 15:50 + 15 minutes: due on the voting day itself.
    assert_utc(cal.due_at(at(2024, 2, 13, 15, 50), minutes(15)), at(2024, 2, 14, 7, 35))


def test_an_office_that_closes_on_voting_days_skips_them() -> None:
    cal = WorkCalendar(election_days_off=True)
    assert not cal.is_working_day(date(2024, 2, 14))
    assert cal.holiday_name(date(2024, 2, 14)) == "Hari Pemilihan Umum"
    assert cal.holiday_name(date(2024, 11, 27)) == "Hari Pemilihan Kepala Daerah"
    assert_utc(cal.due_at(at(2024, 2, 13, 15, 50), minutes(15)), at(2024, 2, 15, 7, 35))


# --- holiday data that goes stale --------------------------------------------------------------


def holidays_0_98(year: int, categories: tuple[str, ...]) -> Mapping[date, str]:
    """The data of `holidays` 0.98 and older: no cuti bersama from 2026 on (0.99 added 2026's
    SKB, 0.105 2027's)."""
    if year >= 2026:
        categories = tuple(c for c in categories if c != "government")
    return indonesian_holidays(year, categories) if categories else {}


def test_the_installed_data_has_cuti_bersama_for_2026_and_2027(cal: WorkCalendar) -> None:
    assert cal.missing_cuti_bersama(date(2026, 11, 23)) == ()


def test_an_old_holidays_release_is_found_stale_and_counts_cuti_bersama_as_working() -> None:
    cal = WorkCalendar(holiday_source=holidays_0_98)
    assert cal.missing_cuti_bersama(date(2026, 11, 23)) == (2026, 2027)
    assert cal.missing_cuti_bersama(date(2025, 6, 2)) == (2026,)
    assert cal.is_working_day(date(2026, 3, 20))  # cuti bersama Idul Fitri, unknown to it
    assert (
        WorkCalendar(holiday_source=holidays_0_98, use_public_holidays=False).missing_cuti_bersama(
            date(2026, 11, 23)
        )
        == ()
    )


def _config(office: str = "") -> Config:
    return parse_config(tomllib.loads(office), base_dir=Path("."), environ={TOKEN_ENV: "1:x"})


def test_check_warns_about_stale_holiday_data_and_says_how_to_update() -> None:
    config = _config()
    stale = dataclasses.replace(config, calendar=WorkCalendar(holiday_source=holidays_0_98))
    lines: list[str] = []
    check_office_time(stale, lines.append, date(2026, 11, 23))
    assert lines[0] == "office time: 37.5 working hours a week, breaks excluded"
    assert lines[1] == "office time: Ramadan 2026: 2026-02-18 to 2026-03-19 (its own hours)"
    assert lines[2].startswith("holidays: WARNING: the holiday data")
    assert "no cuti bersama for 2026 and 2027" in lines[2]
    assert "scripts/lock --upgrade-package holidays" in lines[2]

    lines.clear()
    check_office_time(config, lines.append, date(2026, 11, 23))
    assert lines[2].startswith("holidays: ok")


# --- the configuration -------------------------------------------------------------------------


def test_the_example_config_is_the_default_calendar() -> None:
    example = load_config(
        Path(__file__).parent.parent / "config.example.toml", environ={TOKEN_ENV: "1:x"}
    )
    bare = _config().calendar
    assert example.calendar.hours == bare.hours == dict(DEFAULT_HOURS)
    assert example.calendar.ramadan == bare.ramadan
    assert (example.calendar.periods, example.calendar.election_days_off) == ((), False)


def test_config_accepts_the_old_single_string_and_lists_of_spans() -> None:
    cal = _config(
        '[office.hours]\nmonday = "07:30-16:00"\nfriday = ["07:30-11:30", "13:00-16:30"]\n'
    ).calendar
    assert cal.hours == {
        0: (OfficeHours(time(7, 30), time(16, 0)),),
        4: (OfficeHours(time(7, 30), time(11, 30)), OfficeHours(time(13, 0), time(16, 30))),
    }


@pytest.mark.parametrize(
    "text, key",
    [
        ('[office.hours]\nmonday = ["07:30-12:00", "11:00-16:00"]\n', "office.hours.monday"),
        ('[office.hours]\nfriday = ["07:30-11:30", "13.00-16.30"]\n', "office.hours.friday[1]"),
        ("[office.hours]\nmonday = 7\n", "office.hours.monday"),
        ("[office.ramadan]\nmondy = []\n", "office.ramadan.mondy"),
        ('[office.ramadan]\ndates = [{ from = "2027-02-09" }]\n', "office.ramadan.dates[0]"),
        (
            '[[office.periods]]\nfrom = "2026-12-31"\nto = "2026-12-30"\nhours = "07:30-12:00"\n',
            "office.periods[0]",
        ),
        ('[[office.periods]]\nfrom = "2026-12-31"\nto = "2026-12-31"\n', "office.periods[0].hours"),
        (
            '[[office.periods]]\nfrom = "2026-12-31"\nto = "2026-12-31"\nhour = "07:30-12:00"\n',
            "office.periods[0].hour",
        ),
        ("[office]\nelection_days_off = 1\n", "office.election_days_off"),
    ],
)
def test_wrong_office_time_settings_name_their_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        _config(text)
    assert key in str(info.value)


def test_config_periods_ramadan_dates_and_voting_days() -> None:
    cal = _config(
        """
[office]
election_days_off = true

[office.ramadan]
friday = ["08:00-11:00", "13:00-15:30"]
dates = [{ from = 2027-02-09, to = "2027-03-09" }]

[[office.periods]]
name = "Setengah hari"
from = "2026-12-31"
to = "2026-12-31"
hours = "07:30-12:00"

[[office.periods]]
from = "2026-11-23"
to = "2026-11-27"
hours = { monday = ["07:00-12:00", "13:00-15:00"], friday = "tutup" }
"""
    ).calendar
    assert cal.election_days_off and not cal.is_working_day(date(2024, 2, 14))
    assert cal.hours_on(date(2026, 12, 31)) == (OfficeHours(time(7, 30), time(12, 0)),)
    assert opening(cal, 2026, 11, 23) == time(7, 0)
    assert opening(cal, 2026, 11, 24) == time(7, 30)  # Tuesday keeps its usual hours
    assert not cal.is_working_day(date(2026, 11, 27))
    assert opening(cal, 2027, 2, 8) == time(7, 30)  # the given dates replace the computed ones
    assert cal.hours_on(date(2027, 2, 12)) == (
        OfficeHours(time(8, 0), time(11, 0)),
        OfficeHours(time(13, 0), time(15, 30)),
    )
    assert cal.hours_on(date(2027, 2, 11)) == DEFAULT_HOURS[3]  # a weekday not given: usual


def test_ramadan_can_be_switched_off_in_config() -> None:
    cal = _config("[office.ramadan]\nenabled = false\n").calendar
    assert cal.ramadan is None
    assert opening(cal, 2026, 2, 19) == time(7, 30)
