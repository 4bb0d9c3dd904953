"""Questions: free text in, an answer, "did you mean" buttons or a hand-off out.

Questions are decided by `Answerer.decide` (bot.answering.decide), remembered briefly by
`bot.answering.recent`: a confident
answer gets 👍/👎, a close call gets "Did you mean…" buttons, anything else is honestly
handed to the organisers. Every question is stored (committed) before the reply goes out,
so an attendee who was told "the organisers will get back to you" is never lost by a crash
in between.

Chatter ("hi", "shukriya", "ok", "koi hai?") is read first (bot.matching.chatter) and gets
what `bot.etiquette` says, never the organisers; a question inside chatter is answered.

In groups the bot only speaks when spoken to (commands, @mentions, replies to its own
messages); it never answers ordinary chatter.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from telegram import CallbackQuery, Message, MessageEntity, Update

from bot import etiquette, render
from bot.answering.text import key_for_token
from bot.handlers.context import MAX_QUESTION_CHARS, BotContext, is_private, pressed
from bot.handlers.sending import (
    answer_query,
    edit,
    edit_keyboard,
    respond,
    send,
    shown_message,
)
from bot.handlers.stars import stars_for_key
from bot.matching.chatter import Reading
from bot.messages import html_text, plain
from bot.state import BotState
from bot.storage import NewChatter, NewQuestion, Question, Rejection, handoff_key

logger = logging.getLogger(__name__)

_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lo", "Nd", "Nl", "No"})


def has_words(text: str) -> bool:
    """Whitespace, emoji, punctuation and tatweel alone are not a question; Urdu letters are."""
    return any(unicodedata.category(char) in _WORD_CATEGORIES for char in text)


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


async def on_text(update: Update, context: BotContext) -> None:
    """Any text that is not a command (nor an organiser's reply to a post): a question?"""
    message = update.effective_message
    if message is None or message.text is None:
        return
    st = context.state
    if is_private(update.effective_chat):
        await ask(update, context, message.text)
        return
    if message.chat.id == st.settings.organiser_chat_id and message.reply_to_message:
        return  # organisers talking among themselves
    question = addressed_text(message, st)
    if question is not None:
        await ask(update, context, question)


async def ask(update: Update, context: BotContext, raw: str) -> None:
    """Answer, suggest or pass on one question; store it first, then reply."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    st = context.state
    lang = context.lang
    question = raw.strip()[:MAX_QUESTION_CHARS]
    reading = st.chatter.read(question)
    if reading.is_chatter:
        await on_chatter(update, context, reading, question)
        return
    question = reading.question or question
    if not has_words(question):
        await respond(update, context, render.message("not_a_question", lang))
        return
    answerer = st.answerer  # one snapshot for the whole update, even across a /reload
    answered = st.answers.answer(answerer, question, lang)
    if answered.decision != "none":  # an answer they passed on after a 👎 is not given again
        kept = await st.passed_on.withhold(answered, user.id, st.now(), st.store.open_rejections)
        if kept is None:
            await respond(update, context, render.message("still_waiting", lang))
            return
        answered = kept
    reply, decision = answered.reply, answered.decision
    best = reply.best
    if decision == "none" and await st.store.open_repeat(
        user.id, answered.grouping_key, st.now() - etiquette.REPEAT_WINDOW
    ):
        await respond(update, context, render.message("still_waiting", lang))
        return
    greeting = etiquette.greeting_line(reading)
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
    if answered.learned_phrasing is not None and best is not None:
        learned_id = st.learner.learned_id(best.target.id, answered.learned_phrasing)
        if learned_id is not None:
            await st.store.record_learned_use(question_id, learned_id)
    if decision == "answer" and answered.answer_html:
        votes = render.with_votes(answered.answer_html, question_id, lang)
        key = best.target.key if best else None
        shown = await stars_for_key(context, votes, key)
    elif decision == "suggest":
        shown = render.suggestions(answerer.content, reply, question_id, lang)
    else:
        shown = render.message("no_answer", lang)
        guess = (best.target.label, best.score) if best else None
        st.post_to_organisers(question_id, user.full_name, user.id, question, guess)
    if greeting is not None:  # "salam, ..." gets "Wa alaikum assalam!" first
        shown = render.with_first_line(shown, html_text(greeting, lang))
    await respond(update, context, shown)


async def on_chatter(update: Update, context: BotContext, reading: Reading, text: str) -> None:
    """Chatter gets the reply `bot.etiquette` chooses; it is stored, never an open question."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None and reading.kind is not None
    st = context.state
    lang = context.lang
    action = etiquette.action_for(reading)
    await st.store.record_chatter(
        NewChatter(user.id, message.chat.id, message.message_id, reading.kind, text, st.now())
    )
    if action.upvote:
        await _thanks_as_vote(st, user.id)
    if action.handoff:
        await _hand_off(update, context, text)
    if action.help:
        organiser = st.is_organiser(user.id)
        await respond(update, context, render.help_text(lang, st.username, organiser=organiser))
    elif action.reply is not None:
        conference = st.content.conference.display_name
        menu = action.menu and is_private(update.effective_chat)  # groups get no menu
        # A request for a person also says how to reach the organisers meanwhile.
        meanwhile = st.content.handoff_entry if action.handoff else None
        reply = render.chatter_reply(action.reply, lang, conference, menu=menu, meanwhile=meanwhile)
        await respond(update, context, reply)


async def _thanks_as_vote(st: BotState, user_id: int) -> None:
    """ "thanks" right after an answer is that answer's 👍 (a pressed 👎 stays)."""
    last = await st.store.last_question(user_id)
    now = st.now()
    if last is None or last.status != "answered_by_bot":
        return
    key = last.chosen_key or last.best_key
    if key is not None and etiquette.is_recent(last.asked_at, now, etiquette.THANKS_VOTE_WINDOW):
        await st.store.add_vote(last.id, user_id, key, 1, now)


async def _hand_off(update: Update, context: BotContext, text: str) -> None:
    """ "talk to a human": an open question the organisers see, with the last question."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    st = context.state
    key = handoff_key(user.id)
    if await st.store.open_repeat(user.id, key, st.now() - etiquette.REPEAT_WINDOW):
        return  # asked already and still open: the reply says so again, no second post
    last = await st.store.last_question(user.id)
    question_id = await st.questions.record(
        NewQuestion(
            user_id=user.id,
            chat_id=message.chat.id,
            message_id=message.message_id,
            text=text,
            normalized=key,
            decision="none",
            now=st.now(),
        )
    )
    st.post_to_organisers(
        question_id,
        user.full_name,
        user.id,
        text,
        None,
        handoff=True,
        last_question=last.text if last else None,
    )


async def on_vote(update: Update, context: BotContext) -> None:
    """👍 / 👎 ("vote:<question id>:1|-1"): store the vote on what the attendee was shown.

    Only the asker's vote counts, and only on the answer where it was shown: the callback
    data names any question id, so anyone could otherwise rate anyone's answer (a forged
    `vote:<id>:-1` shows in /stats as the organisers' signal that an entry is wrong).
    """
    query, (_, raw_id, raw_value) = pressed(update)
    st = context.state
    lang = context.lang
    question_id, value = int(raw_id), int(raw_value)
    question = await st.store.get_question(question_id)
    shown = shown_message(query)
    if question is not None and (
        question.user_id != query.from_user.id or shown is None or shown.chat.id != question.chat_id
    ):
        logger.info("refused a vote on question %s from %s", question_id, query.from_user.id)
        await answer_query(query, plain("cb.not_your_vote", lang))
        return
    key = (question.chosen_key or question.best_key) if question else None
    if key is None or not await st.store.record_vote(
        question_id, query.from_user.id, key, value, st.now()
    ):
        await answer_query(query, plain("cb.expired", lang))
        return
    await answer_query(query, plain("cb.thanks_vote", lang))
    if value < 0 and question is not None:
        await st.learner.objected(question)  # a 👎 takes back their pick's support
    # A 👎 on an answer still the bot's offers one tap to the organisers; a 👍 takes it away.
    offer = question is not None and question.status == "answered_by_bot"
    await _show_votes(query, question_id, lang, value, offer=offer)


async def _show_votes(
    query: CallbackQuery, question_id: int, lang: str, value: int | None, *, offer: bool
) -> None:
    """The 👍/👎 row as voted (and the offer, if any), keeping the message's ⭐ rows."""
    message = shown_message(query)
    current = message.reply_markup if message is not None else None
    votes = render.vote_keyboard(question_id, lang, value, offer=offer)
    await edit_keyboard(query, render.keep_star_rows(current, votes))


async def on_ask_organisers(update: Update, context: BotContext) -> None:
    """ "🙋 Ask the organisers" after a 👎 ("askorg:<question id>"): pass the question on.

    Offered, not automatic: a 👎 can mean "I don't like this answer" about a right one.
    Only the asker may press it, and only while their vote is 👎; the question then goes
    to the organisers like an unanswered one, naming the answer the attendee rejected, and
    counts as a handoff (an attendee's third in ten minutes is gathered into one post).
    """
    query, (_, raw_id) = pressed(update)
    question = await _askers_question(query, context, raw_id)
    if question is None:
        return
    st, lang = context.state, context.lang
    key = question.chosen_key or question.best_key
    vote = await st.store.vote_of(question.id, question.user_id)
    since = st.now() - etiquette.REPEAT_WINDOW
    repeat = await st.store.open_repeat(question.user_id, question.normalized, since)
    outcome = etiquette.ask_organisers_outcome(question.status, vote, key, repeat is not None)
    if outcome == "pass_on" and key is not None:
        now = st.now()
        if await st.store.pass_on_rejected(question.id, key, now):
            st.passed_on.note(Rejection(question.user_id, key, question.normalized, now))
            await _passed_on(update, context, question, key)
            return
        outcome = "with_organisers"  # a double press got there first
    await answer_query(query, plain(etiquette.ASK_TOASTS.get(outcome, "cb.expired"), lang))
    if outcome != "expired":
        await _show_votes(query, question.id, lang, vote, offer=False)


async def _passed_on(
    update: Update, context: BotContext, question: Question, rejected_key: str
) -> None:
    """Tell the attendee the question went on, then post it, naming the rejected answer."""
    query = update.callback_query
    assert query is not None
    st, lang = context.state, context.lang
    await st.learner.objected(question)  # the pick it had no longer counts for a proposal
    await answer_query(query, plain("cb.passed_on", lang))
    await _show_votes(query, question.id, lang, -1, offer=False)
    shown = shown_message(query)
    in_group = not is_private(update.effective_chat)
    await send(
        context.bot,
        question.chat_id,
        render.message("passed_after_downvote", lang),
        reply_to=shown.message_id if in_group and shown is not None else None,
    )
    stored_label = question.best_label if rejected_key == question.best_key else None
    label = render.rejected_label(st.content, rejected_key, stored_label)
    name = query.from_user.full_name
    st.post_to_organisers(question.id, name, question.user_id, question.text, None, rejected=label)


async def _askers_question(
    query: CallbackQuery, context: BotContext, raw_id: str
) -> Question | None:
    """The question under a button only its asker may press; otherwise say why and None."""
    question = await context.state.store.get_question(int(raw_id))
    if question is None:
        await answer_query(query, plain("cb.expired", context.lang))
        return None
    if question.user_id != query.from_user.id:
        await answer_query(query, plain("cb.not_yours", context.lang))
        return None
    return question


async def on_pick(update: Update, context: BotContext) -> None:
    """A "Did you mean" button ("pick:<question id>:<key token>"): show that answer."""
    query, (_, raw_id, token) = pressed(update)
    question = await _askers_question(query, context, raw_id)
    if question is None:
        return
    st, lang, question_id = context.state, context.lang, question.id
    answerer = st.answerer
    key = key_for_token(answerer.content, token)
    reply = render.target_answer(answerer, key, question_id, lang) if key else None
    if key is None or reply is None:
        await answer_query(query, plain("cb.expired", lang))
        await edit(query, context, render.message("answer_gone", lang))
        return
    await st.store.set_chosen(question_id, key)
    picked = await st.store.get_question(question_id)
    if picked is not None:
        await st.learner.picked(picked, st.now())  # a proposal once enough attendees agree
    await answer_query(query)
    await edit(query, context, await stars_for_key(context, reply, key))


async def on_none_of_these(update: Update, context: BotContext) -> None:
    """ "None of these" ("none:<question id>"): the question goes to the organisers."""
    query, (_, raw_id) = pressed(update)
    question = await _askers_question(query, context, raw_id)
    if question is None:
        return
    st, lang, question_id = context.state, context.lang, question.id
    opened = await st.store.mark_unanswered(question_id)
    if opened:
        await st.learner.objected(question)
    await answer_query(query, plain("cb.passed_on", lang))
    await edit(query, context, render.message("none_of_these", lang))
    if opened:
        guess = None
        if question.best_label is not None and question.score is not None:
            guess = (question.best_label, question.score)
        st.post_to_organisers(
            question_id, query.from_user.full_name, question.user_id, question.text, guess
        )
