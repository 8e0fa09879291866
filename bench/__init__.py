"""The benchmark: how fast the bot moves items through the SOP, beside a bare
python-telegram-bot bot, and how it holds up with a large office history.

Run it with ``.venv/bin/python -m bench`` (``--help`` lists the options); the figures and the
machine they came from are in docs/performance.md.
"""
