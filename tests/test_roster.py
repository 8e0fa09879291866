"""Who holds a role on a day, leave and acting officials (bot/domain/roster.py), and the
dates people type for them (bot/domain/dates.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.dates import DateNotUnderstood, parse_date, parse_period
from bot.domain.roster import (
    Absence,
    AbsenceProblem,
    AbsenceRejected,
    Acting,
    ActingKind,
    Holder,
    Roster,
    RosterMember,
)

SARI = RosterMember(1, "Sari", frozenset({"kasubbag"}))
BUDI = RosterMember(2, "Budi", frozenset({"operator"}))
RINA = RosterMember(3, "Rina", frozenset({"koordinator", "kasubbag"}))
DEWI = RosterMember(4, "Dewi", frozenset({"operator"}))
BASIS = "Surat Perintah Sekretaris No. 12/HK.03/2026"
LEAVE = Absence(
    1, date(2026, 12, 7), date(2026, 12, 11), (Acting("kasubbag", 2, ActingKind.PLH, BASIS),)
)


def roster(*absences: Absence, members: tuple[RosterMember, ...] = (SARI, BUDI, DEWI)) -> Roster:
    return Roster.of(members, absences)


def test_an_absent_member_receives_nothing_and_the_plh_acts_in_their_role() -> None:
    office = roster(LEAVE)
    holders = office.holders("kasubbag", date(2026, 12, 8))
    assert holders == [Holder(2, "kasubbag", LEAVE.acting[0])]
    assert holders[0].capacity("Kasubbag Hukum") == "Plh. Kasubbag Hukum"
    assert office.roles_on(1, date(2026, 12, 8)) == {}
    assert set(office.roles_on(2, date(2026, 12, 8))) == {"operator", "kasubbag"}


def test_the_period_includes_both_ends_and_then_ends_by_itself() -> None:
    office = roster(LEAVE)
    assert office.holders("kasubbag", date(2026, 12, 11))[0].user_id == 2
    assert office.holders("kasubbag", date(2026, 12, 12)) == [Holder(1, "kasubbag")]
    assert office.holders("kasubbag", date(2026, 12, 6)) == [Holder(1, "kasubbag")]
    assert "kasubbag" not in office.roles_on(2, date(2026, 12, 12))


def test_a_role_with_nobody_available_is_reported() -> None:
    bare = Absence(1, date(2026, 12, 7), date(2026, 12, 11))
    office = roster(bare)
    assert office.uncovered(["kasubbag", "operator"], date(2026, 12, 8)) == ["kasubbag"]
    assert office.uncovered(["kasubbag"], date(2026, 12, 12)) == []


def test_another_holder_of_the_role_keeps_it_covered() -> None:
    bare = Absence(1, date(2026, 12, 7), date(2026, 12, 11))
    office = roster(bare, members=(SARI, RINA))
    assert office.holders("kasubbag", date(2026, 12, 8)) == [Holder(3, "kasubbag")]


def test_a_deactivated_member_holds_nothing() -> None:
    gone = RosterMember(2, "Budi", frozenset({"operator"}), active=False)
    office = roster(members=(SARI, gone))
    assert office.holders("operator", date(2026, 12, 8)) == []
    assert office.roles_on(2, date(2026, 12, 8)) == {}


def test_a_stand_in_who_is_away_too_does_not_receive_the_role() -> None:
    budi_away = Absence(2, date(2026, 12, 8), date(2026, 12, 8), id=7)
    office = roster(LEAVE, budi_away)
    assert office.holders("kasubbag", date(2026, 12, 8)) == []
    assert office.holders("kasubbag", date(2026, 12, 9))[0].user_id == 2


@pytest.mark.parametrize(
    ("absence", "problem"),
    [
        (Absence(9, date(2026, 12, 7), date(2026, 12, 8)), AbsenceProblem.NOT_A_MEMBER),
        (Absence(1, date(2026, 12, 9), date(2026, 12, 8)), AbsenceProblem.ENDS_BEFORE_START),
        (Absence(1, date(2026, 12, 1), date(2026, 12, 4)), AbsenceProblem.IN_THE_PAST),
        (
            Absence(
                1,
                date(2026, 12, 7),
                date(2026, 12, 8),
                (Acting("kasubbag", 1, ActingKind.PLH, BASIS),),
            ),
            AbsenceProblem.ACTS_FOR_SELF,
        ),
        (
            Absence(
                1,
                date(2026, 12, 7),
                date(2026, 12, 8),
                (Acting("operator", 2, ActingKind.PLH, BASIS),),
            ),
            AbsenceProblem.ROLE_NOT_HELD,
        ),
        (
            Absence(
                1,
                date(2026, 12, 7),
                date(2026, 12, 8),
                (Acting("kasubbag", 9, ActingKind.PLT, BASIS),),
            ),
            AbsenceProblem.STAND_IN_NOT_ACTIVE,
        ),
        (
            Absence(
                1,
                date(2026, 12, 7),
                date(2026, 12, 8),
                (Acting("kasubbag", 2, ActingKind.PLT, "  "),),
            ),
            AbsenceProblem.NO_BASIS,
        ),
    ],
)
def test_an_absence_that_cannot_be_meant_is_refused(
    absence: Absence, problem: AbsenceProblem
) -> None:
    with pytest.raises(AbsenceRejected) as refused:
        roster().check_absence(absence, today=date(2026, 12, 5))
    assert refused.value.problem is problem


def test_overlapping_periods_are_refused_naming_the_stored_one() -> None:
    stored = Absence(1, date(2026, 12, 7), date(2026, 12, 11), id=3)
    office = roster(stored)
    with pytest.raises(AbsenceRejected) as refused:
        office.check_absence(Absence(1, date(2026, 12, 11), date(2026, 12, 14)), date(2026, 12, 5))
    assert (refused.value.problem, refused.value.clash) == (AbsenceProblem.OVERLAPS, stored)
    # changing the stored period itself is not an overlap with itself
    office.check_absence(Absence(1, date(2026, 12, 8), date(2026, 12, 14), id=3), date(2026, 12, 5))
    # an absence that started earlier but is still running may be recorded
    office.check_absence(Absence(2, date(2026, 12, 1), date(2026, 12, 5)), date(2026, 12, 5))


def test_a_stand_in_away_in_the_period_is_refused() -> None:
    office = roster(Absence(2, date(2026, 12, 10), date(2026, 12, 12), id=4))
    with pytest.raises(AbsenceRejected) as refused:
        office.check_absence(LEAVE, date(2026, 12, 5))
    assert refused.value.problem is AbsenceProblem.STAND_IN_AWAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/12/2026", date(2026, 12, 5)),
        ("05-12-2026", date(2026, 12, 5)),
        ("5.12.2026", date(2026, 12, 5)),
        ("2026-12-05", date(2026, 12, 5)),
        ("5 Desember 2026", date(2026, 12, 5)),
        ("5 des 2026", date(2026, 12, 5)),
        ("5 Des. 2026", date(2026, 12, 5)),
        ("17 Agt 2026", date(2026, 8, 17)),
        ("1 Nopember 2026", date(2026, 11, 1)),
        ("29 Februari 2028", date(2028, 2, 29)),
    ],
)
def test_dates_as_people_type_them(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "besok", "31/11/2026", "5 Desember", "5 Ju 2026", "12/2026", "29 Februari 2026"]
)
def test_what_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(DateNotUnderstood):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("8/12/2026 - 12/12/2026", date(2026, 12, 8), date(2026, 12, 12)),
        ("8 s.d. 12 Desember 2026", date(2026, 12, 8), date(2026, 12, 12)),
        ("8 Desember s/d 12 Desember 2026", date(2026, 12, 8), date(2026, 12, 12)),
        ("30 Desember 2026 sampai 2 Januari 2027", date(2026, 12, 30), date(2027, 1, 2)),
        ("8–12 Desember 2026", date(2026, 12, 8), date(2026, 12, 12)),
        ("9/12/2026", date(2026, 12, 9), date(2026, 12, 9)),
    ],
)
def test_periods_as_people_type_them(text: str, start: date, end: date) -> None:
    assert parse_period(text) == (start, end)
