"""The directory answers from the roster it was last handed, for the office's current day."""

from __future__ import annotations

from datetime import date

from bot.config import Member
from bot.domain.roster import Absence, Acting, ActingKind, Roster, RosterMember
from bot.service.directory import Directory

SARI = RosterMember(1, "Sari", frozenset({"kasubbag"}))
BUDI = RosterMember(2, "Budi", frozenset({"operator"}))
PLH = Acting("kasubbag", 2, ActingKind.PLH, "Surat Perintah Sekretaris No. 12/HK.03/2026")
LEAVE = Absence(1, date(2026, 12, 7), date(2026, 12, 11), (PLH,))


def directory_on(day: date) -> Directory:
    directory = Directory([Member(1, "Sari", frozenset({"kasubbag"}))], {}, lambda: day)
    directory.replace(Roster.of([SARI, BUDI], [LEAVE]))
    return directory


def test_while_the_kasubbag_is_away_the_plh_gets_the_cards_and_may_act() -> None:
    directory = directory_on(date(2026, 12, 8))
    assert directory.chats_for_role("kasubbag") == [2]
    budi = directory.actor(2)
    assert budi is not None and budi.roles == {"operator", "kasubbag"}
    assert budi.acting_in("kasubbag") == PLH and budi.acting_in("operator") is None
    sari = directory.actor(1)
    assert sari is not None and sari.roles == frozenset()  # still a member, acting in nothing
    assert directory.is_member(1)


def test_after_the_period_the_kasubbag_is_back_without_a_restart() -> None:
    directory = directory_on(date(2026, 12, 12))
    assert directory.chats_for_role("kasubbag") == [1]
    budi = directory.actor(2)
    assert budi is not None and budi.roles == {"operator"} and budi.acting == ()


def test_a_role_group_still_receives_the_role_s_cards() -> None:
    directory = Directory([], {"kasubbag": -100}, lambda: date(2026, 12, 8))
    directory.replace(Roster.of([SARI, BUDI], [LEAVE]))
    assert directory.chats_for_role("kasubbag") == [-100]


def test_a_deactivated_member_is_no_actor() -> None:
    directory = directory_on(date(2026, 12, 8))
    directory.replace(Roster.of([RosterMember(2, "Budi", frozenset({"operator"}), active=False)]))
    assert directory.actor(2) is None and not directory.is_member(2)
