"""Design files: check what an operator uploaded, and warn about sizes (the review preview is
bot/media/preview.py).

Pure: paths in, values and JPEG bytes out; no Telegram, no database. Every sentence a user may
read is in the catalog (bot/texts.py, REASON_* and WARN_*), where tests compare with it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from babel.lists import format_list
from PIL import Image, JpegImagePlugin, PngImagePlugin

from bot import texts
from bot.media.containers import MAX_PDF_OBJECTS, Mp4Problem, PdfProblem, mp4_problem, pdf_problem
from bot.media.filestore import sha256_of

# --- limits ----------------------------------------------------------------------------------

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # Bot API getFile refuses bigger files


class FileKind(StrEnum):
    PNG = "PNG"
    JPEG = "JPEG"
    PDF = "PDF"
    MP4 = "MP4"


IMAGE_KINDS = frozenset({FileKind.PNG, FileKind.JPEG})
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
        raise DesignFileRejected(texts.REASON_EMPTY)
    if size > MAX_DOWNLOAD_BYTES:
        raise DesignFileRejected(too_big_reason(size))
    with path.open("rb") as file:
        head = file.read(64)
    kind = sniff(head)
    if kind is None:
        if head[4:8] == b"ftyp":
            raise DesignFileRejected(texts.REASON_HEIC)
        raise DesignFileRejected(
            texts.REASON_UNKNOWN_CONTENT.format(name=declared_name or texts.FILE_THIS)
        )
    _check_declared(kind, declared_name, declared_mime)
    digest = sha256_of(path)
    width = height = None
    if kind in IMAGE_KINDS:
        width, height = _check_image(path, kind, max_pixels)
    elif kind is FileKind.PDF:
        _check_pdf(path, size, declared_name or texts.FILE_THIS)
    else:
        _check_mp4(path, declared_name or texts.FILE_THIS)
    return FileCheck(kind=kind, size=size, sha256=digest, width=width, height=height)


def too_big_reason(size: int) -> str:
    """texts.REASON_TOO_BIG for a file of `size` bytes; also said before downloading."""
    return texts.REASON_TOO_BIG.format(size_mb=_mb(size), limit_mb=_mb(MAX_DOWNLOAD_BYTES))


def _mb(size: int) -> str:
    """Megabytes with a decimal comma, rounded up: 1 byte over 20 MB must not read "20"."""
    return _decimal(math.ceil(size / (1024 * 1024) * 10) / 10)


def _check_declared(kind: FileKind, name: str | None, mime: str | None) -> None:
    extension = Path(name).suffix.lower() if name else ""
    by_name, by_mime = _EXTENSIONS.get(extension, kind), _MIMES.get((mime or "").lower(), kind)
    if by_name != kind and not {by_name, kind} <= IMAGE_KINDS:  # PNG<->JPEG is fine
        expected = Path(name or "").stem + (".jpg" if kind is FileKind.JPEG else f".{kind.lower()}")
        reason = texts.REASON_NAME_MISMATCH.format(
            extension=extension, actual=kind, expected=expected
        )
        raise DesignFileRejected(reason)
    if by_mime != kind and not {by_mime, kind} <= IMAGE_KINDS:
        raise DesignFileRejected(texts.REASON_MIME_MISMATCH.format(declared=by_mime, actual=kind))


def _pdf_has_end(path: Path, size: int) -> bool:
    # A PDF ends with %%EOF; readers allow some trailing bytes, so look in the last 2 KiB.
    with path.open("rb") as file:
        file.seek(max(0, size - 2048))
        return b"%%EOF" in file.read()


def _check_pdf(path: Path, size: int, name: str) -> None:
    """A PDF must parse and hold no script, launch action or attached file (issue 11)."""
    if not _pdf_has_end(path, size):  # cheap, and the usual case: cut off while sending
        raise DesignFileRejected(texts.REASON_BROKEN.format(kind=FileKind.PDF))
    problem = pdf_problem(path)
    if problem is None:
        return
    if problem is PdfProblem.BROKEN:
        raise DesignFileRejected(texts.REASON_BROKEN.format(kind=FileKind.PDF))
    if problem is PdfProblem.ENCRYPTED:
        raise DesignFileRejected(texts.REASON_PDF_ENCRYPTED.format(name=name))
    if problem is PdfProblem.TOO_COMPLEX:
        limit = f"{MAX_PDF_OBJECTS:,}".replace(",", ".")  # Indonesian thousands: 20.000
        raise DesignFileRejected(texts.REASON_PDF_TOO_COMPLEX.format(name=name, limit=limit))
    what = _PDF_ACTIVE[problem]
    raise DesignFileRejected(texts.REASON_PDF_ACTIVE.format(name=name, what=what))


_PDF_ACTIVE = {
    PdfProblem.JAVASCRIPT: texts.PDF_JAVASCRIPT,
    PdfProblem.LAUNCH: texts.PDF_LAUNCH,
    PdfProblem.EMBEDDED_FILE: texts.PDF_EMBEDDED_FILE,
}


def _check_mp4(path: Path, name: str) -> None:
    """An MP4 must be boxes from its first byte to its last, with a movie in them (issue 11)."""
    problem = mp4_problem(path)
    if problem is Mp4Problem.TRUNCATED:
        raise DesignFileRejected(texts.REASON_BROKEN.format(kind=FileKind.MP4))
    if problem is Mp4Problem.MALFORMED:
        raise DesignFileRejected(texts.REASON_MP4_MALFORMED.format(name=name))
    if problem is Mp4Problem.NO_MOVIE:
        raise DesignFileRejected(texts.REASON_MP4_NO_MOVIE.format(name=name))


def _check_image(path: Path, kind: FileKind, max_pixels: int) -> tuple[int, int]:
    """Open, verify, reopen and decode; return (width, height) after EXIF orientation."""
    broken = DesignFileRejected(texts.REASON_BROKEN.format(kind=kind))
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
                if kind is FileKind.JPEG:
                    # decoded at an eighth of the scale: every byte of the image data is still
                    # read and decoded (a cut or damaged file fails as at full size), but the
                    # check needs no full-size pixels: 3-6x cheaper (a PNG has no such mode)
                    image.draft(None, (max(1, size[0] // 8), max(1, size[1] // 8)))
                image.load()  # a truncated file fails here
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise DesignFileRejected(_too_many_pixels(*size, max_pixels)) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise broken from error
    width, height = size  # the header's: a JPEG's draft decode is smaller
    if orientation in QUARTER_TURNS:
        width, height = height, width
    return width, height


_PLUGINS = {FileKind.PNG: PngImagePlugin.PngImageFile, FileKind.JPEG: JpegImagePlugin.JpegImageFile}
PIL_FORMATS = ["PNG", "JPEG"]
QUARTER_TURNS = frozenset({5, 6, 7, 8})  # EXIF orientations that turn the picture by 90°


def _too_many_pixels(width: int, height: int, max_pixels: int) -> str:
    megapixels, limit = _decimal(width * height / 1e6), _decimal(max_pixels / 1e6)
    return texts.REASON_TOO_MANY_PIXELS.format(
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
        return texts.WARN_RATIO.format(
            width=width, height=height, ratio=_ratio(ratio), formats=formats
        )
    if any(width >= p.width for p in fitting):
        return None
    names = format_list([p.name for p in fitting], style="or", locale=texts.LOCALE)
    best = min(fitting, key=lambda p: p.width)
    return texts.WARN_LOW_RESOLUTION.format(
        width=width, height=height, names=names, min_width=best.width, best=_format_item(best)
    )


def _format_item(platform: PlatformFormat) -> str:
    return texts.PLATFORM_FORMAT.format(
        name=platform.name, width=platform.width, height=platform.height
    )


def _ratio(ratio: float) -> str:
    return f"{_decimal(ratio)}:1" if ratio >= 1 else f"1:{_decimal(1 / ratio)}"
