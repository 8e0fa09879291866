"""Wiring only: build the Application and its services from the configuration."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from dataclasses import dataclass

from telegram import BotCommandScopeChat, Update
from telegram.error import Conflict, TelegramError
from telegram.ext import Application, ApplicationBuilder, ApplicationHandlerStop, ContextTypes
from telegram.request import BaseRequest

from bot.archive.builder import Archiver
from bot.backup.daily import DailyBackup
from bot.config import Config, WebhookSettings
from bot.delivery import menus
from bot.delivery.frontdoor import FrontDoor
from bot.delivery.inbox import Inbox, JournalingQueue, journal_whole_batches
from bot.delivery.processor import PerUserUpdateProcessor
from bot.delivery.ratelimit import OfficeRateLimiter
from bot.delivery.report_delivery import ReportDelivery
from bot.delivery.scheduler import ReminderScheduler
from bot.delivery.sender import OutboxSender
from bot.delivery.webhook import WebhookServer, serve_until_stopped
from bot.domain.clock import Clock, SystemClock
from bot.domain.roster import RosterMember
from bot.instance import AnotherInstance, ConflictWatch, InstanceLock, watch_conflicts
from bot.media.filestore import FileStore
from bot.service.commits import Committed
from bot.service.directory import Directory
from bot.service.facade import build_service
from bot.service.holiday_data import warn_if_holidays_stale
from bot.service.reminders import ReminderService
from bot.service.report_schedule import ReportSchedule
from bot.service.reports import Reports
from handlers import ADMIN_COMMANDS, BOT_COMMANDS, register_handlers
from handlers.context import SERVICES_KEY, BotApplication, BotContext, Services
from handlers.render import TelegramRenderer
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)

# PTB 22 warns on every RetryAfter unless durations are timedeltas, as they will be in PTB 23.
os.environ.setdefault("PTB_TIMEDELTA", "1")
# bot_data: the instance lock held for the run, and why another bot made this one stop
INSTANCE_LOCK_KEY = "instance_lock"
DISPLACED_KEY = "displaced_by"
DAILY_BACKUP_KEY = "daily_backup"  # set when [backup] daily = true


@dataclass(slots=True)
class BuildOptions:
    clock: Clock
    rate_limit: bool = True  # off in tests: the local server does not throttle
    set_commands: bool = True
    # tests: a recording request in place of HTTP (tests/recording.py), as PTB's own tests do
    request: BaseRequest | None = None


def build_application(config: Config, options: BuildOptions | None = None) -> BotApplication:
    options = options or BuildOptions(clock=SystemClock())
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .token(config.telegram.token)
        .base_url(config.telegram.api_base_url)
        .base_file_url(config.telegram.file_base_url)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerUserUpdateProcessor())
        .update_queue(JournalingQueue())
        .post_init(lambda app: _start_services(app, config, options))
        .post_shutdown(_stop_services)
    )
    if options.rate_limit:
        builder = builder.rate_limiter(OfficeRateLimiter())
    if options.request is not None:
        builder = builder.request(options.request).get_updates_request(options.request)
    application: BotApplication = builder.build()
    application.add_error_handler(_conflict_told)  # before the handlers' own error handler
    register_handlers(application)
    return application


async def _conflict_told(_update: object, context: BotContext) -> None:
    """A 409 Conflict from getUpdates was already judged and logged by the ConflictWatch
    (bot/instance.py): no traceback from the last-resort error handler."""
    if isinstance(context.error, Conflict):
        raise ApplicationHandlerStop


def run_until_stopped(application: BotApplication, config: Config) -> None:
    """Receive updates until SIGINT or SIGTERM, then finish the update in hand, stop polling
    or the webhook server, and call post_shutdown (the scheduler, the sender, the database).
    An error at start (Telegram refusing the token, say) is raised to the caller."""
    webhook = config.webhook
    if webhook is None:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    else:
        asyncio.run(serve_until_stopped(application, webhook))
    displaced: AnotherInstance | None = application.bot_data.get(DISPLACED_KEY)
    if displaced is not None:
        raise displaced


async def start_webhook(application: BotApplication, webhook: WebhookSettings) -> WebhookServer:
    """The webhook server alone, for callers that own the event loop (the tests); they stop
    it with `WebhookServer.stop`."""
    server = WebhookServer(application, webhook)
    await server.start()
    return server


async def _start_services(app: BotApplication, config: Config, options: BuildOptions) -> None:
    # One bot per database (before anything touches it) and per token; AnotherInstance
    # ends the start, or later the run, with its message (bot/instance.py).
    def displaced(reason: AnotherInstance) -> None:
        app.bot_data[DISPLACED_KEY] = reason
        if config.webhook is None:
            app.stop_running()  # run_polling's loop
        else:
            os.kill(os.getpid(), signal.SIGTERM)  # serve_until_stopped stops on it

    app.bot_data[INSTANCE_LOCK_KEY] = await InstanceLock.acquire(
        config.database_url, options.clock.now(), on_lost=displaced
    )
    watch_conflicts(app.updater, ConflictWatch(displaced))
    engine = create_engine(config.database_url)
    await upgrade_to_head(engine)
    factory = session_factory(engine)
    zone, clock = config.timezone, options.clock
    directory = Directory(
        config.members,
        config.role_chats,
        today=lambda: clock.now().astimezone(zone).date(),
        admins=config.telegram.admins,
    )
    calendar = config.calendar

    # The service's commits wake the sender and the scheduler, built below (before the
    # first update arrives, so before any commit).
    def after_commit(committed: Committed) -> None:
        """A use case committed messages owed or a reminder: deliver them now, and move the
        reminder schedule if the reminder comes before its planned look (no query)."""
        if committed.owed:
            sender.wake()
        scheduler.reminder_set(committed.remind_at)

    service = build_service(
        factory,
        config.sop,
        directory,
        calendar,
        options.clock,
        on_commit=after_commit,
    )
    archiver = Archiver(factory, config.sop, calendar, config.archive_dir, config.office_name)
    report = config.report
    reports = Reports(service.context, threshold=report.threshold, office=config.office_name)
    sender = OutboxSender(
        app.bot,
        factory,
        service.reads,
        service.messages,
        config.sop,
        config.timezone,
        options.clock,
        directory,
        archiver,
        TelegramRenderer(config.sop, config.timezone, config),
        reports=ReportDelivery(app.bot, factory, reports),
    )
    reminders = ReminderService(factory, config.sop, directory, calendar, config.reminders)
    scheduler = ReminderScheduler(
        reminders,
        options.clock,
        sender.wake,
        also=service.new_day,
        reports=ReportSchedule(service.context, report),
    )
    # config.toml's members seed the database once; from then on the database wins
    await service.people.seed(RosterMember(m.user_id, m.name, m.roles) for m in config.members)
    await service.load_roster()
    files = FileStore(config.files_dir)
    await _open_inbox(
        app, Inbox(factory, options.clock), FrontDoor(directory.may_enter, options.clock, app.bot)
    )
    app.bot_data[SERVICES_KEY] = Services(config, service, sender, scheduler, files, reports)
    app.bot_data["engine"] = engine
    if options.set_commands:
        await _set_commands(app, directory.admins)
        # each member's own menu, and again when their roles change
        await menus.refresh_all(app.bot, config, directory)
        service.roster_watchers.append(
            lambda before, since, after: menus.refresh_changed(
                app.bot, config, directory, before, since, after
            )
        )
    sender.start()
    await scheduler.start()
    if config.backup.daily:
        _schedule_daily_backup(app, DailyBackup(config, factory, options.clock, sender.wake))
    await warn_if_holidays_stale(service.context)  # the admins hear it through the outbox
    log.info("bot ready: %d members, SOP %s", len(directory.roster.members), config.sop.number)


def _schedule_daily_backup(app: BotApplication, daily: DailyBackup) -> None:
    """[backup] daily: one job a day at backup.time, office time (PTB's job queue)."""

    async def backup_job(_context: object) -> None:
        await daily.run()

    settings = daily.config.backup
    assert app.job_queue is not None  # python-telegram-bot[job-queue]
    app.job_queue.run_daily(
        backup_job, settings.time.replace(tzinfo=daily.config.timezone), name="daily-backup"
    )
    app.bot_data[DAILY_BACKUP_KEY] = daily


async def _open_inbox(app: BotApplication, inbox: Inbox, door: FrontDoor) -> None:
    """From now on every update is written down before it is handled (a non-member's is
    only answered, and most are dropped at the door); those a crash cut off are handled
    first."""
    queue = app.update_queue
    processor = app.update_processor
    assert isinstance(queue, JournalingQueue) and isinstance(processor, PerUserUpdateProcessor)
    await queue.replay(await inbox.unfinished(app.bot))
    queue.inbox, queue.door = inbox, door
    journal_whole_batches(app.updater, queue)
    processor.handling, processor.door = inbox.handling, door


async def _set_commands(app: BotApplication, admins: frozenset[int]) -> None:
    """The command menu; admins also see the admin commands in their private chat."""
    await app.bot.set_my_commands(BOT_COMMANDS)
    for admin in sorted(admins):
        try:
            await app.bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except TelegramError as exc:  # an admin who never pressed Start has no chat yet
            log.warning("admin %s: command menu not set: %s", admin, exc)


async def _stop_services(app: BotApplication) -> None:
    services: Services | None = app.bot_data.get(SERVICES_KEY)
    if services is not None:
        await services.scheduler.stop()
        await services.sender.stop()
        log.info("scheduler and outbox sender stopped")
    engine = app.bot_data.get("engine")
    if engine is not None:
        await engine.dispose()
        log.info("database closed")
    lock: InstanceLock | None = app.bot_data.pop(INSTANCE_LOCK_KEY, None)
    if lock is not None:
        await lock.release()
