"""Fetching an uploaded file into the bot's own store, and checking it on the way in."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import ssl
from pathlib import Path, PurePath

import anyio
import httpx
from telegram import Bot
from telegram.error import BadRequest, NetworkError

from bot.media.filestore import FileStore, sha256_of
from bot.media.images import (
    MAX_DOWNLOAD_BYTES,
    DesignFileRejected,
    FileKind,
    check_design_file,
    too_big_reason,
)
from bot.media.workers import in_image_thread
from bot.service.views import FileRef

_SUFFIXES = {
    FileKind.PNG: ".png",
    FileKind.JPEG: ".jpg",
    FileKind.PDF: ".pdf",
    FileKind.MP4: ".mp4",
}


_CHUNK = 256 * 1024
_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@functools.cache
def _tls() -> ssl.SSLContext:
    # Building an SSL context loads the whole CA bundle (~20 ms of CPU, a tenth of the bot's
    # CPU in the benchmark): build it once, not for every download.
    return httpx.create_ssl_context()


def _too_big(size: int) -> DesignFileRejected:
    return DesignFileRejected(too_big_reason(size))


async def _download(bot: Bot, store: FileStore, file: FileRef) -> Path:
    # Telegram's Bot API serves files up to 20 MB; refuse bigger ones before asking.
    if file.file_size and file.file_size > MAX_DOWNLOAD_BYTES:
        raise _too_big(file.file_size)
    target = store.incoming()
    try:
        telegram_file = await bot.get_file(file.file_id)
        await _stream_to_disk(telegram_file.file_path or "", target)
    except BadRequest as exc:
        store.discard(target)
        if "too big" in str(exc).lower():
            raise _too_big(file.file_size or MAX_DOWNLOAD_BYTES + 1) from exc
        raise
    except BaseException:
        store.discard(target)
        raise
    return target


async def _stream_to_disk(url: str, target: Path) -> None:
    """Chunk by chunk, never the whole file in memory; at most 20 MB, whatever the server
    claims. The URL holds the bot token, so errors name the status, never the URL."""
    written = 0
    client = httpx.AsyncClient(timeout=_TIMEOUT, verify=_tls())
    async with client, client.stream("GET", url) as got:
        if got.status_code != httpx.codes.OK:
            raise NetworkError(f"file download failed: HTTP {got.status_code}")
        async with await anyio.open_file(target, "wb") as out:
            async for chunk in got.aiter_bytes(_CHUNK):
                written += len(chunk)
                if written > MAX_DOWNLOAD_BYTES:
                    raise _too_big(written)
                await out.write(chunk)


async def fetch_design(bot: Bot, store: FileStore, file: FileRef) -> FileRef:
    """Download and check a design page; DesignFileRejected says what was wrong."""
    downloaded = await _download(bot, store, file)
    declared_mime = file.mime_type if file.kind != "photo" else None
    try:
        # Pillow and hashing are CPU work: off the event loop, so other users are not held up;
        # in the image thread, so uploads arriving together are decoded one at a time.
        check = await in_image_thread(
            check_design_file,
            downloaded,
            declared_name=file.file_name,
            declared_mime=declared_mime,
        )
    except BaseException:
        store.discard(downloaded)
        raise
    kept = store.keep(downloaded, check.sha256, _SUFFIXES[check.kind])
    return dataclasses.replace(
        file,
        sha256=check.sha256,
        stored_path=str(kept),
        width=check.width,
        height=check.height,
        file_size=check.size,
    )


async def fetch_material(bot: Bot, store: FileStore, file: FileRef) -> FileRef:
    """Keep a copy of a material file for the archive; a file Telegram will not hand out
    (over 20 MB) is kept by file_id only."""
    try:
        downloaded = await _download(bot, store, file)
    except DesignFileRejected:
        return file
    digest = await asyncio.to_thread(sha256_of, downloaded)
    suffix = PurePath(file.file_name or "").suffix[:10]
    kept = store.keep(downloaded, digest, suffix)
    return dataclasses.replace(file, sha256=digest, stored_path=str(kept))
