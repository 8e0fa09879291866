"""File names from senders: shortened to what a disk takes (bytes, not characters), unique,
extension kept, no invisible characters, never without a stem; and the archive uses them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bot.archive.record import ArchivedFile
from bot.archive.store import write_archive
from bot.domain.filenames import MAX_NAME_BYTES, clean_file_name, disk_name, unique_name
from bot.media.filestore import FileStore
from tests.test_archive import ZONE, make_record

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "foto\u202egnp.exe" shows as "fotoexe.png"
# A regulation's title with accented letters: 2 bytes each in UTF-8.
LONG_TITLE = "Peraturan Komisi Pemilihan Umum tentang Pemilihan Gubernur dan Wakil Gubernur " * 3
LONG_ACCENTED = LONG_TITLE.replace("e", "é").replace("a", "á") + ".pdf"


def test_a_long_accented_name_is_cut_to_255_bytes_keeping_its_extension() -> None:
    assert len(LONG_ACCENTED) < 255 < len(LONG_ACCENTED.encode())

    name = disk_name(LONG_ACCENTED, "JDIH-2026-0001-materi-1")

    assert len(name.encode()) <= MAX_NAME_BYTES
    assert name.endswith(".pdf")
    assert LONG_ACCENTED.startswith(name.removesuffix(".pdf"))  # cut between letters, not in one
    name.encode().decode()  # valid UTF-8


def test_a_cut_never_splits_a_multi_byte_letter() -> None:
    for limit in range(20, 40):
        name = disk_name("é" * 100 + ".png", "x", max_bytes=limit)
        assert len(name.encode()) <= limit
        assert name == "é" * ((limit - 4) // 2) + ".png"


def test_names_made_the_same_by_shortening_stay_apart_within_the_limit() -> None:
    taken: set[str] = set()
    first = unique_name(disk_name(LONG_ACCENTED.replace(".pdf", " A.pdf"), "x"), taken)
    second = unique_name(disk_name(LONG_ACCENTED.replace(".pdf", " B.pdf"), "x"), taken)
    third = unique_name(disk_name(LONG_ACCENTED.replace(".pdf", " C.pdf"), "x"), taken)

    assert len({first, second, third}) == 3
    assert all(len(n.encode()) <= MAX_NAME_BYTES and n.endswith(".pdf") for n in taken)
    assert second.endswith("-2.pdf") and third.endswith("-3.pdf")


def test_names_differing_only_in_case_stay_apart() -> None:
    taken: set[str] = set()
    assert unique_name("Poster.PNG", taken) == "Poster.PNG"
    assert unique_name("poster.png", taken) == "poster-2.png"


def test_right_to_left_overrides_and_invisible_characters_are_dropped() -> None:
    sneaky = f"foto{RLO}gnp.exe"
    assert disk_name(sneaky, "x") == "fotognp.exe"  # what it really is, shown as it is
    assert clean_file_name(sneaky) == "fotognp.exe"
    hidden = "la\u200bpo\u2066r\u2069an\u00ad\ufeff\x07.pdf"  # zero-width, isolates, BOM, BEL
    assert disk_name(hidden, "x") == "laporan.pdf"
    assert clean_file_name(hidden) == "laporan.pdf"
    assert clean_file_name("\u200b\u200c\u200d") is None  # nothing visible: no name


def test_a_name_without_a_stem_gets_one_from_the_fallback() -> None:
    for empty in (" .png", ".png", " . .png", "...png", f"{RLO}.png", "\u200b .png"):
        assert disk_name(empty, "JDIH-2026-0001-desain-1") == "JDIH-2026-0001-desain-1.png"
    assert disk_name(None, "JDIH-2026-0001-desain-2") == "JDIH-2026-0001-desain-2"


def test_path_separators_and_windows_characters_cannot_escape_or_break_the_name() -> None:
    assert disk_name("../../etc/passwd", "x") == "_.._etc_passwd"
    assert disk_name('a<b>c:"d|e?f*.png', "x") == "a_b_c_d_e_f_.png"


def test_a_stored_name_is_bounded_with_its_extension() -> None:
    name = clean_file_name("a" * 5000 + ".pdf")
    assert name is not None and len(name) == 1024 and name.endswith(".pdf")


def test_the_file_store_keeps_no_strange_suffix(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = b"content"
    digest = hashlib.sha256(data).hexdigest()
    for suffix, expected in ((".PDF", ".pdf"), (f".p{RLO}df", ""), (".x/../y", "")):
        downloaded = store.incoming()
        downloaded.write_bytes(data)
        assert store.keep(downloaded, digest, suffix).name == digest + expected


def _file(tmp_path: Path, name: str, data: bytes, role: str) -> ArchivedFile:
    path = tmp_path / "store" / hashlib.sha256(data).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return ArchivedFile(path, name, hashlib.sha256(data).hexdigest(), role)


def test_the_archive_holds_long_and_odd_names_and_keeps_the_originals(tmp_path: Path) -> None:
    files = [
        _file(tmp_path, LONG_ACCENTED, b"pdf one", "materi"),
        _file(tmp_path, LONG_ACCENTED, b"pdf two", "materi"),
        _file(tmp_path, " .png", b"png", "desain"),
        _file(tmp_path, f"foto{RLO}gnp.exe", b"exe", "desain"),
    ]

    folder = write_archive(tmp_path / "arsip", make_record(tmp_path, files=files), ZONE)

    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    paths = [f["path"] for f in meta["files"]]
    assert [f["name"] for f in meta["files"]] == [f.name for f in files]  # originals kept
    assert paths[2:] == ["desain/JDIH-2026-0007-desain-1.png", "desain/fotognp.exe"]
    assert paths[1].endswith("-2.pdf") and paths[0] != paths[1]
    for path, file in zip(paths, files, strict=True):
        assert len(Path(path).name.encode()) <= MAX_NAME_BYTES
        assert (folder / path).read_bytes() == file.source.read_bytes()
