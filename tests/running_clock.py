"""A hand-set clock that also runs, like the system clock, from wherever it was last set.

Moving a ManualClock tells the reminder scheduler, which looks again at once: the look happens
because the clock moved. What the scheduler must do by itself at a given moment (the day
change at the office's midnight) is shown only by a clock that reaches that moment on its own:
the test sets it a second or two before, and waits those seconds."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from bot.domain.clock import ManualClock


class RunningClock(ManualClock):
    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._mark = time.monotonic()

    def now(self) -> datetime:
        return super().now() + timedelta(seconds=time.monotonic() - self._mark)

    def set(self, instant: datetime) -> None:
        self._mark = time.monotonic()
        super().set(instant)  # tells the subscribers, as a ManualClock does

    def advance(self, delta: timedelta) -> datetime:
        self.set(self.now() + delta)
        return self.now()
