"""The monitoring report's files: the XLSX workbook and the CSV of events, drawn from a
`bot.domain.monitoring.Report` (built by `bot.service.reports.Reports`). No Telegram and no
database here: the chat and the command line both hand a report in and get bytes or a file."""

from bot.report.eventlog import events_csv, write_events_csv
from bot.report.workbook import workbook_bytes, write_workbook

__all__ = ["events_csv", "workbook_bytes", "write_events_csv", "write_workbook"]
