"""Announcements: /announce with its preview and confirmation, /announcements, Stop.

- `/announce TEXT` (organisers), or `/announce` as a reply to a text message, stores a
  draft and shows a preview with the audience size and "Send to N attendees" / "Cancel".
  Nothing goes out before an organiser presses Send; every button press is checked again
  (`organiser_only`), because callback data can be forged. `session:ID` narrows the
  audience to attendees who starred that session; `at 2027-02-16 13:55` (conference time)
  schedules it.
- The preview message becomes the progress report (bot.announcement_engine.show_progress).
- `/announcements` lists scheduled and recent broadcasts with buttons to cancel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import announcement_engine, render
from bot.announcement_text import (
    announcements_list,
    audience_label,
    excerpt,
    is_announcements_list,
    number,
    paid_cost_line,
    preview_body,
    scheduled_text,
    time_until,
    when,
)
from bot.content.models import Content
from bot.handlers.context import BotContext, command_argument, pressed
from bot.handlers.guards import organiser_only
from bot.handlers.sending import answer_query, edit_keyboard, edit_message, respond, shown_message
from bot.messages import Safe, html_text, plain
from bot.render import Rendered, rendered
from bot.state import BotState
from bot.storage import AUDIENCE_ALL, AUDIENCE_SESSION_PREFIX

LIST_LIMIT = 10

_OPTION_SESSION = re.compile(r"session:(\S+)\s*")
_OPTION_AT = re.compile(r"at\s+(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}:\d{2})\s*")


@dataclass(frozen=True, slots=True)
class Draft:
    """What /announce asked for, or the problem with it (an HTML reply to show)."""

    text: str = ""
    audience: str = AUDIENCE_ALL
    scheduled_for: datetime | None = None
    problem: Safe | None = None


def parse_announce(message: Message, content: Content, now: datetime, lang: str) -> Draft:
    """Options (`session:ID`, `at DATE TIME`) then the text, or the replied-to message."""
    tz = content.conference.timezone
    rest = command_argument(message.text_html)
    audience, moment = AUDIENCE_ALL, None
    while True:
        if match := _OPTION_SESSION.match(rest):
            session_id = match.group(1)
            if content.session(session_id) is None:
                return Draft(problem=html_text("ann.unknown_session", lang, id=session_id))
            audience = AUDIENCE_SESSION_PREFIX + session_id
        elif match := _OPTION_AT.match(rest):
            try:
                moment = datetime.fromisoformat(
                    f"{match.group(1)} {match.group(2).zfill(5)}"
                ).replace(tzinfo=tz)
            except ValueError:
                return Draft(problem=html_text("ann.bad_time", lang, tz=tz.key))
            if moment <= now:
                return Draft(problem=html_text("ann.past_time", lang, time=when(moment, content)))
        else:
            break
        rest = rest[match.end() :]
    text = rest.strip()
    reply = message.reply_to_message
    if not text and reply is not None:
        if not reply.text:
            return Draft(problem=html_text("ann.reply_not_text", lang))
        text = (reply.text_html or "").strip()
    if not text:
        return Draft(problem=html_text("ann.usage", lang, tz=tz.key))
    if render.visible_length(text) > render.MAX_MESSAGE:
        return Draft(
            problem=html_text(
                "ann.too_long",
                lang,
                length=number(render.visible_length(text)),
                limit=number(render.MAX_MESSAGE),
            )
        )
    return Draft(text=text, audience=audience, scheduled_for=moment)


@organiser_only
async def cmd_announce(update: Update, context: BotContext) -> None:
    """/announce [session:ID] [at DATE TIME] TEXT, or as a reply: store a draft, preview it."""
    st = context.state
    lang = context.lang
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    content = st.content
    draft = parse_announce(message, content, st.now(), lang)
    if draft.problem is not None:
        await respond(update, context, rendered(draft.problem))
        return
    count = await st.store.count_audience(draft.audience)
    audience = audience_label(content, draft.audience, count, lang)
    if count == 0:
        await respond(update, context, render.message("ann.nobody", lang, audience=audience))
        return
    broadcaster = announcement_engine.of(context.application).broadcaster
    broadcast_id = await broadcaster.create(
        created_by=user.id,
        text=draft.text,
        parse_mode=ParseMode.HTML,
        audience=draft.audience,
        scheduled_for=draft.scheduled_for,
    )
    if draft.scheduled_for is None:
        at = html_text("ann.when_now", lang)
    else:
        at = html_text(
            "ann.when_at",
            lang,
            time=when(draft.scheduled_for, content),
            tz=content.conference.timezone.key,
            delta=time_until((draft.scheduled_for - st.now()).total_seconds()),
        )
    header = html_text("ann.preview", lang, id=broadcast_id, audience=audience, when=at)
    if st.settings.broadcast_paid:
        header = Safe(f"{header}\n{paid_cost_line(count, lang)}")
    text = Safe(f"{header}\n{preview_body(header, draft.text)}")
    try:
        sent = await context.bot.send_message(
            chat.id, text, reply_markup=render.announce_preview_keyboard(broadcast_id, count, lang)
        )
    except BadRequest as exc:
        # The preview carries the very same HTML, so Telegram would refuse it for every
        # attendee too: drop the draft and say why, before anything can be confirmed.
        await broadcaster.cancel(broadcast_id)
        await respond(update, context, render.message("ann.rejected", lang, error=str(exc)))
        return
    await st.store.set_broadcast_progress_message(broadcast_id, chat.id, sent.message_id)


@organiser_only
async def on_announce_button(update: Update, context: BotContext) -> None:
    """Send / Cancel under a preview, Stop under progress or in /announcements."""
    query, (_, action, raw_id) = pressed(update)
    st = context.state
    lang = context.lang
    broadcast_id = int(raw_id)
    it = announcement_engine.of(context.application)
    message = shown_message(query)
    if action == "send":
        result = await it.broadcaster.confirm(broadcast_id)
        if result.status == "gone":
            await answer_query(query, plain("cb.ann_gone", lang))
            await edit_keyboard(query, None)
            return
        if result.status == "sending":
            # The sender's first progress report replaces this message (and its buttons).
            count = number(result.recipients)
            await answer_query(query, plain("cb.ann_sending", lang, count=count))
            return
        broadcast = result.broadcast
        assert broadcast is not None and broadcast.scheduled_for is not None
        await answer_query(query, plain("cb.ann_scheduled", lang))
        if message is not None:
            await edit_message(
                message,
                scheduled_text(st.content, broadcast, lang),
                render.announce_stop_keyboard(broadcast_id, lang),
            )
        return
    previous = await it.broadcaster.cancel(broadcast_id)
    if previous is None:
        await answer_query(query, plain("cb.ann_gone", lang))
        await _refresh_if_list(message, st, lang)
        return
    await answer_query(
        query, plain("cb.ann_stopping" if previous == "sending" else "cb.ann_cancelled", lang)
    )
    broadcast = await st.store.get_broadcast(broadcast_id)
    is_progress = (
        broadcast is not None
        and query.message is not None
        and broadcast.progress_message_id == query.message.message_id
    )
    if previous in ("draft", "scheduled") and broadcast is not None:
        note = Safe(
            html_text(f"ann.cancelled_{previous}", lang, id=broadcast_id)
            + f"\n{excerpt(broadcast.text)}"
        )
        if is_progress:
            if message is not None:
                await edit_message(message, note, None)
        else:
            await announcement_engine.progress_edit(it, broadcast, note, None)
    if not is_progress:
        await _refresh_if_list(message, st, lang)


async def _listing(st: BotState, lang: str) -> Rendered:
    broadcasts = await st.store.recent_broadcasts(LIST_LIMIT)
    listed = [(b, await st.store.delivery_counts(b.id)) for b in broadcasts]
    return announcements_list(st.content, listed, lang)


@organiser_only
async def cmd_announcements(update: Update, context: BotContext) -> None:
    """/announcements: scheduled and recent broadcasts with counts, and cancel buttons."""
    await respond(update, context, await _listing(context.state, context.lang))


async def _refresh_if_list(message: Message | None, st: BotState, lang: str) -> None:
    if message is None or not is_announcements_list(message.text, lang):
        return
    listing = await _listing(st, lang)
    await edit_message(message, listing.texts[0], listing.markup)
