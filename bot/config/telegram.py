"""The [telegram] and [webhook] settings: the token, the Bot API endpoints, the admins, and
how updates arrive (long polling, or a webhook behind the office's HTTPS proxy)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.config.values import ConfigError, Secret, int_list, secret, text

TOKEN_ENV = "JDIH_BOT_TOKEN"
WEBHOOK_SECRET_ENV = "JDIH_WEBHOOK_SECRET"
# Telegram's rule for secret_token: 1-256 characters, A-Z a-z 0-9 _ -.
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOOPBACK_NAMES = {"localhost"}
# How the bot talks HTTP to the Bot API (bot/health/requests.py builds it): "aiohttp", the
# lighter transport (bot/delivery/http.py); "httpx", python-telegram-bot's own HTTPXRequest.
HTTP_TRANSPORTS = ("aiohttp", "httpx")


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    token: Secret = field(repr=False)
    api_base_url: str
    file_base_url: str
    admins: frozenset[int]
    http: str = HTTP_TRANSPORTS[0]  # one of HTTP_TRANSPORTS


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str  # the public address Telegram posts updates to
    listen: str  # the address the bot's own web server binds
    port: int
    secret_token: Secret = field(repr=False)

    @property
    def url_path(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


def parse_telegram(
    values: Mapping[str, Any], base_dir: Path, environ: Mapping[str, str]
) -> TelegramSettings:
    return TelegramSettings(
        token=_token(values, base_dir, environ),
        api_base_url=text(values, "telegram.api_base_url", "https://api.telegram.org/bot"),
        file_base_url=text(values, "telegram.file_base_url", "https://api.telegram.org/file/bot"),
        admins=frozenset(int_list(values, "telegram.admins")),
        http=_http(values),
    )


def _http(values: Mapping[str, Any]) -> str:
    value = values.get("http", HTTP_TRANSPORTS[0])
    if value not in HTTP_TRANSPORTS:
        allowed = " or ".join(f'"{name}"' for name in HTTP_TRANSPORTS)
        raise ConfigError(f"telegram.http: {value!r} is not {allowed}")
    return str(value)


def _token(values: Mapping[str, Any], base_dir: Path, environ: Mapping[str, str]) -> Secret:
    token = secret(values, "telegram.token", env=TOKEN_ENV, base_dir=base_dir, environ=environ)
    if not token:
        raise ConfigError(
            f"telegram.token: no bot token; set the {TOKEN_ENV} environment variable "
            "or telegram.token_file"
        )
    head, _, tail = token.partition(":")
    if not head.isdigit() or not tail:
        raise ConfigError("telegram.token: does not look like a bot token (digits:letters)")
    return Secret(token)


def parse_webhook(
    values: Mapping[str, Any], base_dir: Path, environ: Mapping[str, str]
) -> WebhookSettings | None:
    """None (long polling) unless [webhook] gives a url."""
    url = values.get("url", "")
    if not isinstance(url, str):
        raise ConfigError("webhook.url: must be a text (the public HTTPS address)")
    if not url.strip():
        return None
    url = url.strip()
    _check_url(url)
    port = values.get("port", 8443)
    if type(port) is not int or not 1 <= port <= 65535:
        raise ConfigError("webhook.port: must be a port number (1 to 65535)")
    token = secret(
        values, "webhook.secret_token", env=WEBHOOK_SECRET_ENV, base_dir=base_dir, environ=environ
    )
    if not _SECRET_RE.match(token):
        raise ConfigError(
            "webhook.secret_token: REQUIRED with webhook.url, 1-256 characters of "
            f"A-Z a-z 0-9 _ - (or set {WEBHOOK_SECRET_ENV} or webhook.secret_token_file)"
        )
    return WebhookSettings(
        url=url,
        listen=text(values, "webhook.listen", "127.0.0.1"),
        port=port,
        secret_token=Secret(token),
    )


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"webhook.url: {url!r} is not an address like https://host/path")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        # Telegram posts only to HTTPS; plain http is for a Bot API server on this machine.
        raise ConfigError("webhook.url: must start with https:// (Telegram requires it)")


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
