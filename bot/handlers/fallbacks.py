"""What the bot says to what no feature handles: unknown commands, stickers, old buttons.

Registered last (bot.handlers.register), so they only see what every feature passed on.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot import render
from bot.handlers.context import BotContext, is_private
from bot.handlers.sending import answer_query, respond
from bot.messages import plain

logger = logging.getLogger(__name__)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """A command we don't have; in groups only when addressed to us (/x@ourbot)."""
    message = update.effective_message
    if message is None:
        return
    if not is_private(update.effective_chat):
        command = (message.text or "").split(None, 1)[0]
        _, _, target = command.partition("@")
        if target.lower() != context.state.username.lower():
            return  # for another bot, or for nobody: not our business in a group
    await respond(update, context, render.message("unknown_command", context.lang))


async def on_non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes... in a private chat: say what the bot can read."""
    await respond(update, context, render.message("only_text", context.lang))


async def on_stale_button(update: Update, context: BotContext) -> None:
    """Callback data we don't recognise (an old keyboard, or forged): do nothing."""
    query = update.callback_query
    assert query is not None
    logger.debug("ignored unknown callback data %r from %s", query.data, query.from_user.id)
    await answer_query(query, plain("cb.expired", context.lang))
