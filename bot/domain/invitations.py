"""Invitations by deep link: the rules of a one-time token.

An admin invites someone into a role; the bot answers with `https://t.me/<bot>?start=<token>`.
The token is used once, expires after a week and can be revoked; whoever opens it is not a
member yet: an admin accepts or refuses them. Only the token's hash is stored, so a copy of
the database lets nobody in. Plain Python; the service draws the random token and keeps rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

TTL = timedelta(days=7)
# Telegram's start parameter: up to 64 of A-Z, a-z, 0-9, _ and -. Our tokens are 22 of them
# (16 random bytes, URL-safe base64); anything else after /start is not one of ours.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class InvitationProblem(StrEnum):
    """Why an opened link lets nobody in; the catalog words each for the user."""

    UNKNOWN = "unknown"  # never issued, mistyped or forged
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    ALREADY_MEMBER = "already_member"


class InvitationRefused(ValueError):
    def __init__(self, problem: InvitationProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    role: str
    created_by: int
    created_at: datetime
    used_by: int | None = None  # who opened the link (then waits for an admin's answer)
    revoked_at: datetime | None = None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + TTL

    def check_open(self, user_id: int, is_member: bool, now: datetime) -> None:
        """May this person claim the invitation now? InvitationRefused says why not."""
        if self.revoked_at is not None:
            raise InvitationRefused(InvitationProblem.REVOKED)
        if self.used_by is not None:
            raise InvitationRefused(InvitationProblem.USED)
        if now >= self.expires_at:
            raise InvitationRefused(InvitationProblem.EXPIRED)
        if is_member:
            raise InvitationRefused(InvitationProblem.ALREADY_MEMBER)


def token_hash(token: str) -> str:
    """What is stored and looked up for a token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(text: str) -> bool:
    """A start parameter that could be one of ours (anything else is refused unlooked-up)."""
    return bool(_TOKEN.match(text))
