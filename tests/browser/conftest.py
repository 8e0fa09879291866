"""Browser tests: the sandbox page in Debian's Chromium, driven by Playwright.

The tests that open the page (the `sandbox_page` fixture) need /usr/bin/chromium
(`apt-get install chromium`) and the `playwright` package (the `browser` extra); without either
they are skipped with the reason. Playwright's own browser downloads are never used.
The Firefox test (the `firefox_tab` fixture) drives /usr/bin/firefox-esr
(`apt-get install firefox-esr`) over WebDriver BiDi (tests/browser/bidi.py); without it, it is
skipped. Screenshots go to test-artifacts/sandbox/ (gitignored). The other tests here check the
sandbox's JSON API and parts without a browser."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sandbox.launch import Running, running
from sandbox.runtime import Options
from tests.harness import MONDAY_MORNING

if TYPE_CHECKING:
    from tests.browser.bidi import Tab
    from tests.browser.sandbox_page import SandboxPage

CHROMIUM = Path("/usr/bin/chromium")
FIREFOX = Path("/usr/bin/firefox-esr")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sandbox"


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        found = importlib.util.find_spec("playwright") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        return "the playwright package is missing (pip install -e '.[browser]')"
    return None


def missing_firefox() -> str | None:
    """Why the Firefox test cannot run here, or None."""
    return None if FIREFOX.exists() else f"{FIREFOX} is missing (apt-get install firefox-esr)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reasons = {"sandbox_page": missing_browser(), "firefox_tab": missing_firefox()}
    for item in items:
        for fixture, reason in reasons.items():
            if reason is not None and fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Running]:
    """The whole sandbox on free loopback ports, its clock on a Monday working morning."""
    options = Options(data_dir=tmp_path / "sandbox-data", start=MONDAY_MORNING)
    async with running(options, port=0) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/sandbox/, emptied of an earlier run's screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink(missing_ok=True)
    return ARTIFACTS


@pytest.fixture
async def sandbox_page(
    live: Running, tmp_path: Path, artifacts: Path
) -> AsyncIterator[SandboxPage]:
    from tests.browser.sandbox_page import open_sandbox_page

    async with open_sandbox_page(live, tmp_path / "chromium-profile", artifacts) as page:
        yield page


@pytest.fixture
async def firefox_tab(tmp_path: Path) -> AsyncIterator[Tab]:
    """Headless firefox-esr on a fresh offline profile, driven over WebDriver BiDi."""
    from tests.browser.bidi import firefox

    async with firefox(tmp_path / "firefox-profile", FIREFOX) as tab:
        yield tab
