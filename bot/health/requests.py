"""Every Bot API call, watched at PTB's request seam: a failure is counted by method and kind
(the kinds are the exceptions PTB raises for that answer), and each getUpdates answer tells
/healthz that Telegram was heard from. Nothing else changes: the call, its answer and its
error are the wrapped request's.

PTB's `BaseRequest.post` is final; `do_request` is the documented place to hook in (it is
what a custom request implements), so the answer is classified here by its status code, the
way `BaseRequest._request_wrapper` turns it into an exception.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.delivery.http import AiohttpRequest
from bot.health.metrics import Metrics

# PTB's ApplicationBuilder defaults: many connections for sending, one for long polling.
SEND_POOL = 256
POLL_POOL = 1


class ObservedRequest(BaseRequest):
    def __init__(self, inner: BaseRequest, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    @classmethod
    def pair(
        cls,
        metrics: Metrics,
        http: str,
        given: BaseRequest | None = None,
        *,
        polling: bool = True,
    ) -> tuple[BaseRequest, BaseRequest]:
        """The requests for sending and for getUpdates, each observed: of the transport
        `[telegram] http` names, sized as PTB's builder sizes its own (or the one a test
        gave). A webhook bot never calls getUpdates: it sends with one request only."""
        if given is not None:
            observed = cls(given, metrics)
            return observed, observed
        sending = cls(transport(http, SEND_POOL), metrics)
        if not polling:
            return sending, sending
        return sending, cls(transport(http, POLL_POOL), metrics)

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1] if method == "POST" else "download"
        try:
            code, payload = await self._inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except TimedOut:
            self._metrics.api_failed(name, "timed_out")
            raise
        except Exception:
            self._metrics.api_failed(name, "network")
            raise
        if HTTPStatus.OK <= code <= 299:
            if name == "getUpdates":
                self._metrics.polled()
        else:
            self._metrics.api_failed(name, error_kind(code, payload))
        return code, payload


def transport(http: str, pool_size: int = SEND_POOL) -> BaseRequest:
    """A request of the transport `[telegram] http` names, unobserved."""
    if http == "httpx":
        return HTTPXRequest(connection_pool_size=pool_size)  # exactly what PTB would build
    return AiohttpRequest(connection_pool_size=pool_size)


_KINDS = {400: "bad_request", 401: "invalid_token", 403: "forbidden", 404: "invalid_token"}
_KINDS[409] = "conflict"


def error_kind(code: int, payload: bytes) -> str:
    """What PTB will raise for this answer, as a label."""
    try:
        parameters = json.loads(payload).get("parameters") or {}
    except (ValueError, AttributeError):
        parameters = {}
    if isinstance(parameters, dict) and parameters.get("retry_after"):
        return "retry_after"
    if isinstance(parameters, dict) and parameters.get("migrate_to_chat_id"):
        return "chat_migrated"
    return _KINDS.get(code, "server_error" if code >= 500 else f"http_{code}")
