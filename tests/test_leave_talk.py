"""The /cuti conversation alone (bot/domain/leave_talk.py): what each answer means for the talk,
which question comes next, what is refused (and whether the question stays open), and what a
press on a listed absence does on a given day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from bot.domain.leave_talk import (
    Ask,
    Asked,
    Cancelled,
    Change,
    ChangeProblem,
    Finished,
    LeaveTalk,
    PickActing,
    PickKind,
    PickMember,
    Refused,
    Shortened,
    Stop,
    Stopped,
    TalkProblem,
    Typed,
    answer,
    begin,
    change_absence,
    change_offered,
    expired,
)
from bot.domain.roster import (
    Absence,
    AbsenceProblem,
    Acting,
    ActingKind,
    Roster,
    RosterMember,
)

SARI = RosterMember(1, "Sari", frozenset({"kasubbag", "koordinator"}))
BUDI = RosterMember(2, "Budi", frozenset({"operator"}))
DEWI = RosterMember(3, "Dewi", frozenset({"divisi_hukum"}))
GONE = RosterMember(4, "Gone", frozenset({"operator"}), active=False)
TODAY = date(2026, 12, 1)
BASIS = "Surat Perintah Sekretaris No. 12/HK.03/2026"


def office(*absences: Absence) -> Roster:
    return Roster.of((SARI, BUDI, DEWI, GONE), absences)


def step(talk: LeaveTalk, given: object, roster: Roster | None = None) -> LeaveTalk:
    """The answer taken; the talk it leads to (the test fails on anything but a question)."""
    outcome = answer(talk, given, roster or office(), TODAY)  # type: ignore[arg-type]
    assert isinstance(outcome, Asked), outcome
    return outcome.talk


def at_acting(member: int = SARI.user_id) -> LeaveTalk:
    """The member picked and the period typed: the first role's acting official is asked."""
    talk = step(begin(0), PickMember(1, member))
    return step(talk, Typed("7/12/2026 - 11 Desember 2026"))


def test_a_talk_asks_member_period_then_per_role_acting_kind_basis_and_finishes() -> None:
    talk = begin(0)
    assert talk.asks is Ask.MEMBER and not talk.waits_for_text
    talk = step(talk, PickMember(talk.rev, SARI.user_id))
    assert talk.asks is Ask.PERIOD and talk.waits_for_text
    talk = step(talk, Typed("7/12/2026 - 11 Desember 2026"))
    assert (talk.start, talk.end) == (date(2026, 12, 7), date(2026, 12, 11))
    assert talk.asks is Ask.ACTING and talk.role == "kasubbag"  # the roles in order
    talk = step(talk, PickActing(talk.rev, DEWI.user_id))
    assert talk.asks is Ask.KIND and talk.stand_in == DEWI.user_id
    talk = step(talk, PickKind(talk.rev, "plh"))
    assert talk.asks is Ask.BASIS and talk.waits_for_text
    talk = step(talk, Typed(f"  {BASIS}  "))
    assert talk.asks is Ask.ACTING and talk.role == "koordinator"
    done = answer(talk, PickActing(talk.rev, None), office(), TODAY)
    assert done == Finished(
        Absence(
            SARI.user_id,
            date(2026, 12, 7),
            date(2026, 12, 11),
            (Acting("kasubbag", DEWI.user_id, ActingKind.PLH, BASIS),),
        )
    )


def test_every_question_has_a_new_number_and_an_earlier_press_is_stale() -> None:
    first = begin(0)
    talk = step(first, PickMember(first.rev, SARI.user_id))
    assert talk.rev == first.rev + 1
    again = answer(talk, PickMember(first.rev, BUDI.user_id), office(), TODAY)
    assert again == Refused(TalkProblem.STALE)
    # the right number, but a press this question does not take (a member pick at the period)
    assert answer(talk, PickMember(talk.rev, BUDI.user_id), office(), TODAY) == Refused(
        TalkProblem.STALE
    )
    # a new /cuti numbers on from the last question: no old button matches it
    assert begin(talk.rev).rev > talk.rev


def test_text_while_a_press_is_awaited_is_not_an_answer() -> None:
    assert answer(begin(0), Typed("Sari"), office(), TODAY) == Refused(TalkProblem.STALE)


@pytest.mark.parametrize(
    "typed",
    ["5/12/2026", "5 Desember 2026", "5 - 9 Desember 2026", "5/12/2026 s.d. 9/12/2026"],
)
def test_indonesian_dates_and_ranges_are_read(typed: str) -> None:
    talk = step(step(begin(0), PickMember(1, BUDI.user_id)), Typed(typed))
    assert talk.start == date(2026, 12, 5) and talk.end in (date(2026, 12, 5), date(2026, 12, 9))


def test_bad_periods_are_refused_and_the_period_is_asked_again() -> None:
    talk = step(begin(0), PickMember(1, SARI.user_id))
    earlier = Absence(SARI.user_id, date(2026, 12, 10), date(2026, 12, 14), id=7)
    cases = {
        "32/12/2026": Refused(TalkProblem.BAD_DATE),
        "besok": Refused(TalkProblem.BAD_DATE),
        "2/11/2026 - 6/11/2026": Refused(AbsenceProblem.IN_THE_PAST),
        "9/12/2026 - 3/12/2026": Refused(AbsenceProblem.ENDS_BEFORE_START),
        "12 - 20 Desember 2026": Refused(AbsenceProblem.OVERLAPS, earlier),
    }
    for typed, refused in cases.items():
        assert answer(talk, Typed(typed), office(earlier), TODAY) == refused, typed
        assert not refused.ended  # the same question stays open


def test_a_member_with_no_role_is_recorded_without_acting_questions() -> None:
    bare = RosterMember(5, "Tono", frozenset())
    roster = Roster.of((SARI, bare))
    talk = step(begin(0), PickMember(1, bare.user_id), roster)
    outcome = answer(talk, Typed("7/12/2026"), roster, TODAY)
    assert outcome == Finished(Absence(5, date(2026, 12, 7), date(2026, 12, 7)))


def test_the_acting_official_is_checked_when_picked() -> None:
    talk = at_acting()
    stand_in_away = Absence(DEWI.user_id, date(2026, 12, 9), date(2026, 12, 9), id=3)
    roster = office(stand_in_away)
    assert answer(talk, PickActing(talk.rev, SARI.user_id), roster, TODAY) == Refused(
        AbsenceProblem.ACTS_FOR_SELF
    )
    assert answer(talk, PickActing(talk.rev, GONE.user_id), roster, TODAY) == Refused(
        AbsenceProblem.STAND_IN_NOT_ACTIVE
    )
    assert answer(talk, PickActing(talk.rev, DEWI.user_id), roster, TODAY) == Refused(
        AbsenceProblem.STAND_IN_AWAY, stand_in_away
    )
    assert isinstance(answer(talk, PickActing(talk.rev, BUDI.user_id), roster, TODAY), Asked)


def test_a_forged_kind_and_an_empty_or_long_basis_are_refused() -> None:
    talk = step(at_acting(), PickActing(3, DEWI.user_id))
    assert answer(talk, PickKind(talk.rev, "bupati"), office(), TODAY) == Refused(TalkProblem.STALE)
    talk = step(talk, PickKind(talk.rev, "plt"))
    assert answer(talk, Typed("   "), office(), TODAY) == Refused(AbsenceProblem.NO_BASIS)
    assert answer(talk, Typed("x" * 301), office(), TODAY) == Refused(TalkProblem.BASIS_TOO_LONG)
    assert step(talk, Typed("Nota Dinas 3/2026")).acting == (
        Acting("kasubbag", DEWI.user_id, ActingKind.PLT, "Nota Dinas 3/2026"),
    )


def test_a_roster_changed_meanwhile_ends_the_talk_at_the_last_answer() -> None:
    talk = step(step(at_acting(BUDI.user_id), PickActing(3, DEWI.user_id)), PickKind(4, "plh"))
    # someone else recorded Budi's leave for the same days while the admin typed
    clash = Absence(BUDI.user_id, date(2026, 12, 8), date(2026, 12, 8), id=9)
    outcome = answer(talk, Typed(BASIS), office(clash), TODAY)
    assert outcome == Refused(AbsenceProblem.OVERLAPS, clash, ended=True)


def test_a_member_deactivated_meanwhile_ends_the_talk_at_the_period() -> None:
    talk = step(begin(0), PickMember(1, BUDI.user_id))
    roster = Roster.of((SARI, replace(BUDI, active=False)))
    outcome = answer(talk, Typed("7/12/2026"), roster, TODAY)
    assert outcome == Refused(AbsenceProblem.NOT_A_MEMBER, ended=True)


def test_stop_ends_the_talk_only_from_its_own_question() -> None:
    talk = step(begin(0), PickMember(1, SARI.user_id))
    assert answer(talk, Stop(talk.rev), office(), TODAY) == Stopped()
    assert answer(talk, Stop(talk.rev - 1), office(), TODAY) == Refused(TalkProblem.STALE)


def test_a_talk_left_a_day_is_over() -> None:
    asked = datetime(2026, 12, 1, 9, 0)
    assert not expired(asked, asked + timedelta(hours=23))
    assert expired(asked, asked + timedelta(hours=25))


# --- a listed absence ---------------------------------------------------------------------------

COMING = Absence(1, date(2026, 12, 7), date(2026, 12, 11), id=1)
RUNNING = Absence(1, date(2026, 11, 28), date(2026, 12, 4), id=2)
FROM_TODAY = Absence(1, TODAY, date(2026, 12, 4), id=3)
OVER = Absence(1, date(2026, 11, 20), date(2026, 11, 30), id=4)


def test_the_list_offers_cancel_before_and_end_during_an_absence() -> None:
    assert change_offered(COMING, TODAY) is Change.CANCEL
    assert change_offered(RUNNING, TODAY) is Change.END
    assert change_offered(Absence(1, TODAY, TODAY), TODAY) is Change.END
    assert change_offered(OVER, TODAY) is None


def test_ending_means_back_today_and_cancelling_removes_it_whole() -> None:
    assert change_absence(COMING, Change.CANCEL, TODAY) == Cancelled(COMING)
    assert change_absence(RUNNING, Change.END, TODAY) == Shortened(RUNNING, date(2026, 11, 30))
    # back on its first day: nothing of it is left
    assert change_absence(FROM_TODAY, Change.END, TODAY) == Cancelled(FROM_TODAY)


def test_a_button_that_no_longer_fits_the_absence_is_refused() -> None:
    assert change_absence(RUNNING, Change.CANCEL, TODAY) is ChangeProblem.BEGUN
    assert change_absence(COMING, Change.END, TODAY) is ChangeProblem.NOT_RUNNING
    assert change_absence(OVER, Change.END, TODAY) is ChangeProblem.GONE
    assert change_absence(None, Change.CANCEL, TODAY) is ChangeProblem.GONE
