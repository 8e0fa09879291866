"""SOP time limits ("mutu baku: waktu") as values: 30 minutes, 2 hours, 1 working day.

How a limit reads to people is the catalog's (`bot.texts.fmt_limit`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class LimitUnit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    WORKING_DAYS = "working_days"


_UNIT_WORDS: dict[str, LimitUnit] = {
    "m": LimitUnit.MINUTES,
    "min": LimitUnit.MINUTES,
    "menit": LimitUnit.MINUTES,
    "minutes": LimitUnit.MINUTES,
    "h": LimitUnit.HOURS,
    "jam": LimitUnit.HOURS,
    "hours": LimitUnit.HOURS,
    "wd": LimitUnit.WORKING_DAYS,
    "hari kerja": LimitUnit.WORKING_DAYS,
    "working days": LimitUnit.WORKING_DAYS,
    "working day": LimitUnit.WORKING_DAYS,
}

_LIMIT_RE = re.compile(r"^\s*(\d+)\s*([a-z ]+?)\s*$")


@dataclass(frozen=True, slots=True)
class Limit:
    """A step's time limit, counted in office working time."""

    amount: int
    unit: LimitUnit

    @classmethod
    def parse(cls, text: str) -> Limit:
        """Read '30m', '30 menit', '2 jam', '1 hari kerja', '1wd'; raise ValueError otherwise."""
        match = _LIMIT_RE.match(text.lower())
        unit = _UNIT_WORDS.get(match.group(2)) if match else None
        if match is None or unit is None or int(match.group(1)) <= 0:
            raise ValueError(
                f"unknown time limit {text!r} (write e.g. '30 menit', '2 jam', '1 hari kerja')"
            )
        return cls(int(match.group(1)), unit)

    def as_text(self) -> str:
        """The canonical short form stored in the database, e.g. '30m' or '1wd'."""
        suffix = {LimitUnit.MINUTES: "m", LimitUnit.HOURS: "h", LimitUnit.WORKING_DAYS: "wd"}
        return f"{self.amount}{suffix[self.unit]}"
