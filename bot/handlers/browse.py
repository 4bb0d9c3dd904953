"""Browsing the programme: /agenda, /now, /next, /speaker, /venue, /help and the menus."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot import agenda, render
from bot.handlers.context import BotContext, command_argument, is_private, pressed
from bot.handlers.sending import answer_query, respond, send
from bot.handlers.stars import with_stars
from bot.messages import plain


def _with_programme(update: Update, context: BotContext, reply: render.Rendered) -> render.Rendered:
    """The "Open programme" Mini App button, in private chats when WEB_URL is set."""
    if not is_private(update.effective_chat):
        return reply
    return render.with_programme_button(reply, context.lang, context.state.settings.web_url)


async def cmd_help(update: Update, context: BotContext) -> None:
    st = context.state
    user = update.effective_user
    organiser = st.is_organiser(user.id if user else None)
    reply = render.help_text(context.lang, st.username, organiser=organiser)
    await respond(update, context, _with_programme(update, context, reply))


async def cmd_agenda(update: Update, context: BotContext) -> None:
    lang = context.lang
    days = render.agenda_days(context.state.content, lang)
    reply = render.with_calendar(days, lang)
    await respond(update, context, _with_programme(update, context, reply))


async def _agenda_view(update: Update, context: BotContext, view: agenda.AgendaView) -> None:
    reply = render.agenda_view(context.state.content, view)
    await respond(update, context, await with_stars(context, reply, view.sessions))


async def cmd_now(update: Update, context: BotContext) -> None:
    st = context.state
    await _agenda_view(update, context, agenda.now_view(st.content, st.now(), context.lang))


async def cmd_next(update: Update, context: BotContext) -> None:
    st = context.state
    await _agenda_view(update, context, agenda.next_view(st.content, st.now(), context.lang))


async def cmd_speaker(update: Update, context: BotContext) -> None:
    """/speaker NAME: the speaker's sessions; without a name, how to use it."""
    lang = context.lang
    content = context.state.content
    message = update.effective_message
    name = command_argument(message.text if message else None).strip()
    example = render.speaker_example(content)
    if not name:
        await respond(update, context, render.message("speaker_usage", lang, example=example))
        return
    found = agenda.find_speakers(content, name[:200])
    if not found:
        shown = render.truncate(render.one_line(name), 100)
        reply = render.message("speaker_not_found", lang, name=shown, example=example)
        await respond(update, context, reply)
        return
    sessions = [s for speaker in found for s in content.sessions_of(speaker)]
    reply = render.speakers(content, found, lang)
    await respond(update, context, await with_stars(context, reply, sessions))


async def cmd_venue(update: Update, context: BotContext) -> None:
    await respond(update, context, render.venue(context.state.content, context.lang))


async def on_menu(update: Update, context: BotContext) -> None:
    """The /start menu ("menu:agenda" ...): answers arrive as new messages, menu stays."""
    query, (_, choice) = pressed(update)
    st = context.state
    lang = context.lang
    content = st.content
    if choice == "agenda":
        reply = render.with_calendar(render.agenda_days(content, lang), lang)
        reply = _with_programme(update, context, reply)
    elif choice in ("now", "next"):
        view = (agenda.now_view if choice == "now" else agenda.next_view)(content, st.now(), lang)
        reply = await with_stars(context, render.agenda_view(content, view), view.sessions)
    elif choice == "venue":
        reply = render.venue(content, lang)
    else:
        reply = render.help_text(lang, st.username, organiser=st.is_organiser(query.from_user.id))
        reply = _with_programme(update, context, reply)
    await answer_query(query)
    if query.message is not None:
        await send(context.bot, query.message.chat.id, reply)


async def on_day(update: Update, context: BotContext) -> None:
    """A day button under /agenda ("day:2027-02-16"): that day's sessions."""
    query, (_, raw_day) = pressed(update)
    st = context.state
    lang = context.lang
    day = date.fromisoformat(raw_day)
    if day not in st.content.days or query.message is None:
        await answer_query(query, plain("cb.expired", lang))
        return
    await answer_query(query)
    reply = await with_stars(
        context, render.day_agenda(st.content, day, lang), agenda.on_day(st.content, day)
    )
    await send(context.bot, query.message.chat.id, reply)
