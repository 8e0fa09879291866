"""The Bot API over aiohttp: python-telegram-bot's `BaseRequest` (its documented seam for a
transport), in place of its default `HTTPXRequest`, which costs about three times the CPU per
call and more as calls overlap (docs/performance.md). `[telegram] http = "httpx"` gives PTB's
own back (bot/health/requests.py builds either).

It behaves as `HTTPXRequest` does, for PTB to see no difference:
- the same body: form fields (each value as PTB encoded it), multipart when files go along;
  GET for file downloads;
- the same timeouts, per call or else this instance's (PTB's `DEFAULT_NONE`): connect, pool
  (waiting for a free connection), read (between bytes of the answer), write (each write of
  the body; uploads get `media_write_timeout`);
- the same errors: a timeout raises `TimedOut`, anything else on the way `NetworkError`; an
  answer of any status is returned as it came, for PTB to turn into its exception;
- the same trust: certifi's certificates (httpx's), and a proxy from HTTPS_PROXY/ALL_PROXY.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from typing import Any, cast
from urllib.request import getproxies

import aiohttp
import certifi
from aiohttp.abc import AbstractStreamWriter
from aiohttp.payload import Payload, get_payload
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# httpx writes a file name as HTML5 forms do: '"' and control characters percent-encoded (aiohttp
# then doubles a backslash, as httpx does).
_HTML5_ESCAPES = re.compile(r'["\x00-\x1a\x1c-\x1f]')
_ONE_WRITE = 2**15  # aiohttp's writer waits for the socket only past 64 KiB, headers included


class AiohttpRequest(BaseRequest):
    """One `aiohttp.ClientSession` (made in `initialize`, closed in `shutdown`) with at most
    `connection_pool_size` connections; the defaults are `HTTPXRequest`'s."""

    __slots__ = ("_pool_size", "_session", "_timeouts")

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = _Timeouts(
            read_timeout, write_timeout, connect_timeout, pool_timeout, media_write_timeout
        )
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts.read

    async def initialize(self) -> None:
        if self._session is not None and not self._session.closed:
            return
        connector = aiohttp.TCPConnector(
            limit=self._pool_size,
            ssl=ssl.create_default_context(cafile=certifi.where()),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.USER_AGENT},
            # Proxies from the environment, as httpx takes them; looked up per call only when
            # there are any (the lookup reads the environment each time).
            trust_env=bool(getproxies()),
        )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        given = self._timeouts.given(
            read_timeout, write_timeout, connect_timeout, pool_timeout, uploads
        )
        body: bytes | Payload | None = None
        headers = None
        if uploads:
            assert request_data is not None
            body = _multipart(request_data)
            if given.write is not None:
                body = _WriteBounded(body, given.write)
        elif request_data is not None:
            # A body this small goes to the socket's buffer in one write that never waits.
            body, headers = request_data.url_encoded_parameters().encode(), _FORM
            if given.write is not None and len(body) > _ONE_WRITE:
                body = _WriteBounded(get_payload(body), given.write)
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=given.client_timeout(),
                allow_redirects=False,  # as httpx: an answer is Telegram's, never another's
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error


class _Timeouts:
    __slots__ = ("connect", "media_write", "pool", "read", "write")

    def __init__(
        self,
        read: float | None,
        write: float | None,
        connect: float | None,
        pool: float | None,
        media_write: float | None = None,
    ) -> None:
        self.read, self.write, self.connect, self.pool = read, write, connect, pool
        self.media_write = media_write

    def given(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        uploads: bool,
    ) -> _Timeouts:
        """The call's timeouts: each one PTB passed, else this instance's."""
        default_write = self.media_write if uploads else self.write
        return _Timeouts(
            self.read if isinstance(read, DefaultValue) else read,
            default_write if isinstance(write, DefaultValue) else write,
            self.connect if isinstance(connect, DefaultValue) else connect,
            self.pool if isinstance(pool, DefaultValue) else pool,
        )

    def client_timeout(self) -> aiohttp.ClientTimeout:
        # aiohttp's `connect` covers the wait for a free connection and the connecting
        # itself; `sock_connect` the connecting alone; `sock_read` each read of the answer.
        waiting = None if self.pool is None or self.connect is None else self.pool + self.connect
        return aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=self.connect, sock_read=self.read
        )


def _multipart(request_data: RequestData) -> Payload:
    """The fields and files as httpx sends them (`data=` and `files=`)."""
    form = aiohttp.FormData(quote_fields=False)  # file names in UTF-8, not percent-encoded
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        filename = _HTML5_ESCAPES.sub(lambda m: f"%{ord(m[0]):02X}", filename)
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form()


class _WriteBounded(Payload):
    """A request body each write of which must go out within `timeout` seconds (httpx's write
    timeout; aiohttp has none, and its read timeout starts once the body is sent)."""

    def __init__(self, inner: Payload, timeout: float) -> None:
        super().__init__(inner, headers=inner.headers)
        self._inner = inner
        self._timeout = timeout

    @property
    def size(self) -> int | None:
        return self._inner.size

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self._inner.decode(encoding, errors)

    async def write(self, writer: AbstractStreamWriter) -> None:
        await self._inner.write(_bounded(writer, self._timeout))

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        await self._inner.write_with_length(_bounded(writer, self._timeout), content_length)


def _bounded(writer: AbstractStreamWriter, timeout: float) -> AbstractStreamWriter:
    return cast(AbstractStreamWriter, _BoundedWriter(writer, timeout))


class _BoundedWriter:
    """The request's writer, its writes bounded; anything else is the writer's own."""

    def __init__(self, writer: AbstractStreamWriter, timeout: float) -> None:
        self._writer = writer
        self._timeout = timeout

    async def write(self, chunk: Any, **options: Any) -> None:
        async with asyncio.timeout(self._timeout):
            await self._writer.write(chunk, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._writer, name)
