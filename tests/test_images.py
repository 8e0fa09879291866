"""Checking uploaded design files, platform size advice, and the review contact sheet."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from bot import texts
from bot.media import preview
from bot.media.images import (
    DEFAULT_PLATFORMS,
    MAX_DOWNLOAD_BYTES,
    DesignFileRejected,
    FileCheck,
    FileKind,
    check_design_file,
    platform_warning,
    sniff,
)
from bot.media.preview import FONT_DIR, contact_sheet
from tests.images import jpeg_bytes, mp4_bytes, pdf_bytes, png_bytes

MP4_BYTES = mp4_bytes()
PDF_BYTES = pdf_bytes()
RED, GREEN, BLUE = (220, 20, 20), (20, 160, 20), (20, 20, 220)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check(path: Path, name: str | None = None, mime: str | None = None, **kw: int) -> FileCheck:
    return check_design_file(path, declared_name=name or path.name, declared_mime=mime, **kw)


def rejection(path: Path, name: str | None = None, mime: str | None = None, **kw: int) -> str:
    with pytest.raises(DesignFileRejected) as caught:
        check(path, name, mime, **kw)
    return caught.value.reason


def noisy_png(width: int, height: int) -> bytes:
    """A PNG that does not compress, so cutting it short really loses image data."""
    pixels = random.Random(7).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose IHDR (with a valid CRC) claims another size: a bomb in a few bytes."""
    data = png_bytes(1, 1)
    ihdr = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + ihdr + zlib.crc32(ihdr).to_bytes(4, "big") + data[33:]


def rotated_jpeg(width: int, height: int, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), RED).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


# --- sniffing and checking ----------------------------------------------------------------


def test_sniff_reads_the_magic_bytes_not_the_name() -> None:
    assert sniff(png_bytes(2, 2)[:16]) is FileKind.PNG
    assert sniff(jpeg_bytes(2, 2)[:16]) is FileKind.JPEG
    assert sniff(PDF_BYTES[:16]) is FileKind.PDF
    assert sniff(MP4_BYTES[:64]) is FileKind.MP4
    assert sniff(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00") is None  # iPhone photo, not video
    assert sniff(b"\x7fELF\x02\x01\x01\x00") is None
    assert sniff(b"") is None


def test_valid_png_reports_kind_size_hash_and_pixels(tmp_path: Path) -> None:
    data = png_bytes(1080, 1350)
    path = write(tmp_path, "poster.png", data)

    result = check(path, mime="image/png")

    assert result == FileCheck(
        kind=FileKind.PNG,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=1080,
        height=1350,
    )


def test_valid_jpeg_reports_its_pixels(tmp_path: Path) -> None:
    path = write(tmp_path, "foto.jpg", jpeg_bytes(1200, 630))

    result = check(path, mime="image/jpeg")

    assert (result.kind, result.width, result.height) == (FileKind.JPEG, 1200, 630)


def test_pdf_and_mp4_are_accepted_without_pixel_size(tmp_path: Path) -> None:
    pdf = check(write(tmp_path, "naskah.pdf", PDF_BYTES), mime="application/pdf")
    mp4 = check(write(tmp_path, "video.mp4", MP4_BYTES), mime="video/mp4")

    assert (pdf.kind, pdf.width, pdf.height) == (FileKind.PDF, None, None)
    assert (mp4.kind, mp4.size, mp4.width) == (FileKind.MP4, len(MP4_BYTES), None)


def test_pdf_cut_short_is_refused_as_broken(tmp_path: Path) -> None:
    path = write(tmp_path, "naskah.pdf", PDF_BYTES[:30])

    assert rejection(path) == texts.REASON_BROKEN.format(kind="PDF")


def test_truncated_png_is_refused_as_broken(tmp_path: Path) -> None:
    data = noisy_png(200, 200)
    path = write(tmp_path, "poster.png", data[: len(data) // 2])

    assert rejection(path) == texts.REASON_BROKEN.format(kind="PNG")


def test_truncated_jpeg_is_refused_as_broken(tmp_path: Path) -> None:
    data = jpeg_bytes(400, 400)
    path = write(tmp_path, "foto.jpg", data[: len(data) // 2])

    assert rejection(path) == texts.REASON_BROKEN.format(kind="JPEG")


def test_jpeg_with_damaged_image_data_is_refused_as_broken(tmp_path: Path) -> None:
    # the check decodes a JPEG at a reduced scale; every byte of its image data still counts
    data = jpeg_bytes(400, 400)
    middle = data.index(b"\xff\xda") + (len(data) - data.index(b"\xff\xda")) // 2
    path = write(tmp_path, "foto.jpg", data[:middle] + bytes(2000) + data[middle + 2000 :])

    assert rejection(path) == texts.REASON_BROKEN.format(kind="JPEG")


def test_large_jpeg_reports_its_full_size_turned_by_its_exif(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), BLUE).save(buffer, format="JPEG", exif=exif)
    path = write(tmp_path, "foto.jpg", buffer.getvalue())

    result = check(path, mime="image/jpeg")

    assert (result.width, result.height) == (3000, 4000)


def test_png_whose_header_claims_a_huge_image_is_refused_before_decoding(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.png", png_claiming(20_000, 20_000))
    pillow_limit = Image.MAX_IMAGE_PIXELS

    reason = rejection(path)

    assert "20000x20000" in reason
    assert "400 megapiksel" in reason and "batasnya 40 megapiksel" in reason
    assert Image.MAX_IMAGE_PIXELS == pillow_limit  # the process-wide limit is left alone


def test_image_over_a_lower_pixel_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "besar.png", png_bytes(1000, 1000))

    reason = rejection(path, max_pixels=500_000)

    assert reason.startswith("Gambar terlalu besar: 1000x1000 piksel (1 megapiksel)")
    assert check(path, max_pixels=1_000_000).width == 1000  # exactly at the limit is fine


def test_file_over_twenty_megabytes_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = write(tmp_path, "besar.png", png_bytes(10, 10))
    with path.open("r+b") as file:
        file.truncate(MAX_DOWNLOAD_BYTES + 1)  # sparse: the test stays fast

    assert rejection(path) == texts.REASON_TOO_BIG.format(size_mb="20,1", limit_mb="20")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    assert "kosong" in rejection(write(tmp_path, "desain.png", b""))


def test_executable_renamed_png_is_refused_as_unknown_content(tmp_path: Path) -> None:
    path = write(tmp_path, "x", b"\x7fELF\x02\x01\x01\x00" + bytes(500))

    reason = rejection(path, name="desain.png", mime="image/png")

    assert reason == texts.REASON_UNKNOWN_CONTENT.format(name="desain.png")
    assert "bukan gambar PNG/JPEG, PDF, atau MP4" in reason


def test_heic_photo_gets_its_own_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "IMG_0001.heic", b"\x00\x00\x00\x18ftypheic" + bytes(100))

    assert rejection(path) == texts.REASON_HEIC


def test_name_saying_pdf_with_png_content_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "poster.pdf", png_bytes(10, 10))

    reason = rejection(path)

    assert reason == texts.REASON_NAME_MISMATCH.format(
        extension=".pdf", actual="PNG", expected="poster.png"
    )
    assert reason.startswith("Nama file berakhiran .pdf, tetapi isinya PNG.")


def test_mime_saying_image_with_pdf_content_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "naskah", PDF_BYTES)

    reason = rejection(path, mime="image/png")
    assert reason == texts.REASON_MIME_MISMATCH.format(declared="PNG", actual="PDF")
    assert "image/png" not in reason  # the kind in words, never the raw MIME type (issue 13)


def test_jpeg_named_png_is_accepted_as_jpeg(tmp_path: Path) -> None:
    # Design apps often mix the two up; both are images the bot can show, so content wins.
    path = write(tmp_path, "poster.png", jpeg_bytes(100, 80))

    assert check(path, mime="image/png").kind is FileKind.JPEG


def test_unknown_extension_does_not_matter_when_content_is_supported(tmp_path: Path) -> None:
    path = write(tmp_path, "desain.bin", png_bytes(10, 10))

    assert check(path, mime="application/octet-stream").kind is FileKind.PNG


def test_phone_photo_rotated_by_exif_reports_the_rotated_size(tmp_path: Path) -> None:
    turned = write(tmp_path, "turned.jpg", rotated_jpeg(400, 300, orientation=6))
    upside_down = write(tmp_path, "flipped.jpg", rotated_jpeg(400, 300, orientation=3))

    assert (check(turned).width, check(turned).height) == (300, 400)
    assert (check(upside_down).width, check(upside_down).height) == (400, 300)


# --- platform advice -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [(1080, 1350), (1080, 1080), (1080, 1920), (1200, 630), (1200, 628), (1920, 1080)],
)
def test_sizes_that_fit_a_platform_get_no_warning(width: int, height: int) -> None:
    assert platform_warning(width, height, DEFAULT_PLATFORMS) is None


def test_wrong_ratio_warning_names_the_size_ratio_and_what_fits() -> None:
    warning = platform_warning(1000, 300, DEFAULT_PLATFORMS)

    assert warning is not None
    assert "Ukuran 1000x300 (rasio 3,33:1) tidak cocok" in warning
    assert "Instagram feed 4:5 (1080x1350)" in warning
    assert "X 16:9 (1600x900)" in warning


def test_fitting_ratio_but_low_resolution_is_warned() -> None:
    warning = platform_warning(540, 675, DEFAULT_PLATFORMS)

    assert warning is not None
    assert "cocok untuk Instagram feed 4:5" in warning
    assert "kurang dari 1080 piksel" in warning


def test_platform_warning_respects_the_tolerance() -> None:
    assert platform_warning(1080, 1400, DEFAULT_PLATFORMS) is not None  # 3.6 % off 4:5
    assert platform_warning(1080, 1400, DEFAULT_PLATFORMS, tolerance=0.04) is None


# --- the contact sheet ---------------------------------------------------------------------


def pages(tmp_path: Path, *colors: tuple[int, int, int]) -> list[Path]:
    return [
        write(tmp_path, f"hal{n}.png", png_bytes(1080, 1350, color))
        for n, color in enumerate(colors, start=1)
    ]


def near(actual: tuple[int, ...], expected: tuple[int, int, int], slack: int = 40) -> bool:
    return all(abs(a - e) <= slack for a, e in zip(actual, expected, strict=True))


def open_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image.convert("RGB")


def test_contact_sheet_of_three_pages_shows_them_in_order_under_a_band(tmp_path: Path) -> None:
    sheet = open_jpeg(contact_sheet(pages(tmp_path, RED, GREEN, BLUE), code="JDIH-1", version=2))
    w, h = sheet.size

    # 2 columns, 2 rows below the band: 1 2 / 3 (empty)
    assert near(sheet.getpixel((w // 4, int(h * 0.4))), RED)
    assert near(sheet.getpixel((3 * w // 4, int(h * 0.4))), GREEN)
    assert near(sheet.getpixel((w // 4, int(h * 0.8))), BLUE)
    assert near(sheet.getpixel((3 * w // 4, int(h * 0.8))), (236, 236, 236))
    band = [sheet.getpixel((x, 3)) for x in range(0, w, 8)]
    assert all(near(pixel, (150, 20, 20)) for pixel in band)
    text_row = [sheet.getpixel((x, y)) for x in range(w) for y in range(10, h // 12, 3)]
    assert any(min(pixel) > 200 for pixel in text_row)  # white lettering on the band


def test_contact_sheet_keeps_within_telegram_photo_limits(tmp_path: Path) -> None:
    tall = write(tmp_path, "tall.png", png_bytes(100, 3000))
    many = pages(tmp_path, *[RED, GREEN, BLUE] * 4)

    for data in (
        contact_sheet([tall], code="A", version=1),
        contact_sheet(many, code="B", version=1),
    ):
        w, h = open_jpeg(data).size
        assert max(w, h) <= 2048 and w + h <= 10_000 and max(w / h, h / w) <= 20
        assert len(data) < 10 * 1024 * 1024


def test_a_sheet_over_the_photo_limit_is_encoded_again_smaller_and_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = pages(tmp_path, RED)
    full = contact_sheet(page, code="A", version=1)
    monkeypatch.setattr(preview, "SHEET_MAX_BYTES", len(full) - 1)  # q85 is too large

    smaller = contact_sheet(page, code="A", version=1)

    assert len(smaller) < len(full)  # not the first attempt's bytes with the next's on top
    assert smaller.endswith(b"\xff\xd9")  # one whole JPEG
    assert open_jpeg(smaller).size == open_jpeg(full).size


def test_contact_sheet_is_deterministic(tmp_path: Path) -> None:
    three = pages(tmp_path, RED, GREEN, BLUE)

    first = contact_sheet(three, code="JDIH-2026-0001", version=3)

    assert contact_sheet(three, code="JDIH-2026-0001", version=3) == first


def test_contact_sheet_applies_exif_orientation(tmp_path: Path) -> None:
    photo = write(tmp_path, "foto.jpg", rotated_jpeg(1600, 1200, orientation=6))

    w, h = open_jpeg(contact_sheet([photo], code="A", version=1)).size

    assert h > w  # the landscape-stored phone photo is shown upright (portrait)


def test_pdf_and_mp4_pages_become_grey_placeholder_tiles(tmp_path: Path) -> None:
    pdf = write(tmp_path, "naskah.pdf", PDF_BYTES)
    mp4 = write(tmp_path, "video.mp4", MP4_BYTES)
    red = pages(tmp_path, RED)[0]

    sheet = open_jpeg(contact_sheet([red, pdf, mp4], code="A", version=1))
    w, h = sheet.size

    assert near(sheet.getpixel((w // 4, int(h * 0.4))), RED)
    assert near(sheet.getpixel((3 * w // 4 - w // 8, int(h * 0.5))), (150, 150, 150))
    assert near(sheet.getpixel((w // 4 - w // 8, int(h * 0.95))), (150, 150, 150))


def test_fonts_and_their_license_ship_with_the_bot() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert (FONT_DIR / name).is_file()
    assert "Bitstream" in (FONT_DIR / "LICENSE").read_text(encoding="utf-8")


# --- the preview reads each page's orientation from its header (issue 18) ---------------------


def _before_issue_18(path: Path) -> tuple[int, int]:
    """How the sheet measured a page before: Pillow's getexif(), which decodes a PNG."""
    with Image.open(path, formats=["PNG", "JPEG"]) as image:
        width, height = image.size
        turned = image.getexif().get(0x0112, 1) in {5, 6, 7, 8}
    return (height, width) if turned else (width, height)


def _with_orientation(fmt: str, size: tuple[int, int], orientation: int | None) -> bytes:
    """Two colours side by side, so a turn shows; with an EXIF orientation when given."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    if orientation is None:
        image.save(buffer, format=fmt)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(buffer, format=fmt, exif=exif)
    return buffer.getvalue()


def _exif_after_pixels(png: bytes) -> bytes:
    """The same PNG with its eXIf chunk moved behind the image data (some tools write it
    there; Pillow then finds it only when it decodes)."""
    chunks, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        chunks.append(png[at : at + 12 + length])
        at += 12 + length
    exif = next(c for c in chunks if c[4:8] == b"eXIf")
    rest = [c for c in chunks if c is not exif]
    return png[:8] + b"".join(rest[:-1]) + exif + rest[-1]  # before IEND


@pytest.mark.parametrize(
    ("fmt", "orientation", "late"),
    [
        ("PNG", None, False),
        ("PNG", 6, False),
        ("PNG", 8, True),
        ("PNG", 3, False),
        ("JPEG", None, False),
        ("JPEG", 6, False),
    ],
    ids=[
        "png",
        "png-turned",
        "png-turned-exif-after-pixels",
        "png-upside-down",
        "jpeg",
        "jpeg-turned",
    ],
)
def test_sheet_is_the_same_picture_as_before_and_upright(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, orientation: int | None, late: bool
) -> None:
    data = _with_orientation(fmt, (900, 600), orientation)
    if late:
        data = _exif_after_pixels(data)
        with Image.open(io.BytesIO(data)) as header_only:
            assert "exif" not in header_only.info  # the orientation follows the pixels
    page = write(tmp_path, f"page.{fmt.lower()}", data)
    other = write(tmp_path, "other.png", png_bytes(600, 900, GREEN))

    sheets = [
        contact_sheet([page], code="A", version=1),
        contact_sheet([page, other], code="A", version=1),
    ]
    import bot.media.preview as preview

    monkeypatch.setattr(preview, "_upright_size", _before_issue_18)
    before = [
        contact_sheet([page], code="A", version=1),
        contact_sheet([page, other], code="A", version=1),
    ]

    assert sheets == before  # byte for byte the JPEG the reviewers got before
    sheet = open_jpeg(sheets[0])
    turned = orientation in (6, 8)
    assert (sheet.height > sheet.width) == turned  # a turned phone page is shown upright


def test_a_page_turned_upside_down_is_shown_the_right_way_up(tmp_path: Path) -> None:
    # red on the left, blue on the right as stored; orientation 3 turns it by 180 degrees
    page = write(tmp_path, "page.png", _with_orientation("PNG", (900, 600), 3))

    sheet = open_jpeg(contact_sheet([page], code="A", version=1))

    middle = int(sheet.height * 0.6)
    assert near(sheet.getpixel((sheet.width // 4, middle)), BLUE)
    assert near(sheet.getpixel((3 * sheet.width // 4, middle)), RED)
