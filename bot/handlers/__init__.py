"""Telegram update handlers, one module per feature, wired by `register`.

Features (each imports only the shared modules `context`, `sending`, `guards` and `stars`,
never another feature; tests/test_layering.py holds that rule):

- questions: free text, "did you mean" picks, votes, "none of these", "ask the organisers";
- browse: /agenda, /now, /next, /speaker, /venue, /help, the menus;
- account: /start, /stop, /forget, /lang, the bot being blocked;
- unanswered: /unanswered, /answer, /dismiss, /stats, /reload, replies in the organisers' chat;
- desk: /desk, the button that opens the organisers' desk (the Mini App, bot/web);
- announcements: /announce, /announcements and their buttons;
- programme_changes: the change-notice preview after a programme change, sync alerts
  (its Send and Cancel buttons are the announcements feature's);
- my_schedule: stars, /mysessions, /remind, .ics files;
- live_qa: questions to the speaker (/ask, ❓, Top questions, /moderate and its buttons);
- feedback: ratings after a session (the ⭐ buttons, the comment, /feedback);
- inline: inline mode;
- learning: the teach offer's buttons, /teach, /learned and its buttons;
- fallbacks: unknown commands, non-text messages, stale buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import messages
from bot.handlers import (
    account,
    announcements,
    browse,
    desk,
    fallbacks,
    feedback,
    inline,
    learning,
    live_qa,
    my_schedule,
    questions,
    unanswered,
)
from bot.handlers.context import BotContext
from bot.logs import bind_update

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]

ATTENDEE_COMMANDS: tuple[tuple[str, Callback], ...] = (
    ("start", account.cmd_start),
    ("help", browse.cmd_help),
    ("agenda", browse.cmd_agenda),
    ("now", browse.cmd_now),
    ("next", browse.cmd_next),
    ("speaker", browse.cmd_speaker),
    ("venue", browse.cmd_venue),
    ("stop", account.cmd_stop),
    ("forget", account.cmd_forget),
    ("lang", account.cmd_lang),
    ("mysessions", my_schedule.cmd_mysessions),
    ("remind", my_schedule.cmd_remind),
    ("ask", live_qa.cmd_ask),
    ("feedback", feedback.cmd_feedback),  # organisers' views behind organiser_only inside
)
ORGANISER_COMMANDS: tuple[tuple[str, Callback], ...] = (
    ("unanswered", unanswered.cmd_unanswered),
    ("answer", unanswered.cmd_answer),
    ("dismiss", unanswered.cmd_dismiss),
    ("stats", unanswered.cmd_stats),
    ("desk", desk.cmd_desk),
    ("reload", unanswered.cmd_reload),
    ("announce", announcements.cmd_announce),
    ("announcements", announcements.cmd_announcements),
    ("teach", learning.cmd_teach),
    ("learned", learning.cmd_learned),
    ("moderate", live_qa.cmd_moderate),  # the session's moderators too (checked inside)
)
# Callback data patterns: anything else is a stale (or forged) button.
BUTTONS: tuple[tuple[str, Callback], ...] = (
    (r"^menu:(agenda|now|next|venue|help)$", browse.on_menu),
    (r"^day:\d{4}-\d{2}-\d{2}$", browse.on_day),
    (r"^vote:\d{1,18}:(1|-1)$", questions.on_vote),
    (r"^pick:\d{1,18}:[0-9a-f]{10}$", questions.on_pick),
    (r"^none:\d{1,18}$", questions.on_none_of_these),
    (r"^askorg:\d{1,18}$", questions.on_ask_organisers),
    (r"^forget:(yes|no)$", account.on_forget),
    (r"^lang:(en|ur)$", account.on_lang),
    (r"^unans:\d{1,9}$", unanswered.on_unanswered_page),
    (r"^ann:(send|cancel|stop):\d{1,9}$", announcements.on_announce_button),
    (r"^teach:\d{1,18}:([0-9a-f]{10}|other|new|no)$", learning.on_teach_button),
    (r"^learn:((ok|no|rm):\d{1,18}|clear)$", learning.on_learned_button),
    (r"^star:[0-9a-f]{10}$", my_schedule.on_star),
    (r"^ics:(all|mine)$", my_schedule.on_calendar),
    (
        r"^qa:((ask|to):[0-9a-f]{10}|(top|tp|mp):[0-9a-f]{10}:\d{1,4}|up:\d{1,18}:\d{1,4}"
        r"|name:\d{1,18}:[01]|m:[ahp]:\d{1,18})$",
        live_qa.on_button,
    ),
    (
        r"^fb:(r:[0-9a-f]{10}:\d{1,2}|[onu]:[0-9a-f]{10}|p:[0-9a-f]{10}:\d{1,4}|off)$",
        feedback.on_button,
    ),
)


async def _bind_update(update: object, context: BotContext) -> None:
    """First for every update: tag this task's log records with the update and user ids."""
    if isinstance(update, Update):
        user = update.effective_user
        bind_update(update.update_id, user.id if user else None)
        if user is not None and user.language_code is not None:
            # Remembered for messages sent outside an update (reminders, reports).
            language = messages.language_for(user.language_code)
            context.state.client_languages[user.id] = language


def register(
    application: Application[Any, BotContext, Any, Any, Any, Any],
    organiser_chat_id: int | None,
) -> None:
    """Every handler, in the order PTB tries them."""
    application.add_handler(TypeHandler(Update, _bind_update), group=-3)
    new_message = filters.UpdateType.MESSAGE  # edits are ignored, never re-answered
    # The message right after a ⭐ rating is its comment (while its window is open): taken
    # here, before live Q&A and the free-text handlers, which it then stops.
    application.add_handler(
        MessageHandler(
            new_message & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            feedback.on_comment,
        ),
        group=-2,
    )
    # A message right after ❓ Ask the speaker is a question to the speaker: taken here,
    # before the free-text handlers, which it then stops (the FAQ matcher never sees it).
    application.add_handler(
        MessageHandler(new_message & filters.TEXT & ~filters.COMMAND, live_qa.on_pending_text),
        group=-1,
    )
    if organiser_chat_id is not None:
        # Before the questions: a reply to the bot's post answers an attendee.
        application.add_handler(
            MessageHandler(
                unanswered.organiser_reply_filter(organiser_chat_id),
                unanswered.on_organiser_reply,
            )
        )
    # Questions are most of the traffic, and PTB tries a group's handlers in order, so the
    # free-text handler comes (next to) first. Its filter excludes commands, so it cannot
    # shadow the command handlers after it.
    application.add_handler(
        MessageHandler(new_message & filters.TEXT & ~filters.COMMAND, questions.on_text)
    )
    for name, callback in (*ATTENDEE_COMMANDS, *ORGANISER_COMMANDS):
        application.add_handler(CommandHandler(name, callback, filters=new_message))
    application.add_handler(
        MessageHandler(new_message & filters.COMMAND, fallbacks.on_unknown_command)
    )
    application.add_handler(
        MessageHandler(
            new_message & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            fallbacks.on_non_text,
        )
    )
    for pattern, callback in BUTTONS:
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(fallbacks.on_stale_button))
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    application.add_handler(
        ChatMemberHandler(account.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
