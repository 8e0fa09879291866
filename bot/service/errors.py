"""Refusals of the service layer (beyond the workflow's own), each carrying what the user
needs to hear."""

from __future__ import annotations

from datetime import datetime


class ServiceError(Exception):
    """A request the bot refuses; nothing changed."""


class NotAMember(ServiceError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"user {user_id} is not a configured member")
        self.user_id = user_id


class ItemNotFound(ServiceError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no item {code}")
        self.code = code


class AlreadyDecided(ServiceError):
    """The step (or version) on the button was already decided, by someone named here."""

    def __init__(
        self,
        *,
        action: str | None,
        name: str | None,
        role: str | None,
        at: datetime | None,
        current_step: str | None,
        current_version: int,
        code: str,
        status: str,
        sop_key: str | None = None,
    ) -> None:
        super().__init__(f"{code}: already decided ({action} by {name})")
        self.sop_key = sop_key  # the item's SOP, whose step `current_step` is
        self.action = action
        self.name = name
        self.role = role
        self.at = at
        self.current_step = current_step
        self.current_version = current_version
        self.code = code
        self.status = status


class NoMaterial(ServiceError):
    pass


class NoDesignFiles(ServiceError):
    pass


class NotDesignStep(ServiceError):
    def __init__(self, code: str, step_title: str) -> None:
        super().__init__(f"{code} is not waiting for a design")
        self.code = code
        self.step_title = step_title


class NotOperator(ServiceError):
    pass


class NoItemForUpload(ServiceError):
    pass


class UploadGone(ServiceError):
    pass


class InvalidInput(ServiceError):
    """Text that cannot be used as asked (a too short title, say); the message is the reason."""


class DraftOfAnother(ServiceError):
    """A draft's material is handed in by its creator (or by a role that may cancel it)."""

    def __init__(self, code: str, creator: str, roles: frozenset[str]) -> None:
        super().__init__(f"{code} is {creator}'s draft")
        self.code = code
        self.creator = creator
        self.roles = roles


class PagesOfAnother(ServiceError):
    """Draft pages are deleted by whoever uploaded them; none of these were the presser's."""

    def __init__(self, code: str, version: int, uploaders: tuple[str, ...]) -> None:
        super().__init__(f"{code} v{version}: pages of {', '.join(uploaders)}")
        self.code = code
        self.version = version
        self.uploaders = uploaders


class CardNotForChat(ServiceError):
    """A card is shown in the presser's private chat or a chat that receives that role's cards."""

    def __init__(self, code: str) -> None:
        super().__init__(f"{code}: card not for this chat")
        self.code = code


class SopNotOffered(ServiceError):
    """The SOP chosen at /baru is offered no more (its file was removed, or it was never one
    that publishes): /baru asks again."""

    def __init__(self, key: str) -> None:
        super().__init__(f"SOP {key!r} is not offered for new items")
        self.key = key
