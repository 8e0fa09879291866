"""Dates and periods as Indonesian office staff type them.

"5/12/2026", "05-12-2026", "5 Desember 2026", "5 Des 2026", "2026-12-05", and periods joined
by "-", "–", "s.d.", "s/d", "sampai" or "hingga" ("5 - 12 Desember 2026" borrows the month
and year from its end). Day first, always: "5/12/2026" is the fifth of December.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
}
# Three-letter forms ("Des", "Agu" as well as "Agt") and the common "Okt", "Sept", "Nop".
_SHORT = {name[:3]: number for name, number in MONTHS.items()} | {
    "agt": 8,
    "sept": 9,
    "nop": 11,
}

_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})(?:\s+([a-z]+)\.?(?:\s+(\d{4}))?)?$")
_JOINER = re.compile(r"\s*(?:\bs\.?\s?d\.?|\bs/d\b|\bsampai\b|\bhingga\b|–|—|\s-\s)\s*")


class DateNotUnderstood(ValueError):
    """The text is not a date (or a period) the bot can read; nothing was kept."""


def parse_date(text: str) -> date:
    """One date, with its year."""
    day, month, year = _parts(text)
    if month is None or year is None:
        raise DateNotUnderstood(text)
    return _date(year, month, day, text)


def parse_period(text: str) -> tuple[date, date]:
    """Two dates, both included; a single date is a period of one day."""
    pieces = _JOINER.split(text.strip(), maxsplit=1)
    if len(pieces) == 1:
        one = parse_date(pieces[0])
        return one, one
    end = parse_date(pieces[1])
    day, month, year = _parts(pieces[0])
    start = _date(year or end.year, month or end.month, day, text)
    return start, end


def _parts(text: str) -> tuple[int, int | None, int | None]:
    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    if match := _NUMERIC.match(cleaned):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _ISO.match(cleaned):
        return int(match[3]), int(match[2]), int(match[1])
    if match := _WORDS.match(cleaned):
        month = _month(match[2]) if match[2] else None
        if match[2] and month is None:
            raise DateNotUnderstood(text)
        return int(match[1]), month, int(match[3]) if match[3] else None
    raise DateNotUnderstood(text)


def _month(word: str) -> int | None:
    """A month's name, its usual short form, or a longer start of it ("Desem")."""
    if word in MONTHS or word in _SHORT:
        return MONTHS.get(word) or _SHORT[word]
    starts = {number for name, number in MONTHS.items() if len(word) >= 3 and name.startswith(word)}
    return starts.pop() if len(starts) == 1 else None


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateNotUnderstood(text) from None
