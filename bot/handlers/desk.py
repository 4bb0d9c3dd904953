"""/desk: the button that opens the organisers' desk, the Mini App in bot/web.

The desk itself is a web page whose every call checks ORGANISER_IDS again; this command
only hands organisers the button (Telegram allows Mini App buttons in private chats only).
"""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.handlers.context import BotContext, is_private
from bot.handlers.guards import organiser_only
from bot.handlers.sending import respond


@organiser_only
async def cmd_desk(update: Update, context: BotContext) -> None:
    lang = context.lang
    web_url = context.state.settings.web_url
    if not web_url:
        await respond(update, context, render.message("desk_no_web", lang))
    elif not is_private(update.effective_chat):
        await respond(update, context, render.message("desk_private_only", lang))
    else:
        await respond(update, context, render.desk_open(lang, web_url))
