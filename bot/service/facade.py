"""The one service boundary: the use cases, each holding the same context, composed into the
`Service` the handlers and the wiring use. No Telegram here: callers pass plain values and
get views back; each call is one transaction (or a few, each committed on its own)."""

from __future__ import annotations

from bot.domain.clock import Clock
from bot.domain.sop import Sop
from bot.domain.workflow import Actor
from bot.domain.worktime import WorkCalendar
from bot.service.context import OnCommit, ServiceContext, no_one_to_wake
from bot.service.conversation import Conversation
from bot.service.decisions import Decisions
from bot.service.directory import Directory
from bot.service.message_log import MessageLog
from bot.service.opening import ItemOpening
from bot.service.queries import Reads
from bot.service.uploads import DesignUploads
from storage.uow import SessionFactory


class Service:
    """Opening items, decisions, design uploads, the conversation (a member's next text or
    file), the reads for screens and cards, and the log of sent messages."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.context = ctx
        self.opening = ItemOpening(ctx)
        self.decisions = Decisions(ctx)
        self.uploads = DesignUploads(ctx)
        self.conversation = Conversation(ctx, self.opening, self.decisions, self.uploads)
        self.reads = Reads(ctx)
        self.messages = MessageLog(ctx)

    def actor(self, user_id: int) -> Actor:
        """The member acting; NotAMember for anyone else."""
        return self.context.actor(user_id)


def build_service(
    factory: SessionFactory,
    sop: Sop,
    directory: Directory,
    calendar: WorkCalendar,
    clock: Clock,
    *,
    admins: frozenset[int] = frozenset(),
    on_commit: OnCommit = no_one_to_wake,
) -> Service:
    ctx = ServiceContext(
        factory,
        sop,
        directory,
        calendar,
        clock,
        on_commit=on_commit,
        admins=admins,
    )
    return Service(ctx)
