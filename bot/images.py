"""Design files: check what an operator uploaded, warn about sizes, and draw a review preview.

Pure: paths in, values and JPEG bytes out; no Telegram, no database. Every sentence a user may
read is a constant below, so the message catalog can import it and tests can compare with it.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, JpegImagePlugin, PngImagePlugin

from bot.filestore import sha256_of

# --- what users read (Bahasa Indonesia) ----------------------------------------------------

REASON_EMPTY = "File kosong (0 byte). Kirim ulang file desainnya."
REASON_TOO_BIG = (
    "File terlalu besar: {size_mb} MB, batasnya {limit_mb} MB. Perkecil atau kompres file "
    "(misalnya ekspor JPEG/PDF dengan kualitas lebih rendah) lalu kirim lagi."
)
REASON_UNKNOWN_CONTENT = (
    "Isi file {name} bukan gambar PNG/JPEG, PDF atau MP4. "
    "Ekspor desain sebagai PNG, JPEG, PDF atau MP4 lalu kirim lagi."
)
THIS_FILE = "ini"  # {name} above when the sender's file had no name
REASON_HEIC = (
    "File HEIC/HEIF (foto iPhone) belum didukung. "
    "Kirim sebagai JPEG atau PNG (di iPhone: Pengaturan > Kamera > Format > Paling Kompatibel)."
)
REASON_NAME_MISMATCH = (
    "Nama file {extension} tetapi isinya {actual}. "
    "Simpan ulang dengan format yang benar, atau ganti nama file menjadi {expected}, "
    "lalu kirim lagi."
)
REASON_MIME_MISMATCH = (
    "Jenis file yang dikirim {mime} tetapi isinya {actual}. Simpan ulang desainnya lalu kirim lagi."
)
REASON_BROKEN = (
    "File {kind} rusak atau tidak lengkap (mungkin terpotong saat dikirim). "
    "Simpan ulang dari aplikasi desain lalu kirim lagi."
)
REASON_TOO_MANY_PIXELS = (
    "Gambar terlalu besar: {width}x{height} piksel ({megapixels} megapiksel), "
    "batasnya {limit} megapiksel. Perkecil ukurannya (misalnya 1080x1350) lalu kirim lagi."
)
WARN_RATIO = (
    "⚠️ Ukuran {width}x{height} (rasio {ratio}) tidak cocok untuk format media sosial. "
    "Yang cocok: {formats}."
)
WARN_LOW_RESOLUTION = (
    "⚠️ Ukuran {width}x{height} cocok untuk {names}, tetapi lebarnya kurang dari "
    "{min_width} piksel sehingga bisa tampak buram. Sebaiknya {best}."
)
FORMAT_ITEM = "{name} ({width}x{height})"
LIST_AND = " atau "
PAGE_LABEL = "{number}"
DEFAULT_BAND_TEXT = "DRAF - belum disetujui"
BAND_TITLE = "{code} · versi {version}"

# --- limits ----------------------------------------------------------------------------------

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # Bot API getFile refuses bigger files
SHEET_LONG_SIDE = 2048  # Telegram scales photos to 2560 px at most; 2048 keeps text crisp
SHEET_MAX_BYTES = 10 * 1024 * 1024  # sendPhoto limit
FONT_DIR = Path(__file__).parent / "fonts"  # shipped: slim CI images lack fonts-dejavu-core


class FileKind(StrEnum):
    PNG = "PNG"
    JPEG = "JPEG"
    PDF = "PDF"
    MP4 = "MP4"


_IMAGE_KINDS = frozenset({FileKind.PNG, FileKind.JPEG})
_EXTENSIONS = {".png": FileKind.PNG, ".pdf": FileKind.PDF}
_EXTENSIONS |= dict.fromkeys((".jpg", ".jpeg", ".jpe", ".jfif"), FileKind.JPEG)
_EXTENSIONS |= dict.fromkeys((".mp4", ".m4v", ".mov"), FileKind.MP4)
_MIMES = {"image/png": FileKind.PNG, "application/pdf": FileKind.PDF}
_MIMES |= dict.fromkeys(("image/jpeg", "image/jpg"), FileKind.JPEG)
_MIMES |= dict.fromkeys(("video/mp4", "video/quicktime"), FileKind.MP4)
# ISO-BMFF brands of still images: HEIC/AVIF share MP4's 'ftyp' box but are not videos.
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"})


@dataclass(frozen=True)
class FileCheck:
    kind: FileKind
    size: int
    sha256: str
    width: int | None  # PNG/JPEG only, after EXIF orientation
    height: int | None


class DesignFileRejected(Exception):
    """The file cannot be a design; `reason` tells the operator, in Indonesian, what to send."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(head: bytes) -> FileKind | None:
    """The kind of file from its first bytes; names and MIME types come from the sender's phone."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return FileKind.MP4
    return None


def check_design_file(
    path: Path,
    *,
    declared_name: str | None,
    declared_mime: str | None,
    max_pixels: int = 40_000_000,
) -> FileCheck:
    """Hash and check a downloaded design file; raise DesignFileRejected with the reason.

    PNG and JPEG may be confused for each other (many apps save one under the other's name);
    the content wins. Any other disagreement between name or MIME type and content is refused,
    because the reviewers would be told to expect one thing and get another. `max_pixels` can
    only lower Pillow's own limit (Image.MAX_IMAGE_PIXELS), which we never change: it is global.
    """
    size = path.stat().st_size
    if size == 0:
        raise DesignFileRejected(REASON_EMPTY)
    if size > MAX_DOWNLOAD_BYTES:
        raise DesignFileRejected(too_big_reason(size))
    with path.open("rb") as file:
        head = file.read(64)
    kind = sniff(head)
    if kind is None:
        if head[4:8] == b"ftyp":
            raise DesignFileRejected(REASON_HEIC)
        raise DesignFileRejected(REASON_UNKNOWN_CONTENT.format(name=declared_name or THIS_FILE))
    _check_declared(kind, declared_name, declared_mime)
    digest = sha256_of(path)
    width = height = None
    if kind in _IMAGE_KINDS:
        width, height = _check_image(path, kind, max_pixels)
    elif kind is FileKind.PDF and not _pdf_has_end(path, size):
        raise DesignFileRejected(REASON_BROKEN.format(kind=kind))
    return FileCheck(kind=kind, size=size, sha256=digest, width=width, height=height)


def too_big_reason(size: int) -> str:
    """REASON_TOO_BIG for a file of `size` bytes; also said before downloading."""
    return REASON_TOO_BIG.format(size_mb=_mb(size), limit_mb=_mb(MAX_DOWNLOAD_BYTES))


def _mb(size: int) -> str:
    """Megabytes with a decimal comma, rounded up: 1 byte over 20 MB must not read "20"."""
    return _decimal(math.ceil(size / (1024 * 1024) * 10) / 10)


def _check_declared(kind: FileKind, name: str | None, mime: str | None) -> None:
    extension = Path(name).suffix.lower() if name else ""
    by_name, by_mime = _EXTENSIONS.get(extension, kind), _MIMES.get((mime or "").lower(), kind)
    if by_name != kind and not {by_name, kind} <= _IMAGE_KINDS:  # PNG<->JPEG is fine
        expected = Path(name or "").stem + (".jpg" if kind is FileKind.JPEG else f".{kind.lower()}")
        reason = REASON_NAME_MISMATCH.format(extension=extension, actual=kind, expected=expected)
        raise DesignFileRejected(reason)
    if by_mime != kind and not {by_mime, kind} <= _IMAGE_KINDS:
        raise DesignFileRejected(REASON_MIME_MISMATCH.format(mime=mime, actual=kind))


def _pdf_has_end(path: Path, size: int) -> bool:
    # A PDF ends with %%EOF; readers allow some trailing bytes, so look in the last 2 KiB.
    with path.open("rb") as file:
        file.seek(max(0, size - 2048))
        return b"%%EOF" in file.read()


def _check_image(path: Path, kind: FileKind, max_pixels: int) -> tuple[int, int]:
    """Open, verify, reopen and decode; return (width, height) after EXIF orientation."""
    broken = DesignFileRejected(REASON_BROKEN.format(kind=kind))
    # Our limit is checked on the header before anything is decoded. It is not set through
    # Image.MAX_IMAGE_PIXELS: that is a process-wide global which other threads read too.
    # The plugin class reads the header without Image.open's own bomb check.
    try:
        with _PLUGINS[kind](path) as image:
            size = image.size
    except (OSError, SyntaxError, ValueError) as error:
        raise broken from error
    if size[0] * size[1] > min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels):
        raise DesignFileRejected(_too_many_pixels(*size, max_pixels))
    with warnings.catch_warnings():  # second guard; the filter change is process-wide too
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[kind.value]) as image:
                image.verify()  # checks PNG chunk CRCs without decoding
            with Image.open(path, formats=[kind.value]) as image:  # verify() spends the file
                orientation = image.getexif().get(0x0112, 1)
                image.load()  # a truncated file fails here
                width, height = image.size
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise DesignFileRejected(_too_many_pixels(*size, max_pixels)) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise broken from error
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return width, height


_PLUGINS = {FileKind.PNG: PngImagePlugin.PngImageFile, FileKind.JPEG: JpegImagePlugin.JpegImageFile}
_PIL_FORMATS = ["PNG", "JPEG"]
_QUARTER_TURNS = frozenset({5, 6, 7, 8})  # EXIF orientations that turn the picture by 90°


def _too_many_pixels(width: int, height: int, max_pixels: int) -> str:
    megapixels, limit = _decimal(width * height / 1e6), _decimal(max_pixels / 1e6)
    return REASON_TOO_MANY_PIXELS.format(
        width=width, height=height, megapixels=megapixels, limit=limit
    )


def _decimal(value: float) -> str:
    """Indonesian decimal comma, two places at most: 3.3333 -> '3,33', 4.0 -> '4'."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


# --- platform sizes ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformFormat:
    name: str
    width: int
    height: int


DEFAULT_PLATFORMS: tuple[PlatformFormat, ...] = (
    PlatformFormat("Instagram feed 4:5", 1080, 1350),
    PlatformFormat("Instagram feed 1:1", 1080, 1080),
    PlatformFormat("Instagram story 9:16", 1080, 1920),
    PlatformFormat("Facebook 1,91:1", 1200, 630),
    PlatformFormat("Facebook 1:1", 1080, 1080),
    PlatformFormat("X 16:9", 1600, 900),
)


def platform_warning(
    width: int, height: int, platforms: Sequence[PlatformFormat], tolerance: float = 0.02
) -> str | None:
    """A warning when no platform's aspect ratio fits, or the fitting ones want more pixels.

    Only advice: an unusual size may be intended (a banner), so the reviewer decides.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    ratio = width / height
    fitting = [p for p in platforms if abs(ratio / (p.width / p.height) - 1) <= tolerance]
    if not fitting:
        formats = ", ".join(_format_item(p) for p in platforms)
        return WARN_RATIO.format(width=width, height=height, ratio=_ratio(ratio), formats=formats)
    if any(width >= p.width for p in fitting):
        return None
    names, best = LIST_AND.join(p.name for p in fitting), min(fitting, key=lambda p: p.width)
    return WARN_LOW_RESOLUTION.format(
        width=width, height=height, names=names, min_width=best.width, best=_format_item(best)
    )


def _format_item(platform: PlatformFormat) -> str:
    return FORMAT_ITEM.format(name=platform.name, width=platform.width, height=platform.height)


def _ratio(ratio: float) -> str:
    return f"{_decimal(ratio)}:1" if ratio >= 1 else f"1:{_decimal(1 / ratio)}"


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
    pages: Sequence[Path], *, code: str, version: int, band_text: str = DEFAULT_BAND_TEXT
) -> bytes:
    """One JPEG showing every page in order, numbered, under a band naming code and version.

    Reviewers see a whole carousel in one photo message; sendPhoto's limits (10 MB, width +
    height <= 10000, ratio <= 20) are kept by a 2048 px long side and at most 3:1 cells.
    Pages must have passed check_design_file.
    """
    if not pages:
        raise ValueError("a contact sheet needs at least one page")
    kinds = [_sniff_path(page) for page in pages]
    count = len(pages)
    columns = 1 if count == 1 else 2 if count <= 4 else 3 if count <= 30 else math.ceil(count**0.5)
    rows = math.ceil(count / columns)
    first = next((p for p, k in zip(pages, kinds, strict=True) if k in _IMAGE_KINDS), None)
    aspect = min(3.0, max(1 / 3, _upright_aspect(first))) if first else 4 / 5
    gap = 0 if count == 1 else 12
    band = 0  # the band's height follows the sheet's width: guess, then refine once
    for _ in range(2):
        cell_h = (SHEET_LONG_SIDE - band - gap * (rows + 1)) / rows
        cell_h = min(cell_h, (SHEET_LONG_SIDE - gap * (columns + 1)) / columns / aspect)
        cell_w, sheet_w = int(cell_h * aspect), columns * int(cell_h * aspect) + gap * (columns + 1)
        band = max(48, sheet_w // 10)
    cell_h = int(cell_h)
    sheet = Image.new("RGB", (sheet_w, band + rows * cell_h + gap * (rows + 1)), _BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    _draw_band(draw, sheet_w, band, BAND_TITLE.format(code=code, version=version), band_text)
    for index, (page, kind) in enumerate(zip(pages, kinds, strict=True)):
        left = gap + (index % columns) * (cell_w + gap)
        top = band + gap + (index // columns) * (cell_h + gap)
        box = (left, top, left + cell_w, top + cell_h)
        if kind in _IMAGE_KINDS:
            tile = _thumbnail(page, (cell_w, cell_h))
            sheet.paste(
                tile, (left + (cell_w - tile.width) // 2, top + (cell_h - tile.height) // 2)
            )
        else:
            _draw_placeholder(draw, box, str(kind or "?"))
        _draw_page_number(draw, box, index + 1)
    return _encode(sheet)


def _sniff_path(path: Path) -> FileKind | None:
    with path.open("rb") as file:
        return sniff(file.read(64))


def _upright_aspect(path: Path) -> float:
    with Image.open(path, formats=_PIL_FORMATS) as image:  # header only
        width, height = image.size
        turned = image.getexif().get(0x0112, 1) in _QUARTER_TURNS
    return height / width if turned else width / height


def _thumbnail(path: Path, size: tuple[int, int]) -> Image.Image:
    """The page upright, fitted into `size`, as RGB with transparency flattened onto white."""
    with Image.open(path, formats=_PIL_FORMATS) as image:
        image.draft("RGB", size)  # JPEG: decode at a reduced scale, saving memory
        upright = ImageOps.exif_transpose(image)
    upright.thumbnail(size)
    if upright.mode in ("RGB", "L"):
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
    for quality in (85, 70, 50):  # 2048 px at q85 is ~2 MB; lower only for extreme noise
        buffer = io.BytesIO()
        sheet.save(buffer, format="JPEG", quality=quality, subsampling=2)
        if buffer.tell() <= SHEET_MAX_BYTES:
            break
    return buffer.getvalue()
