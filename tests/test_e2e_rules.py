"""The SOP's rules as members meet them: returns, wrong roles, double taps, stale buttons,
several items at once, strangers, cancellation."""

from __future__ import annotations

from bot import texts
from bot.delivery.frontdoor import ANSWER_EVERY
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    OPERATOR,
    OPERATOR2,
    STRANGER,
    Harness,
)
from tests.images import png_bytes


async def _at_check(
    h: Harness, title: str = "PKPU Nomor 2 Tahun 2026", chat: int | None = None
) -> str:
    code = await flows.open_item(h, title)
    await flows.give_direction(h, code, chat=chat)
    await flows.submit_design(h, code)
    return code


async def _status(h: Harness, code: str) -> str:
    return (await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")).body


async def test_returns_at_check_and_legal_approval_then_version_3_is_approved(
    harness: Harness,
) -> None:
    h = harness
    code = await _at_check(h)
    answer = await flows.return_design(h, code, 1, KASUBBAG, "Logo KPU terlalu kecil")
    assert answer == flows.returned(h, code)
    brief = await h.server.wait_for(
        lambda m: (
            m.chat_id == OPERATOR.user_id
            and "Logo KPU terlalu kecil" in m.body
            and texts.BTN_UPLOAD_HERE in m.button_texts
        )
    )
    assert "Dikembalikan oleh Budi Kasubbag" in brief.body

    receipt = await flows.upload_design(h, code)
    assert "versi 2" in receipt.body
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    await flows.approve_check(h, code, 2)
    await flows.return_design(h, code, 2, HUKUM, "Nomor pasal salah, sumber: Pasal 5")
    # the kasubbag hears of the legal division's return
    await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and "dikembalikan untuk diperbaiki" in m.body
            and "Nomor pasal salah" in m.body
        )
    )
    assert "versi 3" in await flows.submit_design(h, code)
    await flows.approve_check(h, code, 3)
    assert await flows.approve_legal(h, code, 3) == flows.approved(h, code, 3, "unggah")
    await flows.order_upload(h, code)
    status = await _status(h, code)
    assert "Langkah 5: Mengunggah" in status and "Versi desain: 3" in status
    assert status.count("Dikembalikan") == 2


async def test_return_needs_notes(harness: Harness) -> None:
    h = harness
    code = await _at_check(h)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await h.press(KASUBBAG, card, texts.BTN_RETURN)
    answer = await h.say(KASUBBAG, "   ")
    assert answer.body != ""
    assert "Langkah 3" in await _status(h, code)


async def test_wrong_role_press_in_a_group_is_refused_and_changes_nothing(
    make_harness: HarnessFactory,
) -> None:
    group = -1001234567890
    async with make_harness(role_chats={"kasubbag": group}) as h:
        h.server.add_group(group, "Tim Teknis JDIH")
        code = await _at_check(h, chat=group)
        card = await h.server.wait_for(
            lambda m: m.chat_id == group and code in m.body and texts.BTN_APPROVE in m.button_texts
        )
        answer = await h.press(OPERATOR2, card, texts.BTN_APPROVE, chat_id=group)
        assert answer == texts.NOT_YOUR_STEP.format(roles=flows.role_at(h, "periksa"))
        assert texts.BTN_APPROVE in h.server.last_in(group).button_texts
        assert "Langkah 3" in await _status(h, code)
        # the kasubbag presses the same card in the group: it counts
        answer = await h.press(KASUBBAG, card, texts.BTN_APPROVE, chat_id=group)
        assert answer == flows.approved(h, code, 1, "setuju")


async def test_double_tap_applies_once_and_tells_who_acted(harness: Harness) -> None:
    h = harness
    code = await _at_check(h)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    first = await h.server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
    second = await h.server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
    answers = [(await h.server.wait_for_answer(query)).get("text", "") for query in (first, second)]
    assert answers == [
        flows.approved(h, code, 1, "setuju"),
        flows.already_decided(h, "approve", KASUBBAG),
    ]
    status = await _status(h, code)
    assert status.count("— Disetujui —") == 1
    assert "Langkah 4" in status
    # the card gave way to the decision
    edited = await h.server.wait_for(
        lambda m: (
            m.message_id == card.message_id and m.chat_id == card.chat_id and not m.button_texts
        )
    )
    assert "Disetujui oleh Budi Kasubbag" in edited.body


async def test_button_from_version_1_is_stale_after_version_2(harness: Harness) -> None:
    h = harness
    code = await _at_check(h)
    old_card = await flows.review_card(h, code, 1, KASUBBAG)
    old_data = next(d for t, d in old_card.buttons[0] if t == texts.BTN_APPROVE)
    await flows.return_design(h, code, 1, KASUBBAG, "Perbaiki warna")
    await flows.submit_design(h, code)
    await flows.review_card(h, code, 2, KASUBBAG)

    query = await h.server.press_callback(
        KASUBBAG.user_id, old_card.message_id, KASUBBAG.user_id, old_data
    )
    answer = (await h.server.wait_for_answer(query)).get("text", "")
    assert answer == flows.already_decided(h, "return", KASUBBAG)
    status = await _status(h, code)
    assert "Langkah 3" in status and "Versi desain: 2" in status
    assert "— Disetujui —" not in status


async def test_operator_with_two_items_picks_the_item_for_an_upload(harness: Harness) -> None:
    h = harness
    first = await flows.open_item(h, "PKPU Nomor 2 Tahun 2026")
    await flows.give_direction(h, first)
    second = await flows.open_item(h, "Keputusan KPU Nomor 10 Tahun 2026")
    await flows.give_direction(h, second)
    await flows.brief_for(h, second)

    before = h.mark()
    await h.server.send_document(OPERATOR.user_id, png_bytes(1080, 1080), "a.png", "image/png")
    question = await h.server.wait_for_message(OPERATOR.user_id, after=before)
    assert "item yang mana" in question.body
    assert any(second in label for label in question.button_texts)
    label = next(label for label in question.button_texts if second in label)
    await h.press(OPERATOR, question, label)
    receipt = await h.server.wait_for(
        lambda m: (
            m.chat_id == OPERATOR.user_id and "Diterima: halaman 1" in m.body and second in m.body
        )
    )
    assert "versi 1" in receipt.body

    # a reply to the first item's brief lands on the first item, whatever was picked before
    brief = await flows.brief_for(h, first)
    before = h.mark()
    await h.server.send_document(
        OPERATOR.user_id, png_bytes(1080, 1080), "b.png", "image/png", reply_to=brief.message_id
    )
    receipt = await h.server.wait_for_message(OPERATOR.user_id, after=before)
    added = texts.DESIGN_FILE_ADDED.format(count=1, code=first, version=1, name="b.png")
    assert receipt.body == flows.shown(added)
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    assert "Langkah 3" in await _status(h, first)
    assert "Langkah 2" in await _status(h, second)


async def test_unknown_user_is_told_their_id(harness: Harness) -> None:
    h = harness
    answer = await h.say(STRANGER, "halo")
    assert str(STRANGER.user_id) in answer.body
    assert "admin" in answer.body
    h.clock.advance(ANSWER_EVERY)  # a non-member is answered once per ten minutes
    query = await h.server.press_callback(STRANGER.user_id, 1, STRANGER.user_id, "ap:1:periksa:1")
    alert = await h.server.wait_for_answer(query)
    assert str(STRANGER.user_id) in alert["text"] and alert.get("show_alert")


async def test_kasubbag_cancels_an_item_with_a_reason(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    brief = await flows.brief_for(h, code)

    refused = await h.say(OPERATOR, f"/batal {code}")
    assert "Hanya" in refused.body or "hanya" in refused.body
    prompt = await h.say(KASUBBAG, f"/batal {code}")
    assert "alasan pembatalan" in prompt.body
    done = await h.say(KASUBBAG, "Peraturan dicabut")
    assert done.body == texts.DONE_CANCEL.format(code=code)
    await h.server.wait_for(
        lambda m: (
            m.chat_id == KOORDINATOR.user_id
            and "dibatalkan" in m.body
            and "Peraturan dicabut" in m.body
        )
    )
    retired = await h.server.wait_for(
        lambda m: (
            m.message_id == brief.message_id and m.chat_id == brief.chat_id and not m.button_texts
        )
    )
    assert "Dibatalkan" in retired.body
    answer = await h.press(OPERATOR, brief, texts.BTN_UPLOAD_HERE) if brief.button_texts else ""
    assert "dibatalkan" in (await _status(h, code))
    assert answer == "" or "Tidak" in answer or "sudah" in answer.lower()


async def test_status_of_a_wrong_code_is_explained(harness: Harness) -> None:
    h = harness
    answer = await h.say(KASUBBAG, "/status JDIH-2099-9999")
    assert "tidak ditemukan" in answer.body
    answer = await h.say(KASUBBAG, "/status")
    assert "/status JDIH-2026-0001" in answer.body


async def test_tugas_lists_what_waits_for_me(harness: Harness) -> None:
    h = harness
    code = await _at_check(h)
    # the step 3 card may still be on its way to the kasubbag: wait for the list itself
    mine = await h.say(KASUBBAG, "/tugas", expect="Tugas Anda")
    assert code in mine.body and "Langkah 3" in mine.body
    theirs = await h.say(HUKUM, "/tugas", expect="Tidak ada tugas")
    assert code not in theirs.body


async def test_a_member_who_blocked_the_bot_is_reported_to_admin_and_kasubbag(
    harness: Harness,
) -> None:
    h = harness
    h.server.block(OPERATOR2.user_id)
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    # the other operator still gets the brief; the kasubbag (admin here) hears of the block
    await flows.brief_for(h, code, OPERATOR)
    report = await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and "tidak dapat mengirim pesan" in m.body
    )
    assert "Dedi Operator" in report.body and str(OPERATOR2.user_id) in report.body
