"""The web page and its small JSON API, served on 127.0.0.1 only.

GET  /                      the page (static/index.html, app.js, style.css)
GET  /api/state             office, clock, members (with unread ids and last line), commands
GET  /api/chat/{user_id}    that member's chat with the bot, and the toasts of their presses
GET  /api/events            Server-Sent Events: the change counter, whenever it moves
GET  /api/file/{file_id}    a file's bytes (photos, documents) from the fake Telegram
POST /api/send              {user_id, text, reply_to?}
POST /api/upload            multipart: user_id, file, caption?, reply_to?
POST /api/press             {user_id, message_id, data}
POST /api/clock             {step: "15m" | "1h" | "next-day"}
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from handlers.context import SERVICES_KEY
from sandbox import office
from sandbox.chat import chat_json, summary_json
from sandbox.clockview import ClockStep
from sandbox.runtime import Sandbox

STATIC = Path(__file__).parent / "static"
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram takes bigger files; the bot refuses over 20 MB itself
MAX_TEXT = 4096  # Telegram's limit for one message
KEEPALIVE_S = 15.0
SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
    (b"GIF8", "image/gif"),
)


def _sandbox(request: web.Request) -> Sandbox:
    sandbox = request.app[SANDBOX_KEY]
    if sandbox.config is None:  # the page is served from the moment the port is bound
        raise web.HTTPServiceUnavailable(text="the sandbox is starting")
    return sandbox


GUEST_TITLE = "Tamu (belum anggota)"


def _role_title(sandbox: Sandbox, person: office.DemoMember) -> str:
    """The roles the bot knows them by now (a guest invited with /undang gains one)."""
    assert sandbox.config is not None
    sop = sandbox.config.sop
    services = sandbox.app.bot_data.get(SERVICES_KEY) if sandbox.app is not None else None
    member = (
        services.service.context.directory.roster.members.get(person.user_id) if services else None
    )
    if member is not None and member.roles:
        return sop.role_titles(member.roles)
    return sop.roles[person.role].title if person.role in sop.roles else GUEST_TITLE


def _member_id(value: Any) -> int:
    try:
        user_id = int(value)
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(text="user_id must be a number") from None
    if office.member(user_id) is None:
        raise web.HTTPNotFound(text=f"no member {user_id} in the demo office")
    return user_id


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(text=f"not a number: {value!r}") from None


async def _json_body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":  # a form post from elsewhere is refused
        raise web.HTTPUnsupportedMediaType(text="expected application/json")
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected a JSON body") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


# ----------------------------------------------------------------------------- reading
async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def get_state(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    state = sandbox.server.state
    assert sandbox.config is not None  # _sandbox() checked
    members = [
        {
            "id": m.user_id,
            "name": m.name,
            "role": m.role,
            "role_title": _role_title(sandbox, m),
            # their own menu (per-chat scope, set from their roles), else the bot's default
            "commands": sandbox.server.my_commands({"type": "chat", "chat_id": m.user_id})
            or sandbox.server.my_commands(),
            **summary_json(state, m.user_id),
        }
        for m in office.PEOPLE
    ]
    members.append(
        {
            "id": office.CHANNEL_ID,
            "name": office.CHANNEL_TITLE,
            "role": "channel",
            "role_title": f"@{office.CHANNEL_USERNAME} · kanal Telegram kantor",
            "channel": True,
            "commands": [],
            **summary_json(state, office.CHANNEL_ID),
        }
    )
    return web.json_response(
        {
            "version": sandbox.version,
            "last_toast_id": sandbox.last_toast_id,
            "office": sandbox.config.office_name,
            "bot": {"name": state.bot_user["first_name"], "username": state.bot_user["username"]},
            "clock": sandbox.clock_json(),
            "members": members,
            "commands": sandbox.server.my_commands(),
        }
    )


async def get_chat(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    raw_id = request.match_info["user_id"]
    # the office's channel is read here too (read-only: nobody speaks as it)
    user_id = office.CHANNEL_ID if raw_id == str(office.CHANNEL_ID) else _member_id(raw_id)
    toasts = sandbox.page.toasts.get(user_id, [])
    return web.json_response(
        {
            "version": sandbox.version,
            "messages": chat_json(sandbox.server.state, user_id, sandbox.page.stamps),
            "toasts": [{"id": t.id, "text": t.text, "alert": t.alert} for t in toasts],
        }
    )


async def events(request: web.Request) -> web.StreamResponse:
    """The page refetches when the counter moves; comments keep idle connections open."""
    sandbox = _sandbox(request)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    sent = -1
    while not sandbox.closing:
        if sandbox.version != sent:
            sent = sandbox.version
            await response.write(f"data: {sent}\n\n".encode())
        else:
            await response.write(b": still here\n\n")
        await sandbox.updated.wait(KEEPALIVE_S)
    return response


def _content_type(content: bytes, mime: str | None, name: str | None) -> str:
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if mime:
        return mime
    return (mimetypes.guess_type(name)[0] if name else None) or "application/octet-stream"


async def get_file(request: web.Request) -> web.Response:
    stored = _sandbox(request).server.state.files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound(text="no such file")
    disposition = "attachment" if request.query.get("download") else "inline"
    headers = {"Cache-Control": "private, max-age=86400"}  # a file_id never changes content
    if stored.file_name:
        safe = stored.file_name.replace('"', "").replace("\\", "")
        headers["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    return web.Response(
        body=stored.content,
        content_type=_content_type(stored.content, stored.mime_type, stored.file_name),
        headers=headers,
    )


# ------------------------------------------------------------------------------ acting
async def post_send(request: web.Request) -> web.Response:
    body = await _json_body(request)
    user_id = _member_id(body.get("user_id"))
    text = str(body.get("text") or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise web.HTTPBadRequest(text=f"text must be 1 to {MAX_TEXT} characters")
    await _sandbox(request).send_text(user_id, text, _optional_int(body.get("reply_to")))
    return web.json_response({"ok": True})


async def post_upload(request: web.Request) -> web.Response:
    fields: dict[str, str] = {}
    upload: tuple[str, str, bytes] | None = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file":
            name = part.filename or "file"
            mime = part.headers.get("Content-Type") or mimetypes.guess_type(name)[0]
            upload = (name, mime or "application/octet-stream", await part.read())
        elif part.name:
            fields[part.name] = await part.text()
    if upload is None:
        raise web.HTTPBadRequest(text="no file")
    user_id = _member_id(fields.get("user_id"))
    name, mime, content = upload
    caption = fields.get("caption", "").strip()[:1024] or None
    reply_to = _optional_int(fields.get("reply_to"))
    await _sandbox(request).send_file(user_id, content, name, mime, caption, reply_to)
    return web.json_response({"ok": True})


async def post_press(request: web.Request) -> web.Response:
    body = await _json_body(request)
    user_id = _member_id(body.get("user_id"))
    message_id = _optional_int(body.get("message_id"))
    data = body.get("data")
    if message_id is None or not isinstance(data, str) or not data:
        raise web.HTTPBadRequest(text="message_id and data are needed")
    await _sandbox(request).press(user_id, message_id, data)
    return web.json_response({"ok": True})


async def post_clock(request: web.Request) -> web.Response:
    body = await _json_body(request)
    try:
        step = ClockStep(body.get("step"))
    except ValueError:
        choices = [s.value for s in ClockStep]
        raise web.HTTPBadRequest(text=f"step must be one of {choices}") from None
    sandbox = _sandbox(request)
    sandbox.move_clock(step)
    return web.json_response({"ok": True, "clock": sandbox.clock_json()})


@web.middleware
async def same_origin_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Only this page may act: another site open in the same browser cannot post here
    (its Origin differs), nor reach it through a rebound DNS name (its Host differs)."""
    host = request.host.rsplit(":", 1)[0]
    if host not in _LOOPBACK_NAMES:
        raise web.HTTPForbidden(text="the sandbox answers on 127.0.0.1 only")
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin is not None and origin != f"http://{request.host}":
        raise web.HTTPForbidden(text="cross-origin requests are refused")
    return await handler(request)


def make_app(sandbox: Sandbox) -> web.Application:
    # multipart parts are read whole, so the limit is the body size aiohttp accepts
    app = web.Application(client_max_size=MAX_UPLOAD, middlewares=[same_origin_only])
    app[SANDBOX_KEY] = sandbox
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/api/state", get_state)
    app.router.add_get("/api/chat/{user_id}", get_chat)
    app.router.add_get("/api/events", events)
    app.router.add_get("/api/file/{file_id}", get_file)
    app.router.add_post("/api/send", post_send)
    app.router.add_post("/api/upload", post_upload)
    app.router.add_post("/api/press", post_press)
    app.router.add_post("/api/clock", post_clock)
    return app


async def serve(sandbox: Sandbox, port: int) -> web.AppRunner:
    """Listen on 127.0.0.1:port (0: a free port); the caller cleans the runner up."""
    runner = web.AppRunner(
        make_app(sandbox), handler_cancellation=True, access_log=None, shutdown_timeout=1.0
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def bound_port(runner: web.AppRunner) -> int:
    return int(runner.addresses[0][1])
