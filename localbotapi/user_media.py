"""Users sending media and other non-text messages (documents, photos, videos, ...).

Mixed into :class:`~localbotapi.users.UserActions`, which provides ``_post``: storing the
message and queueing the update for the bot.
"""

from __future__ import annotations

from .models import JSONDict
from .state import State


class UserMediaActions:
    """Files, photos, videos, stickers, locations and contacts sent by users."""

    state: State  # provided by LocalBotApi

    def _post(
        self,
        user_id: int,
        content: JSONDict,
        *,
        chat_id: int | None,
        reply_to: int | None,
        media_group_id: str | None = None,
    ) -> JSONDict:
        raise NotImplementedError  # UserActions stores the message and queues the update

    @staticmethod
    def _caption(content: JSONDict, caption: str | None) -> JSONDict:
        if caption:
            content["caption"] = caption
        return content

    async def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
        declared_size: int | None = None,
    ) -> JSONDict:
        """A file sent "as file". ``declared_size`` fakes a bigger file (e.g. 25 MB to hit
        getFile's 20 MB limit) without allocating it; downloads still serve ``content``."""
        stored = self.state.store_file(
            "document", content, size=declared_size, file_name=file_name, mime_type=mime_type
        )
        body = self._caption({"document": stored.as_dict()}, caption)
        return self._post(
            user_id, body, chat_id=chat_id, reply_to=reply_to, media_group_id=media_group_id
        )

    async def send_photo(
        self,
        user_id: int,
        content: bytes,
        *,
        width: int,
        height: int,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
        declared_size: int | None = None,
    ) -> JSONDict:
        """A compressed photo: two PhotoSizes (a 90 px thumbnail and ``width``x``height``),
        both downloading ``content``."""
        sizes = self.state.store_photo(content, width, height, declared_size)
        body = self._caption({"photo": [s.as_dict() for s in sizes]}, caption)
        return self._post(
            user_id, body, chat_id=chat_id, reply_to=reply_to, media_group_id=media_group_id
        )

    async def send_video(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
        width: int = 1280,
        height: int = 720,
        duration: int = 5,
        mime_type: str = "video/mp4",
        declared_size: int | None = None,
    ) -> JSONDict:
        stored = self.state.store_file(
            "video",
            content,
            size=declared_size,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
        )
        body = self._caption({"video": stored.as_dict()}, caption)
        return self._post(
            user_id, body, chat_id=chat_id, reply_to=reply_to, media_group_id=media_group_id
        )

    async def send_sticker(
        self,
        user_id: int,
        *,
        emoji: str = "👍",
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        stored = self.state.store_file(
            "sticker", b"RIFF\x00\x00\x00\x00WEBP", width=512, height=512
        )
        sticker = {
            **stored.as_dict(),
            "type": "regular",
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(user_id, {"sticker": sticker}, chat_id=chat_id, reply_to=reply_to)

    async def send_location(
        self,
        user_id: int,
        latitude: float,
        longitude: float,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        location = {"latitude": latitude, "longitude": longitude}
        return self._post(user_id, {"location": location}, chat_id=chat_id, reply_to=reply_to)

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        *,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        contact: JSONDict = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id:
            contact["user_id"] = contact_user_id
        return self._post(user_id, {"contact": contact}, chat_id=chat_id, reply_to=reply_to)
