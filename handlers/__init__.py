"""The one ordered list of handlers. Order matters: the member gate runs first (group -1),
commands before free text, and the catch-alls last."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from handlers import (
    admin,
    archive,
    buttons,
    commands,
    gate,
    leave,
    messages,
    people,
    report_chat,
    takedown,
)
from handlers.context import BotApplication
from handlers.errors import on_error

BOT_COMMANDS = texts.BOT_COMMANDS


def register_handlers(application: BotApplication) -> None:
    application.add_handler(TypeHandler(Update, gate.members_only), group=-1)
    # before the commands: CommandHandler also takes edited messages, and an edit is never
    # acted on (a message edited into "/batal KODE" must not cancel anything)
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, messages.on_edited))
    # an invitation link opened: /start with a parameter (handlers/people.py)
    application.add_handler(
        CommandHandler("start", people.start_link, filters.Regex(r"^/start(@\w+)?\s+\S"))
    )
    application.add_handler(CommandHandler("start", commands.start))
    application.add_handler(CommandHandler(["bantuan", "help"], commands.help_command))
    application.add_handler(CommandHandler("baru", commands.new_item))
    application.add_handler(CommandHandler("tugas", commands.tasks))
    application.add_handler(CommandHandler("status", commands.status))
    application.add_handler(CommandHandler("batal", commands.cancel))
    application.add_handler(CommandHandler("ralat", commands.correct))
    application.add_handler(CommandHandler("turunkan", takedown.take_down_command))
    application.add_handler(CommandHandler("arsip", archive.archive_command))
    application.add_handler(CommandHandler("antrean", admin.queue_command))
    application.add_handler(CommandHandler("kirimulang", admin.resend_command))
    application.add_handler(CommandHandler("undang", people.invite_command))
    application.add_handler(CommandHandler("anggota", people.members_command))
    application.add_handler(CommandHandler("cuti", leave.leave_command))
    application.add_handler(CommandHandler("laporan", report_chat.report_command))
    application.add_handler(MessageHandler(filters.COMMAND, commands.unknown_command))
    application.add_handler(CallbackQueryHandler(people.on_button, pattern=f"^{people.PREFIX}"))
    application.add_handler(CallbackQueryHandler(leave.on_button, pattern=f"^{leave.PREFIX}"))
    application.add_handler(
        CallbackQueryHandler(report_chat.on_button, pattern=f"^{report_chat.PREFIX}")
    )
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(
        MessageHandler(filters.PHOTO | filters.Document.ALL | filters.VIDEO, messages.on_file)
    )
    # a /cuti waiting for its period or a basis (the service knows who, without a read);
    # a text it turns out not to be for goes on to messages.on_text
    application.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & leave.WaitsForText(application.bot_data),
            leave.on_text,
        )
    )
    application.add_handler(MessageHandler(filters.TEXT, messages.on_text))
    application.add_handler(MessageHandler(filters.ALL, messages.on_other))
    application.add_error_handler(on_error)
