"""A local sandbox: the real bot polling the local fake Telegram (localbotapi), a demo office
with one member per role, and a web page showing each member's chat with the bot.
Run it with ``scripts/sandbox`` (or ``python -m sandbox``); see docs/sandbox.md."""
