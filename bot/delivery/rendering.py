"""What the sender needs drawn, and who draws it: the handlers render (cards, keyboards,
reminders), the sender only delivers. The wiring (bot/app.py) hands the sender a Renderer, so
delivery never imports a handler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from telegram import InlineKeyboardMarkup

from bot.service.payloads import (
    AbsenceNotice,
    ActingNotice,
    ClaimAnswer,
    ClaimCard,
    Confirmation,
    Digest,
    Notice,
    Reminder,
)
from bot.service.views import CardData, FileRef


@dataclass(frozen=True, slots=True)
class RenderedCard:
    files: tuple[tuple[FileRef, str], ...]  # each file with its short caption
    text: str
    keyboard: InlineKeyboardMarkup | None
    # the posting kit: the post's caption as plain text, sent alone after the files and
    # before the card's text, so one long press copies exactly it
    caption: str | None = None


class Renderer(Protocol):
    def card(self, data: CardData) -> RenderedCard: ...

    def notice(self, notice: Notice) -> str: ...

    def confirmation(self, confirmation: Confirmation) -> str:
        """What a decision the member typed did (HTML)."""
        ...

    def reminder(
        self, reminder: Reminder, item_id: int
    ) -> tuple[str, InlineKeyboardMarkup | None]: ...

    def digest(self, digest: Digest) -> str: ...

    def claim(self, card: ClaimCard) -> tuple[str, InlineKeyboardMarkup]: ...

    def claim_answer(self, answer: ClaimAnswer, roles: frozenset[str]) -> str:
        """The admin's answer to someone who opened an invitation (HTML); the welcome says
        what `roles` (those they hold as it is sent) let them do."""
        ...

    def decision_line(self, action: str, name: str, at: datetime) -> str: ...

    def retired(self, text: str, line: str) -> str:
        """A card's text with the decision line in place of its buttons, within Telegram's
        limit (the line always kept whole)."""
        ...

    def leave(self, notice: AbsenceNotice | ActingNotice) -> str:
        """An absence recorded, cancelled or ended, told to the member or an acting official."""
        ...
