"""Who is who today: the office's members as workflow actors and as message recipients, and
who the admins are.

It holds a snapshot of the roster (members, roles, leave, acting officials, admins made in
chat) that the people use cases replace after each change, so a new member, a Plh or a new
admin counts at once, without a restart. Who holds a role depends on the day (leave begins and
ends by itself), so each question is asked for the office's current date.

The admins are config.toml's `telegram.admins` (the server's: chat cannot change them) and the
active members made admins in chat (/anggota). Every "is this an admin" asks here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from bot.config import Member
from bot.domain.roster import Holder, Roster, RosterMember
from bot.domain.workflow import Actor


def _no_day() -> date:
    """A directory without a calendar: only right while nobody is on leave (config only)."""
    return date.min


class Directory:
    def __init__(
        self,
        members: Iterable[Member],
        role_chats: Mapping[str, int],
        today: Callable[[], date] = _no_day,
        admins: frozenset[int] = frozenset(),
    ) -> None:
        self._roster = Roster.of(RosterMember(m.user_id, m.name, m.roles) for m in members)
        self._role_chats = dict(role_chats)
        self._today = today
        # config.toml's: they manage the people, members or not, and chat cannot remove them
        self.config_admins = admins
        self._chat_admins = _chat_admins(self._roster)

    def today(self) -> date:
        """The office's current date (who holds a role depends on it)."""
        return self._today()

    def has_role_chat(self, role: str) -> bool:
        return role in self._role_chats

    def may_enter(self, user_id: int) -> bool:
        """Whether the bot works for this person at all: a member, or an admin."""
        return self.is_member(user_id) or self.is_admin(user_id)

    @property
    def admins(self) -> frozenset[int]:
        """Who manages the office's people: config.toml's admins and those made in chat."""
        return self.config_admins | self._chat_admins

    @property
    def chat_admins(self) -> frozenset[int]:
        """The active members made admins in chat (config.toml's aside)."""
        return self._chat_admins

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.config_admins or user_id in self._chat_admins

    def replace(self, roster: Roster) -> None:
        """The people changed: answer from the new roster from now on."""
        self._roster = roster
        self._chat_admins = _chat_admins(roster)

    @property
    def roster(self) -> Roster:
        return self._roster

    def is_member(self, user_id: int) -> bool:
        """Someone the bot works for today (a member on leave is still one)."""
        member = self._roster.members.get(user_id)
        return member is not None and member.active

    def actor(self, user_id: int) -> Actor | None:
        member = self._roster.members.get(user_id)
        if member is None or not member.active:
            return None
        held = self._roster.roles_on(user_id, self._today())
        acting = tuple(holder.acting for holder in held.values() if holder.acting is not None)
        return Actor(member.user_id, member.name, frozenset(held), acting)

    def name(self, user_id: int | None) -> str:
        member = self._roster.members.get(user_id) if user_id is not None else None
        return member.name if member else str(user_id)

    def holders(self, role: str) -> list[Holder]:
        """Who receives the role's cards and may act in it today (acting officials too)."""
        return self._roster.holders(role, self._today())

    def members_with(self, role: str) -> list[RosterMember]:
        return [self._roster.members[holder.user_id] for holder in self.holders(role)]

    def uncovered(self, roles: Iterable[str]) -> list[str]:
        return self._roster.uncovered(roles, self._today())

    def chats_for_role(self, role: str) -> list[int]:
        """Where a role's cards go: its group chat if it has one, else each holder privately
        (a member on leave gets none; their acting official does)."""
        group = self._role_chats.get(role)
        if group is not None:
            return [group]
        return [holder.user_id for holder in self.holders(role)]

    def chats_for_roles(self, roles: Iterable[str]) -> list[int]:
        chats: list[int] = []
        for role in roles:
            chats.extend(chat for chat in self.chats_for_role(role) if chat not in chats)
        return chats


def _chat_admins(roster: Roster) -> frozenset[int]:
    return frozenset(m.user_id for m in roster.members.values() if m.admin and m.active)
