"""Use cases: each opens one unit of work, applies one workflow move, records the history and
the messages owed, and commits once. No Telegram here: handlers call in with plain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import texts
from bot.domain import workflow
from bot.domain.actions import prompt_for
from bot.domain.names import clean_title, visible_length
from bot.domain.workflow import Action, Actor, Decision, ItemStatus, Transition
from bot.service.base import PromptKind
from bot.service.errors import (
    CardNotForChat,
    CardNotYours,
    InvalidInput,
    ItemNotFound,
    NoDesignFiles,
    NoMaterial,
)
from bot.service.owed import OutboxKind, add_outbox, enqueue_after_transition
from bot.service.payloads import CardJob
from bot.service.rows import draft_version, event_view, item_values, item_view
from bot.service.uploads import DesignUploads
from bot.service.views import FileRef, ItemView
from storage.models import Event, Item, Material, PendingInput
from storage.uow import UnitOfWork

TITLE_MAX = 200
NOTES_MAX = 3000


@dataclass(frozen=True, slots=True)
class Outcome:
    item: ItemView
    transition: Transition


@dataclass(frozen=True, slots=True)
class CardResent:
    item: ItemView
    queued: bool  # False: the same card was already waiting to go to that chat


@dataclass(frozen=True, slots=True)
class Pending:
    kind: str
    item: ItemView | None
    step_key: str | None
    version: int | None


class JdihService(DesignUploads):
    """The use cases; design uploads come from DesignUploads."""

    # --- opening an item -----------------------------------------------------------------

    async def begin_item(self, actor: Actor) -> None:
        """/baru: check the member may open items, then ask for the title."""
        workflow.may_open(self.sop, actor)
        await self._ask(actor.user_id, PromptKind.TITLE, None, None, None)

    async def create_item(self, actor: Actor, title: str) -> ItemView:
        """The title arrived: the item exists as a draft, waiting for its material."""
        title = clean_title(title)
        if not visible_length(title):
            raise InvalidInput(texts.TITLE_INVISIBLE)
        if visible_length(title) < 3 or len(title) > TITLE_MAX:
            raise InvalidInput(texts.TITLE_INVALID.format(limit=TITLE_MAX))
        now = self.clock.now()
        year = now.astimezone(self.calendar.tz).year  # the office's year, not UTC's
        async with UnitOfWork(self.factory) as uow:
            number = await uow.repo.next_number(self.sop.item_prefix, year)
            item = Item(
                code=f"{self.sop.item_prefix}-{year}-{number:04d}",
                title=title,
                status=ItemStatus.DRAFT,
                created_by=actor.user_id,
                created_at=now,
            )
            uow.repo.add(item)
            await uow.repo.flush()
            uow.repo.add(
                self._event(item.id, now, workflow.ITEM_CREATED, actor, None, None, 0, None)
            )
            await uow.repo.set_pending_input(
                PendingInput(
                    user_id=actor.user_id,
                    kind=PromptKind.MATERIAL,
                    item_id=item.id,
                    asked_at=now,
                )
            )
            await uow.commit()
            return item_view(item, self.sop)

    async def add_material(
        self, actor: Actor, item_id: int, *, text: str | None = None, file: FileRef | None = None
    ) -> int:
        """Text, a link or a file for a draft's material; returns how many pieces it has."""
        async with UnitOfWork(self.factory) as uow:
            item = await self._item(uow, item_id)
            if item.status != ItemStatus.DRAFT or item.created_by != actor.user_id:
                raise workflow.InvalidTransition(Action.SUBMIT_MATERIAL, item.status)
            uow.repo.add(
                Material(
                    item_id=item.id,
                    kind=file.kind if file else "text",
                    text=text,
                    file_id=file.file_id if file else None,
                    file_name=file.file_name if file else None,
                    sha256=file.sha256 if file else None,
                    stored_path=file.stored_path if file else None,
                    added_by=actor.user_id,
                    added_at=self.clock.now(),
                )
            )
            await uow.repo.flush()
            count = len(await uow.repo.materials(item.id))
            await uow.commit()
            return count

    async def submit_material(self, actor: Actor, item_id: int) -> Outcome:
        """SOP 1a: the material is handed in; step 1's limit starts now."""

        async def check(uow: UnitOfWork, item: Item) -> None:
            if item.status != ItemStatus.DRAFT:  # a second press: say who handed it in
                raise await self._already_decided(uow, item, None, None)
            if not await uow.repo.materials(item.id):
                raise NoMaterial

        return await self.decide(
            actor, item_id, Decision(Action.SUBMIT_MATERIAL, None, None), precheck=check
        )

    async def submit_design(self, actor: Actor, item_id: int, version: int) -> Outcome:
        """SOP 2c: hand in the draft version's pages for checking."""

        async def check(uow: UnitOfWork, item: Item) -> None:
            if version != draft_version(item):
                raise await self._already_decided(uow, item, self.sop.design_step.key, version)
            if not await uow.repo.design_files(item.id, version):
                raise NoDesignFiles

        # No step on this decision: a version may be handed in at or after the design step.
        return await self.decide(
            actor, item_id, Decision(Action.SUBMIT_DESIGN, None, version - 1), precheck=check
        )

    # --- decisions -----------------------------------------------------------------------

    async def may_act(
        self,
        actor: Actor,
        item_id: int,
        action: Action,
        step_key: str | None = None,
        version: int | None = None,
    ) -> ItemView:
        """May this member take this action on the item now (at the step and version they
        saw)? Asked before asking for notes or a confirmation, so a wrong-role press is
        refused at once instead of after typing."""
        async with UnitOfWork(self.factory) as uow:
            item = await self._item(uow, item_id)
            await self._may_act(uow, item, actor, action, step_key, version)
            return item_view(item, self.sop)

    async def ask_for(
        self,
        actor: Actor,
        item_id: int,
        action: Action,
        step_key: str | None = None,
        version: int | None = None,
    ) -> ItemView:
        """Check the member may take the action, then remember that its text (notes, reason,
        links) comes next."""
        async with UnitOfWork(self.factory) as uow:
            item = await self._item(uow, item_id)
            await self._may_act(uow, item, actor, action, step_key, version)
            now = self.clock.now()
            await uow.repo.set_pending_input(
                PendingInput(
                    user_id=actor.user_id,
                    kind=prompt_for(action),
                    item_id=item.id,
                    step_key=item.step_key,
                    version=item.version,
                    asked_at=now,
                )
            )
            await uow.commit()
            return item_view(item, self.sop)

    async def decide(
        self,
        actor: Actor,
        item_id: int,
        decision: Decision,
        *,
        precheck: Callable[[UnitOfWork, Item], Any] | None = None,
    ) -> Outcome:
        """Apply one decision exactly once, with its history and the messages it owes."""
        now = self.clock.now()
        async with UnitOfWork(self.factory) as uow:
            item = await self._item(uow, item_id)
            if precheck is not None:
                await precheck(uow, item)
            transition = await self._check(uow, item, actor, decision)
            from_version = item.version
            changes = workflow.changes_after(
                self.sop, self.calendar, transition, actor, decision, now
            )
            updated = await uow.repo.update_item_if_rev(item.id, item.rev, item_values(changes))
            if updated is None:
                fresh = await self._item(uow, item_id)
                raise await self._already_decided(uow, fresh, decision.step_key, from_version)
            item = updated
            event = self._event(
                item.id,
                now,
                decision.action,
                actor,
                transition.acting_role,
                transition.from_step,
                transition.version,
                decision.notes,
            )
            if decision.action is Action.APPROVE:
                # the approval is bound to these exact files (checked again before posting)
                files = await uow.repo.design_files(item.id, transition.version)
                event.file_hashes = [row.sha256 or "" for row in files]
            uow.repo.add(event)
            if decision.action is Action.SUBMIT_DESIGN:
                row = await uow.repo.ensure_design_version(item.id, transition.version)
                row.submitted_by, row.submitted_at = actor.user_id, now
            await uow.repo.clear_pending_input(actor.user_id)
            if transition.step_changed or transition.to_step is None:
                # a question about an earlier step, or about a closed item (a cancelled
                # draft has no step to leave), has no answer any more
                await uow.repo.clear_pending_inputs_for_item(item.id)
            await uow.repo.flush()
            await enqueue_after_transition(
                uow.repo,
                self.sop,
                self.directory,
                item,
                transition,
                event_view(event),
                event.id,
                now,
            )
            await uow.commit()
            outcome = Outcome(item_view(item, self.sop), transition)
        self.on_commit()  # the next role's card and the notices are owed; reminders moved
        return outcome

    async def resend_card(self, actor: Actor, item_id: int, chat_id: int) -> CardResent:
        """A reminder's button: the item's current card again, buttons and all, for those
        with a part in the current step and the overseers; once while one is on its way."""
        async with UnitOfWork(self.factory) as uow:
            # the row lock makes two simultaneous presses see each other's queued card
            item = await uow.repo.item(item_id, for_update=True)
            if item is None:
                raise ItemNotFound(str(item_id))
            if item.status != ItemStatus.ACTIVE or item.step_key is None:
                raise await self._already_decided(uow, item, None, None)
            self._check_card_viewer(actor, item, chat_id)
            card = CardJob(item.step_key, item.version)
            waiting = await uow.repo.waiting_outbox(chat_id, OutboxKind.CARD, item.id)
            if any(_same_card(row.payload, card) for row in waiting):
                return CardResent(item_view(item, self.sop), queued=False)
            add_outbox(uow.repo, self.clock.now(), chat_id, item.id, card)
            await uow.commit()
            resent = CardResent(item_view(item, self.sop), queued=True)
        self.on_commit()  # the card is owed
        return resent

    def _check_card_viewer(self, actor: Actor, item: Item, chat_id: int) -> None:
        """The card (with its design) is for the role that must act now and the overseers,
        in the presser's own chat or a chat that gets those roles' messages."""
        roles = frozenset({self.sop.step(item.step_key or "").role}) | self.card_watchers
        if not actor.roles & roles:
            raise CardNotYours(item.code, roles)
        if chat_id != actor.user_id and chat_id not in self.directory.chats_for_roles(roles):
            raise CardNotForChat(item.code)

    # --- pending input -------------------------------------------------------------------

    async def pending(self, user_id: int) -> Pending | None:
        async with UnitOfWork(self.factory) as uow:
            row = await uow.repo.pending_input(user_id)
            if row is None:
                return None
            item = await uow.repo.item(row.item_id) if row.item_id is not None else None
            view = item_view(item, self.sop) if item else None
            return Pending(row.kind, view, row.step_key, row.version)

    async def drop_pending(self, user_id: int, item_id: int | None = None) -> bool:
        """Forget the question the member was asked (only if it was about `item_id`, when
        given: an old "Batal" must not cancel a newer question); False if none was open."""
        async with UnitOfWork(self.factory) as uow:
            row = await uow.repo.pending_input(user_id)
            if row is None or (item_id is not None and row.item_id != item_id):
                return False
            await uow.repo.clear_pending_input(user_id)
            await uow.commit()
            return True

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _event(
        item_id: int,
        now: Any,
        action: str,
        actor: Actor,
        role: str | None,
        step_key: str | None,
        version: int,
        notes: str | None,
    ) -> Event:
        return Event(
            item_id=item_id,
            at=now,
            action=action,
            actor_id=actor.user_id,
            actor_name=actor.name,
            role=role or ",".join(sorted(actor.roles)),
            step_key=step_key,
            version=version,
            notes=notes,
        )


def _same_card(queued: dict[str, Any], wanted: CardJob) -> bool:
    return bool(queued.get("step") == wanted.step and queued.get("version") == wanted.version)
