"""The sandbox in one asyncio process: the local Bot API server, the real bot polling it with a
manual clock, and the state the web page reads (clock, button-press toasts, a change counter)."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import shutil
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.app import BuildOptions, build_application
from bot.config import Config
from bot.domain.clock import ManualClock
from handlers.context import BotApplication
from localbotapi import LocalBotApi
from localbotapi.state import Signal
from sandbox import office
from sandbox.clockview import ClockStep, clock_json, step_target

log = logging.getLogger(__name__)

MARKER = ".jdih-sandbox"  # only a folder carrying it is ever wiped
LOCK = ".lock"
_WIPED = ("sandbox.db", "sandbox.db-wal", "sandbox.db-shm", "files", "arsip")
ANSWER_WAIT_S = 20.0  # how long a press waits for the bot's answerCallbackQuery (a toast)
POLL_TIMEOUT_S = 1  # getUpdates long poll: short, so stopping never waits long


@dataclass(frozen=True, slots=True)
class Toast:
    id: int
    text: str
    alert: bool


@dataclass(slots=True)
class Options:
    data_dir: Path
    api_port: int = 0  # 0: any free port
    start: datetime | None = None  # office-time start of the clock; None: see office.start_time


@dataclass
class PageState:
    """What only the page needs: when each message appeared on the sandbox clock, toasts."""

    stamps: dict[tuple[int, int], str] = field(default_factory=dict)
    toasts: dict[int, list[Toast]] = field(default_factory=dict)
    stamped_up_to: dict[int, int] = field(default_factory=dict)  # chat -> highest stamped id


def lock_data_dir(data_dir: Path) -> IO[str]:
    """Held while the sandbox runs, so a second one cannot wipe the folder under the first."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / LOCK).open("w", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise RuntimeError(f"another sandbox is running with {data_dir}") from None
    return handle


def check_data_dir(data_dir: Path) -> None:
    """Refuses a non-empty folder the sandbox did not make: it is wiped at every start."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / MARKER).exists() and any(p.name != LOCK for p in data_dir.iterdir()):
        raise RuntimeError(f"{data_dir} is not empty and not a sandbox folder: choose another")


def prepare_data_dir(data_dir: Path) -> None:
    """Each start is a fresh office: the chats live in memory, so an old database's items would
    point at messages nobody can see."""
    check_data_dir(data_dir)
    marker = data_dir / MARKER
    for name in _WIPED:
        path = data_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    marker.write_text("Made by `python -m sandbox`; wiped at every start.\n", encoding="utf-8")


class Sandbox:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.server = LocalBotApi(
            token=office.TOKEN, bot_username=office.BOT_USERNAME, bot_first_name="Bot SOP JDIH"
        )
        self.clock = ManualClock(datetime.now(UTC))
        self.config: Config | None = None
        self.app: BotApplication | None = None
        self.page = PageState()
        self.version = 0
        self.updated = Signal()  # fired whenever :attr:`version` moves
        self.closing = False
        self._fingerprint: tuple[int, ...] = ()
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock: IO[str] | None = None
        self.last_toast_id = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        check_data_dir(self.options.data_dir)
        self._lock = lock_data_dir(self.options.data_dir)
        prepare_data_dir(self.options.data_dir)
        await self.server.start("127.0.0.1", self.options.api_port)
        for person in office.PEOPLE:
            self.server.add_user(person.user_id, person.first_name, last_name=person.last_name)
            # as if each had pressed Start long ago: the bot may write to them first
            self.server.mark_started(person.user_id)
        # the office's channel, the bot an administrator allowed to post and delete
        self.server.add_channel(office.CHANNEL_ID, office.CHANNEL_TITLE, office.CHANNEL_USERNAME)
        self.config = office.build_config(
            self.server.base_url, self.server.base_file_url, self.options.data_dir.resolve()
        )
        start = self.options.start or office.start_time(
            datetime.now(UTC), self.config.calendar, self.config.timezone
        )
        self.clock.set(start)
        self.app = build_application(self.config, BuildOptions(clock=self.clock, rate_limit=False))
        await self.app.initialize()
        # run_polling() would call post_init; driving the parts by hand, we do.
        assert self.app.post_init is not None and self.app.updater is not None
        await self.app.post_init(self.app)
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0.0, timeout=POLL_TIMEOUT_S)
        self._spawn(self._watch())

    async def stop(self) -> None:
        self.closing = True
        self._bump()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        app, self.app = self.app, None
        if app is not None:  # also after a start that failed half way
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
        await self.server.stop()
        if self._lock is not None:
            self._lock.close()  # closing releases the lock
            self._lock = None

    # -------------------------------------------------------------------- changes
    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _bump(self) -> None:
        self.version += 1
        self.updated.fire()

    async def _watch(self) -> None:
        """Turn the fake Telegram's change signal into page versions, and stamp each new
        message with the sandbox time it appeared at (Telegram shows a time per message)."""
        state = self.server.state
        while True:
            self._stamp_new_messages()
            fingerprint = (
                len(state.sent),
                sum(len(m.edits) for m in state.sent),
                sum(chat.next_message_id for chat in state.chats.values()),
                len(state.callback_answers),
            )
            if fingerprint != self._fingerprint:
                self._fingerprint = fingerprint
                self._bump()
            await state.changed.wait(None)

    def _stamp_new_messages(self) -> None:
        stamp = self.clock.now().astimezone(self.timezone).isoformat(timespec="minutes")
        for chat_id, chat in self.server.state.chats.items():
            done = self.page.stamped_up_to.get(chat_id, 0)
            for message_id in chat.messages:
                if message_id > done:
                    self.page.stamps[(chat_id, message_id)] = stamp
            self.page.stamped_up_to[chat_id] = chat.next_message_id - 1

    @property
    def timezone(self) -> ZoneInfo:
        assert self.config is not None
        return self.config.timezone

    # ------------------------------------------------------------ what people do
    async def send_text(self, user_id: int, text: str, reply_to: int | None) -> None:
        await self.server.send_text(user_id, text, reply_to=self._existing(user_id, reply_to))

    async def send_file(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None,
        reply_to: int | None,
    ) -> None:
        """Sent "as a file" (not compressed), so the bot gets the original bytes."""
        await self.server.send_document(
            user_id,
            content,
            file_name,
            mime_type,
            caption=caption or None,
            reply_to=self._existing(user_id, reply_to),
        )

    async def press(self, user_id: int, message_id: int, data: str) -> None:
        query_id = await self.server.press_callback(user_id, message_id, user_id, data)
        self._spawn(self._toast_from_answer(user_id, query_id))

    def move_clock(self, step: ClockStep) -> None:
        assert self.config is not None
        # The bot's scheduler listens to the clock and looks at the reminders again.
        self.clock.set(step_target(step, self.clock.now(), self.config.calendar))
        self._bump()

    def clock_json(self) -> dict[str, object]:
        assert self.config is not None
        return clock_json(self.clock.now(), self.config.calendar, self.timezone)

    def _existing(self, user_id: int, message_id: int | None) -> int | None:
        """A reply target still in the chat (a deleted one is dropped, as Telegram does)."""
        chat = self.server.state.chats.get(user_id)
        if message_id is None or chat is None or message_id not in chat.messages:
            return None
        return message_id

    async def _toast_from_answer(self, user_id: int, query_id: str) -> None:
        try:
            answer = await self.server.wait_for_answer(query_id, timeout=ANSWER_WAIT_S)
        except AssertionError:
            log.warning("the bot did not answer a button press within %ss", ANSWER_WAIT_S)
            return
        text = str(answer.get("text") or "")
        if text:
            self.last_toast_id += 1
            toast = Toast(self.last_toast_id, text, bool(answer.get("show_alert")))
            self.page.toasts.setdefault(user_id, []).append(toast)
            self._bump()
