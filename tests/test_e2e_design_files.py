"""Design files end to end (issue 4): what the operator may upload and what is refused, album
receipts, the reviewers' preview, approvals bound to the stored files, and the archive."""

from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
from PIL import Image
from pypdf.generic import NameObject, TextStringObject

from bot import texts
from bot.media.images import (
    DEFAULT_PLATFORMS,
    MAX_DOWNLOAD_BYTES,
    platform_warning,
)
from localbotapi import BotMessage
from tests import flows
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, OPERATOR2, Harness
from tests.images import (
    ELF_HEADER,
    FTYP,
    jpeg_bytes,
    mp4_bytes,
    pdf_bytes,
    pdf_with_open_action,
    png_bytes,
)

PNG = png_bytes(1080, 1350)
JAVASCRIPT_PDF = pdf_with_open_action(
    {"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.launchURL('http://x.id')")}
)
ELF_BEHIND_FTYP = FTYP + ELF_HEADER + bytes(2000)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"


def _noisy_png(width: int = 400, height: int = 500) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 80).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def _bomb_png() -> bytes:
    """A real 8000x6000 (48 MP) PNG: one colour, so it compresses to a few KB."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(buffer, format="PNG")
    return buffer.getvalue()


def _plain(html: str) -> str:
    return re.sub(r"</?b>", "", html)


async def _at_design(h: Harness, title: str = "PKPU Nomor 2 Tahun 2026") -> tuple[str, BotMessage]:
    code = await flows.open_item(h, title)
    await flows.give_direction(h, code)
    return code, await flows.brief_for(h, code)


async def _status(h: Harness, code: str) -> str:
    return (await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")).body


async def _send(
    h: Harness, reply_to: BotMessage, content: bytes, name: str, mime: str, **extra: object
) -> BotMessage:
    """The operator replies with a file as a document; returns the bot's first answer."""
    before = h.mark()
    await h.server.send_document(
        OPERATOR.user_id, content, name, mime, reply_to=reply_to.message_id, **extra
    )
    return await h.server.wait_for_message(OPERATOR.user_id, after=before)


async def _photo(h: Harness, reply_to: BotMessage, content: bytes, **extra: object) -> BotMessage:
    before = h.mark()
    await h.server.send_photo(
        OPERATOR.user_id, content, width=1080, height=1350, reply_to=reply_to.message_id, **extra
    )
    return await h.server.wait_for_message(OPERATOR.user_id, after=before)


def _size(h: Harness, get_file: dict[str, object]) -> int:
    return h.server.state.files[str(get_file["file_id"])].size


def _design_files(h: Harness) -> list[str]:
    """The files in the bot's store but the material's PDF (tests/flows.py sends it)."""
    material = hashlib.sha256(flows.PDF).hexdigest()
    return sorted(p.name for p in h.config.files_dir.glob("*/*") if p.stem != material)


# --- accepted uploads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "mime", "suffix"),
    [
        (PNG, "desain.png", "image/png", ".png"),
        (jpeg_bytes(1080, 1080), "desain.jpg", "image/jpeg", ".jpg"),
        (pdf_bytes(), "desain.pdf", "application/pdf", ".pdf"),
        (mp4_bytes(), "video.mp4", "video/mp4", ".mp4"),
    ],
    ids=["png", "jpeg", "pdf", "mp4"],
)
async def test_valid_file_is_accepted_with_a_receipt(
    harness: Harness, content: bytes, name: str, mime: str, suffix: str
) -> None:
    h = harness
    code, brief = await _at_design(h)
    receipt = await _send(h, brief, content, name, mime)
    # no warning: 1080x1350 and 1080x1080 fit Instagram
    added = texts.DESIGN_FILE_ADDED.format(count=1, code=code, version=1, name=name)
    assert receipt.body == _plain(added)
    assert texts.BTN_SUBMIT_DESIGN in receipt.button_texts
    digest = hashlib.sha256(content).hexdigest()
    kept = h.config.files_dir / digest[:2] / f"{digest}{suffix}"
    assert kept.read_bytes() == content  # the bot's own copy, named by its SHA-256
    submitted = texts.DONE_SUBMIT_DESIGN.format(
        code=code, version=1, role=flows.role_at(h, "periksa")
    )
    assert await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN) == submitted
    assert "Langkah 3" in await _status(h, code)


async def test_album_of_three_is_one_version_with_one_receipt(harness: Harness) -> None:
    h = harness
    code, brief = await _at_design(h)
    colours = [(240, 200, 0), (0, 170, 170), (120, 0, 200)]
    before = h.mark()
    for page, colour in enumerate(colours, 1):
        await h.server.send_document(
            OPERATOR.user_id,
            png_bytes(1080, 1350, colour),
            f"slide-{page}.png",
            "image/png",
            reply_to=brief.message_id,
            media_group_id="album-1",
            caption="Carousel PKPU" if page == 1 else None,
        )
    receipt = await h.server.wait_for_message(OPERATOR.user_id, contains="halaman 3", after=before)
    await h.server.wait_idle(quiet=0.3)
    assert [m for m in h.server.sent[before:] if m.chat_id == OPERATOR.user_id] == [receipt]
    assert f"halaman 3 untuk {code} versi 1 ({texts.ALBUM_NAME})" in receipt.body

    # the kasubbag's review: one preview photo first, then the three originals, then the card
    before = h.mark()
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    assert "Carousel PKPU" in card.body
    review = [m for m in h.server.sent[before:] if m.chat_id == KASUBBAG.user_id]
    review = review[: review.index(card) + 1]
    assert [m.kind for m in review] == ["photo", "document", "document", "document", "text"]
    preview = review[0]
    assert preview.caption == texts.PREVIEW_CAPTION.format(code=code, version=1)
    assert [m.file_name for m in review[1:4]] == ["slide-1.png", "slide-2.png", "slide-3.png"]

    sheet = Image.open(io.BytesIO(h.server.state.files[preview.file_id or ""].content))
    assert sheet.format == "JPEG"
    small = sheet.convert("RGB").resize((sheet.width // 16, sheet.height // 16))
    raw = small.tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    centres = []
    for colour in colours:  # one tile per page, in reading order on a 2x2 grid
        spots = [
            divmod(i, small.width)[::-1]
            for i, pixel in enumerate(pixels)
            if sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) < 60
        ]
        assert len(spots) > small.width * small.height // 10, f"no tile of colour {colour}"
        centres.append(
            (sum(x for x, _ in spots) / len(spots), sum(y for _, y in spots) / len(spots))
        )
    (x1, y1), (x2, y2), (x3, y3) = centres
    assert x1 < x2 and abs(y1 - y2) < 3  # pages 1 and 2 side by side
    assert y3 > y1 + 5 and abs(x3 - x1) < 3  # page 3 below page 1


# --- refused uploads change nothing -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "mime", "declared", "reason"),
    [
        (
            _noisy_png()[:3000],
            "desain.png",
            "image/png",
            None,
            texts.REASON_BROKEN.format(kind="PNG"),
        ),
        (
            _bomb_png(),
            "besar.png",
            "image/png",
            None,
            texts.REASON_TOO_MANY_PIXELS.format(
                width=8000, height=6000, megapixels="48", limit="40"
            ),
        ),
        (PNG, "poster.png", "image/png", 25 * 1024 * 1024, "File terlalu besar: 25"),
        (
            EXE,
            "desain.png",
            "image/png",
            None,
            texts.REASON_UNKNOWN_CONTENT.format(name="desain.png"),
        ),
        (
            JAVASCRIPT_PDF,
            "desain.pdf",
            "application/pdf",
            None,
            texts.REASON_PDF_ACTIVE.format(name="desain.pdf", what=texts.PDF_JAVASCRIPT),
        ),
        (
            ELF_BEHIND_FTYP,
            "video.mp4",
            "video/mp4",
            None,
            texts.REASON_MP4_MALFORMED.format(name="video.mp4"),
        ),
    ],
    ids=["truncated", "bomb", "over-20mb", "exe-renamed", "pdf-javascript", "elf-behind-ftyp"],
)
async def test_refused_file_is_explained_and_changes_nothing(
    harness: Harness, content: bytes, name: str, mime: str, declared: int | None, reason: str
) -> None:
    h = harness
    code, brief = await _at_design(h)
    status = await _status(h, code)
    assert "Langkah 2" in status
    before = h.mark()
    answer = await _send(h, brief, content, name, mime, declared_size=declared)
    assert reason in answer.body
    assert "Diterima" not in answer.body and not answer.button_texts
    if declared:
        assert "batasnya 20" in answer.body
        # never downloaded: either not asked for, or getFile refused it as Telegram does
        big = [c for c in h.server.calls("getFile") if _size(h, c) > MAX_DOWNLOAD_BYTES]
        assert len(big) == sum("too big" in e for _, e in h.server.errors)
    await h.server.wait_idle()
    assert not any(
        texts.BTN_SUBMIT_DESIGN in m.button_texts
        for m in h.server.sent[before:]
        if m.chat_id == OPERATOR.user_id
    )
    assert await _status(h, code) == status
    assert _design_files(h) == [] and not list((h.config.files_dir / "incoming").glob("*"))
    # the next good file is page 1: the refused one was never counted
    receipt = await _send(h, brief, PNG, "desain.png", "image/png")
    added = texts.DESIGN_FILE_ADDED.format(count=1, code=code, version=1, name="desain.png")
    assert receipt.body == _plain(added)


async def test_wrong_ratio_is_a_warning_not_a_refusal(harness: Harness) -> None:
    h = harness
    code, brief = await _at_design(h)
    receipt = await _send(h, brief, png_bytes(1000, 300), "banner.png", "image/png")
    assert f"halaman 1 untuk {code} versi 1 (banner.png)" in receipt.body
    warning = platform_warning(1000, 300, DEFAULT_PLATFORMS)
    assert warning is not None and "rasio 3,33:1" in warning
    assert warning in receipt.body
    assert texts.BTN_SUBMIT_DESIGN in receipt.button_texts


async def test_compressed_photo_tip_is_given_once_per_version(harness: Harness) -> None:
    h = harness
    code, brief = await _at_design(h)
    first = await _photo(h, brief, jpeg_bytes(1080, 1350))
    assert f"halaman 1 untuk {code} versi 1" in first.body
    assert texts.PHOTO_COMPRESSED_TIP in first.body
    second = await _photo(h, brief, jpeg_bytes(1080, 1350, (0, 120, 0)))
    assert "halaman 2" in second.body
    assert texts.PHOTO_COMPRESSED_TIP not in second.body


# --- approval bound to the file ---------------------------------------------------------------


async def test_new_upload_after_an_approval_is_version_2_back_at_check(harness: Harness) -> None:
    h = harness
    code, _ = await _at_design(h)
    receipt = await flows.upload_design(h, code)
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    await flows.approve_check(h, code, 1)
    assert "Langkah 4" in await _status(h, code)

    again = await _send(h, receipt, png_bytes(1080, 1350, (0, 90, 0)), "revisi.png", "image/png")
    assert f"halaman 1 untuk {code} versi 2 (revisi.png)" in again.body
    assert "versi 2" in await h.press(OPERATOR, again, texts.BTN_SUBMIT_DESIGN)
    status = await _status(h, code)
    assert "Langkah 3" in status and "Versi desain: 2" in status
    await flows.review_card(h, code, 2, KASUBBAG)


async def test_changed_stored_file_is_not_sent_and_kasubbag_is_told(harness: Harness) -> None:
    h = harness
    code, brief = await _at_design(h)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    (stored,) = h.config.files_dir.glob("*/*.png")
    stored.write_bytes(png_bytes(1080, 1350, (0, 0, 0)))  # someone edits the approved file

    before = h.mark()
    await flows.order_upload(h, code)
    told = await h.server.wait_for_message(
        KASUBBAG.user_id, contains="tidak lagi sama", after=before
    )
    operator = h.config.sop.role_title("operator")
    roles = {"poster": operator, "designer": operator, "ref": "3"}
    assert told.body == _plain(texts.FILE_CHANGED.format(code=code, version=1, pages="1", **roles))
    await h.server.wait_idle()
    for operator in (OPERATOR, OPERATOR2):
        assert [m for m in h.server.sent[before:] if m.chat_id == operator.user_id] == []

    # as the message says: a new upload starts the checks again
    receipt = await _send(h, brief, png_bytes(1080, 1350, (9, 9, 9)), "ulang.png", "image/png")
    assert "versi 2" in receipt.body
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    status = await _status(h, code)
    assert "Langkah 3" in status and "Versi desain: 2" in status


async def test_published_item_with_one_return_is_archived(harness: Harness) -> None:
    h = harness
    code, brief = await _at_design(h, "Keputusan KPU Nomor 7 Tahun 2026")
    first = await _send(h, brief, PNG, "desain-v1.png", "image/png")
    await h.press(OPERATOR, first, texts.BTN_SUBMIT_DESIGN)
    await flows.return_design(h, code, 1, KASUBBAG, "Logo KPU terlalu kecil")
    returned = await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR.user_id and "Logo KPU terlalu kecil" in m.body
    )
    await h.server.wait_idle()
    approved = png_bytes(1080, 1350, (20, 120, 220))
    second = await _send(h, returned, approved, "desain-v2.png", "image/png")
    assert "versi 2" in second.body
    await h.press(OPERATOR, second, texts.BTN_SUBMIT_DESIGN)
    await flows.approve_check(h, code, 2)
    await flows.approve_legal(h, code, 2)

    before = h.mark()
    await flows.order_upload(h, code)
    card = await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR.user_id and texts.BTN_REPORT_POSTED in m.button_texts
    )
    sent = [m for m in h.server.sent[before:] if m.chat_id == OPERATOR.user_id]
    document = sent[sent.index(card) - 1]
    assert document.kind == "document" and document.file_name == "desain-v2.png"
    assert h.server.state.files[document.file_id or ""].content == approved  # from disk, intact

    await flows.report_posted(h, code, links="https://instagram.com/p/kpu7")
    await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and "sudah dipublikasikan" in m.body
    )
    folder = h.config.archive_dir / "2026" / "11" / code
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert (folder / "ringkasan.html").is_file()
    assert meta["code"] == code and meta["approved_version"] == 2
    assert meta["post_links"] == ["https://instagram.com/p/kpu7"]
    returns = [d for d in meta["decisions"] if d["action"] == "Dikembalikan"]
    assert [(d["name"], d["notes"], d["version"]) for d in returns] == [
        ("Budi Kasubbag", "Logo KPU terlalu kecil", 1)
    ]
    approvals = [d["name"] for d in meta["decisions"] if d["action"] == "Disetujui"]
    assert approvals == ["Budi Kasubbag", HUKUM.name]
    designs = [f for f in meta["files"] if f["role"] == "desain"]
    assert [f["sha256"] for f in designs] == [hashlib.sha256(approved).hexdigest()]
    assert (folder / designs[0]["path"]).read_bytes() == approved

    found = await h.say(KASUBBAG, f"/arsip {code}", expect="Arsip digital")
    assert code in found.body and f"📁 {code}" in found.button_texts


# --- bugs ------------------------------------------------------------------------------------


async def test_refusal_naming_a_file_with_angle_brackets_reaches_the_operator(
    harness: Harness,
) -> None:
    h = harness
    _, brief = await _at_design(h)
    answer = await _send(h, brief, EXE, "brosur <final>.png", "image/png")
    assert answer.body == texts.REASON_UNKNOWN_CONTENT.format(name="brosur <final>.png")


async def test_album_of_compressed_photos_gets_the_tip(harness: Harness) -> None:
    h = harness
    code, brief = await _at_design(h)
    before = h.mark()
    for colour in ((200, 0, 0), (0, 0, 200)):
        await h.server.send_photo(
            OPERATOR.user_id,
            jpeg_bytes(1080, 1350, colour),
            width=1080,
            height=1350,
            reply_to=brief.message_id,
            media_group_id="album-2",
        )
    receipt = await h.server.wait_for_message(OPERATOR.user_id, contains="halaman 2", after=before)
    assert f"{code} versi 1 ({texts.ALBUM_NAME})" in receipt.body
    assert texts.PHOTO_COMPRESSED_TIP in receipt.body


async def test_file_just_over_20_mb_says_by_how_much(harness: Harness) -> None:
    h = harness
    _, brief = await _at_design(h)
    answer = await _send(
        h, brief, PNG, "desain.png", "image/png", declared_size=MAX_DOWNLOAD_BYTES + 1
    )
    assert answer.body == texts.REASON_TOO_BIG.format(size_mb="20,1", limit_mb="20")


async def test_resending_the_approved_file_after_a_change_repairs_the_store(
    harness: Harness,
) -> None:
    h = harness
    code, brief = await _at_design(h)
    await flows.submit_design(h, code)  # flows' PNG: png_bytes(1080, 1350)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    (stored,) = h.config.files_dir.glob("*/*.png")
    stored.write_bytes(png_bytes(1080, 1350, (0, 0, 0)))
    await flows.order_upload(h, code)
    await h.server.wait_for(lambda m: m.chat_id == KASUBBAG.user_id and "tidak lagi" in m.body)

    # the operator still has the approved file and sends it again, as FILE_CHANGED asks
    receipt = await _send(h, brief, PNG, "desain.png", "image/png")
    assert "versi 2" in receipt.body
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    await flows.approve_check(h, code, 2)
    await flows.approve_legal(h, code, 2)
    before = h.mark()
    await flows.order_upload(h, code)
    outcome = await h.server.wait_for(
        lambda m: (
            h.server.sent.index(m) >= before
            and (
                (m.chat_id == KASUBBAG.user_id and "tidak lagi sama" in m.body)
                or (m.chat_id == OPERATOR.user_id and texts.BTN_REPORT_POSTED in m.button_texts)
            )
        )
    )
    assert outcome.chat_id == OPERATOR.user_id, outcome.body
    assert stored.read_bytes() == PNG
