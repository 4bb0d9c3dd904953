"""Programme changes for the organisers: the preview with its Send button, and sync alerts.

After every content swap (sync, /reload, SIGHUP) and at start-up, bot.change_notices
compares the programme with the one attendees were last told about. Here its findings
reach the organisers: one preview listing the changes and how many attendees would be
told, under the same "Send to N attendees" / "Cancel" buttons as an announcement (the
announcements feature handles them, and the preview becomes the progress report). An
older preview that a newer change replaced is marked as such, so nobody presses a stale
Send.

Where: the organisers' chat, or each organiser privately when there is none.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot import messages, render
from bot.change_notices import preview_text
from bot.handlers.sending import send
from bot.messages import Safe, html_text
from bot.state import BotState

logger = logging.getLogger(__name__)


def organiser_targets(st: BotState) -> list[tuple[int, str]]:
    """(chat id, language): the organisers' chat, else every organiser privately."""
    if st.settings.organiser_chat_id is not None:
        return [(st.settings.organiser_chat_id, messages.DEFAULT_LANGUAGE)]
    return [(uid, st.language_of(uid)) for uid in sorted(st.settings.organiser_ids)]


async def show_changes(bot: Bot, st: BotState, source: str) -> None:
    """Review the running programme; preview any change for the organisers."""
    review = await st.change_reviewer.review(st.content)
    if review is None:
        return
    for withdrawn in review.withdrawn:
        await _mark_superseded(bot, st, withdrawn)
    if not review.changes:
        return
    logger.info(
        "programme changed (%s): %d session(s), %d attendee(s) to notify, notice %s",
        source,
        len(review.changes.items),
        review.attendees,
        review.notice_id,
    )
    progress_set = False
    for chat_id, lang in organiser_targets(st):
        text = preview_text(review.changes, review.notice_id, review.attendees, source, lang)
        markup = None
        if review.notice_id is not None:
            markup = render.announce_preview_keyboard(review.notice_id, review.attendees, lang)
        try:
            shown = await send(bot, chat_id, render.rendered(text, markup))
        except TelegramError as exc:  # e.g. an organiser who never opened the bot
            logger.warning("could not show the programme changes to %s: %s", chat_id, exc)
            continue
        if shown is not None and review.notice_id is not None and not progress_set:
            # The first preview becomes the progress report once Send is pressed.
            await st.store.set_broadcast_progress_message(
                review.notice_id, chat_id, shown.message_id
            )
            progress_set = True


async def _mark_superseded(bot: Bot, st: BotState, old_id: int) -> None:
    broadcast = await st.store.get_broadcast(old_id)
    if broadcast is None or broadcast.progress_chat_id is None:
        return
    if broadcast.progress_message_id is None:
        return
    lang = (
        messages.DEFAULT_LANGUAGE
        if broadcast.progress_chat_id == st.settings.organiser_chat_id
        else st.language_of(broadcast.progress_chat_id)
    )
    text = html_text("chg.superseded", lang)
    try:
        await bot.edit_message_text(
            Safe(text), broadcast.progress_chat_id, broadcast.progress_message_id
        )
    except TelegramError as exc:
        logger.info("could not mark preview #%d as replaced: %s", old_id, exc)


async def tell_sync_problem(bot: Bot, st: BotState, kind: str | None, detail: str) -> None:
    """A schedule sync problem (kind) or its end (None), to the organisers, once each."""
    for chat_id, lang in organiser_targets(st):
        if kind is None:
            text = html_text("sync.recovered", lang)
        else:
            problem = html_text(f"sync.{kind}", lang, detail=detail)
            text = html_text("sync.problem", lang, problem=problem)
        try:
            await send(bot, chat_id, render.rendered(text))
        except TelegramError as exc:
            logger.warning("could not tell %s about the schedule sync: %s", chat_id, exc)
