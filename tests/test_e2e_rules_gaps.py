"""Same-role gaps, pressed through the local Bot API server with forged button data: a member
holding the right role still may not act on a colleague's work, nor pull any item's card into
a chat; and "nobody approves their own design" covers every page of the version."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot import texts
from localbotapi import BotMessage
from storage.models import DesignFile, OutboxMessage
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    OPERATOR,
    OPERATOR2,
    SEKRETARIS,
    Harness,
    Person,
    office_with,
)
from tests.images import png_bytes

KOORDINATOR2 = Person(107, "Yanti Koordinator", ("koordinator",))
# one member, two roles: makes designs as an operator, checks them as the kasubbag
ANI = Person(108, "Ani Operator-Kasubbag", ("operator", "kasubbag"))
ELSEWHERE = -1009876543210  # a group the bot is in that gets no role's messages


def item_id_of(message: BotMessage) -> int:
    """The item id every button of a card or receipt carries (second field of its data)."""
    data = next(d for row in message.buttons for _, d in row)
    return int(data.split(":")[1])


async def forge(h: Harness, who: Person, data: str, chat_id: int | None = None) -> dict[str, str]:
    """A press with hand-made data, as a modified client sends it; returns the answer."""
    chat = who.user_id if chat_id is None else chat_id
    query = await h.server.press_callback(who.user_id, 1, chat, data)
    return await h.server.wait_for_answer(query)


async def status(h: Harness, code: str) -> str:
    return (await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")).body


async def design_pages(h: Harness, item_id: int) -> list[int]:
    """Who uploaded each page of the item (every version), oldest first."""
    async with h.engine.connect() as connection:
        found = await connection.execute(
            select(DesignFile.uploaded_by)
            .where(DesignFile.item_id == item_id)
            .order_by(DesignFile.id)
        )
        return list(found.scalars())


async def draft_with_material(h: Harness, who: Person) -> tuple[str, BotMessage]:
    """/baru, a title and a link: a draft whose material is ready to hand in."""
    await h.say(who, "/baru")
    prompt = await h.say(who, "Keputusan KPU Nomor 7 Tahun 2026")
    code = prompt.body.split("Item ")[1].split(" ")[0]
    receipt = await h.say(who, "Materi: https://jdih.kpu.go.id/kpt-7-2026")
    assert texts.BTN_MATERIAL_DONE in receipt.button_texts
    return code, receipt


async def at_design(h: Harness) -> tuple[str, BotMessage]:
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    return code, await flows.brief_for(h, code)


# --- a second koordinator and a colleague's draft --------------------------------------------


async def test_a_second_koordinator_cannot_hand_in_a_colleagues_draft(
    make_harness: HarnessFactory,
) -> None:
    async with office_with(make_harness, KOORDINATOR2) as h:
        code, receipt = await draft_with_material(h, KOORDINATOR)
        item_id = item_id_of(receipt)

        answer = await forge(h, KOORDINATOR2, f"md:{item_id}")

        assert answer.get("show_alert")
        assert answer["text"] == texts.DRAFT_OF_ANOTHER.format(
            code=code, creator=KOORDINATOR.name, roles="Kasubbag Hukum / Ketua Tim Teknis"
        )
        assert texts.STATUS_LABELS["draft"] in await status(h, code)
        assert h.server.messages_in(KOORDINATOR2.user_id) == []
        # the creator's own button still works
        assert "Langkah 1" in await h.press(KOORDINATOR, receipt, texts.BTN_MATERIAL_DONE)


async def test_the_kasubbag_may_hand_in_a_koordinators_draft(harness: Harness) -> None:
    h = harness
    code, receipt = await draft_with_material(h, KOORDINATOR)

    answer = await forge(h, KASUBBAG, f"md:{item_id_of(receipt)}")

    assert "Langkah 1" in answer["text"]
    assert "Langkah 1" in await status(h, code)


# --- a second operator and a colleague's draft pages -----------------------------------------


async def test_a_second_operator_cannot_delete_a_colleagues_draft_pages(
    harness: Harness,
) -> None:
    h = harness
    code, _ = await at_design(h)
    receipt = await flows.upload_design(h, code, OPERATOR)
    item_id = item_id_of(receipt)

    answer = await forge(h, OPERATOR2, f"dc:{item_id}:1")

    assert answer.get("show_alert")
    assert answer["text"] == texts.PAGES_OF_ANOTHER.format(
        code=code, version=1, names=OPERATOR.name
    )
    assert await design_pages(h, item_id) == [OPERATOR.user_id]
    # the page is still there to hand in
    assert "versi 1" in await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)


async def test_clearing_a_shared_draft_deletes_only_the_pressers_own_pages(
    harness: Harness,
) -> None:
    h = harness
    code, brief = await at_design(h)
    await flows.upload_design(h, code, OPERATOR)
    before = h.mark()
    await h.server.send_document(
        OPERATOR2.user_id,
        png_bytes(1080, 1350),
        "halaman-dedi.png",
        "image/png",
        reply_to=brief.message_id,
    )
    mine = await h.server.wait_for_message(OPERATOR2.user_id, after=before, contains="halaman 2")
    item_id = item_id_of(mine)

    answer = await h.press(OPERATOR2, mine, texts.BTN_CLEAR_DESIGN)

    assert answer == texts.DESIGN_CLEARED_OWN.format(
        code=code, version=1, kept=1, names=OPERATOR.name
    )
    assert await design_pages(h, item_id) == [OPERATOR.user_id]


# --- own design: a member with two roles -----------------------------------------------------


async def test_a_member_who_uploaded_a_page_cannot_approve_it_when_a_colleague_handed_it_in(
    make_harness: HarnessFactory,
) -> None:
    async with office_with(make_harness, ANI) as h:
        code, _ = await at_design(h)
        await flows.upload_design(h, code, ANI)  # Ani's page, as an operator
        receipt = await flows.upload_design(h, code, OPERATOR)  # Sari's page; Sari hands in
        assert "halaman 2" in receipt.body
        assert "versi 1" in await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)

        card = await flows.review_card(h, code, 1, ANI)
        answer = await h.press(ANI, card, texts.BTN_APPROVE)

        assert answer == texts.OWN_DESIGN
        assert texts.BTN_APPROVE in h.server.last_in(ANI.user_id).button_texts
        assert "Langkah 3" in await status(h, code)
        # the other kasubbag, who had no part in it, approves
        assert "Disetujui" in await flows.approve_check(h, code, 1, KASUBBAG)


# --- showing an item's card ------------------------------------------------------------------


# Issue 13: the card (with the acting role's buttons) goes to that role only; anyone else who
# asks for it, the overseer too, reads the item's status as /status tells it, with no button.


async def test_a_member_without_a_part_in_the_step_is_shown_the_status_not_the_card(
    harness: Harness,
) -> None:
    h = harness
    code, brief = await at_design(h)  # the operators must act now
    before = h.mark()

    answer = await forge(h, HUKUM, f"cd:{item_id_of(brief)}")

    assert not answer.get("show_alert")
    assert answer["text"] == texts.STATUS_SHOWN.format(code=code)
    await h.settle()
    shown = [m for m in h.server.sent[before:] if m.chat_id == HUKUM.user_id]
    told = await h.say(HUKUM, f"/status {code}", expect="Riwayat")
    assert [(m.body, m.button_texts) for m in shown] == [(told.body, [])]


async def test_the_card_is_not_pulled_into_a_group_that_gets_no_such_cards(
    harness: Harness,
) -> None:
    h = harness
    h.server.add_group(ELSEWHERE, "Grup keluarga")
    code, brief = await at_design(h)

    answer = await forge(h, OPERATOR, f"cd:{item_id_of(brief)}", chat_id=ELSEWHERE)

    assert answer.get("show_alert")
    assert answer["text"] == texts.CARD_NOT_FOR_CHAT.format(code=code)
    await h.settle()
    assert h.server.messages_in(ELSEWHERE) == []


async def test_the_overseer_reads_any_active_items_status_not_its_card(harness: Harness) -> None:
    h = harness
    code, brief = await at_design(h)
    before = h.mark()

    answer = await forge(h, SEKRETARIS, f"cd:{item_id_of(brief)}")

    assert answer["text"] == texts.STATUS_SHOWN.format(code=code)
    await h.settle()
    shown = [m for m in h.server.sent[before:] if m.chat_id == SEKRETARIS.user_id]
    assert len(shown) == 1 and "Langkah 2" in shown[0].body and code in shown[0].body
    assert shown[0].button_texts == [] and texts.BTN_UPLOAD_HERE not in shown[0].body


# --- a card already on its way is not queued again -------------------------------------------


async def test_thirty_taps_on_show_card_queue_the_card_once(harness: Harness) -> None:
    h = harness
    code, _ = await at_design(h)  # design due 09:30
    await h.settle()
    before = h.mark()
    h.clock.advance(timedelta(minutes=40))
    reminder = await h.server.wait_for_message(OPERATOR.user_id, contains="Pengingat", after=before)
    await h.settle()
    # Hold what the bot sends to the operator, so the first card stays undelivered while the
    # other taps come in (without the hold it might be delivered in between, and a new
    # request after delivery rightly queues the card again).
    sends = ("sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup")
    holds = [
        h.server.hold(method, lambda p: str(p.get("chat_id")) == str(OPERATOR.user_id))
        for method in sends
    ]
    pressed = h.mark()

    queries = [
        await h.server.press_button(OPERATOR.user_id, reminder, texts.BTN_SHOW_CARD)
        for _ in range(30)
    ]
    answers = [(await h.server.wait_for_answer(q, timeout=15))["text"] for q in queries]

    assert answers[0] == texts.CARD_RESENT.format(code=code)
    assert answers[1:] == [texts.CARD_ON_ITS_WAY.format(code=code)] * 29
    assert await card_rows(h, OPERATOR.user_id) == 2  # the brief, and the one shown again
    for hold in holds:
        hold.release()
    await h.settle()
    cards = [
        m
        for m in h.server.sent[pressed:]
        if m.chat_id == OPERATOR.user_id and texts.BTN_UPLOAD_HERE in m.button_texts
    ]
    assert len(cards) == 1 and code in cards[0].body


async def card_rows(h: Harness, chat_id: int) -> int:
    async with h.engine.connect() as connection:
        count = await connection.scalar(
            select(func.count()).where(
                OutboxMessage.chat_id == chat_id, OutboxMessage.kind == "card"
            )
        )
    return int(count or 0)
