"""`organiser_only`: the one check in front of every organiser command and button.

Who is an organiser comes from ORGANISER_IDS and is checked on every command and button
press, because callback data can be forged by any client: a refusal costs nothing, an
attendee closing the organisers' queue or sending an announcement would.

This is a shared module, not a feature: feature modules may import it, never each other.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot import render
from bot.handlers.context import BotContext
from bot.handlers.sending import answer_query, respond
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
            await handler(update, context)
            return
        query = update.callback_query
        what = "button" if query is not None else "command"
        logger.info("refused organiser %s from user %s", what, user.id if user else None)
        if query is not None:
            await answer_query(query, plain("cb.organiser_only", context.lang), alert=True)
        else:
            await respond(update, context, render.message("organiser_only", context.lang))

    return guarded
