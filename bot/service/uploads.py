"""Design uploads (SOP step 2): pages of the next version, a caption, files parked until the
operator names their item. Handing the version in is a decision (Decisions.submit_design)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.conversation import Question
from bot.domain.sop import SopPurpose
from bot.domain.workflow import CLOSED_STATUSES, Actor, ItemStatus
from bot.service import questions
from bot.service.checks import already, load_item
from bot.service.context import ServiceContext
from bot.service.errors import NotDesignStep, NotOperator, PagesOfAnother, UploadGone
from bot.service.rows import draft_version, item_view
from bot.service.views import DraftState, FileRef, ItemView
from storage.models import DesignFile, DesignVersion, Item
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ClearedDraft:
    """The presser's pages are gone; `kept` pages uploaded by `kept_by` remain."""

    item: ItemView
    version: int
    kept: int
    kept_by: tuple[str, ...]
    # the receipts (chat, message) that hand nothing in any more, their buttons to take off
    receipts_gone: tuple[tuple[int, int], ...] = ()


class DesignUploads:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def upload_targets(self, actor: Actor) -> list[ItemView]:
        """Items at the design step this operator could upload to (of every SOP whose
        design step is the operator's)."""
        ctx = self.ctx
        mine = {
            sop.key: sop
            for sop in ctx.catalog
            if sop.purpose is SopPurpose.PUBLISH and sop.design_step.role in actor.roles
        }
        if not mine:
            raise NotOperator
        async with UnitOfWork(ctx.factory, read_only=True) as uow:
            keys = sorted({sop.design_step.key for sop in mine.values()})
            items = await uow.repo.items_at(ItemStatus.ACTIVE, keys)
            views = []
            for item in items:
                sop = ctx.sop_of(item.sop_key)
                if sop.key in mine and item.step_key == sop.design_step.key:
                    views.append(item_view(item, sop))
            return views

    async def add_design_file(
        self, actor: Actor, item_id: int, file: FileRef, caption: str | None = None
    ) -> DraftState:
        """A page of the next design version (and the draft's caption, when it came with
        one); the operator submits them all with a button."""
        async with UnitOfWork(self.ctx.factory) as uow:
            item = await self._design_item(uow, actor, item_id)
            version = draft_version(item)
            uow.repo.add(self._design_row(actor, file, item.id, version))
            row = await uow.repo.ensure_design_version(
                item.id, version, caption=caption.strip() if caption else None
            )
            await self._set_design_prompt(uow, actor, item)
            state = await self._draft_state(uow, item, row)
            await uow.commit()
            return state

    async def park_upload(self, actor: Actor, file: FileRef) -> int:
        """Keep a file whose item is not known yet, so nothing is lost while the operator
        picks the item with a button."""
        async with UnitOfWork(self.ctx.factory) as uow:
            row = self._design_row(actor, file, None, None)
            uow.repo.add(row)
            await uow.repo.flush()
            await uow.commit()
            return row.id

    async def assign_upload(self, actor: Actor, upload_id: int, item_id: int) -> DraftState:
        async with UnitOfWork(self.ctx.factory) as uow:
            row = await uow.repo.design_file(upload_id)
            if row is None or row.item_id is not None or row.uploaded_by != actor.user_id:
                raise UploadGone
            item = await self._design_item(uow, actor, item_id)
            row.item_id = item.id
            row.version = draft_version(item)
            design = await uow.repo.ensure_design_version(item.id, row.version)
            await self._set_design_prompt(uow, actor, item)
            state = await self._draft_state(uow, item, design)
            await uow.commit()
            return state

    async def target_item_for_design(self, actor: Actor, item_id: int) -> ItemView:
        """The operator chose an item to upload to ("Unggah desain untuk item ini")."""
        async with UnitOfWork(self.ctx.factory) as uow:
            item = await self._design_item(uow, actor, item_id)
            await self._set_design_prompt(uow, actor, item)
            await uow.commit()
            return item_view(item, self.ctx.sop_of(item.sop_key))

    async def set_caption(self, actor: Actor, item_id: int, caption: str) -> DraftState:
        async with UnitOfWork(self.ctx.factory) as uow:
            item = await self._design_item(uow, actor, item_id)
            version = await uow.repo.ensure_design_version(item.id, draft_version(item))
            version.caption = caption.strip()
            state = await self._draft_state(uow, item, version)
            await uow.commit()
            return state

    async def clear_draft(
        self,
        actor: Actor,
        item_id: int,
        version: int,
        pressed: tuple[int, int] | None = None,
    ) -> ClearedDraft:
        """Delete the presser's own pages of the draft version; a colleague's pages stay
        (forged button data must not let one operator wipe another's work). The receipt
        pressed (chat, message), and every receipt of the version once no page is left,
        loses its buttons: it is not stamped as handed in when a later draft is."""
        async with UnitOfWork(self.ctx.factory) as uow:
            item = await self._design_item(uow, actor, item_id)
            if version != draft_version(item):
                raise already(item, await uow.repo.last_decision(item.id, None, None))
            pages = await uow.repo.design_files(item.id, version)
            others = [page.uploaded_by for page in pages if page.uploaded_by != actor.user_id]
            names = tuple(dict.fromkeys(self.ctx.directory.name(user) for user in others))
            if others and len(others) == len(pages):
                raise PagesOfAnother(item.code, version, names)
            await uow.repo.delete_design_files_of(item.id, version, actor.user_id)
            receipts = await uow.repo.live_messages(kind="ack", item_id=item.id, version=version)
            gone = [r for r in receipts if not others or (r.chat_id, r.message_id) == pressed]
            for receipt in gone:
                receipt.has_buttons = False
            await uow.commit()
            return ClearedDraft(
                item_view(item, self.ctx.sop_of(item.sop_key)),
                version,
                len(others),
                names,
                tuple((r.chat_id, r.message_id) for r in gone),
            )

    async def _design_item(self, uow: UnitOfWork, actor: Actor, item_id: int) -> Item:
        # Lock the item row: pages of one album arrive at once and each may create the
        # draft's design_versions row and replace the operator's pending_inputs row.
        item = await load_item(uow, item_id, for_update=True)
        sop = self.ctx.sop_of(item.sop_key)
        step = item.step_key
        if sop.purpose is not SopPurpose.PUBLISH and item.status not in CLOSED_STATUSES:
            # a takedown has no design: a file sent to its card is not for it
            current = sop.step(step).title if step and sop.has_step(step) else item.status
            raise NotDesignStep(item.code, current)
        if sop.purpose is not SopPurpose.PUBLISH or sop.design_step.role not in actor.roles:
            raise NotOperator
        if item.status in CLOSED_STATUSES:
            # an old brief or receipt of a closed item: say who closed it, not a raw status
            raise already(item, await uow.repo.last_event(item.id))
        if item.status != ItemStatus.ACTIVE or not step or not sop.accepts_design_at(step):
            current = sop.step(step).title if step and sop.has_step(step) else item.status
            raise NotDesignStep(item.code, current)
        return item

    async def _set_design_prompt(self, uow: UnitOfWork, actor: Actor, item: Item) -> None:
        question = Question.design(item.id, item.step_key, draft_version(item))
        await questions.ask(uow, actor.user_id, question, self.ctx.clock.now())

    async def _draft_state(self, uow: UnitOfWork, item: Item, row: DesignVersion) -> DraftState:
        """The draft's pages and caption; `row` is its design_versions row, already loaded."""
        await uow.repo.flush()
        version = draft_version(item)
        files = await uow.repo.design_files(item.id, version)
        photos = sum(1 for f in files if f.kind == "photo")
        paths = tuple(f.stored_path for f in files if f.stored_path)
        return DraftState(
            item_view(item, self.ctx.sop_of(item.sop_key)),
            version,
            len(files),
            row.caption,
            photos,
            paths if len(paths) == len(files) else (),
        )

    def _design_row(
        self, actor: Actor, file: FileRef, item_id: int | None, version: int | None
    ) -> DesignFile:
        return DesignFile(
            item_id=item_id,
            version=version,
            kind=file.kind,
            file_id=file.file_id,
            file_unique_id=file.file_unique_id,
            file_name=file.file_name,
            mime_type=file.mime_type,
            file_size=file.file_size,
            sha256=file.sha256,
            stored_path=file.stored_path,
            width=file.width,
            height=file.height,
            uploaded_by=actor.user_id,
            uploaded_at=self.ctx.clock.now(),
        )
