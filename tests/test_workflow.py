"""The SOP state machine driven by the default SOP (No. 3/2022) and by revised SOPs.

Users: a coordinator hands in material, the kasubbag directs, the operator designs, the kasubbag
checks, the legal division approves (after checking the sources), the kasubbag orders the upload,
the operator posts and reports the link.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.actions import ACTION_FACTS, ACTION_FOR_PROMPT
from bot.domain.sop import Sop, load_default_sop, parse_sop
from bot.domain.workflow import (
    Action,
    Actor,
    Decision,
    InvalidTransition,
    ItemClosed,
    ItemState,
    ItemStatus,
    LinksRequired,
    NotCanceller,
    NotesRequired,
    NotOpener,
    NotYourStep,
    OwnDesign,
    SourcesNotConfirmed,
    StaleDecision,
    StepVisit,
    Transition,
    changes_after,
    decide,
    may_act,
    may_open,
)
from bot.domain.worktime import WorkCalendar
from tests import office

# The office of tests/office.py, as the workflow sees its members.
KOORDINATOR = office.KOORDINATOR.actor
KASUBBAG = office.KASUBBAG.actor
OPERATOR = office.OPERATOR.actor
HUKUM = office.HUKUM.actor
SEKRETARIS = office.SEKRETARIS.actor
OPERATOR_2 = office.OPERATOR2.actor
LINK = "https://instagram.com/p/abc"
CALENDAR = WorkCalendar.default()
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Pulang Pisau (WIB)


@pytest.fixture(scope="module")
def sop() -> Sop:
    return load_default_sop()


def draft(created_by: int = KOORDINATOR.user_id) -> ItemState:
    return ItemState(ItemStatus.DRAFT, None, 0, None, created_by)


def at(step: str, version: int = 1, designer: Actor | None = OPERATOR) -> ItemState:
    """An active item at `step`, created by the coordinator."""
    designer_id = designer.user_id if designer else None
    return ItemState(ItemStatus.ACTIVE, step, version, designer_id, KOORDINATOR.user_id)


def press(action: Action, item: ItemState, **payload: Any) -> Decision:
    """The decision a button for the item's current step and version sends."""
    return Decision(action, item.step_key, item.version, **payload)


def apply(
    sop: Sop, item: ItemState, actor: Actor, decision: Decision, transition: Transition
) -> ItemState:
    """What the service stores after a legal move (the domain's own function)."""
    return item.after(changes_after(sop, CALENDAR, transition, actor, decision, NOW))


def move(sop: Sop, item: ItemState, actor: Actor, decision: Decision) -> ItemState:
    return apply(sop, item, actor, decision, decide(sop, item, actor, decision))


def reach_setuju(sop: Sop) -> ItemState:
    """Material handed in, directed, designed (v1) and passed the kasubbag's check."""
    item = draft()
    item = move(sop, item, KOORDINATOR, Decision(Action.SUBMIT_MATERIAL, None, None))
    item = move(sop, item, KASUBBAG, press(Action.DIRECT, item, notes="Buat infografis PKPU"))
    item = move(sop, item, OPERATOR, press(Action.SUBMIT_DESIGN, item))
    item = move(sop, item, KASUBBAG, press(Action.APPROVE, item))
    assert (item.step_key, item.version) == ("setuju", 1)
    return item


# --- the happy path ----------------------------------------------------------------------------


def test_happy_path_goes_from_draft_through_every_step_to_published(sop: Sop) -> None:
    item = draft()
    steps: list[tuple[Actor, Decision, Transition]] = []

    def step(actor: Actor, decision: Decision) -> None:
        nonlocal item
        transition = decide(sop, item, actor, decision)
        steps.append((actor, decision, transition))
        item = apply(sop, item, actor, decision, transition)

    step(KOORDINATOR, Decision(Action.SUBMIT_MATERIAL, None, None))
    step(KASUBBAG, press(Action.DIRECT, item, notes="Buat infografis PKPU 1/2024"))
    step(OPERATOR, press(Action.SUBMIT_DESIGN, item))
    step(KASUBBAG, press(Action.APPROVE, item))
    step(HUKUM, press(Action.APPROVE, item, sources_checked=True))
    step(KASUBBAG, press(Action.ORDER_UPLOAD, item))
    step(OPERATOR, press(Action.REPORT_POSTED, item, links=(LINK,)))

    A, S = Action, ItemStatus
    assert [t for _, _, t in steps] == [
        Transition(A.SUBMIT_MATERIAL, "koordinator", None, "materi", S.ACTIVE, 0),
        Transition(A.DIRECT, "kasubbag", "materi", "desain", S.ACTIVE, 0),
        Transition(A.SUBMIT_DESIGN, "operator", "desain", "periksa", S.ACTIVE, 1),
        Transition(A.APPROVE, "kasubbag", "periksa", "setuju", S.ACTIVE, 1),
        Transition(A.APPROVE, "divisi_hukum", "setuju", "unggah", S.ACTIVE, 1),
        Transition(A.ORDER_UPLOAD, "kasubbag", "unggah", "posting", S.ACTIVE, 1),
        Transition(A.REPORT_POSTED, "operator", "posting", None, S.PUBLISHED, 1),
    ]
    assert all(t.step_changed and not t.returned for _, _, t in steps)
    assert item == ItemState(S.PUBLISHED, None, 1, OPERATOR.user_id, KOORDINATOR.user_id)


def test_kasubbag_may_hand_in_material_for_an_item_someone_else_created(sop: Sop) -> None:
    transition = decide(sop, draft(), KASUBBAG, Decision(Action.SUBMIT_MATERIAL, None, None))

    assert (transition.to_step, transition.acting_role) == ("materi", "kasubbag")


def test_creator_without_an_opener_role_may_still_hand_in_their_own_material(sop: Sop) -> None:
    item = draft(created_by=SEKRETARIS.user_id)

    transition = decide(sop, item, SEKRETARIS, Decision(Action.SUBMIT_MATERIAL, None, None))

    assert (transition.to_step, transition.status) == ("materi", ItemStatus.ACTIVE)


# --- returns and versions ----------------------------------------------------------------------


def test_return_at_design_check_goes_back_to_design_with_same_version(sop: Sop) -> None:
    item = at("periksa", version=1)

    transition = decide(sop, item, KASUBBAG, press(Action.RETURN, item, notes="Logo terlalu kecil"))

    assert transition == Transition(
        Action.RETURN, "kasubbag", "periksa", "desain", ItemStatus.ACTIVE, 1, returned=True
    )


def test_return_at_legal_approval_goes_back_to_design_with_same_version(sop: Sop) -> None:
    item = at("setuju", version=2)

    transition = decide(sop, item, HUKUM, press(Action.RETURN, item, notes="Nomor PKPU salah"))

    assert transition == Transition(
        Action.RETURN, "divisi_hukum", "setuju", "desain", ItemStatus.ACTIVE, 2, returned=True
    )


def test_design_handed_in_after_a_return_is_the_next_version(sop: Sop) -> None:
    item = at("desain", version=1)

    transition = decide(sop, item, OPERATOR, press(Action.SUBMIT_DESIGN, item))

    assert (transition.to_step, transition.version) == ("periksa", 2)


def test_after_two_returns_the_legal_division_approves_version_3(sop: Sop) -> None:
    item = reach_setuju(sop)
    item = move(sop, item, HUKUM, press(Action.RETURN, item, notes="Sumber belum dicantumkan"))
    assert (item.step_key, item.version) == ("desain", 1)
    item = move(sop, item, OPERATOR, press(Action.SUBMIT_DESIGN, item))
    assert (item.step_key, item.version) == ("periksa", 2)
    item = move(sop, item, KASUBBAG, press(Action.RETURN, item, notes="Warna tidak sesuai"))
    assert (item.step_key, item.version) == ("desain", 2)
    item = move(sop, item, OPERATOR, press(Action.SUBMIT_DESIGN, item))
    item = move(sop, item, KASUBBAG, press(Action.APPROVE, item))

    transition = decide(sop, item, HUKUM, press(Action.APPROVE, item, sources_checked=True))

    assert (transition.from_step, transition.to_step, transition.version) == ("setuju", "unggah", 3)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "action", "actor", "required"),
    [
        ("materi", Action.DIRECT, OPERATOR, "kasubbag"),
        ("desain", Action.SUBMIT_DESIGN, KASUBBAG, "operator"),
        ("periksa", Action.APPROVE, HUKUM, "kasubbag"),
        ("setuju", Action.APPROVE, KASUBBAG, "divisi_hukum"),
        ("unggah", Action.ORDER_UPLOAD, OPERATOR, "kasubbag"),
        ("posting", Action.REPORT_POSTED, SEKRETARIS, "operator"),
    ],
)
def test_someone_without_the_steps_role_is_told_which_role_acts(
    sop: Sop, step: str, action: Action, actor: Actor, required: str
) -> None:
    item = at(step, designer=OPERATOR_2)
    decision = press(action, item, notes="catatan", sources_checked=True, links=(LINK,))

    with pytest.raises(NotYourStep) as excinfo:
        decide(sop, item, actor, decision)

    assert excinfo.value.required_roles == frozenset({required})


def test_designer_who_is_also_kasubbag_cannot_approve_their_own_design(sop: Sop) -> None:
    both = Actor(7, "Operator dan Kasubbag", frozenset({"operator", "kasubbag"}))
    item = at("periksa", designer=both)

    with pytest.raises(OwnDesign):
        decide(sop, item, both, press(Action.APPROVE, item))


def test_designer_cannot_give_the_legal_approval_of_their_own_design(sop: Sop) -> None:
    both = Actor(7, "Operator dan Divisi Hukum", frozenset({"operator", "divisi_hukum"}))
    item = at("setuju", designer=both)

    with pytest.raises(OwnDesign):
        decide(sop, item, both, press(Action.APPROVE, item, sources_checked=True))


@pytest.mark.parametrize("notes", [None, "", "   \n\t"])
@pytest.mark.parametrize(("step", "actor"), [("periksa", KASUBBAG), ("setuju", HUKUM)])
def test_return_without_notes_is_refused(
    sop: Sop, step: str, actor: Actor, notes: str | None
) -> None:
    item = at(step)

    with pytest.raises(NotesRequired) as excinfo:
        decide(sop, item, actor, press(Action.RETURN, item, notes=notes))

    assert excinfo.value.action is Action.RETURN


@pytest.mark.parametrize("notes", [None, "  "])
def test_direction_without_arahan_is_refused(sop: Sop, notes: str | None) -> None:
    item = at("materi", version=0, designer=None)

    with pytest.raises(NotesRequired) as excinfo:
        decide(sop, item, KASUBBAG, press(Action.DIRECT, item, notes=notes))

    assert excinfo.value.action is Action.DIRECT


def test_legal_approval_without_confirming_the_sources_is_refused(sop: Sop) -> None:
    item = at("setuju")

    with pytest.raises(SourcesNotConfirmed):
        decide(sop, item, HUKUM, press(Action.APPROVE, item))


def test_design_check_approves_without_confirming_sources(sop: Sop) -> None:
    item = at("periksa")

    transition = decide(sop, item, KASUBBAG, press(Action.APPROVE, item))

    assert transition.to_step == "setuju"


def test_button_from_an_earlier_step_is_stale(sop: Sop) -> None:
    item = at("setuju", version=1)

    with pytest.raises(StaleDecision):
        decide(sop, item, KASUBBAG, Decision(Action.APPROVE, "periksa", 1))


def test_button_for_an_older_design_version_is_stale(sop: Sop) -> None:
    item = at("periksa", version=2)

    with pytest.raises(StaleDecision):
        decide(sop, item, KASUBBAG, Decision(Action.APPROVE, "periksa", 1))


def test_decision_without_a_version_is_checked_against_the_step_only(sop: Sop) -> None:
    item = at("unggah", version=3)

    transition = decide(sop, item, KASUBBAG, Decision(Action.ORDER_UPLOAD, "unggah", None))

    assert (transition.to_step, transition.version) == ("posting", 3)


@pytest.mark.parametrize(
    ("step", "action"),
    [
        ("desain", Action.APPROVE),
        ("materi", Action.SUBMIT_DESIGN),
        ("periksa", Action.ORDER_UPLOAD),
        ("unggah", Action.RETURN),
        ("posting", Action.APPROVE),
        ("periksa", Action.SUBMIT_MATERIAL),
    ],
)
def test_action_that_does_not_belong_to_the_step_is_refused(
    sop: Sop, step: str, action: Action
) -> None:
    item = at(step)

    with pytest.raises(InvalidTransition) as excinfo:
        decide(sop, item, KASUBBAG, press(action, item, notes="x"))

    assert (excinfo.value.action, excinfo.value.where) == (action, step)


def test_draft_accepts_only_the_material(sop: Sop) -> None:
    with pytest.raises(InvalidTransition) as excinfo:
        decide(sop, draft(), KASUBBAG, Decision(Action.DIRECT, None, None, notes="arahan"))

    assert excinfo.value.where == "draft"


@pytest.mark.parametrize("status", [ItemStatus.PUBLISHED, ItemStatus.CANCELLED])
@pytest.mark.parametrize("action", [a for a in Action if a is not Action.CORRECT])
def test_closed_item_refuses_every_action(sop: Sop, status: ItemStatus, action: Action) -> None:
    item = ItemState(status, None, 1, OPERATOR.user_id, KOORDINATOR.user_id)
    decision = Decision(action, None, None, notes="alasan", sources_checked=True, links=(LINK,))

    with pytest.raises(ItemClosed) as excinfo:
        decide(sop, item, KASUBBAG, decision)

    assert excinfo.value.status is status
    # the one move a published item allows is its correction (tests/test_ralat.py)


def test_posting_report_without_a_link_is_refused(sop: Sop) -> None:
    item = at("posting")

    with pytest.raises(LinksRequired):
        decide(sop, item, OPERATOR, press(Action.REPORT_POSTED, item))


def test_material_from_someone_who_neither_created_the_item_nor_opens_items_is_refused(
    sop: Sop,
) -> None:
    with pytest.raises(NotYourStep) as excinfo:
        decide(sop, draft(), OPERATOR, Decision(Action.SUBMIT_MATERIAL, None, None))

    # besides the creator, only those who may cancel the draft hand it in
    assert excinfo.value.required_roles == frozenset({"kasubbag"})


@pytest.mark.parametrize("actor", [KOORDINATOR, OPERATOR, HUKUM, SEKRETARIS])
def test_only_kasubbag_may_cancel(sop: Sop, actor: Actor) -> None:
    item = at("periksa")

    with pytest.raises(NotYourStep) as excinfo:
        decide(sop, item, actor, Decision(Action.CANCEL, None, None, notes="duplikat"))

    assert excinfo.value.required_roles == frozenset({"kasubbag"})


@pytest.mark.parametrize("notes", [None, " "])
def test_cancel_without_a_reason_is_refused(sop: Sop, notes: str | None) -> None:
    with pytest.raises(NotesRequired) as excinfo:
        decide(sop, at("periksa"), KASUBBAG, Decision(Action.CANCEL, None, None, notes=notes))

    assert excinfo.value.action is Action.CANCEL


def test_kasubbag_cancels_a_draft(sop: Sop) -> None:
    decision = Decision(Action.CANCEL, None, None, notes="materi batal")

    transition = decide(sop, draft(), KASUBBAG, decision)

    assert transition == Transition(Action.CANCEL, "kasubbag", None, None, ItemStatus.CANCELLED, 0)


def test_kasubbag_cancels_an_item_waiting_for_legal_approval(sop: Sop) -> None:
    decision = Decision(Action.CANCEL, None, None, notes="sudah tidak relevan")

    transition = decide(sop, at("setuju", version=2), KASUBBAG, decision)

    assert transition == Transition(
        Action.CANCEL, "kasubbag", "setuju", None, ItemStatus.CANCELLED, 2
    )


def test_decision_sent_by_command_without_a_step_key_acts_at_the_current_step(sop: Sop) -> None:
    item = at("desain", version=1)

    transition = decide(sop, item, OPERATOR, Decision(Action.SUBMIT_DESIGN, None, None))

    assert (transition.to_step, transition.version) == ("periksa", 2)


# --- members with several roles ----------------------------------------------------------------


def test_member_who_is_kasubbag_and_legal_division_acts_at_both_reviews(sop: Sop) -> None:
    both = Actor(8, "Kasubbag merangkap Divisi Hukum", frozenset({"kasubbag", "divisi_hukum"}))
    item = at("periksa")

    approve = press(Action.APPROVE, item)
    first = decide(sop, item, both, approve)
    item = apply(sop, item, both, approve, first)
    second = decide(sop, item, both, press(Action.APPROVE, item, sources_checked=True))

    assert (first.acting_role, first.to_step) == ("kasubbag", "setuju")
    assert (second.acting_role, second.to_step) == ("divisi_hukum", "unggah")


# --- a revised SOP -----------------------------------------------------------------------------


def revised_sop(**review: Any) -> Sop:
    """A three-step SOP: the head directs, staff design, the head reviews (and it is posted)."""
    data: dict[str, Any] = {
        "name": "SOP Revisi",
        "number": "SOP No. 1 Tahun 2025",
        "item_prefix": "MEDSOS",
        "openers": ["kepala"],
        "cancellers": ["kepala"],
        "roles": {"kepala": {"title": "Kepala"}, "staf": {"title": "Staf"}},
        "steps": [
            {"key": "arah", "kind": "direct", "role": "kepala", "title": "Arah", "limit": "2 jam"},
            {"key": "buat", "kind": "design", "role": "staf", "title": "Desain", "limit": "45m"},
            {
                "key": "cek",
                "kind": "review",
                "role": "kepala",
                "title": "Periksa",
                "limit": "1wd",
                "return_to": "buat",
                **review,
            },
        ],
    }
    return parse_sop(data, source="revisi.toml")


KEPALA = Actor(10, "Kepala", frozenset({"kepala"}))
STAF = Actor(11, "Staf", frozenset({"staf"}))


def test_revised_three_step_sop_publishes_right_after_the_last_approval() -> None:
    sop = revised_sop()
    kepala, staf = KEPALA, STAF
    item = ItemState(ItemStatus.DRAFT, None, 0, None, kepala.user_id)

    item = move(sop, item, kepala, Decision(Action.SUBMIT_MATERIAL, None, None))
    assert item.step_key == "arah"
    item = move(sop, item, kepala, press(Action.DIRECT, item, notes="Poster hari pemilu"))
    item = move(sop, item, staf, press(Action.SUBMIT_DESIGN, item))
    item = move(sop, item, kepala, press(Action.RETURN, item, notes="Perbaiki tanggal"))
    assert (item.step_key, item.version) == ("buat", 1)
    item = move(sop, item, staf, press(Action.SUBMIT_DESIGN, item))

    transition = decide(sop, item, kepala, press(Action.APPROVE, item))

    assert transition == Transition(Action.APPROVE, "kepala", "cek", None, ItemStatus.PUBLISHED, 2)


def test_revised_sop_roles_replace_the_default_roles() -> None:
    sop = revised_sop()
    item = ItemState(ItemStatus.ACTIVE, "cek", 1, STAF.user_id, KEPALA.user_id)

    with pytest.raises(NotYourStep) as excinfo:
        decide(sop, item, KASUBBAG, press(Action.APPROVE, item))

    assert excinfo.value.required_roles == frozenset({"kepala"})


def test_revised_sop_can_require_source_confirmation_at_its_review() -> None:
    sop = revised_sop(confirm_sources=True)
    item = ItemState(ItemStatus.ACTIVE, "cek", 1, STAF.user_id, KEPALA.user_id)

    with pytest.raises(SourcesNotConfirmed):
        decide(sop, item, KEPALA, press(Action.APPROVE, item))
    published = decide(sop, item, KEPALA, press(Action.APPROVE, item, sources_checked=True))
    assert published.status is ItemStatus.PUBLISHED


# --- what a move changes on the item, and "may I?" before the payload ------------------------


def test_applying_a_direction_starts_the_design_step_with_its_due_time(sop: Sop) -> None:
    item = at("materi", version=0, designer=None)
    decision = press(Action.DIRECT, item, notes="Buat infografis")
    transition = decide(sop, item, KASUBBAG, decision)

    changes = changes_after(sop, CALENDAR, transition, KASUBBAG, decision, NOW)

    limit = sop.step("desain").limit
    assert limit is not None
    due = CALENDAR.due_at(NOW, limit)
    assert changes.visit is not None
    assert (changes.visit.step_key, changes.visit.started_at) == ("desain", NOW)
    assert (changes.visit.limit, changes.visit.due_at) == (limit.as_text(), due)
    assert changes.visit.remind_at == CALENDAR.next_opening(due)
    assert (changes.direction, changes.designer_id, changes.closed_at) == (
        "Buat infografis",
        None,
        None,
    )


def test_applying_a_new_version_records_its_designer(sop: Sop) -> None:
    item = at("desain", version=0, designer=None)
    decision = press(Action.SUBMIT_DESIGN, item)
    transition = decide(sop, item, OPERATOR_2, decision)

    after = item.after(changes_after(sop, CALENDAR, transition, OPERATOR_2, decision, NOW))

    assert (after.step_key, after.version, after.designer_id) == ("periksa", 1, OPERATOR_2.user_id)


def test_applying_the_posted_report_closes_the_item_with_its_links(sop: Sop) -> None:
    item = at("posting")
    decision = press(Action.REPORT_POSTED, item, links=(LINK,))
    transition = decide(sop, item, OPERATOR, decision)

    changes = changes_after(sop, CALENDAR, transition, OPERATOR, decision, NOW)

    assert (changes.status, changes.closed_at, changes.post_links) == (
        ItemStatus.PUBLISHED,
        NOW,
        (LINK,),
    )
    assert changes.visit == StepVisit(None, None, None, None, None)  # no step, no reminder


def test_may_act_answers_before_the_notes_are_typed(sop: Sop) -> None:
    item = at("periksa")

    may_act(sop, item, KASUBBAG, Action.RETURN, "periksa", 1)  # no notes yet: still allowed
    with pytest.raises(NotYourStep):
        may_act(sop, item, HUKUM, Action.RETURN, "periksa", 1)
    with pytest.raises(OwnDesign):
        may_act(
            sop,
            item,
            Actor(OPERATOR.user_id, "Operator", frozenset({"operator", "kasubbag"})),
            Action.APPROVE,
        )
    with pytest.raises(NotesRequired):
        decide(sop, item, KASUBBAG, press(Action.RETURN, item))


def test_openers_and_cancellers_are_refused_with_their_own_errors(sop: Sop) -> None:
    with pytest.raises(NotOpener) as opener:
        may_open(sop, OPERATOR)
    assert opener.value.required_roles == sop.openers
    may_open(sop, KOORDINATOR)

    with pytest.raises(NotCanceller) as canceller:
        may_act(sop, at("periksa"), OPERATOR, Action.CANCEL)
    assert canceller.value.required_roles == sop.cancellers


def test_a_new_version_is_accepted_from_the_design_step_on(sop: Sop) -> None:
    assert sop.design_step.key == "desain"
    accepted = [step.key for step in sop.steps if sop.accepts_design_at(step.key)]
    assert accepted == ["desain", "periksa", "setuju", "unggah", "posting"]
    assert sop.order_roles == ("kasubbag",)


# --- the table of actions: a new action cannot be half-added ---------------------------------


def test_every_action_has_its_facts_and_every_prompt_leads_back_to_its_action() -> None:
    assert set(ACTION_FACTS) == set(Action)
    asked = {a: f.prompt for a, f in ACTION_FACTS.items() if f.prompt is not None}
    assert {ACTION_FOR_PROMPT[prompt]: prompt for prompt in asked.values()} == asked
    assert len(set(asked.values())) == len(asked)  # one question per action, never shared
