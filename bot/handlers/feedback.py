"""Feedback after the session: the ⭐ buttons, the optional comment, /feedback.

The prompts themselves are queued by bot.feedback (core) and sent by the announcement
engine; this module handles what attendees and organisers do with them:
- "fb:r:TOKEN:N" rates a session 1–5 (stored before the reply; a second rating, a rating
  outside 1–5 or for a session the presser was never asked about is refused);
- the attendee's next message after a rating is its comment (checked before the FAQ
  matcher, so a comment never becomes a question), or "fb:n:TOKEN" skips it;
- "fb:o:TOKEN" opens one session's 1–5 prompt from the batched message;
- `/feedback off|on` and "fb:off" turn the prompts off or on;
- organisers: `/feedback` (every session), `/feedback SESSION` and "fb:p:TOKEN:PAGE"
  (average, distribution, comments), behind `organiser_only`.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import render
from bot.answering.text import key_for_token
from bot.content.models import Session
from bot.feedback import (
    COMMENT_WINDOW,
    MAX_COMMENT_CHARS,
    clean_comment,
    feedback_summaries,
    session_summary,
    valid_stars,
)
from bot.handlers.context import BotContext, command_argument, pressed
from bot.handlers.guards import organiser_only
from bot.handlers.sending import answer_query, edit, respond
from bot.messages import plain
from bot.state import BotState

logger = logging.getLogger(__name__)

OFF_WORDS = frozenset({"off", "stop", "no", "band", "بند"})
ON_WORDS = frozenset({"on", "start", "yes", "chalu", "چالو"})


def _session(state: BotState, token: str) -> Session | None:
    key = key_for_token(state.content, token)
    return (
        state.content.session(key.split(":", 1)[1]) if key and key.startswith("session:") else None
    )


# --- attendees ----------------------------------------------------------------------------


async def cmd_feedback(update: Update, context: BotContext) -> None:
    """/feedback off|on for everyone; without a word, the attendee's setting, or for
    organisers every session's results; /feedback SESSION: one session's (organisers)."""
    st, lang = context.state, context.lang
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    argument = command_argument(message.text).strip()
    word = argument.lower()
    if word in OFF_WORDS or word in ON_WORDS:
        on = word in ON_WORDS
        await st.store.set_feedback_prompts(user.id, on, st.now())
        await respond(update, context, render.message("fb.on" if on else "fb.off", lang))
        return
    if not argument and not st.is_organiser(user.id):
        on = await st.store.feedback_prompts_on(user.id)
        await respond(
            update, context, render.message("fb.status_on" if on else "fb.status_off", lang)
        )
        return
    await _organiser_view(update, context)


async def on_comment(update: Update, context: BotContext) -> None:
    """The message after a rating is its comment, while the window is open (checked before
    the FAQ matcher and live Q&A, which it then stops)."""
    st = context.state
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    now = st.now()
    await st.feedback_waits.load(st.store, now)
    session_id = st.feedback_waits.waiting(user.id, now)
    if session_id is None:
        return  # not commenting: the next handlers take it
    comment = clean_comment(message.text)
    if comment is None:
        return
    if len(comment) > MAX_COMMENT_CHARS:
        reply = render.message(
            "fb.comment_too_long", context.lang, length=len(comment), max=MAX_COMMENT_CHARS
        )
        await respond(update, context, reply)
        raise ApplicationHandlerStop
    st.feedback_waits.close(user.id)
    if not await st.store.comment_on_rating(user.id, session_id, comment, now):
        return  # the window closed meanwhile: a question for the bot after all
    session = st.content.session(session_id)
    if session is None:  # gone from the programme meanwhile: thanks, without the way back
        reply = render.message("fb.comment_saved", context.lang, title=session_id)
    else:
        reply = render.feedback_commented(session, context.lang)
    await respond(update, context, reply)
    raise ApplicationHandlerStop


async def on_button(update: Update, context: BotContext) -> None:
    """Every "fb:…" button; the pattern in bot.handlers.register allows only these shapes."""
    query, parts = pressed(update)
    action = parts[1]
    if action == "off":
        await context.state.store.set_feedback_prompts(
            query.from_user.id, False, context.state.now()
        )
        await answer_query(query, plain("cb.fb_off", context.lang))
        await respond(update, context, render.message("fb.off", context.lang))
        return
    if action == "p":
        await _organiser_page(update, context)
        return
    session = _session(context.state, parts[2])
    if session is None:
        await answer_query(query, plain("cb.session_gone", context.lang))
        return
    if action == "r":
        await _rate(update, context, session, int(parts[3]))
    elif action == "o":
        await _open(update, context, session)
    elif action == "u":
        await _withdraw(update, context, session)
    else:  # "n": no comment
        await _skip(update, context, session)


async def _rate(update: Update, context: BotContext, session: Session, stars: int) -> None:
    query, _ = pressed(update)
    st, lang = context.state, context.lang
    user_id, now = query.from_user.id, st.now()
    outcome, stored = (
        await st.store.rate_session(user_id, session.id, stars, now, now + COMMENT_WINDOW)
        if valid_stars(stars)
        else ("not_asked", None)
    )
    if outcome == "not_asked":
        logger.info("refused rating of %s by user %s", session.id, user_id)
        await answer_query(query, plain("cb.fb_not_asked", lang), alert=True)
        return
    if outcome == "again":
        await answer_query(query, plain("cb.fb_again", lang, value=stored), alert=True)
        return
    st.feedback_waits.open(user_id, session.id, now + COMMENT_WINDOW)
    await answer_query(query, plain("cb.fb_thanks", lang, value=stars))
    minutes = int(COMMENT_WINDOW.total_seconds() // 60)
    await edit(query, context, render.feedback_rated(session, stars, minutes, lang))


async def _open(update: Update, context: BotContext, session: Session) -> None:
    """A session's own 1–5 prompt, from the batched message (only one the presser was
    asked about, and not yet rated)."""
    query, _ = pressed(update)
    st, lang, user_id = context.state, context.lang, query.from_user.id
    if not await st.store.was_prompted(user_id, session.id):
        await answer_query(query, plain("cb.fb_not_asked", lang), alert=True)
        return
    stored = await st.store.my_rating(user_id, session.id)
    if stored is not None:
        await answer_query(query, plain("cb.fb_again", lang, value=stored), alert=True)
        return
    await answer_query(query)
    await respond(update, context, render.feedback_prompt([session], lang))


async def _withdraw(update: Update, context: BotContext, session: Session) -> None:
    """ "That was not a comment": a question sent in the comment window by mistake. The
    comment goes (the rating stays); the attendee sends the question again."""
    query, _ = pressed(update)
    st, lang = context.state, context.lang
    if not await st.store.withdraw_comment(query.from_user.id, session.id):
        await answer_query(query, plain("cb.expired", lang))
        return
    await answer_query(query, plain("cb.fb_withdrawn", lang))
    await edit(query, context, render.message("fb.comment_withdrawn", lang, title=session.title))


async def _skip(update: Update, context: BotContext, session: Session) -> None:
    query, _ = pressed(update)
    st, lang, user_id = context.state, context.lang, query.from_user.id
    st.feedback_waits.close(user_id, session.id)
    await st.store.close_comment(user_id, session.id)
    await answer_query(query, plain("cb.fb_skipped", lang))
    stars = await st.store.my_rating(user_id, session.id)
    if stars is not None:
        await edit(query, context, render.feedback_thanked(session, stars, lang))


# --- organisers ---------------------------------------------------------------------------


@organiser_only
async def _organiser_view(update: Update, context: BotContext) -> None:
    st, lang = context.state, context.lang
    message = update.effective_message
    wanted = command_argument(message.text if message else None).strip()
    if not wanted:
        summaries = await feedback_summaries(st.store, st.content)
        await respond(update, context, render.feedback_table(summaries, st.content, lang))
        return
    session = st.content.session(wanted)
    summary = await session_summary(st.store, st.content, wanted)
    if summary is None:
        if session is None:
            reply = render.message("fb.unknown_session", lang, id=wanted[:64])
        else:
            reply = render.message("fb.not_ended", lang, title=session.title)
        await respond(update, context, reply)
        return
    await respond(update, context, render.feedback_detail(summary, session, 0, lang))


@organiser_only
async def _organiser_page(update: Update, context: BotContext) -> None:
    query, parts = pressed(update)
    st, lang = context.state, context.lang
    session = _session(st, parts[2])
    if session is None:
        await answer_query(query, plain("cb.session_gone", lang))
        return
    summary = await session_summary(st.store, st.content, session.id)
    if summary is None:
        await answer_query(query, plain("cb.fb_none_yet", lang))
        return
    await answer_query(query)
    await edit(query, context, render.feedback_detail(summary, session, int(parts[3]), lang))
