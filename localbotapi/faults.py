"""Holding a request: the server has it but does not answer until the test says so; and
failing exactly the requests a test picks.

A hold freezes the bot at a chosen point, for instance inside the sendMessage of a card or
inside a file download, so a test can kill the bot there and see what survives. Two points
matter and differ: ``answered=False`` holds the request before Telegram acts on it (the message
does not exist yet); ``answered=True`` carries it out and holds only the response, which is
the one case where Telegram has done the work but the bot cannot know it.

File downloads (``GET /file/bot<token>/<path>``) are held under the name :data:`DOWNLOAD`,
with ``{"file_path": path}`` as their parameters.

A :class:`Failure` answers the next matching requests with an error instead of carrying them
out, e.g. a 500 on the one reply that confirms a decision while every other message goes
through (``LocalBotApi.fail_next`` fails whatever call of a method comes next).
"""

# The wait takes ``timeout=`` like the Observer's waits, for the same reason.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .errors import ApiError
from .models import JSONDict

DOWNLOAD = "download"  # the name file downloads are held under

Predicate = Callable[[JSONDict], bool]


class Hold:
    """One armed hold: it catches the next ``times`` matching requests and keeps them
    waiting until :meth:`release`. A request whose client goes away (the bot was killed) is
    cancelled with its connection and never answered."""

    def __init__(
        self, method: str, predicate: Predicate | None, *, answered: bool, times: int
    ) -> None:
        if times < 1:
            raise ValueError("a hold catches at least one request")
        self.method = method.lower()
        self.predicate = predicate
        self.answered = answered
        self.held: list[JSONDict] = []  # the params of every request caught, in order
        self._left = times
        self._caught = asyncio.Event()
        self._released = asyncio.Event()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def catches(self, method: str, params: JSONDict) -> bool:
        """Does this request stop here? Each catch uses up one of ``times``."""
        if self._left <= 0 or self.released or method.lower() != self.method:
            return False
        if self.predicate is not None and not self.predicate(params):
            return False
        self._left -= 1
        self.held.append(params)
        self._caught.set()
        return True

    async def wait_held(self, timeout: float = 5.0) -> JSONDict:
        """The params of the first request caught, once one is."""
        try:
            async with asyncio.timeout(timeout):
                await self._caught.wait()
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s: no {self.method} request was held"
            ) from None
        return self.held[0]

    def release(self) -> None:
        """Let every request caught (and any later one) through."""
        self._released.set()

    async def wait_released(self) -> None:
        await self._released.wait()


class Failure:
    """One armed failure: the next ``times`` requests of ``method`` that match ``predicate``
    are answered with ``error`` and not carried out (Telegram did nothing)."""

    def __init__(self, method: str, error: ApiError, predicate: Predicate, *, times: int) -> None:
        if times < 1:
            raise ValueError("a failure answers at least one request")
        self.method = method.lower()
        self.error = error
        self.predicate = predicate
        self.failed: list[JSONDict] = []  # the params of every request failed, in order
        self._left = times

    @property
    def spent(self) -> bool:
        """Every failure asked for was answered."""
        return self._left == 0

    def catches(self, method: str, params: JSONDict) -> bool:
        if self._left <= 0 or method.lower() != self.method or not self.predicate(params):
            return False
        self._left -= 1
        self.failed.append(params)
        return True


class Faults:
    """The holds and failures armed on one server, looked up on every request."""

    def __init__(self) -> None:
        self._holds: list[Hold] = []
        self._failures: list[Failure] = []

    def fail(self, method: str, error: ApiError, predicate: Predicate, *, times: int) -> Failure:
        failure = Failure(method, error, predicate, times=times)
        self._failures.append(failure)
        return failure

    def failure_for(self, method: str, params: JSONDict) -> ApiError | None:
        """The error to answer this request with, if an armed failure picks it."""
        for failure in self._failures:
            if failure.catches(method, params):
                return failure.error
        return None

    def hold(
        self,
        method: str,
        predicate: Predicate | None = None,
        *,
        answered: bool = False,
        times: int = 1,
    ) -> Hold:
        hold = Hold(method, predicate, answered=answered, times=times)
        self._holds.append(hold)
        return hold

    def release_all(self) -> None:
        for hold in self._holds:
            hold.release()

    async def pause(self, method: str, params: JSONDict, *, answered: bool) -> None:
        """Wait here while a hold of this kind (before or after the work) has the request."""
        for hold in self._holds:
            if hold.answered == answered and hold.catches(method, params):
                await hold.wait_released()
                return
