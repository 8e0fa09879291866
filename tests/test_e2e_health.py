"""/healthz and /metrics (issue 17), scraped over real HTTP on 127.0.0.1 from the real bot
polling the local Bot API server, and read back with Prometheus' own parser."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.logs import JsonFormatter, RedactToken
from localbotapi.errors import ApiError
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import KASUBBAG, KOORDINATOR, TOKEN, Harness


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def monitored(
    make_harness: HarnessFactory, monitoring: dict[str, Any] | None = None, **extra: Any
) -> AsyncIterator[Harness]:
    """The bot with the endpoint on a free port; `monitoring`: more [monitoring] settings,
    `extra`: other sections."""
    settings = {"port": free_port(), **(monitoring or {})}
    async with make_harness(monitoring=settings, **extra) as h:
        yield h


def base(h: Harness) -> str:
    return f"http://127.0.0.1:{h.config.monitoring.port}"


async def healthz(h: Harness) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient(timeout=15) as client:
        answer = await client.get(f"{base(h)}/healthz")
    return answer.status_code, answer.json()


async def scrape(h: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, by name and labels."""
    async with httpx.AsyncClient(timeout=15) as client:
        answer = await client.get(f"{base(h)}/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def value(samples: dict[Any, float], name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


async def test_metrics_count_the_decisions_deliveries_items_and_api_errors_of_a_real_run(
    make_harness: HarnessFactory,
) -> None:
    async with monitored(make_harness) as h:
        code = await flows.open_item(h)
        await flows.give_direction(h, code)
        await flows.submit_design(h, code)
        await flows.approve_check(h, code, 1)
        await h.settle()
        h.server.fail_next("getUpdates", ApiError(502, "Bad Gateway"))

        status, body = await healthz(h)
        assert (status, body["status"], body["failed"]) == (200, "ok", [])
        assert body["checks"] == {"database": "ok", "updates": "ok", "outbox": "ok"}

        await until(lambda: any(m == "getUpdates" for m, _ in h.server.errors))
        samples = await scrape(h)
        assert value(samples, "jdih_decisions_total", step="materi", action="direct") == 1
        assert value(samples, "jdih_decisions_total", step="desain", action="submit_design") == 1
        assert value(samples, "jdih_decisions_total", step="periksa", action="approve") == 1
        assert value(samples, "jdih_decisions_total", step="setuju", action="approve") is None
        # /baru, the title, the link, the PDF, the presses, the direction, the design ...
        assert value(samples, "jdih_updates_handled_total", sender="member") >= 8
        assert value(samples, "jdih_outbox_delivered_total", kind="card") >= 3
        assert value(samples, "jdih_outbox_backlog") == 0
        assert value(samples, "jdih_outbox_oldest_undelivered_age_seconds") == 0
        assert value(samples, "jdih_items_open", step="setuju") == 1
        assert value(samples, "jdih_items_overdue", step="setuju") == 0
        assert value(samples, "jdih_database_up") == 1
        assert value(samples, "jdih_updates_poll_age_seconds") < 60
        assert (
            value(samples, "jdih_bot_api_errors_total", method="getUpdates", kind="server_error")
            == 1
        )
        assert value(samples, "jdih_backups") == 0
        assert value(samples, "jdih_backup_age_seconds") is None  # no backup yet: no age
        assert value(samples, "jdih_reminders_sent_total") == 0

        # Two office days later the legal check is overdue, and reminded.
        h.clock.advance(timedelta(days=2))
        await h.server.wait_for(
            lambda m: m.chat_id != KOORDINATOR.user_id and code in m.body and "Pengingat" in m.body
        )
        await h.settle()
        samples = await scrape(h)
        assert value(samples, "jdih_items_overdue", step="setuju") == 1
        assert value(samples, "jdih_reminders_sent_total") >= 1


async def test_backup_age_is_measured_from_the_newest_archive(
    make_harness: HarnessFactory,
) -> None:
    async with monitored(make_harness) as h:
        folder = h.config.backup.dir
        folder.mkdir(parents=True)
        local = (h.clock.now() - timedelta(hours=5)).astimezone(h.config.timezone)
        (folder / f"jdih-backup-{local:%Y%m%d-%H%M%S}.tar.gz").write_bytes(b"")
        older = local - timedelta(days=1)
        (folder / f"jdih-backup-{older:%Y%m%d-%H%M%S}.tar.gz").write_bytes(b"")

        samples = await scrape(h)

    assert value(samples, "jdih_backups") == 2
    assert value(samples, "jdih_backup_age_seconds") == 5 * 3600


async def test_healthz_fails_on_a_stuck_outbox_and_recovers_once_it_moves(
    make_harness: HarnessFactory,
) -> None:
    async with monitored(make_harness, {"outbox_stuck_minutes": 10}) as h:
        # Telegram holds every message to the kasubbag: the item's first card waits.
        hold = h.server.hold("sendMessage", lambda p: p.get("chat_id") == KASUBBAG.user_id)
        code = await flows.open_item(h)
        assert code
        h.clock.advance(timedelta(minutes=9))
        status, body = await healthz(h)
        assert status == 200, body

        h.clock.advance(timedelta(minutes=2))
        status, body = await healthz(h)
        assert status == 503
        assert body["status"] == "fail" and body["failed"] == ["outbox"]
        assert "11 min" in body["checks"]["outbox"]
        samples = await scrape(h)
        assert value(samples, "jdih_outbox_oldest_undelivered_age_seconds") >= 11 * 60
        assert value(samples, "jdih_outbox_backlog") >= 1

        hold.release()
        await h.settle()
        status, body = await healthz(h)
        assert (status, body["failed"]) == (200, [])


async def test_healthz_fails_when_no_getupdates_is_answered(
    make_harness: HarnessFactory,
) -> None:
    async with monitored(make_harness, {"updates_stale_seconds": 2}) as h:
        assert (await healthz(h))[0] == 200
        hold = h.server.hold("getUpdates", times=1_000_000)
        await asyncio.sleep(3.5)  # the poll's own timeout is 1 s: no answer comes for 3
        status, body = await healthz(h)
        hold.release()
        assert status == 503
        assert body["failed"] == ["updates"]
        assert "no getUpdates answered" in body["checks"]["updates"]


async def test_the_endpoint_is_off_unless_a_port_is_given(harness: Harness) -> None:
    assert harness.config.monitoring.port is None
    assert "health_server" not in harness.app.bot_data  # type: ignore[union-attr]


async def test_json_log_lines_of_a_real_decision_name_its_item_and_member_and_no_token(
    make_harness: HarnessFactory,
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(TOKEN))
    handler.setFormatter(JsonFormatter(TOKEN))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        async with make_harness() as h:
            code = await flows.open_item(h)
            await flows.give_direction(h, code)
            await h.settle()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)

    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert TOKEN not in stream.getvalue() and TOKEN.partition(":")[2] not in stream.getvalue()
    decision = next(e for e in events if e["message"] == "decision direct at step materi")
    assert decision["item"] == code
    assert decision["member"] == KASUBBAG.user_id
    assert isinstance(decision["update"], int)
    material = next(e for e in events if e["message"] == "decision submit_material at step -")
    assert (material["item"], material["member"]) == (code, KOORDINATOR.user_id)


async def test_in_webhook_mode_healthz_asks_telegram_whether_it_can_deliver(
    make_harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.health.checks.WEBHOOK_ASK_EVERY", 0.0)
    hook = free_port()
    webhook = {"url": f"http://127.0.0.1:{hook}/jdih-hook", "port": hook, "secret_token": "s-1"}
    async with monitored(make_harness, webhook=webhook) as h:
        status, body = await healthz(h)
        assert (status, body["checks"]["updates"]) == (200, "ok")

        assert h.webhook_server is not None
        await h.webhook_server.stop()  # Telegram's POSTs now find nobody listening
        await h.server.send_text(KASUBBAG.user_id, "/tugas")
        await until(lambda: bool(h.server.webhook_log))
        status, body = await healthz(h)
        assert status == 503 and body["failed"] == ["updates"]
        assert body["checks"]["updates"].startswith("Telegram cannot deliver updates")
