"""LocalBotApi: an in-process fake of the Telegram Bot API HTTP server.

The real python-telegram-bot ``Application`` talks to it over loopback HTTP exactly as to
api.telegram.org (``base_url``/``base_file_url``), while tests drive the user side
(:class:`~localbotapi.users.UserActions`) and inspect what the bot did
(:class:`~localbotapi.observe.Observer`). Everything runs in the caller's asyncio loop.
"""

from __future__ import annotations

import json
import re
from types import TracebackType
from typing import Any

from aiohttp import web

from .channels import ChannelActions
from .errors import ApiError
from .faults import DOWNLOAD, Failure, Faults, Hold, Predicate
from .media import MediaMethods
from .methods import Handler, MessageMethods
from .models import JSONDict
from .observe import Observer
from .params import read_params
from .state import State
from .updates import UpdateMethods
from .users import UserActions

# Big enough for a 50 MB upload plus its form fields; beyond it aiohttp refuses the body,
# which is answered as Telegram's 413.
_CLIENT_MAX_SIZE = 64 * 1024 * 1024
_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SHUTDOWN_TIMEOUT = 1.0  # seconds stop() grants requests still being answered


def _json_response(status: int, body: JSONDict) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def _token_refused(token: str) -> web.Response:
    """Telegram's answers to a token it does not know: 401 when it looks like a token
    (digits:letters), 404 when it does not (e.g. a typo in the base_url's path)."""
    if _TOKEN_SHAPE.fullmatch(token):
        return _json_response(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})


class LocalBotApi(UserActions, ChannelActions, Observer):
    """A fake Telegram for one bot token. See the package docstring for a usage example."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "jdih_test_bot",
        *,
        bot_first_name: str = "JDIH Test Bot",
        callback_query_ttl: float = 15.0,
        privacy_mode: bool = False,
        webhook_attempts: int = 4,
        webhook_retry_delay: float = 0.1,
    ) -> None:
        """``callback_query_ttl``: seconds after a press within which answerCallbackQuery
        works. ``privacy_mode``: in groups the bot only sees commands and replies to it.
        ``webhook_attempts``/``webhook_retry_delay``: POSTs per update before giving up."""
        self.state = State(
            token,
            bot_username,
            bot_first_name,
            callback_query_ttl=callback_query_ttl,
            privacy_mode=privacy_mode,
        )
        self._updates = UpdateMethods(
            self.state, webhook_attempts=webhook_attempts, webhook_retry_delay=webhook_retry_delay
        )
        tables: dict[str, Handler] = {
            **MessageMethods(self.state).table(),
            **MediaMethods(self.state).table(),
            **self._updates.table(),
        }
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): handler for name, handler in tables.items()}
        self._faults: dict[str, list[ApiError]] = {}
        self._holds = Faults()
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port: int | None = None

    # ------------------------------------------------------------ properties
    @property
    def token(self) -> str:
        """The bot token the server accepts (others get 401)."""
        return self.state.token

    @property
    def bot_user(self) -> JSONDict:
        """The bot's User object (what getMe returns, without the capability flags)."""
        return dict(self.state.bot_user)

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        if self.port is None:
            raise RuntimeError("LocalBotApi is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url``; PTB appends ``<token>/<method>``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder.base_file_url``; PTB appends ``<token>/<file_path>``."""
        return f"{self.url}/file/bot"

    @property
    def webhook_url(self) -> str | None:
        """The URL set by setWebhook, or None while the bot polls."""
        hook = self._updates.webhook
        return hook.url if hook else None

    @property
    def webhook_log(self) -> list[tuple[int, int]]:
        """(update_id, HTTP status, 0 = connection error) of every webhook POST."""
        return self._updates.webhook_log

    # ------------------------------------------------------------- lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> LocalBotApi:
        """Listen on ``host:port`` (port 0 picks a free one, then stored in :attr:`port`)."""
        if self._runner is not None:
            raise RuntimeError("LocalBotApi is already started")
        app = web.Application(client_max_size=_CLIENT_MAX_SIZE)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Any other path (a typo in the bot's base_url): Telegram's JSON 404, not aiohttp's text.
        app.router.add_route("*", "/{path:.*}", self._handle_unknown_path)
        # handler_cancellation: a client that gives up (PTB stopping its poll) ends the
        # held long poll instead of leaving it to time out; no access log noise in tests.
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)  # aiohttp sets TCP_NODELAY on its sockets
        await site.start()
        self._runner, self.host = runner, host
        self.port = runner.addresses[0][1]
        self.state.closing = False
        self._updates.start_sender()
        return self

    async def stop(self) -> None:
        """Stop serving; held long polls are answered at once so shutdown never hangs."""
        if self._runner is None:
            return
        self.state.closing = True
        self.state.changed.fire()
        self._holds.release_all()  # nothing held may keep the shutdown waiting
        await self._updates.stop_sender()
        await self._runner.cleanup()
        self._runner = None
        self.port = None

    async def __aenter__(self) -> LocalBotApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---------------------------------------------------------- test control
    def fail_next(self, method: str, error: ApiError, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``error`` instead of running it
        (``ApiError(0, "drop")`` closes the connection without any response)."""
        self._faults.setdefault(method.lower(), []).extend([error] * times)

    def fail_when(
        self, method: str, predicate: Predicate, error: ApiError, *, times: int = 1
    ) -> Failure:
        """Answer the next ``times`` calls of ``method`` whose params match ``predicate``
        with ``error`` instead of running them; other calls go through. ``Failure.failed``
        holds the params of the calls it failed. See :mod:`localbotapi.faults`."""
        return self._holds.fail(method, error, predicate, times=times)

    def hold(
        self,
        method: str,
        predicate: Predicate | None = None,
        *,
        answered: bool = False,
        times: int = 1,
    ) -> Hold:
        """Keep the next ``times`` calls of ``method`` whose params match ``predicate``
        waiting until ``Hold.release()``: before Telegram acts on them, or with
        ``answered=True`` after it did, only the response held. File downloads are held as
        method ``faults.DOWNLOAD``. See :mod:`localbotapi.faults`."""
        return self._holds.hold(method, predicate, answered=answered, times=times)

    def add_file(
        self,
        content: bytes,
        *,
        size: int | None = None,
        kind: str = "document",
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> JSONDict:
        """Store a file the bot may then get by ``file_id`` (the returned object's).
        ``size`` declares a size without allocating it, e.g. to test getFile's 20 MB limit."""
        return self.state.store_file(
            kind, content, size=size, file_name=file_name, mime_type=mime_type
        ).as_dict()

    # ------------------------------------------------------------------ HTTP
    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return _token_refused(request.match_info["token"])
        name = request.match_info["method"]
        is_poll = name.lower() == "getupdates"
        if not is_poll:  # long polls are waiting, not work: they don't count as activity
            self.state.inflight += 1
            self.state.touch()
        try:
            return await self._answer(request, name)
        finally:
            if not is_poll:
                self.state.inflight -= 1
                self.state.touch()

    async def _answer(self, request: web.Request, name: str) -> web.StreamResponse:
        try:
            try:
                params = await read_params(request)
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(413, "Request Entity Too Large") from None
            self.state.requests.append((name, params.decoded))
            if name.lower() == "getupdates":
                # acknowledged on arrival, even if a test holds the poll before Telegram acts
                self.state.note_offset(params.decoded.get("offset"))
            faults = self._faults.get(name.lower())
            if faults:
                raise faults.pop(0)
            picked = self._holds.failure_for(name, params.decoded)
            if picked is not None:
                raise picked
            handler = self._methods.get(name.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            await self._holds.pause(name, params.decoded, answered=False)
            result: Any = await handler(params)
            await self._holds.pause(name, params.decoded, answered=True)
        except ApiError as error:
            self.state.errors.append((name, error.description))
            self.state.changed.fire()
            if error.drops_connection:
                if request.transport is not None:
                    request.transport.close()
                return web.Response()  # never reaches the client
            return _json_response(error.status, error.body())
        return _json_response(200, {"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return _token_refused(request.match_info["token"])
        path = request.match_info["path"]
        await self._holds.pause(DOWNLOAD, {"file_path": path}, answered=False)
        stored = self.state.paths.get(path)
        if stored is None:
            return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        await self._holds.pause(DOWNLOAD, {"file_path": path}, answered=True)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _handle_unknown_path(self, request: web.Request) -> web.StreamResponse:
        return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
