"""Two SOPs in one office, at the service: the SOP chosen at /baru (its openers only), the
item's code, limits and view by its own SOP, the operator's lists across both, and each
SOP's content stored, so an SOP whose file is removed keeps running its open items."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.sop import Sop, load_default_sop, parse_sop
from bot.domain.sop_catalog import SopCatalog
from bot.domain.workflow import Action, Decision, NotOpener
from bot.domain.worktime import WorkCalendar
from bot.service.context import ServiceContext
from bot.service.directory import Directory
from bot.service.errors import SopNotOffered
from bot.service.facade import Service
from bot.service.payloads import NoticeKind, OutboxKind
from bot.service.sop_snapshots import store_and_restore, tell_retired
from tests.office import OFFICE
from tests.service_fixtures import KASUBBAG, KOORDINATOR, MEMBERS, OPERATOR, Office, office

DEFAULT_SOP = Path(__file__).resolve().parents[1] / "bot" / "domain" / "sop_default.toml"
JDIH = load_default_sop()


def _berita() -> Sop:
    """A second SOP from its own file's data: its prefix and key, the kasubbag alone opens,
    two hours for the design."""
    data = tomllib.loads(DEFAULT_SOP.read_text(encoding="utf-8"))
    data.update(
        name="Publikasi Berita Kegiatan",
        number="SOP No. 9 Tahun 2026",
        item_prefix="BRT",
        key="berita",
        openers=["kasubbag"],
    )
    data["steps"][1]["limit"] = "2 jam"
    return parse_sop(data, source="berita.toml")


BERITA = _berita()
ADMIN = 999


def two_sops(o: Office, catalog: SopCatalog) -> Service:
    ctx = o.service.context
    directory = Directory(MEMBERS, {}, admins=frozenset({ADMIN}))
    return Service(
        ServiceContext(
            ctx.factory, catalog.default, directory, WorkCalendar(timezone=OFFICE.key),
            ctx.clock, sops=catalog,
        )
    )  # fmt: skip


@pytest.fixture
async def o(tmp_path: Path) -> AsyncIterator[Office]:
    async with office(tmp_path) as built:
        yield built


async def open_under(service: Service, who: int, key: str | None, title: str) -> int:
    actor = service.actor(who)
    await service.opening.begin_item(actor, key)
    item = await service.opening.create_item(actor, title, key)
    await service.opening.add_material(actor, item.id, text="jdih.kpu.go.id")
    await service.decisions.submit_material(actor, item.id)
    direction = Decision(Action.DIRECT, "materi", 0, notes="Infografis")
    await service.decisions.decide(service.actor(KASUBBAG), item.id, direction)
    return item.id


async def test_each_item_follows_the_sop_chosen_for_it(o: Office) -> None:
    service = two_sops(o, SopCatalog((JDIH, BERITA)))
    assert service.opening.choices(service.actor(KOORDINATOR)) == (JDIH, BERITA)
    with pytest.raises(NotOpener) as refused:
        await service.opening.begin_item(service.actor(KOORDINATOR), "berita")
    assert refused.value.required_roles == {"kasubbag"} and refused.value.sop_key == "berita"
    with pytest.raises(SopNotOffered):
        await service.opening.begin_item(service.actor(KASUBBAG), "hilang")

    jdih = await open_under(service, KOORDINATOR, None, "PKPU Nomor 2 Tahun 2026")
    news = await open_under(service, KASUBBAG, "berita", "Rapat koordinasi")
    rows = [await o.item(jdih), await o.item(news)]
    assert [(r.code, r.sop_key) for r in rows] == [
        ("JDIH-2026-0001", "jdih"),
        ("BRT-2026-0001", "berita"),
    ]
    # each design step's limit is its own SOP's: 30 minutes, and 2 hours
    assert [r.step_due_at - r.step_started_at for r in rows] == [  # type: ignore[operator]
        timedelta(minutes=30),
        timedelta(hours=2),
    ]
    operator = service.actor(OPERATOR)
    targets = await service.uploads.upload_targets(operator)
    codes = [(v.code, v.sop.key) for v in targets]
    assert codes == [("JDIH-2026-0001", "jdih"), ("BRT-2026-0001", "berita")]
    waiting, _ = await service.reads.tasks(operator)
    assert [v.sop.name for v in waiting] == [JDIH.name, BERITA.name]


async def test_a_removed_sop_runs_on_from_its_stored_copy(o: Office) -> None:
    both = SopCatalog((JDIH, BERITA))
    await store_and_restore(o.factory, both, o.clock.now())  # the start with both files
    service = two_sops(o, both)
    news = await open_under(service, KASUBBAG, "berita", "Rapat koordinasi")

    catalog, retired = await store_and_restore(o.factory, SopCatalog((JDIH,)), o.clock.now())
    assert [(r.sop.key, r.codes) for r in retired] == [("berita", ("BRT-2026-0001",))]
    assert catalog.of("berita").steps == BERITA.steps and catalog.publishing == (JDIH,)
    later = two_sops(o, catalog)
    view = await later.decisions.may_act(later.actor(OPERATOR), news, Action.SUBMIT_DESIGN)
    assert view.sop.name == BERITA.name and view.step is not None and view.step.key == "desain"
    assert await tell_retired(later.context, retired) == 1
    assert await tell_retired(later.context, retired) == 0  # once a day, however many starts
    notices = [r for r in await o.outbox() if r.kind == OutboxKind.NOTICE and r.chat_id == ADMIN]
    assert [n.payload["template"] for n in notices] == [NoticeKind.SOP_RETIRED]
    assert "BRT-2026-0001" in notices[0].payload["params"]["reason"]
