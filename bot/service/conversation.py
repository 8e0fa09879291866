"""The conversation's use cases: a member's text or file, answered in one call. The open
question and the item the message replies to are read, the pure `bot.domain.conversation`
says what the message means, and the matching use case does it; the handler only renders
the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain import conversation
from bot.domain.conversation import Question
from bot.domain.workflow import Actor
from bot.service import questions
from bot.service.context import ServiceContext
from bot.service.decisions import Decided, Decisions
from bot.service.errors import NoItemForUpload
from bot.service.opening import ItemOpening, MaterialAdded
from bot.service.rows import item_view
from bot.service.takedowns import Takedowns, TakedownStarted
from bot.service.uploads import DesignUploads
from bot.service.views import DraftState, FileRef, ItemView
from storage.models import QUESTION_MESSAGE
from storage.uow import UnitOfWork

ChatMessage = tuple[int, int]  # (chat id, message id) of the message replied to


class Downloads(Protocol):
    """Fetching a file from Telegram and checking it (the handler's bot does the fetching):
    each returns the file as stored, or raises the media layer's refusal."""

    async def material(self, file: FileRef) -> FileRef: ...

    async def design(self, file: FileRef) -> FileRef: ...


@dataclass(frozen=True, slots=True)
class Pending:
    """The member's open question, with its item as it is now."""

    kind: str
    item: ItemView | None
    step_key: str | None
    version: int | None


@dataclass(frozen=True, slots=True)
class ItemCreated:
    item: ItemView


@dataclass(frozen=True, slots=True)
class CaptionSet:
    draft: DraftState


@dataclass(frozen=True, slots=True)
class DesignAdded:
    """A page joined the draft; `file` is the page as checked (its size, its kind)."""

    draft: DraftState
    file: FileRef


@dataclass(frozen=True, slots=True)
class UploadParked:
    """The page waits until the operator picks one of `choices` (upload `upload_id`)."""

    upload_id: int
    choices: tuple[ItemView, ...]


TextAnswer = (
    conversation.NothingExpected
    | ItemCreated
    | MaterialAdded
    | CaptionSet
    | Decided
    | TakedownStarted
)
FileAnswer = conversation.TextExpected | MaterialAdded | DesignAdded | UploadParked


class Conversation:
    def __init__(
        self,
        ctx: ServiceContext,
        opening: ItemOpening,
        decisions: Decisions,
        uploads: DesignUploads,
        takedowns: Takedowns | None = None,
    ) -> None:
        self.ctx = ctx
        self.opening = opening
        self.decisions = decisions
        self.uploads = uploads
        self.takedowns = takedowns or Takedowns(ctx)

    async def answer_text(
        self, user_id: int, text: str, *, private: bool, replied_to: ChatMessage | None
    ) -> TextAnswer:
        """A member's text: the answer to the question the bot asked, a draft's caption (in
        reply to the item's message), or nothing the bot waits for. One transaction: the
        question is read and answered (the use case joins it, storage/uow.py), and its commit
        marks the update done, even when nothing was expected."""
        actor = self.ctx.actor(user_id)
        async with UnitOfWork(self.ctx.factory) as uow:
            with uow.shared():
                answer = await self._answer_text(uow, actor, text, private, replied_to)
            await uow.commit()
            return answer

    async def _answer_text(
        self,
        uow: UnitOfWork,
        actor: Actor,
        text: str,
        private: bool,
        replied_to: ChatMessage | None,
    ) -> TextAnswer:
        question, replied_item = await self._read_situation(uow, actor, replied_to, private)
        meaning = conversation.answer_text(
            question, text, private=private, replied_item=replied_item
        )
        if isinstance(meaning, conversation.CreateItem):
            created = await self.opening.create_item(actor, meaning.title, meaning.sop_key)
            return ItemCreated(created)
        if isinstance(meaning, conversation.AddMaterial):
            return await self.opening.add_material(actor, meaning.item_id, text=meaning.text)
        if isinstance(meaning, conversation.SetCaption):
            return CaptionSet(
                await self.uploads.set_caption(actor, meaning.item_id, meaning.caption)
            )
        if isinstance(meaning, conversation.Decide):
            return await self.decisions.decide(
                actor, meaning.item_id, meaning.decision, confirm=True
            )
        if isinstance(meaning, conversation.ExplainTakedown):
            return await self.takedowns.explain(
                actor, meaning.item_id, meaning.reason_key, meaning.text
            )
        return meaning

    async def receive_file(
        self,
        user_id: int,
        file: FileRef,
        *,
        caption: str | None,
        replied_to: ChatMessage | None,
        downloads: Downloads,
    ) -> FileAnswer:
        """A member's file: the draft's material while it is asked for, else a design page
        for the item replied to, the item the operator chose, or their only item at the
        design step (several: the page is parked and the operator picks). A file refused by
        its checks (raised by `downloads`) changes nothing."""
        actor = self.ctx.actor(user_id)
        question, replied_item = await self._situation(actor, replied_to, asked=True)
        meaning = conversation.answer_file(question, caption=caption, replied_item=replied_item)
        if isinstance(meaning, conversation.AddMaterial):
            kept = await downloads.material(file)
            added = await self.opening.add_material(actor, meaning.item_id, file=kept)
            if meaning.text:
                added = await self.opening.add_material(actor, meaning.item_id, text=meaning.text)
            return added
        if isinstance(meaning, conversation.UploadDesign):
            return await self._upload_design(actor, file, meaning, downloads)
        return meaning

    async def _upload_design(
        self,
        actor: Actor,
        file: FileRef,
        meaning: conversation.UploadDesign,
        downloads: Downloads,
    ) -> DesignAdded | UploadParked:
        target = meaning.item_id
        # refused before the download: a member who is no operator, or nothing to design
        candidates = [] if target is not None else await self.uploads.upload_targets(actor)
        if target is None and not candidates:
            raise NoItemForUpload
        checked = await downloads.design(file)
        if target is None and len(candidates) > 1:
            upload_id = await self.uploads.park_upload(actor, checked)
            return UploadParked(upload_id, tuple(candidates))
        target = target if target is not None else candidates[0].id
        draft = await self.uploads.add_design_file(actor, target, checked, meaning.caption)
        return DesignAdded(draft, checked)

    async def _situation(
        self, actor: Actor, replied_to: ChatMessage | None, *, asked: bool
    ) -> tuple[Question | None, int | None]:
        """The member's open question (when it may be answered here) and the item whose
        message they replied to, read in one transaction."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            return await self._read_situation(uow, actor, replied_to, asked)

    @staticmethod
    async def _read_situation(
        uow: UnitOfWork, actor: Actor, replied_to: ChatMessage | None, asked: bool
    ) -> tuple[Question | None, int | None]:
        question = await questions.open_question(uow, actor.user_id) if asked else None
        card = await uow.repo.card_at(*replied_to) if replied_to is not None else None
        return question, card.item_id if card else None

    async def pending(self, user_id: int) -> Pending | None:
        """The member's open question, if any."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            question = await questions.open_question(uow, user_id)
            if question is None:
                return None
            item = await uow.repo.item(question.item_id) if question.item_id else None
            view = item_view(item, self.ctx.sop_of(item.sop_key)) if item else None
            return Pending(question.kind, view, question.step_key, question.version)

    async def drop_pending(self, user_id: int, item_id: int | None = None) -> bool:
        """Forget the question the member was asked (only if it was about `item_id`, when
        given: an old "Batal" must not cancel a newer question); False if none was open.
        The questions about `item_id` asked in their chat lose their buttons ("Batal" was
        pressed on one: the caller takes its buttons off)."""
        async with UnitOfWork(self.ctx.factory) as uow:
            if item_id is not None:
                asked = await uow.repo.live_messages(
                    kind=QUESTION_MESSAGE, chat_id=user_id, item_id=item_id
                )
                for message in asked:
                    message.has_buttons = False
            question = await questions.open_question(uow, user_id)
            dropped = question is not None and item_id in (None, question.item_id)
            if dropped:
                await uow.repo.clear_pending_input(user_id)
            await uow.commit()
            return dropped
