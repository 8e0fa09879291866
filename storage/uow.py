"""One use case, one transaction: the unit of work hands out repositories on one session."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repository
from storage.roster import RosterRepository

SessionFactory = async_sessionmaker[AsyncSession]


class UnitOfWork:
    """`async with UnitOfWork(factory) as uow: ...; await uow.commit()`; no commit, no change."""

    def __init__(self, factory: SessionFactory) -> None:
        self._factory = factory

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._factory()
        await self.session.begin()
        self.repo = Repository(self.session)
        self.roster = RosterRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None and self.session.in_transaction():
                await self.session.rollback()
        finally:
            # close() ends an uncommitted transaction too (the connection rolls back) but,
            # unlike rollback(), leaves the loaded rows readable for the caller.
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()
