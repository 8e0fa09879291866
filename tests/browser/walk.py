"""The SOP's first steps on the sandbox page, as the members would take them (shared by the
browser test and the README screenshot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import texts
from sandbox.office import MEMBERS
from tests.flows import PDF
from tests.images import png_bytes

if TYPE_CHECKING:  # playwright is imported only where the browser tests run
    from tests.browser.sandbox_page import SandboxPage

KOORDINATOR, KASUBBAG, OPERATOR, HUKUM, SEKRETARIS = (m.name for m in MEMBERS)
CODE = "JDIH-2026-0001"
TITLE = "PKPU Nomor 2 Tahun 2026"


async def hand_in_material(ui: SandboxPage) -> None:
    await ui.select(KOORDINATOR)
    await ui.say("/baru")
    await ui.expect_bot("Kirim judul konten")
    await ui.say(TITLE)
    await ui.expect_bot(f"Item {CODE}", "Sekarang kirim materi")
    await ui.say("Materi: https://jdih.kpu.go.id/pkpu-2-2026")
    await ui.expect_bot("Materi ke-1 diterima")
    await ui.upload("pkpu-2-2026.pdf", "application/pdf", PDF)
    receipt = await ui.expect_bot("Materi ke-2 diterima")
    await ui.press(texts.BTN_MATERIAL_DONE, receipt)
    await ui.expect_toast(f"Materi {CODE} dikirim")


async def give_direction(ui: SandboxPage) -> None:
    await ui.select(KASUBBAG)
    card = await ui.expect_bot(CODE, "Langkah 1")
    # the PDF of the material came along as a document the page links to
    await ui.expect_bot("pkpu-2-2026.pdf")
    await ui.screenshot("kasubbag-gets-the-material")
    await ui.press(texts.BTN_WRITE_DIRECTION, card)
    await ui.expect_bot("Tulis arahan untuk")
    await ui.say("Buat infografis 1 halaman, logo KPU di kanan atas.")
    await ui.expect_bot(f"Arahan tersimpan. {CODE} diteruskan")


async def submit_design(
    ui: SandboxPage,
    brief_text: str,
    version: int,
    design: bytes | None = None,
    caption: str | None = None,
    reply: bool = False,
) -> None:
    """The operator picks the brief (its upload button, or ``reply``: answering the brief
    with the file), uploads a PNG through the page's file chooser and submits it."""
    brief = await ui.expect_bot(brief_text)
    if reply:
        await ui.reply_to(brief)
    else:
        await ui.press(texts.BTN_UPLOAD_HERE, brief)
        await ui.expect_toast(f"Kirim file desain untuk {CODE}")
    if design is None:
        design = png_bytes(1080, 1350, (30, 90, 160) if version == 1 else (20, 140, 90))
    await ui.upload(
        f"desain-v{version}.png", "image/png", design, caption or f"Caption versi {version}"
    )
    if reply:
        await ui.expect_sent_as_reply(f"desain-v{version}.png")
    receipt = await ui.expect_bot("Diterima: halaman 1", f"versi {version}")
    await ui.press(texts.BTN_SUBMIT_DESIGN, receipt)
    await ui.expect_toast(f"Desain {CODE} versi {version} dikirim")
