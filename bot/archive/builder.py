"""Building an item's archive record from the database, once it is published, and writing
it with bot.archive.store (SOP: "menyimpan arsip digital")."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from bot import texts
from bot.archive.record import (
    ArchiveCorrection,
    ArchiveDecision,
    ArchivedFile,
    ArchiveError,
    ArchiveLink,
    ArchivePublication,
    ArchiveRecord,
    ArchiveRemoval,
    ArchiveStep,
    ArchiveTakedown,
)
from bot.archive.store import write_archive
from bot.domain.limits import LimitUnit
from bot.domain.sop import Sop
from bot.domain.sop_catalog import SopCatalog, as_catalog
from bot.domain.workflow import ITEM_CREATED, TAKEDOWN_ASKED, Action, ItemStatus
from bot.domain.worktime import WorkCalendar
from storage.models import DesignFile, Event, Material, PostLink
from storage.takedowns import TakedownRepository
from storage.uow import SessionFactory, UnitOfWork

# Events that only open an item; every later event closes the visit of the step it names.
_OPENING = frozenset({ITEM_CREATED})
_TAKEDOWN_OPENING = frozenset({ITEM_CREATED, TAKEDOWN_ASKED})
# An item is archived once published; again once taken down (its files stay).
_ARCHIVED = (ItemStatus.PUBLISHED, ItemStatus.TAKEN_DOWN)


class Archiver:
    def __init__(
        self,
        factory: SessionFactory,
        sops: Sop | SopCatalog,
        calendar: WorkCalendar,
        root: Path,
        office: str,
    ) -> None:
        self.factory = factory
        self.sops = as_catalog(sops)  # each item is archived under its own SOP
        self.calendar = calendar
        self.root = root
        self.office = office

    async def archive(self, item_id: int) -> Path | None:
        """Write the published item's folder; None if it is not (or no longer) published."""
        record = await self.record(item_id)
        if record is None:
            return None
        # Copying and hashing files is blocking work: off the event loop.
        return await asyncio.to_thread(write_archive, self.root, record, self.calendar.tz)

    async def record(self, item_id: int) -> ArchiveRecord | None:
        async with UnitOfWork(self.factory, read_only=True) as uow:
            item = await uow.repo.item(item_id)
            if item is None or item.status not in _ARCHIVED or item.closed_at is None:
                return None
            events = list(await uow.repo.events(item.id))
            materials = await uow.repo.materials(item.id)
            links = list(await uow.repo.post_links(item.id))
            # each published version's approved pages (a corrected item has several)
            published = list(dict.fromkeys(link.version for link in links)) or [item.version]
            design = [
                page
                for number in published
                for page in _archived(await uow.repo.design_files(item.id, number), "desain")
            ]
            version = await uow.repo.design_version(item.id, item.version)
            takedown = (
                await self._takedown(uow, item.id) if item.status == ItemStatus.TAKEN_DOWN else None
            )
        sop = self.sops.of(item.sop_key)
        publications = self._publications(sop, events, links, published, item.closed_at)
        files = design + _archived(materials, "materi")
        sources = [row.text for row in materials if row.text] + [
            f"{texts.ARCHIVE_FILE} {texts.file_label(row.file_name, row.kind)}"
            for row in materials
            if row.file_id
        ]
        return ArchiveRecord(
            code=item.code,
            title=item.title,
            office=self.office,
            sop_number=sop.number,
            published_at=item.closed_at,
            sources=sources,
            decisions=[self._decision(sop, event) for event in events],
            steps=self._steps(sop, events),
            post_links=list(item.post_links or ()),
            files=files,
            caption=version.caption if version else None,
            approved_version=item.version,
            publications=publications,
            first_published_at=publications[0].published_at if publications else None,
            sop_name=sop.name,
            sop_key=sop.key,
            takedown=takedown,
        )

    async def _takedown(self, uow: UnitOfWork, item_id: int) -> ArchiveTakedown | None:
        """The takedown that took the item down: its reason, decisions, steps and links."""
        repo = TakedownRepository(uow.session)
        done = [
            (row, it)
            for row, it in await repo.of_original(item_id)
            if it.status == ItemStatus.TAKEN_DOWN
        ]
        if not done:
            return None
        row, item = done[-1]
        sop = self.sops.of(item.sop_key)
        events = list(await uow.repo.events(item.id))
        asked = events[0] if events else None
        links = await repo.links(item.id)
        return ArchiveTakedown(
            code=item.code,
            sop_number=sop.number,
            status=texts.STATUS_LABELS.get(item.status, item.status),
            reason=row.reason_title,
            legal=row.legal,
            explanation=row.explanation,
            asked_by=asked.actor_name if asked else "-",
            asked_at=asked.at if asked else item.created_at,
            taken_down_at=item.closed_at,
            decisions=[self._decision(sop, event) for event in events],
            steps=self._steps(sop, events, opening=_TAKEDOWN_OPENING),
            links=[
                ArchiveRemoval(link.url, link.removed_at, link.removed_by_name, link.how)
                for link in links
            ],
        )

    def _publications(
        self,
        sop: Sop,
        events: list[Event],
        links: list[PostLink],
        versions: list[int],
        closed_at: datetime,
    ) -> list[ArchivePublication]:
        """Each published version: when it was posted, its links, its approvals, and the
        correction (ralat) asked since the version before it was posted."""
        publications: list[ArchivePublication] = []
        since = None  # the moment the version before was posted
        for number in versions:
            posted = [e for e in events if e.action == Action.REPORT_POSTED and e.version == number]
            at = posted[-1].at if posted else closed_at
            asked = [
                e
                for e in events
                if e.action == Action.CORRECT and (since is None or e.at >= since) and e.at <= at
            ]
            correction = (
                ArchiveCorrection(
                    asked[-1].notes or "",
                    asked[-1].actor_name,
                    sop.role_title(asked[-1].role),
                    asked[-1].at,
                )
                if asked and since is not None
                else None
            )
            publications.append(
                ArchivePublication(
                    version=number,
                    published_at=at,
                    links=[_link(row) for row in links if row.version == number],
                    approvals=[
                        self._decision(sop, e)
                        for e in events
                        if e.action == Action.APPROVE
                        and e.version == number
                        and (since is None or e.at >= since)
                    ],
                    correction=correction,
                )
            )
            since = at
        return publications

    def _decision(self, sop: Sop, event: Event) -> ArchiveDecision:
        step = sop.step(event.step_key) if event.step_key and sop.has_step(event.step_key) else None
        return ArchiveDecision(
            at=event.at,
            name=event.actor_name,
            role=sop.role_title(event.role),
            action=texts.ACTION_LABELS.get(event.action, event.action),
            step=f"{step.ref}. {step.title}" if step else None,
            version=event.version,
            notes=event.notes,
            capacity=event.capacity,
            basis=event.basis,
        )

    def _steps(
        self, sop: Sop, events: list[Event], opening: frozenset[str] = _OPENING
    ) -> list[ArchiveStep]:
        """Each visit of a step runs from the event that opened it to the one that closed it
        (a takedown's link confirmations: the step's visit ends with the last one)."""
        steps: list[ArchiveStep] = []
        events = _last_of_each_run(events)
        for previous, event in pairwise(events):
            if event.action in opening or not event.step_key:
                continue
            if not sop.has_step(event.step_key):
                continue
            step = sop.step(event.step_key)
            limit = step.limit
            minutes = int(
                self.calendar.working_time_between(previous.at, event.at).total_seconds() // 60
            )
            limit_minutes = None
            if limit is not None and limit.unit is not LimitUnit.WORKING_DAYS:
                limit_minutes = limit.amount * (60 if limit.unit is LimitUnit.HOURS else 1)
            steps.append(
                ArchiveStep(
                    key=step.key,
                    title=f"{step.ref}. {step.title}",
                    started_at=previous.at,
                    ended_at=event.at,
                    working_minutes=minutes,
                    limit_minutes=limit_minutes,
                    limit_text=texts.fmt_limit(limit) if limit else None,
                    due_at=self.calendar.due_at(previous.at, limit) if limit else None,
                )
            )
        return steps


def _last_of_each_run(events: list[Event]) -> list[Event]:
    """A takedown's removal step closes with several events (one per link): a visit ends
    with the last of them, so the earlier ones are left out of the timing."""
    kept: list[Event] = []
    for event in events:
        if (
            kept
            and event.action == kept[-1].action == Action.CONFIRM_REMOVED
            and event.step_key == kept[-1].step_key
        ):
            kept[-1] = event
        else:
            kept.append(event)
    return kept


def _archived(rows: Sequence[DesignFile | Material], role: str) -> list[ArchivedFile]:
    """The rows that have a stored copy, as the archive lists them (a design page with its
    version)."""
    return [
        ArchivedFile(
            Path(row.stored_path),
            row.file_name or Path(row.stored_path).name,
            row.sha256,
            role,
            version=row.version if isinstance(row, DesignFile) else None,
        )
        for row in rows
        if row.stored_path and row.sha256
    ]


def _link(row: PostLink) -> ArchiveLink:
    return ArchiveLink(
        url=row.url,
        state=row.state,
        recorded_at=row.recorded_at,
        replaced_at=row.replaced_at,
        replaced_by_version=row.replaced_by_version,
    )


_ERRNO_CAUSES = {
    errno.ENOSPC: texts.CAUSE_NO_SPACE,
    errno.EDQUOT: texts.CAUSE_NO_SPACE,
    errno.EACCES: texts.CAUSE_NO_PERMISSION,
    errno.EPERM: texts.CAUSE_NO_PERMISSION,
    errno.EROFS: texts.CAUSE_NO_PERMISSION,
    errno.ENAMETOOLONG: texts.CAUSE_NAME_TOO_LONG,
    errno.ENOENT: texts.CAUSE_NOT_FOUND,
    errno.ENOTDIR: texts.CAUSE_NOT_A_FOLDER,
    errno.EEXIST: texts.CAUSE_NOT_A_FOLDER,
}


def failure_cause(exc: BaseException) -> str:
    """Why an archive could not be written, as the admins read it (Indonesian, plain text)."""
    if isinstance(exc, ArchiveError):
        if exc.error is None:
            return texts.CAUSE_FILE_CHANGED.format(name=exc.name)
        return texts.CAUSE_FILE.format(name=exc.name, cause=failure_cause(exc.error))
    if isinstance(exc, OSError):
        known = _ERRNO_CAUSES.get(exc.errno or 0)
        return known or texts.CAUSE_FILESYSTEM.format(error=exc.strerror or exc)
    return texts.CAUSE_BUG.format(error=repr(exc))
