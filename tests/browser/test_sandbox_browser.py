"""The sandbox in a real browser: one person walks an item through the five SOP steps by
switching member on the page, pressing the bot's real buttons, uploading designs through the
file chooser, moving the sandbox clock for a reminder, and returning the first version.
Screenshots of each stage are saved to test-artifacts/sandbox/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import texts
from tests.browser.walk import (
    CODE,
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    OPERATOR,
    SEKRETARIS,
    TITLE,
    give_direction,
    hand_in_material,
    submit_design,
)

if TYPE_CHECKING:
    from tests.browser.sandbox_page import SandboxPage


async def test_an_item_walks_from_material_to_published_in_the_browser(
    sandbox_page: SandboxPage,
) -> None:
    ui = sandbox_page
    await hand_in_material(ui)
    # no receipt keeps "Selesai": each lost it to the newer one, the last to the hand-in
    await ui.expect_no_button(texts.BTN_MATERIAL_DONE)
    await ui.screenshot("receipts-without-old-buttons")
    # the kasubbag's card waits in a chat not shown: the member list says so
    await ui.page.locator("#members .member", has_text=KASUBBAG).locator(".badge").wait_for()
    await give_direction(ui)

    # Step 2 runs late: one hour on the sandbox clock brings the reminder.
    await ui.move_clock("+1 jam")
    await ui.select(OPERATOR)
    reminder = await ui.expect_bot("Pengingat", CODE, "sudah lewat 30 menit kerja")
    await ui.screenshot("operator-reminded")
    await ui.press(texts.BTN_SHOW_CARD, reminder)
    await ui.expect_toast(f"Kartu {CODE} dikirim ulang")
    await submit_design(ui, "Buat infografis 1 halaman", version=1)

    # Step 3: the kasubbag returns version 1 with notes.
    await ui.select(KASUBBAG)
    card = await ui.expect_bot(CODE, "Versi desain: 1", "Caption versi 1")
    preview = ui.messages.locator("img.photo").last
    # the review preview is a real picture the browser decodes (decode() fails on a broken one)
    assert await preview.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    await ui.screenshot("kasubbag-reviews-version-1")
    await ui.press(texts.BTN_RETURN, card)
    await ui.expect_bot(f"catatan perbaikan untuk {CODE} versi 1")
    await ui.say("Logo KPU terlalu kecil, perbesar.")
    await ui.expect_bot(f"{CODE} versi 1 dikembalikan")
    # the card itself now shows the decision instead of its buttons
    returned = ui.bot_message(CODE, "Versi desain: 1", "Dikembalikan oleh")
    await returned.wait_for()
    assert await returned.get_by_role("button", name=texts.BTN_APPROVE).count() == 0

    # Back at step 2: version 2.
    await ui.select(OPERATOR)
    await submit_design(ui, "Logo KPU terlalu kecil", version=2, reply=True)

    await ui.select(KASUBBAG)
    card = await ui.expect_bot(CODE, "Versi desain: 2")
    await ui.press(texts.BTN_APPROVE, card)
    await ui.expect_toast(f"Disetujui. {CODE} versi 2 diteruskan")

    # Step 4: the legal division checks the sources on the card and approves in one tap.
    await ui.select(HUKUM)
    card = await ui.expect_bot(CODE, "Versi desain: 2", "Sumber konten", "jdih.kpu.go.id")
    await ui.screenshot("divisi-hukum-approves-in-one-tap")
    await ui.press(texts.BTN_APPROVE_SOURCES, card)
    await ui.expect_toast(f"Disetujui. {CODE} versi 2 diteruskan")
    decided = ui.bot_message(CODE, "Versi desain: 2", "Sumber konten", "Disetujui oleh")
    await decided.wait_for()  # the card shows the decision instead of its buttons
    assert await decided.get_by_role("button", name=texts.BTN_APPROVE_SOURCES).count() == 0

    # Step 5: the kasubbag orders the upload; the operator gets the posting kit (the files,
    # the caption alone, the card) and reports the link.
    await ui.select(KASUBBAG)
    await ui.press(texts.BTN_ORDER_UPLOAD, await ui.expect_bot(CODE, "Langkah 5"))
    await ui.select(OPERATOR)
    kit_card = await ui.expect_bot(CODE, "laporkan tautannya")
    caption = ui.messages.locator(".msg.bot").filter(has_text="Caption versi 2").last
    assert (await caption.inner_text()).strip().startswith("Caption versi 2")
    assert "Caption versi 2" not in await kit_card.inner_text()
    await ui.screenshot("operator-posting-kit")
    await ui.press(texts.BTN_REPORT_POSTED, kit_card)
    await ui.expect_bot(f"tautan unggahan {CODE}")
    await ui.say("https://instagram.com/p/jdih-pkpu-2-2026")
    await ui.expect_bot(f"{CODE} tercatat sudah dipublikasikan")

    await ui.select(KOORDINATOR)
    await ui.expect_bot(f"{CODE} — {TITLE} sudah dipublikasikan")
    await ui.say(f"/status {CODE}")
    status = await ui.expect_bot("Riwayat", "dipublikasikan")
    for action in ("return", "approve", "order_upload", "report_posted"):
        assert texts.ACTION_LABELS[action] in await status.inner_text()
    await ui.screenshot("koordinator-sees-it-published")

    await ui.select(SEKRETARIS)
    await ui.expect_bot("Pengingat", CODE)  # the overseer heard of the late step too
    assert ui.errors == [], f"the page raised JavaScript errors: {ui.errors}"
