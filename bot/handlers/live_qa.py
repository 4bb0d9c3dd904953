"""Live Q&A: questions to a session's speaker, upvotes, and the moderators' live list.

Attendees ask from ❓ under a session (the next message is the question) or with
`/ask TEXT`; "Top questions" shows the ranked list with 👍 toggles; moderators (the
session's `moderators:` and the organisers) get one live message, edited at most every
3 s, with ✅ answered / 🚫 hide / 📌 pin. None of this reaches the FAQ matcher or the
unanswered log: the button or /ask makes the intent explicit.

Every button re-checks who pressed it and what it names (callback data can be forged):
a vote for a hidden question, or moderation by someone who is not a moderator, is refused.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ApplicationHandlerStop

from bot import live_qa_service, render
from bot.answering.text import key_for_token
from bot.content.models import Session
from bot.handlers.context import BotContext, command_argument, is_private, pressed
from bot.handlers.sending import answer_query, edit, edit_by_id, respond, shown_message
from bot.live_qa import (
    MAX_CHARS,
    MIN_CHARS,
    PAGE_SIZE,
    EditPacer,
    is_moderator,
    open_sessions,
    page_of,
    ranked,
    takes_questions,
)
from bot.messages import plain
from bot.pacing import Priority, sends_at
from bot.state import BotState
from bot.storage import LivePanel

logger = logging.getLogger(__name__)


def _session(state: BotState, token: str) -> Session | None:
    key = key_for_token(state.content, token)
    return (
        state.content.session(key.split(":", 1)[1]) if key and key.startswith("session:") else None
    )


def _who(update: Update) -> tuple[int, int] | None:
    user, chat = update.effective_user, update.effective_chat
    return (chat.id, user.id) if user is not None and chat is not None else None


# --- asking -------------------------------------------------------------------------------


async def cmd_ask(update: Update, context: BotContext) -> None:
    """/ask TEXT: a question to the speaker of the session running now (asks which if
    several, starred first)."""
    st, lang, who = context.state, context.lang, _who(update)
    message = update.effective_message
    if who is None or message is None:
        return
    text = command_argument(message.text).strip()
    if not text:
        await respond(update, context, render.message("qa.ask_usage", lang))
        return
    starred = set(await st.store.starred_sessions(who[1]))
    sessions = open_sessions(st.content, st.now(), starred)
    if not sessions:
        await respond(update, context, render.message("qa.none_open", lang))
        return
    if len(sessions) == 1:
        await _submit(update, context, sessions[0], text)
        return
    st.live_asks.texts[who] = text
    await respond(update, context, render.qa_pick(sessions, starred, lang))


async def on_pending_text(update: Update, context: BotContext) -> None:
    """The message after ❓ Ask the speaker is the question (and not one for the bot)."""
    who = _who(update)
    message = update.effective_message
    if who is None or message is None or message.text is None:
        return
    session_id = context.state.live_asks.sessions.pop(who, None)
    if session_id is None:
        return  # not asking: the free-text handlers take it
    session = context.state.content.session(session_id)
    if session is not None:
        await _submit(update, context, session, message.text)
    raise ApplicationHandlerStop


async def _submit(update: Update, context: BotContext, session: Session, text: str) -> None:
    """Check the limits, store the question, then reply and refresh the moderators' lists."""
    st, lang = context.state, context.lang
    user = update.effective_user
    assert user is not None
    # The same service as the Mini App's ❓: the same window, limits and refusals.
    name = live_qa_service.asker_name(user.first_name, user.last_name, user.username)
    asked = await live_qa_service.ask(st.store, session, user.id, name, text, st.now())
    if isinstance(asked, live_qa_service.Refused):
        await respond(update, context, render.message(asked.key, lang, **asked.values))
        return
    await respond(update, context, render.qa_asked(asked, session, False, lang))
    _pacer(context).request(session.id)


# --- buttons ------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    """Every "qa:…" button; the pattern in bot.handlers.register allows only these shapes."""
    query, parts = pressed(update)
    action = parts[1]
    if action in ("ask", "to", "top", "tp"):
        session = _session(context.state, parts[2])
        if session is None:
            await answer_query(query, plain("cb.session_gone", context.lang))
            return
        if action == "ask":
            await _ask_button(update, context, session)
        elif action == "to":
            await _pick_button(update, context, session)
        else:
            await _top_button(update, context, session, int(parts[3]), new=action == "top")
    elif action == "up":
        await _vote_button(update, context, int(parts[2]), int(parts[3]))
    elif action == "name":
        await _name_button(update, context, int(parts[2]), parts[3] == "1")
    elif action == "m":
        await _moderate_button(update, context, parts[2], int(parts[3]))
    else:  # "mp": page or refresh a moderator's list
        session = _session(context.state, parts[2])
        await _moderator_page(update, context, session, int(parts[3]))


async def _ask_button(update: Update, context: BotContext, session: Session) -> None:
    query, _ = pressed(update)
    st, lang, who = context.state, context.lang, _who(update)
    if who is None or not takes_questions(session, st.now()):
        await answer_query(query, plain("cb.qa_closed", lang), alert=True)
        return
    st.live_asks.sessions[who] = session.id
    st.live_asks.texts.pop(who, None)
    await answer_query(query, plain("cb.qa_send_next", lang))
    await respond(
        update,
        context,
        render.message("qa.ask_prompt", lang, title=session.title, min=MIN_CHARS, max=MAX_CHARS),
    )


async def _pick_button(update: Update, context: BotContext, session: Session) -> None:
    """The session an /ask was for, when several were taking questions."""
    query, _ = pressed(update)
    who = _who(update)
    text = context.state.live_asks.texts.pop(who, None) if who else None
    if text is None:
        await answer_query(query, plain("cb.expired", context.lang))
        return
    await answer_query(query)
    await _submit(update, context, session, text)


async def _top_view(
    st: BotState, session: Session, page: int, user_id: int, private: bool, lang: str
) -> render.Rendered:
    """An attendee's Top questions page; their own ✅ votes only in their private chat."""
    snapshot = await st.live.reads.submit((session.id, user_id if private else None))
    questions = ranked(snapshot.questions)
    shown, page, pages = page_of(questions, page)
    voted = set(snapshot.voted)
    first = page * PAGE_SIZE + 1
    can_ask = takes_questions(session, st.now())
    return render.qa_top(
        session, shown, voted, page, pages, first, lang, can_ask=can_ask, count=len(questions)
    )


async def _top_button(
    update: Update, context: BotContext, session: Session, page: int, *, new: bool
) -> None:
    query, _ = pressed(update)
    message = shown_message(query)
    private = message is not None and is_private(message.chat)
    view = await _top_view(context.state, session, page, query.from_user.id, private, context.lang)
    await answer_query(query)
    if new:
        await respond(update, context, view)
    else:
        await edit(query, context, view)


async def _vote_button(update: Update, context: BotContext, question_id: int, page: int) -> None:
    """👍: stored (with whatever other votes arrived meanwhile), then the button answered at
    once; the lists showing the count are edited later, paced (they are messages, the
    button's answer is not)."""
    query, _ = pressed(update)
    st, lang = context.state, context.lang
    outcome = await live_qa_service.vote(st.live, question_id, query.from_user.id, st.now())
    if isinstance(outcome, live_qa_service.Refused):
        await answer_query(query, plain(outcome.key, lang, **outcome.values), alert=True)
        return
    await answer_query(query, plain("cb.qa_voted" if outcome.voted else "cb.qa_unvoted", lang))
    session = st.content.session(outcome.session_id)
    if session is None:
        return
    _pacer(context).request(session.id)
    message = shown_message(query)
    if message is not None:
        # The voter's own list shows the new count and ✅, edited at most every 3 s too:
        # ten quick votes are one or two edits, not ten.
        view = f"{message.chat.id}:{message.message_id}:{session.id}:{page}:{query.from_user.id}"
        _view_pacer(context).request(view)


async def _name_button(update: Update, context: BotContext, question_id: int, show: bool) -> None:
    """The asker shows their name with the question, or hides it again (theirs only)."""
    query, _ = pressed(update)
    st, lang = context.state, context.lang
    question = await st.store.live_question(question_id)
    session = st.content.session(question.session_id) if question else None
    if question is None or session is None or question.user_id != query.from_user.id:
        await answer_query(query, plain("cb.qa_gone", lang), alert=True)
        return
    await st.store.show_live_name(question_id, query.from_user.id, show)
    await answer_query(query, plain("cb.qa_name_shown" if show else "cb.qa_name_hidden", lang))
    await edit(query, context, render.qa_asked(question_id, session, show, lang))
    _pacer(context).request(session.id)


# --- moderation ---------------------------------------------------------------------------


def _moderates(context: BotContext, session: Session, user_id: int) -> bool:
    return is_moderator(session, user_id, context.state.settings.organiser_ids)


async def cmd_moderate(update: Update, context: BotContext) -> None:
    """/moderate [SESSION]: the live, ranked list of a session's questions, for its
    moderators and the organisers, in a private chat (or the organisers' chat)."""
    st, lang = context.state, context.lang
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None:
        return
    wanted = command_argument(message.text).strip()
    if wanted:
        session = st.content.session(wanted)
        if session is None:
            await respond(
                update, context, render.message("qa.unknown_session", lang, id=wanted[:64])
            )
            return
    else:
        mine = [s for s in open_sessions(st.content, st.now()) if _moderates(context, s, user.id)]
        if not mine:
            await respond(update, context, render.message("qa.moderate_usage", lang))
            return
        session = mine[0]
    place_ok = is_private(chat) or chat.id == st.settings.organiser_chat_id
    if not _moderates(context, session, user.id) or not place_ok:
        logger.info("refused /moderate %s from user %s in chat %s", session.id, user.id, chat.id)
        await respond(update, context, render.message("qa.not_moderator", lang))
        return
    view = await _moderation_view(st, session, 0, lang)
    sent = await respond(update, context, view)
    if sent is not None:
        await st.store.add_live_panel(LivePanel(session.id, sent.chat.id, sent.message_id, 0, lang))


async def _moderation_view(st: BotState, session: Session, page: int, lang: str) -> render.Rendered:
    everything = (await st.live.reads.submit((session.id, None))).questions
    counts = tuple(sum(q.status == s for q in everything) for s in ("open", "answered", "hidden"))
    shown, page, pages = page_of(ranked(everything, hidden=True), page)
    return render.qa_moderation(
        session,
        shown,
        (counts[0], counts[1], counts[2]),
        page,
        pages,
        page * PAGE_SIZE + 1,
        st.now(),
        lang,
    )


_ACTIONS = {"a": "answered", "h": "hidden", "p": "pin"}


async def _moderate_button(
    update: Update, context: BotContext, action: str, question_id: int
) -> None:
    query, _ = pressed(update)
    st, lang = context.state, context.lang
    question = await st.store.live_question(question_id)
    session = st.content.session(question.session_id) if question else None
    if question is None or session is None:
        await answer_query(query, plain("cb.qa_gone", lang), alert=True)
        return
    if not _moderates(context, session, query.from_user.id):
        logger.info("refused moderation of %s by user %s", question_id, query.from_user.id)
        await answer_query(query, plain("cb.qa_not_moderator", lang), alert=True)
        return
    changed = await st.store.moderate_live(question_id, _ACTIONS[action], st.now())
    await answer_query(query, plain("cb.qa_done" if changed else "cb.qa_unchanged", lang))
    _pacer(context).request(session.id)


async def _moderator_page(
    update: Update, context: BotContext, session: Session | None, page: int
) -> None:
    query, _ = pressed(update)
    st, lang = context.state, context.lang
    message = shown_message(query)
    if session is None or message is None:
        await answer_query(query, plain("cb.session_gone", lang))
        return
    if not _moderates(context, session, query.from_user.id):
        await answer_query(query, plain("cb.qa_not_moderator", lang), alert=True)
        return
    await answer_query(query)
    await st.store.add_live_panel(
        LivePanel(session.id, message.chat.id, message.message_id, page, lang)
    )
    _pacer(context).request(session.id)


# --- the live lists -----------------------------------------------------------------------


def _pacer(context: BotContext) -> EditPacer:
    return moderators_pacer(context.bot, context.state)


def moderators_pacer(bot: Bot, st: BotState) -> EditPacer:
    """The one pacer of the moderators' lists (made on first use: it needs the bot).

    Public for the Mini App's bridge (bot.web.telegram_side): a question, vote or
    moderation made on the page refreshes the same lists through the same 3 s floor.
    """
    if st.live_pacer is None:

        async def refresh(session_id: str) -> None:
            await _refresh_panels(bot, st, session_id)

        st.live_pacer = EditPacer(refresh)
    return st.live_pacer


def _changed_since_last(
    st: BotState, chat_id: int, message_id: int, reply: render.Rendered
) -> bool:
    """Whether a live list would change; an identical edit is a Telegram 400, so skip it.

    Remembered per message (a hash, in memory: after a restart the first edit may be
    identical, which `edit_by_id` lets pass as "not modified").
    """
    markup = reply.markup.to_json() if reply.markup is not None else ""
    digest = hash((reply.texts[0], markup))
    if st.live_shown.get((chat_id, message_id)) == digest:
        return False
    st.live_shown[(chat_id, message_id)] = digest
    return True


def _view_pacer(context: BotContext) -> EditPacer:
    """The pacer of attendees' own Top questions lists, keyed by message."""
    st = context.state
    if st.live_view_pacer is None:
        bot = context.bot

        async def refresh(view: str) -> None:
            chat_id, message_id, session_id, page, user_id = view.split(":")
            session = st.content.session(session_id)
            if session is None:
                return
            lang = st.language_of(int(user_id))
            private = int(chat_id) == int(user_id)
            reply = await _top_view(st, session, int(page), int(user_id), private, lang)
            if not _changed_since_last(st, int(chat_id), int(message_id), reply):
                return
            try:
                # Nobody waits for this edit (the 👍's answer said it all): replies go first,
                # and while it waits, later votes' refreshes fold into the next one.
                with sends_at(Priority.NOTICE):
                    await edit_by_id(bot, int(chat_id), int(message_id), reply)
            except (BadRequest, Forbidden) as exc:
                logger.info("attendee list %s/%s not refreshed: %s", chat_id, message_id, exc)

        st.live_view_pacer = EditPacer(refresh)
    return st.live_view_pacer


async def _refresh_panels(bot: Bot, st: BotState, session_id: str) -> None:
    """Edit every moderator list of the session to its current state."""
    session = st.content.session(session_id)
    if session is None:
        return
    for panel in await st.store.live_panels(session_id):
        view = await _moderation_view(st, session, panel.page, panel.lang)
        if not _changed_since_last(st, panel.chat_id, panel.message_id, view):
            continue
        try:
            await edit_by_id(bot, panel.chat_id, panel.message_id, view)
        except (BadRequest, Forbidden) as exc:  # deleted message, blocked bot
            logger.info("live list %s/%s dropped: %s", panel.chat_id, panel.message_id, exc)
            await st.store.drop_live_panel(panel.chat_id, panel.message_id)
