"""Ralat (issue 19), the pure part: a published item reopened for a corrected version goes
back to the SOP's design step with the reason as its notes, then through the SOP again as
version n+1; who may ask, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.actions import ACTION_FACTS, ACTION_FOR_PROMPT, PromptKind
from bot.domain.conversation import Decide, Question, answer_text
from bot.domain.sop import Sop, load_default_sop
from bot.domain.workflow import (
    Action,
    Actor,
    Decision,
    ItemState,
    ItemStatus,
    NotCorrector,
    NotesRequired,
    NotPublished,
    Transition,
    changes_after,
    decide,
)
from bot.domain.worktime import WorkCalendar
from tests.test_workflow import (
    HUKUM,
    KASUBBAG,
    KEPALA,
    KOORDINATOR,
    LINK,
    OPERATOR,
    SEKRETARIS,
    at,
    draft,
    move,
    press,
    revised_sop,
)

CALENDAR = WorkCalendar.default()
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Pulang Pisau (WIB)


@pytest.fixture(scope="module")
def sop() -> Sop:
    return load_default_sop()


def published(version: int = 1) -> ItemState:
    return ItemState(ItemStatus.PUBLISHED, None, version, OPERATOR.user_id, KOORDINATOR.user_id)


def correct(reason: str | None = "Nomor PKPU salah") -> Decision:
    return Decision(Action.CORRECT, None, None, notes=reason)


def test_a_published_item_goes_back_to_the_sops_design_step_with_the_reason(sop: Sop) -> None:
    transition = decide(sop, published(), KASUBBAG, correct())

    assert transition == Transition(
        Action.CORRECT,
        "kasubbag",
        None,
        sop.design_step.key,
        ItemStatus.ACTIVE,
        1,
        reopened=True,
    )
    changes = changes_after(sop, CALENDAR, transition, KASUBBAG, correct(), NOW)
    # a new visit of the design step with its limit, the publication undone
    assert changes.visit is not None
    assert (changes.visit.step_key, changes.visit.limit, changes.reopened) == (
        "desain",
        "30m",
        True,
    )
    assert changes.visit.due_at is not None and changes.visit.remind_at is not None


def test_the_corrected_design_is_the_next_version_and_runs_the_whole_sop_again(sop: Sop) -> None:
    item = move(sop, published(), KOORDINATOR, correct())  # a koordinator opens items too
    assert (item.status, item.step_key, item.version) == (ItemStatus.ACTIVE, "desain", 1)

    item = move(sop, item, OPERATOR, press(Action.SUBMIT_DESIGN, item))
    assert (item.step_key, item.version) == ("periksa", 2)
    item = move(sop, item, KASUBBAG, press(Action.APPROVE, item))
    item = move(sop, item, HUKUM, press(Action.APPROVE, item, sources_checked=True))
    item = move(sop, item, KASUBBAG, press(Action.ORDER_UPLOAD, item))
    item = move(sop, item, OPERATOR, press(Action.REPORT_POSTED, item, links=(LINK,)))

    assert (item.status, item.step_key, item.version) == (ItemStatus.PUBLISHED, None, 2)


def test_a_revised_sop_returns_the_correction_to_its_own_design_step() -> None:
    sop = revised_sop()
    item = ItemState(ItemStatus.PUBLISHED, None, 3, 11, KEPALA.user_id)

    transition = decide(sop, item, KEPALA, correct())

    assert (transition.to_step, transition.acting_role) == ("buat", "kepala")


@pytest.mark.parametrize("who", [OPERATOR, HUKUM, SEKRETARIS])
def test_only_the_sops_openers_may_ask_for_a_correction(sop: Sop, who: Actor) -> None:
    with pytest.raises(NotCorrector) as refused:
        decide(sop, published(), who, correct())

    assert refused.value.required_roles == sop.openers


@pytest.mark.parametrize(
    ("item", "status", "step"),
    [
        (draft(), ItemStatus.DRAFT, None),
        (at("setuju"), ItemStatus.ACTIVE, "setuju"),
        (ItemState(ItemStatus.CANCELLED, "periksa", 1, 5, 6), ItemStatus.CANCELLED, "periksa"),
    ],
)
def test_an_item_not_published_cannot_be_corrected(
    sop: Sop, item: ItemState, status: ItemStatus, step: str | None
) -> None:
    with pytest.raises(NotPublished) as refused:
        decide(sop, item, KASUBBAG, correct())

    assert (refused.value.status, refused.value.step_key) == (status, step)


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_a_correction_needs_its_reason(sop: Sop, reason: str | None) -> None:
    with pytest.raises(NotesRequired) as refused:
        decide(sop, published(), KASUBBAG, correct(reason))

    assert refused.value.action is Action.CORRECT


def test_the_reason_is_asked_and_typed_through_the_conversation() -> None:
    assert ACTION_FACTS[Action.CORRECT].prompt == PromptKind.CORRECTION_REASON
    assert ACTION_FOR_PROMPT[PromptKind.CORRECTION_REASON] is Action.CORRECT
    question = Question.for_action(Action.CORRECT, 7, None, 1)

    meaning = answer_text(question, "Tanggal salah", private=True, replied_item=None)

    assert meaning == Decide(7, Decision(Action.CORRECT, None, 1, notes="Tanggal salah"))
    # in a group nothing is asked
    assert answer_text(question, "x", private=False, replied_item=None) != meaning
