"""Opening an item (SOP step 0): /baru asks for the title, the title makes the draft, and the
draft gathers its material until it is handed in (`Decisions.submit_material`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import logcontext, texts
from bot.domain import workflow
from bot.domain.conversation import Question
from bot.domain.names import clean_title, visible_length
from bot.domain.workflow import Action, Actor, ItemStatus
from bot.service import questions
from bot.service.checks import load_item
from bot.service.context import ServiceContext
from bot.service.errors import InvalidInput
from bot.service.rows import history_event, item_view
from bot.service.views import FileRef, ItemView
from storage.models import Item, Material
from storage.uow import UnitOfWork

TITLE_MAX = 200


@dataclass(frozen=True, slots=True)
class MaterialAdded:
    """The draft and how many pieces of material it has now."""

    item: ItemView
    count: int


class ItemOpening:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def begin_item(self, actor: Actor) -> None:
        """/baru: check the member may open items, then ask for the title."""
        workflow.may_open(self.ctx.sop, actor)
        async with UnitOfWork(self.ctx.factory) as uow:
            await questions.ask(uow, actor.user_id, Question.title(), self.ctx.clock.now())
            await uow.commit()

    async def create_item(self, actor: Actor, title: str) -> ItemView:
        """The title arrived: the item exists as a draft, waiting for its material."""
        ctx = self.ctx
        title = clean_title(title)
        if not visible_length(title):
            raise InvalidInput(texts.TITLE_INVISIBLE)
        if visible_length(title) < 3 or len(title) > TITLE_MAX:
            raise InvalidInput(texts.TITLE_INVALID.format(limit=TITLE_MAX))
        now = ctx.clock.now()
        year = now.astimezone(ctx.calendar.tz).year  # the office's year, not UTC's
        async with UnitOfWork(ctx.factory) as uow:
            number = await uow.repo.next_number(ctx.sop.item_prefix, year)
            item = Item(
                code=f"{ctx.sop.item_prefix}-{year}-{number:04d}",
                title=title,
                sop_key=ctx.sop.key,
                status=ItemStatus.DRAFT,
                created_by=actor.user_id,
                created_at=now,
            )
            uow.repo.add(item)
            logcontext.bind_item(item.code)
            await uow.repo.flush()
            uow.repo.add(
                history_event(item.id, now, workflow.ITEM_CREATED, actor, None, None, 0, None)
            )
            await questions.ask(uow, actor.user_id, Question.material(item.id), now)
            await uow.commit()
            return item_view(item, ctx.sop)

    async def add_material(
        self, actor: Actor, item_id: int, *, text: str | None = None, file: FileRef | None = None
    ) -> MaterialAdded:
        """Text, a link or a file for a draft's material."""
        async with UnitOfWork(self.ctx.factory) as uow:
            item = await load_item(uow, item_id)
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
                    added_at=self.ctx.clock.now(),
                )
            )
            await uow.repo.flush()
            count = len(await uow.repo.materials(item.id))
            await uow.commit()
            return MaterialAdded(item_view(item, self.ctx.sop), count)
