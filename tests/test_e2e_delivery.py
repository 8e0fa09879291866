"""Owed messages survive Telegram's bad moments: flood limits, errors, dropped connections."""

from __future__ import annotations

import asyncio

import pytest

from bot import texts
from bot.delivery.sender import TURN
from bot.service.owed import add_outbox
from bot.service.payloads import Notice, NoticeKind, Retire
from localbotapi import ApiError, BotMessage
from storage.database import session_factory
from storage.uow import UnitOfWork
from tests import flows
from tests.harness import HUKUM, KASUBBAG, OPERATOR, Harness


async def _to_legal_review(h: Harness, fault: ApiError, times: int = 1) -> tuple[str, float]:
    """Walk an item to step 4 with `fault` injected into the next sendMessage calls after the
    kasubbag's approval; returns the code and when the approval was pressed."""
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await h.settle()
    h.server.fail_next("sendMessage", fault, times=times)
    pressed = asyncio.get_running_loop().time()
    await h.press(KASUBBAG, card, texts.BTN_APPROVE)
    return code, pressed


def _legal_cards(h: Harness, code: str) -> list[BotMessage]:
    return [
        m
        for m in h.server.messages_in(HUKUM.user_id)
        if code in m.body and texts.BTN_APPROVE_SOURCES in m.button_texts
    ]


def _legal_files(h: Harness, code: str) -> int:
    """The files divisi hukum's card brings (the preview, the design, the material)."""
    return len(
        [
            m
            for m in h.server.messages_in(HUKUM.user_id)
            if m.kind in ("photo", "document") and code in m.body.split("\n", 1)[0]
        ]
    )


async def test_a_flood_limit_waits_as_long_as_telegram_says(harness: Harness) -> None:
    h = harness
    code, pressed = await _to_legal_review(h, ApiError.flood(retry_after=1))
    await flows.review_card(h, code, 1, HUKUM)
    waited = asyncio.get_running_loop().time() - pressed
    assert waited >= 1.0  # not before Telegram allowed it
    await h.settle()
    assert len(_legal_cards(h, code)) == 1
    # the files that went out before the text was refused were recorded: not sent again
    assert _legal_files(h, code) == 3


@pytest.mark.parametrize(
    "fault",
    [ApiError.server_error(), ApiError.dropped()],
    ids=["telegram-500", "connection-dropped"],
)
async def test_errors_and_dropped_connections_are_retried_until_delivered(
    harness: Harness, fault: ApiError
) -> None:
    h = harness
    code, _ = await _to_legal_review(h, fault, times=2)
    await flows.review_card(h, code, 1, HUKUM)
    await h.settle()
    assert len(_legal_cards(h, code)) == 1  # delivered once: the failures never reached a chat
    assert _legal_files(h, code) == 3  # the files that went out first: once each
    assert not await h.services.sender.undelivered()


async def test_rows_behind_a_turn_of_edits_go_out_in_the_same_drain(harness: Harness) -> None:
    """Retirements are marked delivered with the sender's next commit; until then they still
    fill their chat's turn when the outbox is read. The rows behind them must not wait for
    the next wake-up (which may never come)."""
    h = harness
    code = await flows.open_item(h)
    await h.settle()
    now = h.clock.now()
    async with UnitOfWork(session_factory(h.engine)) as uow:
        item = await uow.repo.item_by_code(code)
        assert item is not None
        for n in range(TURN):  # cards long gone: nothing to edit, nothing to wait for
            retire = Retire(card_id=1_000_000 + n, action="approve", name="-", at=now)
            add_outbox(uow.repo, now, OPERATOR.user_id, item.id, retire)
        for n in range(3):
            notice = Notice(NoticeKind.PUBLISHED, code, f"Pemberitahuan {n}", "-", links="")
            add_outbox(uow.repo, now, OPERATOR.user_id, item.id, notice)
        await uow.commit()
    before = h.mark()
    await h.services.sender.drain()  # one drain, driven here: no wake-up after it
    notices = [m for m in h.server.sent[before:] if "Pemberitahuan" in m.body]
    assert len(notices) == 3
    assert not await h.services.sender.undelivered()
