"""What every use case shares: the service's parts, who is acting, finding an item, asking a
member a question, and telling a member who already decided."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.domain import workflow
from bot.domain.actions import PromptKind as PromptKind  # re-exported: its old home
from bot.domain.clock import Clock
from bot.domain.sop import Sop
from bot.domain.workflow import Action, Actor, Decision, ItemStatus, Transition
from bot.domain.worktime import WorkCalendar
from bot.service.directory import Directory
from bot.service.errors import AlreadyDecided, DraftOfAnother, ItemNotFound, NotAMember
from bot.service.rows import item_state
from storage.models import Event, Item, PendingInput
from storage.uow import SessionFactory, UnitOfWork


def _nothing() -> None:
    """No one to wake: a service without a sender (a test of the service alone)."""


class ServiceBase:
    def __init__(
        self,
        factory: SessionFactory,
        sop: Sop,
        directory: Directory,
        calendar: WorkCalendar,
        clock: Clock,
        *,
        reminded_roles: Iterable[str] = (),
        on_commit: Callable[[], None] = _nothing,
    ) -> None:
        self.factory = factory
        # Called right after a commit that owed messages or moved a reminder: the wiring
        # wakes the outbox sender and the reminder scheduler with it. A plain callable, so
        # the service knows nothing of delivery, and no handler has to remember it.
        self.on_commit = on_commit
        self.sop = sop
        self.directory = directory
        self.calendar = calendar
        self.clock = clock
        # Who may see any active item's card besides the role at its step: the SOP's
        # overseer and the roles the reminders go to ("responsible" is the step's own role).
        watchers = {role for role in reminded_roles if role in sop.roles}
        if sop.overseer is not None:
            watchers.add(sop.overseer)
        self.card_watchers = frozenset(watchers)

    def actor(self, user_id: int) -> Actor:
        actor = self.directory.actor(user_id)
        if actor is None:
            raise NotAMember(user_id)
        return actor

    async def _ask(
        self, user_id: int, kind: str, item_id: int | None, step: str | None, version: int | None
    ) -> None:
        async with UnitOfWork(self.factory) as uow:
            await uow.repo.set_pending_input(
                PendingInput(
                    user_id=user_id,
                    kind=kind,
                    item_id=item_id,
                    step_key=step,
                    version=version,
                    asked_at=self.clock.now(),
                )
            )
            await uow.commit()

    async def _item(self, uow: UnitOfWork, item_id: int) -> Item:
        item = await uow.repo.item(item_id)
        if item is None:
            raise ItemNotFound(str(item_id))
        return item

    async def _check(
        self, uow: UnitOfWork, item: Item, actor: Actor, decision: Decision
    ) -> Transition:
        """The workflow's answer to a decision, with what it carries."""
        state = await self._state(uow, item, decision.action)
        try:
            return workflow.decide(self.sop, state, actor, decision)
        except workflow.WorkflowError as exc:
            step, version = decision.step_key, decision.version
            raise await self._translate(uow, item, exc, step, version) from None

    async def _may_act(
        self,
        uow: UnitOfWork,
        item: Item,
        actor: Actor,
        action: Action,
        step_key: str | None,
        version: int | None,
    ) -> None:
        """The workflow's answer to "may this member take this action now?"."""
        state = await self._state(uow, item, action)
        try:
            workflow.may_act(self.sop, state, actor, action, step_key, version)
        except workflow.WorkflowError as exc:
            raise await self._translate(uow, item, exc, step_key, version) from None

    async def _state(self, uow: UnitOfWork, item: Item, action: Action) -> workflow.ItemState:
        uploaders: frozenset[int] = frozenset()
        if action is Action.APPROVE:
            # "own design" covers every page of the version, not only who handed it in
            pages = await uow.repo.design_files(item.id, item.version)
            uploaders = frozenset(page.uploaded_by for page in pages)
        return item_state(item, uploaders)

    async def _translate(
        self,
        uow: UnitOfWork,
        item: Item,
        exc: workflow.WorkflowError,
        step_key: str | None,
        version: int | None,
    ) -> Exception:
        """The refusal to raise for a workflow error: a stale or closed item names who
        decided; someone else's draft names its creator; the rest as they are."""
        if isinstance(exc, workflow.StaleDecision | workflow.ItemClosed):
            return await self._already_decided(uow, item, step_key, version)
        if isinstance(exc, workflow.NotYourDraft):
            name = self.directory.name(exc.creator_id)
            return DraftOfAnother(item.code, name, exc.required_roles)
        return exc

    async def _already_decided(
        self, uow: UnitOfWork, item: Item, step_key: str | None, version: int | None
    ) -> AlreadyDecided:
        if item.status in (ItemStatus.PUBLISHED, ItemStatus.CANCELLED):
            return self._already(item, await uow.repo.last_event(item.id))
        event = await uow.repo.last_decision(item.id, step_key, version)
        return self._already(item, event or await uow.repo.last_event(item.id))

    def _already(self, item: Item, event: Event | None) -> AlreadyDecided:
        return AlreadyDecided(
            action=event.action if event else None,
            name=event.actor_name if event else None,
            role=event.role if event else None,
            at=event.at if event else None,
            current_step=item.step_key,
            current_version=item.version,
            code=item.code,
            status=item.status,
        )
