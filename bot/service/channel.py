"""The office's Telegram channel (issue 19): what a decision owes it, and what the sender
records of each post and deletion.

When the kasubbag orders the upload (the SOP's ORDER step) and `[publish.telegram] channel`
is set, the decision's commit owes a posting job (an outbox row for `CHANNEL_CHAT`). The sender
posts the approved files with the approved caption and records each post here, with its t.me
link, in the commit that marks the job done. A post is written as *sending* (no message id)
and committed before each Bot API call: a crash between Telegram's accept and the commit leaves
that row behind, and the next try finds it and does not post again blind; it gives the job
up and tells the kasubbag and the admins to look at the channel (/kirimulang posts it again
when it is not there). Nothing is lost and nothing is posted twice without a person deciding.

A newer version's posts replace the older ones: once they are up, the same commit owes the
deletion of the older posts (REPLACE). A takedown calls `owe_channel_removal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot import texts
from bot.domain.workflow import ItemStatus
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.owed import ARCHIVE_CHAT
from bot.service.payloads import ArchiveJob, ChannelJob, ChannelOp, to_json
from bot.service.views import ChannelView
from storage.channel import ChannelRows
from storage.models import ChannelPost
from storage.repositories import Repository
from storage.uow import UnitOfWork

# The outbox's chat for channel work: no real chat has id -1 (a channel's is -100...), and the
# channel's rows get one lane of their own, in the order they were written.
CHANNEL_CHAT = -1


class PostState(StrEnum):
    SENDING = "sending"  # written before the Bot API call; no message id yet
    LIVE = "live"  # on the channel
    REPLACED = "replaced"  # deleted after a newer version's posts went up
    DELETED = "deleted"  # deleted by a takedown
    GONE = "gone"  # found already deleted by hand when the bot came to delete it


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A message Telegram accepted in the channel."""

    chat_id: int
    message_id: int
    link: str


@dataclass(frozen=True, slots=True)
class PostTarget:
    """A live post the sender is to delete."""

    post_id: int
    chat: int | str  # the channel as the Bot API takes it
    message_id: int
    link: str


def post_link(chat_id: int, username: str | None, message_id: int) -> str:
    """A channel message's t.me link: public channels by name, private ones by their id
    without the -100 (https://t.me/c/<id>/<message>, which only members can open)."""
    if username:
        return f"https://t.me/{username}/{message_id}"
    internal = str(-chat_id).removeprefix("100")
    return f"https://t.me/c/{internal}/{message_id}"


def chat_of(channel: str) -> int | str:
    """The configured channel as the Bot API's chat_id."""
    return int(channel) if channel.lstrip("-").isdigit() else channel


def owe_channel_post(repo: Repository, item_id: int, version: int, now: datetime) -> None:
    """The upload was ordered: the bot owes the channel the approved `version` (written in the
    decision's transaction)."""
    job = ChannelJob(ChannelOp.POST, version)
    repo.owe(now, CHANNEL_CHAT, job.kind, item_id, to_json(job))


async def owe_channel_removal(uow: UnitOfWork, item_id: int, now: datetime) -> int:
    """For the takedown (penurunan): owe, in the caller's unit of work (the caller commits and
    wakes the sender), the deletion of every post of the item on the office's channel.

    The sender deletes each live post when the row's turn comes (after any posting job of the
    item still waiting, whose posts go too); a post already deleted by hand is recorded as gone,
    a deletion Telegram refuses for rights is an alarm to the kasubbag and the admins. A
    posting job of the item given up on is closed, so /kirimulang cannot post it again.
    Returns how many posts are live now (0: nothing is on the channel yet; a job is owed
    anyway when a posting job is still waiting). Owes nothing when there is nothing to do."""
    rows = ChannelRows(uow.repo)
    live = await rows.posts(item_id, [PostState.LIVE, PostState.SENDING])
    waiting = False
    for job in await rows.jobs(CHANNEL_CHAT, item_id):
        if job.payload.get("op") != ChannelOp.POST.value:
            continue
        if job.failed_at is None:
            waiting = True
        else:  # given up: never posted again after a takedown
            await uow.repo.deliver_outbox([job.id], now)
    if live or waiting:
        removal = ChannelJob(ChannelOp.REMOVE)
        uow.repo.owe(now, CHANNEL_CHAT, removal.kind, item_id, to_json(removal))
    return len(live)


async def channel_view(uow: UnitOfWork, item_id: int, version: int) -> ChannelView | None:
    """The channel's part of the item's posting card; None when no channel job was owed."""
    rows = ChannelRows(uow.repo)
    posts = [p for p in await rows.posts(item_id, [PostState.LIVE]) if p.version == version]
    jobs = [
        job
        for job in await rows.jobs(CHANNEL_CHAT, item_id)
        if job.payload.get("op") == ChannelOp.POST.value and job.payload.get("version") == version
    ]
    if not posts and not jobs:
        return None
    return ChannelView(
        tuple(p.link or "" for p in posts),
        pending=any(job.failed_at is None for job in jobs),
        failed=any(job.failed_at is not None for job in jobs),
    )


async def live_links(uow: UnitOfWork, item_id: int, version: int) -> tuple[str, ...]:
    """The item's channel links of `version` recorded so far."""
    posts = await ChannelRows(uow.repo).posts(item_id, [PostState.LIVE])
    return tuple(p.link or "" for p in posts if p.version == version)


class ChannelPublishing:
    """The channel's records, for the sender (each call one commit) and the takedown."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def remove(self, item_id: int) -> int:
        """Owe the deletion of the item's channel posts now (`owe_channel_removal` in a unit
        of work of its own); returns how many are live."""
        async with UnitOfWork(self.ctx.factory) as uow:
            count = await owe_channel_removal(uow, item_id, self.ctx.clock.now())
            await uow.commit()
        self.ctx.on_commit(Committed(owed=True))
        return count

    async def item_label(self, item_id: int) -> tuple[str, str]:
        """The item's code and title, for an alarm."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item = await uow.repo.item(item_id)
        return (item.code, item.title) if item else (str(item_id), "-")

    async def posts(self, item_id: int) -> list[ChannelPost]:
        """Every post of the item ever made, oldest first (tests, /status)."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            states = [state.value for state in PostState]
            return list(await ChannelRows(uow.repo).posts(item_id, states))

    async def begin(self, row_id: int) -> set[int] | None:
        """A posting job's turn: the parts it already posted; None when an earlier try was
        cut off between a call and its record (the row is then given up, its sending marks
        dropped: whether Telegram posted it is for a person to see)."""
        async with UnitOfWork(self.ctx.factory) as uow:
            rows = ChannelRows(uow.repo)
            posts = await rows.of_job(row_id)
            cut = [p.id for p in posts if p.state == PostState.SENDING]
            if not cut:
                return {p.part for p in posts}
            await rows.drop(cut)
            await uow.repo.fail_outbox(row_id, self.ctx.clock.now(), texts.CHANNEL_UNCERTAIN)
            await uow.commit()
            return None

    async def sending(self, row_id: int, item_id: int, version: int, part: int) -> int:
        """Written and committed before the Bot API call that posts `part`."""
        assert self.ctx.channel is not None
        async with UnitOfWork(self.ctx.factory) as uow:
            post = ChannelPost(
                item_id=item_id,
                version=version,
                outbox_id=row_id,
                part=part,
                channel=self.ctx.channel,
                state=PostState.SENDING,
                posted_at=self.ctx.clock.now(),
            )
            uow.repo.add(post)
            await uow.commit()
            return post.id

    async def not_sent(self, marker_id: int) -> None:
        """Telegram refused the call (or it never left): nothing was posted."""
        async with UnitOfWork(self.ctx.factory) as uow:
            await ChannelRows(uow.repo).drop([marker_id])
            await uow.commit()

    async def posted(
        self,
        row_id: int,
        item_id: int,
        version: int,
        part: int,
        marker_id: int,
        messages: list[PostedMessage],
        *,
        last: bool,
    ) -> None:
        """Record the messages a call posted; with `last`, in the same commit: the job done,
        the older versions' posts owed deletion, and (when the operator already reported) the
        links added to the published item, its archive written again."""
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            rows = ChannelRows(uow.repo)
            await rows.drop([marker_id])
            for message in messages:
                uow.repo.add(
                    ChannelPost(
                        item_id=item_id,
                        version=version,
                        outbox_id=row_id,
                        part=part,
                        channel=self.ctx.channel or "",
                        chat_id=message.chat_id,
                        message_id=message.message_id,
                        link=message.link,
                        state=PostState.LIVE,
                        posted_at=now,
                    )
                )
            if last:
                await uow.repo.deliver_outbox([row_id], now)
                await uow.repo.flush()
                await self._after_posting(uow, row_id, item_id, version, now)
            await uow.commit()
        if last:
            self.ctx.on_commit(Committed(owed=True))

    async def _after_posting(
        self, uow: UnitOfWork, row_id: int, item_id: int, version: int, now: datetime
    ) -> None:
        rows = ChannelRows(uow.repo)
        live = await rows.posts(item_id, [PostState.LIVE])
        older = tuple(p.id for p in live if p.outbox_id != row_id)
        if older:  # a newer version is up: the older posts go
            job = ChannelJob(ChannelOp.REPLACE, post_ids=older)
            uow.repo.owe(now, CHANNEL_CHAT, job.kind, item_id, to_json(job))
        item = await uow.repo.item(item_id)
        if item is not None and item.status == ItemStatus.PUBLISHED and item.version == version:
            # the operator reported before the channel post was recorded: the links join now
            links = [p.link or "" for p in live if p.outbox_id == row_id]
            known = list(item.post_links or ())
            joining = [x for x in links if x not in known]
            item.post_links = [*joining, *known]
            # the bot posted them: recorded by no member
            await uow.repo.record_post_links(item_id, version, joining, None, now)
            uow.repo.owe(now, ARCHIVE_CHAT, ArchiveJob.kind, item_id, to_json(ArchiveJob()))

    async def targets(self, item_id: int, job: ChannelJob) -> list[PostTarget]:
        """The live posts a deletion job is to delete."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            rows = ChannelRows(uow.repo)
            if job.op is ChannelOp.REPLACE:
                posts = [p for p in await rows.by_ids(job.post_ids) if p.state == PostState.LIVE]
            else:
                posts = list(await rows.posts(item_id, [PostState.LIVE]))
        return [
            PostTarget(p.id, chat_of(p.channel), p.message_id or 0, p.link or "")
            for p in posts
            if p.message_id is not None
        ]

    async def ended(self, target: PostTarget, item_id: int, state: PostState) -> None:
        """A post was deleted (or found already gone): recorded at once, one commit each. A
        post deleted for a takedown confirms its link on the takedown's removal step."""
        async with UnitOfWork(self.ctx.factory) as uow:
            await ChannelRows(uow.repo).end(target.post_id, state, self.ctx.clock.now())
            await uow.commit()
        if state in (PostState.DELETED, PostState.GONE):
            # imported here: the takedown's use cases decide through Decisions, which owes
            # this module's jobs
            from bot.service.takedowns import Takedowns

            gone = state is PostState.GONE
            await Takedowns(self.ctx).removed_by_bot(item_id, target.link, gone=gone)
