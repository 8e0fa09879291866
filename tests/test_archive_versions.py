"""The archive of a corrected item (ralat, issue 19): every published version's design pages
in a folder of their own, each version's links, approvals and correction in metadata.json and
ringkasan.html, the folder where the first publication put it, and an earlier archive's copy
used rather than lost when the bot no longer holds a file."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot import texts
from bot.archive.record import (
    ArchiveCorrection,
    ArchiveDecision,
    ArchiveLink,
    ArchivePublication,
    ArchiveRecord,
)
from bot.archive.store import search_archive, write_archive
from tests.test_archive import PUBLISHED, ZONE, every_file, make_record, source

FIRST = PUBLISHED - timedelta(days=3)  # 28 November in Pulang Pisau
REASON = "Nomor PKPU salah <seharusnya 3>"


def corrected(tmp_path: Path) -> ArchiveRecord:
    """Version 1 published on 28 November, corrected, version 2 published on 1 December."""
    base = make_record(tmp_path)
    v1 = replace(source(tmp_path, "poster.png", b"\x89PNG first"), version=1)
    v2 = replace(source(tmp_path, "poster v2.png", b"\x89PNG second"), version=2)
    material = base.files[1]
    old = ArchiveLink("https://instagram.com/p/v1", "replaced", FIRST, PUBLISHED, 2)
    new = ArchiveLink("https://instagram.com/p/v2", "live", PUBLISHED)
    approval = ArchiveDecision(FIRST, "Dewi", "Divisi Hukum", "Disetujui", "4", 1, None)
    asked = ArchiveCorrection(REASON, "Budi", "Kasubbag Hukum", FIRST + timedelta(days=1))
    return replace(
        base,
        files=[v1, v2, material],
        post_links=[new.url],
        publications=[
            ArchivePublication(1, FIRST, [old], [approval]),
            ArchivePublication(2, PUBLISHED, [new], [replace(approval, version=2)], asked),
        ],
        first_published_at=FIRST,
    )


def test_each_versions_pages_keep_their_own_folder_where_the_first_publication_put_it(
    tmp_path: Path,
) -> None:
    folder = write_archive(tmp_path / "arsip", corrected(tmp_path), ZONE)

    assert folder == tmp_path / "arsip" / "2026" / "11" / "JDIH-2026-0007"
    assert sorted(every_file(folder)) == [
        "desain/versi-1/poster.png",
        "desain/versi-2/poster v2.png",
        "materi/materi.pdf",
        "metadata.json",
        "ringkasan.html",
    ]
    assert (folder / "desain" / "versi-1" / "poster.png").read_bytes() == b"\x89PNG first"


def test_metadata_and_summary_list_every_version_with_links_approvals_and_reason(
    tmp_path: Path,
) -> None:
    folder = write_archive(tmp_path / "arsip", corrected(tmp_path), ZONE)
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))

    assert [(f["path"], f.get("version")) for f in meta["files"]] == [
        ("desain/versi-1/poster.png", 1),
        ("desain/versi-2/poster v2.png", 2),
        ("materi/materi.pdf", None),
    ]
    first, second = meta["publications"]
    assert first["links"] == [
        {
            "url": "https://instagram.com/p/v1",
            "state": "replaced",
            "recorded_at": "2026-11-28T01:30:00+07:00",
            "replaced_at": "2026-12-01T01:30:00+07:00",
            "replaced_by_version": 2,
        }
    ]
    assert (first["correction"], second["correction"]["reason"]) == (None, REASON)
    assert second["approvals"][0]["version"] == 2
    summary = (folder / "ringkasan.html").read_text(encoding="utf-8")
    assert texts.SUMMARY_PUBLICATIONS in summary
    assert "Nomor PKPU salah &lt;seharusnya 3&gt; — Budi (Kasubbag Hukum)" in summary
    replaced = texts.SUMMARY_LINK_REPLACED.format(at="1 Des 2026 01.30 WIB", by=2)
    assert f"https://instagram.com/p/v1 ({replaced})" in summary
    # the search finds it once, by the latest publication
    found = search_archive(tmp_path / "arsip", code="JDIH-2026-0007")
    assert [(f["code"], f["published_at"]) for f in found] == [("JDIH-2026-0007", PUBLISHED)]


def test_a_file_the_bot_no_longer_holds_comes_from_the_earlier_archive(tmp_path: Path) -> None:
    record = corrected(tmp_path)
    first_only = replace(
        record,
        files=[record.files[0], record.files[2]],
        publications=record.publications[:1],
        published_at=FIRST,
        first_published_at=FIRST,
    )
    folder = write_archive(tmp_path / "arsip", first_only, ZONE)
    assert (folder / "desain" / "poster.png").is_file()  # published once: as before
    record.files[0].source.unlink()  # the bot's own copy of version 1 is gone

    again = write_archive(tmp_path / "arsip", record, ZONE)

    assert again == folder
    assert (folder / "desain" / "versi-1" / "poster.png").read_bytes() == b"\x89PNG first"


def test_an_item_published_once_is_archived_as_before(tmp_path: Path) -> None:
    record = make_record(tmp_path)
    once = replace(
        record,
        files=[replace(record.files[0], version=2), record.files[1]],
        publications=[ArchivePublication(2, PUBLISHED, [], [])],
    )

    folder = write_archive(tmp_path / "arsip", once, ZONE)

    assert "desain/poster v2.png" in every_file(folder)
    assert texts.SUMMARY_PUBLICATIONS not in (folder / "ringkasan.html").read_text("utf-8")
