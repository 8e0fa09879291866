"""The review preview: all pages of a design version on one JPEG, with a band that says it
is a draft. Pure: paths in, JPEG bytes out (Pillow, in a worker thread)."""

from __future__ import annotations

import io
import math
import os
import struct
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, PngImagePlugin

from bot import texts
from bot.media.images import IMAGE_KINDS, PIL_FORMATS, QUARTER_TURNS, FileKind, sniff

PAGE_LABEL = "{number}"
SHEET_LONG_SIDE = 2048  # Telegram scales photos to 2560 px at most; 2048 keeps text crisp
# A sheet is never larger than its pages at their own size need (the rest would be margin,
# costly to encode), nor smaller than this, so the band's lettering stays readable.
SHEET_MIN_LONG_SIDE = 1280
SHEET_MAX_BYTES = 10 * 1024 * 1024  # sendPhoto limit
FONT_DIR = Path(__file__).parent / "fonts"  # shipped: slim CI images lack fonts-dejavu-core


# --- the review preview ----------------------------------------------------------------------

_BACKGROUND = (236, 236, 236)
_TILE_GREY = (150, 150, 150)
_BAND = (150, 20, 20)  # a red band: nobody should mistake the preview for the approved post
_WHITE = (255, 255, 255)
_INK = (30, 30, 30)


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    # Pillow's built-in font has ASCII glyphs only; Indonesian text and "·" need DejaVu.
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def contact_sheet(
    pages: Sequence[Path], *, code: str, version: int, band_text: str = texts.PREVIEW_BAND
) -> bytes:
    """One JPEG showing every page in order, numbered, under a band naming code and version.

    Reviewers see a whole carousel in one photo message; sendPhoto's limits (10 MB, width +
    height <= 10000, ratio <= 20) are kept by a 2048 px long side and at most 3:1 cells.
    Pages are never enlarged: when they are small enough to show whole at their own size,
    the sheet is only as large as that needs (but at least 1280 px long).
    Pages must have passed check_design_file.
    """
    if not pages:
        raise ValueError("a contact sheet needs at least one page")
    kinds = [_sniff_path(page) for page in pages]
    count = len(pages)
    columns = 1 if count == 1 else 2 if count <= 4 else 3 if count <= 30 else math.ceil(count**0.5)
    rows = math.ceil(count / columns)
    first = next((p for p, k in zip(pages, kinds, strict=True) if k in IMAGE_KINDS), None)
    aspect = min(3.0, max(1 / 3, _upright_aspect(first))) if first else 4 / 5
    gap = 0 if count == 1 else 12
    cell_h, band = _cell_height(SHEET_LONG_SIDE, rows, columns, aspect, gap)
    # the cell a page needs to be shown at its own size (a tile is never enlarged); one
    # pixel more, so rounding does not shrink the page by one
    native = max(
        (max(h, w / aspect) + 1 for w, h in map(_upright_size, _images(pages, kinds))),
        default=None,
    )
    if native is not None and native < cell_h:
        smallest, _ = _cell_height(SHEET_MIN_LONG_SIDE, rows, columns, aspect, gap)
        cell_h = max(native, smallest)
        band = max(48, (columns * int(cell_h * aspect) + gap * (columns + 1)) // 10)
    cell_w = int(cell_h * aspect)
    sheet_w = columns * cell_w + gap * (columns + 1)
    cell_h = int(cell_h)
    sheet = Image.new("RGB", (sheet_w, band + rows * cell_h + gap * (rows + 1)), _BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    _draw_band(
        draw, sheet_w, band, texts.PREVIEW_BAND_TITLE.format(code=code, version=version), band_text
    )
    for index, (page, kind) in enumerate(zip(pages, kinds, strict=True)):
        left = gap + (index % columns) * (cell_w + gap)
        top = band + gap + (index // columns) * (cell_h + gap)
        box = (left, top, left + cell_w, top + cell_h)
        if kind in IMAGE_KINDS:
            tile = _thumbnail(page, (cell_w, cell_h))
            sheet.paste(
                tile, (left + (cell_w - tile.width) // 2, top + (cell_h - tile.height) // 2)
            )
        else:
            _draw_placeholder(draw, box, str(kind or "?"))
        _draw_page_number(draw, box, index + 1)
    return _encode(sheet)


def _cell_height(
    long_side: int, rows: int, columns: int, aspect: float, gap: int
) -> tuple[float, int]:
    """The tallest cell that fits the grid and its band into `long_side`, and the band."""
    band = 0  # the band's height follows the sheet's width: guess, then refine once
    for _ in range(2):
        cell_h = (long_side - band - gap * (rows + 1)) / rows
        cell_h = min(cell_h, (long_side - gap * (columns + 1)) / columns / aspect)
        band = max(48, (columns * int(cell_h * aspect) + gap * (columns + 1)) // 10)
    return cell_h, band


def _images(pages: Sequence[Path], kinds: Sequence[FileKind | None]) -> list[Path]:
    return [page for page, kind in zip(pages, kinds, strict=True) if kind in IMAGE_KINDS]


def _sniff_path(path: Path) -> FileKind | None:
    with path.open("rb") as file:
        return sniff(file.read(64))


def _upright_aspect(path: Path) -> float:
    width, height = _upright_size(path)
    return width / height


def _upright_size(path: Path) -> tuple[int, int]:
    """The page's size as shown (EXIF orientation applied), read from its header: no decode."""
    with Image.open(path, formats=PIL_FORMATS) as image:  # header only
        width, height = image.size
        turned = _orientation(image) in QUARTER_TURNS
    return (height, width) if turned else (width, height)


_ORIENTATION = 0x0112
_PNG_CHUNK = struct.Struct(">I4s")


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation, as `getexif()` gives it, without decoding a PNG.

    A PNG's `getexif()` decodes the whole image when no eXIf chunk came before the pixels
    (one may follow them): most of a preview's cost. Pillow's generic reading (`info["exif"]`,
    a "Raw profile type exif" text, the XMP orientation) needs no pixels; an eXIf chunk after
    the pixels is found by walking the chunk headers."""
    if isinstance(image, PngImagePlugin.PngImageFile) and "exif" not in image.info:
        late = _late_png_exif(image)
        if late is not None:
            exif = Image.Exif()
            exif.load(late)
            return int(exif.get(_ORIENTATION, 1))
    # the base class's reading: for a PNG, the same as its getexif() but for the decode
    return int(Image.Image.getexif(image).get(_ORIENTATION, 1))


def _late_png_exif(image: PngImagePlugin.PngImageFile) -> bytes | None:
    """The data of an eXIf chunk that follows the image data, if any (chunk headers only)."""
    file = image.fp
    if file is None:
        return None
    start = file.tell()
    try:
        file.seek(8)  # the signature
        while header := file.read(_PNG_CHUNK.size):
            if len(header) < _PNG_CHUNK.size:
                return None
            length, kind = _PNG_CHUNK.unpack(header)
            if kind == b"eXIf":
                data = file.read(length)
                return data if len(data) == length else None
            if kind == b"IEND":
                return None
            file.seek(length + 4, io.SEEK_CUR)  # the data and its CRC
        return None
    finally:
        file.seek(start)


def _thumbnail(path: Path, size: tuple[int, int]) -> Image.Image:
    """The page upright, fitted into `size`, as RGB with transparency flattened onto white."""
    # Turned and shrunk in place, not copied: a decoded 1080x1350 page is ~6 MB, and each copy
    # was that much more of the bot's memory while the preview was drawn.
    with Image.open(path, formats=PIL_FORMATS) as upright:
        upright.draft("RGB", size)  # JPEG: decode at a reduced scale, saving memory
        upright.load()
        ImageOps.exif_transpose(upright, in_place=True)
    upright.thumbnail(size)
    if upright.mode == "RGB":
        return upright
    if upright.mode == "L":
        return upright.convert("RGB")
    rgba = upright.convert("RGBA")
    flat = Image.new("RGB", rgba.size, _WHITE)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _draw_band(draw: ImageDraw.ImageDraw, width: int, height: int, title: str, text: str) -> None:
    draw.rectangle((0, 0, width, height), fill=_BAND)
    size = height * 9 // 25  # two lines, with room around them
    bold, regular = _fit(draw, title, size, width, True), _fit(draw, text, size, width, False)
    draw.text((width // 2, height * 0.3), title, font=bold, fill=_WHITE, anchor="mm")
    draw.text((width // 2, height * 0.72), text, font=regular, fill=_WHITE, anchor="mm")


def _fit(
    draw: ImageDraw.ImageDraw, text: str, size: int, width: int, bold: bool
) -> ImageFont.FreeTypeFont:
    """The biggest font up to `size` at which `text` fits the width with a margin."""
    while size > 8 and draw.textlength(text, font=_font(size, bold)) > width * 0.94:
        size -= 1
    return _font(size, bold)


def _draw_placeholder(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], label: str
) -> None:
    draw.rectangle(box, fill=_TILE_GREY)
    width = box[2] - box[0]
    font = _fit(draw, label, max(10, width // 4), width, True)
    centre = ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)
    draw.text(centre, label, font=font, fill=_WHITE, anchor="mm")


def _draw_page_number(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], n: int) -> None:
    size = max(12, min(box[2] - box[0], box[3] - box[1]) // 10)
    font = _font(size, True)
    pad = size // 3
    x, y = box[0] + pad, box[1] + pad
    text = PAGE_LABEL.format(number=n)
    _, _, right, bottom = draw.textbbox((x + pad, y + pad), text, font=font)
    draw.rounded_rectangle((x, y, right + pad, bottom + pad), radius=pad, fill=_INK)
    draw.text((x + pad, y + pad), text, font=font, fill=_WHITE)


def _encode(sheet: Image.Image) -> bytes:
    # Into a real file, not a BytesIO: Pillow lets go of the GIL while it encodes into a file
    # descriptor, but holds it for an in-memory buffer, where the event loop would stand
    # still for the whole encoding (docs/performance.md, "The preview's JPEG").
    with tempfile.TemporaryFile() as out:
        for quality in (85, 70, 50):  # 2048 px at q85 is ~2 MB; lower only for extreme noise
            out.seek(0)
            out.truncate()
            sheet.save(out, format="JPEG", quality=quality, subsampling=2)
            # its size from the file: Pillow wrote to the descriptor, not through `out`
            if os.fstat(out.fileno()).st_size <= SHEET_MAX_BYTES:
                break
        out.seek(0)
        return out.read()
