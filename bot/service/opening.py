"""Opening an item (SOP step 0): /baru asks for the title, the title makes the draft, and the
draft gathers its material until it is handed in (`Decisions.submit_material`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import logcontext, texts
from bot.domain import workflow
from bot.domain.conversation import Question
from bot.domain.names import clean_title, visible_length
from bot.domain.sop import Sop
from bot.domain.workflow import Action, Actor, ItemStatus
from bot.service import questions
from bot.service.checks import load_item
from bot.service.context import ServiceContext
from bot.service.errors import InvalidInput, SopNotOffered
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

    def choices(self, actor: Actor) -> tuple[Sop, ...]:
        """/baru: the SOPs a new item may follow (the office's publishing SOPs, a retired one
        never), when the member may open items under at least one of them; NotOpener,
        naming who may, otherwise."""
        offered = self.ctx.catalog.publishing
        if not actor.roles & self.ctx.catalog.openers:
            raise workflow.NotOpener(self.ctx.catalog.openers)
        return offered

    def _chosen(self, actor: Actor, sop_key: str | None) -> Sop:
        """The SOP a new item follows: the one chosen (offered at /baru, and the member one
        of its openers), or the default."""
        catalog = self.ctx.catalog
        sop = catalog.default if sop_key is None else _offered(catalog.publishing, sop_key)
        try:
            workflow.may_open(sop, actor)
        except workflow.NotOpener as exc:
            exc.sop_key = sop.key  # the refusal names the SOP and its openers
            raise
        return sop

    async def begin_item(self, actor: Actor, sop_key: str | None = None) -> None:
        """/baru (and the SOP chosen, when the office offers several): check the member may
        open items under it, then ask for the title."""
        sop = self._chosen(actor, sop_key)
        question = Question.title(sop.key if sop_key is not None else None)
        async with UnitOfWork(self.ctx.factory) as uow:
            await questions.ask(uow, actor.user_id, question, self.ctx.clock.now())
            await uow.commit()

    async def create_item(self, actor: Actor, title: str, sop_key: str | None = None) -> ItemView:
        """The title arrived: the item exists as a draft of its SOP (`sop_key`, chosen at
        /baru; None: the default SOP), waiting for its material."""
        ctx = self.ctx
        sop = self._chosen(actor, sop_key)
        title = clean_title(title)
        if not visible_length(title):
            raise InvalidInput(texts.TITLE_INVISIBLE)
        if visible_length(title) < 3 or len(title) > TITLE_MAX:
            raise InvalidInput(texts.TITLE_INVALID.format(limit=TITLE_MAX))
        now = ctx.clock.now()
        year = now.astimezone(ctx.calendar.tz).year  # the office's year, not UTC's
        async with UnitOfWork(ctx.factory) as uow:
            number = await uow.repo.next_number(sop.item_prefix, year)
            item = Item(
                code=f"{sop.item_prefix}-{year}-{number:04d}",
                title=title,
                sop_key=sop.key,
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
            return item_view(item, sop)

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
            return MaterialAdded(item_view(item, self.ctx.sop_of(item.sop_key)), count)


def _offered(offered: tuple[Sop, ...], key: str) -> Sop:
    for sop in offered:
        if sop.key == key:
            return sop
    raise SopNotOffered(key)  # retired (or gone from the files) since /baru asked
