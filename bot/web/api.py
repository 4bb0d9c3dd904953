"""What every Mini App API route shares: the host, the checks, JSON bodies and signed links.

Why apart from the server: the attendee API, the desk, live Q&A and feedback each add
routes in a module of their own, and all of them need the same verified user, the same
errors and the same one-time-nonce body check. Keeping those here, public, lets the
route modules import them without reaching into the server's private helpers, and keeps
every check in one place (a route cannot forget one by copying it wrongly).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from bot import messages
from bot.content.models import Content
from bot.learning import Learner
from bot.live_qa_service import LiveBatches
from bot.storage import Store
from bot.web import desk
from bot.web.guard import NonceCache, RateLimiter
from bot.web.initdata import InitDataError, WebUser, secret_key, verify
from bot.web.programme import ProgrammeCache

logger = logging.getLogger(__name__)

PREFIX = "/app"
INIT_DATA_HEADER = "X-Telegram-Init-Data"
MAX_BODY = 16 * 1024
USER_LIMIT = (120, 60.0)  # requests per user per minute
# Refused (unverified) requests per client address per minute. Verified ones are limited
# per user only: a hall on the venue's Wi-Fi or one mobile carrier's NAT is one address, and
# 500 open pages reloading Top questions every 5 s make 6,000 requests a minute from it.
ADDRESS_LIMIT = (600, 60.0)
SESSION_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


def _no_learner() -> Learner | None:
    return None


@dataclass(slots=True)
class WebHost:
    """What the server needs from whoever runs it: the bot, the preview, or a test."""

    content: Callable[[], Content]
    now: Callable[[], datetime]  # the conference clock (BOT_NOW rehearsals included)
    store: Callable[[], Store]
    token: str
    organiser_ids: frozenset[int]
    language_of: Callable[[int, str | None], str]
    # Live Q&A's vote batches and shared list reads: the running bot's own (the chat's
    # 👍 and the page's vote share transactions), or a standalone one over `store`.
    live: Callable[[], LiveBatches]
    relay: desk.Relay | None = None
    # Told the session id after every live Q&A change made on the page, so the
    # moderators' live lists in Telegram are edited as after a change made in the chat.
    live_changed: Callable[[str], None] | None = None
    # The bot's Learner, for the teach offer after a desk answer (None: no offer, as in
    # the preview, which runs no learner).
    learner: Callable[[], Learner | None] = _no_learner
    preview: bool = False
    wall_clock: Callable[[], float] = time.time  # for auth_date: real time, never BOT_NOW
    programme: ProgrammeCache = field(default_factory=ProgrammeCache)
    nonces: NonceCache = field(default_factory=NonceCache)
    per_user: RateLimiter = field(default_factory=lambda: RateLimiter(*USER_LIMIT))
    per_address: RateLimiter = field(default_factory=lambda: RateLimiter(*ADDRESS_LIMIT))

    def warm(self) -> None:
        """Build the programme for every language ahead of the first attendee (blocking)."""
        for language in messages.CATALOGUES:
            self.programme.body(self.content(), language)


HOST: web.AppKey[WebHost] = web.AppKey("host", WebHost)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def host_of(request: web.Request) -> WebHost:
    return request.app[HOST]


def authenticated(
    handler: Callable[[web.Request, WebUser], Awaitable[web.StreamResponse]],
) -> Handler:
    """401 without valid initData, 429 over the rate limit; the handler gets the user.

    A verified user is limited per user; the per-address limit counts refused requests
    only, so a flood of forged or stale initData from one address is cut off (and its log
    lines with it) while attendees sharing that address, as a whole hall behind the
    venue's NAT does, are never refused for each other's traffic. Verifying first costs
    one HMAC, cheaper than the lookup a refusal saves.
    """

    async def checked(request: web.Request) -> web.StreamResponse:
        host = host_of(request)
        now = host.wall_clock()
        try:
            user = verify(request.headers.get(INIT_DATA_HEADER), host.token, now)
        except InitDataError as exc:
            if not host.per_address.allow(request.remote, now):
                return error(429, "slow_down")
            logger.info("web: refused %s %s: %s", request.method, request.path, exc)
            return error(401, "auth")
        if not host.per_user.allow(user.id, now):
            return error(429, "slow_down")
        return await handler(request, user)

    return checked


def organisers_only(
    handler: Callable[[web.Request, WebUser], Awaitable[web.StreamResponse]],
) -> Handler:
    """ORGANISER_IDS, checked on every desk call (after the initData check)."""

    async def checked(request: web.Request, user: WebUser) -> web.StreamResponse:
        if user.id not in host_of(request).organiser_ids:
            logger.info("web: refused the desk to user %s", user.id)
            return error(403, "organisers_only")
        return await handler(request, user)

    return authenticated(checked)


async def json_body(request: web.Request, user: WebUser) -> dict[str, Any] | web.Response:
    """A JSON object with a fresh nonce, or the error response to send instead."""
    if request.content_type != "application/json":
        return error(415, "json_only")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return error(413, "too_large")
    try:
        body = json.loads(await request.content.read(MAX_BODY + 1) or b"null")
    except (ValueError, UnicodeDecodeError):
        return error(400, "bad_json")
    if not isinstance(body, dict):
        return error(400, "bad_json")
    host = host_of(request)
    if not host.nonces.use(user.id, body.get("nonce"), host.wall_clock()):
        logger.info("web: refused a replayed or nonce-less POST from user %s", user.id)
        return error(401, "replayed")
    return body


def user_language(request: web.Request, user: WebUser) -> str:
    return host_of(request).language_of(user.id, user.language_code)


LINK_SECONDS = 10 * 60
LINK = re.compile(r"(\d{1,20})-(\d{1,12})-([0-9a-f]{32})")


def _link_signature(host: WebHost, purpose: str, user_id: int, expires: int) -> str:
    message = f"{purpose}:{user_id}:{expires}".encode()
    return hmac.new(secret_key(host.token), message, hashlib.sha256).hexdigest()[:32]


def signed_link(host: WebHost, purpose: str, user_id: int) -> str:
    expires = int(host.wall_clock()) + LINK_SECONDS
    return f"{user_id}-{expires}-{_link_signature(host, purpose, user_id, expires)}"


def link_user(request: web.Request, purpose: str) -> int | None:
    """The user a download link was signed for, if it is genuine and not expired."""
    host = host_of(request)
    match = LINK.fullmatch(request.match_info["link"])
    if match is None:
        return None
    user_id, expires = int(match[1]), int(match[2])
    expected = _link_signature(host, purpose, user_id, expires)
    if not hmac.compare_digest(expected, match[3]) or expires < host.wall_clock():
        return None
    return user_id


def body_question_id(body: dict[str, Any]) -> int | None:
    raw = body.get("id")
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**63:
        return None
    return raw
