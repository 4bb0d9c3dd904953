"""`organiser_only`: the one check in front of every organiser command and button.

Who is an organiser comes from ORGANISER_IDS and is checked on every command and button
press, because callback data can be forged by any client: a refusal costs nothing, an
attendee closing the organisers' queue or sending an announcement would.

Where matters as much as who: organiser commands show attendees' questions, names and
numbers, so they run only in a private chat with the organiser or in ORGANISER_CHAT_ID. An
organiser typing `/unanswered@bot` in an attendee group would otherwise post everyone's
open questions there. Elsewhere the organiser gets a short refusal privately (the group
sees nothing), and a button gets an alert only its presser sees.

This is a shared module, not a feature: feature modules may import it, never each other.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Chat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot import render
from bot.handlers.context import BotContext
from bot.handlers.sending import answer_query, respond, send
from bot.messages import plain

logger = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def organiser_only(handler: Handler) -> Handler:
    """Run the handler only for ORGANISER_IDS; anyone else gets a polite refusal.

    A command is refused with a message; a button with an alert on the button.
    """

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        user = update.effective_user
        if context.state.is_organiser(user.id if user else None):
            if _organisers_place(update.effective_chat, context.state.settings.organiser_chat_id):
                await handler(update, context)
            else:
                await _refuse_place(update, context)
            return
        query = update.callback_query
        what = "button" if query is not None else "command"
        logger.info("refused organiser %s from user %s", what, user.id if user else None)
        if query is not None:
            await answer_query(query, plain("cb.organiser_only", context.lang), alert=True)
        else:
            await respond(update, context, render.message("organiser_only", context.lang))

    return guarded


def _organisers_place(chat: Chat | None, organiser_chat_id: int | None) -> bool:
    """A private chat (always with the sender, here an organiser) or the organisers' chat.

    A button on a message sent inline (no chat) is nowhere the bot can vouch for.
    """
    if chat is None:
        return False
    return chat.type == ChatType.PRIVATE or chat.id == organiser_chat_id


async def _refuse_place(update: Update, context: BotContext) -> None:
    """Tell the organiser, privately, why nothing happened; the group sees nothing."""
    user, chat, query = update.effective_user, update.effective_chat, update.callback_query
    assert user is not None
    where = chat.id if chat is not None else None
    logger.info("refused organiser action from %s in chat %s (not theirs)", user.id, where)
    if query is not None:
        await answer_query(query, plain("cb.organiser_elsewhere", context.lang), alert=True)
        return
    message = update.effective_message
    command = (message.text or "").split(None, 1)[0].split("@", 1)[0] if message else ""
    title = (chat.title or chat.username or str(chat.id)) if chat is not None else ""
    refusal = render.message("organiser_elsewhere", context.lang, command=command, chat=title)
    try:
        await send(context.bot, user.id, refusal)
    except TelegramError as exc:  # e.g. an organiser who never opened a chat with the bot
        logger.info("could not tell organiser %s privately: %s", user.id, exc)
