"""What every handler shares: the bot's state, the caller's language and sending helpers.

Handlers never call `send_message` with hand-made text or markup: they pass a
`render.Rendered` to `send`/`respond`/`edit`, which use HTML parse mode, send split
messages in order with the keyboard on the last one, quote the asker in groups and skip
edits that would change nothing (Telegram answers those with a 400).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot import messages
from bot.answer_cache import AnswerCache
from bot.answering import Answerer
from bot.clock import Clock
from bot.config import Settings
from bot.content import Content
from bot.question_log import QuestionLog
from bot.render import Rendered, visible
from bot.storage import Store

if TYPE_CHECKING:
    from bot.handlers.organiser import OrganiserPoster

logger = logging.getLogger(__name__)

STATE_KEY = "state"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_QUESTION_CHARS = 4096  # Telegram's own limit for a message; longer input is cut


@dataclass(slots=True)
class BotState:
    """Everything the handlers need, kept in `application.bot_data` under STATE_KEY.

    `answerer` is replaced whole by /reload; a handler reads it once per update so one
    question is always answered from one consistent content snapshot.
    """

    settings: Settings
    answerer: Answerer
    clock: Clock
    store_: Store | None = None
    owns_store: bool = False
    username: str = ""
    bot_id: int = 0
    answers: AnswerCache = field(default_factory=AnswerCache)
    questions_: QuestionLog | None = None
    poster: OrganiserPoster | None = None
    # UI language per user: chosen with /lang (wins), else from the Telegram client's
    # language_code. Kept in memory (loaded at start) so every reply picks its language
    # without a database round trip; reminders and reports use it too.
    chosen_languages: dict[int, str] = field(default_factory=dict)
    client_languages: dict[int, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        if self.store_ is None:
            raise RuntimeError("the store is opened in post_init; the bot is not started")
        return self.store_

    @property
    def questions(self) -> QuestionLog:
        """Question recording with group commit, over the same store."""
        if self.questions_ is None:
            self.questions_ = QuestionLog(self.store)
        return self.questions_

    @property
    def content(self) -> Content:
        return self.answerer.content

    def now(self) -> datetime:
        return self.clock.now()

    def language_of(self, user_id: int | None, language_code: str | None = None) -> str:
        """The catalogue language for this user: /lang choice, else their client's."""
        if user_id is not None:
            chosen = self.chosen_languages.get(user_id)
            if chosen is not None:
                return chosen
            if language_code is None:
                return self.client_languages.get(user_id, messages.DEFAULT_LANGUAGE)
        return messages.language_for(language_code)

    def is_organiser(self, user_id: int | None) -> bool:
        """Checked on every organiser command and button: ids come from configuration."""
        return user_id is not None and user_id in self.settings.organiser_ids


def state_of(application: Application[Any, Any, Any, Any, Any, Any]) -> BotState:
    return cast(BotState, application.bot_data[STATE_KEY])


def state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return state_of(context.application)


def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language to answer this update in (the /lang choice wins over the client's)."""
    user = update.effective_user
    if user is None:
        return messages.DEFAULT_LANGUAGE
    return state(context).language_of(user.id, user.language_code)


def is_private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == ChatType.PRIVATE


async def send(
    bot: Bot, chat_id: int, reply: Rendered, *, reply_to: int | None = None
) -> Message | None:
    """Send every part of a reply in order; the keyboard goes on the last part."""
    last: Message | None = None
    for index, text in enumerate(reply.texts):
        is_last = index == len(reply.texts) - 1
        parameters = None
        if reply_to is not None and index == 0:
            parameters = ReplyParameters(reply_to, allow_sending_without_reply=True)
        last = await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=reply.markup if is_last else None,
            reply_parameters=parameters,
            link_preview_options=NO_PREVIEW,
        )
    return last


async def respond(
    update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Rendered
) -> Message | None:
    """Answer the update's chat; in groups, as a reply to the message that asked."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    reply_to = None
    if not is_private(chat) and message is not None and update.callback_query is None:
        reply_to = message.message_id
    return await send(context.bot, chat.id, reply, reply_to=reply_to)


def _same_markup(message: Message | None, reply: Rendered) -> bool:
    current = message.reply_markup if message is not None else None
    if current is None or not current.inline_keyboard:
        return reply.markup is None or not reply.markup.inline_keyboard
    return reply.markup is not None and current.to_dict() == reply.markup.to_dict()


async def edit(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, reply: Rendered) -> None:
    """Replace a bot message (first part) and send any further parts as new messages.

    An edit identical to what the attendee already sees is skipped: a double press must not
    produce Telegram's "message is not modified" error.
    """
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        return
    first, rest = reply.texts[0], reply.texts[1:]
    first_markup = None if rest else reply.markup
    first_reply = Rendered((first,), first_markup)
    unchanged_text = visible(first).strip() == (message.text or "").strip()
    if unchanged_text and _same_markup(message, first_reply):
        return
    try:
        if unchanged_text:
            await message.edit_reply_markup(reply_markup=first_markup)
        else:
            await message.edit_text(
                first,
                parse_mode=ParseMode.HTML,
                reply_markup=first_markup,
                link_preview_options=NO_PREVIEW,
            )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
        logger.debug("edit of message %s skipped: not modified", message.message_id)
    if rest:
        await send(context.bot, message.chat.id, Rendered(rest, reply.markup))


async def answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a callback query exactly once (the spinner on the button stops)."""
    await query.answer(text=text[:200] if text else None, show_alert=alert)


async def edit_keyboard(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Change only the buttons under a message, unless they already look like that."""
    message = query.message if isinstance(query.message, Message) else None
    if message is None or _same_markup(message, Rendered(("",), markup)):
        return
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
