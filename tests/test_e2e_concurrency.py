"""Many items moving at once, and two members pressing the same button in the same instant:
exactly one transition each, through the real bot (on SQLite, and on PostgreSQL when
JDIH_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from bot import texts
from storage.models import Event
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import HUKUM, KASUBBAG, MEMBERS, OPERATOR, OPERATOR2, Harness, Person

ITEMS = 20
WAKIL = Person(107, "Wati Kasubbag", ("kasubbag",))
ROLE_GROUP = -1009876543210


def _member_table(people: tuple[Person, ...]) -> list[dict[str, object]]:
    return [{"id": p.user_id, "name": p.name, "roles": list(p.roles)} for p in people]


async def _events(h: Harness) -> list[Event]:
    engine = h.engine
    async with engine.connect() as connection:
        rows = await connection.execute(select(Event.item_id, Event.action, Event.step_key))
        return list(rows)  # type: ignore[arg-type]


async def _at_check(h: Harness, count: int) -> list[str]:
    codes = [await flows.open_item(h, f"Peraturan KPU Nomor {n} Tahun 2026") for n in range(count)]
    for code in codes:
        await flows.give_direction(h, code)
    await h.settle()  # every brief has reached both operators
    # The two operators hand in their designs side by side.
    halves = (codes[::2], codes[1::2])
    await asyncio.gather(
        *(
            _submit_all(h, half, who)
            for half, who in zip(halves, (OPERATOR, OPERATOR2), strict=True)
        )
    )
    return codes


async def _submit_all(h: Harness, codes: list[str], who: Person) -> None:
    for code in codes:
        await flows.submit_design(h, code, who)


async def test_twenty_items_approved_at_once_move_exactly_once(harness: Harness) -> None:
    h = harness
    codes = await _at_check(h, ITEMS)
    cards = [await flows.review_card(h, code, 1, KASUBBAG) for code in codes]
    # Every approval pressed in the same instant, and each pressed twice (a double tap).
    presses = [
        h.server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
        for card in cards
        for _ in range(2)
    ]
    query_ids = await asyncio.gather(*presses)
    answers = [str((await h.server.wait_for_answer(q)).get("text")) for q in query_ids]
    refused = flows.already_decided(h, "approve", KASUBBAG)
    for n, code in enumerate(codes):  # each double tap: one approval, one "already decided"
        taps = sorted(answers[2 * n : 2 * n + 2])
        assert taps == sorted([flows.approved(h, code, 1, "setuju"), refused]), code
    for code in codes:
        await flows.review_card(h, code, 1, HUKUM)
    await h.settle()
    approvals = Counter(
        item for item, action, step in await _events(h) if (action, step) == ("approve", "periksa")
    )
    assert len(approvals) == ITEMS and set(approvals.values()) == {1}
    legal_cards = [
        m
        for m in h.server.messages_in(HUKUM.user_id)
        if texts.BTN_APPROVE_SOURCES in m.button_texts
    ]
    assert len(legal_cards) == ITEMS  # one card per item, none twice
    for code in codes:
        status = await h.services.service.reads.status(code)
        assert status is not None and status[0].step is not None
        assert status[0].step.key == "setuju"


async def test_two_members_pressing_the_same_button_at_once_make_one_decision(
    make_harness: HarnessFactory,
) -> None:
    people = (*MEMBERS, WAKIL)
    async with make_harness(
        members=_member_table(people), role_chats={"kasubbag": ROLE_GROUP}
    ) as h:
        h.server.add_user(WAKIL.user_id, "Wati")
        h.server.mark_started(WAKIL.user_id)
        h.server.add_group(ROLE_GROUP, "Kasubbag Hukum")
        code = await flows.open_item(h)
        await flows.give_direction(h, code, chat=ROLE_GROUP)
        await flows.submit_design(h, code)
        card = await h.server.wait_for(
            lambda m: (
                m.chat_id == ROLE_GROUP and code in m.body and texts.BTN_APPROVE in m.button_texts
            )
        )
        both = await asyncio.gather(
            h.server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE, chat_id=ROLE_GROUP),
            h.server.press_button(WAKIL.user_id, card, texts.BTN_APPROVE, chat_id=ROLE_GROUP),
        )
        answers = [str((await h.server.wait_for_answer(q)).get("text")) for q in both]
        # Whoever won, the other is told who acted and when.
        approval = flows.approved(h, code, 1, "setuju")
        assert sorted(answers) in (
            sorted([approval, flows.already_decided(h, "approve", KASUBBAG)]),
            sorted([approval, flows.already_decided(h, "approve", WAKIL)]),
        ), answers
        await flows.review_card(h, code, 1, HUKUM)
        await h.settle()
        decided = [e for e in await _events(h) if (e[1], e[2]) == ("approve", "periksa")]
        assert len(decided) == 1
        legal_cards = [
            m
            for m in h.server.messages_in(HUKUM.user_id)
            if texts.BTN_APPROVE_SOURCES in m.button_texts
        ]
        assert len(legal_cards) == 1
