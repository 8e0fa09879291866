"""The [report] settings: the SOP monitoring report (issue 15)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.config.values import ConfigError
from bot.domain.monitoring import DEFAULT_THRESHOLD
from bot.domain.sop import Sop

# Without a month configured and without a date in the SOP file: the year's first month.
FALLBACK_REVIEW_MONTH = 1


@dataclass(frozen=True, slots=True)
class ReportSettings:
    # % of a step's runs within its time standard for the proposed "Berjalan dengan baik"
    threshold: float = DEFAULT_THRESHOLD
    # Sent without asking: the previous semester's report on the first working day of
    # January and July (the overseer), the reminder to review the SOP with the twelve months'
    # figures in `review_month` (the overseer and the cancellers).
    schedule: bool = True
    review_month: int = FALLBACK_REVIEW_MONTH  # 1-12


def parse_report(table: Mapping[str, Any], sop: Sop | None = None) -> ReportSettings:
    threshold = table.get("threshold", DEFAULT_THRESHOLD)
    if type(threshold) not in (int, float) or not 0 < threshold <= 100:
        raise ConfigError("report.threshold: must be a percentage above 0 and at most 100")
    schedule = table.get("schedule", True)
    if not isinstance(schedule, bool):
        raise ConfigError("report.schedule: must be true or false")
    default = sop.dated.month if sop is not None and sop.dated else FALLBACK_REVIEW_MONTH
    month = table.get("review_month", default)
    if month == 0:  # "0 or empty: the SOP's month", as config.example.toml says
        month = default
    if type(month) is not int or not 1 <= month <= 12:
        raise ConfigError("report.review_month: a month, 1 (January) to 12 (December), or 0")
    return ReportSettings(threshold=float(threshold), schedule=schedule, review_month=month)
