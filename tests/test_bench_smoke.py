"""The benchmark (python -m bench) runs end to end with tiny numbers and reports every
figure. It asserts no time: the benchmark reports, it does not judge (docs/performance.md)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 2


# About a minute here; the subprocess's own 600 s bound fires first, with the bench's output.
@pytest.mark.timeout(660)
def test_benchmark_completes_and_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [
            sys.executable, "-m", "bench", "--items", str(ITEMS), "--solo", "1",
            "--open-items", "50", "--history", "500", "--wait", "60",
            "--json", str(out), "--keep", str(tmp_path / "work"),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(out.read_text())

    # the bare bot twice: stock (httpx) and on the bot's transport (aiohttp, the default)
    assert figures["options"]["transport"] == "aiohttp"
    for name in ("bare", "bare_same", "empty", "scale"):
        bot = figures[name]
        assert bot["decisions"] == ITEMS * 9, name  # every item went through the whole SOP
        for key in ("startup_s", "ready_rss_mb", "cpu_s", "peak_rss_mb", "wall_s"):
            assert math.isfinite(bot[key]) and bot[key] > 0, (name, key)
        for key in ("decisions_per_s", "cpu_per_item_s", "messages_per_s"):
            assert math.isfinite(bot[key]) and bot[key] > 0, (name, key)
        for latency in ("solo", "presses", "everything"):
            for key in ("p50_ms", "p95_ms", "p99_ms"):
                assert math.isfinite(bot[latency][key]) and bot[latency][key] > 0
    assert figures["scale"]["seeded"]["open items"] == 50
    assert figures["scale"]["seeded"]["events"] <= 500
    # issue 18's five (CPU, rate, unloaded latency, p99 against the bare bot, peak memory),
    # five ratios at scale (four latencies and the CPU), start-up time and memory
    assert len(figures["targets"]) == 12
    assert all(isinstance(target["met"], bool) for target in figures["targets"])
    assert "-- targets --" in done.stdout
    assert "against the stock bare bot" in done.stdout
    assert "against the bare bot on the bot's transport (aiohttp)" in done.stdout
