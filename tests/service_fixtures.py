"""The service on a fresh, migrated database (SQLite, or PostgreSQL when the CI asks), with
the office's six members, a hand-moved clock, and helpers that walk an item through the SOP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.domain.clock import ManualClock
from bot.domain.sop import load_default_sop
from bot.domain.workflow import Action, Actor, Decision
from bot.domain.worktime import WorkCalendar
from bot.service.commits import Committed
from bot.service.directory import Directory
from bot.service.facade import Service, build_service
from bot.service.views import EventView, FileRef
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import Item, OutboxMessage
from storage.uow import SessionFactory
from tests import office as office_people
from tests.databases import ON_POSTGRES, PG_ENV, fresh_database  # noqa: F401
from tests.office import MONDAY_MORNING, OFFICE

# The office of tests/office.py; the service tests name its members by their Telegram ids.
MEMBERS = tuple(person.member for person in office_people.MEMBERS)
KOORDINATOR = office_people.KOORDINATOR.user_id
KASUBBAG = office_people.KASUBBAG.user_id
OPERATOR = office_people.OPERATOR.user_id
OPERATOR2 = office_people.OPERATOR2.user_id
HUKUM = office_people.HUKUM.user_id
SEKRETARIS = office_people.SEKRETARIS.user_id
LINK = "https://instagram.com/p/jdih-pulpis"


def local(*args: int) -> datetime:
    """A wall-clock time in the office."""
    return datetime(*args, tzinfo=OFFICE)


def page(n: int = 1) -> FileRef:
    return FileRef("photo", f"file-{n}", f"uniq-{n}", mime_type="image/jpeg", file_size=1000)


@dataclass
class Office:
    """The service as the handlers see it, plus direct reads of what it wrote."""

    factory: SessionFactory
    clock: ManualClock
    service: Service
    _outbox_seen: int = field(default=0)
    # what the service's commits wake (the sender and the scheduler, in the bot)
    on_commit: Callable[[Committed], None] = field(default=lambda _committed: None)

    def restart(self) -> Service:
        """A new service on the same database, as after the bot process restarts."""
        return _service(self.factory, self.clock, lambda committed: self.on_commit(committed))

    def who(self, user_id: int) -> Actor:
        return self.service.actor(user_id)

    async def item(self, item_id: int) -> Item:
        async with self.factory() as session:
            row = await session.get(Item, item_id)
            assert row is not None
            return row

    async def events(self, code: str) -> list[EventView]:
        found = await self.service.reads.status(code)
        assert found is not None
        return found[1]

    async def outbox(self) -> list[OutboxMessage]:
        async with self.factory() as session:
            rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return list(rows)

    async def new_outbox(self) -> list[tuple[int, str, dict[str, Any]]]:
        """(chat, kind, payload) of the outbox rows written since the last call."""
        rows = [r for r in await self.outbox() if r.id > self._outbox_seen]
        if rows:
            self._outbox_seen = rows[-1].id
        return [(r.chat_id, r.kind, r.payload) for r in rows]

    # --- walking an item through the SOP, one helper per step ---------------------------

    async def open_item(self, title: str = "PKPU Nomor 2 Tahun 2026") -> int:
        """Steps 0-1a: the coordinator opens an item and hands in its material."""
        opening = self.service.opening
        item = await opening.create_item(self.who(KOORDINATOR), title)
        await opening.add_material(self.who(KOORDINATOR), item.id, text="jdih.kpu.go.id")
        await self.service.decisions.submit_material(self.who(KOORDINATOR), item.id)
        return item.id

    async def direct(self, item_id: int) -> None:
        decision = Decision(Action.DIRECT, "materi", 0, notes="Infografis 1 halaman")
        await self.service.decisions.decide(self.who(KASUBBAG), item_id, decision)

    async def design(self, item_id: int, pages: int = 1, by: int = OPERATOR) -> int:
        """Step 2: upload `pages` files to the draft and hand it in; returns the version."""
        for n in range(pages):
            draft = await self.service.uploads.add_design_file(self.who(by), item_id, page(n))
        decided = await self.service.decisions.submit_design(self.who(by), item_id, draft.version)
        return decided.item.version

    async def at_desain(self) -> int:
        """An item whose direction is written: the operators design (step 2)."""
        item_id = await self.open_item()
        await self.direct(item_id)
        return item_id

    async def at_periksa(self) -> int:
        """An item whose first design version waits for the kasubbag's check (step 3)."""
        item_id = await self.at_desain()
        await self.design(item_id)
        return item_id

    async def review(self, item_id: int, step: str, version: int, *, back: bool = False) -> None:
        """Steps 3 and 4: approve (sources confirmed) or return with notes."""
        by = KASUBBAG if step == "periksa" else HUKUM
        action = Action.RETURN if back else Action.APPROVE
        decision = Decision(
            action,
            step,
            version,
            notes="Perbaiki" if back else None,
            sources_checked=step == "setuju",
        )
        await self.service.decisions.decide(self.who(by), item_id, decision)


@asynccontextmanager
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    async with fresh_database(tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
            factory = session_factory(engine)
            clock = ManualClock(MONDAY_MORNING)
            built = Office(factory, clock, _service(factory, clock, lambda: None))
            built.service = built.restart()  # its commits call the office's on_commit
            yield built
        finally:
            await engine.dispose()


def _service(
    factory: SessionFactory, clock: ManualClock, on_commit: Callable[[Committed], None]
) -> Service:
    calendar = WorkCalendar(timezone=OFFICE.key)
    directory = Directory(MEMBERS, {})
    return build_service(
        factory, load_default_sop(), directory, calendar, clock, on_commit=on_commit
    )
