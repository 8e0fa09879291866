"""The sandbox page as a person uses it, through Playwright and Debian's Chromium."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Locator, Page, async_playwright, expect

from sandbox.launch import Running

CHROMIUM = "/usr/bin/chromium"
# A clean, offline browser: no sync, no component updates, no background calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
]
VIEWPORT = {"width": 1280, "height": 860}
WAIT_MS = 20_000  # for the bot's answers on a busy 2-core machine; a pass never waits this long
# Records every toast the page shows, so a check does not race the toast's fading.
_TOAST_RECORDER = """
window.__toasts = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    for (const node of change.addedNodes) window.__toasts.push(node.textContent);
  }
}).observe(document.getElementById("toasts"), { childList: true });
"""


class SandboxPage:
    def __init__(self, page: Page, live: Running, artifacts: Path) -> None:
        self.page = page
        self.live = live
        self.artifacts = artifacts
        self.errors: list[str] = []
        self._shots = 0
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    # ---------------------------------------------------------------- looking
    @property
    def messages(self) -> Locator:
        return self.page.locator("#messages")

    def bot_message(self, *contains: str) -> Locator:
        """The latest bot message containing every given text."""
        found = self.messages.locator(".msg.bot")
        for text in contains:
            found = found.filter(has_text=text)
        return found.last

    async def expect_bot(self, *contains: str) -> Locator:
        message = self.bot_message(*contains)
        await expect(message).to_be_visible(timeout=WAIT_MS)
        return message

    async def expect_toast(self, text: str) -> None:
        await self.page.wait_for_function(
            "(text) => window.__toasts.some((t) => t.includes(text))", arg=text, timeout=WAIT_MS
        )

    async def expect_alert(self, text: str) -> None:
        """An answer with show_alert: a box that stays until OK is pressed."""
        await expect(self.page.locator("#alert")).to_contain_text(text, timeout=WAIT_MS)

    async def dismiss_alert(self) -> None:
        alert = self.page.locator("#alert")
        await alert.get_by_role("button", name="OK").click()
        await expect(alert).to_be_hidden()

    def member(self, name: str) -> Locator:
        return self.page.locator("#members .member", has_text=name)

    async def screenshot(self, name: str) -> Path:
        self._shots += 1
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"{self._shots:02d}-{name}.png"
        await self.page.screenshot(path=str(path))
        return path

    # ----------------------------------------------------------------- acting
    async def select(self, name: str) -> None:
        await self.member(name).click()
        await expect(self.page.locator("#chat-sub")).to_contain_text(name)

    async def say(self, text: str) -> None:
        box = self.page.locator("#text")
        await box.fill(text)
        await box.press("Enter")
        await expect(box).to_have_value("")
        mine = self.messages.locator(".msg.me").filter(has_text=text).last
        await expect(mine).to_be_visible(timeout=WAIT_MS)

    async def upload(self, name: str, mime: str, content: bytes, caption: str = "") -> None:
        """Through the 📎 button's file chooser, then Kirim, as a person would."""
        async with self.page.expect_file_chooser() as chooser_info:
            await self.page.locator("#attach-button").click()
        chooser = await chooser_info.value
        await chooser.set_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
        await expect(self.page.locator("#attachment-name")).to_contain_text(name)
        if caption:
            await self.page.locator("#text").fill(caption)
        await self.page.locator("#send-button").click()
        await expect(self.page.locator("#attachment-bar")).to_be_hidden()
        sent = self.messages.locator(".msg.me").filter(has_text=name).last
        await expect(sent).to_be_visible(timeout=WAIT_MS)

    async def expect_no_button(self, button: str) -> None:
        """No message of the chat shown carries this button (any more)."""
        found = self.messages.get_by_role("button", name=button, exact=True)
        await expect(found).to_have_count(0, timeout=WAIT_MS)

    async def press(self, button: str, message: Locator | None = None) -> None:
        """Click an inline button by its exact text, on ``message`` or the latest carrying it."""
        scope = message if message is not None else self.messages
        target = scope.get_by_role("button", name=button, exact=True).last
        await expect(target).to_be_visible(timeout=WAIT_MS)
        await target.click()

    async def reply_to(self, message: Locator) -> None:
        """Hover a message and take its ↩ button: the next message sent answers it."""
        await message.hover()
        await message.locator(".reply-button").click()
        await expect(self.page.locator("#reply-bar")).to_be_visible()

    async def expect_sent_as_reply(self, text: str) -> None:
        """The member's latest message containing ``text`` quotes the message it answers."""
        sent = self.messages.locator(".msg.me").filter(has_text=text).last
        await expect(sent.locator(".quote-reply")).to_be_visible()

    async def move_clock(self, label: str) -> None:
        before = await self.page.locator("#clock-label").inner_text()
        await self.page.locator("#clock button", has_text=re.compile(re.escape(label))).click()
        await expect(self.page.locator("#clock-label")).not_to_have_text(before)


@asynccontextmanager
async def open_sandbox_page(
    live: Running, profile: Path, artifacts: Path
) -> AsyncIterator[SandboxPage]:
    """Chromium with a fresh profile, showing the sandbox page."""
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="id-ID",
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            expect.set_options(timeout=WAIT_MS)
            await page.goto(live.url)
            await expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"))
            await page.evaluate(_TOAST_RECORDER)
            yield SandboxPage(page, live, artifacts)
        finally:
            await context.close()
