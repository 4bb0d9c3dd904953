"""Where the Mini App meets the bot: the desk's relay, the menu buttons, the server's start.

This is the Telegram layer's side of bot.web (tests/test_layering.py lets only this module
and bot.web.preview import telegram): the desk answers through `deliver_answer`, the very
function a reply in the organisers' chat uses, so both reach the same attendees once; live
Q&A changes made on the page refresh the moderators' lists through the chat's own pacer.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from telegram import Bot, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError
from telegram.ext import Application

from bot import messages
from bot.handlers.context import state_of
from bot.handlers.live_qa import moderators_pacer
from bot.handlers.unanswered import deliver_answer
from bot.render import DESK_PATH, MINI_APP_PATH
from bot.state import BotState
from bot.web.api import WebHost
from bot.web.desk import RelayResult
from bot.web.server import add_routes

logger = logging.getLogger(__name__)

RUNNER_KEY = "web_runner"


class TelegramRelay:
    """The desk's answers and dismissals, done exactly as in the organisers' chat."""

    def __init__(self, bot: Bot, st: BotState) -> None:
        self.bot = bot
        self.st = st

    async def answer(self, question_id: int, text: str, organiser_id: int) -> RelayResult:
        delivery = await deliver_answer(self.bot, self.st, question_id, text, organiser_id)
        return RelayResult(delivery.outcome, delivery.sent, delivery.total)

    async def dismiss(self, question_id: int, organiser_id: int) -> RelayResult:
        store = self.st.store
        members = await store.group_members(question_id)
        dismissed = await store.dismiss([m.id for m in members], organiser_id, self.st.now())
        if dismissed:
            return RelayResult("dismissed", 0, len(dismissed))
        exists = await store.get_question(question_id) is not None
        return RelayResult("closed" if exists else "missing")


def web_host(
    application: Application[Any, Any, Any, Any, Any, Any], *, preview: bool = False
) -> WebHost:
    """The Mini App's view of the running bot (content, clock, store, who organises)."""
    st = state_of(application)
    assert st.settings.token is not None
    bot = application.bot

    def live_changed(session_id: str) -> None:
        moderators_pacer(bot, st).request(session_id)

    return WebHost(
        content=lambda: st.content,
        now=st.now,
        store=lambda: st.store,
        token=st.settings.token,
        organiser_ids=st.settings.organiser_ids,
        language_of=st.language_of,
        live=lambda: st.live,
        relay=TelegramRelay(application.bot, st),
        live_changed=live_changed,
        learner=lambda: st.learner_,
        preview=preview,
    )


def programme_url(web_url: str) -> str:
    return web_url.rstrip("/") + MINI_APP_PATH


def desk_url(web_url: str) -> str:
    return web_url.rstrip("/") + DESK_PATH


async def set_menu_buttons(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The chat's menu button opens the programme; in organisers' private chats, the desk.

    Without WEB_URL nothing is set: the menu keeps Telegram's default (the command list).
    """
    st = state_of(application)
    web_url = st.settings.web_url
    if not web_url:
        return
    bot = application.bot
    language = messages.DEFAULT_LANGUAGE
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp(
            messages.plain("btn.menu_programme", language),
            WebAppInfo(programme_url(web_url)),
        )
    )
    for organiser in sorted(st.settings.organiser_ids):
        lang = st.language_of(organiser)
        try:
            await bot.set_chat_menu_button(
                chat_id=organiser,
                menu_button=MenuButtonWebApp(
                    messages.plain("btn.menu_desk", lang),
                    WebAppInfo(desk_url(web_url)),
                ),
            )
        except TelegramError as exc:  # an organiser who never opened the bot
            logger.warning("could not set the desk menu button for %s: %s", organiser, exc)


def add_to(
    server: web.Application, application: Application[Any, Any, Any, Any, Any, Any]
) -> WebHost:
    """Webhook mode: the Mini App on the webhook's own server."""
    host = web_host(application)
    add_routes(server, host)
    return host


async def start_server(
    application: Application[Any, Any, Any, Any, Any, Any], host: str, port: int
) -> None:
    """Polling mode: serve the Mini App on WEB_PORT beside the bot (stopped by stop_server)."""
    app = web.Application()
    host_ = web_host(application)
    add_routes(app, host_)
    await asyncio.to_thread(host_.warm)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    application.bot_data[RUNNER_KEY] = runner
    logger.info("Mini App served on %s:%d%s", host, port, MINI_APP_PATH)


async def stop_server(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runner = application.bot_data.pop(RUNNER_KEY, None)
    if isinstance(runner, web.AppRunner):
        await runner.cleanup()
