"""Makes docs/sandbox.png, the README's picture of the sandbox: the divisi hukum's chat with
the approved design, its card with the sources to check and the one-tap "Sumber sudah diperiksa
— Setujui" beside Kembalikan; and docs/sandbox-posting-kit.png, the operator's posting kit (the
approved file, the caption alone, the card with the report-links button).

    .venv/bin/python -m tests.browser.make_screenshot [OUTPUT.png]

Needs what the browser tests need (/usr/bin/chromium, the playwright package)."""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot import texts
from sandbox.launch import running
from sandbox.runtime import Options
from tests.browser.sandbox_page import SandboxPage, open_sandbox_page
from tests.browser.walk import (
    CODE,
    HUKUM,
    KASUBBAG,
    OPERATOR,
    TITLE,
    give_direction,
    hand_in_material,
)
from tests.browser.walk import submit_design as submit
from tests.harness import MONDAY_MORNING

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "bot" / "media" / "fonts"
KPU_RED = (153, 27, 30)
CAPTION = (
    "PKPU Nomor 2 Tahun 2026 mengatur perubahan tahapan dan jadwal. "
    "Selengkapnya di jdih.kpu.go.id #KPUPulangPisau #JDIH"
)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def design_png() -> bytes:
    """A plausible infographic, so the picture shows what an office would upload."""
    image = Image.new("RGB", (1080, 1350), (246, 244, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1080, 230), fill=KPU_RED)
    draw.text((70, 60), "JDIH KPU", font=_font(64, bold=True), fill="white")
    draw.text((70, 145), "Kabupaten Pulang Pisau", font=_font(40), fill=(255, 225, 225))
    draw.ellipse((860, 45, 1010, 195), fill=(250, 200, 40))
    draw.text((70, 310), "PKPU Nomor 2", font=_font(92, bold=True), fill=(30, 30, 30))
    draw.text((70, 420), "Tahun 2026", font=_font(92, bold=True), fill=(30, 30, 30))
    draw.text((70, 560), "Perubahan tahapan dan jadwal", font=_font(46), fill=(70, 70, 70))
    for row in range(4):
        top = 680 + row * 130
        draw.rounded_rectangle((70, top, 1010, top + 100), 24, fill=(255, 255, 255))
        draw.ellipse((100, top + 25, 150, top + 75), fill=KPU_RED)
        draw.rectangle((180, top + 30, 180 + 620 - row * 90, top + 48), fill=(190, 190, 190))
        draw.rectangle((180, top + 60, 180 + 420 - row * 40, top + 74), fill=(215, 215, 215))
    draw.text((70, 1250), "jdih.kpu.go.id", font=_font(38, bold=True), fill=KPU_RED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def make(output: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        options = Options(data_dir=Path(scratch) / "data", start=MONDAY_MORNING)
        async with (
            running(options, port=0) as live,
            open_sandbox_page(live, Path(scratch) / "profile", Path(scratch)) as ui,
        ):
            await ui.page.set_viewport_size({"width": 1280, "height": 1000})
            await hand_in_material(ui)
            await give_direction(ui)
            await ui.select(OPERATOR)
            await submit(ui, "Buat infografis 1 halaman", 1, design_png(), CAPTION)
            await ui.select(KASUBBAG)
            card = await ui.expect_bot(CODE, TITLE, "Versi desain: 1")
            await ui.press(texts.BTN_APPROVE, card)
            await ui.select(HUKUM)
            await ui.expect_bot(CODE, TITLE, "Versi desain: 1", "Sumber konten")
            await _shoot(ui, output, "img.photo")
            await ui.press(texts.BTN_APPROVE_SOURCES)
            await ui.select(KASUBBAG)
            await ui.press(texts.BTN_ORDER_UPLOAD, await ui.expect_bot(CODE, "Langkah 5"))
            await ui.select(OPERATOR)
            await ui.expect_bot(CODE, "laporkan tautannya")
            await _shoot(ui, kit_picture(output), None)


def kit_picture(output: Path) -> Path:
    return output.with_name(f"{output.stem}-posting-kit{output.suffix}")


async def _shoot(ui: SandboxPage, output: Path, image: str | None) -> None:
    """The chat scrolled to its end, with no toast over it (and the image decoded)."""
    if image is not None:
        picture = ui.messages.locator(image).last
        await picture.wait_for()
        await picture.evaluate("img => img.decode()")
    await ui.page.locator("#toasts").evaluate("box => box.replaceChildren()")
    await ui.page.locator("#messages").evaluate("box => box.scrollTop = box.scrollHeight")
    output.parent.mkdir(parents=True, exist_ok=True)
    await ui.page.screenshot(path=str(output))
    print(f"wrote {output}")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "sandbox.png"
    asyncio.run(make(target))
