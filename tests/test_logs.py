"""Logging: the bot token (part of every Bot API URL) never reaches a log line."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot import logcontext
from bot.logs import JsonFormatter, RedactToken, TextFormatter, setup_logging

TOKEN = "123456789:AAH-log-token_for_redaction_tests"
URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


class Capture(logging.Handler):
    """Keeps every record and the line the handler would have written."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@contextmanager
def redacting_logger(name: str, token: str) -> Iterator[tuple[logging.Logger, Capture]]:
    logger = logging.getLogger(f"tests.logs.{name}")
    handler = Capture()
    handler.addFilter(RedactToken(token))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


@pytest.fixture
def log(request: pytest.FixtureRequest) -> Iterator[tuple[logging.Logger, Capture]]:
    with redacting_logger(request.node.name, TOKEN) as pair:
        yield pair


def fail_with_token() -> None:
    raise RuntimeError(f"POST {URL} failed: 502 Bad Gateway")


# --- RedactToken -------------------------------------------------------------------------------


def test_token_given_as_a_percent_argument_is_logged_as_placeholder(log) -> None:
    logger, captured = log

    logger.info("HTTP Request: POST %s %s", URL, '"HTTP/1.1 200 OK"')

    assert captured.lines == [
        f"INFO {logger.name}: HTTP Request: POST "
        f'https://api.telegram.org/bot<TOKEN>/sendMessage "HTTP/1.1 200 OK"'
    ]


def test_token_inside_the_message_text_is_logged_as_placeholder(log) -> None:
    logger, captured = log

    logger.warning(f"retrying {URL} in 5 s; token {TOKEN} still valid")

    assert TOKEN not in captured.text
    assert captured.text.endswith(
        "retrying https://api.telegram.org/bot<TOKEN>/sendMessage in 5 s; token <TOKEN> still valid"
    )


def test_token_in_an_exceptions_text_is_logged_as_placeholder_with_the_traceback(log) -> None:
    logger, captured = log

    try:
        fail_with_token()
    except RuntimeError:
        logger.exception("sending the card failed")

    assert TOKEN not in captured.text
    assert "sending the card failed" in captured.text
    assert "Traceback (most recent call last)" in captured.text
    assert "in fail_with_token" in captured.text
    assert "RuntimeError: POST https://api.telegram.org/bot<TOKEN>/sendMessage failed" in (
        captured.text
    )


def test_token_in_a_chained_exception_is_logged_as_placeholder(log) -> None:
    logger, captured = log

    try:
        try:
            fail_with_token()
        except RuntimeError as exc:
            raise ConnectionError("Bot API unreachable") from exc
    except ConnectionError:
        logger.exception("polling stopped")

    assert TOKEN not in captured.text
    assert "ConnectionError: Bot API unreachable" in captured.text
    assert "bot<TOKEN>/sendMessage" in captured.text


def test_token_in_an_exception_with_percent_arguments_keeps_the_message(log) -> None:
    logger, captured = log

    try:
        fail_with_token()
    except RuntimeError:
        logger.error("sending %s to %d failed", "JDIH-2024-001", 111111111, exc_info=True)

    assert TOKEN not in captured.text
    assert "sending JDIH-2024-001 to 111111111 failed" in captured.text
    assert "bot<TOKEN>/sendMessage failed" in captured.text


def test_token_in_an_exception_whose_text_has_percent_escapes_is_redacted_not_lost(
    log, capsys: pytest.CaptureFixture[str]
) -> None:
    logger, captured = log

    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{TOKEN}/getFile?file_id=AB%2FCD")
    except RuntimeError:
        logger.error("downloading %s failed", "photo", exc_info=True)

    assert TOKEN not in capsys.readouterr().err
    assert "downloading photo failed" in captured.text
    assert "bot<TOKEN>/getFile?file_id=AB%2FCD" in captured.text


def test_messages_without_the_token_pass_unchanged(log) -> None:
    logger, captured = log

    logger.info("item %s moved to step %s", "JDIH-2024-001", "desain")
    try:
        raise ValueError("no such item JDIH-9")
    except ValueError:
        logger.exception("lookup failed for %s", "JDIH-9")

    first, second = captured.records
    assert (first.msg, first.args) == ("item %s moved to step %s", ("JDIH-2024-001", "desain"))
    assert captured.lines[0].endswith("item JDIH-2024-001 moved to step desain")
    assert (second.msg, second.args) == ("lookup failed for %s", ("JDIH-9",))
    assert second.exc_info is not None
    assert "ValueError: no such item JDIH-9" in captured.lines[1]
    assert "<TOKEN>" not in captured.text


def test_empty_token_passes_everything_through() -> None:
    with redacting_logger("empty", "") as (logger, captured):
        logger.info("calling %s", URL)
        try:
            fail_with_token()
        except RuntimeError:
            logger.exception("failed")

    assert captured.records[0].args == (URL,)
    assert captured.lines[0].endswith(f"calling {URL}")
    assert captured.records[1].exc_info is not None
    assert f"RuntimeError: POST {URL} failed" in captured.lines[1]
    assert "<TOKEN>" not in captured.text


def test_malformed_logging_call_does_not_raise_into_the_caller(
    log, capsys: pytest.CaptureFixture[str]
) -> None:
    logger, _ = log

    logger.error("item %s moved to %s", "JDIH-1")  # one argument short

    assert TOKEN not in capsys.readouterr().err


# --- setup_logging -----------------------------------------------------------------------------


@contextmanager
def isolated_logging() -> Iterator[logging.Logger]:
    """Runs setup_logging on a bare root logger and puts every touched setting back after."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    filters = {handler: handler.filters[:] for handler in handlers}
    levels = {name: logging.getLogger(name).level for name in ("", "httpx", "apscheduler")}
    root.handlers = []
    try:
        yield root
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers = handlers
        for handler, saved in filters.items():
            handler.filters = saved
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_setup_logging_silences_httpx_request_urls_and_redacts_the_token() -> None:
    with isolated_logging() as root:
        setup_logging(TOKEN)
        assert len(root.handlers) == 1
        handler = root.handlers[0]
        stream = io.StringIO()
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)

        logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', URL)
        logging.getLogger("apscheduler").info("Running job %s", "reminders")
        logging.getLogger("bot.test").info("started with %s", URL)
        logging.getLogger("httpx").warning("retrying %s", URL)

        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("apscheduler").getEffectiveLevel() == logging.WARNING
        assert any(isinstance(f, RedactToken) for f in handler.filters)
        output = stream.getvalue()

    assert TOKEN not in output
    assert "HTTP Request" not in output
    assert "Running job" not in output
    assert "INFO bot.test: started with https://api.telegram.org/bot<TOKEN>/sendMessage" in output
    assert "WARNING httpx: retrying https://api.telegram.org/bot<TOKEN>/sendMessage" in output


# --- one line per event, text or JSON, with what it is about (issue 17) -----------------------


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            fail_with_token()
        except RuntimeError:
            exc_info = sys.exc_info()
    return logging.LogRecord("bot.test", logging.ERROR, __file__, 1, message, args, exc_info)


def _formatted(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    RedactToken(TOKEN).filter(record)  # as the handler does before formatting
    return formatter.format(record)


def test_json_lines_carry_the_item_and_member_in_hand_and_never_the_token() -> None:
    record = _record("sending %s failed", URL, exc=True)
    with logcontext.scope(update=77, member=111111111, item="JDIH-2026-0007"):
        line = _formatted(JsonFormatter(TOKEN), record)

    assert "\n" not in line and TOKEN not in line
    event = json.loads(line)
    assert event["level"] == "ERROR" and event["logger"] == "bot.test"
    assert event["message"].startswith("sending https://api.telegram.org/bot<TOKEN>/sendMessage")
    assert (event["item"], event["member"], event["update"]) == ("JDIH-2026-0007", 111111111, 77)
    assert "Traceback (most recent call last)" in event["message"] + event.get("exception", "")
    assert event["time"].endswith("+00:00")


def test_a_json_line_outside_any_update_names_no_item_or_member() -> None:
    event = json.loads(_formatted(JsonFormatter(TOKEN), _record("scheduler started")))
    assert set(event) == {"time", "level", "logger", "message"}


def test_a_token_only_the_formatter_sees_is_redacted_too() -> None:
    """A stack (stack_info) is not looked at by RedactToken; the finished line is."""
    record = _record("polling")
    record.stack_info = f"Stack (most recent call last):\n  calling {URL}"
    for formatter in (JsonFormatter(TOKEN), TextFormatter(TOKEN)):
        line = formatter.format(record)
        assert TOKEN not in line and "<TOKEN>" in line and "\n" not in line


def test_text_lines_keep_a_traceback_on_the_events_line_and_name_the_item() -> None:
    record = _record("row %s failed", 5, exc=True)
    with logcontext.scope(member=222, item="JDIH-2026-0001"):
        line = _formatted(TextFormatter(TOKEN), record)

    assert "\n" not in line and TOKEN not in line
    assert "ERROR bot.test: row 5 failed" in line
    assert "[member=222 item=JDIH-2026-0001]" in line
    assert "\\nTraceback (most recent call last):\\n" in line


def test_setup_logging_json_writes_one_json_object_a_line() -> None:
    with isolated_logging() as root:
        setup_logging(TOKEN, fmt="json")
        handler = root.handlers[0]
        stream = io.StringIO()
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        logging.getLogger("bot.test").info("started with %s", URL)
        logging.getLogger("httpx").info("HTTP Request: POST %s", URL)
        output = stream.getvalue()

    lines = output.splitlines()
    assert len(lines) == 1 and TOKEN not in output
    assert json.loads(lines[0])["message"] == (
        "started with https://api.telegram.org/bot<TOKEN>/sendMessage"
    )
