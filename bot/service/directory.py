"""Who is who: the configured members, as workflow actors and as message recipients."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.config import Member
from bot.domain.workflow import Actor


class Directory:
    def __init__(self, members: Iterable[Member], role_chats: Mapping[str, int]) -> None:
        self._members = {member.user_id: member for member in members}
        self._role_chats = dict(role_chats)

    def actor(self, user_id: int) -> Actor | None:
        member = self._members.get(user_id)
        return Actor(member.user_id, member.name, member.roles) if member else None

    def name(self, user_id: int | None) -> str:
        member = self._members.get(user_id) if user_id is not None else None
        return member.name if member else str(user_id)

    def members_with(self, role: str) -> list[Member]:
        return [member for member in self._members.values() if role in member.roles]

    def chats_for_role(self, role: str) -> list[int]:
        """Where a role's cards go: its group chat if it has one, else each member privately."""
        group = self._role_chats.get(role)
        if group is not None:
            return [group]
        return [member.user_id for member in self.members_with(role)]

    def chats_for_roles(self, roles: Iterable[str]) -> list[int]:
        chats: list[int] = []
        for role in roles:
            chats.extend(chat for chat in self.chats_for_role(role) if chat not in chats)
        return chats
