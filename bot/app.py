"""Wiring only: build the Application and its services from the configuration."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot.archive.builder import Archiver
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
from bot.media.filestore import FileStore
from bot.service.commits import Committed
from bot.service.directory import Directory
from bot.service.facade import build_service
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
    register_handlers(application)
    return application


def run_until_stopped(application: BotApplication, config: Config) -> None:
    """Receive updates until SIGINT or SIGTERM, then finish the update in hand, stop polling
    or the webhook server, and call post_shutdown (the scheduler, the sender, the database).
    An error at start (Telegram refusing the token, say) is raised to the caller."""
    webhook = config.webhook
    if webhook is None:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    asyncio.run(serve_until_stopped(application, webhook))


async def start_webhook(application: BotApplication, webhook: WebhookSettings) -> WebhookServer:
    """The webhook server alone, for callers that own the event loop (the tests); they stop
    it with `WebhookServer.stop`."""
    server = WebhookServer(application, webhook)
    await server.start()
    return server


async def _start_services(app: BotApplication, config: Config, options: BuildOptions) -> None:
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
    log.info("bot ready: %d members, SOP %s", len(directory.roster.members), config.sop.number)


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
