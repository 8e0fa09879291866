"""Working-time rules for SOP deadlines, on real 2026 dates (Pulang Pisau, Asia/Pontianak, UTC+7).

Calendar notes used below (2026): Thu 1 Jan New Year; Fri 16 Jan Isra Mikraj; in March the
`holidays` package lists Wed 18 cuti bersama Nyepi, Thu 19 Nyepi, Fri 20 cuti bersama Idul Fitri,
Sat 21 + Sun 22 Idul Fitri, Mon 23 + Tue 24 cuti bersama Idul Fitri; Wed 25 March is worked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.limits import Limit, LimitUnit
from bot.domain.worktime import OfficeHours, WorkCalendar

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


def test_30_minutes_from_1545_before_idul_fitri_is_due_on_first_day_after(
    cal: WorkCalendar,
) -> None:
    # Tue 17 Mar: 15 minutes before closing, the other 15 on Wed 25 Mar from 07:30.
    assert_utc(cal.due_at(wib(3, 17, 15, 45), minutes(30)), utc(3, 25, 0, 45))


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
    # Mon 8.5 h + Tue 8.5 h + 3 h on Wednesday.
    assert_utc(cal.due_at(wib(1, 12, 7, 30), hours(20)), utc(1, 14, 3, 30))  # Wed 10:30


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
    got = cal.working_time_between(wib(3, 17, 15, 0), wib(3, 25, 8, 0))
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
