"""Announcements, personal schedules, reminders and calendar files: the Telegram side.

The engine (bot.broadcast, bot.pacing, bot.reminders, bot.calendar) knows nothing about
Telegram; this module wires it in:

- `/announce TEXT` (organisers), or `/announce` as a reply to a text message, stores a
  draft and shows a preview with the audience size and "Send to N attendees" / "Cancel".
  Nothing goes out before an organiser presses Send; the sender of every button press is
  checked again, because callback data can be forged. `session:ID` narrows the audience to
  attendees who starred that session; `at 2027-02-16 13:55` (conference time) schedules it.
- The preview message becomes the progress report (sent, blocked, failed, remaining, ETA),
  edited at most every few seconds, then the final numbers; a short report message follows
  so the organiser is notified.
- `/announcements` lists scheduled and recent broadcasts with buttons to cancel.
- ☆/⭐ buttons star sessions; `/mysessions` lists them; `/remind MIN|off` sets the lead of
  the reminder; `.ics` files for the starred sessions or the whole agenda.

Broadcasts, progress edits and reminders go out through `TelegramSender`, a Bot without
the application's retrying limiter, so every 429/403/400/5xx reaches the engine, and all of
them share one `Pacer`. Ordinary replies sent by the other handlers are noted in that pacer
(see `_observe_replies`), so a running broadcast slows down to leave them room.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot import render
from bot.answers import HTML, key_for_token, key_token, session_list, time_range
from bot.broadcast import Broadcaster, Progress
from bot.calendar import calendar_ics
from bot.content.models import Content, Session
from bot.handlers.common import (
    NO_PREVIEW,
    BotState,
    answer_query,
    edit_keyboard,
    is_private,
    language,
    respond,
    state,
    state_of,
)
from bot.messages import Safe, html_text, plain
from bot.pacing import Pacer
from bot.reminders import DEFAULT_MINUTES, MAX_MINUTES, DueReminder, ReminderService
from bot.render import Rendered, rendered
from bot.storage import AUDIENCE_ALL, AUDIENCE_SESSION_PREFIX, Broadcast, DeliveryCounts
from bot.telegram_sender import TelegramSender

logger = logging.getLogger(__name__)

KEY = "announcements"
PREVIEW_CHARS = 200  # of the announcement, quoted under progress reports and lists
LIST_LIMIT = 10
MAX_STAR_BUTTONS = 40  # Telegram allows 100 buttons; a day's programme fits
SENDING_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto"}
)

_OPTION_SESSION = re.compile(r"session:(\S+)\s*")
_OPTION_AT = re.compile(r"at\s+(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}:\d{2})\s*")


# --- lifecycle ----------------------------------------------------------------------------


@dataclass(slots=True)
class Announcements:
    """The running engine, kept in `application.bot_data[KEY]`."""

    sender: TelegramSender
    pacer: Pacer
    broadcaster: Broadcaster
    reminders: ReminderService
    # What each progress message shows now: an identical edit is skipped, since Telegram
    # answers it with 400 "message is not modified" (and it would cost a send slot).
    shown: dict[tuple[int, int], str] = field(default_factory=dict)


def of(application: Application[Any, Any, Any, Any, Any, Any]) -> Announcements:
    return cast(Announcements, application.bot_data[KEY])


def _of(context: ContextTypes.DEFAULT_TYPE) -> Announcements:
    return of(context.application)


async def start(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    progress_interval: float | None = None,
) -> Announcements:
    """After the store is open: start the sender (resuming what was pending) and reminders."""
    st = state_of(application)
    settings = st.settings
    assert settings.token is not None
    sender = TelegramSender.create(settings.token, settings.api_url)
    await sender.initialize()
    pacer = Pacer(settings.broadcast_rate)
    holder: dict[str, Announcements] = {}

    async def on_progress(progress: Progress) -> None:
        await show_progress(st, holder["it"], progress)

    extra = {} if progress_interval is None else {"progress_interval": progress_interval}
    broadcaster = Broadcaster(
        st.store, sender.send, pacer=pacer, now=st.now, on_progress=on_progress, **extra
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
    it = holder["it"] = Announcements(sender, pacer, broadcaster, reminders)
    application.bot_data[KEY] = it
    _observe_replies(application, pacer)
    broadcaster.start()
    reminders.start()
    return it


async def stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Let sends in flight finish and be recorded, then close the sender's connections."""
    it = application.bot_data.pop(KEY, None)
    if not isinstance(it, Announcements):
        return
    await it.reminders.stop()
    await it.broadcaster.stop()
    await it.sender.shutdown()


def _observe_replies(application: Application[Any, Any, Any, Any, Any, Any], pacer: Pacer) -> None:
    """Count the handlers' own messages in the broadcast pacer's window.

    Replies are not delayed (an attendee is waiting for them); the broadcast yields
    instead, so the two together stay under Telegram's limit. Done by wrapping the
    application bot's rate limiter, which sees every request the handlers make.
    """
    limiter = application.bot.rate_limiter
    if limiter is None or getattr(limiter, "_observed_by_pacer", False):
        return
    original = limiter.process_request

    async def process_request(
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        if endpoint not in SENDING_METHODS:
            return await original(callback, args, kwargs, endpoint, data, rate_limit_args)
        chat = data.get("chat_id")
        moment = pacer.note(chat if isinstance(chat, int) else None, tracked=True)
        try:
            return await original(callback, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            pacer.land(moment)

    limiter.process_request = process_request  # type: ignore[method-assign]
    limiter._observed_by_pacer = True  # type: ignore[attr-defined]


# --- formatting helpers -------------------------------------------------------------------


def _n(number: int) -> str:
    return f"{number:,}"


def duration(seconds: float) -> str:
    """'45 s', '6 min 2 s', '1 h 3 min': how long, for people."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _when(moment: datetime, content: Content) -> str:
    return f"{moment.astimezone(content.conference.timezone):%a %d %b %H:%M}"


def _excerpt(text: str) -> Safe:
    """The announcement as one escaped line, short: for progress reports and lists."""
    return render.quote(render.visible(text), PREVIEW_CHARS)


def audience_label(content: Content, audience: str, count: int | None, lang: str) -> str:
    if audience.startswith(AUDIENCE_SESSION_PREFIX):
        session_id = audience[len(AUDIENCE_SESSION_PREFIX) :]
        session = content.session(session_id)
        title = session.title if session else session_id
        key = "ann.audience_session"
    else:
        title, key = "", "ann.audience_all"
    label = html_text(key, lang, title=title)
    return label if count is None else Safe(f"{label} ({_n(count)})")


# --- /announce ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """What /announce asked for, or the problem with it (an HTML reply to show)."""

    text: str = ""
    audience: str = AUDIENCE_ALL
    scheduled_for: datetime | None = None
    problem: Safe | None = None


def _command_remainder(html_text_: str) -> str:
    parts = html_text_.split(None, 1)
    return parts[1] if len(parts) > 1 else ""


def parse_announce(message: Message, content: Content, now: datetime, lang: str) -> Draft:
    """Options (`session:ID`, `at DATE TIME`) then the text, or the replied-to message."""
    tz = content.conference.timezone
    rest = _command_remainder(message.text_html or "")
    audience, when = AUDIENCE_ALL, None
    while True:
        if match := _OPTION_SESSION.match(rest):
            session_id = match.group(1)
            if content.session(session_id) is None:
                return Draft(problem=html_text("ann.unknown_session", lang, id=session_id))
            audience = AUDIENCE_SESSION_PREFIX + session_id
        elif match := _OPTION_AT.match(rest):
            try:
                when = datetime.fromisoformat(
                    f"{match.group(1)} {match.group(2).zfill(5)}"
                ).replace(tzinfo=tz)
            except ValueError:
                return Draft(problem=html_text("ann.bad_time", lang, tz=tz.key))
            if when <= now:
                return Draft(problem=html_text("ann.past_time", lang, time=_when(when, content)))
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
                length=_n(render.visible_length(text)),
                limit=_n(render.MAX_MESSAGE),
            )
        )
    return Draft(text=text, audience=audience, scheduled_for=when)


def _preview_body(header: str, text: str) -> str:
    """The announcement under the preview header; shortened (as plain text) if too long."""
    room = render.MAX_MESSAGE - render.visible_length(header) - 1
    if render.visible_length(text) <= room:
        return text
    return html.escape(render.truncate(render.visible(text), room), quote=False)


def preview_keyboard(broadcast_id: int, count: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    plain("btn.ann_send", lang, count=_n(count)),
                    callback_data=render.callback_data("ann", "send", broadcast_id),
                ),
                InlineKeyboardButton(
                    plain("btn.ann_cancel", lang),
                    callback_data=render.callback_data("ann", "cancel", broadcast_id),
                ),
            ]
        ]
    )


def stop_keyboard(broadcast_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    plain("btn.ann_stop", lang),
                    callback_data=render.callback_data("ann", "stop", broadcast_id),
                )
            ]
        ]
    )


async def cmd_announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/announce [session:ID] [at DATE TIME] TEXT, or as a reply: store a draft, preview it."""
    st = state(context)
    lang = language(update, context)
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    if not st.is_organiser(user.id):
        await respond(update, context, render.message("organiser_only", lang))
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
    broadcaster = _of(context).broadcaster
    broadcast_id = await broadcaster.create(
        created_by=user.id,
        text=draft.text,
        parse_mode=ParseMode.HTML,
        audience=draft.audience,
        scheduled_for=draft.scheduled_for,
    )
    if draft.scheduled_for is None:
        when = html_text("ann.when_now", lang)
    else:
        when = html_text(
            "ann.when_at",
            lang,
            time=_when(draft.scheduled_for, content),
            tz=content.conference.timezone.key,
            delta=duration((draft.scheduled_for - st.now()).total_seconds()),
        )
    header = html_text("ann.preview", lang, id=broadcast_id, audience=audience, when=when)
    text = Safe(f"{header}\n{_preview_body(header, draft.text)}")
    try:
        sent = await context.bot.send_message(
            chat.id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=preview_keyboard(broadcast_id, count, lang),
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        # The preview carries the very same HTML, so Telegram would refuse it for every
        # attendee too: drop the draft and say why, before anything can be confirmed.
        await broadcaster.cancel(broadcast_id)
        await respond(update, context, render.message("ann.rejected", lang, error=str(exc)))
        return
    await st.store.set_broadcast_progress_message(broadcast_id, chat.id, sent.message_id)


def _broadcast_id(data: str) -> int:
    return int(data.rsplit(":", 1)[1])


async def on_announce_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send / Cancel under a preview, Stop under progress or in /announcements."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    if not st.is_organiser(query.from_user.id):
        logger.info("refused announcement button from user %s", query.from_user.id)
        await answer_query(query, plain("cb.organiser_only", lang), alert=True)
        return
    action = query.data.split(":")[1]
    broadcast_id = _broadcast_id(query.data)
    it = _of(context)
    if action == "send":
        result = await it.broadcaster.confirm(broadcast_id)
        if result.status == "gone":
            await answer_query(query, plain("cb.ann_gone", lang))
            await edit_keyboard(query, None)
            return
        if result.status == "sending":
            # The sender's first progress report replaces this message (and its buttons).
            await answer_query(query, plain("cb.ann_sending", lang, count=_n(result.recipients)))
            return
        broadcast = result.broadcast
        assert broadcast is not None and broadcast.scheduled_for is not None
        await answer_query(query, plain("cb.ann_scheduled", lang))
        await _edit_message(
            query, scheduled_text(st, broadcast, lang), stop_keyboard(broadcast_id, lang)
        )
        return
    previous = await it.broadcaster.cancel(broadcast_id)
    if previous is None:
        await answer_query(query, plain("cb.ann_gone", lang))
        await _refresh_if_list(query, st, lang)
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
            + f"\n{_excerpt(broadcast.text)}"
        )
        if is_progress:
            await _edit_message(query, note, None)
        else:
            await _progress_edit(it, broadcast, note, None)
    if not is_progress:
        await _refresh_if_list(query, st, lang)


async def _edit_message(query: Any, text: str, markup: InlineKeyboardMarkup | None) -> None:
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        return
    try:
        await message.edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


def scheduled_text(st: BotState, broadcast: Broadcast, lang: str) -> Safe:
    content = st.content
    assert broadcast.scheduled_for is not None
    return Safe(
        html_text(
            "ann.scheduled",
            lang,
            id=broadcast.id,
            time=_when(broadcast.scheduled_for, content),
            tz=content.conference.timezone.key,
            audience=audience_label(content, broadcast.audience, None, lang),
        )
        + f"\n{_excerpt(broadcast.text)}"
    )


# --- progress -----------------------------------------------------------------------------


def progress_text(st: BotState, progress: Progress, lang: str = "en") -> tuple[Safe, Safe | None]:
    """(the progress message's text, a final report to send as a new message or None)."""
    broadcast, counts = progress.broadcast, progress.counts
    content = st.content
    values: dict[str, object] = {
        "id": broadcast.id,
        "sent": _n(counts.sent),
        "blocked": _n(counts.blocked),
        "failed": _n(counts.failed),
        "remaining": _n(counts.pending),
        "audience": audience_label(content, broadcast.audience, counts.total, lang),
    }
    late = ""
    if broadcast.late and broadcast.scheduled_for is not None:
        late = html_text("ann.late_note", lang, time=_when(broadcast.scheduled_for, content))
    excerpt = _excerpt(broadcast.text)
    if progress.cancelled:
        body = html_text("ann.stopped", lang, **values)
        report = html_text("ann.report_stopped", lang, **values)
    elif progress.finished:
        body = html_text("ann.done", lang, elapsed=duration(progress.elapsed_seconds), **values)
        report = html_text("ann.report", lang, **values)
    else:
        body = html_text("ann.progress", lang, eta=duration(progress.eta_seconds or 0), **values)
        report = None
    return Safe(f"{body}{late}\n{excerpt}"), report


async def show_progress(st: BotState, it: Announcements, progress: Progress) -> None:
    """Edit the organiser's preview into a progress report; at the end, notify them."""
    broadcast = progress.broadcast
    if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
        return
    lang = st.language_of(broadcast.created_by)
    text, report = progress_text(st, progress, lang)
    markup = None if progress.finished else stop_keyboard(broadcast.id, lang)
    await _progress_edit(it, broadcast, text, markup)
    if report is not None:
        async with it.pacer.sending(broadcast.progress_chat_id):
            result = await it.sender.send(broadcast.progress_chat_id, report, ParseMode.HTML)
        if result.outcome == "retry_after":
            it.pacer.pause(result.retry_after or 1.0)


async def _progress_edit(
    it: Announcements, broadcast: Broadcast, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
        return
    where = (broadcast.progress_chat_id, broadcast.progress_message_id)
    look = text + repr(markup.to_dict() if markup else None)
    if it.shown.get(where) == look:
        return
    async with it.pacer.sending(broadcast.progress_chat_id):
        result = await it.sender.edit(
            broadcast.progress_chat_id, broadcast.progress_message_id, text, markup
        )
    if result.outcome == "sent":
        it.shown[where] = look
    if result.outcome == "retry_after":
        it.pacer.pause(result.retry_after or 1.0)
    elif result.outcome != "sent":
        logger.info("progress of broadcast #%d not shown: %s", broadcast.id, result.error)


# --- /announcements -----------------------------------------------------------------------


def _status_line(st: BotState, broadcast: Broadcast, counts: DeliveryCounts, lang: str) -> str:
    content = st.content
    values: dict[str, object] = {
        "sent": _n(counts.sent),
        "blocked": _n(counts.blocked),
        "failed": _n(counts.failed),
        "remaining": _n(counts.pending),
    }
    if broadcast.status == "scheduled" and broadcast.scheduled_for is not None:
        return html_text("ann.status_scheduled", lang, time=_when(broadcast.scheduled_for, content))
    if broadcast.status == "sending":
        return html_text("ann.status_sending", lang, **values)
    when = broadcast.finished_at or broadcast.started_at or broadcast.created_at
    if broadcast.status == "cancelled":
        return html_text("ann.status_cancelled", lang, time=_when(when, content), **values)
    return html_text("ann.status_done", lang, time=_when(when, content), **values)


async def announcements_list(st: BotState, lang: str) -> Rendered:
    broadcasts = await st.store.recent_broadcasts(LIST_LIMIT)
    if not broadcasts:
        return render.message("ann.list_empty", lang)
    lines = [html_text("ann.list_header", lang)]
    buttons = []
    for broadcast in broadcasts:
        counts = await st.store.delivery_counts(broadcast.id)
        lines.append(
            html_text(
                "ann.list_item",
                lang,
                id=broadcast.id,
                status=Safe(_status_line(st, broadcast, counts, lang)),
                audience=audience_label(
                    st.content, broadcast.audience, counts.total if counts.total else None, lang
                ),
                preview=_excerpt(broadcast.text),
            )
        )
        if broadcast.status in ("scheduled", "sending"):
            buttons.append(
                [
                    InlineKeyboardButton(
                        plain("btn.ann_stop_id", lang, id=broadcast.id),
                        callback_data=render.callback_data("ann", "stop", broadcast.id),
                    )
                ]
            )
    return rendered("\n\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None)


async def cmd_announcements(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/announcements: scheduled and recent broadcasts with counts, and cancel buttons."""
    st = state(context)
    lang = language(update, context)
    user = update.effective_user
    if not st.is_organiser(user.id if user else None):
        await respond(update, context, render.message("organiser_only", lang))
        return
    await respond(update, context, await announcements_list(st, lang))


async def _refresh_if_list(query: Any, st: BotState, lang: str) -> None:
    message = query.message if isinstance(query.message, Message) else None
    if message is None or not (message.text or "").startswith(
        render.visible(html_text("ann.list_header", lang))
    ):
        return
    listing = await announcements_list(st, lang)
    await _edit_message(query, listing.texts[0], listing.markup)


# --- stars, /mysessions, /remind, calendar files ------------------------------------------


def star_button(
    session: Session, starred: bool, lang: str, *, single: bool = False
) -> InlineKeyboardButton:
    if single:
        label = plain("btn.starred_single" if starred else "btn.star_single", lang)
    else:
        key = "btn.starred" if starred else "btn.star"
        label = plain(key, lang, time=f"{session.start:%H:%M}", title=session.title)
    return InlineKeyboardButton(
        render.button_label(label),
        callback_data=render.callback_data("star", key_token(f"session:{session.id}")),
    )


def star_rows(
    sessions: Sequence[Session], starred: set[str], lang: str
) -> list[list[InlineKeyboardButton]]:
    """One ☆/⭐ button per session; a single session gets a wider "Add to my sessions"."""
    shown = list(dict.fromkeys(sessions))[:MAX_STAR_BUTTONS]
    single = len(shown) == 1
    return [[star_button(s, s.id in starred, lang, single=single)] for s in shown]


async def with_stars(
    st: BotState, update: Update, reply: Rendered, sessions: Sequence[Session]
) -> Rendered:
    """The reply with ☆/⭐ buttons added under it for these sessions.

    In a private chat the buttons show the attendee's own stars; in a group everyone sees
    the same keyboard, so it shows ☆ and the toast tells each presser what happened.
    """
    if not sessions:
        return reply
    user = update.effective_user
    lang = st.language_of(user.id, user.language_code) if user else "en"
    starred: set[str] = set()
    if user is not None and is_private(update.effective_chat):
        starred = set(await st.store.starred_sessions(user.id))
    rows = list(reply.markup.inline_keyboard) if reply.markup else []
    rows += star_rows(sessions, starred, lang)
    return Rendered(reply.texts, InlineKeyboardMarkup(rows))


def with_calendar(reply: Rendered, lang: str, which: str = "all") -> Rendered:
    """Add a "📅 … (.ics)" button under a reply (the agenda, or /mysessions)."""
    rows = list(reply.markup.inline_keyboard) if reply.markup else []
    rows.append(
        [
            InlineKeyboardButton(
                plain(f"btn.ics_{which}", lang), callback_data=render.callback_data("ics", which)
            )
        ]
    )
    return Rendered(reply.texts, InlineKeyboardMarkup(rows))


def _flip(button: InlineKeyboardButton, starred: bool, lang: str) -> InlineKeyboardButton:
    label = button.text
    singles = (plain("btn.star_single", lang), plain("btn.starred_single", lang))
    if label in singles:
        label = singles[1] if starred else singles[0]
    else:
        label = ("⭐" if starred else "☆") + label[1:]
    return InlineKeyboardButton(label, callback_data=button.callback_data)


async def on_star(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A ☆/⭐ button ("star:<key token>"): toggle the session in the presser's schedule."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    token = query.data.split(":", 1)[1]
    key = key_for_token(st.content, token)
    session = st.content.session(key.split(":", 1)[1]) if key else None
    if session is None:
        await answer_query(query, plain("cb.session_gone", lang))
        return
    user_id = query.from_user.id
    starred = await st.store.toggle_star(user_id, session.id, st.now())
    if starred:
        has_pref, minutes = await st.store.reminder_pref(user_id)
        minutes = minutes if has_pref else DEFAULT_MINUTES
        toast = (
            plain("cb.starred", lang, minutes=minutes)
            if minutes is not None
            else plain("cb.starred_no_reminder", lang)
        )
    else:
        toast = plain("cb.unstarred", lang)
    await answer_query(query, toast)
    message = query.message if isinstance(query.message, Message) else None
    if message is None or message.reply_markup is None or not is_private(message.chat):
        return
    rows = [
        [_flip(b, starred, lang) if b.callback_data == query.data else b for b in row]
        for row in message.reply_markup.inline_keyboard
    ]
    await edit_keyboard(query, InlineKeyboardMarkup(rows))


def _starred(content: Content, ids: Sequence[str]) -> list[Session]:
    found = [s for s in (content.session(i) for i in ids) if s is not None]
    return sorted(found, key=lambda s: (s.start, s.title))


async def _reminder_line(st: BotState, user_id: int, lang: str) -> Safe:
    has_pref, minutes = await st.store.reminder_pref(user_id)
    if not has_pref:
        minutes = DEFAULT_MINUTES
    if minutes is None:
        return html_text("mysessions_reminder_off", lang)
    return html_text("mysessions_reminder", lang, minutes=minutes)


async def cmd_mysessions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mysessions: starred sessions by time, with ⭐ to unstar and an .ics button."""
    st = state(context)
    lang = language(update, context)
    user = update.effective_user
    if user is None:
        return
    sessions = _starred(st.content, await st.store.starred_sessions(user.id))
    if not sessions:
        await respond(update, context, render.message("mysessions_empty", lang))
        return
    heading = render.visible(html_text("mysessions_header", lang, count=len(sessions)))
    text = Safe(
        session_list(st.content, heading, sessions, HTML)
        + "\n\n"
        + await _reminder_line(st, user.id, lang)
    )
    reply = await with_stars(st, update, rendered(text), sessions)
    await respond(update, context, with_calendar(reply, lang, "mine"))


async def cmd_remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remind MIN or /remind off: the lead of reminders before starred sessions."""
    st = state(context)
    lang = language(update, context)
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    argument = _command_remainder(message.text or "").strip().lower()
    if argument in ("off", "no", "0", "stop", "band"):
        await st.store.set_reminder_minutes(user.id, None)
        await respond(update, context, render.message("remind_off", lang))
        return
    digits = argument.removesuffix("min").removesuffix("m").strip()
    if digits.isdigit() and 1 <= int(digits) <= MAX_MINUTES:
        await st.store.set_reminder_minutes(user.id, int(digits))
        await respond(update, context, render.message("remind_set", lang, minutes=int(digits)))
        return
    has_pref, minutes = await st.store.reminder_pref(user.id)
    if not has_pref:
        minutes = DEFAULT_MINUTES
    current = (
        plain("cb.remind_current_off", lang)
        if minutes is None
        else plain("cb.remind_current_on", lang, minutes=minutes)
    )
    await respond(
        update, context, render.message("remind_usage", lang, max=MAX_MINUTES, current=current)
    )


async def on_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "ics:all" / "ics:mine": send the agenda or the starred sessions as an .ics file."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    content = st.content
    which = query.data.split(":", 1)[1]
    slug = re.sub(r"[^a-z0-9]+", "-", content.conference.display_name.lower()).strip("-")
    if which == "mine":
        sessions = _starred(content, await st.store.starred_sessions(query.from_user.id))
        if not sessions:
            await answer_query(query, plain("cb.ics_none", lang))
            return
        name = plain("cb.ics_name_mine", lang, conference=content.conference.display_name)
        caption = html_text("ics_caption_mine", lang, count=len(sessions))
        filename = f"{slug or 'conference'}-my-sessions.ics"
    else:
        sessions = list(content.sessions)
        name = content.conference.display_name
        caption = html_text("ics_caption_all", lang, conference=name)
        filename = f"{slug or 'conference'}-agenda.ics"
    data = calendar_ics(content, sessions, name=name, now=st.now())
    await answer_query(query)
    if query.message is None:
        return
    await context.bot.send_document(
        query.message.chat.id,
        InputFile(data, filename=filename),
        caption=caption,
        parse_mode=ParseMode.HTML,
    )


# --- reminders ----------------------------------------------------------------------------


def reminder_text(reminders: Sequence[DueReminder], now: datetime, lang: str = "en") -> str:
    """One message for the sessions an attendee is being reminded of now."""
    items = []
    for reminder in reminders:
        session = reminder.session
        minutes = max(1, round((session.start - now) / timedelta(minutes=1)))
        where = f"{time_range(session)}"
        if session.room is not None:
            where += f" · {session.room.label}"
        items.append(
            html_text("reminder_item", lang, minutes=minutes, title=session.title, where=where)
        )
    return html_text("reminder", lang, sessions=Safe("\n\n".join(items)))


# Callback patterns and their handlers, for bot.app to register.
BUTTON_PATTERNS: tuple[tuple[str, Callable[..., Awaitable[None]]], ...] = (
    (r"^ann:(send|cancel|stop):\d{1,9}$", on_announce_button),
    (r"^star:[0-9a-f]{10}$", on_star),
    (r"^ics:(all|mine)$", on_calendar),
)


async def stars_for_key(st: BotState, update: Update, reply: Rendered, key: str | None) -> Rendered:
    """☆ buttons under an answer about a session or a speaker (their sessions)."""
    kind, _, ident = (key or "").partition(":")
    content = st.content
    sessions: list[Session] = []
    if kind == "session" and (session := content.session(ident)) is not None:
        sessions = [session]
    elif kind == "speaker" and (speaker := content.speaker(ident)) is not None:
        sessions = content.sessions_of(speaker)
    return await with_stars(st, update, reply, sessions)


def keep_star_rows(query: Any, markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """`markup` plus the ☆/⭐ rows already under the message (a vote must not drop them)."""
    message = query.message if isinstance(query.message, Message) else None
    current = message.reply_markup if message is not None else None
    if current is None:
        return markup
    stars = [
        row
        for row in current.inline_keyboard
        if any(str(b.callback_data or "").startswith("star:") for b in row)
    ]
    if not stars:
        return markup
    rows = list(markup.inline_keyboard) if markup else []
    return InlineKeyboardMarkup([*rows, *stars])
