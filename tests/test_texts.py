"""The catalog: dates, times and durations in Indonesian one way everywhere (Babel), people
addressed as an office does, the calques the review found kept out, and no user-facing
Indonesian anywhere but bot/texts.py."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.domain.limits import Limit
from bot.domain.sop import load_default_sop

PONTIANAK = ZoneInfo("Asia/Pontianak")
# Friday 4 December 2026, 14.05 in Pulang Pisau (07.05 UTC)
FRIDAY = datetime(2026, 12, 4, 14, 5, tzinfo=PONTIANAK)


# --- moments, days, periods ----------------------------------------------------------------


def test_a_moment_in_a_sentence_reads_as_an_indonesian_letter_writes_it() -> None:
    assert texts.fmt_moment(FRIDAY, PONTIANAK) == "Jumat, 4 Desember 2026 pukul 14.05 WIB"
    # an instant kept in UTC reads in the office's own time
    at_utc = datetime(2026, 12, 4, 7, 5, tzinfo=UTC)
    assert texts.fmt_moment(at_utc, PONTIANAK) == "Jumat, 4 Desember 2026 pukul 14.05 WIB"


def test_the_short_form_for_lists_tables_and_a_cards_deadline() -> None:
    assert texts.fmt_moment_short(FRIDAY, PONTIANAK) == "4 Des 2026 14.05 WIB"
    assert texts.fmt_moment_short(None, PONTIANAK) == texts.fmt_moment(None, PONTIANAK) == "-"


@pytest.mark.parametrize(
    ("zone", "label", "clock"),
    [
        ("Asia/Jakarta", "WIB", "14.05"),
        ("Asia/Pontianak", "WIB", "14.05"),
        ("Asia/Makassar", "WITA", "15.05"),
        ("Asia/Jayapura", "WIT", "16.05"),
    ],
)
def test_the_zone_is_named_by_the_offices_clock(zone: str, label: str, clock: str) -> None:
    office = ZoneInfo(zone)
    assert texts.fmt_zone(FRIDAY, office) == label
    assert texts.fmt_moment_short(FRIDAY, office) == f"4 Des 2026 {clock} {label}"


def test_days_and_periods() -> None:
    assert texts.fmt_day(date(2027, 1, 2)) == "Sabtu, 2 Januari 2027"
    assert texts.fmt_date(date(2026, 2, 5)) == "5 Feb 2026"
    assert texts.fmt_dates(date(2026, 12, 7), date(2026, 12, 11)) == "7–11 Des 2026"
    assert texts.fmt_dates(date(2026, 11, 30), date(2026, 12, 4)) == "30 Nov–4 Des 2026"
    assert texts.fmt_dates(date(2026, 12, 30), date(2027, 1, 2)) == "30 Des 2026–2 Jan 2027"
    assert texts.fmt_dates(date(2026, 12, 7), date(2026, 12, 7)) == "7 Des 2026"


# --- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "0 menit kerja"),
        (45, "45 menit kerja"),
        (60, "1 jam kerja"),
        (75, "1 jam 15 menit kerja"),
        (600, "10 jam kerja"),
    ],
)
def test_a_duration_is_working_time_in_words(minutes: int, words: str) -> None:
    assert texts.fmt_duration(minutes) == words
    # after the words "waktu kerja" (the report's notes), not said twice
    assert texts.fmt_duration(minutes, working=False) == words.removesuffix(" kerja")


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        ("30 menit", "30 menit kerja"),
        ("90m", "1 jam 30 menit kerja"),
        ("2 jam", "2 jam kerja"),
        ("1 hari kerja", "1 hari kerja"),
    ],
)
def test_an_sop_limit_reads_like_a_duration(limit: str, words: str) -> None:
    assert texts.fmt_limit(Limit.parse(limit)) == words


def test_lateness_is_said_only_when_there_is_some() -> None:
    assert texts.fmt_lateness(75) == "; sudah lewat 1 jam 15 menit kerja"
    assert texts.fmt_lateness(0) == ""


# --- people --------------------------------------------------------------------------------


def test_a_name_is_addressed_bapak_ibu_unless_it_carries_its_own_form() -> None:
    assert texts.addressed("Sari Operator") == "Bapak/Ibu Sari Operator"
    assert texts.addressed("Ibu Divisi Hukum") == "Ibu Divisi Hukum"
    assert texts.addressed("Pak Sekretaris") == "Pak Sekretaris"
    assert texts.addressed("Bu. Rina") == "Bu. Rina"
    assert texts.addressed("Bunga") == "Bapak/Ibu Bunga"  # a word, not a form of address


# --- refusals a press answers as an alert fit Telegram's 200 characters --------------------

ALERTS = (
    "NOT_YOUR_STEP", "ALREADY_DECIDED", "STALE_BUTTON", "ITEM_CLOSED", "ITEM_CLOSED_NOW",
    "STEP_MOVED_ON", "ACTION_NOT_NOW", "DRAFT_OF_ANOTHER", "PAGES_OF_ANOTHER", "CARD_NOT_FOR_CHAT",
    "UNKNOWN_USER_ALERT", "SOURCES_NOT_CONFIRMED", "OWN_DESIGN", "ADMIN_FROM_CONFIG", "ADMIN_LAST",
    "ADMIN_LAST_DEACTIVATE", "ADMIN_INACTIVE", "START_PRIVATE_CHAT", "PROMPT_CANCELLED",
    "PROMPT_ALREADY_CLOSED", "NOT_OPENER", "NOT_CANCELLER",
)  # fmt: skip


def test_refusals_answered_as_alerts_fit_telegrams_200_characters() -> None:
    sop = load_default_sop()
    longest = max(sop.steps, key=lambda step: len(step.title))
    values = {
        "roles": sop.role_titles(frozenset({"kasubbag", "divisi_hukum"})),
        "code": "JDIH-2026-0001",
        "status": texts.STATUS_LABELS["draft"],
        "action": max(texts.ACTION_LABELS.values(), key=len),
        "who": f"Budi Santoso ({sop.role_title('kasubbag')})",
        "at": texts.fmt_moment_short(FRIDAY, PONTIANAK),
        "step": longest.title,
        "version": 12,
        "where": texts.STEP_WHERE.format(ref=longest.ref, title=longest.title),
        "creator": "Rina Marlina",
        "names": "Sari Wulandari, Dedi Kurniawan",
        "user_id": 1234567890,
    }
    lengths = {name: len(getattr(texts, name).format(**values)) for name in ALERTS}
    assert {name: n for name, n in lengths.items() if n > 200} == {}


# --- the review's calques stay out of the catalog ------------------------------------------

CALQUES = {  # a pattern in what a reader sees, and what to write instead
    r"tidak ada yang berubah": "say what did not happen: 'permintaan ini tidak diproses'",
    r"tidak ada yang disimpan": "say what was not recorded: 'Cuti belum dicatat'",
    r"posting": "postingan, memposting: the SOP's words are unggahan, mengunggah",
    r"perintah unggah": "the SOP's word is arahan (pengunggahan)",
    r"\bsaya\b": "the bot does not speak as 'saya'",
    r"\bdulu\b": "'terlebih dahulu'",
    r"(?<![/\w])start\b": "Telegram's Indonesian interface says Mulai",
    r"minta admin menambahkan": "say what the admin is asked to do and with what",
    r"\b(?:image|application|video|audio|text)/[a-z]": "a kind in words, never a MIME type",
}


def _catalog_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _catalog_strings(item)
    elif isinstance(value, tuple | list | frozenset):
        for item in value:
            yield from _catalog_strings(item)


def _words_of(text: str) -> str:
    """What a reader sees of a template: without its {placeholders}, casefolded (a command
    such as /start is not a word of the sentence)."""
    return re.sub(r"\{[^}]*\}", "", text).casefold()


def test_the_catalog_keeps_out_the_calques_the_review_found() -> None:
    found = [
        f"{name}: {pattern!r} ({advice})"
        for name, value in vars(texts).items()
        if name.isupper()
        for text in _catalog_strings(value)
        for pattern, advice in CALQUES.items()
        if re.search(pattern, _words_of(text))
    ]
    assert found == []


# --- no user-facing Indonesian outside the catalog -----------------------------------------

ROOT = Path(__file__).resolve().parents[1]
# Words that mark a string as Indonesian (none of them English, none a code word of ours; a
# command name alone, such as "laporan" or "anggota", is not a sentence).
INDONESIAN = frozenset(
    """
    yang dan tidak untuk dengan ini itu sudah belum dari pada oleh atau akan dapat bisa harus
    kirim tekan ketik silakan mohon anda kami saya ada menit jam hari kerja langkah tautan desain
    arsip ringkasan materi judul versi halaman pesan tombol batal setujui kembalikan unggah
    diunggah unggahan mengunggah dipublikasikan peran catatan arahan sumber tanggal waktu bulan
    tahun cuti pelaksana gagal berkas dibuat dikirim diterima lagi sebagai terlambat tenggat
    batas dibatalkan disetujui dikembalikan riwayat pukul kode tugas draf pratinjau foto dokumen
    gambar ukuran rusak ulang simpan lalu tetapi bukan tanpa selama sampai hingga sejak baru
    semua setiap hanya juga masih kembali sekarang wajib terima tolak periksa diperiksa selesai
    mulai libur kantor terdaftar selamat datang maaf kesalahan salah konfigurasi
    """.split()
)
# Indonesian that is not a sentence for people, each with its reason: (file, the literal).
NOT_FOR_PEOPLE = {
    # the SOP file's own words for a limit, read when the SOP is loaded; and the example in the
    # (English) error for a limit it cannot read
    ("bot/domain/limits.py", "menit"),
    ("bot/domain/limits.py", "jam"),
    ("bot/domain/limits.py", "hari kerja"),
    ("bot/domain/limits.py", " (write e.g. '30 menit', '2 jam', '1 hari kerja')"),
    ("bot/domain/sop.py", ".limit: write it as text, e.g. '30 menit'"),
    # a configured closure's name, beside the `holidays` package's Indonesian holiday names
    ("bot/domain/worktime.py", "Libur kantor"),
    # the default name of a file without one, on disk and in the archive
    ("bot/domain/filenames.py", "berkas"),
    # the archive's folder and file names on disk (shown to people through SUMMARY_FILE_ROLES)
    ("bot/archive/store.py", "desain"),
    ("bot/archive/store.py", "materi"),
    ("bot/archive/store.py", "ringkasan.html"),
    ("bot/archive/builder.py", "desain"),
    ("bot/archive/builder.py", "materi"),
    ("handlers/archive.py", "desain"),
    ("handlers/archive.py", "materi"),
    ("handlers/archive.py", "ringkasan.html"),
    ("bot/config/__init__.py", "arsip"),  # the default archive folder
    # the console's bilingual errors for the server's operator, before any bot runs
    ("bot/__main__.py", "Konfigurasi salah / configuration error: "),
    (
        "bot/instance.py",
        "bot lain sudah berjalan pada basis data ini / another bot already runs on this database (",
    ),
    (
        "bot/instance.py",
        "bot lain sedang menerima pembaruan dengan token yang sama / another bot is receiving "
        "updates with this token (Telegram: ",
    ),
    # `python -m bot check` speaks English to the operator; "cuti bersama" is the SKB's term
    ("bot/check.py", ") has no cuti bersama for "),
    ("bot/check.py", " lists cuti bersama for "),
    # how the `holidays` package names voting days, matched to keep them working days
    ("bot/domain/worktime.py", "Hari Pemilihan"),
    # the file name of the example takedown SOP shipped with the bot
    ("bot/domain/sop.py", "sop_penurunan_draf.toml"),
}
# the bot's command names (registered, and in each member's menu), as the catalog lists them
COMMANDS = {
    name for name, _ in (*texts.BOT_COMMANDS, *texts.ADMIN_COMMANDS, *texts.PEOPLE_COMMANDS)
}
_LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def _sources() -> Iterator[Path]:
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != ROOT / "bot" / "texts.py":
                yield path


def _literals(tree: ast.AST) -> Iterator[ast.Constant]:
    """String literals a user might read: not docstrings, not log messages (English, for the
    server's operator)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _LOG_METHODS
        ):
            skipped.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in skipped:
                yield node


def _indonesian(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.casefold())) & INDONESIAN


def test_no_indonesian_for_people_outside_the_catalog() -> None:
    found, allowed = [], set()
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        for node in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            if not _indonesian(node.value):
                continue
            if (relative, node.value) in NOT_FOR_PEOPLE:
                allowed.add((relative, node.value))
            elif node.value not in COMMANDS:
                found.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert found == [], "user-facing Indonesian belongs in bot/texts.py"
    assert allowed == NOT_FOR_PEOPLE  # an entry nothing needs any more is taken out


def test_the_guard_sees_indonesian_in_an_f_string() -> None:
    tree = ast.parse('def f(due):\n    """Docstring: tenggat."""\n    return f" — tenggat {due}"')
    assert [_indonesian(node.value) for node in _literals(tree)] == [{"tenggat"}]
