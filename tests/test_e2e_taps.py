"""A phone needs few taps (issue 13): the divisi hukum approves with one tap on the card, the
operator's posting kit puts the caption alone in its own message, and /tugas brings a waiting
item's card with one press."""

from __future__ import annotations

from pathlib import Path

import bot.domain
from bot import texts
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, Harness

LINK = "https://jdih.kpu.go.id/pkpu-2-2026"  # the material flows.open_item hands in
CAPTION = "PKPU 2/2026: <b>jadwal</b> & tahapan baru.\n#KPUPulangPisau #JDIH"


async def _at_legal_review(h: Harness) -> str:
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    return code


async def _step_of(h: Harness, code: str) -> str | None:
    status = await h.services.service.reads.status(code)
    assert status is not None
    return status[0].step.key if status[0].step is not None else None


async def test_the_divisi_hukum_approves_with_one_tap_on_the_card(harness: Harness) -> None:
    h = harness
    code = await _at_legal_review(h)
    card = await flows.review_card(h, code, 1, HUKUM)
    # the card itself holds the sources to check and the one button that says it
    assert card.button_texts == [texts.BTN_APPROVE_SOURCES, texts.BTN_RETURN]
    assert LINK in card.body and "pkpu-2-2026.pdf" in card.body
    assert texts.CARD_SOURCES.split("{")[0] in card.body
    before = h.mark()
    answer = await h.press(HUKUM, card, texts.BTN_APPROVE_SOURCES)
    assert answer == flows.approved(h, code, 1, "unggah")
    assert await _step_of(h, code) == "unggah"
    await flows.order_upload(h, code)  # the kasubbag's step-5 card came
    await h.settle()
    # no second message to confirm in: the one tap was the approval
    assert not [m for m in h.server.sent[before:] if m.chat_id == HUKUM.user_id and m.button_texts]
    assert not card.button_texts and "Disetujui oleh" in card.body  # the card shows it


def _sop_confirming_at_periksa(folder: Path) -> Path:
    """The default SOP, but the kasubbag's review (step 3) is the one that confirms the
    sources, and the divisi hukum's approval does not."""
    text = (Path(bot.domain.__file__).parent / "sop_default.toml").read_text(encoding="utf-8")
    assert text.count("confirm_sources = true\n") == 1
    text = text.replace("confirm_sources = true\n", "")
    text = text.replace(
        'return_to = "desain"\n', 'return_to = "desain"\nconfirm_sources = true\n', 1
    )
    path = folder / "sop_sources_at_3.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_sop_data_says_which_step_confirms_the_sources(
    make_harness: HarnessFactory, tmp_path: Path
) -> None:
    async with make_harness(sop={"file": str(_sop_confirming_at_periksa(tmp_path))}) as h:
        code = await flows.open_item(h)
        await flows.give_direction(h, code)
        await flows.submit_design(h, code)
        check = await flows.review_card(h, code, 1, KASUBBAG)
        assert check.button_texts == [texts.BTN_APPROVE_SOURCES, texts.BTN_RETURN]
        answer = await h.press(KASUBBAG, check, texts.BTN_APPROVE_SOURCES)
        assert answer == flows.approved(h, code, 1, "setuju")
        legal = await flows.review_card(h, code, 1, HUKUM)
        assert legal.button_texts == [texts.BTN_APPROVE, texts.BTN_RETURN]
        assert await h.press(HUKUM, legal, texts.BTN_APPROVE) == flows.approved(
            h, code, 1, "unggah"
        )


async def test_the_operator_gets_a_posting_kit_with_the_caption_alone(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    receipt = await flows.upload_design(h, code, caption=CAPTION)
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    before = h.mark()
    await flows.order_upload(h, code)
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == OPERATOR.user_id
            and code in m.body
            and texts.BTN_REPORT_POSTED in m.button_texts
        )
    )
    kit = [m for m in h.server.sent[before:] if m.chat_id == OPERATOR.user_id]
    kit = kit[: kit.index(card) + 1]
    # the approved file, then the caption alone, exactly as written, then the card
    assert [m.kind for m in kit] == ["document", "text", "text"]
    assert kit[0].file_name == "desain-1.png"
    assert kit[1].body == CAPTION and not kit[1].raw.get("entities")
    assert not kit[1].button_texts
    assert "jadwal" not in card.body
    assert texts.CARD_CAPTION_ABOVE in card.body
    assert await flows.report_posted(h, code) == texts.DONE_POSTED.format(code=code)


async def test_tugas_brings_a_waiting_items_card_with_one_press(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    first = await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and texts.BTN_WRITE_DIRECTION in m.button_texts
    )
    tasks = await h.say(KASUBBAG, "/tugas", expect="Tugas Anda")
    button = texts.BTN_TASK_CARD.format(code=code)
    assert tasks.button_texts == [button]
    before = h.mark()
    answer = await h.press(KASUBBAG, tasks, button)
    assert answer == texts.CARD_RESENT.format(code=code)
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and code in m.body
            and texts.BTN_WRITE_DIRECTION in m.button_texts
            and m is not first
        )
    )
    assert h.server.sent.index(card) >= before
    await h.press(KASUBBAG, card, texts.BTN_WRITE_DIRECTION)
    await h.say(KASUBBAG, "Buat infografis 1 halaman.")
    await flows.brief_for(h, code)  # the card's button worked: step 2 began


async def test_tugas_gives_no_card_button_for_a_draft(harness: Harness) -> None:
    h = harness
    await h.say(KOORDINATOR, "/baru")
    await h.say(KOORDINATOR, "Draf pengumuman JDIH")
    tasks = await h.say(KOORDINATOR, "/tugas", expect="Draf")
    assert "Draf pengumuman JDIH" in tasks.body
    assert tasks.button_texts == []
