"""The SOP end to end over real HTTP: the real bot, the local Bot API server, a database."""

from __future__ import annotations

from bot import texts
from tests import flows
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, OPERATOR2, Harness


async def test_item_goes_from_material_to_published(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    assert code == "JDIH-2026-0001"

    await flows.give_direction(h, code, "Buat infografis satu halaman.")
    brief = await flows.brief_for(h, code, OPERATOR)
    assert "Buat infografis satu halaman." in brief.body
    assert "Langkah 2" in brief.body
    # the material's PDF is re-sent to every operator by file_id, before the brief
    for operator in (OPERATOR, OPERATOR2):
        await h.server.wait_for(
            lambda m, chat=operator.user_id: (
                m.chat_id == chat and m.kind == "document" and m.file_name == "pkpu-2-2026.pdf"
            )
        )

    answer = await flows.submit_design(h, code)
    assert answer == texts.DONE_SUBMIT_DESIGN.format(
        code=code, version=1, role=flows.role_at(h, "periksa")
    )

    card = await flows.review_card(h, code, 1, KASUBBAG)
    assert "Caption postingan" in card.body
    assert await flows.approve_check(h, code, 1) == flows.approved(h, code, 1, "setuju")

    answer = await flows.approve_legal(h, code, 1)
    assert answer == flows.approved(h, code, 1, "unggah")
    await flows.order_upload(h, code)
    done = await flows.report_posted(h, code, links="https://instagram.com/p/abc123")
    assert done == texts.DONE_POSTED.format(code=code)

    notice = await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and "sudah dipublikasikan" in m.body
    )
    assert "https://instagram.com/p/abc123" in notice.body
    status = await h.say(HUKUM, f"/status {code}", expect="Riwayat")
    assert "dipublikasikan" in status.body
    for action in (
        "submit_material",
        "direct",
        "submit_design",
        "approve",
        "order_upload",
        "report_posted",
    ):
        assert texts.ACTION_LABELS[action] in status.body
    assert texts.BTN_APPROVE not in h.server.last_in(KASUBBAG.user_id).button_texts


async def test_published_item_is_archived_and_found_with_arsip(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h, "Keputusan KPU Nomor 5 Tahun 2026")
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)
    await flows.report_posted(h, code, links="https://facebook.com/kpu/posts/1")

    # the archive is written before the notices of the publication go out
    await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and "sudah dipublikasikan" in m.body
    )
    folder = h.config.archive_dir / "2026" / "11" / code
    answer = await h.say(KASUBBAG, "/arsip Keputusan", expect="Arsip digital")
    assert code in answer.body
    assert (folder / "metadata.json").is_file()
    before = h.mark()
    await h.press(KASUBBAG, answer, f"📁 {code}")
    summary = await h.server.wait_for_message(
        KASUBBAG.user_id, contains="ringkasan.html", after=before
    )
    assert summary.kind == "document"
    await h.server.wait_for_message(KASUBBAG.user_id, contains="desain-1.png", after=before)
