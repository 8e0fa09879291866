"""The handlers' drawing, handed to the outbox sender (bot/delivery/rendering.py's Renderer):
the sender delivers, the handlers decide how a card, a notice, a reminder or the digest reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.config import Config
from bot.delivery.rendering import RenderedCard
from bot.domain.sop_catalog import SopCatalog
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
from bot.service.views import CardData
from handlers.cards import (
    TEXT_LIMIT,
    decision_line,
    done_words,
    fit,
    render_card,
    render_notice,
)
from handlers.leave_ui import leave_notice
from handlers.people import claim_answer, claim_card
from handlers.reports import render_digest, render_reminder


@dataclass(frozen=True, slots=True)
class TelegramRenderer:
    sops: SopCatalog  # the office's SOPs: each item's message in its own SOP's words
    zone: ZoneInfo
    config: Config  # the office's name and reminders, for the help a welcome carries

    def card(self, data: CardData) -> RenderedCard:
        return render_card(data, data.item.sop, self.zone)

    def notice(self, notice: Notice) -> str:
        return render_notice(notice)

    def confirmation(self, confirmation: Confirmation) -> str:
        c = confirmation
        # the words are plain (they are also a press's toast); role titles may hold < or &
        sop = self.sops.find(c.sop)
        return escape(done_words(sop, c.action, c.code, c.version, c.to_step))

    def reminder(self, reminder: Reminder, item_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
        return render_reminder(reminder, item_id, self.sops, self.zone)

    def digest(self, digest: Digest) -> str:
        return render_digest(digest, self.sops, self.zone)

    def claim(self, card: ClaimCard) -> tuple[str, InlineKeyboardMarkup]:
        return claim_card(card, self.sops)

    def claim_answer(self, answer: ClaimAnswer, roles: frozenset[str]) -> str:
        return claim_answer(answer, roles, self.config)

    def decision_line(self, action: str, name: str, at: datetime) -> str:
        return decision_line(action, name, at, self.zone)

    def retired(self, text: str, line: str) -> str:
        return fit(text, TEXT_LIMIT, tail=line)

    def leave(self, notice: AbsenceNotice | ActingNotice) -> str:
        return leave_notice(notice, self.sops)
