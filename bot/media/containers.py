"""PDF and MP4 design files, parsed rather than sniffed (issue 11).

Magic bytes only say how a file begins: an ELF behind an MP4 `ftyp` box, or a PDF that runs
JavaScript when a reviewer opens it, begin like good files. Here a PDF must parse with pypdf
and hold nothing active, and an MP4 must be ISO-BMFF boxes from its first byte to its last.
Pure: a path in, a problem (or None) out; bot/media/images.py turns a problem into what users read.
Both checks are CPU work and run in the image thread (bot/media/workers.py); pypdf is imported
only when a PDF is checked (bot/media/pdf_objects.py).
"""

from __future__ import annotations

import mmap
import struct
from enum import StrEnum
from pathlib import Path


class PdfProblem(StrEnum):
    BROKEN = "broken"  # pypdf cannot read it, or it has no page
    ENCRYPTED = "encrypted"  # its objects cannot be inspected (and reviewers may need a password)
    JAVASCRIPT = "javascript"
    LAUNCH = "launch"  # an action that starts another program or opens another file
    EMBEDDED_FILE = "embedded_file"
    TOO_COMPLEX = "too_complex"  # more objects than a design has, and than we read quickly


class Mp4Problem(StrEnum):
    TRUNCATED = "truncated"  # a top-level box runs past the end of the file
    MALFORMED = "malformed"  # bytes that are not boxes, or box sizes that do not add up
    NO_MOVIE = "no_movie"  # no `moov` with a movie header and a track: nothing to play


# --- PDF ---------------------------------------------------------------------------------

# pypdf reads about 10,000 objects a second on a busy small server; a 10-page Canva or
# InDesign export has a few hundred to a few thousand. A 20 MB file could hold 500,000.
MAX_PDF_OBJECTS = 20_000


def pdf_problem(path: Path) -> PdfProblem | None:
    """What makes this PDF unfit to show reviewers, or None.

    Every object in the cross-reference table is read (not only those reachable from the
    catalog, since a viewer repairing a file may find the others) but no stream is decoded,
    so a 20 MB PDF of images is read in well under a second, and one of many small objects
    is refused before they are read.
    """
    # pypdf is imported when the first PDF arrives, not at start-up: it would hold ~6 MB of
    # the bot's memory from the start, and most offices upload pictures.
    from bot.media.pdf_objects import read_pdf

    return read_pdf(path)


# --- MP4 ---------------------------------------------------------------------------------

# Boxes made only of other boxes (ISO/IEC 14496-12); the walk checks their children too.
# Not udta or meta: QuickTime ends udta with a zero word and writes meta without a version.
_CONTAINERS = frozenset(
    {
        b"moov",
        b"trak",
        b"mdia",
        b"minf",
        b"stbl",
        b"edts",
        b"dinf",
        b"mvex",
        b"moof",
        b"traf",
        b"mfra",
    }
)
_MAX_DEPTH = 8  # moov/trak/mdia/minf/stbl is 5 deep
_MAX_BOXES = 100_000  # a long fragmented video has a few thousand
_MAX_FTYP_PAYLOAD = 8 + 4 * 64  # major brand and version, up to 64 compatible brands
_TYPE_BYTES = frozenset(range(0x20, 0x7F)) | {0xA9}  # printable ASCII, and © (QuickTime)

Box = tuple[bytes, int, int, list["Box"]]  # type, payload start, end, children (containers)


class _BadBoxes(Exception):
    def __init__(self, problem: Mp4Problem) -> None:
        super().__init__(problem)
        self.problem = problem


def mp4_problem(path: Path) -> Mp4Problem | None:
    """What keeps this file from being an MP4 video, or None.

    The boxes must follow each other from byte 0 to the last byte (nothing after, nothing
    cut off), `ftyp` first, then a `moov` with a movie header and at least one track. The
    file is mapped, not read: only box headers are touched, never the media data.
    """
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        try:
            boxes = _Boxes(data).walk(0, len(data), depth=0)
        except _BadBoxes as bad:
            return bad.problem
    if not _good_ftyp(boxes[0]):
        return Mp4Problem.MALFORMED
    movies = [children for kind, _, _, children in boxes if kind == b"moov"]
    if len(movies) > 1:
        return Mp4Problem.MALFORMED
    if not movies or not {b"mvhd", b"trak"} <= {kind for kind, *_ in movies[0]}:
        return Mp4Problem.NO_MOVIE
    return None


def _good_ftyp(box: Box) -> bool:
    """First, and only brands in it: a big ftyp would be a place to hide something."""
    kind, payload, end, _ = box
    length = end - payload
    return kind == b"ftyp" and 8 <= length <= _MAX_FTYP_PAYLOAD and length % 4 == 0


class _Boxes:
    """A walk over the boxes of a file, counting them so a file of tiny boxes stays cheap."""

    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        self.count = 0

    def walk(self, start: int, end: int, depth: int) -> list[Box]:
        """The boxes that exactly fill data[start:end]; raise _BadBoxes if they do not."""
        if depth > _MAX_DEPTH:
            raise _BadBoxes(Mp4Problem.MALFORMED)
        boxes: list[Box] = []
        position = start
        while position < end:
            kind, payload, box_end = self._header(position, end, top=depth == 0)
            children = self.walk(payload, box_end, depth + 1) if kind in _CONTAINERS else []
            boxes.append((kind, payload, box_end, children))
            position = box_end
        if not boxes:
            raise _BadBoxes(Mp4Problem.MALFORMED)
        return boxes

    def _header(self, position: int, end: int, *, top: bool) -> tuple[bytes, int, int]:
        """(type, payload start, box end) of the box at `position`, which must fit by `end`."""
        self.count += 1
        if self.count > _MAX_BOXES or end - position < 8:
            raise _BadBoxes(Mp4Problem.MALFORMED)
        size, kind = struct.unpack_from(">I4s", self.data, position)
        # Checked before the size: another format's bytes here are not a cut-off box.
        if not set(kind) <= _TYPE_BYTES:
            raise _BadBoxes(Mp4Problem.MALFORMED)
        header = 8
        if size == 1:  # a 64-bit size follows the type
            if end - position < 16:
                raise _BadBoxes(Mp4Problem.TRUNCATED if top else Mp4Problem.MALFORMED)
            (size,) = struct.unpack_from(">Q", self.data, position + 8)
            header = 16
        elif size == 0 and top:  # "to the end of the file", allowed for the last box only
            size = end - position
        if size < header:
            raise _BadBoxes(Mp4Problem.MALFORMED)
        if position + size > end:
            raise _BadBoxes(Mp4Problem.TRUNCATED if top else Mp4Problem.MALFORMED)
        return kind, position + header, position + size
