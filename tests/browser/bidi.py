"""A small WebDriver BiDi client: enough to drive Debian's Firefox through a page in a test.

Firefox started with ``--remote-debugging-port`` speaks WebDriver BiDi
(https://w3c.github.io/webdriver-bidi/) on ws://127.0.0.1:PORT/session, so no geckodriver,
Selenium or browser download is needed: `firefox()` starts ``firefox-esr`` headless with a fresh
offline profile and hands back its tab; `Tab` navigates, runs page scripts, waits, clicks and
types with real input events, and takes screenshots.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

Json = dict[str, Any]
FIREFOX = Path("/usr/bin/firefox-esr")
ENTER = "\ue007"  # WebDriver's key value for Enter
WAIT_S = 20.0  # for the bot's answers on a busy 2-core machine; a pass never waits this long
# The profile never calls home: no updates, telemetry, studies, safe-browsing lists, remote
# settings, captive-portal or connectivity probes. As a backstop every non-loopback request goes
# to a closed port (Firefox never proxies 127.0.0.1), so nothing can reach the internet; with a
# listener on that port instead, a whole run sends it nothing.
PREFS: dict[str, bool | int | str] = {
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.region.update.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "browser.search.update": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "media.gmp-manager.url": "",
    "messaging-system.rsexperimentloader.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.http.speculative-parallel-limit": 0,
    "network.prefetch-next": False,
    "network.trr.mode": 5,  # no DNS over HTTPS
    "services.settings.server": "http://127.0.0.1:9/",
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.proxy.no_proxies_on": "127.0.0.1, localhost",
}
# A release build ignores services.settings.server without MOZ_REMOTE_SETTINGS_DEVTOOLS, and
# then polls firefox.settings.services.mozilla.com (through the dead proxy) all along.
ENVIRONMENT = {"MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"}
# Polls ``test`` (replaced by a JS function) in the page until it returns something truthy.
_WAIT = """(timeoutMs, ...args) => new Promise((resolve, reject) => {
  const test = TEST;
  const deadline = performance.now() + timeoutMs;
  const tick = () => {
    let value;
    try { value = test(...args); } catch (error) { reject(error); return; }
    if (value) resolve(value);
    else if (performance.now() < deadline) setTimeout(tick, 25);
    else reject(new Error(`waited in vain for ${test} ${JSON.stringify(args)}`));
  };
  tick();
})"""
# The element ``find`` (replaced by a JS function) returns, once a click at its centre would hit
# it: scrolled into view, not covered, laid out.
_CLICKABLE = """(...args) => {
  const element = (FIND)(...args);
  if (!element) return null;
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  if (hit && element.contains(hit)) return element;
  element.scrollIntoView({ block: "nearest" });
  return null;
}"""
_DOWN = {"type": "pointerDown", "button": 0}
_UP = {"type": "pointerUp", "button": 0}
_STALE = ("no such", "move target out of bounds")  # the page re-rendered the node meanwhile


class BiDiError(Exception):
    """A command the browser refused, or a page script that threw."""


@dataclass(frozen=True, slots=True)
class Element:
    """A DOM node of the page, as BiDi refers to it between calls."""

    shared_id: str


class Connection:
    """Commands and events over one BiDi websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._last_id = 0
        self._pending: dict[int, asyncio.Future[Json]] = {}
        self.events: dict[str, list[Json]] = {}  # method -> params, for subscribed events
        self._reader = asyncio.create_task(self._read())

    async def send(self, method: str, params: Json) -> Json:
        """The command's result; a `BiDiError` when the browser refuses it."""
        if self._reader.done():
            raise BiDiError("the browser closed the connection")
        self._last_id += 1
        answer = asyncio.get_running_loop().create_future()
        self._pending[self._last_id] = answer
        await self._ws.send_str(
            json.dumps({"id": self._last_id, "method": method, "params": params})
        )
        return await answer

    async def _read(self) -> None:
        try:
            async for message in self._ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                if data.get("type") == "event":
                    self.events.setdefault(data["method"], []).append(data["params"])
                elif (answer := self._pending.pop(data.get("id"), None)) and not answer.done():
                    if data.get("type") == "error":
                        answer.set_exception(BiDiError(f"{data['error']}: {data['message']}"))
                    else:
                        answer.set_result(data["result"])
        finally:
            for answer in self._pending.values():
                if not answer.done():
                    answer.set_exception(BiDiError("the browser closed the connection"))


def _local(value: Any) -> Json:
    """A Python value as a BiDi argument."""
    if isinstance(value, Element):
        return {"sharedId": value.shared_id}
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean", "value": value}
    if isinstance(value, int | float):
        return {"type": "number", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, list | tuple):
        return {"type": "array", "value": [_local(item) for item in value]}
    raise TypeError(f"cannot pass {value!r} to the page")


def _plain(remote: Json) -> Any:
    """A BiDi result as a Python value: nodes become `Element`s, objects dicts."""
    kind = remote["type"]
    if kind in ("undefined", "null"):
        return None
    if kind == "node":
        return Element(remote["sharedId"])
    if kind == "array":
        return [_plain(item) for item in remote.get("value", [])]
    if kind == "object":
        return {key: _plain(item) for key, item in remote.get("value", [])}
    return remote.get("value")


class Tab:
    """One top-level browsing context; it records the JavaScript errors its pages raise."""

    def __init__(self, connection: Connection, context: str) -> None:
        self.connection = connection
        self.context = context

    @property
    def js_errors(self) -> list[str]:
        """Uncaught errors and console.error calls, as the browser's log reported them."""
        return [
            entry["text"]
            for entry in self.connection.events.get("log.entryAdded", [])
            if entry["level"] == "error" and entry["source"].get("context") == self.context
        ]

    async def navigate(self, url: str) -> None:
        """Open ``url`` and wait for its load event."""
        params = {"context": self.context, "url": url, "wait": "complete"}
        await self.connection.send("browsingContext.navigate", params)

    async def call(self, function: str, *args: Any) -> Any:
        """Run the JS ``function`` with ``args`` in the page; its awaited result."""
        params = {
            "functionDeclaration": function,
            "arguments": [_local(arg) for arg in args],
            "target": {"context": self.context},
            "awaitPromise": True,
        }
        result = await self.connection.send("script.callFunction", params)
        if result["type"] == "exception":
            raise BiDiError(result["exceptionDetails"]["text"])
        return _plain(result["result"])

    async def wait_for(self, test: str, *args: Any, within_s: float = WAIT_S) -> Any:
        """The first truthy value of the JS function ``test(*args)``, polled in the page."""
        return await self.call(_WAIT.replace("TEST", test), within_s * 1000, *args)

    async def click(self, element: Element) -> None:
        """A real mouse click at the element's centre (it must be in view). Move, press and
        release go in one action sequence: a re-render between two round trips would move the
        element from under a release sent apart from its press."""
        origin = {"type": "element", "element": {"sharedId": element.shared_id}}
        move = {"type": "pointerMove", "x": 0, "y": 0, "origin": origin}
        await self._act({"type": "pointer", "id": "mouse", "actions": [move, _DOWN, _UP]})

    async def hold(self, element: Element) -> None:
        """Move the mouse to the element's centre and press its button (`release` lets go)."""
        origin = {"type": "element", "element": {"sharedId": element.shared_id}}
        move = {"type": "pointerMove", "x": 0, "y": 0, "origin": origin}
        await self._act({"type": "pointer", "id": "mouse", "actions": [move, _DOWN]})

    async def release(self) -> None:
        await self._act({"type": "pointer", "id": "mouse", "actions": [_UP]})

    async def click_on(self, find: str, *args: Any, attempts: int = 3) -> None:
        """Click the element the JS function ``find(*args)`` returns, once it can be clicked."""
        for attempt in range(1, attempts + 1):
            element = await self.wait_for(_CLICKABLE.replace("FIND", find), *args)
            try:
                await self.click(element)
                return
            except BiDiError as error:
                if attempt == attempts or not str(error).startswith(_STALE):
                    raise

    async def type(self, text: str) -> None:
        """Key presses into whatever has the focus."""
        keys: list[Json] = []
        for char in text:
            keys += [{"type": "keyDown", "value": char}, {"type": "keyUp", "value": char}]
        await self._act({"type": "key", "id": "keyboard", "actions": keys})

    async def screenshot(self, path: Path) -> Path:
        """The tab's viewport as a PNG file at ``path`` (its folder must exist)."""
        shot = await self.connection.send(
            "browsingContext.captureScreenshot", {"context": self.context}
        )
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))
        return path

    async def _act(self, source: Json) -> None:
        params = {"context": self.context, "actions": [source]}
        await self.connection.send("input.performActions", params)


def write_profile(profile: Path) -> None:
    """A new profile folder whose user.js holds `PREFS`."""
    profile.mkdir(parents=True)
    lines = (
        f"user_pref({json.dumps(key)}, {json.dumps(value)});\n" for key, value in PREFS.items()
    )
    (profile / "user.js").write_text("".join(lines), encoding="utf-8")


async def _listening_url(process: asyncio.subprocess.Process, log: list[str]) -> str:
    """Reads Firefox's stderr up to the line naming its BiDi websocket."""
    assert process.stderr is not None
    while line := (await process.stderr.readline()).decode(errors="replace"):
        log.append(line)
        if line.startswith("WebDriver BiDi listening on "):
            return line.split()[-1]
    raise BiDiError("Firefox exited before listening:\n" + "".join(log))


async def _drain(process: asyncio.subprocess.Process, log: list[str]) -> None:
    assert process.stderr is not None  # keeps the pipe from filling and stalling Firefox
    while line := await process.stderr.readline():
        log.append(line.decode(errors="replace"))


@asynccontextmanager
async def firefox(
    profile: Path, binary: Path = FIREFOX, viewport: tuple[int, int] = (1280, 860)
) -> AsyncIterator[Tab]:
    """Headless Firefox on a fresh offline ``profile``; its first tab, with logs subscribed."""
    await asyncio.to_thread(write_profile, profile)
    process = await asyncio.create_subprocess_exec(
        str(binary), "--headless", "--remote-debugging-port=0",  # 0: Firefox picks a free port
        "--profile", str(profile), "--no-remote",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, **ENVIRONMENT},
    )  # fmt: skip
    log: list[str] = []
    drain: asyncio.Task[None] | None = None
    try:
        url = await asyncio.wait_for(_listening_url(process, log), WAIT_S)
        drain = asyncio.create_task(_drain(process, log))
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"{url}/session", max_msg_size=0) as ws,
        ):
            connection = Connection(ws)
            await connection.send("session.new", {"capabilities": {}})
            await connection.send("session.subscribe", {"events": ["log.entryAdded"]})
            tree = await connection.send("browsingContext.getTree", {"maxDepth": 0})
            tab = Tab(connection, tree["contexts"][0]["context"])
            width, height = viewport
            await connection.send(
                "browsingContext.setViewport",
                {"context": tab.context, "viewport": {"width": width, "height": height}},
            )
            try:
                yield tab
            finally:
                with suppress(BiDiError, TimeoutError):  # Firefox may hang up first
                    await asyncio.wait_for(connection.send("browser.close", {}), 5)
    finally:
        if process.returncode is None:
            with suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 5)
        if process.returncode is None:
            process.kill()
            await process.wait()
        if drain is not None:
            await drain
