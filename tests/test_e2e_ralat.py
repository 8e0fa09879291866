"""Ralat (issue 19) end to end over the local Bot API: a published item corrected as
version 2 through the whole SOP again, both versions kept (links in /status, files and
reasons in the archive), and each wrong request answered with what to do instead."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from html import escape

from bot import texts
from bot.domain.names import name_with_roles
from localbotapi import BotMessage
from tests import flows
from tests.flows import shown
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, SEKRETARIS, Harness, Person
from tests.images import png_bytes
from tests.invariants import assert_invariants

LINKS_V1 = "https://instagram.com/p/kpu-v1 https://facebook.com/jdih/posts/1"
LINKS_V2 = "https://instagram.com/p/kpu-v2"
REASON = "Nomor PKPU salah: seharusnya Nomor 3 Tahun 2026"


async def publish(h: Harness, title: str = "PKPU Nomor 2 Tahun 2026") -> str:
    """An item through the whole SOP (version 1), its links reported; returns its code."""
    return await flows.publish(h, title, LINKS_V1)


async def newest(h: Harness, who: Person, code: str, button: str, after: int) -> BotMessage:
    """The first message to `who` about `code` with `button`, sent after `after`."""
    return await h.server.wait_for(
        lambda m: (
            m.chat_id == who.user_id
            and code in m.body
            and button in m.button_texts
            and h.server.sent.index(m) >= after
        )
    )


async def status(h: Harness, who: Person, code: str) -> BotMessage:
    return await h.say(who, f"/status {code}", expect="Riwayat")


async def test_a_published_item_is_corrected_as_version_2_and_both_are_kept(
    harness: Harness,
) -> None:
    h = harness
    code = await publish(h)
    # the kasubbag's /status of the published item offers the correction; the operator's not
    card = await status(h, KASUBBAG, code)
    assert card.button_texts == [texts.BTN_CORRECT, texts.BTN_TAKEDOWN]
    assert (await status(h, OPERATOR, code)).button_texts == []

    h.clock.advance(timedelta(hours=1))
    answer = await h.press(KASUBBAG, card, texts.BTN_CORRECT)
    assert answer.startswith(f"✏️ Tulis alasan ralat item {code}")
    before = h.mark()
    confirmed = await h.say(KASUBBAG, REASON)
    operator = sop_role(h, "desain")
    assert confirmed.body == texts.DONE_CORRECT.format(code=code, version=1, role=operator)

    # the operator's design card carries the reason, as a Return's notes
    design_card = await newest(h, OPERATOR, code, texts.BTN_UPLOAD_HERE, before)
    assert f"Ralat: {REASON}" in design_card.body
    kasubbag = name_with_roles(KASUBBAG.name, [h.config.sop.role_title("kasubbag")])
    assert shown(texts.CARD_CORRECTION_NOTES.format(who=escape(kasubbag), notes=REASON)) in (
        design_card.body
    )
    # the creator and the overseer are told, with the reason
    for person in (KOORDINATOR, SEKRETARIS):
        told = await h.server.wait_for_message(person.user_id, after=before, contains="ralat")
        assert REASON in told.body and "versi 1" in told.body
    # /status: active again at the design step; the history names the correction
    now = (await status(h, KASUBBAG, code)).body
    assert "Langkah 2" in now and "Ralat diminta" in now and REASON in now
    assert (await status(h, KASUBBAG, code)).button_texts == []  # not published now

    # version 2 handed in, checked, approved (SOP 4b one tap), ordered, posted
    corrected = png_bytes(1080, 1350, (200, 30, 30))
    at = h.mark()
    await h.server.send_document(
        OPERATOR.user_id,
        corrected,
        "desain-ralat.png",
        "image/png",
        reply_to=design_card.message_id,
        caption="Caption terkoreksi",
    )
    receipt = await h.server.wait_for_message(OPERATOR.user_id, after=at)
    assert "versi 2" in receipt.body
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    await flows.approve_check(h, code, 2)
    await flows.approve_legal(h, code, 2)
    at = h.mark()
    order = await newest(h, KASUBBAG, code, texts.BTN_ORDER_UPLOAD, at - 50)
    await h.press(KASUBBAG, order, texts.BTN_ORDER_UPLOAD)
    post = await newest(h, OPERATOR, code, texts.BTN_REPORT_POSTED, at)
    h.clock.advance(timedelta(minutes=20))
    await h.press(OPERATOR, post, texts.BTN_REPORT_POSTED)
    await h.say(OPERATOR, LINKS_V2)
    await h.server.wait_for_message(KOORDINATOR.user_id, after=at, contains="sudah dipublikasikan")
    await h.settle()

    # /status: both link sets, the first version's marked replaced (when, by which version)
    final = await status(h, KASUBBAG, code)
    replaced_at = texts.fmt_moment_short(h.clock.now(), h.config.timezone)
    assert "Tautan unggahan versi 1:" in final.body and "Tautan unggahan versi 2:" in final.body
    assert f"https://instagram.com/p/kpu-v1 (diganti {replaced_at} oleh versi 2)" in final.body
    assert "https://instagram.com/p/kpu-v2" in final.body
    assert "https://instagram.com/p/kpu-v2 (diganti" not in final.body
    # published again: correctable (and removable) again
    assert final.button_texts == [texts.BTN_CORRECT, texts.BTN_TAKEDOWN]

    # the archive keeps both versions' files, both link sets, and the reason
    folder = h.config.archive_dir / "2026" / "11" / code
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert meta["approved_version"] == 2
    assert meta["post_links"] == ["https://instagram.com/p/kpu-v2"]
    designs = {f["version"]: f for f in meta["files"] if f["role"] == "desain"}
    assert sorted(designs) == [1, 2]
    assert designs[1]["path"].startswith("desain/versi-1/")
    assert designs[2]["path"] == "desain/versi-2/desain-ralat.png"
    assert (folder / designs[2]["path"]).read_bytes() == corrected
    assert (
        hashlib.sha256((folder / designs[1]["path"]).read_bytes()).hexdigest()
        == (designs[1]["sha256"])
    )
    first, second = meta["publications"]
    assert [link["url"] for link in first["links"]] == LINKS_V1.split()
    assert {link["state"] for link in first["links"]} == {"replaced"}
    assert [(link["url"], link["state"]) for link in second["links"]] == [
        ("https://instagram.com/p/kpu-v2", "live")
    ]
    assert first["correction"] is None
    assert second["correction"]["reason"] == REASON
    assert second["correction"]["name"] == KASUBBAG.name
    assert [a["name"] for a in second["approvals"]] == [KASUBBAG.name, HUKUM.name]
    assert [a["version"] for a in second["approvals"]] == [2, 2]
    summary = (folder / "ringkasan.html").read_text(encoding="utf-8")
    assert texts.SUMMARY_PUBLICATIONS in summary and escape(REASON) in summary
    assert "https://instagram.com/p/kpu-v1" in summary and "oleh versi 2" in summary
    await assert_invariants(h)


def sop_role(h: Harness, step_key: str) -> str:
    return flows.role_at(h, step_key)


async def test_wrong_correction_requests_each_say_what_to_do_instead(harness: Harness) -> None:
    h = harness
    sop = h.config.sop
    assert (await h.say(KASUBBAG, "/ralat")).body == shown(texts.NEED_CODE.format(command="ralat"))
    assert (await h.say(KASUBBAG, "/ralat JDIH-2099-0999")).body == shown(
        texts.ITEM_NOT_FOUND.format(code="JDIH-2099-0999")
    )

    # a draft, an item still running (at step 3), a cancelled one
    await h.say(KOORDINATOR, "/baru")
    prompt = await h.say(KOORDINATOR, "Draf yang belum diserahkan")
    draft = prompt.body.split("Item ")[1].split(" ")[0]
    assert (await h.say(KASUBBAG, f"/ralat {draft}")).body == texts.NOT_PUBLISHED_DRAFT.format(
        code=draft
    )
    running = await flows.open_item(h, "PKPU yang masih berjalan")
    await flows.give_direction(h, running)
    await flows.submit_design(h, running)
    check = sop.step("periksa")
    assert (await h.say(KASUBBAG, f"/ralat {running}", expect="belum")).body == (
        texts.NOT_PUBLISHED_ACTIVE.format(code=running, ref=check.ref, step=check.title)
    )
    await h.say(KASUBBAG, f"/batal {draft}", expect="alasan pembatalan")
    await h.say(KASUBBAG, "Tidak jadi", expect="dibatalkan")
    cancelled = texts.NOT_PUBLISHED_CANCELLED.format(code=draft)
    assert (await h.say(KASUBBAG, f"/ralat {draft}", expect="ralat")).body == cancelled

    # a member who may not ask is told who may
    code = await publish(h)
    refused = texts.NOT_CORRECTOR.format(roles=sop.role_titles(sop.openers))
    assert (await h.say(OPERATOR, f"/ralat {code}")).body == refused
    # a forged "✏️ Ralat" press by the operator is refused the same way
    card = await status(h, KASUBBAG, code)
    data = card.buttons[0][0][1]
    query = await h.server.press_callback(OPERATOR.user_id, card.message_id, card.chat_id, data)
    assert (await h.server.wait_for_answer(query)).get("text") == refused

    # an empty reason: said, and the question stays open
    await h.say(KASUBBAG, f"/ralat {code}", expect="alasan ralat")
    empty = await h.say(KASUBBAG, "   ", expect="kosong")
    assert empty.body == texts.NOTES_REQUIRED.format(what=texts.NOTES_WHAT["correct"])
    await h.say(KASUBBAG, "Tanggal terbit salah")
    await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR.user_id and "Ralat: Tanggal terbit salah" in m.body
    )

    # a second /ralat (and the old status card's button) while the first runs
    at = texts.fmt_moment_short(h.clock.now(), h.config.timezone)
    design = sop.design_step
    running_again = texts.CORRECTION_RUNNING.format(
        code=code, name=KASUBBAG.name, at=at, ref=design.ref, step=design.title
    )
    assert (await h.say(KOORDINATOR, f"/ralat {code}", expect="sudah berjalan")).body == (
        running_again
    )
    assert await h.press(KASUBBAG, card, texts.BTN_CORRECT) == running_again
    await assert_invariants(h)
