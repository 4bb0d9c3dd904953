"""The one place handlers send and edit messages.

Handlers never call `send_message` with hand-made text or markup: they pass a
`render.Rendered` to `send`/`respond`/`edit`, which send split messages in order with the
keyboard on the last one, quote the asker in groups and skip edits that would change
nothing. Parse mode (HTML) and link previews (off) come from the application's `Defaults`
(bot.app), not from each call.

Telegram answers an edit identical to the message with 400 "message is not modified";
`unless_not_modified` is the one guard for it, keyed on that error
(`bot.telegram_sender.is_not_modified`).

This is a shared module, not a feature: feature modules may import it, never each other.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest

from bot.handlers.context import BotContext, is_private
from bot.render import Rendered, visible
from bot.telegram_sender import is_not_modified

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def unless_not_modified(message_id: int) -> Iterator[None]:
    """Let an edit that changes nothing pass quietly; every other error is raised."""
    try:
        yield
    except BadRequest as exc:
        if not is_not_modified(exc):
            raise
        logger.debug("edit of message %s skipped: not modified", message_id)


def shown_message(query: CallbackQuery) -> Message | None:
    """The message under a pressed button, if the bot can still see (and edit) it."""
    message: MaybeInaccessibleMessage | None = query.message
    return message if isinstance(message, Message) else None


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
            reply_markup=reply.markup if is_last else None,
            reply_parameters=parameters,
        )
    return last


async def respond(update: Update, context: BotContext, reply: Rendered) -> Message | None:
    """Answer the update's chat; in groups, as a reply to the message that asked."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    reply_to = None
    if not is_private(chat) and message is not None and update.callback_query is None:
        reply_to = message.message_id
    return await send(context.bot, chat.id, reply, reply_to=reply_to)


def _same_markup(message: Message | None, markup: InlineKeyboardMarkup | None) -> bool:
    current = message.reply_markup if message is not None else None
    if current is None or not current.inline_keyboard:
        return markup is None or not markup.inline_keyboard
    return markup is not None and current.to_dict() == markup.to_dict()


async def edit_message(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace a bot message's text and buttons, unless it already looks exactly like that.

    A double press must not produce Telegram's "message is not modified" error; when only
    the buttons differ, only the buttons are edited.
    """
    unchanged_text = visible(text).strip() == (message.text or "").strip()
    if unchanged_text and _same_markup(message, markup):
        return
    with unless_not_modified(message.message_id):
        if unchanged_text:
            await message.edit_reply_markup(reply_markup=markup)
        else:
            await message.edit_text(text, reply_markup=markup)


async def edit(query: CallbackQuery, context: BotContext, reply: Rendered) -> None:
    """Replace a bot message (first part) and send any further parts as new messages."""
    message = shown_message(query)
    if message is None:
        return
    first, rest = reply.texts[0], reply.texts[1:]
    await edit_message(message, first, None if rest else reply.markup)
    if rest:
        await send(context.bot, message.chat.id, Rendered(rest, reply.markup))


async def edit_by_id(bot: Bot, chat_id: int, message_id: int, reply: Rendered) -> None:
    """Replace a message the bot sent earlier (a live list), first part only."""
    with unless_not_modified(message_id):
        await bot.edit_message_text(
            reply.texts[0], chat_id=chat_id, message_id=message_id, reply_markup=reply.markup
        )


async def edit_keyboard(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Change only the buttons under a message, unless they already look like that."""
    message = shown_message(query)
    if message is None or _same_markup(message, markup):
        return
    with unless_not_modified(message.message_id):
        await message.edit_reply_markup(reply_markup=markup)


async def answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a callback query exactly once (the spinner on the button stops)."""
    await query.answer(text=text[:200] if text else None, show_alert=alert)
