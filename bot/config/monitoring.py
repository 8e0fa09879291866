"""The [monitoring] and [logging] settings: the local health and metrics endpoint (off unless
a port is given), and how log lines are written (plain text or one JSON object a line)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

from bot.config.values import ConfigError, text

LOG_FORMATS = ("text", "json")


@dataclass(frozen=True, slots=True)
class MonitoringSettings:
    port: int | None = None  # None: no endpoint (the default)
    listen: str = "127.0.0.1"  # the address it binds: this machine only unless told otherwise
    # /healthz fails when the oldest message owed (and due) waits longer than this
    outbox_stuck_minutes: int = 10
    # ... or when no getUpdates call (or webhook update) succeeded for this long
    updates_stale_seconds: int = 60

    @property
    def enabled(self) -> bool:
        return self.port is not None


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    format: str = "text"  # "text": one readable line per event; "json": one JSON object


def parse_monitoring(values: Mapping[str, Any]) -> MonitoringSettings:
    port = values.get("port")
    if port is not None and (type(port) is not int or not 1 <= port <= 65535):
        raise ConfigError("monitoring.port: must be a port number (1 to 65535), e.g. 9464")
    listen = text(values, "monitoring.listen", "127.0.0.1")
    try:
        ip_address(listen)
    except ValueError:
        raise ConfigError(
            f"monitoring.listen: {listen!r} is not an IP address (127.0.0.1 keeps it local)"
        ) from None
    return MonitoringSettings(
        port=port,
        listen=listen,
        outbox_stuck_minutes=_positive(values, "outbox_stuck_minutes", 10, "minutes"),
        updates_stale_seconds=_positive(values, "updates_stale_seconds", 60, "seconds"),
    )


def parse_logging(values: Mapping[str, Any]) -> LoggingSettings:
    fmt = text(values, "logging.format", "text")
    if fmt not in LOG_FORMATS:
        raise ConfigError(f'logging.format: {fmt!r} is not "text" or "json"')
    return LoggingSettings(format=fmt)


def _positive(values: Mapping[str, Any], key: str, default: int, unit: str) -> int:
    value = values.get(key, default)
    if type(value) is not int or not 1 <= value <= 100_000:
        raise ConfigError(f"monitoring.{key}: must be a whole number of {unit} (1 or more)")
    return value
