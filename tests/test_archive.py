"""The digital archive: folder layout, verified copies, metadata, printable summary, search."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.archive.record import (
    ArchiveDecision,
    ArchivedFile,
    ArchiveError,
    ArchiveRecord,
    ArchiveStep,
)
from bot.archive.store import archive_folder, search_archive, write_archive

ZONE = ZoneInfo("Asia/Pontianak")  # UTC+7, "WIB"
PUBLISHED = datetime(2026, 11, 30, 18, 30, tzinfo=UTC)  # already 1 December in Pulang Pisau


def source(tmp_path: Path, name: str, data: bytes) -> ArchivedFile:
    folder = tmp_path / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    role = "materi" if name.endswith(".pdf") else "desain"
    return ArchivedFile(source=path, name=name, sha256=hashlib.sha256(data).hexdigest(), role=role)


def make_record(tmp_path: Path, **changes: object) -> ArchiveRecord:
    start = PUBLISHED - timedelta(hours=3)
    record = ArchiveRecord(
        code="JDIH-2026-0007",
        title="Sosialisasi PKPU Nomor 8 Tahun 2026",
        office="KPU Kabupaten Pulang Pisau",
        sop_number="SOP No. 3 Tahun 2022",
        published_at=PUBLISHED,
        sources=["PKPU Nomor 8 Tahun 2026", "UU Nomor 7 Tahun 2017"],
        decisions=[
            ArchiveDecision(start, "Rina", "operator", "Kirim desain", "2", 1, None),
            ArchiveDecision(
                start + timedelta(minutes=20),
                "Budi",
                "kasubbag",
                "Kembalikan",
                "3",
                1,
                "Logo KPU terlalu kecil",
            ),
            ArchiveDecision(
                start + timedelta(hours=1), "Dewi", "divisi_hukum", "Setujui", "4", 2, None
            ),
        ],
        steps=[
            ArchiveStep(
                "desain",
                "Membuat desain",
                start,
                start + timedelta(minutes=45),
                45,
                30,
                "30 menit kerja",
            ),
            ArchiveStep(
                "periksa",
                "Memeriksa desain",
                start,
                start + timedelta(minutes=10),
                10,
                15,
                "15 menit kerja",
            ),
            ArchiveStep(
                "arahan",
                "Mengarahkan",
                start - timedelta(days=2),
                start,
                600,
                None,
                "1 hari kerja",
                due_at=start - timedelta(hours=1),
            ),
        ],
        post_links=["https://www.instagram.com/p/abc/", "https://facebook.com/jdih/posts/1"],
        files=[
            source(tmp_path, "poster v2.png", b"\x89PNG design bytes"),
            source(tmp_path, "materi.pdf", b"%PDF-1.7 material"),
        ],
        caption="Ayo pahami PKPU terbaru!\n#KPU #JDIH",
        approved_version=2,
    )
    return replace(record, **changes)


def every_file(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_folder_is_year_month_code_by_the_office_local_date(tmp_path: Path) -> None:
    assert archive_folder(tmp_path, "JDIH-2026-0007", PUBLISHED, ZONE) == (
        tmp_path / "2026" / "12" / "JDIH-2026-0007"
    )
    assert (
        archive_folder(tmp_path, "JDIH-2026-0007", PUBLISHED, ZoneInfo("UTC")).parent.name == "11"
    )


@pytest.mark.parametrize("code", ["../etc", "a/b", "", ".hidden"])
def test_codes_that_are_not_a_single_safe_folder_name_are_refused(
    tmp_path: Path, code: str
) -> None:
    with pytest.raises(ValueError, match="folder name"):
        archive_folder(tmp_path, code, PUBLISHED, ZONE)


def test_archive_holds_files_by_role_with_metadata_and_summary(tmp_path: Path) -> None:
    record = make_record(tmp_path)

    folder = write_archive(tmp_path / "arsip", record, ZONE)

    assert folder == tmp_path / "arsip" / "2026" / "12" / "JDIH-2026-0007"
    assert sorted(every_file(folder)) == [
        "desain/poster v2.png",
        "materi/materi.pdf",
        "metadata.json",
        "ringkasan.html",
    ]
    assert (folder / "desain" / "poster v2.png").read_bytes() == b"\x89PNG design bytes"
    assert [p.name for p in folder.parent.iterdir()] == ["JDIH-2026-0007"]  # no leftovers


def test_metadata_records_everything_with_offsets_hashes_and_lateness(tmp_path: Path) -> None:
    record = make_record(tmp_path)

    folder = write_archive(tmp_path / "arsip", record, ZONE)
    raw = (folder / "metadata.json").read_text(encoding="utf-8")
    meta = json.loads(raw)

    assert "Ayo pahami PKPU terbaru!" in raw  # UTF-8, indented, not \u-escaped
    assert meta["code"] == "JDIH-2026-0007"
    assert meta["office"] == "KPU Kabupaten Pulang Pisau"
    assert meta["sop_number"] == "SOP No. 3 Tahun 2022"
    assert meta["published_at"] == "2026-12-01T01:30:00+07:00"
    assert meta["approved_version"] == 2
    assert meta["sources"] == record.sources
    assert meta["post_links"] == record.post_links
    assert meta["caption"] == record.caption
    assert meta["decisions"][1] == {
        "at": "2026-11-30T22:50:00+07:00",
        "name": "Budi",
        "role": "kasubbag",
        "action": "Kembalikan",
        "step": "3",
        "version": 1,
        "notes": "Logo KPU terlalu kecil",
        "capacity": None,  # decided in their own role, not as a Plh/Plt
        "basis": None,
    }
    steps = {s["key"]: s for s in meta["steps"]}
    assert (steps["desain"]["working_minutes"], steps["desain"]["limit_minutes"]) == (45, 30)
    assert [steps[k]["late"] for k in ("desain", "periksa", "arahan")] == [True, False, True]
    assert steps["arahan"]["limit_text"] == "1 hari kerja"
    assert steps["arahan"]["due_at"] == "2026-11-30T21:30:00+07:00"
    assert meta["files"] == [
        {
            "role": f.role,
            "name": f.name,
            "path": f"{f.role}/{f.name}",
            "sha256": f.sha256,
        }
        for f in record.files
    ]
    for entry in meta["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_a_source_changed_since_upload_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    record = make_record(tmp_path)
    record.files[0].source.write_bytes(b"tampered")

    with pytest.raises(ArchiveError, match="changed since it was received"):
        write_archive(tmp_path / "arsip", record, ZONE)

    assert list((tmp_path / "arsip" / "2026" / "12").iterdir()) == []


def test_a_missing_source_is_an_archive_error(tmp_path: Path) -> None:
    record = make_record(tmp_path)
    record.files[1].source.unlink()

    with pytest.raises(ArchiveError, match="cannot copy"):
        write_archive(tmp_path / "arsip", record, ZONE)


def test_writing_the_same_record_twice_gives_the_same_files(tmp_path: Path) -> None:
    record = make_record(tmp_path)
    first = every_file(write_archive(tmp_path / "arsip", record, ZONE))

    folder = write_archive(tmp_path / "arsip", record, ZONE)

    assert every_file(folder) == first
    assert [p.name for p in folder.parent.iterdir()] == ["JDIH-2026-0007"]


def test_rewriting_replaces_the_old_archive_whole(tmp_path: Path) -> None:
    write_archive(tmp_path / "arsip", make_record(tmp_path), ZONE)
    only_design = make_record(tmp_path, title="Judul baru")
    only_design = replace(only_design, files=only_design.files[:1])

    folder = write_archive(tmp_path / "arsip", only_design, ZONE)

    assert not (folder / "materi").exists()
    assert json.loads((folder / "metadata.json").read_text())["title"] == "Judul baru"


def test_files_with_the_same_name_are_both_kept(tmp_path: Path) -> None:
    first = source(tmp_path, "poster.png", b"one")
    second = source(tmp_path / "other", "poster.png", b"two")

    folder = write_archive(tmp_path / "arsip", make_record(tmp_path, files=[first, second]), ZONE)

    assert (folder / "desain" / "poster.png").read_bytes() == b"one"
    assert (folder / "desain" / "poster-2.png").read_bytes() == b"two"


def test_summary_shows_the_record_in_indonesian_and_escapes_html(tmp_path: Path) -> None:
    record = make_record(tmp_path, title="Awas <script>alert(1)</script> & co")

    folder = write_archive(tmp_path / "arsip", record, ZONE)
    page = (folder / "ringkasan.html").read_text(encoding="utf-8")

    assert "<script>" not in page
    assert "Awas &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "1 Des 2026 01.30 WIB" in page  # published, office time
    assert "<td>Budi</td><td>kasubbag</td><td>Kembalikan</td>" in page
    assert "<td>Logo KPU terlalu kecil</td>" in page
    assert "<td>45 menit kerja</td><td>30 menit kerja</td><td>⚠ Terlambat</td>" in page
    assert "<td>10 menit kerja</td><td>15 menit kerja</td><td>Tepat waktu</td>" in page
    assert "<td>10 jam kerja</td><td>1 hari kerja</td><td>⚠ Terlambat</td>" in page
    assert '<a href="https://www.instagram.com/p/abc/">' in page
    assert record.files[0].sha256 in page
    assert "PKPU Nomor 8 Tahun 2026" in page
    assert "@media print" in page
    assert "http" not in page.replace("https://www.instagram.com", "").replace(
        "https://facebook.com", ""
    )  # no external resources


def test_summary_does_not_make_script_links_clickable(tmp_path: Path) -> None:
    record = make_record(tmp_path, post_links=["javascript:alert(1)"])

    page = (write_archive(tmp_path / "arsip", record, ZONE) / "ringkasan.html").read_text()

    assert "<li>javascript:alert(1)</li>" in page
    assert "href" not in page


def archive_three(tmp_path: Path) -> Path:
    root = tmp_path / "arsip"
    items = [
        ("JDIH-2026-0001", "Jadwal Pemilihan Kepala Daerah", datetime(2026, 10, 5, 3, tzinfo=UTC)),
        ("JDIH-2026-0002", "PKPU Pemilihan terbaru", datetime(2026, 11, 2, 3, tzinfo=UTC)),
        (
            "JDIH-2026-0003",
            "Keputusan KPU tentang Pemilihan",
            datetime(2026, 11, 20, 3, tzinfo=UTC),
        ),
    ]
    for code, title, published_at in items:
        record = make_record(tmp_path, code=code, title=title, published_at=published_at)
        write_archive(root, record, ZONE)
    return root


def test_search_lists_everything_newest_first(tmp_path: Path) -> None:
    root = archive_three(tmp_path)

    found = search_archive(root)

    assert [f["code"] for f in found] == ["JDIH-2026-0003", "JDIH-2026-0002", "JDIH-2026-0001"]
    assert found[0] == {
        "code": "JDIH-2026-0003",
        "title": "Keputusan KPU tentang Pemilihan",
        "published_at": datetime(2026, 11, 20, 10, tzinfo=ZONE),
        "folder": root / "2026" / "11" / "JDIH-2026-0003",
    }


def test_search_by_code_words_and_month(tmp_path: Path) -> None:
    root = archive_three(tmp_path)

    def codes(**filters: str) -> list[str]:
        return [f["code"] for f in search_archive(root, **filters)]

    assert codes(code="jdih-2026-0002") == ["JDIH-2026-0002"]
    assert codes(words="pemilihan PKPU") == ["JDIH-2026-0002"]  # every word, any case
    assert codes(words="pemilihan") == ["JDIH-2026-0003", "JDIH-2026-0002", "JDIH-2026-0001"]
    assert codes(month="2026-11") == ["JDIH-2026-0003", "JDIH-2026-0002"]
    assert codes(month="2026-11", words="keputusan") == ["JDIH-2026-0003"]
    assert codes(month="2025-01") == []
    assert search_archive(tmp_path / "nothing-here") == []


def test_search_skips_unreadable_metadata_and_rejects_bad_months(tmp_path: Path) -> None:
    root = archive_three(tmp_path)
    (root / "2026" / "10" / "JDIH-2026-0001" / "metadata.json").write_text("{not json")

    assert [f["code"] for f in search_archive(root)] == ["JDIH-2026-0003", "JDIH-2026-0002"]
    with pytest.raises(ValueError, match="2026-11"):
        search_archive(root, month="11/2026")


def test_a_decision_by_an_acting_official_keeps_its_capacity_and_basis(tmp_path: Path) -> None:
    record = make_record(tmp_path)
    plh = replace(
        record.decisions[2],
        name="Ibu Hukum",
        capacity="Plh. Kasubbag Hukum",
        basis="Surat Perintah Sekretaris No. 12/HK.03/2026",
    )
    record = replace(record, decisions=[*record.decisions[:2], plh])

    folder = write_archive(tmp_path / "arsip", record, ZONE)
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    page = (folder / "ringkasan.html").read_text(encoding="utf-8")

    assert meta["decisions"][2]["capacity"] == "Plh. Kasubbag Hukum"
    assert meta["decisions"][2]["basis"] == "Surat Perintah Sekretaris No. 12/HK.03/2026"
    assert (
        "<td>Ibu Hukum</td><td>Plh. Kasubbag Hukum "
        "(Surat Perintah Sekretaris No. 12/HK.03/2026)</td>" in page
    )


def test_the_archive_names_the_sop_the_item_followed(tmp_path: Path) -> None:
    """An office with several SOPs: metadata.json and ringkasan.html say which one."""
    record = make_record(
        tmp_path,
        code="BRT-2026-0001",
        sop_number="SOP No. 9 Tahun 2026",
        sop_name="Publikasi Berita Kegiatan",
        sop_key="berita",
    )
    folder = write_archive(tmp_path / "arsip", record, ZONE)
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert (metadata["sop_key"], metadata["sop_name"], metadata["sop_number"]) == (
        "berita",
        "Publikasi Berita Kegiatan",
        "SOP No. 9 Tahun 2026",
    )
    summary = (folder / "ringkasan.html").read_text(encoding="utf-8")
    assert "Publikasi Berita Kegiatan (SOP No. 9 Tahun 2026)" in summary
