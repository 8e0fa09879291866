"""The sandbox page in Firefox: Debian's firefox-esr, driven over WebDriver BiDi
(tests/browser/bidi.py), since Playwright cannot drive that Firefox. The koordinator opens an
item and hands in a link as material in the live chat, looks at another member's chat on the way
(with a click whose press and release straddle a live update) and moves the sandbox clock. A
screenshot is saved to test-artifacts/sandbox/firefox-*.png."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from sandbox.launch import Running
from sandbox.office import MEMBERS
from tests.browser.bidi import ENTER, Tab
from tests.browser.walk import CODE, KASUBBAG, KOORDINATOR, SEKRETARIS, TITLE

# Installed once the page has loaded: finders by what a person sees (names, texts, labels), and
# a record of every toast, so a check does not race the toast's fading. A reload would drop it.
_HELPERS = """() => {
  const has = (node, texts) => texts.every((text) => node.textContent.includes(text));
  const all = (selector) => [...document.querySelectorAll(selector)];
  const toasts = [];
  new MutationObserver((changes) => {
    for (const change of changes) toasts.push(...[...change.addedNodes].map((n) => n.textContent));
  }).observe(document.getElementById("toasts"), { childList: true });
  const t = window.sandboxTest = {
    toasts,
    bot: (texts) => all("#messages .msg.bot").filter((m) => has(m, texts)).pop(),
    mine: (text) => all("#messages .msg.me").filter((m) => has(m, [text])).pop(),
    buttons: (texts) => [...(t.bot(texts)?.querySelectorAll(".kb-button") ?? [])],
    button: (label, texts) => t.buttons(texts).find((b) => b.textContent === label),
    // an edited message shows "diedit" by its time
    editedWithoutButtons: (texts) => t.bot(texts)?.querySelector(".meta").textContent
      .startsWith("diedit") && !t.buttons(texts).length,
    member: (name) => all("#members .member").find((m) => has(m, [name])),
    lastLine: (name) => t.member(name).querySelector(".member-last").textContent,
    clockButton: (label) => all("#clock button").find((b) => b.textContent === label),
  };
}"""


class FirefoxSandbox:
    """The sandbox page in a Firefox tab, used as a person would: clicks and key presses."""

    def __init__(self, tab: Tab, artifacts: Path) -> None:
        self.tab = tab
        self.artifacts = artifacts
        self._shots = 0

    async def open(self, url: str) -> None:
        await self.tab.navigate(url)
        await self.tab.wait_for("() => document.getElementById('live').classList.contains('on')")
        await self.tab.call(_HELPERS)

    async def still_the_first_load(self) -> bool:
        return bool(await self.tab.call("() => window.sandboxTest !== undefined"))

    async def text_of(self, element_id: str) -> str:
        return str(
            await self.tab.call("(id) => document.getElementById(id).textContent", element_id)
        )

    async def select(self, name: str) -> None:
        await self.tab.click_on("(name) => sandboxTest.member(name)", name)
        await self.expect_chat_with(name)

    async def expect_chat_with(self, name: str) -> None:
        await self.tab.wait_for(
            "(name) => document.getElementById('chat-sub').textContent.includes(name)", name
        )

    async def hold_member(self, name: str) -> None:
        """Press the mouse on a member and keep it pressed (``tab.release()`` ends the click)."""
        await self.tab.hold(await self.tab.wait_for("(name) => sandboxTest.member(name)", name))

    async def last_line(self, name: str) -> str:
        """The member list's preview of the member's latest message."""
        return str(await self.tab.call("(name) => sandboxTest.lastLine(name)", name))

    async def send_as(self, name: str, text: str) -> None:
        """``name`` writes to the bot from another window: this page only hears of it."""
        user_id = next(m.user_id for m in MEMBERS if m.name == name)
        sent = await self.tab.call(
            "(user_id, text) => fetch('/api/send', { method: 'POST', body: "
            "JSON.stringify({ user_id, text }), headers: { 'Content-Type': 'application/json' } })"
            ".then((answer) => answer.ok)",
            user_id,
            text,
        )
        assert sent

    async def say(self, text: str) -> None:
        await self.tab.click_on("() => document.getElementById('text')")
        await self.tab.type(text + ENTER)
        # sent: it shows in the chat, and the box is empty for the next message
        await self.tab.wait_for(
            "(text) => sandboxTest.mine(text) && document.getElementById('text').value === ''", text
        )

    async def expect_bot(self, *contains: str) -> None:
        await self.tab.wait_for("(texts) => sandboxTest.bot(texts)", list(contains))

    async def shows_bot(self, *contains: str) -> bool:
        return bool(await self.tab.call("(texts) => !!sandboxTest.bot(texts)", list(contains)))

    async def buttons_on(self, *contains: str) -> list[str]:
        """The inline buttons' labels on the latest bot message containing ``contains``."""
        return await self.tab.call(
            "(texts) => sandboxTest.buttons(texts).map((b) => b.textContent)", list(contains)
        )

    async def expect_edited_without_buttons(self, *contains: str) -> None:
        await self.tab.wait_for(
            "(texts) => sandboxTest.editedWithoutButtons(texts)", list(contains)
        )

    async def press(self, label: str, *on: str) -> None:
        """An inline button by its exact text, on the latest bot message containing ``on``."""
        await self.tab.click_on(
            "(label, texts) => sandboxTest.button(label, texts)", label, list(on)
        )

    async def expect_toast(self, text: str) -> None:
        await self.tab.wait_for("(text) => sandboxTest.toasts.some((t) => t.includes(text))", text)

    async def move_clock(self, label: str) -> str:
        """Press a clock control; the clock label it leads to."""
        before = await self.text_of("clock-label")
        await self.tab.click_on("(label) => sandboxTest.clockButton(label)", label)
        await self.tab.wait_for(
            "(before) => document.getElementById('clock-label').textContent !== before", before
        )
        return await self.text_of("clock-label")

    async def screenshot(self, name: str) -> Path:
        self._shots += 1
        return await self.tab.screenshot(self.artifacts / f"firefox-{self._shots:02d}-{name}.png")


async def test_the_koordinator_hands_in_material_in_firefox(
    live: Running, firefox_tab: Tab, artifacts: Path
) -> None:
    ui = FirefoxSandbox(firefox_tab, artifacts)
    await ui.open(live.url)
    await ui.select(KOORDINATOR)
    await ui.say("/baru")
    await ui.expect_bot("Kirim judul konten")  # pushed to the open page
    await ui.say(TITLE)
    await ui.expect_bot(f"Item {CODE}", "Sekarang kirim materi")

    # another member's chat takes the place of this one, also when the member list changes
    # between the press and the release of the click (the sekretaris writes meanwhile)
    before = await ui.last_line(SEKRETARIS)
    await ui.hold_member(KASUBBAG)
    await ui.send_as(SEKRETARIS, "/bantuan")
    await ui.tab.wait_for(
        "([name, before]) => sandboxTest.lastLine(name) !== before", [SEKRETARIS, before]
    )
    await ui.tab.release()
    await ui.expect_chat_with(KASUBBAG)
    assert not await ui.shows_bot("Sekarang kirim materi")
    # coming back brings the koordinator's chat again
    await ui.select(KOORDINATOR)
    await ui.expect_bot(f"Item {CODE}", "Sekarang kirim materi")

    await ui.say("Materi: https://jdih.kpu.go.id/pkpu-2-2026")
    await ui.expect_bot("Materi ke-1 diterima")
    # one Selesai stays live: the question's own button is edited away once the receipt asks
    await ui.expect_edited_without_buttons(f"Item {CODE}", "Sekarang kirim materi")
    assert await ui.buttons_on("Materi ke-1 diterima") == [texts.BTN_MATERIAL_DONE]
    await ui.press(texts.BTN_MATERIAL_DONE, "Materi ke-1 diterima")
    await ui.expect_toast(f"Materi {CODE} dikirim kepada Kasubbag")
    # the decision shows on the receipt itself: the bot edits its button away
    await ui.expect_edited_without_buttons("Materi ke-1 diterima")
    # the kasubbag's card waits in a chat not shown: the member list says so
    await ui.tab.wait_for(
        "(name) => sandboxTest.member(name).querySelector('.badge:not([hidden])')", KASUBBAG
    )

    assert await ui.move_clock("+1 jam") == "Senin, 23 November 2026 pukul 10.00 WIB"
    await ui.screenshot("koordinator-handed-in-material")
    assert await ui.still_the_first_load(), "the page reloaded; its chat should update live"
    assert ui.tab.js_errors == [], f"the page raised JavaScript errors: {ui.tab.js_errors}"
