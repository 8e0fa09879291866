"""Wiring only: build the Application and its services from the configuration."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import Conflict
from telegram.ext import Application, ApplicationBuilder, ApplicationHandlerStop, ContextTypes
from telegram.request import BaseRequest

from bot.archive.builder import Archiver
from bot.config import Config, WebhookSettings
from bot.delivery import menus
from bot.delivery.channel import ChannelSender
from bot.delivery.frontdoor import FrontDoor
from bot.delivery.inbox import Inbox, JournalingQueue, journal_whole_batches
from bot.delivery.outage import (
    WATCH_KEY,
    DatabaseWatch,
    on_handler_error,
    owe_database_alarm,
    select_one,
)
from bot.delivery.processor import PerUserUpdateProcessor
from bot.delivery.ratelimit import OfficeRateLimiter
from bot.delivery.report_delivery import ReportDelivery
from bot.delivery.scheduler import ReminderScheduler
from bot.delivery.sender import OutboxSender
from bot.domain.clock import Clock, SystemClock
from bot.domain.roster import RosterMember
from bot.domain.sop_catalog import takedown_sop_line
from bot.health.checks import WebhookCheck
from bot.health.metrics import Metrics
from bot.health.requests import ObservedRequest
from bot.instance import AnotherInstance, ConflictWatch, InstanceLock, watch_conflicts
from bot.media.filestore import FileStore
from bot.service.commits import Committed
from bot.service.directory import Directory
from bot.service.facade import build_service
from bot.service.holiday_data import warn_if_holidays_stale
from bot.service.reminders import ReminderService
from bot.service.report_schedule import ReportSchedule
from bot.service.reports import Reports
from bot.service.sop_snapshots import store_and_restore, tell_retired
from handlers import BOT_COMMANDS, register_handlers
from handlers.context import SERVICES_KEY, BotApplication, BotContext, Services
from handlers.render import TelegramRenderer
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head

# What only some configurations use is imported when they do: the daily backup, the webhook
# server and the monitoring server (aiohttp's web half). A module imported stays in memory
# for the whole run, used or not.
if TYPE_CHECKING:
    from bot.backup.daily import DailyBackup
    from bot.delivery.webhook import WebhookServer
    from bot.health.server import HealthServer

log = logging.getLogger(__name__)

# PTB 22 warns on every RetryAfter unless durations are timedeltas, as they will be in PTB 23.
os.environ.setdefault("PTB_TIMEDELTA", "1")
# bot_data: the instance lock held for the run, and why another bot made this one stop
INSTANCE_LOCK_KEY = "instance_lock"
DISPLACED_KEY = "displaced_by"
DAILY_BACKUP_KEY = "daily_backup"  # set when [backup] daily = true
METRICS_KEY = "metrics"  # the bot's counters and gauges (bot/health/metrics.py)
HEALTH_KEY = "health_server"  # set when [monitoring] port is given
REQUESTS_KEY = "bot_api_requests"  # the bot's two HTTP requests (sending, getUpdates)


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
    # every Bot API call observed: failures counted by kind, getUpdates answers timed
    metrics = Metrics()
    sending, polling = ObservedRequest.pair(
        metrics, config.telegram.http, options.request, polling=config.webhook is None
    )
    builder = builder.request(sending).get_updates_request(polling)
    application: BotApplication = builder.build()
    application.bot_data[METRICS_KEY] = metrics
    application.bot_data[REQUESTS_KEY] = (sending, polling)
    # before the handlers' own error handler: a conflict judged already; a database away
    application.add_error_handler(_conflict_told)
    application.add_error_handler(on_handler_error)
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
        from bot.delivery.webhook import serve_until_stopped

        asyncio.run(serve_until_stopped(application, webhook))
    displaced: AnotherInstance | None = application.bot_data.get(DISPLACED_KEY)
    if displaced is not None:
        raise displaced


async def start_webhook(application: BotApplication, webhook: WebhookSettings) -> WebhookServer:
    """The webhook server alone, for callers that own the event loop (the tests); they stop
    it with `WebhookServer.stop`."""
    from bot.delivery.webhook import WebhookServer

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
    app.bot_data["engine"] = engine  # closed by _stop_services, even after a failed start
    await upgrade_to_head(engine)
    factory = session_factory(engine)
    # each SOP's content stored; an SOP whose file is gone while items follow it, rebuilt
    # from its stored copy to run them on (SopsNotRunnable: an item's step is gone)
    catalog, retired = await store_and_restore(factory, config.sops, options.clock.now())
    config = replace(config, sops=catalog)
    metrics: Metrics = app.bot_data[METRICS_KEY]
    watch = DatabaseWatch(select_one(engine), options.clock, on_lost=metrics.database_lost)
    app.bot_data[WATCH_KEY] = watch
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
        if committed.decision is not None:
            step, action = committed.decision
            metrics.decided(step, action)
            log.info("decision %s at step %s", action, step)  # with the item and member

    service = build_service(
        factory,
        config.sop,
        directory,
        calendar,
        options.clock,
        on_commit=after_commit,
        sops=config.sops,
        channel=config.publish.channel,
    )
    archiver = Archiver(factory, config.sops, calendar, config.archive_dir, config.office_name)
    report = config.report
    reports = Reports(service.context, threshold=report.threshold, office=config.office_name)
    sender = OutboxSender(
        app.bot,
        factory,
        service.reads,
        service.messages,
        config.sops,
        config.timezone,
        options.clock,
        directory,
        archiver,
        TelegramRenderer(config.sops, config.timezone, config),
        reports=ReportDelivery(app.bot, factory, reports),
        channel=(
            ChannelSender(
                app.bot,
                config.publish.channel,
                service.channel,
                service.reads,
                config.sops,
                directory,
            )
            if config.publish.channel
            else None
        ),
        previews=config.files_dir / "previews",
    )
    reminders = ReminderService(factory, config.sops, directory, calendar, config.reminders)
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
    inbox = Inbox(factory, options.clock)
    await _open_inbox(app, inbox, FrontDoor(directory.may_enter, options.clock, app.bot))
    _watch_health(app, config, options.clock, metrics, watch, inbox, sender, scheduler, directory)
    if config.monitoring.enabled:
        from bot.health.server import HealthServer, database_reader

        webhook = WebhookCheck(app.bot, config.monitoring) if config.webhook else None
        health = HealthServer(
            config.monitoring,
            metrics,
            database_reader(factory),
            options.clock,
            (config.backup.dir, config.timezone),
            webhook,
        )
        await health.start()
        app.bot_data[HEALTH_KEY] = health
    app.bot_data[SERVICES_KEY] = Services(config, service, sender, scheduler, files, reports)
    if options.set_commands:
        await app.bot.set_my_commands(BOT_COMMANDS)  # the default, for anyone else
        # each member's and admin's own menu, and again when their roles change
        await menus.refresh_all(app.bot, config, directory)
        service.roster_watchers.append(
            lambda before, since, after: menus.refresh_changed(
                app.bot, config, directory, before, since, after
            )
        )
    sender.start()
    await scheduler.start()
    if config.backup.daily:
        from bot.backup.daily import DailyBackup

        _schedule_daily_backup(app, DailyBackup(config, factory, options.clock, sender.wake))
    await warn_if_holidays_stale(service.context)  # the admins hear it through the outbox
    await tell_retired(service.context, retired)  # logged, and the admins told
    numbers = ", ".join(sop.number for sop in config.sops.sops)
    log.info("bot ready: %d members, SOP %s", len(directory.roster.members), numbers)
    takedown = config.sops.takedown
    if takedown is not None and takedown.draft:
        log.warning("%s", takedown_sop_line(config.sops))
    _freeze_startup_objects()


def _freeze_startup_objects() -> None:
    """What start-up built (modules, configuration, the roster, SQLAlchemy's mappers) lives as
    long as the process: kept out of the collector's full passes, which otherwise walk all of
    it and stall the loop for ~90 ms each (docs/performance.md, "Garbage collection"). Once a
    process: a second start in it (the tests start many bots) must not pin the first's
    leftovers."""
    if gc.get_freeze_count():
        return
    gc.collect()  # the garbage start-up left, freed before the rest is set aside
    gc.freeze()


def _watch_health(
    app: BotApplication,
    config: Config,
    clock: Clock,
    metrics: Metrics,
    watch: DatabaseWatch,
    inbox: Inbox,
    sender: OutboxSender,
    scheduler: ReminderScheduler,
    directory: Directory,
) -> None:
    """Issue 17's hooks: what each part counts (/metrics), and who waits for a database
    that went away and what happens once it is back (bot/delivery/outage.py)."""
    processor, queue = app.update_processor, app.update_queue
    assert isinstance(processor, PerUserUpdateProcessor) and isinstance(queue, JournalingQueue)
    processor.on_handled = metrics.update_handled
    sender.on_delivered = metrics.row_delivered
    inbox.outage = sender.outage = scheduler.outage = watch

    async def back(since: datetime, away: timedelta) -> None:
        """The admins are owed the alarm; what waited is delivered, looked at, handled."""
        await owe_database_alarm(
            inbox.factory, directory.admins, clock.now(), since, away, config.timezone
        )
        sender.wake()
        scheduler.poke()
        await queue.handle_again(inbox.take_held())

    watch.on_back = back


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


async def _stop_services(app: BotApplication) -> None:
    health: HealthServer | None = app.bot_data.pop(HEALTH_KEY, None)
    if health is not None:
        await health.stop()
    watch: DatabaseWatch | None = app.bot_data.pop(WATCH_KEY, None)
    if watch is not None:
        await watch.stop()
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
    # PTB's shutdown closes the bot's HTTP requests, but not after a start that failed (the
    # token refused): closed here too, else aiohttp logs an unclosed session at exit.
    for request in set(app.bot_data.pop(REQUESTS_KEY, ())):
        await request.shutdown()
