"""The office channel's posts (issue 19): reads and writes on `channel_posts` and the channel's
outbox rows, in the caller's unit of work (never a commit here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from storage.models import ChannelPost, OutboxMessage
from storage.repositories import Repository


class ChannelRows:
    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.session = repo.session

    async def posts(self, item_id: int, states: Sequence[str]) -> Sequence[ChannelPost]:
        found = await self.session.execute(
            select(ChannelPost)
            .where(ChannelPost.item_id == item_id, ChannelPost.state.in_(states))
            .order_by(ChannelPost.id)
        )
        return found.scalars().all()

    async def of_job(self, outbox_id: int) -> Sequence[ChannelPost]:
        found = await self.session.execute(
            select(ChannelPost).where(ChannelPost.outbox_id == outbox_id).order_by(ChannelPost.id)
        )
        return found.scalars().all()

    async def by_ids(self, ids: Sequence[int]) -> Sequence[ChannelPost]:
        found = await self.session.execute(
            select(ChannelPost).where(ChannelPost.id.in_(ids)).order_by(ChannelPost.id)
        )
        return found.scalars().all()

    async def drop(self, post_ids: Sequence[int]) -> None:
        await self.session.execute(delete(ChannelPost).where(ChannelPost.id.in_(post_ids)))

    async def end(self, post_id: int, state: str, now: datetime) -> None:
        await self.session.execute(
            update(ChannelPost)
            .where(ChannelPost.id == post_id)
            .values(state=state, ended_at=now)
            .execution_options(synchronize_session=False)
        )

    async def jobs(self, chat_id: int, item_id: int) -> Sequence[OutboxMessage]:
        """The item's channel rows not delivered (waiting, or given up on)."""
        await self.repo.write_owed()
        found = await self.session.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.item_id == item_id,
                OutboxMessage.delivered_at.is_(None),
            )
            .order_by(OutboxMessage.id)
        )
        return found.scalars().all()
