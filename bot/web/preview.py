"""`python -m bot preview`: the whole bot on this computer, without Telegram or a token.

Why it runs the real bot: the chat page must show what an attendee would get, so the
preview builds the same python-telegram-bot application as production and feeds it
updates; the application calls a small Bot API served here on loopback (a random token,
never a real one), and the chat page shows the messages and keyboards it sent, straight
from bot/render.py. Questions land in the preview's own database, so the desk shows them,
and an answer from the desk reaches the chat page through the bot's own relay.

Everything listens on 127.0.0.1 only, and every page says it is a preview.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import logging
import secrets
import signal
import tempfile
import time
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.content import Content
from bot.render import visible
from bot.web.api import PREFIX
from bot.web.initdata import sign
from bot.web.server import SECURITY_HEADERS, STATIC, add_routes
from bot.web.telegram_side import web_host

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
ATTENDEE = 1001
ORGANISER = 9001
NAMES = {ATTENDEE: "Preview attendee", ORGANISER: "Preview organiser"}
BOT_USERNAME = "preview_bot"
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "link_preview_options",
        "reply_parameters",
        "commands",
        "scope",
        "menu_button",
        "entities",
        "allowed_updates",
        "chat_id",
        "message_id",
        "show_alert",
    }
)
KEEP_TAGS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "a",
}
SAFE_LINKS = ("https://", "http://", "tg://")


class _TelegramHtml(HTMLParser):
    """Telegram's HTML subset to safe HTML: known tags without attributes, links checked."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = KEEP_TAGS.get(tag)
        if kept is None:
            return
        if kept == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith(SAFE_LINKS):
                return
            self.out.append(
                f'<a href="{html.escape(href, quote=True)}" rel="noopener noreferrer" '
                'target="_blank">'
            )
        else:
            self.out.append(f"<{kept}>")
        self.open.append(kept)

    def handle_endtag(self, tag: str) -> None:
        kept = KEEP_TAGS.get(tag)
        if kept is not None and kept in self.open:
            while self.open:
                closing = self.open.pop()
                self.out.append(f"</{closing}>")
                if closing == kept:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def safe_html(telegram_html: str) -> str:
    """What the bot sent, as HTML the chat page may show (nothing else gets through)."""
    parser = _TelegramHtml()
    parser.feed(telegram_html)
    return parser.result()


@dataclass
class ChatLog:
    """The preview chat: what the attendee said and what the bot sent, edits applied."""

    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    version: int = 0
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, message: dict[str, Any]) -> dict[str, Any]:
        self.messages[message["message_id"]] = message
        self.order.append(message["message_id"])
        self.touch(message)
        return message

    def touch(self, message: dict[str, Any]) -> None:
        self.version += 1
        message["version"] = self.version
        self.changed.set()
        self.changed = asyncio.Event()

    def since(self, version: int) -> list[dict[str, Any]]:
        found = [self.messages[i] for i in self.order if self.messages[i]["version"] > version]
        return [
            {
                "id": m["message_id"],
                "from": "bot" if m["from"]["is_bot"] else "me",
                "html": m["html"],
                "keyboard": m.get("keyboard", []),
                "document": m.get("document_name"),
            }
            for m in found
        ]


def _keyboard(markup: Any) -> list[list[dict[str, str]]]:
    rows: list[list[dict[str, str]]] = []
    if not isinstance(markup, dict):
        return rows
    for row in markup.get("inline_keyboard") or []:
        buttons = []
        for button in row:
            item = {"text": str(button.get("text", ""))}
            if "callback_data" in button:
                item["data"] = str(button["callback_data"])
            elif "web_app" in button:
                item["web_app"] = str(button["web_app"].get("url", ""))
            elif "url" in button:
                item["url"] = str(button["url"])
            buttons.append(item)
        rows.append(buttons)
    return rows


class Preview:
    """The preview server: the Mini App, the chat page and the loopback Bot API."""

    def __init__(self, settings: Settings, content: Content, port: int) -> None:
        self.port = port
        self.token = f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(30)}"
        self.base = f"http://{HOST}:{port}"
        self.log = ChatLog()
        self.content = content
        self._dir = tempfile.TemporaryDirectory(prefix="bot-preview-")
        self.settings = replace(
            settings,
            token=self.token,
            api_url=f"{self.base}/preview/bot",
            organiser_ids=frozenset({ORGANISER}),
            organiser_chat_id=None,
            database_path=Path(self._dir.name) / "preview.sqlite3",
            webhook_url=None,
            web_url=None,
        )
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.runner: web.AppRunner | None = None
        self.update_ids = itertools.count(1)
        self.query_ids = itertools.count(1)
        self.callback_answers: dict[str, str | None] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        from bot.app import build_application

        server = web.Application(client_max_size=64 * 1024)
        server.middlewares.append(_headers)
        server.router.add_route("*", r"/preview/bot{token}/{method}", self.bot_api)
        self.runner = web.AppRunner(server, access_log=None)
        self.application = build_application(self.settings, self.content)
        add_routes(server, web_host(self.application, preview=True))
        server.router.add_get("/", self.home)
        server.router.add_get("/preview/open/{page}", self.open_page)
        server.router.add_get("/preview/chat", self.chat_page)
        server.router.add_get("/preview/api/messages", self.messages)
        server.router.add_post("/preview/api/say", self.say)
        server.router.add_post("/preview/api/press", self.press)
        await self.runner.setup()
        await web.TCPSite(self.runner, HOST, self.port).start()
        app = self.application
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()

    async def stop(self) -> None:
        app = self.application
        if app is not None:
            if app.running:
                await app.stop()
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
        if self.runner is not None:
            await self.runner.cleanup()
        self._dir.cleanup()

    # -- pages -------------------------------------------------------------------------------

    def launch_url(self, page: str, user_id: int, language: str) -> str:
        """A page with launch parameters signed like Telegram's, for the preview's users."""
        user = {"id": user_id, "first_name": NAMES[user_id], "language_code": language}
        init_data = sign(
            {
                "auth_date": str(int(time.time())),
                "query_id": f"preview-{secrets.token_hex(6)}",
                "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
            },
            self.token,
        )
        path = f"{PREFIX}/desk" if page == "desk" else f"{PREFIX}/"
        return f"{path}#tgWebAppData={quote(init_data, safe='')}&tgWebAppPlatform=web"

    async def home(self, request: web.Request) -> web.Response:
        return request.app[STATIC].response(request, "preview.html")

    async def chat_page(self, request: web.Request) -> web.Response:
        return request.app[STATIC].response(request, "chat.html")

    async def open_page(self, request: web.Request) -> web.Response:
        page = request.match_info["page"]
        if page not in ("programme", "desk"):
            raise web.HTTPNotFound()
        language = "ur" if request.query.get("lang") == "ur" else "en"
        user = ORGANISER if page == "desk" else ATTENDEE
        # A raw header: yarl would re-encode the fragment and break the signed initData.
        return web.Response(
            status=302,
            headers={
                "Location": self.launch_url(page, user, language),
                "Cache-Control": "no-store",
            },
        )

    # -- the chat ------------------------------------------------------------------------------

    def _user(self) -> dict[str, Any]:
        return {
            "id": ATTENDEE,
            "is_bot": False,
            "first_name": NAMES[ATTENDEE],
            "language_code": self.chat_language,
        }

    chat_language = "en"

    def _chat(self) -> dict[str, Any]:
        return {"id": ATTENDEE, "type": "private", "first_name": NAMES[ATTENDEE]}

    async def _process(self, payload: dict[str, Any]) -> None:
        app = self.application
        assert app is not None
        payload["update_id"] = next(self.update_ids)
        update = Update.de_json(payload, app.bot)
        await app.process_update(update)

    async def say(self, request: web.Request) -> web.Response:
        body = await _body(request)
        text = str(body.get("text", "")).strip()[:4096] if body else ""
        if not text:
            return web.json_response({"error": "empty"}, status=400)
        self.chat_language = "ur" if body.get("lang") == "ur" else "en"
        message: dict[str, Any] = {
            "message_id": next(self.log.ids),
            "from": self._user(),
            "chat": self._chat(),
            "date": int(time.time()),
            "text": text,
            "html": html.escape(text, quote=False),
        }
        if text.startswith("/"):
            command = text.split(None, 1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self.log.add(message)
        update_message = {k: v for k, v in message.items() if k != "html" and k != "version"}
        await self._process({"message": update_message})
        return web.json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = self.log.messages.get(body.get("message") if body else None)  # type: ignore[arg-type]
        data = body.get("data") if body else None
        if message is None or not isinstance(data, str):
            return web.json_response({"error": "no_such_button"}, status=400)
        buttons = [b.get("data") for row in message.get("keyboard", []) for b in row]
        if data not in buttons:
            return web.json_response({"error": "no_such_button"}, status=400)
        query_id = str(next(self.query_ids))
        original = {
            k: v
            for k, v in message.items()
            if k in ("message_id", "from", "chat", "date", "text", "reply_markup")
        }
        await self._process(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(),
                    "message": original,
                    "chat_instance": "preview",
                    "data": data,
                }
            }
        )
        return web.json_response({"ok": True, "toast": self.callback_answers.pop(query_id, None)})

    async def messages(self, request: web.Request) -> web.Response:
        try:
            after = int(request.query.get("after", "0"))
        except ValueError:
            after = 0
        if self.log.version <= after:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.log.changed.wait(), timeout=10)
        return web.json_response({"version": self.log.version, "messages": self.log.since(after)})

    # -- the loopback Bot API ------------------------------------------------------------------

    async def bot_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, str) and key in JSON_FIELDS:
                    with contextlib.suppress(ValueError):
                        params[key] = json.loads(value)
                        continue
                params[key] = value if isinstance(value, str) else getattr(value, "filename", "")
        method = request.match_info["method"].lower()
        try:
            result = self.call(method, params)
        except ValueError as exc:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}, status=400
            )
        return web.json_response({"ok": True, "result": result})

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": int(self.token.split(":")[0]),
            "is_bot": True,
            "first_name": "Preview bot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """The Bot API methods the bot uses; the others are accepted and ignored."""
        if method == "getme":
            return self._bot_user()
        if method in ("sendmessage", "senddocument"):
            chat_id = int(params.get("chat_id", 0))
            if chat_id != ATTENDEE:
                raise ValueError("chat not found")
            text = str(params.get("text") or params.get("caption") or "")
            message: dict[str, Any] = {
                "message_id": next(self.log.ids),
                "from": self._bot_user(),
                "chat": self._chat(),
                "date": int(time.time()),
                "text": visible(text),
                "html": safe_html(text),
                "keyboard": _keyboard(params.get("reply_markup")),
            }
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            if method == "senddocument":
                message["document_name"] = str(params.get("document") or "calendar.ics")
            self.log.add(message)
            return {k: v for k, v in message.items() if k not in ("html", "keyboard", "version")}
        if method in ("editmessagetext", "editmessagereplymarkup"):
            edited = self.log.messages.get(int(params.get("message_id", 0)))
            if edited is None:
                raise ValueError("message to edit not found")
            message = edited
            if method == "editmessagetext":
                text = str(params.get("text", ""))
                message["text"], message["html"] = visible(text), safe_html(text)
            markup = params.get("reply_markup")
            message["keyboard"] = _keyboard(markup)
            if isinstance(markup, dict):
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
            self.log.touch(message)
            return {k: v for k, v in message.items() if k not in ("html", "keyboard", "version")}
        if method == "answercallbackquery":
            self.callback_answers[str(params.get("callback_query_id"))] = params.get("text")
            return True
        if method == "getupdates":
            return []
        if method in ("getmycommands",):
            return []
        return True


@web.middleware
async def _headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        return {}
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


PREVIEW_BANNER = """\
Preview of {summary}
  {url}/                        start here
  {url}/preview/chat            the chat, answered by the bot itself
  {url}/preview/open/programme  the programme (add ?lang=ur for Urdu)
  {url}/preview/open/desk       the organisers' desk, with the preview's questions
Loopback only, a throwaway database, no Telegram. Ctrl+C stops it."""


async def serve(settings: Settings, content: Content, out: TextIO) -> int:
    """Run the preview until Ctrl+C / SIGTERM."""
    preview = Preview(settings, content, settings.web_port)
    try:
        await preview.start()
    except OSError as exc:
        await preview.stop()
        print(
            f"Cannot serve the preview on {HOST}:{settings.web_port}: {exc}. Set WEB_PORT.",
            file=out,
        )
        return 2
    print(PREVIEW_BANNER.format(summary=content.summary(), url=preview.base), file=out, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await preview.stop()
    return 0
