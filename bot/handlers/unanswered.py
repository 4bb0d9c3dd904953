"""The unanswered-question loop: /unanswered, /answer, /dismiss, /stats, /reload, and
organisers' replies to the bot's posts in their chat, which reach the attendee.

Every command and button here is behind `organiser_only`; a reply in the organisers' chat
checks its sender itself (someone not an organiser may be in that group).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from telegram import Bot, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import filters

from bot import messages, render
from bot.content import Problem
from bot.etiquette import HANDOFF_WINDOW
from bot.handlers.context import BotContext, command_argument, pressed
from bot.handlers.guards import organiser_only
from bot.handlers.sending import answer_query, edit, respond, send
from bot.organiser_poster import Batch, Post
from bot.render import UNANSWERED_PAGE
from bot.state import BotState

logger = logging.getLogger(__name__)


class _ReplyToBot(filters.MessageFilter):
    """A reply to one of the bot's own messages."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == message.get_bot().id
        )


def organiser_reply_filter(organiser_chat_id: int) -> filters.BaseFilter:
    """A new text message in the organisers' chat replying to one of the bot's messages."""
    return (
        filters.UpdateType.MESSAGE
        & filters.Chat(organiser_chat_id)
        & filters.TEXT
        & ~filters.COMMAND
        & _ReplyToBot()
    )


def _rendered_post(item: Post | Batch) -> render.Rendered:
    """❓ for a question, 🙋 for a handoff, 👎 for an answer that did not help, 📦 for one
    attendee's burst of them."""
    if isinstance(item, Batch):
        first = item.posts[0]
        entries = [(p.question_id, p.text, p.handoff, p.rejected) for p in item.posts]
        minutes = int(HANDOFF_WINDOW.total_seconds() // 60)
        return render.organiser_batch(first.name, first.user_id, entries, minutes, first.language)
    if item.handoff:
        return render.organiser_handoff(
            item.question_id, item.name, item.user_id, item.text, item.last_question, item.language
        )
    if item.rejected is not None:
        return render.organiser_downvoted(
            item.question_id, item.name, item.user_id, item.text, item.rejected, item.language
        )
    return render.organiser_post(
        item.question_id, item.name, item.user_id, item.text, item.guess, item.language
    )


async def post_question(bot: Bot, chat_id: int, item: Post | Batch) -> int | None:
    """The organiser poster's send: one post in the organisers' chat; its message id.

    Telegram's refusals (bot removed from the group, Telegram down) are logged here; the
    question is safe in the unanswered log either way.
    """
    ids = [post.question_id for post in (item.posts if isinstance(item, Batch) else (item,))]
    try:
        sent = await send(bot, chat_id, _rendered_post(item))
    except TelegramError as exc:
        logger.warning("could not post question(s) %s to the organisers' chat: %s", ids, exc)
        return None
    return sent.message_id if sent is not None else None


@dataclass(frozen=True, slots=True)
class Delivery:
    outcome: Literal["sent", "missing", "closed"]
    sent: int = 0
    total: int = 0


async def deliver_answer(
    bot: Bot, st: BotState, question_id: int, answer_text: str, organiser_id: int
) -> Delivery:
    """Answer every open question grouped with this one, once per attendee.

    The questions are marked answered *before* sending, and only the ones still open are
    sent: two organisers answering the same group at once cannot both message attendees.
    """
    members = await st.store.group_members(question_id)
    if not members:
        exists = await st.store.get_question(question_id) is not None
        return Delivery("closed" if exists else "missing")
    resolved = set(
        await st.store.mark_answered([m.id for m in members], answer_text, organiser_id, st.now())
    )
    by_chat = {}
    for member in members:  # newest first: each attendee sees their latest wording
        if member.id in resolved and member.chat_id not in by_chat:
            by_chat[member.chat_id] = member
    if not by_chat:
        return Delivery("closed")
    sent = 0
    for member in by_chat.values():
        try:
            await send(
                bot,
                member.chat_id,
                render.organiser_answer(member.text, answer_text, st.language_of(member.user_id)),
                reply_to=member.message_id,
            )
            sent += 1
        except Forbidden:
            logger.info("attendee %s has blocked the bot; answer not delivered", member.user_id)
        except TelegramError as exc:
            logger.warning("answer to question %s not delivered: %s", member.id, exc)
    return Delivery("sent", sent, len(by_chat))


async def _report(
    update: Update, context: BotContext, question_id: int, delivery: Delivery
) -> None:
    lang = context.lang
    if delivery.outcome == "missing":
        reply = render.message("no_such_question", lang, id=question_id)
    elif delivery.outcome == "closed":
        reply = render.message("already_closed", lang, id=question_id)
    else:
        reply = render.answered_report(question_id, delivery.sent, delivery.total, lang)
    await respond(update, context, reply)


async def _offer_teaching(
    update: Update, context: BotContext, question_id: int, delivery: Delivery
) -> None:
    """After an answer went out: "Also use this for similar questions → …" (one tap;
    the buttons are handled by the learning feature)."""
    if delivery.outcome != "sent":
        return
    st = context.state
    question = await st.store.get_question(question_id)
    if question is None:
        return
    guesses = st.learner.offer(question)
    offer = render.teach_offer(question.id, question.text, guesses, context.lang)
    await respond(update, context, offer)


async def on_organiser_reply(update: Update, context: BotContext) -> None:
    """An organiser replied to a bot message in the organisers' chat: answer the attendee."""
    message = update.effective_message
    user = update.effective_user
    st = context.state
    if message is None or message.reply_to_message is None or user is None:
        return
    lang = context.lang
    # A batched post carries several questions of one attendee: the reply answers them all.
    questions = await st.store.questions_by_organiser_post(
        message.chat.id, message.reply_to_message.message_id
    )
    if not questions:
        await respond(update, context, render.message("not_a_question_post", lang))
        return
    if not st.is_organiser(user.id):
        await respond(update, context, render.message("reply_not_organiser", lang))
        return
    text = (message.text or "").strip()
    if not text:
        return
    for question in questions:
        delivery = await deliver_answer(context.bot, st, question.id, text, user.id)
        await _report(update, context, question.id, delivery)
        await _offer_teaching(update, context, question.id, delivery)


def _question_id(raw: str) -> int | None:
    raw = raw.lstrip("#")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


def _arguments(update: Update) -> list[str]:
    """The text after the command, split once: ["12", "the answer, newlines kept"]."""
    message = update.effective_message
    return command_argument(message.text if message else None).split(None, 1)


@organiser_only
async def cmd_answer(update: Update, context: BotContext) -> None:
    """/answer ID text: send the answer to everyone who asked that question."""
    parts = _arguments(update)
    question_id = _question_id(parts[0]) if parts else None
    text = parts[1].strip() if len(parts) > 1 else ""
    if question_id is None or not text:
        await respond(update, context, render.message("answer_usage", context.lang))
        return
    user = update.effective_user
    assert user is not None
    delivery = await deliver_answer(context.bot, context.state, question_id, text, user.id)
    await _report(update, context, question_id, delivery)
    await _offer_teaching(update, context, question_id, delivery)


@organiser_only
async def cmd_dismiss(update: Update, context: BotContext) -> None:
    """/dismiss ID: close a question (and its near-identical group) without an answer."""
    lang = context.lang
    parts = _arguments(update)
    question_id = _question_id(parts[0]) if parts else None
    if question_id is None:
        await respond(update, context, render.message("dismiss_usage", lang))
        return
    st = context.state
    user = update.effective_user
    assert user is not None
    members = await st.store.group_members(question_id)
    dismissed = await st.store.dismiss([m.id for m in members], user.id, st.now())
    if not dismissed:
        exists = await st.store.get_question(question_id) is not None
        key = "already_closed" if exists else "no_such_question"
        await respond(update, context, render.message(key, lang, id=question_id))
        return
    await respond(
        update, context, render.message("dismissed", lang, id=question_id, count=len(dismissed))
    )


async def _unanswered_page(st: BotState, offset: int, lang: str) -> render.Rendered:
    total = await st.store.count_open_groups()
    if offset >= total:
        offset = max(0, (total - 1) // UNANSWERED_PAGE * UNANSWERED_PAGE)
    groups = await st.store.open_groups(limit=UNANSWERED_PAGE, offset=offset)
    content = st.content
    return render.unanswered_page(groups, offset, total, content.conference.timezone, lang, content)


@organiser_only
async def cmd_unanswered(update: Update, context: BotContext) -> None:
    """/unanswered: open questions, near-identical ones grouped, newest first, paged."""
    await respond(update, context, await _unanswered_page(context.state, 0, context.lang))


@organiser_only
async def on_unanswered_page(update: Update, context: BotContext) -> None:
    """◀ ▶ under /unanswered (callback data "unans:<offset>")."""
    query, (_, raw_offset) = pressed(update)
    offset = int(raw_offset)
    page = await _unanswered_page(context.state, offset, context.lang)
    await edit(query, context, page)
    await answer_query(query)


@organiser_only
async def cmd_stats(update: Update, context: BotContext) -> None:
    """/stats: attendees, questions by outcome, most asked entries, votes, chatter, feedback."""
    st = context.state
    numbers = await st.store.stats()
    lang = context.lang
    chatter = await st.store.chatter_stats()
    tz = st.content.conference.timezone
    reply = render.with_chatter_stats(render.stats(numbers, st.content, lang), chatter, tz, lang)
    await respond(update, context, reply)


@organiser_only
async def cmd_reload(update: Update, context: BotContext) -> None:
    """/reload: swap in new content only if it is valid; otherwise keep serving the old.

    The reload runs in the background (shutdown never waits on it); the reply follows.
    """
    st = context.state
    lang = context.lang

    async def report(problems: list[Problem]) -> None:
        if problems:
            await respond(update, context, render.reload_failed(problems, lang))
            return
        summary = st.answerer.content.summary()
        await respond(update, context, render.message("reload_ok", lang, summary=summary))

    st.reload_in_background(report)


async def tell_organisers_about_reload(bot: Bot, st: BotState, problems: list[Problem]) -> None:
    """A reload nobody asked for in Telegram (SIGHUP): its outcome to the organisers.

    Problems go to the organisers' chat, or to each organiser privately if there is none,
    so whoever edits the files learns what to fix; a success goes to the organisers' chat
    only (a deploy that reloads should not ping every organiser).
    """
    chat_id = st.settings.organiser_chat_id
    if chat_id is not None:
        targets = [(chat_id, messages.DEFAULT_LANGUAGE)]
    elif problems:
        targets = [(uid, st.language_of(uid)) for uid in sorted(st.settings.organiser_ids)]
    else:
        targets = []
    for target, lang in targets:
        if problems:
            reply = render.reload_failed(problems, lang)
        else:
            reply = render.message("reload_ok", lang, summary=st.content.summary())
        try:
            await send(bot, target, reply)
        except TelegramError as exc:  # e.g. an organiser who never opened the bot
            logger.warning("could not tell %s about the reload: %s", target, exc)
