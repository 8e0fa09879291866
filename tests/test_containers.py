"""PDF and MP4 designs are parsed, not sniffed (issue 11): hostile files that begin like good
ones are refused with the reason, good ones still pass."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import pytest
from pypdf.generic import NameObject, TextStringObject

from bot import texts
from bot.media.containers import MAX_PDF_OBJECTS
from bot.media.images import DesignFileRejected, FileKind, check_design_file
from tests.images import (
    ELF_HEADER,
    FTYP,
    PAGES,
    box,
    moov,
    mp4_bytes,
    pdf_bytes,
    pdf_of,
    pdf_with_attachment,
    pdf_with_hidden_object,
    pdf_with_open_action,
    pdf_writer,
    raw_pdf,
)

JAVASCRIPT = texts.REASON_PDF_ACTIVE.format(name="desain.pdf", what=texts.PDF_JAVASCRIPT)
LAUNCH = texts.REASON_PDF_ACTIVE.format(name="desain.pdf", what=texts.PDF_LAUNCH)
EMBEDDED = texts.REASON_PDF_ACTIVE.format(name="desain.pdf", what=texts.PDF_EMBEDDED_FILE)
PDF_BROKEN = texts.REASON_BROKEN.format(kind="PDF")
MP4_BROKEN = texts.REASON_BROKEN.format(kind="MP4")
MP4_MALFORMED = texts.REASON_MP4_MALFORMED.format(name="video.mp4")
MP4_NO_MOVIE = texts.REASON_MP4_NO_MOVIE.format(name="video.mp4")


def checked(tmp_path: Path, data: bytes, name: str) -> FileKind:
    path = tmp_path / name
    path.write_bytes(data)
    return check_design_file(path, declared_name=name, declared_mime=None).kind


def refusal(tmp_path: Path, data: bytes, name: str) -> str:
    with pytest.raises(DesignFileRejected) as caught:
        checked(tmp_path, data, name)
    return caught.value.reason


def pdf_refusal(tmp_path: Path, data: bytes) -> str:
    return refusal(tmp_path, data, "desain.pdf")


def mp4_refusal(tmp_path: Path, data: bytes) -> str:
    return refusal(tmp_path, data, "video.mp4")


def page_with(annotation: bytes) -> tuple[bytes, ...]:
    """Catalog, pages, and a page carrying one annotation (object 4)."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
    return (*PAGES[:2], page, annotation)


# --- PDF: what a design may not hold ----------------------------------------------------


def test_pdf_running_javascript_when_opened_is_refused(tmp_path: Path) -> None:
    action = {"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.launchURL('x')")}

    assert pdf_refusal(tmp_path, pdf_with_open_action(action)) == JAVASCRIPT


def test_pdf_with_javascript_in_its_names_tree_is_refused(tmp_path: Path) -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>"
    scripts = b"<< /Names [(init) << /S /JavaScript /JS (this.print()) >>] >>"

    assert pdf_refusal(tmp_path, raw_pdf(catalog, *PAGES[1:], scripts)) == JAVASCRIPT


def test_pdf_with_javascript_in_a_page_open_action_is_refused(tmp_path: Path) -> None:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /AA << /O 4 0 R >> >>"
    action = b"<< /Type /Action /S /JavaScript /JS 5 0 R >>"
    script = b"<< /Length 10 >>\nstream\napp.beep()\nendstream"

    assert pdf_refusal(tmp_path, raw_pdf(*PAGES[:2], page, action, script)) == JAVASCRIPT


def test_pdf_with_javascript_behind_an_annotation_is_refused(tmp_path: Path) -> None:
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /AA << /E 5 0 R >> >>"
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"

    assert pdf_refusal(tmp_path, raw_pdf(*page_with(link), action)) == JAVASCRIPT


def test_pdf_spelling_javascript_with_name_escapes_is_refused(tmp_path: Path) -> None:
    # "/Java#53cript" is "/JavaScript" to every reader; a search of the raw bytes misses it
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Java#53cript /J#53 (1) >> >>"

    assert pdf_refusal(tmp_path, raw_pdf(catalog, *PAGES[1:])) == JAVASCRIPT


def test_pdf_hiding_javascript_in_a_compressed_object_stream_is_refused(tmp_path: Path) -> None:
    hidden = pdf_with_hidden_object(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in hidden  # compressed: a search of the raw bytes finds nothing

    assert pdf_refusal(tmp_path, hidden) == JAVASCRIPT


def test_pdf_with_a_launch_action_is_refused(tmp_path: Path) -> None:
    action = {"/S": NameObject("/Launch"), "/F": TextStringObject("C:\\Windows\\cmd.exe")}

    assert pdf_refusal(tmp_path, pdf_with_open_action(action)) == LAUNCH


def test_pdf_with_a_link_launching_a_program_is_refused(tmp_path: Path) -> None:
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (a.exe) >> >>"

    assert pdf_refusal(tmp_path, raw_pdf(*page_with(link))) == LAUNCH


def test_pdf_with_an_embedded_file_is_refused(tmp_path: Path) -> None:
    assert pdf_refusal(tmp_path, pdf_with_attachment("setup.exe", ELF_HEADER)) == EMBEDDED


def test_pdf_with_a_file_attachment_annotation_is_refused(tmp_path: Path) -> None:
    clip = b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (lampiran.zip) >>"

    assert pdf_refusal(tmp_path, raw_pdf(*page_with(clip))) == EMBEDDED


def test_encrypted_pdf_is_refused_with_advice_to_save_it_without_a_password(
    tmp_path: Path,
) -> None:
    writer = pdf_writer()
    writer.encrypt(user_password="", owner_password="rahasia")

    reason = pdf_refusal(tmp_path, pdf_of(writer))

    assert reason == texts.REASON_PDF_ENCRYPTED.format(name="desain.pdf")
    assert "tanpa kata sandi" in reason


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n",  # the magic bytes and nothing else
        raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"),
        raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] >>"),
    ],
    ids=["garbage", "no-page", "page-tree-loop"],
)
def test_pdf_that_does_not_parse_to_a_page_is_refused_as_broken(
    tmp_path: Path, data: bytes
) -> None:
    assert pdf_refusal(tmp_path, data) == PDF_BROKEN


def test_pdf_of_more_objects_than_a_design_has_is_refused_quickly(tmp_path: Path) -> None:
    filler = [b"<< /N %d >>" % n for n in range(MAX_PDF_OBJECTS)]
    started = time.monotonic()

    reason = pdf_refusal(tmp_path, raw_pdf(*PAGES, *filler))

    assert reason == texts.REASON_PDF_TOO_COMPLEX.format(name="desain.pdf", limit="20.000")
    assert time.monotonic() - started < 5  # the objects were counted, not read (~2 s)


# --- PDF: what a design may hold ---------------------------------------------------------


def test_pdf_with_web_links_and_several_pages_is_accepted(tmp_path: Path) -> None:
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://x.id) >> >>"

    assert checked(tmp_path, raw_pdf(*page_with(link)), "desain.pdf") is FileKind.PDF
    assert checked(tmp_path, pdf_bytes(pages=5), "desain.pdf") is FileKind.PDF


def test_pdf_of_twenty_megabytes_of_images_is_checked_quickly(tmp_path: Path) -> None:
    kids = b" ".join(b"%d 0 R" % (3 + 2 * n) for n in range(19))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count 19 >>" % kids,
    ]
    for n in range(19):
        image = os.urandom(1_000_000)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /Im0 %d 0 R >> >> >>" % (4 + 2 * n)
        )
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width 1000 /Height 1000 /ColorSpace "
            b"/DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream"
            % (len(image), image)
        )
    started = time.monotonic()

    assert checked(tmp_path, raw_pdf(*objects), "desain.pdf") is FileKind.PDF
    assert time.monotonic() - started < 5  # about 0.1 s: streams are skipped, not decoded


# --- MP4 ---------------------------------------------------------------------------------


def test_elf_behind_an_ftyp_header_is_refused(tmp_path: Path) -> None:
    fake = FTYP + ELF_HEADER + os.urandom(4000)

    assert mp4_refusal(tmp_path, fake) == MP4_MALFORMED


def test_payload_appended_after_a_real_video_is_refused(tmp_path: Path) -> None:
    assert mp4_refusal(tmp_path, mp4_bytes() + ELF_HEADER) == MP4_MALFORMED
    assert mp4_refusal(tmp_path, mp4_bytes() + b"\x00\x00\x00") == MP4_MALFORMED


def test_payload_hidden_in_a_huge_ftyp_box_is_refused(tmp_path: Path) -> None:
    big_ftyp = box(b"ftyp", b"isom", bytes(4), b"isom" + ELF_HEADER + bytes(4000))

    assert mp4_refusal(tmp_path, big_ftyp + moov() + box(b"mdat")) == MP4_MALFORMED


@pytest.mark.parametrize("cut", [10, 500], ids=["in-mdat", "in-moov"])
def test_video_cut_short_is_refused_as_broken(tmp_path: Path, cut: int) -> None:
    assert mp4_refusal(tmp_path, mp4_bytes(bytes(400))[:-cut]) == MP4_BROKEN


def test_box_larger_than_its_parent_is_refused(tmp_path: Path) -> None:
    movie = bytearray(moov())
    struct.pack_into(">I", movie, 8 + 108, 10_000)  # the trak after mvhd claims 10 KB

    assert mp4_refusal(tmp_path, FTYP + bytes(movie) + box(b"mdat")) == MP4_MALFORMED


def test_box_smaller_than_its_own_header_is_refused(tmp_path: Path) -> None:
    assert mp4_refusal(tmp_path, FTYP + struct.pack(">I4s", 4, b"free") + moov()) == MP4_MALFORMED


def test_boxes_nested_deeper_than_any_video_are_refused(tmp_path: Path) -> None:
    nested = box(b"mvhd")
    for _ in range(50):
        nested = box(b"trak", nested)

    assert mp4_refusal(tmp_path, FTYP + box(b"moov", nested)) == MP4_MALFORMED


def test_file_without_a_movie_is_refused(tmp_path: Path) -> None:
    without_tracks = box(b"moov", box(b"mvhd", bytes(100)))

    assert mp4_refusal(tmp_path, FTYP + box(b"mdat", bytes(100))) == MP4_NO_MOVIE
    assert mp4_refusal(tmp_path, FTYP + without_tracks + box(b"mdat")) == MP4_NO_MOVIE


def test_video_with_64_bit_and_open_ended_media_boxes_is_accepted(tmp_path: Path) -> None:
    media = os.urandom(1000)
    large = struct.pack(">I4sQ", 1, b"mdat", 16 + len(media)) + media
    to_the_end = struct.pack(">I4s", 0, b"mdat") + media

    assert checked(tmp_path, FTYP + moov() + large, "video.mp4") is FileKind.MP4
    assert checked(tmp_path, FTYP + moov() + box(b"free") + to_the_end, "video.mov") is FileKind.MP4


def test_video_with_its_movie_after_the_media_is_accepted(tmp_path: Path) -> None:
    # cameras write the media first and the movie header at the end
    assert checked(tmp_path, FTYP + box(b"mdat", bytes(300)) + moov(), "video.mp4") is FileKind.MP4
