"""The front door: a non-member is answered at most once per ten minutes, with bounded
memory; members always pass."""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot, Update

from bot.delivery.frontdoor import ANSWER_EVERY, FrontDoor, Verdict
from bot.domain.clock import ManualClock
from tests.harness import MONDAY_MORNING

MEMBER = 101


def _message(user_id: int, update_id: int = 1) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "U"},
                "text": "halo",
            },
        },
        None,
    )


def _door(capacity: int = 100) -> tuple[FrontDoor, ManualClock]:
    clock = ManualClock(MONDAY_MORNING)
    # Private chats never ask the bot who it is; no Bot is needed here.
    bot: Bot = None  # type: ignore[assignment]
    return FrontDoor({MEMBER}, clock, bot, capacity=capacity), clock


def test_a_member_always_passes() -> None:
    door, _ = _door()
    assert [door.admit(_message(MEMBER, n)) for n in range(5)] == [Verdict.MEMBER] * 5


def test_a_non_member_is_answered_once_then_again_after_ten_minutes() -> None:
    door, clock = _door()
    verdicts = [door.admit(_message(999, n)) for n in range(300)]
    assert verdicts == [Verdict.ANSWER] + [Verdict.DROP] * 299
    clock.advance(ANSWER_EVERY - timedelta(seconds=1))
    assert door.admit(_message(999)) is Verdict.DROP
    clock.advance(timedelta(seconds=1))
    assert door.admit(_message(999)) is Verdict.ANSWER


def test_memory_is_bounded_and_a_flood_of_new_ids_is_not_answered() -> None:
    door, clock = _door(capacity=3)
    assert [door.admit(_message(1000 + n)) for n in range(5)] == [Verdict.ANSWER] * 3 + [
        Verdict.DROP
    ] * 2
    clock.advance(ANSWER_EVERY)
    assert door.admit(_message(2000)) is Verdict.ANSWER  # the stale ones were forgotten
    assert len(door._answered) == 1
