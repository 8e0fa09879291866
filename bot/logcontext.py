"""What a log line is about: the member whose update is being handled and the item the work
concerns, carried in context variables so any line logged meanwhile names them (bot/logs.py
writes them). Standard library only: the processor, the sender and the service's item reads
bind them without knowing how lines are written.

Each update is handled in a task of its own (PTB's processor), and each outbox row in its
lane's task, so what one binds never shows on another's lines; `scope` ends a binding where a
task handles one thing after another (the sender's rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_MEMBER: ContextVar[int | None] = ContextVar("log_member", default=None)
_ITEM: ContextVar[str | None] = ContextVar("log_item", default=None)
_UPDATE: ContextVar[int | None] = ContextVar("log_update", default=None)


def bind_item(code: str) -> None:
    """The item the work in hand concerns (until the task ends or its scope closes)."""
    _ITEM.set(code)


def bind_member(user_id: int | None) -> None:
    _MEMBER.set(user_id)


def current() -> dict[str, int | str]:
    """The bound values, by the names a log line gives them (absent ones left out)."""
    found: dict[str, int | str] = {}
    if (update := _UPDATE.get()) is not None:
        found["update"] = update
    if (member := _MEMBER.get()) is not None:
        found["member"] = member
    if (item := _ITEM.get()) is not None:
        found["item"] = item
    return found


@contextmanager
def scope(
    *, update: int | None = None, member: int | None = None, item: str | None = None
) -> Iterator[None]:
    """Bind these for the block (None: nothing bound), then put back what was bound before."""
    tokens = (_UPDATE.set(update), _MEMBER.set(member), _ITEM.set(item))
    try:
        yield
    finally:
        _ITEM.reset(tokens[2])
        _MEMBER.reset(tokens[1])
        _UPDATE.reset(tokens[0])
