"""The test office, defined once: its members and their roles, its time zone, and the Monday
morning every test starts on. Workflow unit tests take the members as `Actor`s, service tests
as configured `Member`s, end-to-end tests as people who type and press (tests/harness.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Member
from bot.domain.workflow import Actor

OFFICE_NAME = "KPU Kabupaten Pulang Pisau"
OFFICE = ZoneInfo("Asia/Pontianak")
# Monday 23 November 2026, 09:00 in Pulang Pisau: an ordinary working morning.
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=OFFICE)


@dataclass(frozen=True, slots=True)
class Person:
    user_id: int
    name: str
    roles: tuple[str, ...]

    @property
    def actor(self) -> Actor:
        """This person as the workflow sees them."""
        return Actor(self.user_id, self.name, frozenset(self.roles))

    @property
    def member(self) -> Member:
        """This person as the configuration lists them."""
        return Member(self.user_id, self.name, frozenset(self.roles))

    def config(self) -> dict[str, Any]:
        """This person's entry in config.toml's [[members]]."""
        return {"id": self.user_id, "name": self.name, "roles": list(self.roles)}


KOORDINATOR = Person(101, "Rina Koordinator", ("koordinator",))
KASUBBAG = Person(102, "Budi Kasubbag", ("kasubbag",))  # also the configured admin
OPERATOR = Person(103, "Sari Operator", ("operator",))
OPERATOR2 = Person(104, "Dedi Operator", ("operator",))
HUKUM = Person(105, "Ibu Divisi Hukum", ("divisi_hukum",))
SEKRETARIS = Person(106, "Pak Sekretaris", ("sekretaris",))
STRANGER = Person(999, "Orang Asing", ())
MEMBERS = (KOORDINATOR, KASUBBAG, OPERATOR, OPERATOR2, HUKUM, SEKRETARIS)
ADMINS = (KASUBBAG,)
