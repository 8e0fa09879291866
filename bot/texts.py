"""The message catalog: every word the bot says to users, in Bahasa Indonesia, is here."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import units as babel_units
from babel.lists import format_list

from bot.domain.limits import Limit, LimitUnit
from bot.domain.periods import Period, PeriodKind

# --- buttons ------------------------------------------------------------------------------

BTN_APPROVE = "✅ Setujui"
BTN_RETURN = "↩️ Kembalikan"
BTN_CONFIRM_SOURCES = "✅ Ya, sumber sudah diperiksa — Setujui"
# the card's one tap at a step whose approval needs the sources confirmed (SOP 4b)
BTN_APPROVE_SOURCES = "✅ Sumber sudah diperiksa — Setujui"
BTN_TASK_CARD = "📋 Kartu {code}"
BTN_CANCEL_CONFIRM = "Batal"
BTN_MATERIAL_DONE = "📨 Selesai, serahkan materi"
BTN_WRITE_DIRECTION = "✍️ Tulis arahan & teruskan"
BTN_UPLOAD_HERE = "📤 Unggah desain untuk item ini"
BTN_SUBMIT_DESIGN = "📨 Kirim desain untuk diperiksa"
BTN_CLEAR_DESIGN = "🗑 Hapus file draf"
BTN_ORDER_UPLOAD = "📢 Arahkan pengunggahan ke media sosial"
BTN_REPORT_POSTED = "🔗 Laporkan tautan unggahan"

# --- the command menu Telegram shows (setMyCommands) --------------------------------------

BOT_COMMANDS = [
    ("baru", "Buat item konten baru"),
    ("tugas", "Tugas yang menunggu Anda"),
    ("status", "Status dan riwayat item: /status KODE"),
    ("batal", "Batalkan item: /batal KODE"),
    ("arsip", "Cari di arsip digital: /arsip KODE, kata, atau 2026-11"),
    ("bantuan", "Petunjuk penggunaan"),
]

# --- general ------------------------------------------------------------------------------

# /bantuan (and /start after WELCOME): a few lines about this member's own part in the SOP
HELP = "🤖 <b>{sop_number}</b> — {office}\nPeran Anda: {roles}\n\n{duties}\n\n{commands}"
HELP_DUTIES = "Yang Anda kerjakan:"
HELP_OPEN = "• Membuat item baru: /baru"
HELP_STEP = "• Langkah {ref}: {title}{limit}"
HELP_CANCEL = "• Membatalkan item: /batal KODE"
HELP_DIGEST = "• Menerima ringkasan harian setiap pagi hari kerja"
HELP_OVERSEE = "• Menerima pengingat setiap langkah yang terlambat"
HELP_NO_DUTY = "Anda tidak memegang langkah SOP; Anda dapat melihat status dan arsip item."
HELP_COMMANDS = "Perintah: /tugas · /status KODE · /arsip KATA · /bantuan"
HELP_NO_ROLE = "-"
WELCOME = "Selamat datang, {name}. 👋"  # {name}: addressed(), "Bapak/Ibu Sari"
UNKNOWN_USER = (
    "Maaf, Anda belum terdaftar sebagai anggota tim JDIH di bot ini.\n\n"
    "ID Telegram Anda: <code>{user_id}</code>\n"
    "Mohon kirimkan ID ini kepada admin bot agar Anda didaftarkan."
)
UNKNOWN_USER_ALERT = (
    "Anda belum terdaftar. ID Telegram Anda: {user_id}. Mohon kirimkan ID ini kepada admin bot "
    "agar Anda didaftarkan."
)
UNKNOWN_COMMAND = "Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah."
NOTHING_EXPECTED = (
    "Pesan ini tidak diproses karena bot sedang tidak menunggu jawaban dari Anda. Ketik /tugas "
    "untuk melihat tugas Anda, atau /bantuan untuk petunjuk."
)
UNSUPPORTED_MESSAGE = (
    "Jenis pesan ini tidak dapat diproses. Kirim teks, atau file desain (PNG, JPEG, PDF, MP4)."
)
ERROR_GENERIC = "Maaf, terjadi kesalahan saat memproses permintaan Anda. Silakan coba lagi."
EDITED_IGNORED = (
    "Pesan yang diedit tidak diproses ulang; yang tercatat adalah isi semula. "
    "Bila perlu, kirim pesan baru."
)
START_PRIVATE_CHAT = (
    "Bot belum dapat mengirim pesan pribadi kepada Anda. Buka chat dengan bot dan tekan "
    "Mulai, lalu tekan tombol ini lagi."
)
TEXT_EXPECTED = (
    "Yang diminta adalah {what} dalam bentuk teks, bukan file. File ini tidak disimpan; "
    "silakan ketik {what}."
)
TEXT_TOO_LONG = "Teks terlalu panjang ({length} karakter). Batasnya {limit} karakter."

# --- refusals -----------------------------------------------------------------------------

NOT_YOUR_STEP = (
    "Langkah ini hanya dapat dikerjakan oleh {roles}; permintaan Anda tidak diproses. "
    "Ketik /tugas untuk melihat tugas Anda."
)
OWN_DESIGN = "Anda tidak dapat menyetujui desain yang Anda unggah sendiri."
# {who}: a name with its role titles, each said once (bot/domain/names.py name_with_roles)
ALREADY_DECIDED = "Sudah diputuskan: {action} oleh {who} pada {at}."
STALE_BUTTON = "Tombol ini sudah tidak berlaku: item sekarang di langkah {step}, versi {version}."
ITEM_CLOSED = "Item {code} sudah {status}; permintaan ini tidak diproses."
ITEM_NOT_FOUND = "Item dengan kode {code} tidak ditemukan. Periksa kodenya, mis. JDIH-2026-0001."
ITEM_GONE = "Item ini tidak ditemukan."
BAD_BUTTON = "Tombol ini tidak dikenal atau sudah kedaluwarsa."
PRESS_WORKING = "⏳ Sedang diproses…"
NEED_CODE = "Sebutkan kode item, mis. <code>/{command} JDIH-2026-0001</code>."
NOTES_WHAT = {
    "direct": "arahan pembuatan konten",
    "return": "catatan perbaikan",
    "cancel": "alasan pembatalan",
    "default": "catatan",
}
NOTES_REQUIRED = "Catatan tidak boleh kosong. Silakan tulis {what}."
SOURCES_NOT_CONFIRMED = (
    "Mohon konfirmasi terlebih dahulu bahwa kebenaran sumber konten sudah diperiksa (SOP 4b)."
)
LINKS_REQUIRED = (
    "Tidak ada tautan yang terbaca. Kirim tautan unggahan yang diawali https://, "
    "satu atau beberapa sekaligus."
)
NO_MATERIAL = "Belum ada materi. Kirim teks, tautan atau file materi terlebih dahulu."
NO_DESIGN_FILES = "Belum ada file desain untuk versi ini. Kirim file desain terlebih dahulu."
NOT_OPENER = (
    "Hanya {roles} yang dapat membuat item baru. Minta mereka membuatnya, "
    "atau ketik /tugas untuk melihat tugas Anda."
)
NOT_CANCELLER = (
    "Hanya {roles} yang dapat membatalkan item. Minta mereka membatalkannya, "
    "atau ketik /status KODE untuk melihat posisi item."
)
NOT_DESIGN_STEP = "Item {code} sedang tidak menunggu desain (langkah sekarang: {step})."
NOT_OPERATOR = "Hanya {role} yang dapat mengunggah desain. Ketik /tugas untuk melihat tugas Anda."
NO_ITEM_FOR_UPLOAD = (
    "Tidak ada item yang sedang menunggu desain. File ini tidak disimpan. "
    "Ketik /tugas untuk melihat tugas Anda."
)
TITLE_INVALID = "Judul harus 3 sampai {limit} karakter. Silakan kirim judul lagi."

# --- prompts ------------------------------------------------------------------------------

ASK_TITLE = 'Item baru. Kirim <b>judul</b> konten (mis. "PKPU Nomor 2 Tahun 2026").'
ASK_MATERIAL = (
    "Item <b>{code}</b> — {title} dibuat.\n\n"
    "Sekarang kirim <b>materi</b>: teks, tautan, dan file (mis. PDF peraturan). "
    "Bila sudah lengkap, tekan tombol di bawah."
)
MATERIAL_ADDED = "Materi ke-{count} diterima untuk {code}. Kirim lagi, atau tekan Selesai."
MATERIAL_SUBMITTED = "Materi {code} dikirim kepada {role}. Langkah 1 dimulai."
ASK_DIRECTION = (
    "Tulis <b>arahan</b> pembuatan konten {code} — {title}.\n"
    "Arahan dikirim kepada {role} bersama materinya."
)
ASK_RETURN_NOTES = (
    "Tulis <b>catatan perbaikan</b> untuk {code} versi {version}.\n"
    "Catatan ini dikirim kepada {role} bersama desainnya (wajib diisi)."
)
ASK_CANCEL_REASON = "Tulis <b>alasan pembatalan</b> item {code} — {title}."
ASK_LINKS = "Kirim <b>tautan unggahan</b> {code} di media sosial (satu atau beberapa)."
ASK_SOURCES = (
    "Sebelum menyetujui {code} versi {version}: apakah <b>kebenaran sumber konten</b> "
    "sudah diperiksa (SOP 4b)?\n\nSumber:\n{sources}"
)
# the "Batal" under a question: the question is closed, the item is not cancelled
PROMPT_CANCELLED = "Pertanyaan ditutup tanpa jawaban; item tetap pada langkah semula."
PROMPT_ALREADY_CLOSED = "Pertanyaan ini sudah dijawab atau sudah ditutup sebelumnya."

# --- acknowledgements ---------------------------------------------------------------------

DONE_DIRECT = "Arahan tersimpan. {code} diteruskan kepada {role}."
DONE_APPROVE = "Disetujui. {code} versi {version} diteruskan kepada {role}."
DONE_APPROVE_LAST = "Disetujui. {code} selesai."
DONE_RETURN = "{code} versi {version} dikembalikan kepada {role} dengan catatan Anda."
DONE_ORDER = "Arahan pengunggahan {code} dikirim kepada {role}."
DONE_POSTED = "Terima kasih. {code} tercatat sudah dipublikasikan. 🎉"
DONE_CANCEL = "{code} dibatalkan."
DONE_SUBMIT_DESIGN = "Desain {code} versi {version} dikirim kepada {role} untuk diperiksa."
DESIGN_FILE_ADDED = (
    "📎 Diterima: halaman {count} untuk <b>{code}</b> versi {version} ({name}).\n"
    "Kirim halaman berikutnya, tulis caption unggahan (balas pesan ini), "
    "atau tekan Kirim bila sudah lengkap."
)
CAPTION_SET = "Caption untuk {code} versi {version} disimpan."
DESIGN_CLEARED = "File draf {code} versi {version} dihapus. Silakan unggah ulang."
PICK_ITEM = (
    "Anda memiliki beberapa item yang menunggu desain. File ini untuk item yang mana?\n"
    "(Saran: balas pesan tugas item agar file langsung masuk ke item itu.)"
)
UPLOAD_PICK_GONE = "Unggahan ini sudah diproses atau tidak ditemukan."
UPLOAD_TARGET_SET = "Kirim file desain untuk {code} sekarang (atau balas pesan tugasnya)."
ALBUM_NAME = "album"
# A file without a name is shown by its kind, in words (never Telegram's "photo").
FILE_KINDS = {"photo": "foto", "document": "dokumen", "video": "video", "animation": "animasi"}


def file_label(name: str | None, kind: str) -> str:
    """A file as people read it: its name, else its kind in Indonesian."""
    return name or FILE_KINDS.get(kind, "file")


PHOTO_COMPRESSED_TIP = (
    "ℹ️ Foto dikirim terkompresi oleh Telegram. Agar kualitas penuh, kirim sebagai file (📎 → File)."
)

# --- cards --------------------------------------------------------------------------------

CARD_HEADER = "<b>{code}</b> — {title}\nLangkah {ref}: {step}\nPeran: {role}"
CARD_VERSION = "Versi desain: {version}"
CARD_DUE = "Batas waktu: {limit} — tenggat {due}"
CARD_DIRECTION = "Arahan {role}:\n{direction}"
CARD_RETURN_NOTES = "↩️ Dikembalikan oleh {who}. Catatan perbaikan:\n{notes}"
CARD_CAPTION = "Caption unggahan:\n{caption}"
CARD_NO_CAPTION = "Caption unggahan: (tidak ada)"
CARD_MATERIAL = "Materi:\n{material}"
CARD_SOURCES = "Sumber konten (periksa kebenarannya):\n{material}"
# the posting kit: the caption goes alone in its own message, so one long press copies it
CARD_CAPTION_ABOVE = "Caption unggahan: pesan tersendiri di atas (tekan lama untuk menyalin)."
CARD_FILES_ABOVE = "File: {count} terlampir di atas."
CARD_LINKS = "Tautan unggahan:\n{links}"
CARD_HINT = {
    "direct": "Periksa materi, lalu tulis arahan untuk {role}.",
    "design": "Buat desain dan kirim filenya di sini (balas pesan ini), kemudian tekan Kirim.",
    "review": "Periksa desain, lalu pilih Setujui atau Kembalikan (catatan wajib).",
    "order": "Konten sudah disetujui. Berikan arahan kepada {role} untuk mengunggahnya.",
    "post": "Unggah file dan caption di atas ke media sosial kantor, lalu laporkan tautannya.",
}
CARD_HINT_SOURCES = (
    "Periksa desain dan kebenaran sumbernya, lalu tekan Sumber sudah diperiksa — Setujui, "
    "atau Kembalikan (catatan wajib)."
)
DECISION_LINE = "\n\n{mark} {action} oleh {name} pada {at}."

ACTION_LABELS = {
    "created": "Item dibuat",
    "submit_material": "Materi diserahkan",
    "direct": "Arahan pembuatan konten diberikan",
    "submit_design": "Desain diserahkan",
    "approve": "Disetujui",
    "return": "Dikembalikan",
    "order_upload": "Arahan pengunggahan diberikan",
    "report_posted": "Dipublikasikan",
    "cancel": "Dibatalkan",
}
DECISION_MARKS = {"approve": "✅", "return": "↩️", "cancel": "⛔"}
STATUS_LABELS = {
    "draft": "draf (materi belum diserahkan)",
    "active": "dalam proses",
    "published": "dipublikasikan",
    "cancelled": "dibatalkan",
}

# --- notices ------------------------------------------------------------------------------

NOTICE_RETURNED = (
    "ℹ️ {code} — {title} versi {version} dikembalikan untuk diperbaiki oleh {who}.\nCatatan: {notes}"
)
NOTICE_PUBLISHED = "🎉 {code} — {title} sudah dipublikasikan.\n{links}"
NOTICE_CANCELLED = "⛔ {code} — {title} dibatalkan oleh {name}.\nAlasan: {reason}"

# --- reminders and the daily digest -------------------------------------------------------

BTN_SHOW_CARD = "📋 Tampilkan kartu item"
# the sekretaris' reminder (issue 13, not built yet: tests/test_e2e_truth.py states it): the
# item's status with its history, read-only
BTN_SHOW_STATUS = "📋 Tampilkan status item"
REMINDER = (
    "⏰ <b>Pengingat</b> (ke-{round}): <b>{code}</b> — {title}\n"
    "Langkah {ref}: {step} melewati batas waktu SOP ({limit}).\n"
    "Batas waktu habis {due}{late}."
)
# how long ago, in working time; left out while less than a minute of it passed (a limit that
# ran out at closing is reminded at the next opening: no working time lies in between)
REMINDER_LATE = "; sudah lewat {late}"
REMINDER_WHO = "Yang harus bertindak: {role} ({who})."
REMINDER_ACT = "Tekan tombol di bawah untuk menampilkan kartu item dan menindaklanjutinya."
CARD_RESENT = "Kartu {code} dikirim ulang."
STATUS_SHOWN = "Status terkini {code} dikirim."
DIGEST_HEADER = "📋 <b>Ringkasan harian JDIH</b> — {day}"
DIGEST_OVERDUE = "<b>Terlambat</b> ({count}):"
DIGEST_OVERDUE_LINE = "• {code} — {title}\n  Langkah {ref}: {step}; tenggat {due}; menunggu {who}"
DIGEST_STEP = "<b>Langkah {ref}: {step}</b> ({count}):"
DIGEST_ITEM_LINE = "• {code} — {title}"
DIGEST_NO_ACTIVE = "Tidak ada item dalam proses."
DIGEST_PUBLISHED = "<b>Dipublikasikan sejak {day}</b> ({count}):"
DIGEST_NONE_PUBLISHED = "Tidak ada item yang dipublikasikan sejak {day}."


ARCHIVE_FILE = "File:"
ARCHIVE_HEADER = "🗄 <b>Arsip digital</b> — {count} item:"
ARCHIVE_LINE = "• <b>{code}</b> — {title} (dipublikasikan {at})"
ARCHIVE_MORE = "… dan {count} lagi. Persempit pencarian dengan kode, kata judul atau bulan."
ARCHIVE_NONE = (
    'Tidak ada item di arsip untuk "{query}". Cari dengan kode (JDIH-2026-0001), kata dari '
    "judul, atau bulan (2026-11)."
)
ARCHIVE_BAD_QUERY = "Tulis bulan dalam bentuk TAHUN-BULAN, mis. 2026-11."
ARCHIVE_GONE = "Arsip item ini tidak ditemukan."
ARCHIVE_SENT = "Ringkasan dan file arsip {code} sedang dikirim."
ADMIN_ONLY = "Perintah ini hanya untuk admin bot."
QUEUE_EMPTY = "📭 Antrean kosong: semua pesan sudah terkirim."
QUEUE_HEADER = "📬 <b>Antrean pengiriman</b>\nMenunggu dikirim: {waiting}\nGagal: {failed}"
QUEUE_FAILED_LINE = "• {name} (ID {chat_id}): {count} pesan. {reason}"
QUEUE_HINT = "Ketik /kirimulang untuk mengirim ulang pesan yang gagal."
REASON_UNREACHABLE = "Belum menekan Mulai atau memblokir bot."
REASON_REFUSED = "Ditolak Telegram: {error}"
REQUEUED = "🔁 {count} pesan yang gagal dijadwalkan untuk dikirim ulang."
REQUEUED_NONE = "Tidak ada pesan gagal yang perlu dikirim ulang."
HELD_MESSAGES = "📬 {count} pesan yang tertunda untuk Anda sedang dikirim sekarang."
ADMIN_COMMANDS = [
    ("antrean", "Admin: pesan yang belum terkirim"),
    ("kirimulang", "Admin: kirim ulang pesan yang gagal"),
]
MEMBER_UNREACHABLE = (
    "⚠️ Bot tidak dapat mengirim pesan kepada {name} (ID {chat_id}): yang bersangkutan belum "
    "menekan Mulai atau memblokir bot. Mohon minta yang bersangkutan membuka bot dan menekan "
    "Mulai; pesan yang tertunda akan terkirim begitu tombol itu ditekan."
)
PREVIEW_CAPTION = "Pratinjau {code} versi {version} (DRAF). File asli menyusul."
FILE_CHANGED = (
    "⛔ <b>{code}</b> versi {version}: file yang tersimpan (halaman {pages}) tidak lagi sama "
    "dengan yang disetujui, sehingga file tidak dikirim kepada {poster}. Mohon minta {designer} "
    "mengunggah ulang desainnya (pemeriksaan dimulai lagi dari langkah {ref})."
)

# --- archive failures and non-Telegram failures (issue 11) ----------------------------------

ARCHIVE_FAILED = (
    "🚨 <b>Arsip digital {code} gagal ditulis</b> — {title}\n"
    "Penyebab: {cause}\n"
    "File dan riwayat item tetap tersimpan di bot. Setelah penyebabnya diatasi, admin dapat "
    "mengetik /kirimulang untuk menulis arsipnya lagi."
)
QUEUE_ARCHIVE_LINE = "• Arsip digital {code}: belum tertulis. Penyebab: {reason}"
REASON_BOT = "Gagal di bot (bukan Telegram): {error}"
CAUSE_FILE_CHANGED = "file {name} berubah sejak diterima (SHA-256 tidak cocok)"
CAUSE_FILE = "file {name}: {cause}"
CAUSE_NO_SPACE = "disk penuh"
CAUSE_NO_PERMISSION = "bot tidak diizinkan menulis di folder arsip"
CAUSE_NAME_TOO_LONG = "nama file terlalu panjang"
CAUSE_NOT_FOUND = "file atau folder tidak ditemukan"
CAUSE_NOT_A_FOLDER = "ada file biasa di tempat folder arsip"
CAUSE_FILESYSTEM = "kesalahan sistem berkas ({error})"
CAUSE_BUG = "kesalahan di bot ({error})"
CAUSE_STORED_FILE_CHANGED = "file desain yang tersimpan tidak sama dengan yang disetujui"

# --- lists --------------------------------------------------------------------------------

TASKS_HEADER = "<b>Tugas Anda</b> ({count}):"
TASKS_LINE = "• <b>{code}</b> — {title}\n  Langkah {ref}: {step}{due}"
TASKS_DRAFT_LINE = "• <b>{code}</b> — {title}\n  Draf: materi belum diserahkan"
TASKS_NONE = "Tidak ada tugas yang menunggu Anda. 👍"
TASKS_CARDS = "Tekan kode item untuk menampilkan kartunya."
STATUS_TEXT = "<b>{code}</b> — {title}\nStatus: {status}{position}\n\n<b>Riwayat</b>\n{history}"
STATUS_POSITION = "Langkah {ref}: {step}\nMenunggu: {who}\nVersi desain: {version}{due}"
STATUS_HISTORY_LINE = "• {at} — {action} — {who}, langkah {step}, versi {version}{notes}"


# --- dates, times and durations: one way everywhere, from Babel's Indonesian (CLDR) data ---
# Long, in sentences:   "Jumat, 4 Desember 2026 pukul 14.05 WIB" (fmt_moment), "Jumat,
#                       4 Desember 2026" (fmt_day).
# Short, in lists, tables, alerts and a card's deadline line: "4 Des 2026 14.05 WIB"
#                       (fmt_moment_short), "4 Des 2026" (fmt_date), "7–11 Des 2026" (fmt_dates).
# Durations, always working time: "1 jam 15 menit kerja" (fmt_duration, fmt_limit).
# The zone is named as the office's clock reads it: WIB, WITA or WIT (fmt_zone).

LOCALE = "id"
_LONG_DAY = "EEEE, d MMMM y"  # CLDR's full date pads the day ("04 Desember"); letters do not
_SHORT_DAY = "d MMM y"  # CLDR's medium date for id
_TIME = "HH.mm"  # CLDR's short time for id: a dot, as Indonesians write it
_ZONE = "z"  # the zone's short name at that instant: WIB, WITA, WIT (else its UTC offset)


def fmt_moment(instant: datetime | None, zone: ZoneInfo) -> str:
    """A moment in a sentence, with the weekday people reckon by: "Jumat, 4 Desember 2026
    pukul 14.05 WIB"."""
    if instant is None:
        return "-"
    pattern = f"{_LONG_DAY} 'pukul' {_TIME}"
    local = babel_dates.format_datetime(instant, pattern, tzinfo=zone, locale=LOCALE)
    return f"{local} {fmt_zone(instant, zone)}"


def fmt_moment_short(instant: datetime | None, zone: ZoneInfo) -> str:
    """A moment in a list, a table, an alert or a card's deadline line: "4 Des 2026 14.05 WIB"."""
    if instant is None:
        return "-"
    pattern = f"{_SHORT_DAY} {_TIME}"
    local = babel_dates.format_datetime(instant, pattern, tzinfo=zone, locale=LOCALE)
    return f"{local} {fmt_zone(instant, zone)}"


def fmt_zone(instant: datetime, zone: ZoneInfo) -> str:
    """The office's time zone as its clock is named: "WIB", "WITA", "WIT"."""
    return babel_dates.format_datetime(instant, _ZONE, tzinfo=zone, locale=LOCALE)


def fmt_day(day: date) -> str:
    """A day in a sentence or a heading: "Jumat, 4 Desember 2026"."""
    return babel_dates.format_date(day, _LONG_DAY, locale=LOCALE)


def fmt_date(day: date) -> str:
    """A day in short: "4 Des 2026"."""
    return babel_dates.format_date(day, _SHORT_DAY, locale=LOCALE)


def fmt_dates(first: date, last: date) -> str:
    """Days from `first` to `last`, both included, in short: "7–11 Des 2026", "30 Nov–4 Des
    2026"; one day alone is that day."""
    if first == last:
        return fmt_date(first)
    return babel_dates.format_interval(first, last, "yMMMd", locale=LOCALE)


def fmt_months(first: date, last: date) -> str:
    """Whole months, as a report's period is named: "November 2026", "Juli–Desember 2026"."""
    return babel_dates.format_interval(first, last, "yMMMM", locale=LOCALE)


def fmt_month(day: date) -> str:
    """The month's name alone: "Januari"."""
    return babel_dates.format_date(day, "LLLL", locale=LOCALE)


def fmt_period(period: Period) -> str:
    """A report's period as its title names it: "Juli–Desember 2026", "November 2026",
    "1 Jul–15 Agu 2026"."""
    if period.kind is PeriodKind.DATES:
        return fmt_dates(period.first, period.last)
    return fmt_months(period.first, period.last)


def fmt_duration(minutes: int, *, working: bool = True) -> str:
    """Working time in words: "45 menit kerja", "1 jam 15 menit kerja", "2 jam kerja";
    without "kerja" where the sentence already says "waktu kerja" (`working=False`)."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = [_unit(hours, "duration-hour")] if hours else []
    if rest or not hours:
        parts.append(_unit(rest, "duration-minute"))
    return " ".join([*parts, WORKING] if working else parts)


def fmt_limit(limit: Limit) -> str:
    """An SOP time standard, read as the SOP writes it and counted in working time:
    "30 menit kerja", "2 jam kerja", "1 hari kerja"."""
    if limit.unit is LimitUnit.WORKING_DAYS:
        return f"{_unit(limit.amount, 'duration-day')} {WORKING}"
    return fmt_duration(limit.amount * (60 if limit.unit is LimitUnit.HOURS else 1))


WORKING = "kerja"  # after every duration: the bot counts office working time only


def _unit(amount: int, unit: str) -> str:
    return babel_units.format_unit(amount, unit, length="long", locale=LOCALE)


def fmt_list(words: list[str]) -> str:
    """Several things in a sentence: "2026", "2026 dan 2027", "A, B, dan C"."""
    return format_list(words, style="standard", locale=LOCALE)


def fmt_lateness(minutes: int) -> str:
    """How late a reminded step is; nothing at all rather than "0 menit", which reads as
    "not late"."""
    return REMINDER_LATE.format(late=fmt_duration(minutes)) if minutes >= 1 else ""


# --- titles (bot/domain/names.py) ---------------------------------------------------------

TITLE_INVISIBLE = (
    "Judul ini tidak berisi huruf atau angka yang terlihat (hanya spasi atau karakter tak "
    'terlihat). Silakan kirim judul yang dapat dibaca, mis. "PKPU Nomor 2 Tahun 2026".'
)

# --- issue 11: same-role gaps (button alerts: plain text, at most 200 characters) ----------

DRAFT_OF_ANOTHER = (
    "Draf {code} dibuat oleh {creator}. Hanya pembuatnya atau {roles} yang dapat "
    "menyerahkan materinya; materi belum diserahkan."
)
PAGES_OF_ANOTHER = (
    "Halaman draf {code} versi {version} diunggah oleh {names}; hanya pengunggahnya yang "
    "dapat menghapusnya. Halaman itu tidak dihapus."
)
DESIGN_CLEARED_OWN = (
    "Halaman Anda di draf {code} versi {version} dihapus; {kept} halaman dari {names} tetap ada."
)
CARD_NOT_FOR_CHAT = (
    "Kartu {code} tidak ditampilkan di obrolan ini. Tekan tombolnya di obrolan pribadi "
    "dengan bot, atau ketik /status {code}."
)
CARD_ON_ITS_WAY = "Kartu {code} sudah dalam antrean pengiriman; tunggu sebentar."

# --- design files that parse (issue 11): PDFs with active content, MP4s that are not videos ---

REASON_PDF_ENCRYPTED = (
    "PDF {name} dikunci dengan kata sandi atau enkripsi, sehingga isinya tidak bisa diperiksa. "
    "Simpan ulang desainnya sebagai PDF tanpa kata sandi, atau kirim sebagai PNG/JPEG, "
    "lalu kirim lagi."
)
REASON_PDF_ACTIVE = (
    "PDF {name} berisi {what}, yang tidak boleh ada dalam file desain. Ekspor ulang desainnya "
    "sebagai PDF biasa dari aplikasi desain (tanpa skrip, tombol aksi atau lampiran), "
    "atau kirim sebagai PNG/JPEG, lalu kirim lagi."
)
PDF_JAVASCRIPT = "JavaScript (skrip yang berjalan saat file dibuka)"
PDF_LAUNCH = "perintah untuk membuka program atau file lain (aksi Launch)"
PDF_EMBEDDED_FILE = "file lain yang dilampirkan di dalamnya"
REASON_MP4_MALFORMED = (
    "File {name} diawali tanda video MP4, tetapi isinya bukan video MP4 yang utuh (ada data "
    "yang bukan bagian video, atau susunannya rusak). Ekspor ulang videonya sebagai MP4 dari "
    "aplikasi penyunting video lalu kirim lagi."
)
REASON_MP4_NO_MOVIE = (
    "Video {name} tidak lengkap: bagian informasi videonya (moov) tidak ada, biasanya karena "
    "rekaman atau ekspor belum selesai. Ekspor ulang videonya sebagai MP4 lalu kirim lagi."
)
REASON_PDF_TOO_COMPLEX = (
    "PDF {name} terlalu rumit untuk diperiksa (lebih dari {limit} objek; desain biasa hanya "
    "ratusan). Ekspor ulang desainnya sebagai PDF yang diratakan (flatten) atau berukuran "
    "kecil, atau kirim sebagai PNG/JPEG, lalu kirim lagi."
)

# --- a button of an item that moved on or closed (issue 12, bugs12) ----------------------------
ITEM_CLOSED_NOW = "Item ini sudah {status}; tombol ini tidak berlaku lagi."
STEP_MOVED_ON = (
    "Tombol ini sudah tidak berlaku: langkahnya sudah diputuskan atau sudah ada versi desain "
    "yang lebih baru. Ketik /status KODE untuk melihat langkah sekarang."
)
ACTION_NOT_NOW = (
    "Tindakan ini tidak dapat dilakukan saat item berada pada {where}. Ketik /status KODE "
    "untuk melihat langkah sekarang."
)
STEP_WHERE = "langkah {ref}: {title}"

# --- what a member was asked to type, named when a file comes instead (TEXT_EXPECTED) ---------
TYPED_TITLE = "judul item"
TYPED_DIRECTION = "arahan"
TYPED_RETURN_NOTES = "catatan perbaikan"
TYPED_CANCEL_REASON = "alasan pembatalan"
TYPED_POST_LINKS = "tautan unggahan"

# --- the office's people: invitations, members, leave and acting officials (issue 14) -------

PEOPLE_COMMANDS = [
    ("undang", "Admin: undang anggota baru"),
    ("anggota", "Admin: anggota, peran, dan status"),
    ("cuti", "Catat cuti dan Plh/Plt"),
]
NOTICE_UNCOVERED = (
    "🚨 <b>Tidak ada yang dapat bertindak</b>: {code} — {title} menunggu di langkah {step} "
    "({role}), tetapi tidak ada pemegang peran itu yang tersedia (cuti atau nonaktif, tanpa "
    "Plh/Plt). Tunjuk Plh/Plt dengan /cuti atau undang anggota dengan /undang."
)
PEOPLE_ADMIN_ONLY = "Hanya admin yang dapat mengelola anggota."
LEAVE_NOT_ALLOWED = "Hanya admin atau sekretaris yang dapat mencatat cuti."

INVITE_PICK_ROLE = "Undang anggota baru. Pilih perannya:"
INVITE_LINK = (
    "🔗 Tautan undangan untuk peran <b>{role}</b> (sekali pakai, berlaku sampai {until}):\n"
    "{link}\n\nKirim tautan ini kepada yang diundang. Setelah yang bersangkutan membuka tautan "
    "dan menekan Mulai, Anda diminta menerima atau menolak permintaannya."
)
BTN_REVOKE_INVITE = "Batalkan undangan"
INVITE_REVOKED = "Undangan dibatalkan: tautannya tidak berlaku lagi."
INVITE_OPENED = (
    "Terima kasih, {name}. Undangan untuk peran {role} sudah diterima dan menunggu "
    "konfirmasi admin. Anda akan diberi tahu setelah admin mengonfirmasinya."
)
INVITE_PROBLEMS = {
    "unknown": "Tautan undangan ini tidak dikenal. Minta tautan baru kepada admin.",
    "expired": "Tautan undangan ini sudah kedaluwarsa (berlaku 7 hari). Minta tautan baru "
    "kepada admin.",
    "used": "Tautan undangan ini sudah dipakai. Setiap tautan hanya berlaku sekali; minta "
    "tautan baru kepada admin.",
    "revoked": "Tautan undangan ini sudah dibatalkan oleh admin.",
    "already_member": "Anda sudah menjadi anggota. Ketik /bantuan untuk melihat tugas Anda.",
}
CLAIM_CARD = (
    "🙋 <b>Permintaan bergabung</b>\n{name} (ID {user_id}) membuka undangan untuk peran "
    "<b>{role}</b>."
)
BTN_ACCEPT = "Terima"
BTN_REJECT = "Tolak"
CLAIM_ACCEPTED = "✅ {name} diterima sebagai {role} oleh {admin}."
CLAIM_REJECTED = "❌ Permintaan {name} ditolak oleh {admin}."
CLAIM_ALREADY = "Permintaan ini sudah dijawab."
CLAIM_WELCOME = "🎉 Selamat bergabung, {name}. Anda kini terdaftar sebagai {role}.\n\n"
CLAIM_REFUSED_TO_USER = "Maaf, permintaan Anda untuk bergabung tidak diterima admin."

MEMBERS_HEADER = "👥 <b>Anggota</b> ({count})"
MEMBERS_LINE = "• {name} (ID {user_id}): {roles} — {status}"
MEMBER_ACTIVE = "aktif"
MEMBER_INACTIVE = "nonaktif"
MEMBER_AWAY = "cuti s.d. {until}"
MEMBERS_HINT = "Pilih anggota untuk mengubah peran atau status:"
MEMBER_CARD = "👤 <b>{name}</b> (ID {user_id})\nPeran: {roles}\nStatus: {status}"
MEMBER_NO_ROLE = "tanpa peran"
BTN_DEACTIVATE = "Nonaktifkan"
BTN_REACTIVATE = "Aktifkan kembali"
MEMBER_CHANGED = "Tersimpan."

LEAVE_PICK_MEMBER = "Catat cuti. Pilih anggota yang cuti:"
LEAVE_ASK_PERIOD = (
    "Cuti {name}. Ketik periodenya, mis. <code>7/12/2026 - 11/12/2026</code> atau "
    "<code>7 - 11 Desember 2026</code>."
)
LEAVE_BAD_DATE = (
    "Tanggal tidak dapat dibaca. Tulis mis. <code>7/12/2026 - 11/12/2026</code> atau "
    "<code>7 Desember 2026 s.d. 11 Desember 2026</code>."
)
LEAVE_ASK_ACTING = "Siapa yang menjadi pelaksana <b>{role}</b> selama {name} cuti ({period})?"
BTN_NO_ACTING = "Tidak ada"
LEAVE_ASK_KIND = "{name} sebagai Plh atau Plt {role}?"
LEAVE_ASK_BASIS = (
    "Ketik dasar penunjukannya, mis. <code>Surat Perintah Sekretaris No. 12/HK.03/2026</code>."
)
LEAVE_RECORDED = "✅ Tercatat: {name} cuti {period}."
LEAVE_ACTING_LINE = "• {capacity}: {acting} (dasar: {basis})"
LEAVE_NO_ACTING_LINE = "• {role}: tidak ada pelaksana"
LEAVE_UNCOVERED_WARNING = (
    "⚠️ Selama cuti tidak ada yang memegang: {roles}. Item pada langkah peran itu akan menunggu."
)
LEAVE_NO_WIZARD = "Pencatatan cuti ini sudah berakhir. Mulai lagi dengan /cuti."
BTN_STOP = "Batal"
LEAVE_STOPPED = "Pencatatan cuti dibatalkan; tidak ada cuti yang dicatat."
ABSENCE_PROBLEMS = {
    "not_a_member": "Anggota itu tidak aktif atau tidak dikenal. Cuti belum dicatat.",
    "ends_before_start": "Tanggal akhir sebelum tanggal mulai. Cuti belum dicatat.",
    "in_the_past": "Periode itu sudah lewat. Cuti belum dicatat.",
    "overlaps": "{name} sudah tercatat cuti {period} yang beririsan. Cuti belum dicatat.",
    "acts_for_self": "Anggota yang cuti tidak dapat menjadi pelaksana dirinya sendiri."
    " Cuti belum dicatat.",
    "role_not_held": "Anggota yang cuti tidak memegang peran itu. Cuti belum dicatat.",
    "stand_in_not_active": "Pelaksana yang dipilih tidak aktif. Cuti belum dicatat.",
    "no_basis": "Dasar penunjukan harus diisi. Cuti belum dicatat.",
    "stand_in_away": "Pelaksana yang dipilih juga sedang cuti pada {period}. Cuti belum dicatat.",
}
CAPACITY_BASIS = "{capacity}, dasar: {basis}"

# --- admins in chat (issue 14, helper admins) ---
# The admins are config.toml's telegram.admins (the server's) and the members made admins in
# /anggota. A refusal is shown as a press's alert: each under 200 characters.
BTN_MAKE_ADMIN = "Jadikan admin"
BTN_REVOKE_ADMIN = "Cabut admin"
MEMBER_ADMIN_MARK = " · admin"
MEMBER_CONFIG_ADMIN_MARK = " · admin (config.toml)"
ADMIN_FROM_CONFIG = (
    "Admin ini ditetapkan di config.toml server (telegram.admins), bukan di chat. Ubah "
    "config.toml, lalu jalankan ulang bot. Status admin tidak diubah."
)
ADMIN_LAST = (
    "Ini admin terakhir, sedangkan bot harus memiliki admin. Jadikan anggota lain admin "
    "terlebih dahulu; status admin tidak diubah."
)
ADMIN_LAST_DEACTIVATE = (
    "Anggota ini admin terakhir: bila dinonaktifkan, bot tidak memiliki admin. Jadikan anggota "
    "lain admin terlebih dahulu; anggota ini tetap aktif."
)
ADMIN_INACTIVE = (
    "Anggota nonaktif tidak dapat dijadikan admin. Aktifkan kembali anggota ini terlebih dahulu."
)

# --- report (issue 15, helper report) ---
# The SOP monitoring and evaluation report (PermenPANRB No. 35 Tahun 2012): the workbook's
# words, the CSV's header, the period's errors. bot/report/ draws them; the chat uses them too.

REPORT_TITLE = "Laporan Monitoring Pelaksanaan {sop_number}, Periode {period}"
REPORT_SUBTITLE = "{sop_name} — {office}"
REPORT_MADE = "Dibuat {at} dari basis data bot; versi SOP {version}."
REPORT_EMPTY = (
    "Tidak ada item yang berjalan pada periode ini: tidak ada pelaksanaan SOP yang dapat dinilai."
)
REPORT_UNRECORDED = (
    "Catatan: {count} pelaksanaan langkah selesai sebelum batas waktu dicatat per kunjungan "
    "langkah; pelaksanaan itu diukur dengan batas waktu SOP yang berlaku sekarang."
)
REPORT_SOP_VERSIONS = "Pelaksanaan pada periode ini tercatat di bawah versi SOP: {versions}."
REPORT_PERIOD_UNKNOWN = (
    'Periode "{text}" tidak dikenali. Tulis misalnya: {examples} (semester, bulan, triwulan, '
    "tahun, atau dua tanggal)."
)
REPORT_NOT_ALLOWED = "Laporan monitoring SOP hanya untuk {roles} dan admin bot."
REPORT_WORKING_TIME_NOTE = (
    "Semua waktu adalah waktu kerja kantor (jam kerja, tanpa akhir pekan, hari libur nasional "
    "dan cuti bersama), dalam menit kecuali disebut lain."
)

ASSESSMENTS = {
    "good": "Berjalan dengan baik",
    "not_good": "Tidak berjalan dengan baik",
    "no_standard": "Tidak diusulkan: langkah ini tanpa baku mutu waktu",
    "no_runs": "Tidak diusulkan: tidak ada pelaksanaan pada periode ini",
}
VERDICTS = {
    "yes": "Ya",
    "no": "Tidak",
    "none": "-",
    "by_rule": "Ya (tidak tercatat; bot menolak selain itu)",
}
STATUSES = {
    "draft": "draf (menunggu materi)",
    "active": "berjalan",
    "published": "dipublikasikan",
    "cancelled": "dibatalkan",
}
CAPACITIES = {"own": "pejabat definitif", "plh": "Plh.", "plt": "Plt.", "away": "cuti"}

NOTE_RUNS = "{runs} kali dilaksanakan"
NOTE_WITHIN = "{within} ({pct}) dalam baku mutu waktu {limits} (ambang {threshold})"
NOTE_NO_LIMIT = "tanpa baku mutu waktu"
NOTE_TIMES = "waktu kerja median {median}, p90 {p90}, maksimum {longest}"
NOTE_RETURNS = "{count} kali dikembalikan"
NOTE_REASONS = "alasan terbanyak: {reasons}"
NOTE_REASON = '"{text}" ({count}×)'
NOTE_REMINDERS = "{count} pengingat terkirim"
NOTE_OPEN = "{count} item masih di langkah ini pada akhir periode ({late} terlambat)"
NOTE_UNRECORDED = "{count} diukur dengan batas waktu SOP sekarang"
NOTE_NONE = "tidak ada pelaksanaan pada periode ini"

SHEET_MONITORING = "Monitoring (Tabel 7)"
SHEET_STEPS = "Ringkasan per langkah"
SHEET_ITEMS = "Item"
SHEET_EXCEPTIONS = "Pengecualian"
SHEET_COMPLIANCE = "Kepatuhan"
SHEET_WORKLOAD = "Beban kerja"
SHEET_EVALUATION = "Evaluasi"

COLS_MONITORING = (
    "No",
    "Prosedur",
    "Penilaian terhadap penerapan",
    "Catatan hasil penilaian",
    "Tindakan yang harus diambil",
    "Paraf penilai",
)
COLS_STEPS = (
    "No",
    "Langkah",
    "Pelaksana",
    "Baku mutu waktu",
    "Pelaksanaan",
    "Dalam baku mutu",
    "% dalam baku mutu",
    "Median (menit)",
    "P90 (menit)",
    "Maksimum (menit)",
    "Baku mutu (menit kerja)",
    "Dikembalikan",
    "Alasan terbanyak",
    "Pengingat",
    "Terbuka akhir periode",
    "Usulan penilaian",
)
CHART_TITLE = "Waktu kerja per langkah (menit): median dan p90 dibanding baku mutu"
CHART_MEDIAN = "Median"
CHART_P90 = "P90"
CHART_STANDARD = "Baku mutu"
CHART_Y = "menit kerja"
COLS_ITEMS = (
    "Kode",
    "Judul",
    "Sumber (materi)",
    "Dibuka oleh",
    "Dibuka",
    "Selesai",
    "Status akhir periode",
    "Langkah akhir periode",
    "Status sekarang",
    "Versi desain",
    "Versi disetujui",
    "Dikembalikan",
    "Pengingat",
    "Tautan",
)
COLS_ITEM_STEP = ("{ref} pelaksana", "{ref} waktu kerja (menit)", "{ref} batas")
ITEM_STEP_LATE = " (terlambat)"
EXC_LATE = "Langkah terlambat"
COLS_LATE = (
    "Kode",
    "Judul",
    "Langkah",
    "Pelaksana",
    "Jatuh tempo",
    "Selesai",
    "Terlambat (menit kerja)",
    "Batas",
    "Batas tercatat",
)
EXC_RETURNS = "Dikembalikan untuk perbaikan"
COLS_RETURNS = ("Kode", "Judul", "Langkah", "Waktu", "Oleh", "Versi", "Catatan")
EXC_CANCELLED = "Dibatalkan"
COLS_CANCELLED = ("Kode", "Judul", "Langkah", "Waktu", "Oleh", "Alasan")
EXC_OPEN = "Masih terbuka pada akhir periode"
COLS_OPEN = (
    "Kode",
    "Judul",
    "Status",
    "Langkah",
    "Sejak",
    "Jatuh tempo",
    "Terlambat (menit kerja)",
)
EXC_NONE = "Tidak ada."
YES, NO = "Ya", "Tidak"
COLS_COMPLIANCE = (
    "Kode",
    "Judul",
    "Penyetuju bukan pembuat desain",
    "Sumber dikonfirmasi (langkah {ref})",
    "Berkas diunggah = berkas disetujui",
    "Keputusan oleh pemegang peran",
    "Keterangan",
)
COMPLIANCE_HOLDERS = "Pemegang peran pada periode ini"
COLS_HOLDERS = ("Peran", "Nama", "Kedudukan", "Dari", "Sampai", "Dasar penunjukan")
HOLDERS_UNKNOWN = "Belum ada catatan anggota di basis data: pemegang peran tidak dapat diperiksa."
HOLDER_ALL_ROLES = "(semua perannya)"
STILL_HELD = "sekarang"
COLS_WORKLOAD = (
    "Nama",
    "Peran",
    "Kedudukan",
    "Keputusan",
    "Langkah diselesaikan",
    "Waktu kerja (menit)",
    "Terlambat",
)
COLS_EVALUATION = ("No", "Pertanyaan evaluasi", "Ya/Tidak", "Data pendukung dari bot", "Catatan")
EVALUATION_INTRO = (
    "Evaluasi penerapan SOP AP (PermenPANRB No. 35 Tahun 2012): dijawab Ya/Tidak oleh penilai; "
    "data di sampingnya membantu menjawab."
)
EVALUATION_QUESTIONS = (
    "Apakah SOP mampu mendorong peningkatan kinerja?",
    "Apakah SOP mudah dipahami?",
    "Apakah SOP mudah dilaksanakan?",
    "Apakah semua orang dapat menjalankan perannya masing-masing?",
    "Apakah SOP mampu mengatasi permasalahan yang berkaitan dengan proses?",
    "Apakah SOP mampu menjawab kebutuhan peningkatan kinerja organisasi?",
    "Apakah sistem dan prosedur yang ada bersinergi satu dengan lainnya?",
)
EVAL_PERFORMANCE = (
    "{within} dari {measured} pelaksanaan langkah yang memiliki baku mutu waktu ({pct}) dalam "
    "baku mutu; "
    "median dari materi diserahkan sampai diunggah: {lead}"
)
EVAL_UNDERSTOOD = "{returns} pengembalian untuk perbaikan dari {items} item; {top}"
EVAL_CARRIED_OUT = "Langkah di bawah ambang {threshold}: {steps}"
EVAL_ROLES = (
    "{decisions} keputusan, {acting} di antaranya oleh Plh./Plt.; {late} langkah terlambat; "
    "{reminders} pengingat terkirim"
)
EVAL_PROBLEMS = (
    "{items} item pada periode: {published} dipublikasikan, {cancelled} dibatalkan, "
    "{open} masih terbuka pada akhir periode"
)
EVAL_NEEDS = "{opened} item baru dibuka; {published} dipublikasikan"
EVAL_SYNERGY = "{returns} pengembalian di langkah {refs} (setelah pemeriksaan langkah sebelumnya)"
EVAL_NONE = "tidak ada"

CSV_HEADER = (
    "kode",
    "waktu",
    "aksi",
    "langkah",
    "versi",
    "oleh_id",
    "oleh",
    "peran",
    "kedudukan",
    "dasar",
    "catatan",
    "sumber_dikonfirmasi",
    "hash_berkas",
)

# --- leave conversation (issue 14, helper leave) ---
# /cuti lists the absences running and coming (cancel one not begun, end one running: the
# member is back today), then asks its questions; its progress is kept in the database.

LEAVE_OVERVIEW_HEADER = "🗓 <b>Cuti yang berjalan dan akan datang</b>"
LEAVE_OVERVIEW_NONE = "Tidak ada cuti yang berjalan atau akan datang."
LEAVE_OVERVIEW_LINE = "• <b>{name}</b>: {period} ({state})"
LEAVE_STATE_RUNNING = "sedang berjalan"
LEAVE_STATE_COMING = "akan datang"
LEAVE_OVERVIEW_ACTING = "   ↳ {capacity}: {acting} (dasar: {basis})"
LEAVE_OVERVIEW_NO_ACTING = "   ↳ {role}: tidak ada pelaksana"
LEAVE_OVERVIEW_HINT = (
    "Tombol <i>Batalkan</i> menghapus cuti yang belum mulai; <i>Akhiri</i> menutup cuti yang "
    "berjalan karena anggotanya sudah masuk kembali hari ini (Plh/Plt-nya berhenti hari ini)."
)
BTN_LEAVE_CANCEL = "Batalkan: {name} ({start})"
BTN_LEAVE_END = "Akhiri: {name} masuk hari ini"
LEAVE_CANCELLED_TOAST = "Cuti {name} dibatalkan."
LEAVE_ENDED_TOAST = "Cuti {name} diakhiri: yang bersangkutan bertugas kembali hari ini."
LEAVE_CHANGE_PROBLEMS = {
    "begun": "Cuti ini sudah mulai berjalan dan tidak dapat dibatalkan lagi. Ketik /cuti untuk "
    "mengakhirinya.",
    "not_running": "Cuti ini tidak sedang berjalan. Ketik /cuti untuk melihat keadaannya.",
    "gone": "Cuti ini sudah dibatalkan, sudah berakhir, atau tidak dikenal. Ketik /cuti untuk "
    "melihat yang berlaku.",
}
LEAVE_STALE_BUTTON = (
    "Tombol ini dari pertanyaan sebelumnya. Jawab pertanyaan terakhir, atau mulai lagi dengan "
    "/cuti."
)
LEAVE_BASIS_TOO_LONG = (
    "Dasar penunjukan terlalu panjang (paling banyak {limit} karakter). Tulis nomor dan perihal "
    "suratnya saja. Cuti belum dicatat."
)
LEAVE_TYPE_PERIOD_AGAIN = "Ketik periode lain, atau tekan Batal."
LEAVE_TYPE_BASIS_AGAIN = "Ketik dasar penunjukannya lagi, atau tekan Batal."
LEAVE_TALK_OVER = "Pencatatan cuti ini dihentikan. Mulai lagi dengan /cuti."
LEAVE_PICKED = "{question}\n➡️ {choice}"
LEAVE_PICKED_NOBODY = "tidak ada pelaksana"

# What the people concerned are told (through the outbox, in the change's own commit).
LEAVE_BY = " oleh {name}"
LEAVE_BY_ADMIN = "admin"
LEAVE_NOTICE_RECORDED = (
    "🗓 Cuti Anda <b>{period}</b> sudah dicatat{by}. Selama cuti Anda tidak menerima kartu dan "
    "pengingat."
)
LEAVE_NOTICE_ACTING = "• {capacity}: {acting} (dasar: {basis})"
LEAVE_NOTICE_NO_ACTING = "• {role}: tidak ada pelaksana"
LEAVE_NOTICE_CANCELLED = (
    "🗓 Cuti Anda <b>{period}</b> dibatalkan{by}. Anda menerima tugas seperti biasa."
)
LEAVE_NOTICE_ENDED = (
    "🗓 Cuti Anda <b>{period}</b> diakhiri{by}: Anda bertugas kembali mulai {back}. Kartu yang "
    "menunggu peran Anda dikirim kepada Anda."
)
ACTING_NOTICE_RECORDED = (
    "📋 Anda ditunjuk sebagai <b>{capacity}</b> selama {absent} cuti, {period}{by}.\n"
    "Dasar: {basis}\n"
    "Selama periode itu Anda menerima kartu dan pengingat peran itu dan bertindak sebagai "
    "{capacity}."
)
ACTING_NOTICE_CANCELLED = (
    "📋 Penunjukan Anda sebagai <b>{capacity}</b> ({period}) batal: cuti {absent} dibatalkan{by}."
)
ACTING_NOTICE_ENDED = (
    "📋 Penunjukan Anda sebagai <b>{capacity}</b> berakhir: {absent} bertugas kembali mulai "
    "{back} (diakhiri{by}). Kartu peran itu tidak lagi dikirim kepada Anda."
)

# --- operations (issue 17, helper ops) ---

NOTICE_BACKUP_FAILED = (
    "⚠️ <b>Pencadangan (backup) gagal</b>: {reason}\n"
    "Cadangan sebelumnya tetap tersimpan. Periksa ruang disk dan izin folder cadangan, lalu "
    "jalankan <code>python -m bot backup</code> di server."
)

# --- office time (issue 16, helper worktime) ---

# To the admins, at start, when the installed `holidays` has no cuti bersama for a year.
NOTICE_STALE_HOLIDAYS = (
    "⚠️ <b>Data hari libur perlu diperbarui</b>: paket <code>holidays</code> versi {package} "
    "belum memuat cuti bersama tahun {years}, sehingga hari cuti bersama itu dihitung sebagai "
    "hari kerja dalam batas waktu SOP. Setelah SKB libur nasional dan cuti bersama tahun itu "
    "terbit, perbarui paket di server bot: <code>scripts/lock --upgrade-package holidays</code>, "
    "lalu mulai ulang bot dengan <code>scripts/run-bot</code> (periksa dengan "
    "<code>python -m bot check</code>)."
)

# --- language (issue 16, helper language) ---
# Words that lived outside the catalog before issue 16: the design checks (bot/media/images.py),
# the preview's band (bot/media/preview.py) and ringkasan.html (bot/archive/summary.py); and the
# small pieces the formatters' callers join. tests/test_texts.py fails on Indonesian elsewhere.

HELP_LIMIT = " ({limit})"
TASKS_DUE = " — tenggat {due}"

# Why a design file is refused, and advice on its size (bot/media/images.py). {kind}, {actual}
# and {declared} are kinds in words (PNG, JPEG, PDF, MP4), never a MIME type.
REASON_EMPTY = "File kosong (0 byte). Kirim ulang file desainnya."
REASON_TOO_BIG = (
    "File terlalu besar: {size_mb} MB, batasnya {limit_mb} MB. Perkecil atau kompres file "
    "(misalnya ekspor JPEG/PDF dengan kualitas lebih rendah), lalu kirim lagi."
)
REASON_UNKNOWN_CONTENT = (
    "Isi file {name} bukan gambar PNG/JPEG, PDF, atau MP4. "
    "Ekspor desain sebagai PNG, JPEG, PDF, atau MP4, lalu kirim lagi."
)
FILE_THIS = "ini"  # {name} above when the sender's file had no name
REASON_HEIC = (
    "File HEIC/HEIF (foto iPhone) belum didukung. Kirim sebagai JPEG atau PNG (di iPhone: "
    "Pengaturan > Kamera > Format > Paling Kompatibel)."
)
REASON_NAME_MISMATCH = (
    "Nama file berakhiran {extension}, tetapi isinya {actual}. Simpan ulang dengan format yang "
    "benar atau ganti nama file menjadi {expected}, lalu kirim lagi."
)
REASON_MIME_MISMATCH = (
    "File dikirim sebagai {declared}, tetapi isinya {actual}. Simpan ulang desainnya, lalu "
    "kirim lagi."
)
REASON_BROKEN = (
    "File {kind} rusak atau tidak lengkap (mungkin terpotong saat dikirim). Simpan ulang dari "
    "aplikasi desain, lalu kirim lagi."
)
REASON_TOO_MANY_PIXELS = (
    "Gambar terlalu besar: {width}x{height} piksel ({megapixels} megapiksel), batasnya {limit} "
    "megapiksel. Perkecil ukurannya (misalnya 1080x1350), lalu kirim lagi."
)
WARN_RATIO = (
    "⚠️ Ukuran {width}x{height} (rasio {ratio}) tidak cocok untuk format media sosial. "
    "Ukuran yang cocok: {formats}."
)
WARN_LOW_RESOLUTION = (
    "⚠️ Ukuran {width}x{height} cocok untuk {names}, tetapi lebarnya kurang dari {min_width} "
    "piksel sehingga dapat tampak buram. Sebaiknya gunakan ukuran {best}."
)
PLATFORM_FORMAT = "{name} ({width}x{height})"

# The band across the review preview (bot/media/preview.py)
PREVIEW_BAND = "DRAF - belum disetujui"
PREVIEW_BAND_TITLE = "{code} · versi {version}"

# ringkasan.html, the archive's printable summary of an item (bot/archive/summary.py)
SUMMARY_HEADING = "Arsip Digital Konten Media Sosial JDIH"
SUMMARY_CODE = "Kode"
SUMMARY_TITLE = "Judul"
SUMMARY_OFFICE = "Kantor"
SUMMARY_SOP = "SOP"
SUMMARY_PUBLISHED = "Dipublikasikan"
SUMMARY_APPROVED_VERSION = "Versi yang disetujui"
SUMMARY_SOURCES = "Sumber"
SUMMARY_CAPTION = "Keterangan (caption)"
SUMMARY_DECISIONS = "Riwayat keputusan"
SUMMARY_STEPS = "Waktu per langkah SOP"
SUMMARY_LINKS = "Tautan unggahan"
SUMMARY_FILES = "Berkas"
SUMMARY_DECISION_COLUMNS = ("Waktu", "Nama", "Peran", "Tindakan", "Langkah", "Versi", "Catatan")
SUMMARY_STEP_COLUMNS = ("Langkah", "Mulai", "Selesai", "Waktu kerja", "Batas", "Keterangan")
SUMMARY_FILE_COLUMNS = ("Jenis", "Berkas", "SHA-256")
SUMMARY_FILE_ROLES = {"desain": "Desain", "materi": "Materi"}  # the archive's folder names
SUMMARY_ON_TIME = "Tepat waktu"
SUMMARY_LATE = "⚠ Terlambat"
SUMMARY_OPEN = "Belum selesai"
SUMMARY_NONE = "-"
SUMMARY_FOOTER = (
    "Ringkasan ini dibuat otomatis oleh bot SOP dari metadata.json di folder yang sama."
)


# How the bot addresses a person by name. Neither Telegram nor the member list records whether
# to say Bapak or Ibu, so the bot writes "Bapak/Ibu", as an office letter to a reader it does
# not know does; a name the office gave with its own form of address ("Ibu Sari", "Pak Budi")
# keeps it, so an office that wants "Ibu" writes it in the member's name.
ADDRESS = "Bapak/Ibu {name}"
FORMS_OF_ADDRESS = frozenset({"bapak", "pak", "ibu", "bu", "saudara", "saudari", "sdr", "sdri"})


def addressed(name: str) -> str:
    """A person's name as the bot greets them: "Bapak/Ibu Sari", but "Ibu Sari" as given."""
    first = name.split(maxsplit=1)[0].rstrip(".").casefold() if name.strip() else ""
    return name if first in FORMS_OF_ADDRESS else ADDRESS.format(name=name)


# --- report in chat (issue 15, helper laporan) ---
# /laporan (the sekretaris, the kasubbag, the admins) and the reports the bot sends without
# being asked: the period buttons and answers, the chart's words, the three-line summary under
# it, the captions of the workbook and the CSV, the reminder to review the SOP, and what is
# said when a file is too big for Telegram. bot/report/chat.py and chart.py draw them.

REPORT_COMMANDS = [("laporan", "Laporan monitoring SOP: /laporan 2026-S2")]
HELP_REPORT = "• Laporan monitoring SOP: /laporan (semester, bulan, triwulan, tahun, dua tanggal)"
REPORT_PICK = (
    "📊 <b>Laporan monitoring SOP</b>\nPilih periodenya, atau ketik periode setelah perintah, "
    "misalnya <code>/laporan {example}</code>."
)
REPORT_PERIOD_BUTTONS = {
    "this_semester": "Semester ini · {label}",
    "last_semester": "Semester lalu · {label}",
    "this_month": "Bulan ini · {label}",
    "last_month": "Bulan lalu · {label}",
    "this_year": "Tahun ini · {label}",
}
REPORT_COMING = (
    "⏳ Laporan monitoring {period} sedang disiapkan: grafik, lembar kerja (XLSX) dan daftar "
    "peristiwa (CSV) segera dikirim ke chat pribadi Anda."
)
REPORT_COMING_TOAST = "⏳ Laporan {period} sedang disiapkan dan segera dikirim."
REPORT_SEMESTER_INTRO = (
    "📅 <b>Laporan monitoring semester {period}</b>\nDikirim otomatis pada hari kerja pertama "
    "bulan {month} (monitoring penerapan SOP setiap enam bulan, PermenPANRB No. 35 Tahun 2012). "
    'Kolom "Tindakan yang harus diambil" dan "Paraf penilai" pada lembar Monitoring (Tabel 7) '
    "diisi oleh penilai."
)
REPORT_REVIEW_INTRO = (
    "🗓 <b>Pengingat kaji ulang SOP</b>\n{sop_number} ({sop_name}) dikaji ulang "
    "sekurang-kurangnya sekali setahun; bulan {month} adalah bulan kaji ulangnya. Terlampir "
    "angka dua belas bulan terakhir ({period}); lembar Evaluasi memuat pertanyaan evaluasi "
    "dengan data pendukungnya."
)
REPORT_SUMMARY_ITEMS = (
    "{items} item: {published} dipublikasikan, {cancelled} dibatalkan, {open} masih terbuka "
    "pada akhir periode."
)
REPORT_SUMMARY_STEPS = (
    "{within} dari {measured} pelaksanaan langkah ({pct}) dalam baku mutu waktu; {verdict}."
)
REPORT_SUMMARY_BELOW = "di bawah ambang {threshold}: {steps}"
REPORT_SUMMARY_ALL_GOOD = "setiap langkah mencapai ambang {threshold}"
REPORT_SUMMARY_STEP = "langkah {ref} ({pct})"
REPORT_SUMMARY_NO_RUNS = "Belum ada langkah bermutu baku waktu yang selesai pada periode ini."
REPORT_SUMMARY_EMPTY = "Tidak ada item yang berjalan pada periode ini."
REPORT_SUMMARY_EMPTY_STEPS = (
    "Tidak ada pelaksanaan SOP yang dapat dinilai; lembar kerja menyatakannya."
)
REPORT_WORKBOOK_CAPTION = "📗 Lembar kerja: {sheets}. Kolom Tindakan dan Paraf diisi penilai."
REPORT_EVENTS_CAPTION = (
    "🧾 {count} peristiwa pada periode ini (CSV, UTF-8) untuk alat auditor sendiri."
)
REPORT_EVENTS_ZIPPED = (
    "🧾 {count} peristiwa pada periode ini (CSV, UTF-8, dalam ZIP: terlalu besar untuk dikirim "
    "apa adanya)."
)
REPORT_TOO_BIG = (
    "⚠️ {name} ({size} MB) melebihi batas unggah Telegram ({limit} MB) dan tidak dikirim. "
    "Pilih periode yang lebih pendek, atau minta admin server membuatnya dengan "
    "<code>python -m bot laporan --period {spec} --out laporan.xlsx</code>."
)
REPORT_FAILED = (
    "⚠️ Laporan monitoring {period} gagal dibuat ({cause}). Admin bot melihatnya di /antrean "
    "dan dapat mencobanya lagi dengan /kirimulang."
)
REPORT_FILE_STEM = "laporan-monitoring-sop-{spec}"
REPORT_EVENTS_STEM = "laporan-peristiwa-{spec}"
CHART_TITLE = "Monitoring {sop_number}"
CHART_PERIOD = "Periode {period}"
CHART_SUBTITLE = "{office} · waktu kerja kantor"
CHART_WITHIN = "{pct} ({within}/{measured})"
CHART_MEDIAN = "median {value}"
CHART_STANDARD = "baku mutu {value}"
CHART_NO_RUNS = "tidak dilaksanakan pada periode ini"
CHART_NO_STANDARD = "tanpa baku mutu waktu"
CHART_LEGEND_GOOD = "≥ {threshold} dalam baku mutu: berjalan dengan baik"
CHART_LEGEND_BAD = "< {threshold}: tidak berjalan dengan baik"
CHART_LEGEND_LINE = "garis tegak: ambang {threshold}"
CHART_LEGEND_MEDIAN = "median waktu kerja (jam kerja kantor)"
CHART_LEGEND_STANDARD = "baku mutu waktu dalam SOP"
CHART_EMPTY = "Tidak ada item yang berjalan pada periode ini."
CHART_MADE = "Dibuat {at} dari basis data bot"


# --- monitoring (issue 17, helper health) ---

# The database went away while the bot ran (bot/delivery/outage.py).
DATABASE_AWAY_REPLY = (
    "⏳ Basis data bot sedang tidak dapat dihubungi. Permintaan Anda disimpan dan akan "
    "diproses otomatis begitu basis data tersambung kembali; tidak perlu mengulang."
)
# {reason} is DATABASE_AWAY_SPAN
NOTICE_DATABASE_AWAY = (
    "⚠️ <b>Basis data sempat tidak dapat dihubungi</b> {reason}.\n"
    "Selama itu bot menunggu dan terus mencoba; kini tersambung kembali dan pesan serta "
    "permintaan yang tertunda sedang diproses. Tidak ada yang hilang. Bila ini sering terjadi, "
    "periksa server basis data."
)
DATABASE_AWAY_SPAN = "sejak {since}, selama sekitar {duration}"


# --- ralat (issue 19) ---
# A published item reopened for a corrected version: /ralat KODE or the status card's button.

ACTION_LABELS["correct"] = "Ralat diminta"
DECISION_MARKS["correct"] = "✏️"
NOTES_WHAT["correct"] = "alasan ralat"
CORRECT_COMMANDS = [("ralat", "Ralat item yang sudah dipublikasikan: /ralat KODE")]
# after HELP_OPEN on its line: the help stays short
HELP_CORRECT = " · ralat: /ralat KODE"
BTN_CORRECT = "✏️ Ralat"
ASK_CORRECTION_REASON = (
    "✏️ Tulis <b>alasan ralat</b> item {code} — {title} (versi {version} yang sudah "
    "dipublikasikan).\nItem akan kembali ke {role} untuk desain versi baru, lalu diperiksa, "
    "disetujui dan diunggah lagi sesuai SOP. Unggahan lama tetap tercatat dan diarsipkan."
)
TYPED_CORRECTION_REASON = "alasan ralat"
DONE_CORRECT = "{code} dibuka kembali untuk ralat; desain versi baru diminta dari {role}."
CARD_CORRECTION_NOTES = "✏️ Ralat diminta oleh {who}.\nRalat: {notes}"
NOTICE_CORRECTED = (
    "✏️ {code} — {title} (versi {version} yang sudah dipublikasikan) dibuka kembali untuk "
    "ralat oleh {name}.\nAlasan: {reason}"
)
# both also answer a press (an alert: at most 200 characters, ANSWER_LIMIT)
NOT_CORRECTOR = (
    "Hanya {roles} yang dapat meminta ralat item yang sudah dipublikasikan. Sampaikan "
    "permintaan ralat kepada mereka."
)
NOT_PUBLISHED_ACTIVE = (
    "Item {code} belum dipublikasikan: masih di langkah {ref} ({step}). Ralat hanya untuk "
    "item yang sudah dipublikasikan; bila desainnya perlu diperbaiki, kembalikan di langkah "
    "itu (tombol Kembalikan, dengan catatan)."
)
NOT_PUBLISHED_DRAFT = (
    "Item {code} masih draf (materi belum diserahkan); belum ada yang dipublikasikan untuk "
    "diralat. Lengkapi materinya lalu tekan Selesai."
)
NOT_PUBLISHED_CANCELLED = (
    "Item {code} sudah dibatalkan; tidak ada publikasi yang dapat diralat. Buat item baru "
    "dengan /baru."
)
CORRECTION_RUNNING = (
    "Ralat {code} sudah berjalan (diminta {name}, {at}); item kini di langkah {ref} "
    "({step}). Tunggu versi barunya terbit."
)
# /status: each published version's links; an earlier version's marked replaced
STATUS_LINKS_OF_VERSION = "Tautan unggahan versi {version}:\n{links}"
STATUS_LINK_REPLACED = "{url} (diganti {at} oleh versi {by})"
STATUS_LINK_TAKEN_DOWN = "{url} (diturunkan)"
# ringkasan.html: every published version
SUMMARY_PUBLICATIONS = "Versi yang dipublikasikan"
SUMMARY_PUBLICATION_COLUMNS = (
    "Versi",
    "Dipublikasikan",
    "Tautan",
    "Persetujuan",
    "Ralat (alasan, oleh, waktu)",
)
SUMMARY_LINK_REPLACED = "diganti {at} oleh versi {by}"
SUMMARY_LINK_TAKEN_DOWN = "diturunkan"
SUMMARY_CORRECTION = "{reason} — {name}, {at}"
# the archive's subfolder of a corrected item's design pages, per published version
ARCHIVE_VERSION_FOLDER = "versi-{version}"

# --- channel (issue 19) ---

# The operator's posting card: the bot's own posts to the office's Telegram channel.
CARD_CHANNEL_LINKS = (
    "📣 <b>Kanal Telegram</b>: bot sudah mengunggah konten ini ke kanal kantor:\n{links}\n"
    "Laporkan hanya tautan platform lain, atau tekan «{button}» bila kanal satu-satunya."
)
CARD_CHANNEL_PENDING = (
    "📣 <b>Kanal Telegram</b>: bot sedang mengunggah konten ini ke kanal kantor; tautannya "
    "ditambahkan otomatis ke item begitu tercatat. Laporkan hanya tautan platform lain, atau "
    "tekan «{button}» bila kanal satu-satunya."
)
CARD_CHANNEL_FAILED = (
    "⚠️ <b>Kanal Telegram</b>: bot gagal mengunggah ke kanal kantor (Kasubbag dan admin sudah "
    "diberi tahu). Anda dapat mengunggahnya sendiri ke kanal dan melaporkan tautannya."
)
BTN_CHANNEL_ONLY = "📣 Hanya kanal Telegram"
# The alarms to the kasubbag (the SOP's order roles) and the admins.
CHANNEL_ALARM_POST = (
    "🚨 <b>Unggahan ke kanal Telegram ditolak</b>: {code} «{title}» belum terunggah ke "
    "kanal {channel}.\nSebab: {cause}\n"
    "Yang perlu dilakukan: jadikan bot <b>admin</b> kanal {channel} dengan hak «Kirim pesan» "
    "(Post messages) dan «Hapus pesan» (Delete messages) — atau perbaiki berkasnya bila berkas "
    "berubah — lalu admin mengirim /kirimulang agar bot mengunggah lagi. Sementara itu operator "
    "tetap dapat mengunggah sendiri dan melaporkan tautannya."
)
CHANNEL_ALARM_DELETE = (
    "🚨 <b>Penghapusan di kanal Telegram ditolak</b>: unggahan {code} «{title}» di kanal "
    "{channel} belum terhapus.\nSebab: {cause}\n"
    "Yang perlu dilakukan: beri bot hak «Hapus pesan» (Delete messages) sebagai admin kanal "
    "{channel}, lalu admin mengirim /kirimulang; atau hapus unggahan itu sendiri."
)
CHANNEL_ALARM_UNCERTAIN = (
    "🚨 <b>Unggahan ke kanal Telegram terputus</b>: bot berhenti saat mengunggah {code} "
    "«{title}» ke kanal {channel}, sebelum sempat mencatat hasilnya.\n"
    "Yang perlu dilakukan: periksa kanal {channel}. Bila unggahan {code} belum ada, admin "
    "mengirim /kirimulang agar bot mengunggah lagi; bila sudah ada, operator melaporkan "
    "tautannya seperti biasa (bot tidak mengunggah dua kali tanpa perintah)."
)
# Outbox causes (/antrean)
CHANNEL_UNCERTAIN = "bot: unggahan ke kanal terputus sebelum tercatat; periksa kanal"
CHANNEL_NOTHING_TO_POST = "bot: tidak ada berkas desain yang disetujui untuk diunggah"
CHANNEL_FILES_CHANGED = (
    "file desain yang tersimpan tidak sama dengan yang disetujui (halaman {pages})"
)
CHANNEL_REFUSED = "kanal menolak"
QUEUE_CHANNEL = "Kanal Telegram kantor"  # /antrean: the channel's rows


# --- takedown (issue 19) ---

# Penurunan (takedown) of a published item: /turunkan KODE, or "Turunkan" on /status.
BOT_COMMANDS.insert(4, ("turunkan", "Minta penurunan konten terbit: /turunkan KODE"))
HELP_TAKEDOWN = "• Meminta penurunan konten yang sudah terbit: /turunkan KODE"
STATUS_LABELS.update({"taken_down": "diturunkan", "refused": "ditolak"})
ACTION_LABELS.update(
    {
        "refuse": "Ditolak",
        "confirm_removed": "Unggahan dihapus",
        "takedown_asked": "Penurunan diminta",
        "taken_down": "Diturunkan",
        "takedown_refused": "Penurunan ditolak",
    }
)
DECISION_MARKS.update({"refuse": "⛔", "confirm_removed": "🗑"})
NOTES_WHAT.update({"refuse": "alasan penolakan"})
CARD_HINT.update(
    {
        "approval": "Periksa alasan penurunan, lalu pilih Setujui atau Tolak (catatan wajib).",
        "removal": (
            "Hapus unggahan dari setiap platform, lalu tekan tombol tautan yang sudah dihapus; "
            "langkah selesai setelah semua tautan dikonfirmasi."
        ),
    }
)
BTN_TAKEDOWN = "🗑 Turunkan"
BTN_REFUSE = "⛔ Tolak"
BTN_LINK_REMOVED = "🗑 Sudah dihapus: {link}"
TAKEDOWN_TITLE = "Penurunan {code} — {title}"
TAKEDOWN_USAGE = (
    "Tulis kode item yang akan diturunkan, misalnya <code>/turunkan JDIH-2026-0001</code>. "
    "Kode ada di /status atau /arsip."
)
TAKEDOWN_UNKNOWN = "Item {code} tidak ditemukan. Periksa kodenya di /arsip atau /tugas."
TAKEDOWN_NO_SOP = (
    "Kantor belum memiliki SOP penurunan, jadi konten tidak dapat diturunkan lewat bot. "
    "Hubungi admin bot."
)
TAKEDOWN_NOT_OPENER = "Penurunan konten hanya dapat diminta oleh: {roles}."
TAKEDOWN_NOT_PUBLISHED = (
    "{code} berstatus {status}, belum terbit; hanya konten yang sudah dipublikasikan yang "
    "dapat diturunkan. Untuk menghentikan item yang belum terbit, gunakan /batal {code}."
)
TAKEDOWN_ALREADY = "{code} sudah diturunkan ({takedown}). Lihat /status {takedown}."
TAKEDOWN_UNDER_WAY = (
    "Penurunan {code} sedang berjalan: {takedown}. Lihat /status {takedown}; tidak perlu "
    "meminta lagi."
)
TAKEDOWN_OF_TAKEDOWN = (
    "{code} adalah permintaan penurunan, bukan konten terbit. Tulis kode konten yang akan "
    "diturunkan (lihat /status {code})."
)
TAKEDOWN_ASK_REASON = (
    "🗑 <b>Penurunan {code}</b> — {title}\n\nPilih alasan penurunan di bawah ini. "
    "Setelah itu tulis penjelasannya."
)
TAKEDOWN_ASK_TEXT = (
    "🗑 <b>Penurunan {code}</b> — alasan: {reason}\n\nTulis penjelasan penurunan (wajib), "
    "misalnya nomor peraturan pengganti atau surat perintahnya."
)
TAKEDOWN_REASON_SET = "Alasan: {reason}. Tulis penjelasannya."
TAKEDOWN_TEXT_EMPTY = (
    "Penjelasan penurunan tidak boleh kosong. Tulis penjelasannya (misalnya nomor peraturan "
    "pengganti atau surat perintahnya), atau tekan Batal."
)
TAKEDOWN_BAD_REASON = "Alasan itu tidak ada di SOP penurunan. Ketik /turunkan {code} lagi."
TAKEDOWN_STARTED = (
    "✅ Permintaan penurunan dicatat sebagai <b>{code}</b> untuk {original}.\n"
    "Diteruskan kepada {role} untuk disetujui. Lihat /status {code}."
)
TAKEDOWN_LINK_DONE = "{code}: tautan dikonfirmasi dihapus."
TAKEDOWN_DONE_LAST = "{code}: semua tautan dihapus; kontennya kini diturunkan."
TAKEDOWN_REFUSED_DONE = "{code}: penurunan ditolak."
TAKEDOWN_APPROVED_DONE = "Disetujui. Penurunan {code} diteruskan kepada {role}."
TAKEDOWN_LINK_GONE = "Tautan itu sudah dikonfirmasi dihapus, atau bukan tautan penurunan ini."
# the card of a takedown item
CARD_TAKEDOWN = (
    "Konten: <b>{original}</b> — {title}\nAlasan: {reason}{legal}\nPenjelasan: {explanation}\n"
    "Diminta oleh {who} pada {at}."
)
CARD_TAKEDOWN_LEGAL = " (alasan hukum)"
CARD_TAKEDOWN_LINKS = "Tautan yang harus dihapus:\n{links}"
TAKEDOWN_LINK_LINE_LEFT = "▫️ {url}"
TAKEDOWN_LINK_LINE_DONE = "✅ {url} — dihapus, dikonfirmasi {who} pada {at}"
TAKEDOWN_LINK_LINE_GONE = "✅ {url} — sudah terhapus sebelumnya, dicatat pada {at}"
# /status of either item
STATUS_TAKEDOWN_OF = (
    "🗑 Penurunan dari <b>{original}</b> — {title}\nAlasan: {reason}\nPenjelasan: {explanation}"
)
STATUS_TAKEN_DOWN_BY = (
    "🗑 Penurunan: <b>{takedown}</b> ({status})\nAlasan: {reason}\nPenjelasan: {explanation}"
)
STATUS_TAKEDOWN_STEP = "• {ref} {step}: {action} oleh {who} pada {at}{notes}"
STATUS_TAKEDOWN_STEPS = "Keputusan tiap langkah:\n{steps}"
NOTICE_TAKEN_DOWN = (
    "🗑 {code} — {title} sudah diturunkan ({takedown}).\nAlasan: {reason}\n"
    "Tautan yang dihapus:\n{links}"
)
NOTICE_TAKEDOWN_REFUSED = (
    "⛔ Permintaan penurunan {takedown} untuk {code} — {title} ditolak oleh {who}.\n"
    "Catatan: {notes}\nKonten tetap terbit."
)
ASK_REFUSE_NOTES = (
    "Tulis alasan penolakan penurunan <b>{code}</b> — {title} (wajib). "
    "Penurunan berakhir ditolak dan konten tetap terbit."
)
TYPED_REFUSE_NOTES = "alasan penolakan penurunan"
TYPED_TAKEDOWN_TEXT = "penjelasan penurunan"
# archive (ringkasan.html) of the taken-down item
ARCHIVE_TAKEDOWN_HEADING = "Penurunan konten"
SUMMARY_TAKEDOWN_CODE = "Kode penurunan"
SUMMARY_TAKEDOWN_STATUS = "Status"
SUMMARY_TAKEDOWN_REASON = "Alasan"
SUMMARY_TAKEDOWN_EXPLANATION = "Penjelasan"
SUMMARY_TAKEDOWN_ASKED = "Diminta oleh"
SUMMARY_TAKEDOWN_AT = "Diturunkan"
SUMMARY_TAKEDOWN_DECISIONS = "Keputusan penurunan"
SUMMARY_TAKEDOWN_DECISION_COLUMNS = ("Waktu", "Nama", "Peran", "Tindakan", "Langkah", "Catatan")
SUMMARY_TAKEDOWN_STEPS = "Waktu per langkah SOP penurunan"
SUMMARY_TAKEDOWN_LINKS = "Tautan yang dihapus"
SUMMARY_REMOVED_COLUMNS = ("Tautan", "Dihapus", "Dikonfirmasi oleh", "Cara")
SUMMARY_REMOVED_HOW = {
    "operator": "dihapus operator",
    "bot": "dihapus bot (kanal)",
    "gone": "sudah terhapus sebelumnya",
}
# the monitoring report's "status now" of a published item taken down since (takedown items
# themselves are not in the report: it measures the publishing SOP)
STATUSES.update({"taken_down": "dipublikasikan, kemudian diturunkan"})
CARD_LINKS_TAKEN_DOWN = "Tautan unggahan (sudah diturunkan, unggahannya dihapus):\n{links}"
TAKEDOWN_BY_BOT = "Bot (kanal Telegram)"
STATUS_POSITION_TAKEDOWN = "Langkah {ref}: {step}\nMenunggu: {who}{due}"
# --- multisop (issue 19) ---

# Which SOP an item follows (an office may run several side by side).
SOP_NAMED = "{name} ({number})"
STATUS_SOP = "SOP: {sop}"  # /status, under the item's status
TASKS_SOP = "  SOP: {sop}"  # /tugas, under each item, when the office has more than one SOP
REMINDER_SOP = "SOP: {sop}"  # a reminder, when the office has more than one SOP
DIGEST_SOP = "<b>{sop}</b>"  # the digest's heading of one SOP's items
HELP_SOP = "<i>{name} ({number}):</i>"  # /bantuan, before one SOP's steps
# /baru when the office runs more than one SOP that publishes: which one the item follows.
ASK_SOP = "Item baru. Pilih <b>SOP</b> yang diikuti item ini:"
BTN_SOP = "{name} ({number})"
ASK_TITLE_SOP = (
    'Item baru menurut <b>{sop}</b>. Kirim <b>judul</b> konten (mis. "PKPU Nomor 2 Tahun 2026").'
)
NOT_OPENER_SOP = (
    "Hanya {roles} yang dapat membuat item baru menurut {sop}. Minta mereka membuatnya, "
    "atau pilih SOP lain."
)
SOP_NOT_OFFERED = "SOP itu tidak lagi dipakai untuk item baru. Ketik /baru untuk memilih lagi."
# To the admins at start: an SOP file was taken out of the config while items still follow it.
NOTICE_SOP_RETIRED = (
    "⚠️ <b>Berkas SOP {title} tidak lagi ada di konfigurasi</b>, tetapi item berikut masih "
    "mengikutinya: {reason}.\n"
    "Bot meneruskan item-item itu menurut salinan SOP tersebut yang tersimpan di basis data "
    "(isi yang berlaku saat item berjalan); SOP itu tidak ditawarkan lagi untuk item baru. "
    "Bila SOP itu masih berlaku, kembalikan berkasnya ke [sop] files."
)
COL_SOP = "SOP"  # the monitoring workbook's column naming each step's and item's SOP
CSV_SOP = "sop"  # the events CSV's column of each event's SOP (key)

HELP_OPEN_TAKEDOWN = " · penurunan: /turunkan KODE"  # after HELP_OPEN


# --- ralat and penurunan together (issue 19) ---

# /ralat of an item taken down, of a takedown request, of an item whose takedown runs
NOT_PUBLISHED_TAKEN_DOWN = (
    "{code} sudah diturunkan dari media sosial; konten yang sudah diturunkan tidak diralat. "
    "Bila perlu terbit lagi, buat item baru dengan /baru."
)
CORRECTION_OF_TAKEDOWN = (
    "{code} adalah permintaan penurunan, bukan konten terbit; yang dapat diralat hanya konten "
    "yang sudah dipublikasikan (lihat /status {code})."
)
CORRECTION_TAKEDOWN_UNDER_WAY = (
    "{code} sedang dalam proses penurunan ({takedown}); ralat tidak dapat diminta selama itu. "
    "Lihat /status {takedown}."
)
