"""My schedule: ☆/⭐ stars, /mysessions, /remind and calendar (.ics) files.

The star buttons are added under listings by bot.handlers.stars (shared); pressing one is
handled here. Reminders themselves are sent by the engine (bot.reminders).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InputFile, Update

from bot import render
from bot.answering.text import HTML, key_for_token, session_list
from bot.calendar import calendar_ics
from bot.content.models import Content, Session
from bot.handlers.context import BotContext, command_argument, is_private, pressed
from bot.handlers.sending import answer_query, edit_keyboard, respond, shown_message
from bot.handlers.stars import with_stars
from bot.messages import Safe, html_text, plain
from bot.reminders import MAX_MINUTES, reminder_lead
from bot.render import rendered
from bot.slugs import slug


async def on_star(update: Update, context: BotContext) -> None:
    """A ☆/⭐ button ("star:<key token>"): toggle the session in the presser's schedule."""
    query, (_, token) = pressed(update)
    st = context.state
    lang = context.lang
    key = key_for_token(st.content, token)
    session = st.content.session(key.split(":", 1)[1]) if key else None
    if session is None:
        await answer_query(query, plain("cb.session_gone", lang))
        return
    user_id = query.from_user.id
    starred = await st.store.toggle_star(user_id, session.id, st.now())
    if starred:
        minutes = await reminder_lead(st.store, user_id)
        toast = (
            plain("cb.starred", lang, minutes=minutes)
            if minutes is not None
            else plain("cb.starred_no_reminder", lang)
        )
    else:
        toast = plain("cb.unstarred", lang)
    await answer_query(query, toast)
    message = shown_message(query)
    if message is None or message.reply_markup is None or not is_private(message.chat):
        return
    await edit_keyboard(
        query, render.flip_star_in(message.reply_markup, query.data or "", starred, lang)
    )


def _starred(content: Content, ids: Sequence[str]) -> list[Session]:
    found = [s for s in (content.session(i) for i in ids) if s is not None]
    return sorted(found, key=lambda s: (s.start, s.title))


async def cmd_mysessions(update: Update, context: BotContext) -> None:
    """/mysessions: starred sessions by time, with ⭐ to unstar and an .ics button."""
    st = context.state
    lang = context.lang
    user = update.effective_user
    if user is None:
        return
    sessions = _starred(st.content, await st.store.starred_sessions(user.id))
    if not sessions:
        await respond(update, context, render.message("mysessions_empty", lang))
        return
    heading = render.visible(html_text("mysessions_header", lang, count=len(sessions)))
    minutes = await reminder_lead(st.store, user.id)
    if minutes is None:
        reminder = html_text("mysessions_reminder_off", lang)
    else:
        reminder = html_text("mysessions_reminder", lang, minutes=minutes)
    text = Safe(session_list(st.content, heading, sessions, HTML) + "\n\n" + reminder)
    reply = await with_stars(context, rendered(text), sessions)
    await respond(update, context, render.with_calendar(reply, lang, "mine"))


async def cmd_remind(update: Update, context: BotContext) -> None:
    """/remind MIN or /remind off: the lead of reminders before starred sessions."""
    st = context.state
    lang = context.lang
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    argument = command_argument(message.text).strip().lower()
    if argument in ("off", "no", "0", "stop", "band"):
        await st.store.set_reminder_minutes(user.id, None)
        await respond(update, context, render.message("remind_off", lang))
        return
    digits = argument.removesuffix("min").removesuffix("m").strip()
    if digits.isdigit() and 1 <= int(digits) <= MAX_MINUTES:
        await st.store.set_reminder_minutes(user.id, int(digits))
        await respond(update, context, render.message("remind_set", lang, minutes=int(digits)))
        return
    minutes = await reminder_lead(st.store, user.id)
    current = (
        plain("cb.remind_current_off", lang)
        if minutes is None
        else plain("cb.remind_current_on", lang, minutes=minutes)
    )
    await respond(
        update, context, render.message("remind_usage", lang, max=MAX_MINUTES, current=current)
    )


async def on_calendar(update: Update, context: BotContext) -> None:
    """ "ics:all" / "ics:mine": send the agenda or the starred sessions as an .ics file."""
    query, (_, which) = pressed(update)
    st = context.state
    lang = context.lang
    content = st.content
    base = slug(content.conference.display_name, "conference")
    if which == "mine":
        sessions = _starred(content, await st.store.starred_sessions(query.from_user.id))
        if not sessions:
            await answer_query(query, plain("cb.ics_none", lang))
            return
        name = plain("cb.ics_name_mine", lang, conference=content.conference.display_name)
        caption = html_text("ics_caption_mine", lang, count=len(sessions))
        filename = f"{base}-my-sessions.ics"
    else:
        sessions = list(content.sessions)
        name = content.conference.display_name
        caption = html_text("ics_caption_all", lang, conference=name)
        filename = f"{base}-agenda.ics"
    data = calendar_ics(content, sessions, name=name, now=st.now())
    await answer_query(query)
    if query.message is None:
        return
    await context.bot.send_document(
        query.message.chat.id, InputFile(data, filename=filename), caption=caption
    )
