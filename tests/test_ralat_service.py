"""Ralat (issue 19) on a real database: a correction reopens a published item at the SOP's
design step in one transaction (the operators' design card with the reason, the notices, the
step's reminder, the publication undone), the corrected version's links replace the old ones
(kept, marked replaced), and a request that cannot be a correction changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, insert, select

from bot.domain.workflow import Action, Decision, NotCorrector, NotesRequired
from bot.service.errors import CorrectionRunning, NotPublished
from bot.service.reports import Reports
from bot.service.views import LinkState
from storage.database import create_engine
from storage.migrate import alembic_config, upgrade_to_head
from storage.models import Item, PostLink, StepVisitRecord
from tests.service_fixtures import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    LINK,
    MONDAY_MORNING,
    OPERATOR,
    OPERATOR2,
    SEKRETARIS,
    Office,
    office,
)

REASON = "Nomor PKPU salah"
LINK_V2 = "https://instagram.com/p/jdih-pulpis-ralat"


@pytest.fixture
async def o(tmp_path: Path) -> AsyncIterator[Office]:
    async with office(tmp_path) as built:
        yield built


async def publish(o: Office, item_id: int, version: int, link: str) -> None:
    """Steps 3 to the posting for a handed-in `version`."""
    await o.review(item_id, "periksa", version)
    await o.review(item_id, "setuju", version)
    order = Decision(Action.ORDER_UPLOAD, "unggah", version)
    await o.service.decisions.decide(o.who(KASUBBAG), item_id, order)
    posted = Decision(Action.REPORT_POSTED, "posting", version, links=(link,))
    await o.service.decisions.decide(o.who(OPERATOR), item_id, posted)


async def published_item(o: Office) -> int:
    item_id = await o.at_periksa()
    await publish(o, item_id, 1, LINK)
    return item_id


def correct(reason: str = REASON) -> Decision:
    return Decision(Action.CORRECT, None, None, notes=reason)


async def test_a_correction_reopens_the_item_at_the_design_step_with_what_it_owes(
    o: Office,
) -> None:
    item_id = await published_item(o)
    await o.new_outbox()
    o.clock.advance(timedelta(hours=1))

    decided = await o.service.decisions.decide(o.who(KASUBBAG), item_id, correct(), confirm=True)

    assert (decided.item.status, decided.item.step_key, decided.item.version) == (
        "active",
        "desain",
        1,
    )
    row = await o.item(item_id)
    assert row.closed_at is None  # no longer published: counted again when posted again
    assert row.step_due_at is not None and row.remind_at is not None  # the SOP's 30 minutes
    events = await o.events(decided.item.code)
    assert (events[-1].action, events[-1].notes, events[-1].step_key) == ("correct", REASON, None)
    owed = await o.new_outbox()
    cards = [(chat, p) for chat, kind, p in owed if kind == "card"]
    assert [chat for chat, _ in cards] == [OPERATOR, OPERATOR2]
    assert cards[0][1]["step"] == "desain" and cards[0][1]["return_event_id"] is not None
    notices = [(chat, p["template"], p["params"]) for chat, kind, p in owed if kind == "notice"]
    # the creator, the kasubbag's order role (the actor: not told), and the overseer
    assert [(chat, template) for chat, template, _ in notices] == [
        (KOORDINATOR, "corrected"),
        (SEKRETARIS, "corrected"),
    ]
    assert notices[0][2]["reason"] == REASON and notices[0][2]["version"] == 1
    assert [chat for chat, kind, _ in owed if kind == "confirmation"] == [KASUBBAG]
    card = await o.service.reads.card_data(item_id, "desain", 1, cards[0][1]["return_event_id"])
    assert card is not None and card.return_event is not None
    assert (card.return_event.action, card.return_event.notes) == ("correct", REASON)
    # a new visit of the design step is measured like any other
    async with o.factory() as session:
        visits = list(await session.scalars(select(StepVisitRecord).order_by(StepVisitRecord.id)))
    assert (visits[-1].step_key, visits[-1].ended_at, visits[-1].step_limit) == (
        "desain",
        None,
        "30m",
    )


async def test_the_corrected_version_is_published_and_the_old_links_are_kept_replaced(
    o: Office,
) -> None:
    item_id = await published_item(o)
    await o.service.decisions.decide(o.who(KOORDINATOR), item_id, correct())
    assert await o.design(item_id) == 2
    o.clock.advance(timedelta(minutes=40))
    await publish(o, item_id, 2, LINK_V2)

    row = await o.item(item_id)
    assert (row.status, row.version, row.post_links) == ("published", 2, [LINK_V2])
    assert row.closed_at == o.clock.now()
    found = await o.service.reads.status_of(KASUBBAG, item_id)
    assert found is not None
    links = [
        (link.version, link.url, link.state, link.replaced_at, link.replaced_by_version)
        for link in found[0].link_history
    ]
    assert links == [
        (1, LINK, LinkState.REPLACED, o.clock.now(), 2),
        (2, LINK_V2, LinkState.LIVE, None, None),
    ]
    async with o.factory() as session:
        first = (await session.scalars(select(PostLink).order_by(PostLink.id))).first()
    assert first is not None and first.recorded_at == MONDAY_MORNING


async def test_requests_that_cannot_be_a_correction_change_nothing(o: Office) -> None:
    decisions = o.service.decisions
    running = await o.at_periksa()
    with pytest.raises(NotPublished) as refused:
        await decisions.ask_for(o.who(KASUBBAG), running, Action.CORRECT)
    assert (refused.value.status, refused.value.step_ref) == ("active", "3")

    item_id = await published_item(o)
    with pytest.raises(NotCorrector):
        await decisions.ask_for(o.who(OPERATOR), item_id, Action.CORRECT)
    with pytest.raises(NotCorrector):
        await decisions.ask_for(o.who(HUKUM), item_id, Action.CORRECT)
    with pytest.raises(NotesRequired):
        await decisions.decide(o.who(KASUBBAG), item_id, correct("  "))
    assert (await o.item(item_id)).status == "published"

    await decisions.ask_for(o.who(KASUBBAG), item_id, Action.CORRECT)
    assert (await o.service.conversation.pending(KASUBBAG)) is not None
    await o.service.conversation.answer_text(KASUBBAG, REASON, private=True, replied_to=None)
    assert (await o.item(item_id)).step_key == "desain"
    assert await o.service.conversation.pending(KASUBBAG) is None
    with pytest.raises(CorrectionRunning) as running_again:
        await decisions.ask_for(o.who(KOORDINATOR), item_id, Action.CORRECT)
    assert (running_again.value.name, running_again.value.step_ref) == ("Budi Kasubbag", "2")


async def test_links_published_before_the_upgrade_are_kept_as_live_links(
    database_url: str,
) -> None:
    engine = create_engine(database_url)

    def to_0014(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0014_previews")

    at = MONDAY_MORNING
    base = {"title": "PKPU", "rev": 0, "created_by": 101, "created_at": at}
    items = [
        base | {"id": 1, "code": "JDIH-2026-0001", "status": "published", "version": 2,
                "closed_at": at + timedelta(hours=2), "post_links": [LINK, LINK_V2]},
        base | {"id": 2, "code": "JDIH-2026-0002", "status": "active", "version": 1,
                "step_key": "periksa"},
    ]  # fmt: skip
    try:
        async with engine.begin() as connection:
            await connection.run_sync(to_0014)
            for row in items:
                await connection.execute(insert(Item), [row])
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            rows = (await connection.execute(select(PostLink).order_by(PostLink.id))).all()
    finally:
        await engine.dispose()
    assert [(r.item_id, r.version, r.url, r.state, r.replaced_at) for r in rows] == [
        (1, 2, LINK, "live", None),
        (1, 2, LINK_V2, "live", None),
    ]
    recorded = rows[0].recorded_at  # naive on SQLite, which keeps UTC
    assert (recorded if recorded.tzinfo else recorded.replace(tzinfo=UTC)) == at + timedelta(
        hours=2
    )


async def test_the_report_counts_a_corrected_item_once_and_each_step_visit_as_a_run(
    o: Office,
) -> None:
    item_id = await published_item(o)
    o.clock.advance(timedelta(hours=1))
    await o.service.decisions.decide(o.who(KASUBBAG), item_id, correct())
    await o.design(item_id)
    await publish(o, item_id, 2, LINK_V2)
    reports = Reports(o.service.context, office="KPU Kabupaten Pulang Pisau")

    report = await reports.build_for(SEKRETARIS, reports.period("2026-11"))

    overview = report.figures.overview
    assert (overview.items, overview.opened, overview.published) == (1, 1, 1)
    runs = {step.key: step.runs for step in report.figures.steps}
    # the first step ran once; every step from the design on, once per version published
    assert runs == {"materi": 1, "desain": 2, "periksa": 2, "setuju": 2, "unggah": 2, "posting": 2}
    (row,) = report.figures.items
    assert (row.status_at_end, row.versions, row.approved_version, row.links) == (
        "published",
        2,
        2,
        (LINK_V2,),
    )
    corrections = [e for e in report.figures.events if e.action == Action.CORRECT]
    assert [(e.notes, e.actor_name) for e in corrections] == [(REASON, "Budi Kasubbag")]
