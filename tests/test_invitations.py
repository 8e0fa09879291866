"""The rules of a one-time invitation link (bot/domain/invitations.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.invitations import (
    TTL,
    Invitation,
    InvitationProblem,
    InvitationRefused,
    looks_like_token,
    token_hash,
)

MADE = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
FRESH = Invitation(1, "operator", created_by=10, created_at=MADE)


def problem(invitation: Invitation, *, member: bool = False, at: datetime = MADE) -> object:
    with pytest.raises(InvitationRefused) as refused:
        invitation.check_open(77, is_member=member, now=at)
    return refused.value.problem


def test_a_fresh_invitation_opens_until_seven_days_have_passed() -> None:
    FRESH.check_open(77, is_member=False, now=MADE + TTL - timedelta(seconds=1))
    assert TTL == timedelta(days=7)
    assert problem(FRESH, at=MADE + TTL) is InvitationProblem.EXPIRED


def test_a_used_or_revoked_invitation_opens_for_nobody() -> None:
    used = Invitation(1, "operator", 10, MADE, used_by=55)
    revoked = Invitation(1, "operator", 10, MADE, revoked_at=MADE)
    assert problem(used) is InvitationProblem.USED
    assert problem(revoked) is InvitationProblem.REVOKED


def test_a_member_opening_an_invitation_is_told_so() -> None:
    assert problem(FRESH, member=True) is InvitationProblem.ALREADY_MEMBER


def test_only_the_hash_is_kept_and_it_depends_on_every_character() -> None:
    token = "Abc_def-ghijklmnopqrstu"
    assert token not in token_hash(token)
    assert token_hash(token) != token_hash(token[:-1] + "v")
    assert len(token_hash(token)) == 64


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        ("Abc_def-ghijklmnopqrstu", True),
        ("short", False),
        ("with space inside token", False),
        ("<script>alert(1)</script>", False),
        ("x" * 65, False),
    ],
)
def test_only_what_could_be_a_token_is_looked_up(text: str, ours: bool) -> None:
    assert looks_like_token(text) is ours
