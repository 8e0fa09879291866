"""The workflow's rules for own work: nobody approves a version they uploaded pages of or
handed in, and nobody but its creator (or whoever may cancel it) hands in a draft."""

from __future__ import annotations

import pytest

from bot.domain.sop import Sop, load_default_sop
from bot.domain.workflow import (
    Action,
    Actor,
    Decision,
    ItemState,
    ItemStatus,
    NotYourDraft,
    OwnDesign,
    decide,
)
from tests import office

KOORDINATOR = office.KOORDINATOR.actor  # the office of tests/office.py
KOORDINATOR_2 = Actor(8, "Yanti", frozenset({"koordinator"}))
KASUBBAG = office.KASUBBAG.actor
OPERATOR = office.OPERATOR.actor
# a member with two roles: uploads pages as operator, reviews as kasubbag
BOTH = Actor(7, "Ani", frozenset({"operator", "kasubbag"}))


@pytest.fixture(scope="module")
def sop() -> Sop:
    return load_default_sop()


def at_check(designer: Actor, uploaders: frozenset[int]) -> ItemState:
    return ItemState(
        ItemStatus.ACTIVE, "periksa", 1, designer.user_id, KOORDINATOR.user_id, uploaders
    )


def approve(item: ItemState) -> Decision:
    return Decision(Action.APPROVE, item.step_key, item.version)


def test_a_member_who_uploaded_a_page_a_colleague_handed_in_cannot_approve_it(sop: Sop) -> None:
    item = at_check(designer=OPERATOR, uploaders=frozenset({OPERATOR.user_id, BOTH.user_id}))

    with pytest.raises(OwnDesign):
        decide(sop, item, BOTH, approve(item))


def test_a_member_who_handed_in_pages_a_colleague_uploaded_cannot_approve_them(sop: Sop) -> None:
    item = at_check(designer=BOTH, uploaders=frozenset({OPERATOR.user_id}))

    with pytest.raises(OwnDesign):
        decide(sop, item, BOTH, approve(item))


def test_a_member_with_no_part_in_the_version_may_approve_it(sop: Sop) -> None:
    item = at_check(designer=OPERATOR, uploaders=frozenset({OPERATOR.user_id}))

    assert decide(sop, item, BOTH, approve(item)).to_step == "setuju"


def test_a_second_koordinator_cannot_hand_in_a_colleagues_draft(sop: Sop) -> None:
    draft = ItemState(ItemStatus.DRAFT, None, 0, None, KOORDINATOR.user_id)

    with pytest.raises(NotYourDraft) as refused:
        decide(sop, draft, KOORDINATOR_2, Decision(Action.SUBMIT_MATERIAL, None, None))

    assert refused.value.creator_id == KOORDINATOR.user_id
    assert refused.value.required_roles == sop.cancellers
    # the creator and the kasubbag (who may cancel it) still may
    for actor in (KOORDINATOR, KASUBBAG):
        decide(sop, draft, actor, Decision(Action.SUBMIT_MATERIAL, None, None))
