"""The demo office: one member per SOP role, its configuration and where its clock starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config, parse_config
from bot.domain.worktime import WorkCalendar

# A made-up token: the local Bot API server accepts it, Telegram never sees it.
TOKEN = "700000001:SANDBOX-not-a-real-token-jdih"
BOT_USERNAME = "jdih_sandbox_bot"
OFFICE_NAME = "KPU Kabupaten Pulang Pisau"
TIMEZONE = "Asia/Pontianak"
DEMO_MORNING = time(9, 0)
# A start this close to closing would push every short step to the next morning.
MIN_WORKING_TIME_LEFT = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class DemoMember:
    user_id: int
    first_name: str
    last_name: str
    role: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


MEMBERS = (
    DemoMember(1001, "Rina", "Marlina", "koordinator"),
    DemoMember(1002, "Budi", "Santoso", "kasubbag"),
    DemoMember(1003, "Sari", "Wulandari", "operator"),
    DemoMember(1004, "Ahmad", "Fauzi", "divisi_hukum"),
    DemoMember(1005, "Hendra", "Gunawan", "sekretaris"),
)
ADMIN_ID = 1002  # the kasubbag hears of delivery problems
# Not a member yet: someone the kasubbag (the admin) can invite with /undang (issue 14).
GUEST_ROLE = ""
GUESTS = (DemoMember(1006, "Dewi", "Lestari", GUEST_ROLE),)
PEOPLE = MEMBERS + GUESTS  # everyone the sandbox page can speak as
# The office's public Telegram channel ([publish.telegram], issue 19): the bot posts the
# approved content there itself; the page shows it as one more chat, read-only.
CHANNEL_ID = -1001000000019
CHANNEL_USERNAME = "kanal_jdih_demo"
CHANNEL_TITLE = "Kanal JDIH KPU Pulang Pisau (demo)"


def member(user_id: int) -> DemoMember | None:
    """Someone the page can speak as (a demo member or a guest)."""
    return next((m for m in PEOPLE if m.user_id == user_id), None)


def config_data(api_base_url: str, file_base_url: str, data_dir: Path) -> dict[str, Any]:
    """The configuration a config.toml would hold, with the default SOP and calendar."""
    return {
        "telegram": {
            "token": TOKEN,
            "api_base_url": api_base_url,
            "file_base_url": file_base_url,
            "admins": [ADMIN_ID],
        },
        "database": {"url": f"sqlite+aiosqlite:///{data_dir / 'sandbox.db'}"},
        "storage": {"files_dir": "files", "archive_dir": "arsip"},
        "office": {"name": OFFICE_NAME, "timezone": TIMEZONE},
        "members": [{"id": m.user_id, "name": m.name, "roles": [m.role]} for m in MEMBERS],
        "publish": {"telegram": {"channel": f"@{CHANNEL_USERNAME}"}},
    }


def build_config(api_base_url: str, file_base_url: str, data_dir: Path) -> Config:
    # environ={}: a JDIH_BOT_TOKEN of the real bot in the shell must not leak in here.
    return parse_config(
        config_data(api_base_url, file_base_url, data_dir), base_dir=data_dir, environ={}
    )


def start_time(now: datetime, calendar: WorkCalendar, zone: ZoneInfo) -> datetime:
    """Where the sandbox clock starts: ``now`` while the office has a good part of the day
    left, else 09:00 of the next working morning, so the demo works at night and on Sundays."""
    local = now.astimezone(zone).replace(second=0, microsecond=0)
    # working time, not the clock: a lunch break within the next hours is no reason to wait
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), zone)
    left = calendar.working_time_between(local, midnight)
    if calendar.is_open(local) and left >= MIN_WORKING_TIME_LEFT:
        return local
    day = local.date()
    if not calendar.is_working_day(day) or local.time() >= DEMO_MORNING:
        day = calendar.next_working_day(day)
    return datetime.combine(day, DEMO_MORNING, zone)


def parse_start(text: str, zone: ZoneInfo) -> datetime:
    """``--start "2026-11-23 09:00"`` in office time."""
    try:
        naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValueError(f"--start: expected 'YYYY-MM-DD HH:MM', got {text!r}") from None
    return naive.replace(tzinfo=zone)
