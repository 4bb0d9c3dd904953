"""The organisers' side: the unanswered-question loop, statistics and content reloads.

Who is an organiser comes from ORGANISER_IDS and is checked on every command, reply and
button press, because button callback data can be forged by any client: a refusal costs
nothing, an attendee closing the organisers' queue would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from telegram import Bot, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import messages, render
from bot.answering import Answerer
from bot.clock import Clock
from bot.content import ContentError, load_content
from bot.handlers.common import (
    BotState,
    answer_query,
    edit,
    language,
    respond,
    send,
    state,
)
from bot.messages import plain
from bot.render import UNANSWERED_PAGE

logger = logging.getLogger(__name__)

GROUP_MESSAGES_PER_MINUTE = 20  # Telegram's documented limit for one group

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def organiser_only(handler: Handler) -> Handler:
    """Run the command only for ORGANISER_IDS; anyone else gets a polite refusal."""

    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not state(context).is_organiser(user.id if user else None):
            logger.info("refused organiser command from user %s", user.id if user else None)
            await respond(
                update, context, render.message("organiser_only", language(update, context))
            )
            return
        await handler(update, context)

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded


# --- the unanswered loop ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Post:
    """An unanswered question waiting to be posted to the organisers' chat."""

    question_id: int
    name: str
    user_id: int
    text: str
    guess: tuple[str, float] | None
    language: str


class OrganiserPoster:
    """Posts unanswered questions to the organisers' chat at once, within Telegram's limits.

    Telegram accepts about 20 messages a minute in one group. Questions are posted as they
    arrive while there is room in the last minute's window; after a burst the rest wait
    their turn here instead of being refused with 429s (which would also hold up the
    replies to attendees). Questions not yet posted at shutdown are still in the
    unanswered log (/unanswered, `python -m bot unanswered`).
    """

    def __init__(
        self, st: BotState, per_minute: int = GROUP_MESSAGES_PER_MINUTE, window: float = 60.0
    ) -> None:
        self.st = st
        self.per_minute = per_minute
        self.window = window
        self._queue: asyncio.Queue[Post] = asyncio.Queue()
        self._sent: deque[float] = deque()
        self._task: asyncio.Task[None] | None = None

    def start(self, bot: Bot) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(bot), name="organiser-poster")

    def enqueue(self, post: Post) -> None:
        self._queue.put_nowait(post)

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    def delay(self, now: float) -> float:
        """Seconds until one more post fits in the window (0 if it fits now)."""
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        if len(self._sent) < self.per_minute:
            return 0.0
        return self._sent[len(self._sent) - self.per_minute] + self.window - now

    async def _run(self, bot: Bot) -> None:
        loop = asyncio.get_running_loop()
        while True:
            post = await self._queue.get()
            while (wait := self.delay(loop.time())) > 0:
                await asyncio.sleep(wait)
            self._sent.append(loop.time())
            await self._post(bot, post)

    async def _post(self, bot: Bot, post: Post) -> None:
        """Send one post and remember it, so a reply to it reaches the attendee.

        A failure (bot removed from the group, Telegram down) is logged, not raised: the
        attendee has been told already and the question is safe in the unanswered log.
        """
        chat_id = self.st.settings.organiser_chat_id
        if chat_id is None:
            return
        try:
            sent = await send(
                bot,
                chat_id,
                render.organiser_post(
                    post.question_id, post.name, post.user_id, post.text, post.guess, post.language
                ),
            )
            if sent is not None:
                await self.st.store.set_organiser_post(post.question_id, chat_id, sent.message_id)
        except TelegramError as exc:
            logger.warning(
                "could not post question %s to the organisers' chat: %s", post.question_id, exc
            )
        except Exception:
            logger.exception("could not post question %s to the organisers' chat", post.question_id)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.waiting:
            logger.warning(
                "%d unanswered question(s) not posted to the organisers' chat "
                "before shutdown; they are in /unanswered",
                self.waiting,
            )


def post_to_organisers(
    st: BotState,
    question_id: int,
    name: str,
    user_id: int,
    text: str,
    guess: tuple[str, float] | None,
    lang: str,
) -> None:
    """Queue a new unanswered question for the organisers' chat, if there is one.

    `lang` is the attendee's; the post itself is in the catalogue's default language,
    because it is for the organisers' group, not for the attendee.
    """
    del lang
    if st.settings.organiser_chat_id is None or st.poster is None:
        return
    st.poster.enqueue(Post(question_id, name, user_id, text, guess, messages.DEFAULT_LANGUAGE))


@dataclass(frozen=True, slots=True)
class Delivery:
    outcome: Literal["sent", "missing", "closed"]
    sent: int = 0
    total: int = 0


async def deliver_answer(
    bot: Bot, st: BotState, question_id: int, answer_text: str, organiser_id: int, lang: str
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
    update: Update, context: ContextTypes.DEFAULT_TYPE, question_id: int, delivery: Delivery
) -> None:
    lang = language(update, context)
    if delivery.outcome == "missing":
        reply = render.message("no_such_question", lang, id=question_id)
    elif delivery.outcome == "closed":
        reply = render.message("already_closed", lang, id=question_id)
    else:
        reply = render.answered_report(question_id, delivery.sent, delivery.total, lang)
    await respond(update, context, reply)


async def on_organiser_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An organiser replied to a bot message in the organisers' chat: answer the attendee."""
    message = update.effective_message
    user = update.effective_user
    st = state(context)
    if message is None or message.reply_to_message is None or user is None:
        return
    lang = language(update, context)
    question = await st.store.question_by_organiser_post(
        message.chat.id, message.reply_to_message.message_id
    )
    if question is None:
        await respond(update, context, render.message("not_a_question_post", lang))
        return
    if not st.is_organiser(user.id):
        await respond(update, context, render.message("reply_not_organiser", lang))
        return
    text = (message.text or "").strip()
    if not text:
        return
    delivery = await deliver_answer(context.bot, st, question.id, text, user.id, lang)
    await _report(update, context, question.id, delivery)


def is_organiser_reply(message: Message | None, st: BotState) -> bool:
    """A reply to one of the bot's own messages, in the organisers' chat."""
    return (
        message is not None
        and st.settings.organiser_chat_id is not None
        and message.chat.id == st.settings.organiser_chat_id
        and message.reply_to_message is not None
        and message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == st.bot_id
    )


# --- commands -----------------------------------------------------------------------------


def _command_parts(message: Message | None) -> list[str]:
    """The text after the command, split once: ["12", "the answer, newlines kept"]."""
    text = (message.text or "") if message else ""
    parts = text.split(None, 2)
    return parts[1:]


def _question_id(raw: str) -> int | None:
    raw = raw.lstrip("#")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


@organiser_only
async def cmd_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/answer ID text: send the answer to everyone who asked that question."""
    lang = language(update, context)
    parts = _command_parts(update.effective_message)
    question_id = _question_id(parts[0]) if parts else None
    text = parts[1].strip() if len(parts) > 1 else ""
    if question_id is None or not text:
        await respond(update, context, render.message("answer_usage", lang))
        return
    user = update.effective_user
    assert user is not None
    delivery = await deliver_answer(context.bot, state(context), question_id, text, user.id, lang)
    await _report(update, context, question_id, delivery)


@organiser_only
async def cmd_dismiss(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dismiss ID: close a question (and its near-identical group) without an answer."""
    lang = language(update, context)
    parts = _command_parts(update.effective_message)
    question_id = _question_id(parts[0]) if parts else None
    if question_id is None:
        await respond(update, context, render.message("dismiss_usage", lang))
        return
    st = state(context)
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
    return render.unanswered_page(groups, offset, total, st.content.conference.timezone, lang)


@organiser_only
async def cmd_unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unanswered: open questions, near-identical ones grouped, newest first, paged."""
    st = state(context)
    await respond(update, context, await _unanswered_page(st, 0, language(update, context)))


async def on_unanswered_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ ▶ under /unanswered (callback data "unans:<offset>")."""
    query = update.callback_query
    assert query is not None and query.data is not None
    st = state(context)
    lang = language(update, context)
    if not st.is_organiser(query.from_user.id):
        await answer_query(query, plain("cb.organiser_only", lang), alert=True)
        return
    offset = int(query.data.split(":")[1])
    page = await _unanswered_page(st, offset, lang)
    await edit(query, context, page)
    await answer_query(query)


@organiser_only
async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats: attendees, questions by outcome, most asked entries and votes."""
    st = state(context)
    numbers = await st.store.stats()
    await respond(update, context, render.stats(numbers, st.content, language(update, context)))


def _build_answerer(st: BotState) -> Answerer:
    """Load, validate and index the content files (slow; runs in a worker thread)."""
    content = load_content(st.settings.agenda_path, st.settings.faq_dir)
    clock = st.clock
    if content.conference.timezone != clock.tz:
        # A new timezone needs a new clock; a rehearsal clock (BOT_NOW) runs on unbroken.
        clock = Clock(
            content.conference.timezone, clock.now() if st.settings.bot_now is not None else None
        )
    return Answerer(content, clock, st.settings.match)


async def reload_content(st: BotState) -> list[object]:
    """Re-read the content; swap it in only if valid. The problems, or [] on success.

    Shared by /reload and SIGHUP so both behave the same: on any problem the running
    content stays and nothing else changes.
    """
    try:
        answerer = await asyncio.to_thread(_build_answerer, st)
    except ContentError as exc:
        logger.warning("reload refused: %d content problem(s)", len(exc.problems))
        return list(exc.problems)
    st.answerer = answerer  # one assignment: later updates see the new content whole
    st.clock = answerer.clock
    logger.info("content reloaded: %s", answerer.content.summary())
    return []


@organiser_only
async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload: swap in new content only if it is valid; otherwise keep serving the old."""
    st = state(context)
    lang = language(update, context)
    problems = await reload_content(st)
    if problems:
        await respond(update, context, render.reload_failed(problems, lang))
        return
    await respond(
        update, context, render.message("reload_ok", lang, summary=st.answerer.content.summary())
    )
