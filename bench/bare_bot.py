"""The yardstick: a bare python-telegram-bot bot that answers a button press with one message.

Same library and polling settings as the bot (run_polling's defaults, no rate limiter), and
as many updates in progress at once as the bot's own update processor allows; no database
and no work: what is left is PTB, HTTP and JSON. Stock, it talks HTTP as python-telegram-bot
does by default (httpx), what a developer would pick instead of this bot; with
``--http aiohttp`` it uses the bot's own transport (bot/delivery/http.py), sized as PTB sizes
its own, so the gap between the bot and it is the bot's work alone.
``python -m bench.bare_bot --base-url URL --file-url URL [--http aiohttp]`` (the token from
JDIH_BOT_TOKEN).
"""

from __future__ import annotations

import argparse
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.config.telegram import HTTP_TRANSPORTS
from bot.delivery.http import AiohttpRequest
from bot.delivery.processor import MAX_CONCURRENT_UPDATES
from bot.health.requests import POLL_POOL, SEND_POOL

STOCK = "httpx"  # python-telegram-bot's default transport


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press, then send one message with a button to press next."""
    query = update.callback_query
    assert query is not None and query.message is not None and query.data is not None
    await query.answer()
    keyboard = InlineKeyboardMarkup.from_button(
        InlineKeyboardButton("Lagi", callback_data=query.data)
    )
    await context.bot.send_message(
        query.message.chat.id, f"Diterima: {query.data}", reply_markup=keyboard
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_bot", description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--file-url", required=True)
    parser.add_argument(
        "--http", choices=HTTP_TRANSPORTS, default=STOCK, help=f"transport ({STOCK}: stock)"
    )
    args = parser.parse_args()
    builder = (
        Application.builder()
        .token(os.environ["JDIH_BOT_TOKEN"])
        .base_url(args.base_url)
        .base_file_url(args.file_url)
        .concurrent_updates(MAX_CONCURRENT_UPDATES)
    )
    if args.http != STOCK:
        builder = builder.request(AiohttpRequest(SEND_POOL))
        builder = builder.get_updates_request(AiohttpRequest(POLL_POOL))
    application = builder.build()
    application.add_handler(CallbackQueryHandler(on_press))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
