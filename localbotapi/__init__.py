"""A local fake of the Telegram Bot API server for end-to-end tests, benchmarks and sandboxes.

The real python-telegram-bot Application polls it over loopback HTTP::

    from localbotapi import LocalBotApi

    async with LocalBotApi(token="123456:TEST-TOKEN", bot_username="jdih_test_bot") as server:
        app = (Application.builder().token(server.token).base_url(server.base_url)
               .base_file_url(server.base_file_url).build())
        ...  # add handlers, then: async with app: await app.start();
             #                     await app.updater.start_polling(poll_interval=0, timeout=1)
        server.add_user(42, "Sari")
        before = len(server.sent)
        await server.send_text(42, "/start")
        reply = await server.wait_for_message(42, contains="Selamat", after=before)
        query_id = await server.press_button(42, reply, "Setujui")
        assert (await server.wait_for_answer(query_id)).get("text")

It answers like Telegram, errors included (``message is not modified``, ``BUTTON_DATA_INVALID``,
``bot can't initiate conversation with a user``, ``query is too old``, ``file is too big`` ...),
and :meth:`LocalBotApi.fail_next` injects 429/5xx/dropped connections (into whatever call
comes next; :meth:`LocalBotApi.fail_when` into exactly the calls a predicate picks).

Modules: :mod:`.server` (HTTP, dispatch, lifecycle), :mod:`.state` (chats, messages, files,
update queue), :mod:`.methods`/:mod:`.media`/:mod:`.updates` (Bot API methods),
:mod:`.users`/:mod:`.user_media` (what users do), :mod:`.observe` (what tests read and wait
for), :mod:`.validation` and :mod:`.formatting` (Telegram's checks and parse modes).

Fidelity notes — where this fake knowingly simplifies or picks one reading of Telegram:

* Text and caption limits count code points after parse_mode parsing; surrounding whitespace
  is trimmed first, as Telegram does. Entity offsets are UTF-16 code units.
* An edit without ``reply_markup`` removes the inline keyboard (Telegram's behaviour).
* A one-item sendMediaGroup is sent as a plain message without ``media_group_id``, as
  Telegram does; 0 or more than 10 items are refused. reply_markup is ignored there.
* Bot-uploaded photos must be real images (Pillow reads the header): else
  ``IMAGE_PROCESS_FAILED``. Both PhotoSizes serve the uploaded bytes unchanged.
* Files given as HTTP URLs fail with "failed to get HTTP URL content" (no internet here).
* Users unknown to :meth:`~LocalBotApi.add_user` are created on their first action
  ("User <id>"); a user who blocked the bot unblocks it by writing to it.
* Group privacy mode is off unless ``LocalBotApi(privacy_mode=True)``.
* Channels (:meth:`LocalBotApi.add_channel`): found by id or @username (case-insensitive); a
  private channel the bot is not in is "chat not found". Posting needs the bot to be an
  administrator with ``can_post_messages``; deleting, ``can_delete_messages`` or (its own post)
  ``can_post_messages``. Posts carry ``sender_chat`` and no ``from``. No ``channel_post``
  updates are sent (a bot is not told of its own posts).
* Webhooks: updates are POSTed one at a time; after ``webhook_attempts`` failed POSTs an
  update is dropped (Telegram keeps trying for hours). Inline messages are not modelled.
"""

from .errors import ApiError
from .models import BotMessage, StoredFile
from .server import LocalBotApi

__all__ = ["ApiError", "BotMessage", "LocalBotApi", "StoredFile"]
