"""Small real design files made on the fly: images with Pillow, PDFs with pypdf (or by hand,
for the hostile ones), MP4s box by box."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, PdfObject


def png_bytes(width: int, height: int, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int, height: int, color: tuple[int, int, int] = (30, 30, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


# --- PDF ---------------------------------------------------------------------------------


def pdf_writer(pages: int = 1) -> PdfWriter:
    """A PDF of blank A4 pages, to add things to before pdf_of()."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    return writer


def pdf_of(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A minimal valid PDF, as pypdf writes it."""
    return pdf_of(pdf_writer(pages))


def pdf_with_open_action(action: dict[str, PdfObject]) -> bytes:
    """A PDF whose catalog runs `action` when it is opened."""
    writer = pdf_writer()
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject(key): value for key, value in action.items()}
    )
    return pdf_of(writer)


def pdf_with_attachment(name: str = "setup.exe", data: bytes = b"MZ\x90\x00") -> bytes:
    writer = pdf_writer()
    writer.add_attachment(name, data)
    return pdf_of(writer)


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand: objects 1.. as given (1 must be the catalog), with a correct
    cross-reference table, for what pypdf's writer would not write."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PAGES = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
)


def pdf_with_hidden_object(body: bytes) -> bytes:
    """Catalog, pages and, compressed inside an object stream, object 4 = `body`: nothing
    in the file's plain bytes shows it (an xref stream lists it, as PDF 1.5 allows)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, obj in enumerate(PAGES, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    inner = zlib.compress(b"4 0 " + body)
    offsets.append(len(out))  # object 5: the object stream holding object 4
    out += b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n" % len(
        inner
    )
    out += b"stream\n" + inner + b"\nendstream\nendobj\n"
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]  # type, field 2 (4 bytes), field 3 (2 bytes)
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets[:3]]
    rows += [struct.pack(">BIH", 2, 5, 0), struct.pack(">BIH", 1, offsets[3], 0)]
    xref = len(out)
    rows += [struct.pack(">BIH", 1, xref, 0)]  # object 6: the xref stream itself
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(
        table
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# --- MP4 ---------------------------------------------------------------------------------


def box(kind: bytes, *payload: bytes) -> bytes:
    """An ISO-BMFF box: 32-bit size, 4-byte type, payload (children are boxes too)."""
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, payload: bytes, version: int = 0, flags: int = 0) -> bytes:
    return box(kind, struct.pack(">I", version << 24 | flags), payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
FTYP = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")


def moov(width: int = 1080, height: int = 1920) -> bytes:
    """A movie header and one video track (1 s, no samples): the boxes a player reads first."""
    mvhd = full_box(
        b"mvhd",
        struct.pack(">IIII", 0, 0, 1000, 1000)  # created, modified, timescale, duration
        + struct.pack(">IH10x", 0x10000, 0x100)  # rate 1.0, volume 1.0
        + _MATRIX
        + bytes(24)
        + struct.pack(">I", 2),  # next track id
    )
    tkhd = full_box(
        b"tkhd",
        struct.pack(">IIIII", 0, 0, 1, 0, 1000)  # created, modified, track 1, -, duration
        + bytes(8)
        + struct.pack(">hhhH", 0, 0, 0, 0)  # layer, group, volume, -
        + _MATRIX
        + struct.pack(">II", width << 16, height << 16),
        flags=3,
    )
    mdhd = full_box(b"mdhd", struct.pack(">IIIIHH", 0, 0, 1000, 1000, 0x55C4, 0))  # "und"
    hdlr = full_box(b"hdlr", struct.pack(">I4s12x", 0, b"vide") + b"VideoHandler\x00")
    vmhd = full_box(b"vmhd", bytes(8), flags=1)
    dinf = box(b"dinf", full_box(b"dref", struct.pack(">I", 1) + full_box(b"url ", b"", flags=1)))
    stbl = box(
        b"stbl",
        full_box(b"stsd", struct.pack(">I", 0)),
        full_box(b"stts", struct.pack(">I", 0)),
        full_box(b"stsc", struct.pack(">I", 0)),
        full_box(b"stsz", struct.pack(">II", 0, 0)),
        full_box(b"stco", struct.pack(">I", 0)),
    )
    minf = box(b"minf", vmhd, dinf, stbl)
    trak = box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))
    return box(b"moov", mvhd, trak)


def mp4_bytes(media: bytes = b"\x00" * 64) -> bytes:
    """A minimal MP4 as a camera writes it: ftyp, moov, then the media data."""
    return FTYP + moov() + box(b"mdat", media)


ELF_HEADER = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00"
