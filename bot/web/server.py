"""The Mini App's HTTP server: pages, static files and the JSON API, with its security.

Every API call carries Telegram's initData in the `X-Telegram-Init-Data` header and is
refused with 401 unless its signature checks out (bot.web.initdata, checked by the
decorators in bot.web.api, which every route module shares); the user is taken from that
verified data only. Desk calls check ORGANISER_IDS on every call (403 otherwise).
State changes are POST with a JSON body carrying a one-time nonce (bot.web.guard). Every
response gets a Content-Security-Policy without inline script, nosniff and no-referrer;
the pages set all content with textContent, never as HTML, except the desk's charts,
which are SVG built and escaped on the server.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

from aiohttp import web

from bot.calendar import calendar_ics
from bot.reminders import DEFAULT_MINUTES, MAX_MINUTES
from bot.web import desk, feedback, live_qa, teach
from bot.web.api import (
    HOST,
    MAX_BODY,
    PREFIX,
    SESSION_ID,
    Handler,
    WebHost,
    authenticated,
    body_question_id,
    error,
    host_of,
    json_body,
    link_user,
    organisers_only,
    signed_link,
    user_language,
)
from bot.web.initdata import WebUser
from bot.web.programme import strings

MAX_ANSWER = 3500  # leaves room for the quoted question within Telegram's 4,096
REMINDER_CHOICES = (5, 10, 15, 30, 60)

TELEGRAM_FRAMES = "https://web.telegram.org https://*.telegram.org"
CSP = (
    "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    f"frame-ancestors 'self' {TELEGRAM_FRAMES}"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def static_dir() -> Path:
    """The pages, scripts and styles, installed as package data."""
    return Path(str(resources.files("bot.web") / "static"))


COMPRESS_FROM = 1024  # bytes; smaller bodies are not worth gzip's header


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The security headers on every response; gzip for larger pages and JSON."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith(f"{PREFIX}/api/"):
        response.headers["Cache-Control"] = "no-store"
    if (
        type(response) is web.Response
        and response.body is not None
        and len(response.body) >= COMPRESS_FROM  # type: ignore[arg-type]
        and "Content-Encoding" not in response.headers
    ):
        response.enable_compression()
    return response


# --- attendee API ---------------------------------------------------------------------------


@authenticated
async def programme(request: web.Request, user: WebUser) -> web.Response:
    """The programme (public text only), gzipped once per content snapshot and language."""
    host = host_of(request)
    plain, packed = host.programme.body(host.content(), user_language(request, user))
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = web.Response(body=packed, content_type="application/json")
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        return response
    return web.Response(body=plain, content_type="application/json")


async def _me(host: WebHost, user: WebUser) -> dict[str, object]:
    store = host.store()
    content = host.content()
    stars = [s for s in await store.starred_sessions(user.id) if content.session(s) is not None]
    has_pref, minutes = await store.reminder_pref(user.id)
    return {
        "id": user.id,
        "organiser": user.id in host.organiser_ids,
        "preview": host.preview,
        "stars": stars,
        "reminder": minutes if has_pref else DEFAULT_MINUTES,
        "reminder_choices": list(REMINDER_CHOICES),
        "now": host.now().isoformat(),  # the conference clock (BOT_NOW rehearsals too)
    }


@authenticated
async def me(request: web.Request, user: WebUser) -> web.Response:
    """The reader's own stars and reminder; with ?strings=1 also the page texts (the desk)."""
    found = await _me(host_of(request), user)
    language = user_language(request, user)
    found["lang"], found["dir"] = language, "rtl" if language == "ur" else "ltr"
    if request.query.get("strings") == "1":
        found["strings"] = strings(language)
    return web.json_response(found)


@authenticated
async def star(request: web.Request, user: WebUser) -> web.Response:
    """Set (not toggle: a double tap must not undo itself) the star on one session."""
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    host = host_of(request)
    session_id, wanted = body.get("session"), body.get("starred")
    if not isinstance(session_id, str) or not isinstance(wanted, bool):
        return error(400, "bad_request")
    if host.content().session(session_id) is None:
        return error(404, "no_session")
    store = host.store()
    current = session_id in await store.starred_sessions(user.id)
    if current != wanted:
        await store.toggle_star(user.id, session_id, host.now())
    return web.json_response(await _me(host, user))


@authenticated
async def reminder(request: web.Request, user: WebUser) -> web.Response:
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    minutes = body.get("minutes")
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES
    ):
        return error(400, "bad_request")
    host = host_of(request)
    await host.store().set_reminder_minutes(user.id, minutes)
    return web.json_response(await _me(host, user))


def _ics(content: bytes, filename: str) -> web.Response:
    return web.Response(
        body=content,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def session_ics(request: web.Request) -> web.Response:
    """One session's .ics: public, like the session's text (a plain link works everywhere)."""
    host = host_of(request)
    session_id = request.match_info["session"]
    content = host.content()
    session = content.session(session_id) if SESSION_ID.fullmatch(session_id) else None
    if session is None:
        return error(404, "no_session")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", session.id)
    return _ics(calendar_ics(content, [session], now=host.now()), f"{safe}.ics")


@authenticated
async def my_ics_link(request: web.Request, user: WebUser) -> web.Response:
    """A short-lived signed link to the reader's own .ics.

    Why a link: inside Telegram a file is downloaded by URL (WebApp.downloadFile, or the
    system browser), which cannot send the initData header. The link names only its owner,
    expires in ten minutes and is signed with a key derived from the token.
    """
    link = signed_link(host_of(request), "my-ics", user.id)
    return web.json_response({"path": f"ics/mine/{link}.ics"})


async def my_ics(request: web.Request) -> web.Response:
    host = host_of(request)
    user_id = link_user(request, "my-ics")
    if user_id is None:
        return error(401, "auth")
    content = host.content()
    ids = await host.store().starred_sessions(user_id)
    sessions = [s for s in (content.session(i) for i in ids) if s is not None]
    return _ics(calendar_ics(content, sessions, now=host.now()), "my-sessions.ics")


# --- the desk -------------------------------------------------------------------------------


@organisers_only
async def desk_questions(request: web.Request, user: WebUser) -> web.Response:
    status = request.query.get("status", "open")
    if status not in desk.DESK_STATUSES:
        return error(400, "bad_status")
    host = host_of(request)
    found = await desk.groups(host.store(), status, host.content())
    return web.json_response({"status": status, "groups": found})


@organisers_only
async def desk_answer(request: web.Request, user: WebUser) -> web.Response:
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    question_id, text = body_question_id(body), body.get("text")
    if question_id is None or not isinstance(text, str) or not text.strip():
        return error(400, "bad_request")
    if len(text) > MAX_ANSWER:
        return error(400, "too_long")
    relay = host_of(request).relay
    if relay is None:
        return error(503, "no_relay")
    result = await relay.answer(question_id, text.strip(), user.id)
    found: dict[str, object] = {
        "outcome": result.outcome,
        "sent": result.sent,
        "total": result.total,
    }
    if result.outcome == "sent":
        offered = await _teach_offer(host_of(request), question_id, more=False)
        if offered is not None:
            found["offer"] = offered
    return web.json_response(found)


async def _teach_offer(host: WebHost, question_id: int, *, more: bool) -> dict[str, object] | None:
    """The chat's "Also use this for similar questions" choices, when the bot learns."""
    learner = host.learner()
    if learner is None:
        return None
    question = await host.store().get_question(question_id)
    return teach.offer(learner, question, more=more) if question is not None else None


@organisers_only
async def desk_teach_more(request: web.Request, user: WebUser) -> web.Response:
    """ "Other…": more entries to teach the question to."""
    raw = request.query.get("id", "")
    question_id = int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None
    if question_id is None:
        return error(400, "bad_request")
    offered = await _teach_offer(host_of(request), question_id, more=True)
    if offered is None:
        return error(404, "no_question")
    return web.json_response(offered)


@organisers_only
async def desk_teach(request: web.Request, user: WebUser) -> web.Response:
    """One tap of the teach offer: an entry, a new entry, or no (the Learner decides)."""
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    question_id, choice = body_question_id(body), teach.parse_choice(body.get("choice"))
    if question_id is None or choice is None:
        return error(400, "bad_request")
    host = host_of(request)
    learner = host.learner()
    if learner is None:
        return error(503, "no_learner")
    found = await teach.teach(
        learner,
        host.store(),
        question_id,
        choice,
        (user.id, user.first_name or None),
        host.now(),
        user_language(request, user),
    )
    return web.json_response(found)


@organisers_only
async def desk_dismiss(request: web.Request, user: WebUser) -> web.Response:
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    question_id = body_question_id(body)
    if question_id is None:
        return error(400, "bad_request")
    relay = host_of(request).relay
    if relay is None:
        return error(503, "no_relay")
    result = await relay.dismiss(question_id, user.id)
    return web.json_response({"outcome": result.outcome, "sent": 0, "total": result.total})


@organisers_only
async def desk_stats(request: web.Request, user: WebUser) -> web.Response:
    host = host_of(request)
    content = host.content()
    numbers = await desk.stats(
        host.store(), content, content.conference.timezone, user_language(request, user)
    )
    return web.json_response(numbers)


@organisers_only
async def desk_csv_link(request: web.Request, user: WebUser) -> web.Response:
    """A short-lived signed link to the CSV (downloads inside Telegram go by URL)."""
    return web.json_response(
        {"path": f"desk/log/{signed_link(host_of(request), 'csv', user.id)}.csv"}
    )


async def desk_csv(request: web.Request) -> web.Response:
    """The log as CSV; the link's organiser is checked against ORGANISER_IDS again."""
    host = host_of(request)
    user_id = link_user(request, "csv")
    if user_id is None:
        return error(401, "auth")
    if user_id not in host.organiser_ids:
        return error(403, "organisers_only")
    rows = await host.store().desk_log()
    return web.Response(
        body=desk.csv_bytes(rows),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="questions.csv"'},
    )


# --- pages ----------------------------------------------------------------------------------


STATIC_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}


class StaticFiles:
    """The package's pages, styles and scripts, read once and served by name only.

    No directory walking (nothing outside this list is ever served), an ETag so a cached
    copy is revalidated cheaply, and gzip through the middleware.
    """

    def __init__(self, folder: Path) -> None:
        self.files: dict[str, tuple[bytes, str, str]] = {}
        for path in sorted(folder.iterdir()):
            kind = STATIC_TYPES.get(path.suffix)
            if kind is not None:
                body = path.read_bytes()
                tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                self.files[path.name] = (body, kind, tag)

    def response(self, request: web.Request, name: str) -> web.Response:
        found = self.files.get(name)
        if found is None:
            raise web.HTTPNotFound()
        body, kind, tag = found
        headers = {"ETag": tag, "Cache-Control": "no-cache"}
        if request.headers.get("If-None-Match") == tag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, content_type=kind, charset="utf-8", headers=headers)


STATIC: web.AppKey[StaticFiles] = web.AppKey("static", StaticFiles)


def _page(name: str) -> Handler:
    async def page(request: web.Request) -> web.Response:
        return request.app[STATIC].response(request, name)

    return page


async def _static(request: web.Request) -> web.Response:
    return request.app[STATIC].response(request, request.match_info["name"])


async def _to_app(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(f"{PREFIX}/")


def add_routes(app: web.Application, host: WebHost) -> None:
    """The Mini App under /app/ on an existing application (the webhook server's, say)."""
    app[HOST] = host
    app[STATIC] = StaticFiles(static_dir())
    app.middlewares.append(security_headers)
    app.router.add_get(PREFIX, _to_app)
    app.router.add_get(f"{PREFIX}/", _page("index.html"))
    app.router.add_get(f"{PREFIX}/desk", _page("desk.html"))
    app.router.add_get(f"{PREFIX}/api/programme", programme)
    app.router.add_get(f"{PREFIX}/api/me", me)
    app.router.add_post(f"{PREFIX}/api/star", star)
    app.router.add_post(f"{PREFIX}/api/reminder", reminder)
    app.router.add_get(f"{PREFIX}/api/my-ics-link", my_ics_link)
    app.router.add_get(f"{PREFIX}/ics/mine/{{link}}.ics", my_ics)
    app.router.add_get(f"{PREFIX}/ics/{{session}}.ics", session_ics)
    app.router.add_get(f"{PREFIX}/api/desk/questions", desk_questions)
    app.router.add_post(f"{PREFIX}/api/desk/answer", desk_answer)
    app.router.add_post(f"{PREFIX}/api/desk/dismiss", desk_dismiss)
    app.router.add_post(f"{PREFIX}/api/desk/teach", desk_teach)
    app.router.add_get(f"{PREFIX}/api/desk/teach-more", desk_teach_more)
    app.router.add_get(f"{PREFIX}/api/desk/stats", desk_stats)
    app.router.add_get(f"{PREFIX}/api/desk/csv-link", desk_csv_link)
    app.router.add_get(f"{PREFIX}/desk/log/{{link}}.csv", desk_csv)
    app.router.add_get(f"{PREFIX}/static/{{name}}", _static)
    live_qa.add_routes(app)
    feedback.add_routes(app)


def create_app(host: WebHost) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    add_routes(app, host)
    return app
