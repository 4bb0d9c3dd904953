"""The attendees' side: questions, the agenda, venue, subscription and privacy.

Questions are answered from `Answerer.ask`: a confident answer gets 👍/👎, a close call
gets "Did you mean…" buttons, anything else is honestly handed to the organisers. Every
question is stored (committed) before the reply goes out, so an attendee who was told "the
organisers will get back to you" is never lost by a crash in between.

In groups the bot only speaks when spoken to (commands, @mentions, replies to its own
messages); it never answers ordinary chatter.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import date

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot import agenda, render
from bot.answers import key_for_token
from bot.handlers import announcements
from bot.handlers.common import (
    MAX_QUESTION_CHARS,
    BotState,
    answer_query,
    edit,
    edit_keyboard,
    is_private,
    language,
    respond,
    send,
    state,
)
from bot.handlers.organiser import is_organiser_reply, on_organiser_reply, post_to_organisers
from bot.messages import plain
from bot.storage import NewQuestion

logger = logging.getLogger(__name__)


_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lo", "Nd", "Nl", "No"})


def has_words(text: str) -> bool:
    """Whitespace, emoji, punctuation and tatweel alone are not a question; Urdu letters are."""
    return any(unicodedata.category(char) in _WORD_CATEGORIES for char in text)


def _command_argument(message: Message | None) -> str:
    text = (message.text or "") if message else ""
    parts = text.split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


# --- commands -----------------------------------------------------------------------------


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: welcome, menu, and (in a private chat) register and subscribe the attendee."""
    st = state(context)
    user, chat = update.effective_user, update.effective_chat
    lang = language(update, context)
    private = is_private(chat)
    if private and user is not None:
        now = st.now()
        await st.store.upsert_user(user.id, user.first_name, user.username, user.language_code, now)
        await st.store.set_subscribed(user.id, True, now)  # /start again resumes
    await respond(update, context, render.welcome(st.content, lang, st.username, private=private))


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    st = state(context)
    user = update.effective_user
    organiser = st.is_organiser(user.id if user else None)
    await respond(
        update,
        context,
        render.help_text(language(update, context), st.username, organiser=organiser),
    )


async def cmd_agenda(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    await respond(
        update,
        context,
        announcements.with_calendar(render.agenda_days(state(context).content, lang), lang),
    )


async def cmd_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    st = state(context)
    view = agenda.now_view(st.content, st.now(), language(update, context))
    await respond(
        update,
        context,
        await announcements.with_stars(
            st, update, render.agenda_view(st.content, view), view.sessions
        ),
    )


async def cmd_next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    st = state(context)
    view = agenda.next_view(st.content, st.now(), language(update, context))
    await respond(
        update,
        context,
        await announcements.with_stars(
            st, update, render.agenda_view(st.content, view), view.sessions
        ),
    )


async def cmd_speaker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/speaker NAME: the speaker's sessions; without a name, how to use it."""
    st = state(context)
    lang = language(update, context)
    content = st.content
    name = _command_argument(update.effective_message)
    example = render.speaker_example(content)
    if not name:
        await respond(update, context, render.message("speaker_usage", lang, example=example))
        return
    found = agenda.find_speakers(content, name[:200])
    if not found:
        await respond(
            update,
            context,
            render.message(
                "speaker_not_found",
                lang,
                name=render.truncate(render.one_line(name), 100),
                example=example,
            ),
        )
        return
    sessions = [s for speaker in found for s in content.sessions_of(speaker)]
    await respond(
        update,
        context,
        await announcements.with_stars(st, update, render.speakers(content, found, lang), sessions),
    )


async def cmd_venue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await respond(update, context, render.venue(state(context).content, language(update, context)))


async def cmd_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: no more announcements (the attendee's other data stays until /forget)."""
    st = state(context)
    user = update.effective_user
    if user is not None:
        await st.store.set_subscribed(user.id, False, st.now())
    await respond(update, context, render.message("stopped", language(update, context)))


async def cmd_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: ask for confirmation; the button does the deleting."""
    lang = language(update, context)
    if not is_private(update.effective_chat):
        await respond(update, context, render.message("forget_private_only", lang))
        return
    await respond(
        update,
        context,
        render.rendered(render.html_text("forget_confirm", lang), render.forget_keyboard(lang)),
    )


LANGUAGE_WORDS = {
    "en": "en",
    "english": "en",
    "انگریزی": "en",
    "ur": "ur",
    "urdu": "ur",
    "اردو": "ur",
}


async def _choose_language(st: BotState, update: Update, lang: str) -> None:
    """Store the attendee's choice; it wins over their Telegram client's language."""
    user = update.effective_user
    if user is None:
        return
    if not await st.store.set_language(user.id, lang):
        await st.store.upsert_user(
            user.id,
            user.first_name,
            user.username,
            user.language_code,
            st.now(),
            subscribe_new=is_private(update.effective_chat),
        )
        await st.store.set_language(user.id, lang)
    st.chosen_languages[user.id] = lang


async def cmd_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lang: English / اردو buttons; `/lang ur` (or urdu, اردو, en) switches at once."""
    st = state(context)
    choice = LANGUAGE_WORDS.get(_command_argument(update.effective_message).lower())
    if choice is None:
        lang = language(update, context)
        await respond(
            update,
            context,
            render.rendered(render.html_text("lang_choose", lang), render.language_keyboard(lang)),
        )
        return
    await _choose_language(st, update, choice)
    await respond(update, context, render.message("lang_set", choice))


async def on_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button ("lang:en" / "lang:ur"): the presser's own language changes."""
    query = update.callback_query
    assert query is not None and query.data is not None
    choice = query.data.split(":", 1)[1]
    await _choose_language(state(context), update, choice)
    await answer_query(query)
    await edit(query, context, render.message("lang_set", choice))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we don't have; in groups only when addressed to us (/x@ourbot)."""
    message = update.effective_message
    if message is None:
        return
    if not is_private(update.effective_chat):
        command = (message.text or "").split(None, 1)[0]
        _, _, target = command.partition("@")
        if target.lower() != state(context).username.lower():
            return  # for another bot, or for nobody: not our business in a group
    await respond(update, context, render.message("unknown_command", language(update, context)))


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes... in a private chat: say what the bot can read."""
    await respond(update, context, render.message("only_text", language(update, context)))


# --- questions ----------------------------------------------------------------------------


def addressed_text(message: Message, st: BotState) -> str | None:
    """The question in a group message meant for the bot, or None for ordinary chatter."""
    text = message.text or ""
    mention = f"@{st.username}".lower()
    mentioned = any(
        message.parse_entity(entity).lower() == mention
        for entity in message.entities
        if entity.type == MessageEntity.MENTION
    ) or any(
        entity.user is not None and entity.user.id == st.bot_id
        for entity in message.entities
        if entity.type == MessageEntity.TEXT_MENTION
    )
    reply = message.reply_to_message
    replied = (
        reply is not None and reply.from_user is not None and (reply.from_user.id == st.bot_id)
    )
    addressed = mentioned or replied
    if not addressed:
        return None
    if st.username:
        text = re.sub(rf"@{re.escape(st.username)}\b", " ", text, flags=re.IGNORECASE)
    return text


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text that is not a command: an organiser's reply, a question, or chatter."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    st = state(context)
    if is_organiser_reply(message, st):
        await on_organiser_reply(update, context)
        return
    if is_private(update.effective_chat):
        await ask(update, context, message.text)
        return
    if message.chat.id == st.settings.organiser_chat_id and message.reply_to_message:
        return  # organisers talking among themselves
    question = addressed_text(message, st)
    if question is not None:
        await ask(update, context, question)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, raw: str) -> None:
    """Answer, suggest or pass on one question; store it first, then reply."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    st = state(context)
    lang = language(update, context)
    question = raw.strip()[:MAX_QUESTION_CHARS]
    if not has_words(question):
        await respond(update, context, render.message("not_a_question", lang))
        return
    answerer = st.answerer  # one snapshot for the whole update, even across a /reload
    answered = st.answers.answer(answerer, question, lang)
    reply, decision = answered.reply, answered.decision
    best = reply.best
    question_id = await st.questions.record(
        NewQuestion(
            user_id=user.id,
            chat_id=message.chat.id,
            message_id=message.message_id,
            text=question,
            normalized=answered.grouping_key,
            decision=decision,
            now=st.now(),
            best_kind=best.target.kind if best else None,
            best_id=best.target.id if best else None,
            best_label=best.target.label if best else None,
            score=round(best.score, 4) if best else None,
        )
    )
    if decision == "answer" and answered.answer_html:
        await respond(
            update,
            context,
            await announcements.stars_for_key(
                st,
                update,
                render.with_votes(answered.answer_html, question_id, lang),
                best.target.key if best else None,
            ),
        )
    elif decision == "suggest":
        await respond(
            update, context, render.suggestions(answerer.content, reply, question_id, lang)
        )
    else:
        await respond(update, context, render.message("no_answer", lang))
        guess = (best.target.label, best.score) if best else None
        post_to_organisers(st, question_id, user.full_name, user.id, question, guess, lang)


# --- buttons ------------------------------------------------------------------------------


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The /start menu ("menu:agenda" ...): answers arrive as new messages, menu stays."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    content = st.content
    choice = query.data.split(":", 1)[1]
    if choice == "agenda":
        reply = announcements.with_calendar(render.agenda_days(content, lang), lang)
    elif choice in ("now", "next"):
        view = (agenda.now_view if choice == "now" else agenda.next_view)(content, st.now(), lang)
        reply = await announcements.with_stars(
            st, update, render.agenda_view(content, view), view.sessions
        )
    elif choice == "venue":
        reply = render.venue(content, lang)
    else:
        reply = render.help_text(lang, st.username, organiser=st.is_organiser(query.from_user.id))
    await answer_query(query)
    if query.message is not None:
        await send(context.bot, query.message.chat.id, reply)


async def on_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A day button under /agenda ("day:2027-02-16"): that day's sessions."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    day = date.fromisoformat(query.data.split(":", 1)[1])
    if day not in st.content.days or query.message is None:
        await answer_query(query, plain("cb.expired", lang))
        return
    await answer_query(query)
    reply = await announcements.with_stars(
        st, update, render.day_agenda(st.content, day, lang), agenda.on_day(st.content, day)
    )
    await send(context.bot, query.message.chat.id, reply)


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎 ("vote:<question id>:1|-1"): store the vote on what the attendee was shown."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    _, raw_id, raw_value = query.data.split(":")
    question_id, value = int(raw_id), int(raw_value)
    question = await st.store.get_question(question_id)
    key = (question.chosen_key or question.best_key) if question else None
    if key is None or not await st.store.record_vote(
        question_id, query.from_user.id, key, value, st.now()
    ):
        await answer_query(query, plain("cb.expired", lang))
        return
    await answer_query(query, plain("cb.thanks_vote", lang))
    await edit_keyboard(
        query, announcements.keep_star_rows(query, render.vote_keyboard(question_id, lang, value))
    )


async def on_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A "Did you mean" button ("pick:<question id>:<key token>"): show that answer."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    _, raw_id, token = query.data.split(":")
    question_id = int(raw_id)
    question = await st.store.get_question(question_id)
    if question is None:
        await answer_query(query, plain("cb.expired", lang))
        return
    if question.user_id != query.from_user.id:
        await answer_query(query, plain("cb.not_yours", lang))
        return
    answerer = st.answerer
    key = key_for_token(answerer.content, token)
    reply = render.target_answer(answerer, key, question_id, lang) if key else None
    if key is None or reply is None:
        await answer_query(query, plain("cb.expired", lang))
        await edit(query, context, render.message("answer_gone", lang))
        return
    await st.store.set_chosen(question_id, key)
    await answer_query(query)
    await edit(query, context, await announcements.stars_for_key(st, update, reply, key))


async def on_none_of_these(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "None of these" ("none:<question id>"): the question goes to the organisers."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    question_id = int(query.data.split(":")[1])
    question = await st.store.get_question(question_id)
    if question is None:
        await answer_query(query, plain("cb.expired", lang))
        return
    if question.user_id != query.from_user.id:
        await answer_query(query, plain("cb.not_yours", lang))
        return
    opened = await st.store.mark_unanswered(question_id)
    await answer_query(query, plain("cb.passed_on", lang))
    await edit(query, context, render.message("none_of_these", lang))
    if opened:
        guess = None
        if question.best_label is not None and question.score is not None:
            guess = (question.best_label, question.score)
        post_to_organisers(
            st, question_id, query.from_user.full_name, question.user_id, question.text, guess, lang
        )


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The /forget confirmation ("forget:yes" / "forget:no")."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    if query.data == "forget:yes":
        await st.store.forget_user(query.from_user.id)
        st.chosen_languages.pop(query.from_user.id, None)
        logger.info("forgot attendee %s at their request", query.from_user.id)
        reply = render.message("forget_done", lang)
    else:
        reply = render.message("forget_cancelled", lang)
    await answer_query(query)
    await edit(query, context, reply)


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback data we don't recognise (an old keyboard, or forged): do nothing."""
    query = update.callback_query
    assert query is not None
    logger.debug("ignored unknown callback data %r from %s", query.data, query.from_user.id)
    await answer_query(query, plain("cb.expired", language(update, context)))


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An attendee blocked the bot: stop sending them announcements."""
    change = update.my_chat_member
    if change is None or not is_private(change.chat):
        return
    if change.new_chat_member.status == ChatMemberStatus.BANNED:
        st = state(context)
        await st.store.mark_blocked(change.chat.id, st.now())
        logger.info("attendee %s blocked the bot; unsubscribed", change.chat.id)
