"""The [report] settings: the SOP monitoring report (issue 15)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.config.values import ConfigError
from bot.domain.monitoring import DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class ReportSettings:
    # % of a step's runs within its time standard for the proposed "Berjalan dengan baik"
    threshold: float = DEFAULT_THRESHOLD


def parse_report(table: Mapping[str, Any]) -> ReportSettings:
    threshold = table.get("threshold", DEFAULT_THRESHOLD)
    if type(threshold) not in (int, float) or not 0 < threshold <= 100:
        raise ConfigError("report.threshold: must be a percentage above 0 and at most 100")
    return ReportSettings(threshold=float(threshold))
