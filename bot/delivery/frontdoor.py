"""The front door: whether an update comes from a member is decided where it comes in (the
update queue both polling and the webhook server fill), before it is written down or queued
behind anything.

A member's update goes on as before. Someone who is not a member is told their user id at
most once per ANSWER_EVERY (a group hears it at most once per ANSWER_EVERY too, whoever
calls); every other update from outside is dropped here. So a flood from a non-member never
takes an update slot, a database row or a place in the sending queue that members need.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from telegram import Bot, Update
from telegram.constants import ChatType

from bot.domain.clock import Clock
from bot.domain.invitations import looks_like_token

ANSWER_EVERY = timedelta(minutes=10)
# An invitation link opened (/start <token>, privately) goes in to be answered, however
# recently its sender heard their id; a flood of them is held to one per CLAIM_EVERY.
CLAIM_EVERY = timedelta(seconds=10)
# People (and groups) remembered as answered; beyond it, stale ones are forgotten and, if a
# flood of fresh ids still fills it, nobody new is answered until some expire.
MAX_REMEMBERED = 10_000


class Verdict(enum.Enum):
    MEMBER = "member"  # written to the inbox and handled
    ANSWER = "answer"  # a non-member due their answer: handled (the gate answers), never kept
    DROP = "drop"  # dropped silently


class FrontDoor:
    def __init__(
        self,
        members: Collection[int] | Callable[[int], bool],
        clock: Clock,
        bot: Bot,
        capacity: int = MAX_REMEMBERED,
    ) -> None:
        # A callable asks the directory: a member let in from chat counts at once.
        self._member = members if callable(members) else frozenset(members).__contains__
        self.clock = clock
        self.bot = bot
        self.capacity = capacity
        # key -> when last answered, oldest first: a user id (> 0) or a group chat id (< 0)
        self._answered: dict[int, datetime] = {}
        self._claimed: dict[int, datetime] = {}  # user id -> when their last link came in

    def is_member(self, update: object) -> bool:
        user = update.effective_user if isinstance(update, Update) else None
        return user is not None and self._member(user.id)

    def is_outsider(self, update: object) -> bool:
        """An update from Telegram not sent by a member (PTB may carry other objects too)."""
        return isinstance(update, Update) and not self.is_member(update)

    def admit(self, update: object) -> Verdict:
        if not isinstance(update, Update) or self.is_member(update):
            return Verdict.MEMBER
        user = update.effective_user
        if user is None:
            return Verdict.DROP  # channel posts and the like: the gate would stop them too
        if update.callback_query is None and not speaks_to_bot(update, self.bot):
            return Verdict.DROP  # chatter in a group, not meant for the bot
        if invitation_token(update) is not None:
            return Verdict.ANSWER if self._may_claim(user.id) else Verdict.DROP
        keys = [user.id]
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            keys.append(chat.id)
        return Verdict.ANSWER if self._may_answer(keys, self.clock.now()) else Verdict.DROP

    def _may_answer(self, keys: list[int], now: datetime) -> bool:
        if any(now - self._answered[key] < ANSWER_EVERY for key in keys if key in self._answered):
            return False
        if len(self._answered) + len(keys) > self.capacity:
            self._forget_before(now - ANSWER_EVERY)
            if len(self._answered) + len(keys) > self.capacity:
                return False
        for key in keys:
            self._answered.pop(key, None)  # re-inserted at the end: the dict stays in time order
            self._answered[key] = now
        return True

    def _may_claim(self, user_id: int) -> bool:
        now = self.clock.now()
        last = self._claimed.get(user_id)
        if last is not None and now - last < CLAIM_EVERY:
            return False
        if len(self._claimed) >= self.capacity:
            self._claimed = {k: t for k, t in self._claimed.items() if now - t < CLAIM_EVERY}
            if len(self._claimed) >= self.capacity:
                return False
        self._claimed[user_id] = now
        return True

    def _forget_before(self, cutoff: datetime) -> None:
        for key, at in list(self._answered.items()):
            if at > cutoff:  # answered less than ANSWER_EVERY ago: still remembered
                break
            del self._answered[key]


def speaks_to_bot(update: Update, bot: Bot) -> bool:
    """In a group, only our commands and replies to our messages are meant for the bot;
    answering every chat line (or another bot's command) would flood the group."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    text = message.text or ""
    if text.startswith("/"):
        _, _, addressee = text.split(maxsplit=1)[0].partition("@")
        return not addressee or addressee.lower() == (bot.username or "").lower()
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def invitation_token(update: Update) -> str | None:
    """The token of an invitation link opened in a private chat (`/start <token>`)."""
    message = update.message
    chat = update.effective_chat
    if message is None or chat is None or chat.type != ChatType.PRIVATE:
        return None
    command, _, argument = (message.text or "").strip().partition(" ")
    argument = argument.strip()
    if command.split("@")[0] != "/start" or not looks_like_token(argument):
        return None
    return argument
