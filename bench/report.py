"""The figures: percentiles, one record per measured bot, the printed report and targets."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import telegram

from .drive import Decision

# Issue 18's targets (one core; the ratios against the stock bare bot), and issue 6's that stay.
CPU_PER_DECISION_MS = 15.0
DECISIONS_PER_S = 60.0
UNLOADED_P50_MS = 10.0
UNLOADED_P99_MS = 30.0
P99_VS_BARE = 3.0
PEAK_RSS_MB = 150.0
SCALE_LATENCY_VS_EMPTY = 1.2
STARTUP_S = 5.0
STARTUP_RSS_MB = 200.0
TELEGRAM_MESSAGES_PER_S = 30  # Telegram's overall limit for a bot (its FAQ: "about 30")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Latency:
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    queued_p50_ms: float  # of which waiting for the bot's getUpdates

    @classmethod
    def of(cls, decisions: list[Decision]) -> Latency:
        if not decisions:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        values = [d.latency * 1000 for d in decisions]
        waits = [d.waiting * 1000 for d in decisions]
        return cls(
            len(values),
            percentile(values, 50),
            percentile(values, 95),
            percentile(values, 99),
            max(values),
            percentile(waits, 50),
        )

    def line(self) -> str:
        return (
            f"p50 {self.p50_ms:7.1f} ms   p95 {self.p95_ms:7.1f} ms   p99 {self.p99_ms:7.1f} ms"
            f"   max {self.max_ms:7.1f} ms   (n={self.count}, p50 queued before fetch "
            f"{self.queued_p50_ms:.1f} ms)"
        )


@dataclass
class Measurement:
    """One bot process: start-up, an unloaded walk, then the concurrent run."""

    name: str
    items: int
    startup_s: float
    ready_rss_mb: float
    ready_peak_mb: float
    solo: Latency  # items walked one at a time: the cost of a decision without a queue
    presses: Latency  # concurrent run, decisions made by a button press (the headline)
    everything: Latency  # concurrent run, every decision (text-triggered ones too)
    per_decision: dict[str, Latency]  # concurrent run, by decision
    decisions: int
    wall_s: float
    cpu_s: float  # the bot process's CPU time during the concurrent run
    peak_rss_mb: float
    driver_busy: float  # share of its CPU the driver and server used (near 1: driver-bound)
    calls: dict[str, int] = field(default_factory=dict)  # API calls in the concurrent run
    seeded: dict[str, int] = field(default_factory=dict)
    profile: list[str] = field(default_factory=list)  # summary lines, when profiled
    solo_per_decision: dict[str, Latency] = field(default_factory=dict)

    @property
    def decisions_per_s(self) -> float:
        return self.decisions / self.wall_s

    @property
    def messages_per_s(self) -> float:
        """Requests that Telegram's ~30 messages/s flood limit counts (sends and edits)."""
        sent = sum(n for name, n in self.calls.items() if name.startswith(("send", "edit")))
        return sent / self.wall_s

    @property
    def messages_per_decision(self) -> float:
        return self.messages_per_s * self.wall_s / self.decisions

    @property
    def capacity_per_s(self) -> float:
        """Decisions a second one core could carry at this CPU cost (noise from other
        processes on the core does not change it, unlike the measured rate)."""
        return self.decisions / self.cpu_s

    @property
    def cpu_per_item_s(self) -> float:
        return self.cpu_s / self.items

    @property
    def cpu_per_decision_ms(self) -> float:
        return self.cpu_s / self.decisions * 1000


@dataclass
class Results:
    machine: dict[str, str]
    options: dict[str, Any]
    bare: Measurement  # stock python-telegram-bot (httpx): the yardstick the targets use
    empty: Measurement
    scale: Measurement | None
    # the bare bot on the bot's own transport (the same record as `bare` when that is httpx)
    bare_same: Measurement | None = None

    def targets(self) -> list[tuple[str, str, bool]]:
        """(target, what was measured, met?)"""
        found = []
        empty = self.empty
        found.append(
            (
                f"CPU per decision <= {CPU_PER_DECISION_MS:g} ms",
                f"{empty.cpu_per_decision_ms:.1f} ms",
                empty.cpu_per_decision_ms <= CPU_PER_DECISION_MS,
            )
        )
        found.append(
            (
                f">= {DECISIONS_PER_S:g} decisions/s measured on one core",
                f"{empty.decisions_per_s:.1f} measured, {empty.capacity_per_s:.1f} by CPU time",
                empty.decisions_per_s >= DECISIONS_PER_S,
            )
        )
        found.append(
            (
                f"press -> next card unloaded, p50 <= {UNLOADED_P50_MS:g} ms and "
                f"p99 <= {UNLOADED_P99_MS:g} ms",
                f"p50 {empty.solo.p50_ms:.1f} ms, p99 {empty.solo.p99_ms:.1f} ms",
                empty.solo.p50_ms <= UNLOADED_P50_MS and empty.solo.p99_ms <= UNLOADED_P99_MS,
            )
        )
        ratio = empty.presses.p99_ms / self.bare.presses.p99_ms
        found.append(
            (
                f"p99 decision latency, {empty.items} at once, <= {P99_VS_BARE:g}x the stock "
                "bare bot's",
                f"{ratio:.2f}x ({empty.presses.p99_ms:.0f} vs {self.bare.presses.p99_ms:.0f} ms)",
                ratio <= P99_VS_BARE,
            )
        )
        found.append(
            (
                f"peak RSS in the burst <= {PEAK_RSS_MB:g} MB",
                f"{empty.peak_rss_mb:.0f} MB",
                empty.peak_rss_mb <= PEAK_RSS_MB,
            )
        )
        if self.scale is not None:
            scale, empty = self.scale, self.empty
            for label, at_scale, base in (
                ("unloaded p50 latency", scale.solo.p50_ms, empty.solo.p50_ms),
                ("unloaded p95 latency", scale.solo.p95_ms, empty.solo.p95_ms),
                ("concurrent p50 latency", scale.presses.p50_ms, empty.presses.p50_ms),
                ("concurrent p99 latency", scale.presses.p99_ms, empty.presses.p99_ms),
                ("CPU per decision", scale.cpu_per_decision_ms, empty.cpu_per_decision_ms),
            ):
                ratio = at_scale / base
                found.append(
                    (
                        f"{label} at scale <= {SCALE_LATENCY_VS_EMPTY:g}x the empty database's",
                        f"{ratio:.2f}x ({at_scale:.0f} vs {base:.0f} ms)",
                        ratio <= SCALE_LATENCY_VS_EMPTY,
                    )
                )
            found.append(
                (
                    f"start-up at scale < {STARTUP_S:g} s",
                    f"{self.scale.startup_s:.2f} s",
                    self.scale.startup_s < STARTUP_S,
                )
            )
            found.append(
                (
                    f"RSS at start-up at scale < {STARTUP_RSS_MB:g} MB",
                    f"{self.scale.ready_peak_mb:.0f} MB peak ({self.scale.ready_rss_mb:.0f} now)",
                    self.scale.ready_peak_mb < STARTUP_RSS_MB,
                )
            )
        return found

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in self.targets()]
        for name in ("bare", "bare_same", "empty", "scale"):
            measurement = getattr(self, name)
            if measurement is not None:
                data[name]["decisions_per_s"] = measurement.decisions_per_s
                data[name]["cpu_per_item_s"] = measurement.cpu_per_item_s
                data[name]["messages_per_s"] = measurement.messages_per_s
                data[name]["messages_per_decision"] = measurement.messages_per_decision
                data[name]["capacity_per_s"] = measurement.capacity_per_s
        return data


def machine() -> dict[str, str]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpu": model,
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "python-telegram-bot": telegram.__version__,
        "httpx": httpx.__version__,
        "aiohttp": aiohttp.__version__,
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
        "load average at start": load,
    }


def render(results: Results) -> str:
    lines = ["", "== JDIH bot benchmark =="]
    lines += [f"{key}: {value}" for key, value in results.machine.items()]
    lines.append("options: " + ", ".join(f"{k}={v}" for k, v in results.options.items()))
    same = results.bare_same
    if same is results.bare:
        same = None  # the bot runs on httpx too: the stock bare bot is the same yardstick
    for measurement in (results.bare, same, results.empty, results.scale):
        if measurement is not None:
            lines += _measurement(measurement)
    ours = results.empty
    lines += _against(ours, results.bare, "the stock bare bot (python-telegram-bot, httpx)")
    if same is not None:
        lines += _against(
            ours, same, f"the bare bot on the bot's transport ({_ours_http(results)})"
        )
    if results.scale is not None:
        scale = results.scale
        lines += [
            "",
            "-- at scale against the empty database (button presses) --",
            f"p50 latency  {scale.presses.p50_ms / ours.presses.p50_ms:6.2f}x",
            f"p99 latency  {scale.presses.p99_ms / ours.presses.p99_ms:6.2f}x",
            f"unloaded p50 {scale.solo.p50_ms / ours.solo.p50_ms:6.2f}x",
            f"unloaded p95 {scale.solo.p95_ms / ours.solo.p95_ms:6.2f}x",
            f"throughput   {scale.decisions_per_s / ours.decisions_per_s:6.2f}x",
            f"CPU/decision {scale.cpu_per_decision_ms / ours.cpu_per_decision_ms:6.2f}x",
        ]
    lines += ["", "-- targets --"]
    for target, measured, met in results.targets():
        lines.append(f"[{'met' if met else 'MISSED'}] {target}: {measured}")
    return "\n".join(lines)


def _ours_http(results: Results) -> str:
    return str(results.options.get("transport", "httpx"))


def _against(ours: Measurement, bare: Measurement, which: str) -> list[str]:
    """The bot beside one bare bot: the concurrent run's button presses, and unloaded."""
    return [
        "",
        f"-- against {which} (concurrent run, button presses) --",
        f"p50 latency  {ours.presses.p50_ms / bare.presses.p50_ms:6.2f}x the bare bot's",
        f"p99 latency  {ours.presses.p99_ms / bare.presses.p99_ms:6.2f}x the bare bot's",
        f"throughput   {ours.decisions_per_s / bare.decisions_per_s:6.2f}x the bare bot's "
        f"({ours.decisions_per_s:.1f} vs {bare.decisions_per_s:.1f} per s)",
        f"unloaded p50 {ours.solo.p50_ms / bare.solo.p50_ms:6.2f}x the bare bot's "
        f"({ours.solo.p50_ms:.1f} vs {bare.solo.p50_ms:.1f} ms)",
        f"CPU/decision {ours.cpu_per_decision_ms / bare.cpu_per_decision_ms:6.2f}x the bare "
        f"bot's ({ours.cpu_per_decision_ms:.1f} vs {bare.cpu_per_decision_ms:.1f} ms)",
    ]


def _measurement(m: Measurement) -> list[str]:
    lines = [
        "",
        f"-- {m.name} --",
    ]
    if m.seeded:
        lines.append("database: " + ", ".join(f"{v:,} {k}" for k, v in m.seeded.items()))
    lines += [
        f"start-up: {m.startup_s:.2f} s to the first getUpdates; RSS then "
        f"{m.ready_rss_mb:.0f} MB (peak {m.ready_peak_mb:.0f} MB)",
        f"unloaded, one item at a time:  {m.solo.line()}",
        f"concurrent, {m.items} items:",
        f"  decisions per second: {m.decisions_per_s:.1f} ({m.decisions} in {m.wall_s:.2f} s); "
        f"messages sent or edited per second: {m.messages_per_s:.1f}",
        f"  latency, button presses: {m.presses.line()}",
        f"  latency, all decisions:  {m.everything.line()}",
        f"  CPU: {m.cpu_per_item_s * 1000:.1f} ms per item, {m.cpu_per_decision_ms:.1f} ms per "
        f"decision ({m.cpu_s:.2f} s in all; {m.cpu_s / m.wall_s:.0%} of its core): one core "
        f"carries {m.capacity_per_s:.1f} decisions/s",
        f"  messages sent or edited per decision: {m.messages_per_decision:.1f}; at Telegram's "
        f"~{TELEGRAM_MESSAGES_PER_S} messages/s that is at most "
        f"{TELEGRAM_MESSAGES_PER_S / m.messages_per_decision:.1f} decisions/s",
        f"  peak RSS: {m.peak_rss_mb:.0f} MB; driver and server busy {m.driver_busy:.0%} of "
        "their core",
        "  API calls: " + ", ".join(f"{k} {v}" for k, v in sorted(m.calls.items())),
    ]
    if len(m.per_decision) > 1:
        lines.append("  by decision, ms: unloaded p50 | concurrent p50 / p99")
        for name, lat in m.per_decision.items():
            solo = m.solo_per_decision.get(name)
            alone = f"{solo.p50_ms:7.1f}" if solo else "      -"
            lines.append(f"    {name:10} {alone} | {lat.p50_ms:8.1f} / {lat.p99_ms:8.1f}")
    return lines + m.profile
