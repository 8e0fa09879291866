"""The SOP state machine: which move is legal for whom, and where it leads. Pure Python.

An item is a draft while its material is gathered, then active at one SOP step at a time, and
ends published or cancelled. Every legal move is listed in `_MOVES` (step kind -> actions); any
other move raises a named `WorkflowError`, so a handler can tell the user exactly why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.domain.actions import ACTION_FACTS
from bot.domain.actions import Action as Action  # re-exported: callers know it from here
from bot.domain.roster import Acting
from bot.domain.sop import Sop, SopPurpose, Step, StepKind
from bot.domain.worktime import WorkCalendar


class ItemStatus(StrEnum):
    DRAFT = "draft"  # the material is being handed in
    ACTIVE = "active"  # at an SOP step
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    # A published item whose post was taken down; and a takedown item that did it.
    TAKEN_DOWN = "taken_down"
    REFUSED = "refused"  # a takedown item refused at one of its approval steps


# The statuses an item never leaves: no step, no move, no reminder.
CLOSED_STATUSES = frozenset(
    {ItemStatus.PUBLISHED, ItemStatus.CANCELLED, ItemStatus.TAKEN_DOWN, ItemStatus.REFUSED}
)


_MOVES: dict[StepKind, frozenset[Action]] = {
    StepKind.DIRECT: frozenset({Action.DIRECT}),
    StepKind.DESIGN: frozenset({Action.SUBMIT_DESIGN}),
    StepKind.REVIEW: frozenset({Action.APPROVE, Action.RETURN}),
    StepKind.ORDER: frozenset({Action.ORDER_UPLOAD}),
    StepKind.POST: frozenset({Action.REPORT_POSTED}),
    StepKind.APPROVAL: frozenset({Action.APPROVE, Action.REFUSE}),
    StepKind.REMOVAL: frozenset({Action.CONFIRM_REMOVED}),
}


def moves_at(kind: StepKind) -> frozenset[Action]:
    """The actions the SOP allows at a step of this kind."""
    return _MOVES[kind]


# The first event of an item's history: it was opened (a draft begins; not a move, so not
# an Action).
ITEM_CREATED = "created"
# A takedown's events beyond the SOP's actions: asked (on the takedown item and on the item
# it takes down), and on the original item its end, taken down or refused.
TAKEDOWN_ASKED = "takedown_asked"
TAKEN_DOWN = "taken_down"
TAKEDOWN_REFUSED = "takedown_refused"


class WorkflowError(Exception):
    """A move the SOP does not allow; nothing changes."""

    # The key of the SOP the refused item follows (set by the service, which knows the
    # item): its steps and roles name the refusal. None: the office's default SOP.
    sop_key: str | None = None


class ItemClosed(WorkflowError):
    def __init__(self, status: ItemStatus) -> None:
        super().__init__(f"item is {status.value}")
        self.status = status


class InvalidTransition(WorkflowError):
    def __init__(self, action: Action, where: str) -> None:
        super().__init__(f"{action.value} is not allowed at {where}")
        self.action = action
        self.where = where


class NotYourStep(WorkflowError):
    def __init__(self, required_roles: frozenset[str]) -> None:
        super().__init__(f"needs one of the roles {sorted(required_roles)}")
        self.required_roles = required_roles


class StaleDecision(WorkflowError):
    """The button belongs to a step or version that is no longer current."""


class OwnDesign(WorkflowError):
    """Nobody approves a design they made themselves."""


class NotOpener(NotYourStep):
    """Only the SOP's openers start a new item (/baru)."""


class NotCanceller(NotYourStep):
    """Only the SOP's cancellers end an item (/batal)."""


class NotYourDraft(NotYourStep):
    """Someone else's draft: only its creator, or a member holding one of `required_roles`
    (the SOP's cancellers, who may end the draft anyway), hands its material in."""

    def __init__(self, creator_id: int, required_roles: frozenset[str]) -> None:
        super().__init__(required_roles)
        self.creator_id = creator_id


class NotCorrector(NotYourStep):
    """Only the SOP's openers ask for a correction (ralat) of a published item."""


class NotPublished(WorkflowError):
    """A correction is asked for an item that is not published (a draft, one still running,
    one cancelled): nothing to correct, or correct it where it is."""

    def __init__(self, status: ItemStatus, step_key: str | None) -> None:
        super().__init__(f"item is {status.value}, not published")
        self.status = status
        self.step_key = step_key


class NotesRequired(WorkflowError):
    def __init__(self, action: Action) -> None:
        super().__init__(f"{action.value} needs notes")
        self.action = action


class SourcesNotConfirmed(WorkflowError):
    """SOP 4b: the approver must confirm the content's sources were checked."""


class LinksRequired(WorkflowError):
    """The operator reports where the content was posted."""


class LinkNotPending(WorkflowError):
    """A takedown's link that is not (or no longer) waiting for its removal to be confirmed."""

    def __init__(self, link: str) -> None:
        super().__init__(f"{link} is not waiting for removal")
        self.link = link


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    name: str
    roles: frozenset[str]  # today's roles, those held as an acting official included
    acting: tuple[Acting, ...] = ()  # the roles held as Plh/Plt, with their appointing letter

    def acting_in(self, role: str | None) -> Acting | None:
        """The appointment under which the actor holds `role`; None for their own role."""
        return next((acting for acting in self.acting if acting.role == role), None)


@dataclass(frozen=True, slots=True)
class ItemState:
    """What the workflow needs to know about an item; the repository builds it from a row."""

    status: ItemStatus
    step_key: str | None
    version: int  # the number of design versions handed in so far
    designer_id: int | None  # who handed in the current version
    created_by: int
    # who uploaded pages of the current version: a member with two roles may upload pages
    # that a colleague hands in, and must not then approve them
    page_uploaders: frozenset[int] = frozenset()
    # What is true of the item for its SOP's step conditions (a takedown's legal reason).
    facts: frozenset[str] = frozenset()
    # A takedown's links whose removal is not confirmed yet, in the post's order.
    links_left: tuple[str, ...] = ()

    def made_by(self, user_id: int) -> bool:
        """Is the current version (partly) this member's own work?"""
        return user_id == self.designer_id or user_id in self.page_uploaders

    def after(self, changes: ItemChanges) -> ItemState:
        """The state once `changes` are stored."""
        return replace(
            self,
            status=changes.status,
            version=changes.version,
            step_key=changes.visit.step_key if changes.visit else self.step_key,
            designer_id=self.designer_id if changes.designer_id is None else changes.designer_id,
        )


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    step_key: str | None  # the step the actor saw (from the button); None for commands
    version: int | None  # the version the actor saw; None when versions do not matter
    notes: str | None = None
    sources_checked: bool = False
    links: tuple[str, ...] = ()
    # REPORT_POSTED: the bot's channel was the only platform (its links are the item's);
    # the service accepts it only for an item the bot posts to the channel
    channel_only: bool = False


@dataclass(frozen=True, slots=True)
class Transition:
    """The outcome of a legal move."""

    action: Action
    acting_role: str
    from_step: str | None
    to_step: str | None  # None once the item is published or cancelled
    status: ItemStatus
    version: int
    returned: bool = False
    # a published item reopened (ralat): its publication is undone until it is posted again
    reopened: bool = False

    @property
    def step_changed(self) -> bool:
        """A new visit of a step begins (a new design version always begins one, even when
        it is handed in while the first review step is already under way)."""
        return self.from_step != self.to_step or self.action is Action.SUBMIT_DESIGN


def may_open(sop: Sop, actor: Actor) -> None:
    """May this member start a new item (/baru)? Raises NotOpener if not."""
    if not actor.roles & sop.openers:
        raise NotOpener(sop.openers)


# --- a takedown (penurunan) of a published item ------------------------------------------


class NotTakedownable(WorkflowError):
    """The item cannot be taken down in its status (not published, or taken down already)."""

    def __init__(self, status: ItemStatus) -> None:
        super().__init__(f"item is {status.value}")
        self.status = status


def may_take_down(sop: Sop, original: ItemStatus, actor: Actor) -> None:
    """May this member ask to take down an item in status `original`, under the takedown
    SOP `sop`? Only its openers, and only a published item."""
    may_open(sop, actor)
    if original is not ItemStatus.PUBLISHED:
        raise NotTakedownable(original)


def takedown_start(sop: Sop, facts: frozenset[str], actor: Actor) -> Transition:
    """A takedown asked: it starts at the first step its reason's facts visit."""
    first = sop.first_step_for(facts)
    return Transition(
        Action.SUBMIT_MATERIAL,
        _acting_role(actor, sop.openers),
        None,
        first.key,
        ItemStatus.ACTIVE,
        0,
    )


def may_act(
    sop: Sop,
    item: ItemState,
    actor: Actor,
    action: Action,
    step_key: str | None = None,
    version: int | None = None,
) -> Transition:
    """May this member take this action on this item now (the step and version are the ones
    the member saw, None when they do not matter)? Raises the reason if not, and returns where
    the move would lead. What the action must carry (notes, links, the sources confirmation)
    is checked by `decide` once it is given."""
    if action is Action.CORRECT:
        return _correct(sop, item, actor)
    if item.status in CLOSED_STATUSES:
        raise ItemClosed(item.status)
    if action is Action.CANCEL:
        return _cancel(sop, item, actor)
    if item.status is ItemStatus.DRAFT:
        return _submit_material(sop, item, actor, action)
    assert item.step_key is not None, "an active item is always at a step"
    step = sop.step(item.step_key)
    if (step_key is not None and step_key != step.key) or (
        version is not None and version != item.version
    ):
        raise StaleDecision(f"item is at {step.key} v{item.version}")
    if action is Action.SUBMIT_DESIGN and step.kind is not StepKind.DESIGN:
        return _revise(sop, item, step, actor)
    if action not in _MOVES[step.kind]:
        raise InvalidTransition(action, step.key)
    if step.role not in actor.roles:
        raise NotYourStep(frozenset({step.role}))
    if action is Action.APPROVE and item.made_by(actor.user_id):
        raise OwnDesign("the designer cannot approve their own design")
    return _advance(sop, item, step, action)


def decide(sop: Sop, item: ItemState, actor: Actor, decision: Decision) -> Transition:
    """Check a decision against the SOP and the item's state; return where it leads."""
    transition = may_act(sop, item, actor, decision.action, decision.step_key, decision.version)
    _check_payload(sop, item, decision)
    return transition


def _check_payload(sop: Sop, item: ItemState, decision: Decision) -> None:
    if ACTION_FACTS[decision.action].notes_required and not (decision.notes or "").strip():
        raise NotesRequired(decision.action)
    if decision.action is Action.APPROVE and not decision.sources_checked:
        if item.step_key is not None and sop.step(item.step_key).confirm_sources:
            raise SourcesNotConfirmed("confirm that the sources were checked")
    if decision.action is Action.REPORT_POSTED and not (decision.links or decision.channel_only):
        raise LinksRequired("report at least one link")
    if decision.action is Action.CONFIRM_REMOVED:
        if len(decision.links) != 1:
            raise LinksRequired("confirm one link at a time")
        if decision.links[0] not in item.links_left:
            raise LinkNotPending(decision.links[0])


def _advance(sop: Sop, item: ItemState, step: Step, action: Action) -> Transition:
    if action is Action.RETURN:
        assert step.return_to is not None, "checked when the SOP was loaded"
        return Transition(
            action,
            step.role,
            step.key,
            step.return_to,
            ItemStatus.ACTIVE,
            item.version,
            returned=True,
        )
    if action is Action.REFUSE:  # the takedown ends here, refused
        return Transition(action, step.role, step.key, None, ItemStatus.REFUSED, item.version)
    if action is Action.CONFIRM_REMOVED and len(item.links_left) > 1:
        # one link confirmed, others still posted: the step goes on (the link itself is
        # checked with the decision's payload), its time running; the card is sent again
        # without that link, as a new version of the card, so a copy still on its way when
        # the link was confirmed loses its buttons as a decided step's card would
        version = item.version + 1
        return Transition(action, step.role, step.key, step.key, ItemStatus.ACTIVE, version)
    version = item.version + 1 if action is Action.SUBMIT_DESIGN else item.version
    # a step whose condition the item does not meet is skipped (a takedown for a reason
    # that is not legal does not visit Divisi Hukum)
    following = sop.next_step(step.key, item.facts)
    if following is None:
        return Transition(action, step.role, step.key, None, end_status(sop), version)
    return Transition(action, step.role, step.key, following.key, ItemStatus.ACTIVE, version)


def end_status(sop: Sop) -> ItemStatus:
    """Where an item that passed its SOP's last step ends: published, or taken down."""
    return ItemStatus.TAKEN_DOWN if sop.purpose is SopPurpose.TAKEDOWN else ItemStatus.PUBLISHED


def _revise(sop: Sop, item: ItemState, step: Step, actor: Actor) -> Transition:
    """A new design handed in after the design step: whatever was approved was approved for
    other files, so review starts again at the step after the design step."""
    if not sop.accepts_design_at(step.key):
        raise InvalidTransition(Action.SUBMIT_DESIGN, step.key)
    design = sop.design_step
    if design.role not in actor.roles:
        raise NotYourStep(frozenset({design.role}))
    following = sop.next_step(design.key)
    return Transition(
        Action.SUBMIT_DESIGN,
        design.role,
        step.key,
        following.key if following else None,
        ItemStatus.ACTIVE if following else ItemStatus.PUBLISHED,
        item.version + 1,
    )


def _submit_material(sop: Sop, item: ItemState, actor: Actor, action: Action) -> Transition:
    if action is not Action.SUBMIT_MATERIAL:
        raise InvalidTransition(action, "draft")
    # Same-role colleagues do not hand in each other's drafts; those who may cancel the
    # draft (the kasubbag in the default SOP) may also hand it in for its creator.
    if actor.user_id != item.created_by and not actor.roles & sop.cancellers:
        raise NotYourDraft(item.created_by, sop.cancellers)
    return Transition(
        action,
        _acting_role(actor, sop.openers | sop.cancellers),
        None,
        sop.first_step.key,
        ItemStatus.ACTIVE,
        item.version,
    )


def _cancel(sop: Sop, item: ItemState, actor: Actor) -> Transition:
    if not actor.roles & sop.cancellers:
        raise NotCanceller(sop.cancellers)
    return Transition(
        Action.CANCEL,
        _acting_role(actor, sop.cancellers),
        item.step_key,
        None,
        ItemStatus.CANCELLED,
        item.version,
    )


def _correct(sop: Sop, item: ItemState, actor: Actor) -> Transition:
    """Ralat: a published item goes back to the SOP's design step for a corrected version,
    then through review, approval, the order and the posting again, as the SOP runs."""
    if item.status is not ItemStatus.PUBLISHED:
        raise NotPublished(item.status, item.step_key)
    if not actor.roles & sop.openers:
        raise NotCorrector(sop.openers)
    return Transition(
        Action.CORRECT,
        _acting_role(actor, sop.openers),
        None,
        sop.design_step.key,
        ItemStatus.ACTIVE,
        item.version,
        reopened=True,
    )


def _acting_role(actor: Actor, allowed: frozenset[str]) -> str:
    return sorted(actor.roles & allowed)[0] if actor.roles & allowed else "-"


# --- what a legal move changes on the item ------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepVisit:
    """A new visit of a step: when it started, its limit, when it falls due and when the first
    reminder is owed. All None once the item leaves its last step (published or cancelled)."""

    step_key: str | None
    started_at: datetime | None
    limit: str | None  # the limit as the SOP wrote it ("30 menit"), kept for the history
    due_at: datetime | None
    remind_at: datetime | None


@dataclass(frozen=True, slots=True)
class ItemChanges:
    """What a transition changes on an item; None fields stay as they are."""

    status: ItemStatus
    version: int
    visit: StepVisit | None = None  # None: the item stays on its step
    closed_at: datetime | None = None
    direction: str | None = None
    designer_id: int | None = None
    post_links: tuple[str, ...] | None = None
    reopened: bool = False  # the publication is undone (ralat): `closed_at` is emptied


def changes_after(
    sop: Sop,
    calendar: WorkCalendar,
    transition: Transition,
    actor: Actor,
    decision: Decision,
    now: datetime,
) -> ItemChanges:
    """Apply a legal move: the item's status, step, due time, reminder time, designer,
    direction and links once `actor`'s `decision` took effect at `now`."""
    visit = _visit(sop, calendar, transition.to_step, now) if transition.step_changed else None
    action = decision.action
    return ItemChanges(
        status=transition.status,
        version=transition.version,
        visit=visit,
        closed_at=now if transition.to_step is None else None,
        direction=decision.notes if action is Action.DIRECT else None,
        designer_id=actor.user_id if action is Action.SUBMIT_DESIGN else None,
        post_links=tuple(decision.links) if action is Action.REPORT_POSTED else None,
        reopened=transition.reopened,
    )


def step_visit(sop: Sop, calendar: WorkCalendar, key: str, now: datetime) -> StepVisit:
    """A visit of step `key` beginning at `now` (a takedown's first step, when it is asked)."""
    return _visit(sop, calendar, key, now)


def _visit(sop: Sop, calendar: WorkCalendar, key: str | None, now: datetime) -> StepVisit:
    step = sop.step(key) if key else None
    if step is None:
        return StepVisit(None, None, None, None, None)
    if step.limit is None:
        return StepVisit(step.key, now, None, None, None)
    due = calendar.due_at(now, step.limit)
    # the first reminder is owed when the step falls due, in office hours
    return StepVisit(step.key, now, step.limit.as_text(), due, calendar.next_opening(due))
