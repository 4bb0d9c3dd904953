"""The announcement and reminder engine, started beside the Telegram application.

The engine (bot.broadcast, bot.pacing, bot.reminders, bot.feedback) knows nothing about
Telegram; this module wires it in. Broadcasts, feedback prompts (broadcasts whose
deliveries carry their own ⭐ buttons, rendered here), progress edits and reminders go out
through `TelegramSender`, a Bot without the application's retrying limiter, so every
429/403/400/5xx reaches the engine. They wait in the bot's one `Pacer` (made with the
application, `BotState.pacer`), behind the replies the handlers send through the
limiter's `on_send` hook: announcements take what the replies leave. With
BROADCAST_PAID=on announcements are Telegram's paid broadcasts.

The organiser-facing `/announce` handlers are in bot.handlers.announcements; they reach
the running engine with `of(application)`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import Application

from bot import render
from bot.announcement_text import progress_text
from bot.broadcast import (
    DEFAULT_PROGRESS_INTERVAL,
    MAX_IN_FLIGHT,
    MAX_IN_FLIGHT_PAID,
    Broadcaster,
    Progress,
)
from bot.feedback import FeedbackService, Prompt
from bot.pacing import Pacer, Priority
from bot.reminders import ReminderService, reminder_text
from bot.state import BotState
from bot.storage import Broadcast
from bot.telegram_sender import TelegramSender

logger = logging.getLogger(__name__)

KEY = "announcements"


@dataclass(slots=True)
class Announcements:
    """The running engine, kept in `application.bot_data[KEY]`."""

    sender: TelegramSender
    pacer: Pacer
    broadcaster: Broadcaster
    reminders: ReminderService
    feedback: FeedbackService
    # What each progress message shows now: an identical edit is skipped, since Telegram
    # answers it with 400 "message is not modified" (and it would cost a send slot).
    shown: dict[tuple[int, int], str] = field(default_factory=dict)


def of(application: Application[Any, Any, Any, Any, Any, Any]) -> Announcements:
    return cast(Announcements, application.bot_data[KEY])


async def start(
    application: Application[Any, Any, Any, Any, Any, Any],
    st: BotState,
    *,
    progress_interval: float | None = None,
) -> Announcements:
    """After the store is open: start the sender (resuming what was pending) and reminders."""
    settings = st.settings
    assert settings.token is not None
    pacer = st.pacer
    assert pacer is not None, "build_application makes the pacer"
    paid = settings.broadcast_paid
    in_flight = MAX_IN_FLIGHT_PAID if paid else MAX_IN_FLIGHT
    sender = TelegramSender.create(settings.token, settings.api_url, pool_size=in_flight + 8)
    await sender.initialize()
    holder: dict[str, Announcements] = {}

    async def on_progress(progress: Progress) -> None:
        await show_progress(st, holder["it"], progress)

    broadcaster = Broadcaster(
        st.store,
        sender.send_paid if paid else sender.send,
        pacer=pacer,
        now=st.now,
        on_progress=on_progress,
        paid=paid,
        send_markup=sender.send_paid if paid else sender.send,
        progress_interval=(
            DEFAULT_PROGRESS_INTERVAL if progress_interval is None else progress_interval
        ),
    )
    reminders = ReminderService(
        st.store,
        sender.send,
        pacer=pacer,
        content=lambda: st.content,
        now=st.now,
        render=lambda due, now: (
            reminder_text(due, now, st.language_of(due[0].user_id if due else None)),
            ParseMode.HTML,
        ),
    )

    def render_prompt(prompt: Prompt) -> tuple[str, str]:
        reply = render.feedback_prompt(prompt.sessions, st.language_of(prompt.user_id))
        assert reply.markup is not None
        return reply.texts[0], reply.markup.to_json()

    feedback = FeedbackService(
        st.store,
        content=lambda: st.content,
        now=st.now,
        render=render_prompt,
        wake_sender=broadcaster.wake,
    )
    it = holder["it"] = Announcements(sender, pacer, broadcaster, reminders, feedback)
    application.bot_data[KEY] = it
    broadcaster.start()
    reminders.start()
    feedback.start()
    return it


async def stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Let sends in flight finish and be recorded, then close the sender's connections."""
    it = application.bot_data.pop(KEY, None)
    if not isinstance(it, Announcements):
        return
    await it.reminders.stop()
    await it.feedback.stop()
    await it.broadcaster.stop()
    await it.sender.shutdown()


async def show_progress(st: BotState, it: Announcements, progress: Progress) -> None:
    """Edit the organiser's preview into a progress report; at the end, notify them."""
    broadcast = progress.broadcast
    if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
        return
    lang = st.language_of(broadcast.created_by)
    text, report = progress_text(st.content, progress, lang)
    markup = None if progress.finished else render.announce_stop_keyboard(broadcast.id, lang)
    await progress_edit(it, broadcast, text, markup)
    if report is not None:
        async with it.pacer.sending(broadcast.progress_chat_id, priority=Priority.NOTICE):
            result = await it.sender.send(broadcast.progress_chat_id, report, ParseMode.HTML)
        if result.outcome == "retry_after":
            it.pacer.pause(result.retry_after or 1.0)


async def progress_edit(
    it: Announcements, broadcast: Broadcast, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edit a broadcast's progress message through the paced sender (skipped if unchanged)."""
    if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
        return
    where = (broadcast.progress_chat_id, broadcast.progress_message_id)
    look = text + repr(markup.to_dict() if markup else None)
    if it.shown.get(where) == look:
        return
    async with it.pacer.sending(broadcast.progress_chat_id, priority=Priority.NOTICE):
        result = await it.sender.edit(
            broadcast.progress_chat_id, broadcast.progress_message_id, text, markup
        )
    if result.outcome == "sent":
        it.shown[where] = look
    if result.outcome == "retry_after":
        it.pacer.pause(result.retry_after or 1.0)
    elif result.outcome != "sent":
        logger.info("progress of broadcast #%d not shown: %s", broadcast.id, result.error)
