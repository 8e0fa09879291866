"""The use cases on a real database: items get codes, steps start with deadlines, every decision
applies exactly once with its history and the messages it owes, and nothing asked is forgotten.

Run on SQLite by default, on PostgreSQL with JDIH_TEST_POSTGRES_URL set."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.actions import PromptKind
from bot.domain.conversation import NothingExpected
from bot.domain.workflow import Action, Decision, NotOpener, NotYourStep
from bot.service.conversation import DesignAdded, ItemCreated, UploadParked
from bot.service.decisions import Decided
from bot.service.errors import (
    AlreadyDecided,
    InvalidInput,
    NoDesignFiles,
    NoMaterial,
    NotOperator,
    UploadGone,
)
from bot.service.opening import MaterialAdded
from bot.service.views import FileRef
from tests.service_fixtures import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    LINK,
    MONDAY_MORNING,
    OPERATOR,
    OPERATOR2,
    Office,
    local,
    office,
    page,
)

APPROVE_PERIKSA_V1 = Decision(Action.APPROVE, "periksa", 1)


@pytest.fixture
async def o(tmp_path: Path) -> AsyncIterator[Office]:
    async with office(tmp_path) as built:
        yield built


# --- opening an item ---------------------------------------------------------------------


async def test_new_items_get_consecutive_codes_of_the_year(o: Office) -> None:
    first = await o.service.opening.create_item(o.who(KOORDINATOR), "PKPU Nomor 2 Tahun 2026")
    second = await o.service.opening.create_item(o.who(KASUBBAG), "  Keputusan   KPU  ")

    assert (first.code, second.code) == ("JDIH-2026-0001", "JDIH-2026-0002")
    assert (second.title, second.status) == ("Keputusan KPU", "draft")
    pending = await o.service.conversation.pending(KASUBBAG)
    assert pending is not None and (pending.kind, pending.item) == (PromptKind.MATERIAL, second)


async def test_a_too_short_title_is_refused_and_uses_no_number(o: Office) -> None:
    with pytest.raises(InvalidInput):
        await o.service.opening.create_item(o.who(KOORDINATOR), " a  ")

    item = await o.service.opening.create_item(o.who(KOORDINATOR), "PKPU 2")
    assert item.code == "JDIH-2026-0001"


async def test_only_openers_may_begin_an_item(o: Office) -> None:
    with pytest.raises(NotOpener):
        await o.service.opening.begin_item(o.who(OPERATOR))
    assert await o.service.conversation.pending(OPERATOR) is None

    await o.service.opening.begin_item(o.who(KOORDINATOR))
    pending = await o.service.conversation.pending(KOORDINATOR)
    assert pending is not None and pending.kind == PromptKind.TITLE


async def test_an_item_opened_just_after_local_new_year_carries_the_new_year(o: Office) -> None:
    o.clock.set(local(2027, 1, 1, 6, 0))  # still 31 December 2026 in UTC

    item = await o.service.opening.create_item(o.who(KOORDINATOR), "Ucapan Tahun Baru")

    assert item.code == "JDIH-2027-0001"


async def test_simultaneous_openers_get_distinct_codes(o: Office) -> None:
    await o.service.opening.create_item(o.who(KOORDINATOR), "Item pertama tahun ini")
    items = await asyncio.gather(
        *(o.service.opening.create_item(o.who(KOORDINATOR), f"Item {n}") for n in range(10))
    )
    assert sorted(i.code for i in items) == [f"JDIH-2026-{n:04d}" for n in range(2, 12)]


async def test_simultaneous_first_items_of_the_year_all_get_codes(o: Office) -> None:
    items = await asyncio.gather(
        *(o.service.opening.create_item(o.who(KOORDINATOR), f"Item {n}") for n in range(5))
    )
    assert sorted(i.code for i in items) == [f"JDIH-2026-{n:04d}" for n in range(1, 6)]


async def test_the_archives_month_is_the_offices_not_utcs(o: Office) -> None:
    o.clock.set(local(2027, 1, 1, 6, 0))  # still 31 December 2026 in UTC

    assert o.service.reads.this_month() == "2027-01"  # what /arsip alone searches


# --- step 1: material --------------------------------------------------------------------


async def test_handing_in_without_material_is_refused(o: Office) -> None:
    item = await o.service.opening.create_item(o.who(KOORDINATOR), "PKPU Nomor 2 Tahun 2026")

    with pytest.raises(NoMaterial):
        await o.service.decisions.submit_material(o.who(KOORDINATOR), item.id)

    assert ((await o.item(item.id)).status, await o.outbox()) == ("draft", [])


async def test_handed_in_material_starts_step_one_due_next_working_day(o: Office) -> None:
    item_id = await o.open_item()

    item = await o.item(item_id)
    assert (item.status, item.step_key, item.step_limit) == ("active", "materi", "1wd")
    assert item.step_started_at == MONDAY_MORNING
    assert item.step_due_at == local(2026, 11, 24, 9, 0)  # Tuesday 09:00
    assert await o.new_outbox() == [(KASUBBAG, "card", {"step": "materi", "version": 0})]


# --- the whole SOP -----------------------------------------------------------------------


async def test_an_item_walks_every_step_to_published(o: Office) -> None:
    item_id = await o.open_item()
    await o.new_outbox()
    await o.direct(item_id)
    assert await o.new_outbox() == [
        (chat, "card", {"step": "desain", "version": 0}) for chat in (OPERATOR, OPERATOR2)
    ]

    with pytest.raises(NoDesignFiles):
        await o.service.decisions.submit_design(o.who(OPERATOR), item_id, 1)
    await o.service.uploads.add_design_file(o.who(OPERATOR), item_id, page(1))
    draft = await o.service.uploads.add_design_file(o.who(OPERATOR), item_id, page(2))
    assert (draft.version, draft.pages) == (1, 2)  # the draft is the next version
    await o.service.decisions.submit_design(o.who(OPERATOR), item_id, 1)
    assert await o.new_outbox() == [(KASUBBAG, "card", {"step": "periksa", "version": 1})]
    card = await o.service.reads.card_data(item_id, "periksa", 1)
    assert card is not None and [f.file_id for f in card.design] == ["file-1", "file-2"]

    await o.review(item_id, "periksa", 1)
    assert await o.new_outbox() == [(HUKUM, "card", {"step": "setuju", "version": 1})]
    await o.review(item_id, "setuju", 1)
    assert await o.new_outbox() == [(KASUBBAG, "card", {"step": "unggah", "version": 1})]
    order = Decision(Action.ORDER_UPLOAD, "unggah", 1)
    await o.service.decisions.decide(o.who(KASUBBAG), item_id, order)
    assert await o.new_outbox() == [
        (chat, "card", {"step": "posting", "version": 1}) for chat in (OPERATOR, OPERATOR2)
    ]
    posted = Decision(Action.REPORT_POSTED, "posting", 1, links=(LINK,))
    outcome = await o.service.decisions.decide(o.who(OPERATOR2), item_id, posted)

    assert (outcome.item.status, outcome.item.step, outcome.item.post_links) == (
        "published",
        None,
        (LINK,),
    )
    assert (await o.item(item_id)).closed_at == MONDAY_MORNING
    owed = await o.new_outbox()
    assert [(chat, kind, p["template"]) for chat, kind, p in owed if kind == "notice"] == [
        (KOORDINATOR, "notice", "published"),
        (KASUBBAG, "notice", "published"),
    ]
    # the archive folder is owed too, in the same transaction as the publication
    assert [kind for _, kind, _ in owed if kind != "notice"] == ["archive"]
    history = [
        (e.action, e.actor_name, e.role, e.step_key, e.version)
        for e in await o.events(outcome.item.code)
    ]
    assert history == [
        ("created", "Rina Koordinator", "koordinator", None, 0),
        ("submit_material", "Rina Koordinator", "koordinator", None, 0),
        ("direct", "Budi Kasubbag", "kasubbag", "materi", 0),
        ("submit_design", "Sari Operator", "operator", "desain", 1),
        ("approve", "Budi Kasubbag", "kasubbag", "periksa", 1),
        ("approve", "Ibu Divisi Hukum", "divisi_hukum", "setuju", 1),
        ("order_upload", "Budi Kasubbag", "kasubbag", "unggah", 1),
        ("report_posted", "Dedi Operator", "operator", "posting", 1),
    ]


async def test_returns_at_both_reviews_lead_to_approval_of_version_three(o: Office) -> None:
    item_id = await o.at_periksa()
    await o.new_outbox()

    await o.review(item_id, "periksa", 1, back=True)
    cards = await o.new_outbox()
    assert [(chat, p["step"], p["version"]) for chat, _, p in cards] == [
        (OPERATOR, "desain", 1),
        (OPERATOR2, "desain", 1),
    ]
    assert all(kind == "card" and "return_event_id" in p for _, kind, p in cards)
    assert await o.design(item_id, pages=2) == 2
    await o.review(item_id, "periksa", 2)
    await o.new_outbox()
    await o.review(item_id, "setuju", 2, back=True)
    assert [(chat, kind, p.get("template")) for chat, kind, p in await o.new_outbox()] == [
        (OPERATOR, "card", None),
        (OPERATOR2, "card", None),
        (KASUBBAG, "notice", "returned"),
    ]
    assert await o.design(item_id, pages=3, by=OPERATOR2) == 3
    await o.review(item_id, "periksa", 3)
    await o.review(item_id, "setuju", 3)

    item = await o.item(item_id)
    assert (item.step_key, item.version, item.designer_id) == ("unggah", 3, OPERATOR2)
    card = await o.service.reads.card_data(item_id, "unggah", 3)
    assert card is not None and len(card.design) == 3
    reviews = [(e.action, e.step_key, e.version) for e in await o.events(item.code)][4:]
    assert reviews == [
        ("return", "periksa", 1),
        ("submit_design", "desain", 2),
        ("approve", "periksa", 2),
        ("return", "setuju", 2),
        ("submit_design", "desain", 3),
        ("approve", "periksa", 3),
        ("approve", "setuju", 3),
    ]


async def test_minute_limits_count_only_office_hours(o: Office) -> None:
    item_id = await o.at_desain()
    assert (await o.item(item_id)).step_due_at == local(2026, 11, 23, 9, 30)  # 30 minutes

    o.clock.set(local(2026, 11, 26, 15, 30))  # Thursday afternoon
    await o.design(item_id)
    assert (await o.item(item_id)).step_due_at == local(2026, 11, 26, 15, 45)  # 15 minutes
    o.clock.set(local(2026, 11, 26, 15, 50))
    await o.review(item_id, "periksa", 1)

    item = await o.item(item_id)
    assert item.step_started_at == local(2026, 11, 26, 15, 50)
    assert item.step_due_at == local(2026, 11, 27, 7, 35)  # office closed at 16:00


# --- exactly once ------------------------------------------------------------------------


async def test_a_repeated_decision_names_who_decided_first(o: Office) -> None:
    item_id = await o.at_periksa()
    await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)

    with pytest.raises(AlreadyDecided) as refused:
        await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)

    err = refused.value
    assert (err.action, err.name, err.role, err.at) == (
        "approve",
        "Budi Kasubbag",
        "kasubbag",
        MONDAY_MORNING,
    )
    assert (err.current_step, err.current_version, err.status) == ("setuju", 1, "active")


async def test_a_second_material_hand_in_names_who_handed_it_in(o: Office) -> None:
    item_id = await o.open_item()

    with pytest.raises(AlreadyDecided) as refused:
        await o.service.decisions.submit_material(o.who(KOORDINATOR), item_id)

    assert (refused.value.action, refused.value.name) == ("submit_material", "Rina Koordinator")


async def test_twenty_simultaneous_approvals_apply_once(o: Office) -> None:
    item_id = await o.at_periksa()
    rev = (await o.item(item_id)).rev
    await o.new_outbox()

    results = await asyncio.gather(
        *(
            o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)
            for _ in range(20)
        ),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, AlreadyDecided)]
    assert (len(refused), len([r for r in results if not isinstance(r, Exception)])) == (19, 1)
    assert {(r.action, r.name) for r in refused} == {("approve", "Budi Kasubbag")}
    item = await o.item(item_id)
    assert (item.rev, item.step_key) == (rev + 1, "setuju")
    assert [e.action for e in await o.events(item.code)].count("approve") == 1
    assert await o.new_outbox() == [(HUKUM, "card", {"step": "setuju", "version": 1})]


async def test_twenty_items_moved_at_once_each_move_once(o: Office) -> None:
    ids = [await o.open_item(f"Produk hukum {n}") for n in range(20)]

    await asyncio.gather(*(o.direct(item_id) for item_id in ids))

    for item_id in ids:
        item = await o.item(item_id)
        assert (item.step_key, item.rev) == ("desain", 2)
        assert [e.action for e in await o.events(item.code)].count("direct") == 1
    cards = [(r.item_id, r.chat_id) for r in await o.outbox() if r.payload.get("step") == "desain"]
    assert sorted(cards) == sorted((i, chat) for i in ids for chat in (OPERATOR, OPERATOR2))


async def test_a_button_for_an_older_version_is_already_decided(o: Office) -> None:
    item_id = await o.at_periksa()
    await o.review(item_id, "periksa", 1, back=True)
    await o.design(item_id)

    with pytest.raises(AlreadyDecided) as refused:
        await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)

    err = refused.value
    assert (err.action, err.name, err.current_step, err.current_version) == (
        "return",
        "Budi Kasubbag",
        "periksa",
        2,
    )
    assert (await o.item(item_id)).step_key == "periksa"


async def test_a_decision_on_a_cancelled_item_says_it_was_cancelled(o: Office) -> None:
    item_id = await o.at_periksa()
    cancel = Decision(Action.CANCEL, None, None, notes="Materi ditarik")
    await o.service.decisions.decide(o.who(KASUBBAG), item_id, cancel)

    with pytest.raises(AlreadyDecided) as refused:
        await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)

    err = refused.value
    assert (err.status, err.action, err.name, err.current_step) == (
        "cancelled",
        "cancel",
        "Budi Kasubbag",
        None,
    )


async def test_a_decision_retires_the_buttons_of_earlier_cards(o: Office) -> None:
    item_id = await o.at_periksa()
    for message_id, buttons in ((501, True), (502, False)):
        await o.service.messages.record_message(
            chat_id=KASUBBAG,
            message_id=message_id,
            item_id=item_id,
            step_key="periksa",
            version=1,
            kind="card",
            has_buttons=buttons,
            text="JDIH-2026-0001",
        )
    await o.new_outbox()

    await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)

    retired = [(chat, p) for chat, kind, p in await o.new_outbox() if kind == "retire"]
    assert [(chat, p["action"], p["name"]) for chat, p in retired] == [
        (KASUBBAG, "approve", "Budi Kasubbag")
    ]
    target = await o.service.reads.retire_target(retired[0][1]["card_id"])
    assert target is not None and target.message_id == 501
    await o.review(item_id, "setuju", 1)
    assert [kind for _, kind, _ in await o.new_outbox()] == ["card"]  # nothing left to retire


async def test_a_card_recorded_after_two_decisions_is_retired_with_its_own_steps_decision(
    o: Office,
) -> None:
    """A slow sender records the kasubbag's step-3 card only after step 3 and step 4 were both
    decided: the card is retired saying who approved step 3, not the later step 4."""
    item_id = await o.at_periksa()
    await o.review(item_id, "periksa", 1)
    await o.review(item_id, "setuju", 1)

    closing = await o.service.messages.record_message(
        chat_id=KASUBBAG,
        message_id=601,
        item_id=item_id,
        step_key="periksa",
        version=1,
        kind="card",
        has_buttons=True,
        text="JDIH-2026-0001",
    )

    assert closing is not None
    assert (closing.action, closing.actor_name) == ("approve", "Budi Kasubbag")


# --- waking delivery ---------------------------------------------------------------------


@pytest.fixture
def wakes(o: Office, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The order of commits and wake-ups: the service calls its `on_commit` (the wiring's
    "wake the sender and the scheduler") itself, so no handler has to remember it."""
    seen: list[str] = []
    commit = AsyncSession.commit

    async def recorded_commit(session: AsyncSession) -> None:
        await commit(session)
        seen.append("commit")

    monkeypatch.setattr(AsyncSession, "commit", recorded_commit)
    o.on_commit = lambda _committed: seen.append("wake")
    return seen


async def test_a_decision_wakes_delivery_once_after_its_commit(o: Office, wakes: list[str]) -> None:
    item_id = await o.at_periksa()
    await o.new_outbox()
    wakes.clear()

    await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)

    assert wakes == ["commit", "wake"]
    assert await o.new_outbox() != []  # what the wake-up is for: the messages it owes


async def test_a_refused_decision_wakes_nothing(o: Office, wakes: list[str]) -> None:
    item_id = await o.at_periksa()
    await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)
    wakes.clear()

    with pytest.raises(AlreadyDecided):
        await o.service.decisions.decide(o.who(KASUBBAG), item_id, APPROVE_PERIKSA_V1)
    with pytest.raises(NotYourStep):
        await o.service.decisions.decide(
            o.who(OPERATOR), item_id, Decision(Action.APPROVE, "setuju", 1)
        )

    assert wakes == []


async def test_typed_notes_wake_delivery_once_after_the_one_commit(
    o: Office, wakes: list[str]
) -> None:
    """The question is read and answered in one transaction: delivery is woken after its
    commit, never before (the sender would find nothing yet and wait)."""
    item_id = await o.at_periksa()
    await o.service.decisions.ask_for(o.who(KASUBBAG), item_id, Action.RETURN, "periksa", 1)
    wakes.clear()

    talk = o.service.conversation
    decided = await talk.answer_text(KASUBBAG, "Logo salah", private=True, replied_to=None)

    assert isinstance(decided, Decided)
    assert wakes == ["commit", "wake"]


async def test_a_typed_answer_refused_changes_nothing_and_wakes_nothing(
    o: Office, wakes: list[str]
) -> None:
    """An answer refused inside the transaction that read its question rolls all of it back:
    the question stays open, to be answered again; nothing is owed, no one is woken."""
    await o.service.opening.begin_item(o.who(KOORDINATOR))
    wakes.clear()

    talk = o.service.conversation
    with pytest.raises(InvalidInput):
        await talk.answer_text(KOORDINATOR, "ab", private=True, replied_to=None)

    assert wakes == []
    pending = await talk.pending(KOORDINATOR)
    assert pending is not None and pending.kind == PromptKind.TITLE
    created = await talk.answer_text(KOORDINATOR, "PKPU 2", private=True, replied_to=None)
    assert isinstance(created, ItemCreated)


# --- pending input -----------------------------------------------------------------------


async def test_a_wrong_role_asking_for_return_notes_records_nothing(o: Office) -> None:
    item_id = await o.at_periksa()

    with pytest.raises(NotYourStep):
        await o.service.decisions.ask_for(o.who(HUKUM), item_id, Action.RETURN, "periksa", 1)

    assert await o.service.conversation.pending(HUKUM) is None


async def test_a_question_for_return_notes_is_remembered_across_a_restart(o: Office) -> None:
    item_id = await o.at_periksa()
    await o.service.decisions.ask_for(o.who(KASUBBAG), item_id, Action.RETURN, "periksa", 1)

    restarted = o.restart()

    pending = await restarted.conversation.pending(KASUBBAG)
    assert pending is not None and pending.item is not None and pending.item.id == item_id
    assert (pending.kind, pending.step_key, pending.version) == ("return_notes", "periksa", 1)
    notes = Decision(Action.RETURN, pending.step_key, pending.version, notes="Logo salah")
    outcome = await restarted.decisions.decide(restarted.actor(KASUBBAG), item_id, notes)
    assert outcome.item.step is not None and outcome.item.step.key == "desain"
    assert await restarted.conversation.pending(KASUBBAG) is None


# --- the conversation: one call per text or file -----------------------------------------


class Downloads:
    """Files as if fetched from Telegram and checked; records what was fetched."""

    def __init__(self) -> None:
        self.fetched: list[tuple[str, str]] = []

    async def material(self, file: FileRef) -> FileRef:
        self.fetched.append(("material", file.file_id))
        return file

    async def design(self, file: FileRef) -> FileRef:
        self.fetched.append(("design", file.file_id))
        return file


async def test_typed_answers_open_an_item_and_fill_its_material(o: Office) -> None:
    talk = o.service.conversation
    await o.service.opening.begin_item(o.who(KOORDINATOR))

    created = await talk.answer_text(KOORDINATOR, "PKPU 2", private=True, replied_to=None)
    added = await talk.answer_text(KOORDINATOR, LINK, private=True, replied_to=None)

    assert isinstance(created, ItemCreated) and created.item.code == "JDIH-2026-0001"
    assert added == MaterialAdded(created.item, 1)


async def test_typed_notes_decide_once_and_close_the_question(o: Office) -> None:
    item_id = await o.at_periksa()
    await o.service.decisions.ask_for(o.who(KASUBBAG), item_id, Action.RETURN, "periksa", 1)
    talk = o.service.conversation

    in_group = await talk.answer_text(KASUBBAG, "Logo", private=False, replied_to=None)
    decided = await talk.answer_text(KASUBBAG, "Logo salah", private=True, replied_to=None)
    again = await talk.answer_text(KASUBBAG, "Logo salah", private=True, replied_to=None)

    assert in_group == NothingExpected()  # a question asked in private is answered there
    assert isinstance(decided, Decided) and decided.transition.action is Action.RETURN
    assert again == NothingExpected()
    assert [e.action for e in await o.events(decided.item.code)][-1] == Action.RETURN


async def test_a_page_for_one_of_two_items_waits_for_the_operator_to_pick(o: Office) -> None:
    first, second = await o.at_desain(), await o.at_desain()
    downloads = Downloads()

    parked = await o.service.conversation.receive_file(
        OPERATOR, page(5), caption=None, replied_to=None, downloads=downloads
    )

    assert isinstance(parked, UploadParked)
    assert [item.id for item in parked.choices] == [first, second]
    assert downloads.fetched == [("design", "file-5")]  # kept at once, nothing is lost
    draft = await o.service.uploads.assign_upload(o.who(OPERATOR), parked.upload_id, second)
    assert (draft.item.id, draft.pages) == (second, 1)


async def test_a_page_with_a_caption_goes_to_the_only_design_item(o: Office) -> None:
    item_id = await o.at_desain()

    added = await o.service.conversation.receive_file(
        OPERATOR, page(5), caption=" Hari Pemilu ", replied_to=None, downloads=Downloads()
    )

    assert isinstance(added, DesignAdded)
    assert (added.draft.item.id, added.draft.pages, added.draft.caption) == (
        item_id,
        1,
        "Hari Pemilu",
    )


async def test_a_file_from_a_non_operator_is_refused_before_it_is_downloaded(o: Office) -> None:
    await o.at_desain()
    downloads = Downloads()

    with pytest.raises(NotOperator):
        await o.service.conversation.receive_file(
            KASUBBAG, page(5), caption=None, replied_to=None, downloads=downloads
        )

    assert downloads.fetched == []


async def test_a_file_while_material_is_asked_for_is_material_with_its_caption(o: Office) -> None:
    item = await o.service.opening.create_item(o.who(KOORDINATOR), "PKPU 2")
    downloads = Downloads()

    added = await o.service.conversation.receive_file(
        KOORDINATOR, page(5), caption=LINK, replied_to=None, downloads=downloads
    )

    assert added == MaterialAdded(item, 2)  # the file, and its caption as text
    assert downloads.fetched == [("material", "file-5")]


# --- design uploads ----------------------------------------------------------------------


async def test_a_parked_upload_goes_to_the_chosen_items_draft(o: Office) -> None:
    item_id = await o.at_desain()
    upload = await o.service.uploads.park_upload(o.who(OPERATOR), page(7))

    draft = await o.service.uploads.assign_upload(o.who(OPERATOR), upload, item_id)

    assert (draft.item.id, draft.version, draft.pages) == (item_id, 1, 1)
    pending = await o.service.conversation.pending(OPERATOR)
    assert pending is not None and (pending.kind, pending.version) == (PromptKind.DESIGN, 1)
    await o.service.decisions.submit_design(o.who(OPERATOR), item_id, 1)
    card = await o.service.reads.card_data(item_id, "periksa", 1)
    assert card is not None and [f.file_id for f in card.design] == ["file-7"]


async def test_another_operator_cannot_take_a_parked_upload(o: Office) -> None:
    item_id = await o.at_desain()
    upload = await o.service.uploads.park_upload(o.who(OPERATOR), page(7))

    with pytest.raises(UploadGone):
        await o.service.uploads.assign_upload(o.who(OPERATOR2), upload, item_id)

    draft = await o.service.uploads.assign_upload(o.who(OPERATOR), upload, item_id)
    assert draft.pages == 1
    with pytest.raises(UploadGone):  # and nobody assigns it twice
        await o.service.uploads.assign_upload(o.who(OPERATOR), upload, item_id)


async def test_pages_of_an_album_arriving_at_once_all_join_the_draft(o: Office) -> None:
    item_id = await o.at_desain()

    await asyncio.gather(
        *(o.service.uploads.add_design_file(o.who(OPERATOR), item_id, page(n)) for n in range(4))
    )

    await o.service.decisions.submit_design(o.who(OPERATOR), item_id, 1)
    card = await o.service.reads.card_data(item_id, "periksa", 1)
    assert card is not None and len(card.design) == 4
