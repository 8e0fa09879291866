"""Pillow's work (the upload check, the review preview) in one thread of its own.

A design page decoded takes its pixels in memory (a 1080x1350 page: ~6 MB, 4 bytes a pixel),
and drawing a preview a few such images more. Run through `asyncio.to_thread`, uploads arriving
together were checked at once, each in a thread of the default pool (up to cpus + 4), each
holding its decoded page; glibc gives every thread that allocates a malloc arena of its own,
which keeps what was freed for that thread. In a burst the bot's memory grew with the threads,
not with the work. One thread decodes one image at a time, and reuses the same memory for the
next: the burst's peak is one image's worth, whatever the number of uploads waiting.

Nothing is lost on the bot's one core (Pillow work does not overlap there anyway); the loop
stays free while the thread works, as before.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Its thread starts with the first job and is joined at interpreter exit (concurrent.futures
# does that for every executor, asyncio's default one too).
_IMAGES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="images")


async def in_image_thread(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`asyncio.to_thread`, but in the one image thread: jobs wait their turn there. The
    caller's context variables go along, as with to_thread (the log lines' member and item)."""
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
    return await loop.run_in_executor(_IMAGES, call)
