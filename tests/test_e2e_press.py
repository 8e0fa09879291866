"""A press is answered in time: before slow work, and an expired query is no error."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

import handlers.press
from bot import texts
from tests.flows import give_direction, open_item, review_card, role_at, submit_design
from tests.harness import HUKUM, KASUBBAG, OPERATOR, Harness


async def _at_review(h: Harness) -> str:
    code = await open_item(h)
    await give_direction(h, code)
    await submit_design(h, code)
    return code


def _slow_decisions(h: Harness, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Decisions wait for the returned event, as with a database that takes its time; the
    bot's patience is cut to 50 ms."""
    monkeypatch.setattr(handlers.press, "PATIENCE", 0.05)
    release = asyncio.Event()
    decide = h.services.service.decisions.decide

    async def slow_decide(*args: Any, **kwargs: Any) -> Any:
        await release.wait()
        return await decide(*args, **kwargs)

    monkeypatch.setattr(h.services.service.decisions, "decide", slow_decide)
    return release


async def test_a_slow_decision_is_answered_with_a_holding_toast_then_applied(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    code = await _at_review(h)
    card = await review_card(h, code, 1, KASUBBAG)
    release = _slow_decisions(h, monkeypatch)
    query_id = await h.server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
    answer = await h.server.wait_for_answer(query_id)
    assert answer.get("text") == texts.PRESS_WORKING
    release.set()
    # The decision still happens, and the next role gets the card.
    await review_card(h, code, 1, who=HUKUM)
    status = await h.services.service.reads.status(code)
    assert status is not None and status[0].step.key == "setuju"


async def test_a_late_refusal_reaches_the_member_privately(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    code = await _at_review(h)
    card = await review_card(h, code, 1, KASUBBAG)
    release = _slow_decisions(h, monkeypatch)
    # The operator may not approve at step 3: the refusal is found only after the toast.
    before = h.mark()
    query_id = await h.server.press_button(OPERATOR.user_id, card, texts.BTN_APPROVE)
    assert (await h.server.wait_for_answer(query_id)).get("text") == texts.PRESS_WORKING
    release.set()
    refusal = texts.NOT_YOUR_STEP.format(roles=role_at(h, "periksa"))
    told = await h.server.wait_for_message(OPERATOR.user_id, after=before, contains=refusal)
    assert told.body == refusal
    status = await h.services.service.reads.status(code)
    assert status is not None and status[0].step.key == "periksa"


async def test_an_expired_query_is_no_error_and_the_decision_stands(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    code = await _at_review(h)
    card = await review_card(h, code, 1, KASUBBAG)
    # Every answer now comes too late, as after the bot was down for a while.
    h.server.state.callback_query_ttl = 0.0
    caplog.set_level(logging.INFO)
    await h.server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
    # The decision went through: the legal division gets version 1 to approve or return.
    legal = await review_card(h, code, 1, who=HUKUM)
    assert legal.button_texts == [texts.BTN_APPROVE_SOURCES, texts.BTN_RETURN]
    await h.server.wait_idle()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # The kasubbag's card shows the decision even though the toast was lost.
    assert texts.BTN_APPROVE not in card.button_texts
    status = await h.services.service.reads.status(code)
    assert status is not None and status[0].step.key == "setuju"


async def test_an_expired_refusal_is_sent_privately(harness: Harness) -> None:
    h = harness
    code = await _at_review(h)
    card = await review_card(h, code, 1, KASUBBAG)
    h.server.state.callback_query_ttl = 0.0
    before = h.mark()
    await h.server.press_button(OPERATOR.user_id, card, texts.BTN_APPROVE)
    refusal = texts.NOT_YOUR_STEP.format(roles=role_at(h, "periksa"))
    told = await h.server.wait_for_message(OPERATOR.user_id, after=before, contains=refusal)
    assert told.body == refusal
