"""The simulated office: members, the role group chats, and the bot's configuration.

Every member is a person who does one thing at a time (the bot keeps one open question per
member), so a run with many items in flight needs many members. Each role gets a pool; cards
go to one group chat per role (``[role_chats]``), so an item's card is sent once, not once per
member, and any member of the role may act on it, as in a real office's team chat.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config.telegram import HTTP_TRANSPORTS
from localbotapi import LocalBotApi

from .server import TOKEN

ROLES = ("koordinator", "kasubbag", "operator", "divisi_hukum")
_ID_BASE = {role: (index + 1) * 1_000_000 for index, role in enumerate(ROLES)}
SEKRETARIS = 9_000_001
# Supergroup ids ("-100" + a channel id): one team chat per role that receives cards.
GROUPS = {
    "kasubbag": -1_001_000_000_001,
    "operator": -1_001_000_000_002,
    "divisi_hukum": -1_001_000_000_003,
    "sekretaris": -1_001_000_000_004,
}
_GROUP_TITLES = {
    "kasubbag": "Kasubbag Hukum",
    "operator": "Operator Medsos",
    "divisi_hukum": "Divisi Hukum",
    "sekretaris": "Sekretaris",
}


@dataclass
class Member:
    user_id: int
    name: str
    role: str
    busy: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)


@dataclass
class Office:
    pools: dict[str, list[Member]]

    @classmethod
    def of(cls, per_role: int) -> Office:
        pools = {
            role: [
                Member(_ID_BASE[role] + n, f"{role.title()} {n}", role)
                for n in range(1, per_role + 1)
            ]
            for role in ROLES
        }
        return cls(pools)

    def member(self, role: str, item: int) -> Member:
        """The member of the role who handles item number ``item`` (round robin)."""
        pool = self.pools[role]
        return pool[item % len(pool)]

    def everyone(self) -> list[Member]:
        return [member for pool in self.pools.values() for member in pool]

    def enrol(self, server: LocalBotApi) -> None:
        """Everyone exists on the server and has pressed Start; the groups exist."""
        for member in self.everyone():
            server.add_user(member.user_id, member.name)
            server.mark_started(member.user_id)
        server.add_user(SEKRETARIS, "Sekretaris")
        server.mark_started(SEKRETARIS)
        for role, chat_id in GROUPS.items():
            server.add_group(chat_id, _GROUP_TITLES[role])

    def config_data(
        self,
        server: LocalBotApi,
        database_url: str,
        workdir: Path,
        http: str = HTTP_TRANSPORTS[0],
    ) -> dict[str, Any]:
        members = [{"id": m.user_id, "name": m.name, "roles": [m.role]} for m in self.everyone()]
        members.append({"id": SEKRETARIS, "name": "Sekretaris", "roles": ["sekretaris"]})
        return {
            "telegram": {
                "api_base_url": server.base_url,
                "file_base_url": server.base_file_url,
                "admins": [self.pools["kasubbag"][0].user_id],
                "http": http,
            },
            "database": {"url": database_url},
            "storage": {
                "files_dir": str(workdir / "files"),
                "archive_dir": str(workdir / "arsip"),
            },
            "office": {"name": "KPU Kabupaten Pulang Pisau", "timezone": "Asia/Pontianak"},
            "role_chats": dict(GROUPS),
            "members": members,
        }

    def write_config(
        self,
        server: LocalBotApi,
        database_url: str,
        workdir: Path,
        name: str,
        http: str = HTTP_TRANSPORTS[0],
    ) -> Path:
        path = workdir / name
        data = self.config_data(server, database_url, workdir, http)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return path


BOT_ENV = {"JDIH_BOT_TOKEN": TOKEN}
