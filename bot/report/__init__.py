"""The monitoring report's files: the XLSX workbook (bot.report.workbook) and the CSV of events
(bot.report.eventlog), drawn from a `bot.domain.monitoring.Report` (built by
`bot.service.reports.Reports`). No Telegram and no database here: the chat and the command line
both hand a report in and get bytes or a file.

Nothing is imported here: importing any of the package's modules would otherwise load
XlsxWriter (~2 MB the running bot holds only once a report is made)."""
