"""A question the bot asks with buttons (a receipt's "Selesai", a prompt's "Batal") is recorded
only once Telegram returns its message id, in a transaction of its own; another member's
decision may close the item in between, and that decision's retirements cannot see a message
not yet recorded. What the member sees must still be true: the question loses its buttons.

And the database checks the fuzz relies on know that an open question keeps its buttons."""

from __future__ import annotations

import re

from sqlalchemy import text as sql

from bot import texts
from tests import flows
from tests.harness import KASUBBAG, KOORDINATOR, Harness
from tests.invariants import assert_invariants, engine_of, violations

CODE = re.compile(r"JDIH-\d{4}-\d{4}")


async def test_a_receipt_sent_while_its_draft_is_cancelled_loses_its_selesai_button(
    harness: Harness,
) -> None:
    h = harness
    await h.say(KOORDINATOR, "/baru")
    asked = await h.say(KOORDINATOR, "PKPU Nomor 2 Tahun 2026")
    found = CODE.search(asked.body)
    assert found is not None, asked.body
    code = found.group()
    await h.settle()
    # Telegram accepts the receipt; its answer (the message id the bot records) is held
    # while the kasubbag cancels the draft
    receipt = h.server.hold(
        "sendMessage",
        lambda p: p.get("chat_id") == KOORDINATOR.user_id and "Materi ke-1" in str(p.get("text")),
        answered=True,
    )
    await h.server.send_text(KOORDINATOR.user_id, "Materi: https://jdih.kpu.go.id/pkpu-2-2026")
    await receipt.wait_held()
    await h.say(KASUBBAG, f"/batal {code}", expect=texts.TYPED_CANCEL_REASON)
    await h.say(KASUBBAG, "Sudah diatur dalam PKPU lain", expect=code)
    receipt.release()
    await h.settle()

    shown = [m for m in h.server.messages_in(KOORDINATOR.user_id) if "Materi ke-1" in m.body]
    assert [m.button_texts for m in shown] == [[]]  # nothing left to hand in
    await assert_invariants(h)
    # pressed by a client that had not yet seen the edit: refused, nothing changes
    answer = await h.server.wait_for_answer(
        await h.server.press_callback(
            KOORDINATOR.user_id,
            shown[0].message_id,
            KOORDINATOR.user_id,
            str(receipt.held[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]),
        )
    )
    said = str(answer.get("text"))
    assert said.startswith(texts.ALREADY_DECIDED.split("{")[0]), said
    assert texts.ACTION_LABELS["cancel"] in said and KASUBBAG.name in said, said
    await assert_invariants(h)


async def test_open_questions_keep_their_buttons_and_stale_ones_are_caught(
    harness: Harness,
) -> None:
    """The invariants the fuzz checks: a question still open (a draft's material, notes
    asked for the step the item is at) keeps its buttons; one about a step the item left,
    or a second one in the same chat, is named."""
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await h.press(KASUBBAG, card, texts.BTN_RETURN)  # its notes are asked, with "Batal"
    await h.say(KOORDINATOR, "/baru")
    await h.say(KOORDINATOR, "Keputusan KPU Nomor 10 Tahun 2026")  # material asked: "Selesai"
    await h.settle()
    engine, sop, calendar = engine_of(h), h.config.sop, h.config.calendar
    assert await violations(engine, sop, calendar, settled=True) == []

    async with engine.begin() as connection:
        # the first item's material receipts, long handed in, get their "Selesai" back
        await connection.execute(
            sql("UPDATE card_messages SET has_buttons = true WHERE kind = 'ask' AND version = 0")
        )
    found = "\n".join(await violations(engine, sop, calendar, settled=True))
    assert f"item {code}: message" in found and "(ask, None v0) keeps buttons" in found
    assert "item is active at periksa v1" in found
    assert f"chat {KOORDINATOR.user_id}: " in found and "questions keep buttons" in found
